from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from governance.attachments import MultipleFileField
from governance.docnumber import DocumentNumberField
from governance.models import Unit
from governance.periods import YearField
from governance.rocdate import ROCDateField
from governance.selectors import active_units
from governance.submissions import SubmissionTokenField
from governance.text import LongTextField

from .models import Audit, Finding, TrackingDecision
from .services import FindingInput

Outcome = TrackingDecision.Outcome


def _units():
    return active_units().order_by("sort_order")


class AuditForm(forms.Form):
    submission_token = SubmissionTokenField()
    agency = forms.CharField(label=_("上級機關"), max_length=100)
    kind = forms.ChoiceField(label=_("類別"), choices=Audit.Kind.choices)
    title = forms.CharField(label=_("名稱"), max_length=200, help_text=_("例如：114 年度服務品質考核"))
    held_on = ROCDateField(label=_("考核日期"))
    document_number = DocumentNumberField(label=_("來文文號"))
    attachments = MultipleFileField(label=_("附件（考核報告等）"))


class FindingForm(forms.Form):
    # Blank first: an untouched fieldset of the registration page must stay unchanged.
    kind = forms.ChoiceField(label=_("類別"), choices=[("", "---------"), *Finding.Kind.choices])
    text = LongTextField(label=_("考核意見內容"), widget=forms.Textarea(attrs={"rows": 3}))
    severity = forms.ChoiceField(
        label=_("嚴重程度"), choices=Finding.Severity.choices, initial=Finding.Severity.MEDIUM
    )
    lead_unit = forms.ModelChoiceField(label=_("主辦單位"), queryset=Unit.objects.none())
    supporting_units = forms.ModelMultipleChoiceField(
        label=_("協辦單位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    due_date = ROCDateField(label=_("改善期限"))
    self_tracked = forms.BooleanField(
        label=_("單位自行列管"),
        required=False,
        help_text=_("僅限建議與觀察事項：免開檢討會議，由單位主管決定解除列管。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = _units()
        self.fields["supporting_units"].queryset = _units()

    def clean(self):
        data = super().clean()
        if data.get("self_tracked") and data.get("kind") == Finding.Kind.DEFICIENCY:
            self.add_error("self_tracked", _("缺失須由管考列管，不能單位自行列管。"))
        return data

    def to_input(self):
        d = self.cleaned_data
        return FindingInput(
            kind=d["kind"],
            text=d["text"],
            severity=d["severity"],
            lead_unit=d["lead_unit"],
            due_date=d["due_date"],
            supporting_units=tuple(d["supporting_units"]),
            self_tracked=d["self_tracked"],
        )


class FindingFormSet(forms.BaseFormSet):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_few_forms": _("請至少填寫 1 項考核意見。"),
        "too_many_forms": _("一次最多登錄 %(num)d 項考核意見。"),
    }


def finding_formset(rows):
    """The registration page's findings: `rows` fieldsets (blank ones are ignored)."""
    return forms.formset_factory(
        FindingForm,
        formset=FindingFormSet,
        extra=rows - 1,
        min_num=1,
        validate_min=True,
        max_num=500,
        validate_max=True,
    )


class ReviewMeetingForm(forms.Form):
    held_on = ROCDateField(label=_("會議日期"))
    attendees = LongTextField(label=_("出席人員"), widget=forms.Textarea(attrs={"rows": 2}))
    decisions = LongTextField(label=_("會議決議"), widget=forms.Textarea(attrs={"rows": 4}))
    lead_unit = forms.ModelChoiceField(
        label=_("確認主辦單位"),
        queryset=Unit.objects.none(),
        help_text=_("僅適用於本項；一併檢討的其他項目維持原主辦單位與期限。"),
    )
    due_date = ROCDateField(label=_("確認改善期限"), help_text=_("僅適用於本項。"))
    also = forms.ModelMultipleChoiceField(
        label=_("本次會議一併檢討的其他考核意見"),
        queryset=Finding.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, finding, others, **kwargs):
        kwargs.setdefault("initial", {"lead_unit": finding.lead_unit_id, "due_date": finding.due_date})
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = _units()
        self.fields["also"].queryset = others
        self.fields["also"].label_from_instance = lambda f: _(
            "%(number)s（%(agency)s %(title)s）%(text)s"
        ) % {
            "number": f.tracking_number,
            "agency": f.audit.agency,
            "title": f.audit.title,
            "text": Truncator(f.text).chars(40),
        }


class PlanForm(forms.Form):
    text = LongTextField(label=_("改善措施"), widget=forms.Textarea(attrs={"rows": 6}))
    root_cause = LongTextField(label=_("原因分析"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ApproveForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("核定"),
        choices=[("1", _("核定")), ("0", _("退回修正"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    comment = LongTextField(label=_("意見"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ProgressForm(forms.Form):
    percent_complete = forms.IntegerField(label=_("完成百分比"), min_value=0, max_value=100)
    text = LongTextField(label=_("辦理情形"), widget=forms.Textarea(attrs={"rows": 5}))
    propose_removal = forms.BooleanField(label=_("已改善完成，建議申請解除列管"), required=False)
    evidence = MultipleFileField(label=_("佐證檔案"))

    def clean(self):
        data = super().clean()
        if data.get("propose_removal") and data.get("percent_complete") != 100:
            self.add_error("percent_complete", _("完成百分比達 100 才能建議申請解除列管。"))
        return data


class RequestRemovalForm(forms.Form):
    confirm = forms.TypedChoiceField(
        label=_("主管決定"),
        choices=[("1", _("申請解除列管")), ("0", _("請單位續辦"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = LongTextField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))


class ReviewRemovalForm(forms.Form):
    recommends_removal = forms.TypedChoiceField(
        label=_("管考建議"),
        choices=[("1", _("建議解除列管")), ("0", _("建議繼續列管"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    opinion = LongTextField(label=_("審查意見"), widget=forms.Textarea(attrs={"rows": 4}))


class CouncilDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("館務會議決定"), choices=Outcome.choices, widget=forms.RadioSelect)
    meeting_date = ROCDateField(label=_("會議日期"))
    minutes_reference = forms.CharField(
        label=_("會議紀錄"), max_length=200, help_text=_("例如：第 12 次館務會議紀錄")
    )
    new_due_date = ROCDateField(label=_("新改善期限（繼續列管時必填）"), required=False)
    note = LongTextField(label=_("說明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Outcome.CONTINUE and not data.get("new_due_date"):
            self.add_error("new_due_date", _("繼續列管須訂定新改善期限。"))
        return data


class CorrectAuditForm(forms.Form):
    """What the 管考 office may put right on an audit, filled with what is recorded."""

    document_number = DocumentNumberField(label=_("來文文號"))
    held_on = ROCDateField(label=_("考核日期"))
    reply_document_number = DocumentNumberField(label=_("回復文號"), required=False)
    replied_on = ROCDateField(label=_("回復日期"), required=False)
    reason = LongTextField(label=_("更正理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, audit, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "document_number": audit.document_number,
                "held_on": audit.held_on,
                "reply_document_number": audit.reply_document_number,
                "replied_on": audit.replied_on,
            },
        )
        super().__init__(*args, **kwargs)
        if not audit.closed:
            del self.fields["reply_document_number"], self.fields["replied_on"]


class ReplyForm(forms.Form):
    replied_on = ROCDateField(label=_("回復日期"))
    document_number = DocumentNumberField(label=_("回復文號"))


class ContributionForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("協辦單位"), queryset=Unit.objects.none())
    text = LongTextField(label=_("協辦辦理情形"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence = MultipleFileField(label=_("佐證檔案"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk


class FindingFilterForm(forms.Form):
    # An audit is chosen from its own page (a link carries its id); a list of every audit
    # would grow with the years. The search box finds audits by name or agency instead.
    audit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    q = forms.CharField(label=_("搜尋"), required=False, help_text=_("列管編號、內容、考核名稱或上級機關"))
    unit = forms.ModelChoiceField(label=_("主辦單位"), queryset=Unit.objects.none(), required=False)
    state = forms.ChoiceField(
        label=_("狀態"), required=False, choices=[("", _("全部"))] + list(Finding.State.choices)
    )
    overdue = forms.BooleanField(label=_("僅列逾期"), required=False)
    year = YearField(label=_("年度"), required=False, help_text=_("民國年（如 115）或西元年（如 2026）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units()


class CorrectDueDateForm(forms.Form):
    """The 管考 office's correction of a finding's 改善期限, filled with the one recorded."""

    due_date = ROCDateField(label=_("改善期限"))
    # Not required here: the service's refusal says what is missing (services.correct_due_date).
    reason = LongTextField(label=_("更正理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, finding, **kwargs):
        kwargs.setdefault("initial", {"due_date": finding.due_date})
        super().__init__(*args, **kwargs)
