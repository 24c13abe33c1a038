"""Everything that changes an audit or a finding.

As in proposals/services.py: each function checks that the acting person may
act, changes the records and writes the trail in one transaction; task steps
receive the started activation of their viewflow task and end by executing it.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from viewflow.workflow.activation import Activation
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance import notifications, workflow
from governance.casenumber import format_number
from governance.cases import move_case, record_case_event, store_attachments
from governance.models import Unit, User
from governance.nodes import record_outcome
from governance.permissions import can, require
from governance.rocdate import format_roc, roc_year, today_taipei
from governance.roles import Capability, UnitRole
from governance.selectors import unit_people_ids

from .models import (
    AUDIT_KIND,
    FINDING_KIND,
    FINDING_NUMBER_PREFIX,
    Audit,
    AuditAttachment,
    Contribution,
    Finding,
    FindingAttachment,
    ProgressRound,
    RemediationPlan,
    RemediationProcess,
    RemovalRequest,
    ReplyProcess,
    ReviewMeeting,
    ReviewMeetingItem,
    TrackingDecision,
)

State = Finding.State
SYSTEM = None


# ---------------------------------------------------------------- helpers


# A finding's steps go through governance.cases, as every case's do; these only name the kind.


def _tell_units(finding, unit_ids, key, subject, text, roles=(UnitRole.LIAISON, UnitRole.HEAD)):
    """The units' liaisons and heads hear of a step that concerns them once it commits
    (governance.notifications.notify). Kept texts, in the agency's language."""
    with translation.override(settings.LANGUAGE_CODE):
        notifications.notify(
            recipient_ids=unit_people_ids(unit_ids, roles),
            key=f"finding:{finding.pk}:{key}",
            subject=_("%(subject)s：%(number)s") % {"subject": subject, "number": finding.tracking_number},
            text=text,
            url=reverse("audits:finding", args=[finding.pk]),
            due_date=finding.due_date,
        )


def _ask_supporting_units(finding, unit_ids):
    """Contributions open (a finding enters its planning, or a new round): each supporting
    unit's liaison and head are told what their unit owes, and by when."""
    if not unit_ids:
        return
    with translation.override(settings.LANGUAGE_CODE):
        _tell_units(
            finding,
            unit_ids,
            f"contribution:{finding.round}",
            _("【協辦請求】請填報協辦辦理情形"),
            _(
                "考核意見 %(number)s（主辦：%(lead)s）第 %(round)s 輪請貴單位協辦，"
                "請於 %(date)s 前填報協辦辦理情形：%(text)s"
            )
            % {
                "number": finding.tracking_number,
                "lead": finding.lead_unit.name,
                "round": finding.round,
                "date": format_roc(finding.due_date),
                "text": Truncator(finding.text).chars(120),
            },
        )


def _supporting_ids(finding):
    return list(finding.supporting_units.values_list("pk", flat=True))


def _move(finding, actor, action, to_state, comment="", attachments=(), fields=()):
    move_case(
        finding,
        kind=FINDING_KIND,
        actor=actor,
        action=action,
        to_state=to_state,
        fields=fields,
        comment=comment,
        attachments=attachments,
    )


def _note(finding, actor, action, comment="", attachments=()):
    """An event that leaves the finding in its state."""
    record_case_event(
        finding, kind=FINDING_KIND, actor=actor, action=action, comment=comment, attachments=attachments
    )


def _audit_event(audit, actor, action, comment="", attachments=()):
    """An event of the audit itself, which has no state."""
    record_case_event(
        audit,
        kind=AUDIT_KIND,
        actor=actor,
        action=action,
        from_state="",
        to_state="",
        comment=comment,
        attachments=attachments,
    )


def _finding_of(activation):
    return (
        Finding.objects.select_for_update().select_related("lead_unit").get(pk=activation.process.finding_id)
    )


run_task = workflow.run_task
claim_task = workflow.claim_task
_require_task_owner = workflow.require_task_owner


def _unit_names(units):
    return "、".join(u.name for u in units)


# ---------------------------------------------------------------- registration


@dataclass
class FindingInput:
    kind: str
    text: str
    severity: str
    lead_unit: object
    due_date: datetime.date
    supporting_units: tuple = ()
    self_tracked: bool = False
    root_cause: str = ""


def _next_sequences(year, count):
    last = (
        Finding.objects.filter(roc_year=year).order_by("-sequence").values_list("sequence", flat=True).first()
    ) or 0
    return range(last + 1, last + 1 + count)


