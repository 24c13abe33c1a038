"""Pages of the execution group's meetings (執行小組會議) and the plan's two documents.

Everyone who reads unit cases reads the meetings; the 管考 office schedules them, builds the
agenda and records the minutes; the action unit's liaison or head completes a follow-up
action; the 管考 office and the director download the self-assessment and execution report.
"""

import datetime
import html

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from governance import paging, submissions
from governance.documents import pdf_response
from governance.models import Membership, Unit
from governance.odt import odt_response
from governance.rocdate import TAIPEI, ROCDateField, today_taipei
from governance.roles import AgencyRole, Capability, UnitRole, group_name
from governance.selectors import active_units
from governance.submissions import SubmissionTokenField
from governance.text import LongTextField
from plan.models import PlanVersion

from . import documents as plan_documents
from . import meeting_documents as papers
from . import services as meetings
from .models import AgendaItem, GroupMeeting, MeetingDecision

# The meetings list, latest first (meetings_for_list's order).
LIST_ORDER = ("-scheduled_for", "-pk")
# The meeting papers as the meeting page names them (in the reader's language).
PAPER_TITLES = {
    papers.NOTICE: gettext_lazy("開會通知單"),
    papers.AGENDA: gettext_lazy("議程"),
    papers.MINUTES: gettext_lazy("會議紀錄"),
}
DEFAULT_TIME = datetime.time(14, 0)


# ---------------------------------------------------------------- forms


