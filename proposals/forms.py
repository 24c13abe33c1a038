from itertools import groupby

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from governance.attachments import MultipleFileField
from governance.models import Unit, User
from governance.periods import YearField
from governance.permissions import units_where
from governance.rocdate import ROCDateError, ROCDateField, parse_date
from governance.roles import Capability
from governance.selectors import active_units
from governance.submissions import SubmissionTokenField
from governance.text import LongTextField
from plan.models import PlanPractice
from plan.selectors import item_label, practices_to_link

from . import selectors
from .models import NotAcceptedReason, Proposal, ReviewRound, ScopeCategory
from .services import ProposalContent


def _person_label(user):
    return _("%(name)s（%(username)s）") % {"name": user.get_full_name(), "username": user.username}


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _person_label(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _person_label(obj)


class _PracticesByItem(forms.models.ModelChoiceIterator):
    """The practices under their plan item's heading (an <optgroup>), in the plan's order."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for item, practices in groupby(self.queryset, key=lambda practice: practice.item):
            yield (item_label(item), [self.choice(practice) for practice in practices])


class PracticeChoiceField(forms.ModelChoiceField):
    iterator = _PracticesByItem

    def label_from_instance(self, obj):
        return f"{obj.number} {obj.text}"


class ProposalForm(forms.ModelForm):
    """The proposal's content, its co-proposers with their shares, and new attachments."""

    submission_token = SubmissionTokenField()
    co_proposers = LongTextField(
        label=_("共同提案人"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "每行一位：姓名或帳號、貢獻比例，例如「王小明 30」或「readers-staff2 30」。"
            "提案人的比例為 100% 減去其他人的合計。"
        ),
    )
    attachments = MultipleFileField(label=_("附件"))

    class Meta:
        model = Proposal
        fields = ["title", "situation", "improvement", "benefit", "category", "plan_practice"]
        field_classes = {
            "situation": LongTextField,
            "improvement": LongTextField,
            "benefit": LongTextField,
            "plan_practice": PracticeChoiceField,
        }
        widgets = {
            "situation": forms.Textarea(attrs={"rows": 5}),
            "improvement": forms.Textarea(attrs={"rows": 5}),
            "benefit": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["category"].queryset = ScopeCategory.objects.filter(active=True)
        # The current plan's practices, and the one a draft already names if the plan has
        # been revised since.
        linked = self.instance.plan_practice_id
        practices = practices_to_link()
        if linked:
            practices = (practices | PlanPractice.objects.filter(pk=linked)).distinct()
        self.fields["plan_practice"].queryset = practices
        self.fields["plan_practice"].help_text = _("選填：本提案落實的服務品質計畫推動作法。")
        if self.instance.pk and not self.is_bound:
            self.initial["co_proposers"] = "\n".join(
                f"{p.person.username} {p.share}" for p in self.instance.proposers.all()[1:]
            )

    def clean_co_proposers(self):
        people = []
        for number, line in enumerate(self.cleaned_data["co_proposers"].splitlines(), 1):
            if not line.strip():
                continue
            parts = line.replace("，", " ").replace(",", " ").replace("%", " ").split()
            if len(parts) != 2 or not parts[1].isdigit():
                raise ValidationError(_("第 %(n)s 行格式應為「姓名或帳號 比例」。"), params={"n": number})
            people.append((self._person(number, parts[0]), int(parts[1])))
        return people

    @staticmethod
    def _person(number, who):
        """The active person with this login, else the only one with this name."""
        person = User.objects.filter(username=who, is_active=True).first()
        if person is not None:
            return person
        named = list(User.objects.filter(full_name=who, is_active=True)[:2])
        if len(named) == 1:
            return named[0]
        if named:
            raise ValidationError(
                _("第 %(n)s 行：有不只一位同仁名為 %(u)s，請改填帳號。"), params={"n": number, "u": who}
            )
        raise ValidationError(_("第 %(n)s 行：找不到姓名或帳號 %(u)s。"), params={"n": number, "u": who})

    def content(self):
        data = self.cleaned_data
        return ProposalContent(
            data["title"],
            data["situation"],
            data["improvement"],
            data["benefit"],
            data["category"],
            data["plan_practice"],
        )


class FirstReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("初審結果"), choices=ReviewRound.Outcome.choices, widget=forms.RadioSelect
    )
    reason_code = forms.ChoiceField(
        label=_("不予受理理由"), required=False, help_text=_("僅於「不予受理」時選擇。")
    )
    reasons = LongTextField(label=_("理由／說明"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason_code"].choices = [("", "—")] + [
            (r.code, r.label) for r in NotAcceptedReason.objects.filter(active=True)
        ]

    def clean(self):
        data = super().clean()
        if data.get("outcome") == ReviewRound.Outcome.NOT_ACCEPTED and not data.get("reason_code"):
            self.add_error("reason_code", _("不予受理須選擇理由。"))
        if data.get("outcome") == ReviewRound.Outcome.RETURNED and not data.get("reasons", "").strip():
            self.add_error("reasons", _("退回修正須說明理由。"))
        return data


class AssignReviewersForm(forms.Form):
    members = PeopleChoiceField(
        label=_("評審委員"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = selectors.committee_members().exclude(
            pk__in=selectors.conflicted_reviewer_ids(proposal)
        )


class ScoreForm(forms.Form):
    """One field per criterion, its scale and weight beside it; the weighted total is shown as
    the member types (proposals/score_total.js) and, without JavaScript, by 試算 (preview)."""

    comment = LongTextField(label=_("評語"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"criterion_{c.pk}"] = forms.IntegerField(
                label=c.name,
                min_value=0,
                max_value=100,
                help_text=_("0 到 100 分（整數），權重 %(weight)s%%") % {"weight": c.weight},
                widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "data-weight": c.weight}),
            )
        self.order_fields([f"criterion_{c.pk}" for c in criteria] + ["comment"])

    def values(self):
        return {c.name: self.cleaned_data[f"criterion_{c.pk}"] for c in self.criteria}


class RecusalForm(forms.Form):
    reason = LongTextField(
        label=_("迴避理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：與提案人為配偶或三親等內親屬、曾參與本案構想。管考單位會改派其他委員。"),
    )


class ReplaceReviewerForm(forms.Form):
    member = PersonChoiceField(label=_("改派委員"), queryset=User.objects.none())

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = selectors.replacement_candidates(proposal)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("決定"), choices=Proposal.Decision.choices, widget=forms.RadioSelect)
    reason = LongTextField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))
    lead_unit = forms.ModelChoiceField(label=_("主辦單位"), queryset=Unit.objects.none(), required=False)
    supporting_units = forms.ModelMultipleChoiceField(
        label=_("協辦單位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    due_date = ROCDateField(label=_("預定完成日"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = active_units().order_by("sort_order")
        self.fields["lead_unit"].queryset = units
        self.fields["supporting_units"].queryset = units

    def clean(self):
        data = super().clean()
        if data.get("decision") == Proposal.Decision.ADOPT:
            # A field already refused (a date that does not exist) keeps its own message only.
            if not data.get("lead_unit") and "lead_unit" not in self.errors:
                self.add_error("lead_unit", _("採行須指定主辦單位。"))
            if not data.get("due_date") and "due_date" not in self.errors:
                self.add_error("due_date", _("採行須指定預定完成日。"))
        return data


class ExecutionPlanForm(forms.Form):
    plan = LongTextField(label=_("執行計畫"), widget=forms.Textarea(attrs={"rows": 6}))
    milestones = LongTextField(
        label=_("查核點"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一個：日期 查核點，例如「115/03/31 完成需求訪談」，民國或西元日期皆可。"),
    )

    def clean_milestones(self):
        milestones = []
        for number, line in enumerate(self.cleaned_data["milestones"].splitlines(), 1):
            if not line.strip():
                continue
            date_text, _sep, title = line.strip().partition(" ")
            try:
                due = parse_date(date_text)
            except ROCDateError as e:
                raise ValidationError(_("第 %(n)s 行：%(e)s"), params={"n": number, "e": e}) from None
            if not title.strip():
                raise ValidationError(_("第 %(n)s 行缺少查核點說明。"), params={"n": number})
            milestones.append((title.strip(), due))
        if not milestones:
            raise ValidationError(_("請至少列一個查核點。"))
        return milestones


class ProgressReportForm(forms.Form):
    percent_complete = forms.IntegerField(label=_("完成百分比"), min_value=0, max_value=100)
    text = LongTextField(label=_("辦理情形"), widget=forms.Textarea(attrs={"rows": 5}))
    declares_complete = forms.BooleanField(label=_("本案已執行完成"), required=False)
    evidence = MultipleFileField(label=_("佐證檔案"))

    def clean(self):
        data = super().clean()
        if data.get("declares_complete") and data.get("percent_complete") != 100:
            self.add_error("percent_complete", _("宣告完成時，完成百分比須為 100。"))
        return data


class ApproveProgressForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("核定"),
        choices=[("1", _("核定")), ("0", _("退回補正"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    comment = LongTextField(label=_("意見"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class EvaluationForm(forms.Form):
    RATINGS = [("優良", _("優良")), ("良好", _("良好")), ("普通", _("普通")), ("待改善", _("待改善"))]
    rating = forms.ChoiceField(label=_("成效評等"), choices=RATINGS)
    evaluation = LongTextField(label=_("成效評估"), widget=forms.Textarea(attrs={"rows": 5}))


class ProposalFilterForm(forms.Form):
    year = YearField(label=_("年度"), required=False, help_text=_("民國年（如 115）或西元年（如 2026）"))
    unit = forms.ModelChoiceField(label=_("單位"), queryset=Unit.objects.none(), required=False)
    state = forms.ChoiceField(
        label=_("狀態"), required=False, choices=[("", _("全部"))] + list(Proposal.State.choices)
    )
    grade = forms.CharField(label=_("等第"), required=False)
    q = forms.CharField(label=_("搜尋"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_where(user, Capability.VIEW_UNIT_CASES).order_by("sort_order")


class CorrectDueDateForm(forms.Form):
    """The 管考 office's correction of a proposal's 預定完成日, filled with the one recorded."""

    due_date = ROCDateField(label=_("預定完成日"))
    # Not required here: the service's refusal says what is missing (services.correct_due_date).
    reason = LongTextField(label=_("更正理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, proposal, **kwargs):
        kwargs.setdefault("initial", {"due_date": proposal.due_date})
        super().__init__(*args, **kwargs)