@transaction.atomic
def register_audit(
    *,
    actor: User,
    agency: str,
    kind: str,
    title: str,
    held_on: datetime.date,
    document_number: str,
    findings: Sequence[FindingInput],
    uploads: Iterable[UploadedFile] = (),
) -> Audit:
    """The 管考 office enters an audit once with all its findings; each starts its own process."""
    RemediationFlow = workflow.flow_of(RemediationProcess)
    require(actor, Capability.MANAGE_TRACKING)
    if not findings:
        raise ValidationError(_("請至少登錄一項考核意見。"))
    today = today_taipei()
    if held_on > today:
        raise ValidationError(_("考核日期不可晚於今天。"))
    for i, f in enumerate(findings, 1):
        if f.self_tracked and f.kind == Finding.Kind.DEFICIENCY:
            raise ValidationError(_("第 %(n)s 項是缺失，須由管考列管，不能單位自行列管。") % {"n": i})
        if f.due_date < held_on:
            raise ValidationError(_("第 %(n)s 項的改善期限早於考核日期。") % {"n": i})
        if not f.text.strip():
            raise ValidationError(_("第 %(n)s 項缺少內容。") % {"n": i})
    audit = Audit(
        agency=agency.strip(),
        kind=kind,
        title=title.strip(),
        held_on=held_on,
        document_number=document_number.strip(),
        registered_by=actor,
    )
    audit.full_clean()
    audit.save()
    stored = store_attachments(AuditAttachment, uploads, actor=actor, audit=audit)
    _audit_event(
        audit,
        actor,
        "登錄考核",
        comment=f"{audit.agency} {audit.get_kind_display()}（{format_roc(held_on)}，{audit.document_number}），"
        f"考核意見 {len(findings)} 項",
        attachments=stored,
    )
    year = roc_year(today)
    for attempt in range(5):
        try:
            with transaction.atomic():
                created = _create_findings(audit, findings, year, actor)
            break
        except IntegrityError:  # another registration took the same numbers: take the next ones
            if attempt == 4:
                raise
    for finding, supporting in created:
        process = RemediationFlow.start.run(finding=finding)
        Finding.objects.filter(pk=finding.pk).update(process=process)
        if finding.self_tracked:  # others open for contributions at their review meeting
            _ask_supporting_units(finding, [u.pk for u in supporting if u.pk != finding.lead_unit_id])
    return audit


def _create_findings(audit, findings, year, actor):
    rows = [
        Finding(
            audit=audit,
            roc_year=year,
            sequence=seq,
            tracking_number=format_number(FINDING_NUMBER_PREFIX, year, seq),
            kind=f.kind,
            text=f.text.strip(),
            severity=f.severity,
            root_cause=f.root_cause.strip(),
            lead_unit=f.lead_unit,
            due_date=f.due_date,
            self_tracked=f.self_tracked,
            state=State.PLANNING if f.self_tracked else State.AWAITING_MEETING,
        )
        for f, seq in zip(findings, _next_sequences(year, len(findings)), strict=False)
    ]
    Finding.objects.bulk_create(rows)
    rows = list(Finding.objects.filter(audit=audit).order_by("sequence"))
    through = Finding.supporting_units.through
    through.objects.bulk_create(
        through(finding_id=row.pk, unit_id=unit.pk)
        for row, f in zip(rows, findings, strict=False)
        for unit in f.supporting_units
        if unit.pk != f.lead_unit.pk
    )
    for row, f in zip(rows, findings, strict=False):
        path = "單位自行列管" if f.self_tracked else "管考列管"
        supporting = [u for u in f.supporting_units if u.pk != f.lead_unit.pk]
        record_case_event(
            row,
            kind=FINDING_KIND,
            actor=actor,
            action=f"登錄列管（{path}）",
            from_state="",
            comment=f"主辦：{f.lead_unit.name}"
            + (f"；協辦：{_unit_names(supporting)}" if supporting else "")
            + f"；改善期限：{format_roc(f.due_date)}",
        )
    return [(row, f.supporting_units) for row, f in zip(rows, findings, strict=False)]


# ---------------------------------------------------------------- review meeting


def record_review_meeting(
    *,
    actor: User,
    activation: Activation,
    held_on: datetime.date,
    attendees: str,
    decisions: str,
    lead_unit: Unit | None = None,
    due_date: datetime.date | None = None,
    also: Iterable[Finding] = (),
) -> ReviewMeeting:
    """The execution group's meeting; it may cover other findings waiting for one (`also`)."""
    _require_task_owner(actor, activation)
    require(actor, Capability.MANAGE_TRACKING)
    if held_on > today_taipei():
        raise ValidationError(_("會議日期不可晚於今天。"))
    audit_held_on = Finding.objects.get(pk=activation.process.finding_id).audit.held_on
    if held_on < audit_held_on:
        raise ValidationError(_("會議日期不可早於考核日期 %(date)s。") % {"date": format_roc(audit_held_on)})
    if due_date is not None and due_date < audit_held_on:
        raise ValidationError(_("改善期限不可早於考核日期 %(date)s。") % {"date": format_roc(audit_held_on)})
    if not attendees.strip() or not decisions.strip():
        raise ValidationError(_("請填寫出席人員與會議決議。"))
    meeting = ReviewMeeting.objects.create(
        held_on=held_on, attendees=attendees.strip(), decisions=decisions.strip(), recorded_by=actor
    )
    _confirm_at_meeting(actor, activation, meeting, lead_unit, due_date)
    for finding in also:
        task = Task.objects.filter(
            process_id=finding.process_id,
            status__in=[STATUS.NEW, STATUS.ASSIGNED],
            flow_task=activation.flow_task,
        ).first()
        if task is None:
            raise ValidationError(_("%(number)s 不在待檢討會議狀態。") % {"number": finding.tracking_number})
        with workflow.started_task(actor, task) as other:
            _confirm_at_meeting(actor, other, meeting, None, None)
    return meeting