def _deciders():
    """People who may chair: the director and the deputy (DECIDE_FOR_AGENCY)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__permissions__codename=Capability.DECIDE_FOR_AGENCY)
        .distinct()
        .order_by("username")
    )


def _members(day):
    """Who may attend: people with a unit role, the director, the deputy and the 管考 office."""
    groups = [
        group_name(r) for r in (AgencyRole.DIRECTOR, AgencyRole.DEPUTY_DIRECTOR, AgencyRole.TRACKING_OFFICE)
    ]
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(pk__in=Membership.objects.active_on(day).values("user_id")) | Q(groups__name__in=groups))
        .distinct()
        .order_by("username")
    )


def _person_label(person, with_title=None):
    # with_title: the translated format, looked up once for a list of 3,000 people.
    if person.job_title:
        return (with_title or _("%(name)s（%(job_title)s）")) % {
            "name": person.get_full_name(),
            "job_title": person.job_title,
        }
    return person.get_full_name()


class ScheduleForm(forms.Form):
    submission_token = SubmissionTokenField()
    day = ROCDateField(label=gettext_lazy("開會日期"))
    time = forms.TimeField(
        label=gettext_lazy("開會時間"),
        initial=DEFAULT_TIME,
        widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "14:00"}),
        help_text=gettext_lazy("24 小時制，例如 14:00。"),
    )
    location = forms.CharField(label=gettext_lazy("地點"), max_length=200, required=False)
    chair = forms.ModelChoiceField(
        label=gettext_lazy("主席"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=gettext_lazy("召集人為館長，館長不克出席時由副館長代理。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        deciders = _deciders()
        self.fields["chair"].queryset = deciders
        self.fields["chair"].label_from_instance = _person_label
        director = deciders.filter(groups__name=group_name(AgencyRole.DIRECTOR)).first()
        if director is not None:
            self.fields["chair"].initial = director.pk

    def scheduled_for(self):
        data = self.cleaned_data
        return datetime.datetime.combine(data["day"], data["time"], tzinfo=TAIPEI)


class ChangeForm(ScheduleForm):
    """The same fields as scheduling, filled with the meeting's, and the reason for the change."""

    reason = LongTextField(
        label=gettext_lazy("變更理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, meeting, **kwargs):
        local = timezone.localtime(meeting.scheduled_for, TAIPEI)
        kwargs.setdefault(
            "initial",
            {
                "day": local.date(),
                "time": local.time(),
                "location": meeting.location,
                "chair": meeting.chair_id,
            },
        )
        super().__init__(*args, **kwargs)
        del self.fields["submission_token"]
        self.fields["chair"].initial = meeting.chair_id


class CancelForm(forms.Form):
    prefix = "cancel"  # on the change page beside ChangeForm: its own field names and ids
    reason = LongTextField(
        label=gettext_lazy("取消理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class OtherItemForm(forms.Form):
    """An agenda item the 管考 office adds by hand (其他)."""

    reference = forms.CharField(label=gettext_lazy("案號"), max_length=50, required=False)
    title = LongTextField(label=gettext_lazy("案由"), widget=forms.Textarea(attrs={"rows": 2}))

    def to_input(self):
        return meetings.AgendaInput(
            kind=AgendaItem.Kind.OTHER,
            title=self.cleaned_data["title"],
            reference=self.cleaned_data["reference"],
        )


def other_item_formset(rows):
    return forms.formset_factory(OtherItemForm, extra=rows, max_num=100, validate_max=True)


def _escaped(value):
    """conditional_escape without its lazy wrapper (thousands of calls a page)."""
    return str(value.__html__()) if hasattr(value, "__html__") else html.escape(str(value))


def _html_attrs(attrs):
    """Attributes as django/forms/widgets/attrs.html writes them."""
    return "".join(
        f" {key}" if value is True else f' {key}="{_escaped(value)}"'
        for key, value in attrs.items()
        if value is not False
    )


class PeopleCheckboxes(forms.CheckboxSelectMultiple):
    """CheckboxSelectMultiple's own HTML, built in Python: the attendees offered are everyone who
    may attend (3,000 people in a large agency), and a template per checkbox took over half a
    second for them (issue step 14). Each option carries the field's attributes, with its own
    id, as Django's does."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.get("id")
        chosen = {str(v) for v in self.format_value(value)}
        keys = list(attrs)
        at = keys.index("id") if base_id else len(keys)
        before = _html_attrs({k: attrs[k] for k in keys[:at]})
        after = _html_attrs({k: attrs[k] for k in keys[at + 1 :]})
        name = _escaped(name)
        rows = []
        for index, (option_value, label) in enumerate(self.choices):
            option_value = str(option_value)
            target, own_id = "", ""
            if base_id:
                option_id = _escaped(self.id_for_label(base_id, index))
                target, own_id = f' for="{option_id}"', f' id="{option_id}"'
            checked = " checked" if option_value in chosen else ""
            rows.append(
                f'<div>\n    <label{target}><input type="checkbox" name="{name}" '
                f'value="{_escaped(option_value)}"{before}{own_id}{after}{checked}>\n {_escaped(label)}</label>'
                "\n\n</div>"
            )
        outer = f' id="{_escaped(base_id)}"' if base_id else ""
        css = f' class="{_escaped(attrs["class"])}"' if attrs.get("class") else ""
        return mark_safe(f"<div{outer}{css}>{''.join(rows)}\n</div>")  # every part escaped above


class RecordForm(forms.Form):
    attendees = forms.ModelMultipleChoiceField(
        label=gettext_lazy("出席人員"),
        queryset=get_user_model().objects.none(),
        widget=PeopleCheckboxes,
    )
    minutes = LongTextField(label=gettext_lazy("會議紀錄"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        day = meetings.meeting_day(meeting)
        # Only what a label needs: a large agency offers 3,000 people, and whole rows (with
        # their dates) took a third of the page.
        people = _members(day).only("pk", "username", "full_name", "job_title")
        self.fields["attendees"].queryset = people
        with_title = _("%(name)s（%(job_title)s）")
        self.fields["attendees"].label_from_instance = lambda p: _person_label(p, with_title)
        if not self.is_bound:
            # The execution group: the chair, the unit heads and the 管考 office.
            heads = Membership.objects.active_on(day).filter(role=UnitRole.HEAD).values("user_id")
            tracking = group_name(AgencyRole.TRACKING_OFFICE)
            self.initial["attendees"] = list(
                people.filter(
                    Q(pk__in=heads) | Q(groups__name=tracking) | Q(pk=meeting.chair_id)
                ).values_list("pk", flat=True)
            )


class DecisionForm(forms.Form):
    text = LongTextField(label=gettext_lazy("決議"), widget=forms.Textarea(attrs={"rows": 2}))
    agenda_item = forms.ModelChoiceField(
        label=gettext_lazy("對應議程"), queryset=AgendaItem.objects.none(), required=False
    )
    action_unit = forms.ModelChoiceField(
        label=gettext_lazy("追蹤單位"), queryset=Unit.objects.none(), required=False
    )
    action_due = ROCDateField(
        label=gettext_lazy("追蹤期限"),
        required=False,
        help_text=gettext_lazy("有追蹤事項時，追蹤單位與期限都要填；沒有則都留白。"),
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda.all()
        self.fields["agenda_item"].label_from_instance = (
            lambda item: f"{item.sort_order}. {item.reference + ' ' if item.reference else ''}{Truncator(item.title).chars(40)}"
        )
        self.fields["action_unit"].queryset = active_units().order_by("sort_order", "code")

    def clean(self):
        data = super().clean()
        if bool(data.get("action_unit")) != bool(data.get("action_due")) and not self.errors:
            self.add_error(
                "action_due" if data.get("action_unit") else "action_unit",
                _("追蹤單位與追蹤期限須同時填寫或同時空白。"),
            )
        return data

    def to_input(self):
        d = self.cleaned_data
        return meetings.DecisionInput(
            text=d["text"],
            agenda_item=d["agenda_item"],
            action_unit=d["action_unit"],
            action_due=d["action_due"],
        )


def decision_formset(rows):
    return forms.formset_factory(DecisionForm, extra=rows, max_num=200, validate_max=True)


class ActionForm(forms.Form):
    note = LongTextField(label=gettext_lazy("辦理情形"), widget=forms.Textarea(attrs={"rows": 3}))


def _rows(request, default):
    try:
        return min(max(int(request.GET.get("rows", default)), 1), 50)
    except ValueError:
        return default


# ---------------------------------------------------------------- helpers


def _require_view(request):
    if not meetings.may_view_meetings(request.user):
        raise PermissionDenied


def _require_manage(request):
    if not meetings.may_manage_meetings(request.user):
        raise PermissionDenied


def _errors_text(form):
    return _("；").join(str(m) for errors in form.errors.values() for m in errors)


# ---------------------------------------------------------------- pages


def meeting_list(request):
    _require_view(request)
    may_download = plan_documents.may_download_plan_documents(request.user)
    today = today_taipei()
    actions = meetings.open_actions(today)
    page = paging.keyset_page(request, meetings.meetings_for_list(), LIST_ORDER)
    ctx = {
        "warning": meetings.next_meeting_warning(today),
        "meetings": page.rows,
        "page": page,
        "actions": actions,
        "completable": {a.pk for a in actions if meetings.may_complete_action(request.user, a)},
        "may_manage": meetings.may_manage_meetings(request.user),
        "documents": [
            {
                "version": v,
                "execution_ready": plan_documents.execution_report_available(v.plan, today),
                "opens_on": plan_documents.execution_report_opens_on(v.plan),
            }
            for v in plan_documents.current_versions()
        ]
        if may_download
        else [],
    }
    return render(request, "meetings/list.html", ctx)


def meeting_new(request):
    _require_manage(request)
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                once = submissions.claim(request.user, form.cleaned_data["submission_token"])
                meeting = meetings.schedule_meeting(
                    actor=request.user,
                    scheduled_for=form.scheduled_for(),
                    location=form.cleaned_data["location"],
                    chair=form.cleaned_data["chair"],
                )
                once.done(reverse("meetings:detail", args=[meeting.pk]))
        except submissions.AlreadySubmitted as earlier:
            messages.info(request, _("這份表單已經送出過，沒有重複建立。"))
            return redirect(earlier.url or "meetings:index")
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(
                request, _("已排定 %(y)s 年第 %(n)s 次會議。") % {"y": meeting.roc_year, "n": meeting.number}
            )
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/form.html", {"form": form})


def meeting_detail(request, pk):
    _require_view(request)
    meeting = get_object_or_404(GroupMeeting.objects.select_related("chair", "created_by"), pk=pk)
    agenda = meetings.agenda_of(meeting)
    decisions = meetings.decisions_of(meeting)
    ctx = {
        "meeting": meeting,
        "day": meetings.meeting_day(meeting),
        "agenda": agenda,
        "decisions": decisions,
        "completable": {d.pk for d in decisions if meetings.may_complete_action(request.user, d)},
        "action_form": ActionForm(),
        "attendees": meetings.attendees_of(meeting),
        "history": meetings.meeting_history(meeting),
        "may_manage": meetings.may_manage_meetings(request.user),
        "scheduled": meeting.state == GroupMeeting.State.SCHEDULED,
        "papers": [
            {
                "kind": kind,
                "title": PAPER_TITLES[kind],
                "pdf": f"meetings:{kind}_pdf",
                "odt": f"meetings:{kind}_odt",
            }
            for kind in papers.kinds_available(meeting)
        ],
    }
    return render(request, "meetings/detail.html", ctx)


def meeting_paper(request, pk, kind, fmt):
    """A meeting's notice, agenda or minutes (meetings.meeting_documents), as PDF or ODT: for
    whoever may view the meeting. A cancelled meeting has none; the minutes wait until it is held."""
    _require_view(request)
    meeting = get_object_or_404(GroupMeeting.objects.select_related("chair", "created_by"), pk=pk)
    try:
        document = papers.meeting_document(meeting, kind, fmt)
    except papers.NotAvailable as e:
        messages.error(request, " ".join(e.messages))
        return redirect("meetings:detail", pk=meeting.pk)
    if fmt == papers.ODT:
        return odt_response(document.content, document.filename)
    return pdf_response(document)


def meeting_change(request, pk):
    """Change the time, place or chair of a meeting not yet held, or cancel it: each with a
    reason; the group is told (meetings.services)."""
    _require_manage(request)
    meeting = get_object_or_404(GroupMeeting.objects.select_related("chair"), pk=pk)
    refused = _scheduled_or_redirect(request, meeting)
    if refused:
        return refused
    form = ChangeForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            meetings.change_meeting(
                actor=request.user,
                meeting=meeting,
                scheduled_for=form.scheduled_for(),
                location=form.cleaned_data["location"],
                chair=form.cleaned_data["chair"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("會議已變更，已通知與會人員。"))
            return redirect("meetings:detail", pk=meeting.pk)
    ctx = {"meeting": meeting, "form": form, "cancel_form": CancelForm()}
    return render(request, "meetings/change.html", ctx)


@require_POST
def meeting_cancel(request, pk):
    _require_manage(request)
    meeting = get_object_or_404(GroupMeeting.objects.select_related("chair"), pk=pk)
    refused = _scheduled_or_redirect(request, meeting)
    if refused:
        return refused
    cancel_form = CancelForm(request.POST)
    try:
        cancel_form.is_valid()
        meetings.cancel_meeting(
            actor=request.user, meeting=meeting, reason=cancel_form.cleaned_data.get("reason")
        )
    except ValidationError as e:
        cancel_form.add_error(None, e)
        ctx = {"meeting": meeting, "form": ChangeForm(meeting=meeting), "cancel_form": cancel_form}
        return render(request, "meetings/change.html", ctx)
    messages.success(request, _("會議已取消，已通知與會人員。"))
    return redirect("meetings:detail", pk=meeting.pk)


def _scheduled_or_redirect(request, meeting):
    if meeting.state != GroupMeeting.State.SCHEDULED:
        messages.error(request, _("本次會議已召開或已取消，不能再修改議程、變更或登錄紀錄。"))
        return redirect("meetings:detail", pk=meeting.pk)
    return None


def meeting_agenda(request, pk):
    """Build the agenda: what propose_agenda finds, minus what the 管考 office unticks, plus
    items it types in. A saved agenda comes back ticked; new findings come unticked."""
    _require_manage(request)
    meeting = get_object_or_404(GroupMeeting, pk=pk)
    refused = _scheduled_or_redirect(request, meeting)
    if refused:
        return refused
    existing = list(meeting.agenda.all())
    taken = {f"{i.kind}:{i.ref_id}" for i in existing if i.ref_id}
    rows = [
        {
            "key": f"item:{i.pk}",
            "saved": True,
            "item": meetings.AgendaInput(
                kind=i.kind, title=i.title, ref_id=i.ref_id, reference=i.reference, reason=i.reason
            ),
            "kind_label": i.get_kind_display(),
        }
        for i in existing
    ] + [
        {"key": c.key, "saved": False, "item": c, "kind_label": AgendaItem.Kind(c.kind).label}
        for c in meetings.propose_agenda(meeting)
        if c.key not in taken
    ]
    keep = set(request.POST.getlist("keep")) if request.method == "POST" else None
    for row in rows:
        title = row["item"].title
        row["overdue"] = row["item"].reason == meetings.OVERDUE
        row["checked"] = row["key"] in keep if keep is not None else (row["saved"] or not existing)
        # Plain slicing: Truncator cost a quarter of the page at a thousand rows.
        row["short_title"] = title if len(title) <= 40 else title[:39] + "…"
    others = other_item_formset(_rows(request, 3))(request.POST or None, prefix="other")
    error = None
    if request.method == "POST" and others.is_valid():
        items = [row["item"] for row in rows if row["checked"]] + [
            f.to_input() for f in others if f.has_changed()
        ]
        try:
            meetings.set_agenda(actor=request.user, meeting=meeting, items=items)
        except ValidationError as e:
            error = " ".join(e.messages)
        else:
            messages.success(request, _("已儲存議程，共 %(n)s 項。") % {"n": len(items)})
            return redirect("meetings:detail", pk=meeting.pk)
    ctx = {
        "meeting": meeting,
        "rows": rows,
        "others": others,
        "error": error,
        "more_rows": _rows(request, 3) + 3,
        "months": meetings.interval_months(),
    }
    return render(request, "meetings/agenda.html", ctx)


def meeting_record(request, pk):
    _require_manage(request)
    meeting = get_object_or_404(GroupMeeting.objects.select_related("chair"), pk=pk)
    refused = _scheduled_or_redirect(request, meeting)
    if refused:
        return refused
    rows = _rows(request, 3)
    form = RecordForm(request.POST or None, meeting=meeting)
    decisions = decision_formset(rows)(
        request.POST or None, prefix="decisions", form_kwargs={"meeting": meeting}
    )
    if request.method == "POST" and form.is_valid() and decisions.is_valid():
        try:
            meetings.record_meeting(
                actor=request.user,
                meeting=meeting,
                attendees=form.cleaned_data["attendees"],
                minutes=form.cleaned_data["minutes"],
                decisions=[d.to_input() for d in decisions if d.has_changed()],
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("已登錄會議紀錄。"))
            return redirect("meetings:detail", pk=meeting.pk)
    ctx = {
        "meeting": meeting,
        "form": form,
        "decisions": decisions,
        "more_rows": rows + 3,
        "not_yet": meetings.meeting_day(meeting) > today_taipei(),
    }
    return render(request, "meetings/record.html", ctx)


@require_POST
def action_complete(request, pk):
    _require_view(request)
    decision = get_object_or_404(MeetingDecision.objects.select_related("meeting"), pk=pk)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("追蹤事項未辦結：%(e)s") % {"e": _errors_text(form)})
    else:
        try:
            meetings.complete_action(actor=request.user, decision=decision, note=form.cleaned_data["note"])
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("已辦結追蹤事項。"))
    return redirect("meetings:detail", pk=decision.meeting_id)


def plan_document_pdf(request, pk, kind):
    """The self-assessment or the execution report of a plan version, as PDF."""
    if not plan_documents.may_download_plan_documents(request.user):
        raise PermissionDenied
    version = get_object_or_404(PlanVersion.objects.select_related("plan"), pk=pk)
    try:
        document = plan_documents.plan_document(kind, version)
    except plan_documents.TooEarly as e:
        messages.error(request, " ".join(e.messages))
        return redirect("meetings:index")
    return pdf_response(document)