def _confirm_at_meeting(actor, activation, meeting, lead_unit, due_date):
    finding = _finding_of(activation)
    changes = []
    if lead_unit is not None and lead_unit.pk != finding.lead_unit_id:
        changes.append(f"主辦單位改為{lead_unit.name}")
        finding.lead_unit = lead_unit
        activation.process.lead_unit_id = lead_unit.pk
        activation.process.save()
    if due_date is not None and due_date != finding.due_date:
        changes.append(f"改善期限改為{format_roc(due_date)}")
        finding.due_date = due_date
    meeting.findings.add(finding)
    ReviewMeetingItem.objects.create(
        meeting=meeting, finding=finding, lead_unit=finding.lead_unit, due_date=finding.due_date
    )
    summary = (
        "；".join(changes) or f"確認主辦單位{finding.lead_unit.name}、改善期限{format_roc(finding.due_date)}"
    )
    _move(
        finding,
        actor,
        f"檢討會議（{format_roc(meeting.held_on)}）",
        State.PLANNING,
        comment=f"{summary}。決議：{meeting.decisions}",
        fields=["lead_unit", "due_date"],
    )
    _ask_supporting_units(finding, _supporting_ids(finding))
    activation.execute()


# ---------------------------------------------------------------- plan and progress


def write_plan(*, actor: User, activation: Activation, text: str, root_cause: str = "") -> None:
    _require_task_owner(actor, activation)
    finding = _finding_of(activation)
    require(actor, Capability.REPORT_UNIT_PROGRESS, finding.lead_unit)
    if not text.strip():
        raise ValidationError(_("請填寫改善措施。"))
    RemediationPlan.objects.create(finding=finding, round=finding.round, text=text.strip(), author=actor)
    if root_cause.strip():
        finding.root_cause = root_cause.strip()
    _move(finding, actor, "提報改善措施", State.PLAN_REVIEW, comment=text.strip(), fields=["root_cause"])
    activation.execute()


def review_plan(*, actor: User, activation: Activation, approve: bool, comment: str = "") -> None:
    _require_task_owner(actor, activation)
    finding = _finding_of(activation)
    require(actor, Capability.REVIEW_UNIT_CASES, finding.lead_unit)
    plan = (
        finding.plans.select_for_update()
        .filter(approval=RemediationPlan.Approval.PENDING)
        .latest("written_at")
    )
    if not approve and not comment.strip():
        raise ValidationError(_("退回須說明理由。"))
    plan.approval = RemediationPlan.Approval.APPROVED if approve else RemediationPlan.Approval.RETURNED
    plan.approver, plan.approval_comment, plan.decided_at = actor, comment.strip(), timezone.now()
    plan.save()
    if approve:
        _move(finding, actor, "主管核定改善措施", State.IN_PROGRESS, comment=comment)
        with translation.override(settings.LANGUAGE_CODE):
            _tell_units(
                finding,
                [finding.lead_unit_id, *_supporting_ids(finding)],
                f"plan:{plan.pk}:approved",
                _("【改善措施核定】"),
                _("考核意見 %(number)s 的改善措施已由主管核定，請依措施辦理，於 %(date)s 前完成。")
                % {"number": finding.tracking_number, "date": format_roc(finding.due_date)},
            )
    else:
        # The liaison's task to rewrite it is announced with these reasons (its trail event).
        _move(finding, actor, "主管退回改善措施", State.PLANNING, comment=comment)
    record_outcome(activation, "approved" if approve else "returned")
    activation.execute()


def contribute(
    *, actor: User, finding: Finding, unit: Unit, text: str, uploads: Iterable[UploadedFile] = ()
) -> Contribution:
    """A supporting unit's part of the current round; the lead unit's next report gathers it."""
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if not finding.supporting_units.filter(pk=unit.pk).exists():
            raise PermissionDenied(_("貴單位不是本項的協辦單位"))
        require(actor, Capability.REPORT_UNIT_PROGRESS, unit)
        if finding.state not in (State.PLANNING, State.PLAN_REVIEW, State.IN_PROGRESS):
            raise ValidationError(_("本項目前不在改善階段，無法填報協辦情形。"))
        if not text.strip():
            raise ValidationError(_("請填寫協辦辦理情形。"))
        contribution = Contribution.objects.create(
            finding=finding, round=finding.round, unit=unit, text=text.strip(), author=actor
        )
        stored = store_attachments(
            FindingAttachment, uploads, actor=actor, finding=finding, contribution=contribution
        )
        _note(finding, actor, f"協辦單位填報（{unit.name}）", text.strip(), stored)
        return contribution


def report_progress(
    *,
    actor: User,
    activation: Activation,
    percent_complete: int,
    text: str,
    propose_removal: bool = False,
    uploads: Iterable[UploadedFile] = (),
) -> ProgressRound:
    """The lead unit's 辦理情形 for this round, gathering the supporting units' parts so far."""
    _require_task_owner(actor, activation)
    finding = _finding_of(activation)
    require(actor, Capability.REPORT_UNIT_PROGRESS, finding.lead_unit)
    if not text.strip():
        raise ValidationError(_("請填寫辦理情形。"))
    if not 0 <= percent_complete <= 100:
        raise ValidationError(_("完成百分比須介於 0 到 100。"))
    if propose_removal and percent_complete != 100:
        raise ValidationError(_("完成百分比達 100 才能建議申請解除列管。"))
    report = ProgressRound.objects.create(
        finding=finding,
        round=finding.round,
        percent_complete=percent_complete,
        text=text.strip(),
        reporter=actor,
    )
    gathered = finding.contributions.filter(progress_round=None).update(progress_round=report)
    stored = store_attachments(
        FindingAttachment, uploads, actor=actor, finding=finding, progress_round=report
    )
    action = f"第 {finding.round} 輪辦理情形：{percent_complete}%"
    if gathered:
        action += f"（含協辦單位填報 {gathered} 則）"
    if propose_removal:
        action += "，建議申請解除列管"
    _note(finding, actor, action, text.strip(), stored)
    record_outcome(activation, "removal_proposed" if propose_removal else "continuing")
    activation.execute()
    return report


def request_removal(*, actor: User, activation: Activation, confirm: bool, reason: str) -> None:
    """The lead unit's head asks for removal from tracking, or sends the unit back to work.

    A self-tracked finding is closed by the head's request itself (the lighter path).
    """
    _require_task_owner(actor, activation)
    finding = _finding_of(activation)
    require(actor, Capability.REVIEW_UNIT_CASES, finding.lead_unit)
    if not reason.strip():
        raise ValidationError(_("請說明理由。"))
    if confirm:
        RemovalRequest.objects.create(
            finding=finding, round=finding.round, reason=reason.strip(), requested_by=actor
        )
        if finding.self_tracked:
            TrackingDecision.objects.create(
                finding=finding,
                round=finding.round,
                outcome=TrackingDecision.Outcome.REMOVE,
                meeting_date=today_taipei(),
                note=reason.strip(),
                recorded_by=actor,
            )
            _note(finding, actor, "單位主管同意解除列管（單位自行列管）", reason.strip())
        else:
            _move(finding, actor, "申請解除列管", State.REMOVAL_REQUESTED, comment=reason.strip())
    else:
        _note(finding, actor, "主管請單位續辦，暫不申請解除列管", reason.strip())
    record_outcome(activation, "confirmed" if confirm else "declined")
    activation.execute()


def review_removal(*, actor: User, activation: Activation, recommends_removal: bool, opinion: str) -> None:
    """The 管考 office's review opinion (審查意見) for the 館務會議."""
    _require_task_owner(actor, activation)
    require(actor, Capability.MANAGE_TRACKING)
    finding = _finding_of(activation)
    if not opinion.strip():
        raise ValidationError(_("請填寫審查意見。"))
    request = finding.removal_requests.select_for_update().latest("requested_at")
    request.opinion, request.recommends_removal = opinion.strip(), recommends_removal
    request.reviewed_by, request.reviewed_at = actor, timezone.now()
    request.save()
    verdict = "建議解除列管" if recommends_removal else "建議繼續列管"
    _move(finding, actor, f"管考審查：{verdict}", State.AWAITING_DECISION, comment=opinion.strip())
    activation.execute()


def _last_meeting_or_audit(finding):
    """The date a decision on the finding cannot precede: its last meeting (a review meeting
    or an earlier round's decision), else its audit. A closure dated before them would count
    negative days to close. With it, the refusal of an earlier date (its %(date)s to fill)."""
    dates = [
        *finding.review_meetings.values_list("held_on", flat=True),
        *finding.decisions.values_list("meeting_date", flat=True),
    ]
    if dates:
        return max(dates), _("館務會議日期不可早於前次會議日期 %(date)s。")
    return finding.audit.held_on, _("館務會議日期不可早於考核日期 %(date)s。")


def record_tracking_decision(
    *,
    actor: User,
    activation: Activation,
    outcome: str,
    meeting_date: datetime.date,
    minutes_reference: str,
    new_due_date: datetime.date | None = None,
    note: str = "",
) -> None:
    """The 館務會議 decides: 解除列管 closes the finding, 繼續列管 opens a new round."""
    _require_task_owner(actor, activation)
    require(actor, Capability.MANAGE_TRACKING)
    finding = _finding_of(activation)
    outcome = TrackingDecision.Outcome(outcome)
    if meeting_date > today_taipei():
        raise ValidationError(_("會議日期不可晚於今天。"))
    earliest, refusal = _last_meeting_or_audit(finding)
    if meeting_date < earliest:
        raise ValidationError(refusal % {"date": format_roc(earliest)})
    if not minutes_reference.strip():
        raise ValidationError(_("請填寫會議紀錄文號或名稱。"))
    if outcome == TrackingDecision.Outcome.CONTINUE:
        if new_due_date is None or new_due_date <= today_taipei():
            raise ValidationError(_("繼續列管須訂定晚於今天的新改善期限。"))
    elif new_due_date is not None:
        raise ValidationError(_("解除列管不需新改善期限；若要繼續列管，請改選「繼續列管」。"))
    TrackingDecision.objects.create(
        finding=finding,
        round=finding.round,
        outcome=outcome,
        meeting_date=meeting_date,
        minutes_reference=minutes_reference.strip(),
        new_due_date=new_due_date,
        note=note.strip(),
        recorded_by=actor,
    )
    comment = f"{format_roc(meeting_date)} 館務會議（{minutes_reference.strip()}）"
    if note.strip():
        comment += f"：{note.strip()}"
    if outcome == TrackingDecision.Outcome.CONTINUE:
        finding.round += 1
        finding.due_date = new_due_date
        _move(
            finding,
            actor,
            f"繼續列管，進入第 {finding.round} 輪（新期限 {format_roc(new_due_date)}）",
            State.IN_PROGRESS,
            comment=comment,
            fields=["round", "due_date"],
        )
        with translation.override(settings.LANGUAGE_CODE):
            _tell_units(
                finding,
                [finding.lead_unit_id],
                f"decision:{finding.round - 1}",
                _("【繼續列管】新期限 %(date)s") % {"date": format_roc(new_due_date)},
                _("考核意見 %(number)s 經%(meeting)s決定繼續列管，進入第 %(round)s 輪，新改善期限 %(date)s。")
                % {
                    "number": finding.tracking_number,
                    "meeting": comment,
                    "round": finding.round,
                    "date": format_roc(new_due_date),
                },
            )
        _ask_supporting_units(finding, _supporting_ids(finding))
    else:
        _note(finding, actor, "館務會議決定解除列管", comment)
        with translation.override(settings.LANGUAGE_CODE):
            _tell_units(
                finding,
                [finding.lead_unit_id, *_supporting_ids(finding)],
                f"decision:{finding.round}",
                _("【解除列管】"),
                _("考核意見 %(number)s 經%(meeting)s決定解除列管。")
                % {"number": finding.tracking_number, "meeting": comment},
            )
    record_outcome(activation, outcome)
    activation.execute()


def close_finding(activation: Activation) -> None:
    """The finding leaves tracking; with the audit's last one, the reply task opens."""
    ReplyFlow = workflow.flow_of(ReplyProcess)
    finding = _finding_of(activation)
    # The date of the decision (館務會議, or the head's for a self-tracked finding), not of its entry.
    finding.closed_on = (
        finding.decisions.filter(outcome=TrackingDecision.Outcome.REMOVE).latest("recorded_at").meeting_date
    )
    _move(finding, SYSTEM, "解除列管", State.CLOSED, fields=["closed_on"])
    audit = Audit.objects.select_for_update().get(pk=finding.audit_id)
    if not audit.findings.exclude(state=State.CLOSED).exists():
        _audit_event(audit, SYSTEM, "全部考核意見已解除列管，待函復上級機關")
        ReplyFlow.start.run(audit=audit)


def record_reply(
    *, actor: User, activation: Activation, replied_on: datetime.date, document_number: str
) -> Audit:
    """The reply to the superior agency closes the audit; only once every finding is closed."""
    _require_task_owner(actor, activation)
    require(actor, Capability.MANAGE_TRACKING)
    audit = Audit.objects.select_for_update().get(pk=activation.process.audit_id)
    open_findings = audit.findings.exclude(state=State.CLOSED).count()
    if open_findings:
        raise ValidationError(_("尚有 %(n)s 項考核意見未解除列管，不能函復。") % {"n": open_findings})
    if replied_on > today_taipei():
        raise ValidationError(_("回復日期不可晚於今天。"))
    # The reply reports every finding closed: it cannot predate the last closure (or the audit).
    last_closed = audit.findings.aggregate(last=Max("closed_on"))["last"]
    if last_closed:
        earliest, refusal = last_closed, _("回復日期不可早於最後一項解除列管日期 %(date)s。")
    else:
        earliest, refusal = audit.held_on, _("回復日期不可早於考核日期 %(date)s。")
    if replied_on < earliest:
        raise ValidationError(refusal % {"date": format_roc(earliest)})
    audit.replied_on, audit.reply_document_number, audit.replied_by = (
        replied_on,
        document_number.strip(),
        actor,
    )
    audit.full_clean()
    audit.save(update_fields=["replied_on", "reply_document_number", "replied_by"])
    _audit_event(
        audit,
        actor,
        "函復上級機關，結案",
        comment=f"{format_roc(replied_on)} {audit.reply_document_number}",
    )
    _tell_reply(audit)
    activation.execute()
    return audit


def _tell_reply(audit):
    """Every unit that led or supported one of the audit's findings hears it is replied and closed."""
    findings = list(audit.findings.order_by("sequence"))
    unit_ids = {f.lead_unit_id for f in findings} | set(
        Finding.supporting_units.through.objects.filter(finding__audit=audit).values_list(
            "unit_id", flat=True
        )
    )
    with translation.override(settings.LANGUAGE_CODE):
        notifications.notify(
            recipient_ids=unit_people_ids(unit_ids, (UnitRole.LIAISON, UnitRole.HEAD)),
            key=f"audit:{audit.pk}:replied",
            subject=_("【函復結案】%(agency)s %(title)s") % {"agency": audit.agency, "title": audit.title},
            text=_(
                "%(agency)s「%(title)s」的考核意見（%(numbers)s）已全數解除列管，並已於 %(date)s 以 %(document)s 函復，本案結案。"
            )
            % {
                "agency": audit.agency,
                "title": audit.title,
                "numbers": "、".join(f.tracking_number for f in findings),
                "date": format_roc(audit.replied_on),
                "document": audit.reply_document_number,
            },
            url=reverse("audits:audit", args=[audit.pk]),
        )


def may_correct(user: User, audit: Audit) -> bool:
    return can(user, Capability.MANAGE_TRACKING) and not audit.withdrawn


def correct_audit(
    *,
    actor: User,
    audit: Audit,
    document_number: str,
    held_on: datetime.date,
    reason: str,
    reply_document_number: str = "",
    replied_on: datetime.date | None = None,
) -> Audit:
    """The 管考 office corrects an audit's 來文文號 or 考核日期 (and, once replied, the reply's),
    with the reason, on the audit's trail: a slip put right, not a new decision. A date is
    refused when the findings' own dates would then come before it."""
    require(actor, Capability.MANAGE_TRACKING)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("請說明更正的理由。"))
    with transaction.atomic():
        audit = Audit.objects.select_for_update().get(pk=audit.pk)
        if audit.withdrawn:
            raise ValidationError(_("這筆考核已經撤銷，不能更正。"))
        if held_on > today_taipei():
            raise ValidationError(_("考核日期不可晚於今天。"))
        findings = audit.findings.all()
        earliest = min(
            [
                *findings.values_list("due_date", flat=True),
                *ReviewMeeting.objects.filter(findings__audit=audit).values_list("held_on", flat=True),
                *TrackingDecision.objects.filter(finding__audit=audit).values_list("meeting_date", flat=True),
            ],
            default=None,
        )
        if earliest is not None and held_on > earliest:
            raise ValidationError(
                _("考核日期不可晚於其考核意見已有的日期（改善期限、會議或決定）%(date)s。")
                % {"date": format_roc(earliest)}
            )
        changes = []
        if document_number.strip() != audit.document_number:
            changes.append(f"來文文號 {audit.document_number} → {document_number.strip()}")
        if held_on != audit.held_on:
            changes.append(f"考核日期 {format_roc(audit.held_on)} → {format_roc(held_on)}")
        if audit.closed:
            if replied_on is None or not reply_document_number.strip():
                raise ValidationError(_("已函復的考核，請一併填寫回復日期與回復文號。"))
            last_closed = audit.findings.aggregate(last=Max("closed_on"))["last"]
            if replied_on > today_taipei() or (last_closed and replied_on < last_closed):
                raise ValidationError(
                    _("回復日期須介於最後一項解除列管日期 %(date)s 與今天之間。")
                    % {"date": format_roc(last_closed or held_on)}
                )
            if reply_document_number.strip() != audit.reply_document_number:
                changes.append(f"回復文號 {audit.reply_document_number} → {reply_document_number.strip()}")
            if replied_on != audit.replied_on:
                changes.append(f"回復日期 {format_roc(audit.replied_on)} → {format_roc(replied_on)}")
            audit.reply_document_number, audit.replied_on = reply_document_number.strip(), replied_on
        if not changes:
            raise ValidationError(_("沒有任何更正。"))
        audit.document_number, audit.held_on = document_number.strip(), held_on
        audit.full_clean()
        audit.save()
        _audit_event(audit, actor, "更正考核資料", comment="；".join(changes) + f"。理由：{reason}")
    return audit


def may_withdraw(user: User, audit: Audit) -> bool:
    """The 管考 office, while the audit is still a mistake to undo: not replied, no finding
    closed by a decision, not withdrawn already."""
    return (
        can(user, Capability.MANAGE_TRACKING)
        and not audit.withdrawn
        and not audit.closed
        and not audit.findings.filter(state=State.CLOSED).exists()
    )


def withdraw_audit(*, actor: User, audit: Audit, reason: str) -> Audit:
    """Withdraw an audit registered by mistake (a duplicate, a wrong letter), with the reason:
    its findings' processes are cancelled and they leave statistics, agendas, reminders and
    to-do lists; the audit and its findings stay readable as 已撤銷, with their trails."""
    require(actor, Capability.MANAGE_TRACKING)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("請說明撤銷的理由（例如重複登錄、登錄錯誤的來文）。"))
    RemediationFlow = workflow.flow_of(RemediationProcess)
    with transaction.atomic():
        audit = Audit.objects.select_for_update().get(pk=audit.pk)
        if audit.withdrawn:
            raise ValidationError(_("這筆考核已經撤銷。"))
        if audit.closed:
            raise ValidationError(_("這筆考核已函復結案，不能撤銷。"))
        decided = list(audit.findings.filter(state=State.CLOSED).values_list("tracking_number", flat=True))
        if decided:
            raise ValidationError(
                _("考核意見 %(numbers)s 已經決定解除列管，不能撤銷這筆考核；請改以更正處理。")
                % {"numbers": "、".join(decided)}
            )
        audit.withdrawn_at, audit.withdrawn_by, audit.withdrawal_reason = timezone.now(), actor, reason
        audit.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        _audit_event(audit, actor, "撤銷考核登錄", comment=reason)
        findings = list(audit.findings.select_related("process").order_by("sequence"))
        units = set()
        for finding in findings:
            if finding.process_id:
                with RemediationFlow.lock(finding.process_id):
                    workflow.cancel_process(finding.process)
            _move(finding, actor, "撤銷列管（考核登錄撤銷）", State.WITHDRAWN, comment=reason)
            units.add(finding.lead_unit_id)
            units.update(_supporting_ids(finding))
        with translation.override(settings.LANGUAGE_CODE):
            notifications.notify(
                recipient_ids=unit_people_ids(units, (UnitRole.LIAISON, UnitRole.HEAD)),
                key=f"audit:{audit.pk}:withdrawn",
                subject=_("【撤銷列管】%(agency)s %(title)s")
                % {"agency": audit.agency, "title": audit.title},
                text=_(
                    "%(agency)s「%(title)s」的考核登錄已撤銷，考核意見 %(numbers)s 不再列管，無須辦理。理由：%(reason)s"
                )
                % {
                    "agency": audit.agency,
                    "title": audit.title,
                    "numbers": "、".join(f.tracking_number for f in findings),
                    "reason": reason,
                },
                url=reverse("audits:audit", args=[audit.pk]),
            )
    return audit


def may_register(user: User) -> bool:
    return can(user, Capability.MANAGE_TRACKING)


# ---------------------------------------------------------------- corrections on a finding


def _round_file_refusal(finding: Finding, progress_round: ProgressRound) -> str | None:
    """Why the files of this progress report can no longer be removed, or None while it is
    still safe: the finding is tracked, the report is its latest, and nothing was asked or
    decided on it since (a removal request or a decision comes after the round's reports and
    a 繼續列管 opens a new round, so the round numbers tell)."""
    if finding.state == State.CLOSED:
        return _("這項考核意見已經解除列管，不能再移除檔案。")
    if finding.state == State.WITHDRAWN:
        return _("這項考核意見已經撤銷，不能再移除檔案。")
    latest = finding.progress_rounds.order_by("-reported_at", "-pk").values_list("pk", flat=True).first()
    if latest != progress_round.pk:
        return _("這份辦理情形之後已有新的填報，不能再移除檔案。")
    if progress_round.round != finding.round or finding.decisions.filter(round=progress_round.round).exists():
        return _("這份辦理情形之後已有列管決定，不能再移除檔案。")
    if finding.removal_requests.filter(round=progress_round.round).exists():
        return _("這份辦理情形之後已申請解除列管，不能再移除檔案。")
    return None


def removable_round_files(user: User, finding: Finding) -> set[int]:
    """The ids of the progress files this person may remove now (remove_round_file): those of
    the finding's latest progress report while it is safe, for the lead unit's liaison."""
    if not can(user, Capability.REPORT_UNIT_PROGRESS, finding.lead_unit_id):
        return set()
    latest = finding.progress_rounds.order_by("-reported_at", "-pk").first()
    if latest is None or _round_file_refusal(finding, latest):
        return set()
    return set(latest.attachments.values_list("pk", flat=True))


def remove_round_file(*, actor: User, attachment: FindingAttachment, reason: str | None) -> ProgressRound:
    """The lead unit's liaison removes a wrong file (a wrong one, one with personal data) from
    the finding's latest progress report while nothing has been asked or decided on it, with the
    reason: the file is deleted once the change commits; the finding's trail keeps its name and
    fingerprint, with the reason."""
    reason = (reason or "").strip()
    with transaction.atomic():
        # The finding's row first, as every step of its flow locks it: one waits for the other.
        finding = Finding.objects.select_for_update().get(pk=attachment.finding_id)
        attachment = (
            FindingAttachment.objects.select_for_update(of=("self",))
            .select_related("progress_round")
            .filter(pk=attachment.pk)
            .first()
        )
        if attachment is None:
            raise ValidationError(_("這個檔案已經移除。"))
        require(actor, Capability.REPORT_UNIT_PROGRESS, finding.lead_unit_id)
        progress_round = attachment.progress_round
        if progress_round is None:
            raise ValidationError(_("這個檔案不是辦理情形的佐證，不能在此移除。"))
        refusal = _round_file_refusal(finding, progress_round)
        if refusal:
            raise ValidationError(refusal)
        if not reason:
            raise ValidationError(_("請說明移除檔案的理由。"))
        _note(
            finding,
            actor,
            f"第 {progress_round.round} 輪辦理情形移除佐證檔案",
            comment=f"{attachment.name}。理由：{reason}",
            attachments=[attachment],
        )
        stored = attachment.file
        attachment.delete()
        transaction.on_commit(lambda: stored.storage.delete(stored.name))
    return progress_round


def may_correct_due_date(user: User, finding: Finding) -> bool:
    """The 管考 office, while the finding is tracked."""
    return can(user, Capability.MANAGE_TRACKING) and finding.state not in Finding.ENDED


def correct_due_date(*, actor: User, finding: Finding, due_date: datetime.date, reason: str) -> Finding:
    """The 管考 office corrects an open finding's 改善期限, with the reason, on its trail (before
    and after); the lead and supporting units' liaisons and heads are told. Reminders (keyed by
    the due date), overdue flags, lists and agendas read the date as it is: nothing to
    reschedule. The date cannot precede the audit, nor the 館務會議 that set the round's."""
    require(actor, Capability.MANAGE_TRACKING)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("請說明更正的理由。"))
    with transaction.atomic():
        finding = Finding.objects.select_for_update(of=("self",)).select_related("audit").get(pk=finding.pk)
        if finding.state == State.CLOSED:
            raise ValidationError(_("這項考核意見已經解除列管，不能更正改善期限。"))
        if finding.state == State.WITHDRAWN:
            raise ValidationError(_("這項考核意見已經撤銷，不能更正改善期限。"))
        if due_date == finding.due_date:
            raise ValidationError(_("沒有任何更正。"))
        if due_date < finding.audit.held_on:
            raise ValidationError(
                _("改善期限不可早於考核日期 %(date)s。") % {"date": format_roc(finding.audit.held_on)}
            )
        opened = (
            finding.decisions.filter(outcome=TrackingDecision.Outcome.CONTINUE, round=finding.round - 1)
            .order_by("-recorded_at", "-pk")
            .first()
        )
        if opened is not None and due_date <= opened.meeting_date:
            raise ValidationError(
                _("改善期限須晚於決定繼續列管的館務會議日期 %(date)s。")
                % {"date": format_roc(opened.meeting_date)}
            )
        before = finding.due_date
        finding.due_date = due_date
        finding.save(update_fields=["due_date"])
        event = record_case_event(
            finding,
            kind=FINDING_KIND,
            actor=actor,
            action="更正改善期限",
            comment=f"改善期限 {format_roc(before)} → {format_roc(due_date)}。理由：{reason}",
        )
        with translation.override(settings.LANGUAGE_CODE):
            _tell_units(
                finding,
                [finding.lead_unit_id, *_supporting_ids(finding)],
                f"due-date:{event.pk}",
                _("【改善期限更正】%(date)s") % {"date": format_roc(due_date)},
                _("考核意見 %(number)s 的改善期限由 %(before)s 更正為 %(after)s。理由：%(reason)s")
                % {
                    "number": finding.tracking_number,
                    "before": format_roc(before),
                    "after": format_roc(due_date),
                    "reason": reason,
                },
            )
    return finding
