"""Reads of audits and findings: who sees what, overdue and who answers for it, lists, summaries."""

import datetime
from collections import Counter
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.workflow.models import Process

from governance import exports, taskbrief
from governance.casenumber import number_q
from governance.models import Membership, TrailEvent, Unit, User
from governance.notifications import DueItem
from governance.permissions import can, units_where
from governance.rocdate import format_roc, format_roc_short, today_taipei
from governance.roles import AgencyRole, Capability, group_name
from governance.trail import case_events

from .models import (
    AUDIT_KIND,
    FINDING_KIND,
    FINDING_NUMBER_PREFIX,
    Audit,
    Contribution,
    Finding,
    ProgressRound,
    RemediationPlan,
    ReviewMeeting,
    TrackingDecision,
)

State = Finding.State


# ---------------------------------------------------------------- overdue


def is_overdue(finding: Finding, today: datetime.date | None = None) -> bool:
    """Past its due date and not closed, counting days in Asia/Taipei."""
    today = today or today_taipei()
    return finding.state not in Finding.ENDED and finding.due_date < today


def overdue_q(today: datetime.date | None = None) -> Q:
    return Q(due_date__lt=today or today_taipei()) & ~Q(state__in=Finding.ENDED)


def days_to_close() -> ExpressionWrapper:
    """A closed finding's days from its audit to the decision that closed it: both dates of
    the business, not of their entry (an audit is often registered weeks after it was held,
    and a decision recorded after its meeting)."""
    return ExpressionWrapper(F("closed_on") - F("audit__held_on"), output_field=DurationField())


def last_plan_text(finding: Finding) -> str:
    """The finding's latest remediation plan's words ("" before its first)."""
    return finding.plans.order_by("-written_at", "-pk").values_list("text", flat=True).first() or ""


def plan_revision(finding: Finding) -> dict:
    """For the head approving a plan: whether it rewrites an earlier one and, if so, what changed."""
    plans = list(finding.plans.select_related("approver").order_by("-written_at", "-pk")[:2])
    if len(plans) < 2:
        return {"revised": False, "changes": []}
    latest, earlier = plans
    changes = taskbrief.changes({"text": earlier.text}, {"text": latest.text}, {"text": _("改善措施")})
    who = earlier.approver.get_full_name() if earlier.approver else ""
    return {"revised": True, "changes": changes, "round_comment": (who, earlier.approval_comment)}


def due_for_reminders(due_dates: Iterable[datetime.date]) -> list[DueItem]:
    """Open findings due on one of `due_dates`, as reminders (governance.notifications):
    the lead unit's liaisons answer for them, its heads and then the director hear when late."""

    rows = (
        Finding.objects.filter(due_date__in=due_dates)
        .exclude(state__in=Finding.ENDED)
        .values_list("pk", "tracking_number", "text", "due_date", "lead_unit_id")
    )
    what = _("缺失改善辦理情形")
    return [
        DueItem(
            key=f"finding:{pk}",
            what=what,
            case_number=number,
            title=text[:100],
            due_date=due,
            url=reverse("audits:finding", args=[pk]),
            unit_id=unit_id,
        )
        for pk, number, text, due, unit_id in rows
    ]


# ---------------------------------------------------------------- who sees what


def may_list_all(user: User) -> bool:
    return can(user, Capability.VIEW_UNIT_CASES) or can(user, Capability.MANAGE_TRACKING)


def visible_findings(user: User | AnonymousUser) -> QuerySet[Finding]:
    if not user.is_authenticated:
        return Finding.objects.none()
    if may_list_all(user):
        return Finding.objects.all()
    return Finding.objects.filter(_in_units_q(units_where(user, Capability.VIEW_UNIT_CASES)))


def _in_units_q(units) -> Q:
    """Led or supported by one of `units`. The supporting units as a subquery rather than a
    join: a join gives a finding once per supporting unit, which DISTINCT then has to undo
    over whole rows, and which a GROUP BY over it (the summaries) would count twice."""
    supported = Finding.supporting_units.through.objects.filter(unit__in=units).values("finding_id")
    return Q(lead_unit__in=units) | Q(pk__in=supported)


def can_view_finding(user: User | AnonymousUser, finding: Finding) -> bool:
    return visible_findings(user).filter(pk=finding.pk).exists()


def can_view_audit(user: User, audit: Audit) -> bool:
    return may_list_all(user) or visible_findings(user).filter(audit=audit).exists()


def contribution_units(user: User, finding: Finding) -> list[Unit]:
    """The supporting units of the finding for which this person may report."""
    if finding.state not in (State.PLANNING, State.PLAN_REVIEW, State.IN_PROGRESS):
        return []
    return [u for u in finding.supporting_units.all() if can(user, Capability.REPORT_UNIT_PROGRESS, u)]


# ---------------------------------------------------------------- lists


def filter_findings(
    queryset: QuerySet[Finding],
    *,
    audit: Audit | None = None,
    unit: Unit | None = None,
    state: str | None = None,
    overdue: bool | None = False,
    year: int | None = None,
    text: str | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Finding]:
    if audit:
        queryset = queryset.filter(audit=audit)
    if text:
        queryset = queryset.filter(
            number_q(text, prefix=FINDING_NUMBER_PREFIX, number_field="tracking_number")
            | Q(text__icontains=text)
            | Q(audit__title__icontains=text)
            | Q(audit__agency__icontains=text)
        )
    if unit:
        queryset = queryset.filter(lead_unit=unit)
    if state:
        queryset = queryset.filter(state=state)
    if overdue:
        queryset = queryset.filter(overdue_q(today))
    if year:
        queryset = queryset.filter(roc_year=year)
    return queryset.select_related("audit", "lead_unit").order_by("due_date", "pk")


def unit_findings(user: User) -> QuerySet[Finding]:
    return Finding.objects.filter(_in_units_q(units_where(user, Capability.VIEW_UNIT_CASES)))


def _summary(queryset, group_field, label_field, today, order=(), limit=None):
    """One GROUP BY query: a row per `group_field` with its label, counts and the average days
    to close; `order` and `limit` applied in the database, so a long list's first rows come
    without reading every group."""
    rows = (
        queryset.exclude(state=State.WITHDRAWN)  # registered by mistake: not counted
        .order_by()
        .values(group_field, label_field)
        .annotate(
            total=Count("pk"),
            closed=Count("pk", filter=Q(state=State.CLOSED)),
            overdue=Count("pk", filter=overdue_q(today)),
            average_close=Avg(days_to_close(), filter=Q(state=State.CLOSED)),
        )
    )
    if order:
        rows = rows.annotate(open=F("total") - F("closed")).order_by(*order)
    if limit is not None:
        rows = rows[:limit]
    result = []
    for row in rows:
        average = row["average_close"]
        result.append(
            {
                "key": row[group_field],
                "label": row[label_field] or "",
                "total": row["total"],
                "open": row["total"] - row["closed"],
                "closed": row["closed"],
                "overdue": row["overdue"],
                "average_days_to_close": round(average.total_seconds() / 86400, 1)
                if average is not None
                else None,
            }
        )
    return result


def summary_by_audit(
    queryset: QuerySet[Finding], today: datetime.date | None = None, limit: int | None = None
) -> list[dict]:
    """Per audit, most overdue and open first; `limit` keeps a page's table short. One query."""
    today = today or today_taipei()
    order = ("-overdue", "-open", "-audit_id")
    return _summary(queryset, "audit_id", "audit__title", today, order=order, limit=limit)


def summary_by_unit(queryset: QuerySet[Finding], today: datetime.date | None = None) -> list[dict]:
    """Per lead unit, by name (a row per unit: as many as the agency has). One query."""
    today = today or today_taipei()
    return sorted(_summary(queryset, "lead_unit_id", "lead_unit__name", today), key=lambda r: r["label"])


def audits_for(user: User) -> QuerySet[Audit]:
    if may_list_all(user):
        audits = Audit.objects.all()
    else:
        audits = Audit.objects.filter(findings__in=visible_findings(user)).distinct()
    return audits.annotate(
        finding_count=Count("findings", distinct=True),
        open_count=Count("findings", filter=~Q(findings__state__in=Finding.ENDED), distinct=True),
    ).order_by("-held_on", "-pk")


def same_document_number(audit: Audit) -> list[Audit]:
    """Other audits registered under the same 來文文號 (written alike: full- or half-width,
    spaces, 台 or 臺): most likely the same letter registered twice. One indexed lookup."""
    if not audit.document_key:
        return []
    return list(Audit.objects.exclude(pk=audit.pk).filter(document_key=audit.document_key).order_by("pk"))


def awaiting_reply(audit: Audit) -> bool:
    """Every finding of the audit is closed, and the reply to the superior agency is not yet
    recorded (the list says 待函復 from its counts; a page asks this)."""
    return (
        not audit.closed and not audit.withdrawn and not audit.findings.exclude(state=State.CLOSED).exists()
    )


# ---------------------------------------------------------------- one finding


def finding_history(finding: Finding) -> list[TrailEvent]:
    return case_events(FINDING_KIND, finding.trail_ref)


def audit_history(audit: Audit) -> list[TrailEvent]:
    return case_events(AUDIT_KIND, audit.trail_ref)


def rounds_of(finding: Finding) -> list[dict]:
    """The record round by round: plans, progress, contributions, requests, decisions."""
    rounds = {}

    def bucket(n):
        return rounds.setdefault(
            n, {"number": n, "plans": [], "reports": [], "contributions": [], "requests": [], "decisions": []}
        )

    before = None
    for plan in finding.plans.select_related("author", "approver").order_by("written_at", "pk"):
        # Each version kept; what a rewrite changed is shown beside it.
        plan.diff = (
            taskbrief.text_diff(before, plan.text) if before is not None and before != plan.text else None
        )
        before = plan.text
        bucket(plan.round)["plans"].append(plan)
    for report in finding.progress_rounds.select_related("reporter").prefetch_related("attachments"):
        bucket(report.round)["reports"].append(report)
    for contribution in finding.contributions.select_related("unit", "author").prefetch_related(
        "attachments"
    ):
        bucket(contribution.round)["contributions"].append(contribution)
    for request in finding.removal_requests.select_related("requested_by", "reviewed_by"):
        bucket(request.round)["requests"].append(request)
    for decision in finding.decisions.select_related("recorded_by"):
        bucket(decision.round)["decisions"].append(decision)
    bucket(finding.round)
    return [rounds[n] for n in sorted(rounds)]


def audit_process_ids(audit: Audit) -> list[int]:
    """The processes of an audit: one per finding, and the reply's once it exists."""

    ids = list(audit.findings.exclude(process=None).values_list("process_id", flat=True))
    ids += list(Process.objects.filter(data__audit_id=audit.pk).values_list("pk", flat=True))
    return ids


def inbox_summaries(processes: Iterable[Process]) -> dict[int, dict]:
    ids = [p.pk for p in processes]
    today = today_taipei()
    rows = Finding.objects.filter(process_id__in=ids).values_list(
        "process_id", "tracking_number", "text", "lead_unit__name", "due_date", "state"
    )
    return {
        pid: {
            "case_number": number,
            "title": Truncator(text).chars(40),
            "unit": unit,
            "due": due,
            "overdue": state not in Finding.ENDED and due < today,
        }
        for pid, number, text, unit, due, state in rows
    }


def reply_inbox_summaries(processes: Iterable[Process]) -> dict[int, dict]:
    audit_ids = {p.pk: p.data.get("audit_id") for p in processes}
    audits = Audit.objects.in_bulk([a for a in audit_ids.values() if a])
    return {
        pid: {
            "case_number": audits[aid].document_number,
            "title": audits[aid].title,
            "unit": audits[aid].agency,
        }
        for pid, aid in audit_ids.items()
        if aid in audits
    }


def contributions_of(person: User, start: datetime.date, end: datetime.date) -> list[dict]:
    """Findings the person worked on in [start, end] (dates): plans, progress reports and
    supporting units' parts they wrote. Plain rows for appraisal evidence.

    The role is 主辦 when the person wrote for the lead unit, 協辦 for a supporting unit.
    Findings carry no reward of their own; their outcome is the removal from tracking.
    """

    lead = set(
        RemediationPlan.objects.filter(author=person, written_at__date__range=(start, end)).values_list(
            "finding_id", flat=True
        )
    ) | set(
        ProgressRound.objects.filter(reporter=person, reported_at__date__range=(start, end)).values_list(
            "finding_id", flat=True
        )
    )
    supporting = (
        set(
            Contribution.objects.filter(author=person, written_at__date__range=(start, end)).values_list(
                "finding_id", flat=True
            )
        )
        - lead
    )
    findings = (
        Finding.objects.filter(pk__in=lead | supporting).select_related("audit").order_by("tracking_number")
    )
    removals = {
        d.finding_id: d
        for d in TrackingDecision.objects.filter(
            finding__in=findings, outcome=TrackingDecision.Outcome.REMOVE
        )
    }
    result = []
    for f in findings:
        decision = removals.get(f.pk)
        result.append(
            {
                "kind": "finding",
                "case_number": f.tracking_number,
                "title": f"{f.audit.agency}{f.audit.get_kind_display()}：{Truncator(f.text).chars(60)}",
                "role": _("主辦") if f.pk in lead else _("協辦"),
                "share": None,
                "state": f.get_state_display(),
                "grade": "",
                "decision": "",
                "adopted": False,
                "decided_on": None,
                "effectiveness": "",
                "closed_on": f.closed_on,
                "reference": decision.minutes_reference if decision else "",
                "reward_amount": 0,
                "commendations": 0,
                "commendation_label": "",
                "rewarded": False,
            }
        )
    return result


def finding_counts(person_ids: Iterable[int], start: datetime.date, end: datetime.date) -> dict[int, int]:
    """How many findings contributions_of lists for each of many people, in three queries
    whatever their number (HR's evidence list). People with none are left out.

    A finding counts once per person whether they wrote its plan, a progress report or a
    supporting unit's part, as in contributions_of (lead and supporting are disjoint there)."""
    ids = list(person_ids)
    pairs = set(
        RemediationPlan.objects.filter(author_id__in=ids, written_at__date__range=(start, end)).values_list(
            "author_id", "finding_id"
        )
    )
    pairs |= set(
        ProgressRound.objects.filter(reporter_id__in=ids, reported_at__date__range=(start, end)).values_list(
            "reporter_id", "finding_id"
        )
    )
    pairs |= set(
        Contribution.objects.filter(author_id__in=ids, written_at__date__range=(start, end)).values_list(
            "author_id", "finding_id"
        )
    )
    return dict(Counter(person_id for person_id, _finding_id in pairs))


# ---------------------------------------------------------------- quarterly tracking report


def open_findings_for_report() -> list[dict]:
    """Findings under tracking (not closed), for the quarterly tracking report (季列管報告).

    Plain rows in one query, ordered by lead unit (unit sort order) then due date:
    tracking number, the audit's agency and title, kind, due date, round and state.
    """
    rows = (
        Finding.objects.exclude(state__in=Finding.ENDED)
        .order_by("lead_unit__sort_order", "lead_unit__code", "due_date", "tracking_number")
        .values(
            "pk",
            "tracking_number",
            "kind",
            "text",
            "due_date",
            "round",
            "state",
            "audit__agency",
            "audit__title",
            "lead_unit_id",
            "lead_unit__name",
            "lead_unit__sort_order",
            "lead_unit__code",
        )
    )
    kinds = dict(Finding.Kind.choices)
    states = dict(State.choices)
    return [
        {
            "pk": r["pk"],
            "tracking_number": r["tracking_number"],
            "agency": r["audit__agency"],
            "audit_title": r["audit__title"],
            "kind": r["kind"],
            "kind_label": str(kinds.get(r["kind"], r["kind"])),
            "text": r["text"],
            "due_date": r["due_date"],
            "round": r["round"],
            "state": r["state"],
            "state_label": str(states.get(r["state"], r["state"])),
            "unit_id": r["lead_unit_id"],
            "unit_name": r["lead_unit__name"],
            "unit_sort": (r["lead_unit__sort_order"], r["lead_unit__code"]),
        }
        for r in rows
    ]


# ---------------------------------------------------------------- exports


EXPORT_COLUMNS = [
    exports.Column(gettext_lazy("列管編號"), 11),
    exports.Column(gettext_lazy("上級機關"), 14),
    exports.Column(gettext_lazy("考核名稱"), 28),
    exports.Column(gettext_lazy("類別"), 14),
    exports.Column(gettext_lazy("內容"), 60),
    exports.Column(gettext_lazy("主辦單位"), 16),
    exports.Column(gettext_lazy("改善期限"), 11),
    exports.Column(gettext_lazy("輪次"), 6),
    exports.Column(gettext_lazy("狀態"), 14),
    exports.Column(gettext_lazy("逾期"), 6),
    exports.Column(gettext_lazy("解除列管日期"), 12),
]


def export_rows(queryset: QuerySet[Finding]) -> Iterator[list]:
    """One row per finding, read exports.CHUNK_SIZE at a time; the audit and lead unit come with
    it (joined)."""
    today = today_taipei()
    for f in queryset.select_related("audit", "lead_unit").iterator(chunk_size=exports.CHUNK_SIZE):
        kind = f.get_kind_display()
        yield [
            f.tracking_number,
            f.audit.agency,
            f.audit.title,
            _("%(kind)s（自行列管）") % {"kind": kind} if f.self_tracked else kind,
            f.text,
            f.lead_unit.name,
            f.due_date,
            f.round,
            f.get_state_display(),
            is_overdue(f, today),
            f.closed_on,
        ]


# ---------------------------------------------------------------- 公文 documents of an audit
#
# One data function per document (audits.documents writes each as PDF and ODT from it). The
# rows are the findings of the audit the reader may see, as on the audit's page: for the 管考
# office, every one. Dates are ROC: prose (115年3月8日) in headings and sentences, the short form
# (115/03/08) in table cells.


def tracking_office_unit() -> Unit | None:
    """The 管考 office: the unit where the people holding the tracking office's role work (秘書室
    in the demo organisation); the unit most of them belong to today, None when nobody holds it."""
    today = today_taipei()
    unit_ids = Membership.objects.active_on(today).filter(
        user__is_active=True, user__groups__name=group_name(AgencyRole.TRACKING_OFFICE)
    )
    counts = Counter(unit_ids.values_list("unit_id", flat=True))
    if not counts:
        return None
    units = Unit.objects.in_bulk(counts)
    return min(units.values(), key=lambda u: (-counts[u.pk], u.sort_order, u.code))


def _latest(queryset, order):
    """{finding id: the last row in `order`} of a finding's plans, reports or decisions."""
    latest = {}
    for row in queryset.order_by(*order):
        latest[row.finding_id] = row
    return latest


def _tracking_status(finding: Finding, decision: TrackingDecision | None) -> list[str]:
    """The 列管狀態 cell, line by line: 解除列管 or 繼續列管 with the meeting that decided (and
    the new due date), else the finding's state and due date."""
    Outcome = TrackingDecision.Outcome
    if decision is not None and (
        (finding.state == State.CLOSED and decision.outcome == Outcome.REMOVE)
        or (finding.state not in Finding.ENDED and decision.outcome == Outcome.CONTINUE)
    ):
        meeting = " ".join(
            filter(None, [format_roc_short(decision.meeting_date), decision.minutes_reference])
        )
        lines = [str(decision.get_outcome_display()), f"（{meeting}）"]
        if decision.outcome == Outcome.CONTINUE and decision.new_due_date:
            lines.append(f"新改善期限 {format_roc_short(decision.new_due_date)}")
        return lines
    lines = [str(finding.get_state_display())]
    if finding.state != State.WITHDRAWN:
        lines.append(f"改善期限 {format_roc_short(finding.due_date)}")
    return lines


def _audit_heading(audit: Audit) -> dict:
    return {
        "agency_name": settings.AGENCY_NAME,
        "superior": audit.agency,
        "kind": str(audit.get_kind_display()),
        "title": audit.title,
        "held_on": format_roc(audit.held_on),
        "held_on_date": audit.held_on,
        "document_number": audit.document_number,
    }


def status_table(audit: Audit, user: User) -> dict:
    """The 缺失改善辦理情形表: the audit, and one row per finding (tracking number, kind, text,
    lead and supporting units, latest approved plan, latest progress report, tracking status),
    with the counts the reply letter states."""
    findings = list(
        visible_findings(user)
        .filter(audit=audit)
        .select_related("lead_unit")
        .prefetch_related("supporting_units")
        .order_by("sequence", "pk")
    )
    ids = [f.pk for f in findings]
    plans = _latest(
        RemediationPlan.objects.filter(finding_id__in=ids, approval=RemediationPlan.Approval.APPROVED),
        ["written_at", "pk"],
    )
    reports = _latest(ProgressRound.objects.filter(finding_id__in=ids), ["reported_at", "pk"])
    decisions = _latest(TrackingDecision.objects.filter(finding_id__in=ids), ["recorded_at", "pk"])
    rows = []
    counts = {"total": 0, "removed": 0, "continued": 0, "tracked": 0}
    for f in findings:
        decision = decisions.get(f.pk)
        report = reports.get(f.pk)
        plan = plans.get(f.pk)
        status = _tracking_status(f, decision)
        if f.state != State.WITHDRAWN:
            counts["total"] += 1
            if f.state == State.CLOSED:
                counts["removed"] += 1
            else:
                counts["tracked"] += 1
                if decision is not None and decision.outcome == TrackingDecision.Outcome.CONTINUE:
                    counts["continued"] += 1
        rows.append(
            {
                "number": f.tracking_number,
                "kind": str(f.get_kind_display()),
                "text": f.text,
                "lead_unit": f.lead_unit.name,
                "supporting_units": "、".join(u.name for u in f.supporting_units.all()),
                "plan": plan.text if plan else "",
                "progress": {
                    "percent": report.percent_complete,
                    "date": format_roc_short(report.reported_at),
                    "text": report.text,
                }
                if report
                else None,
                "status": status,
                "closed": f.state == State.CLOSED,
            }
        )
    return {**_audit_heading(audit), "rows": rows, "counts": counts}


def reply_letter(audit: Audit, user: User) -> dict:
    """The 函稿 replying to the superior agency: the 情形表's data, and the 管考 office for 副本."""
    table = status_table(audit, user)
    office = tracking_office_unit()
    return {**table, "copy_to": f"{settings.AGENCY_NAME}{office.name}" if office else ""}


def review_meetings_of(audit: Audit, user: User) -> QuerySet[ReviewMeeting]:
    """The review meetings that covered a finding of the audit the reader may see."""
    seen = visible_findings(user).filter(audit=audit).values("pk")
    return ReviewMeeting.objects.filter(findings__in=seen).distinct().order_by("held_on", "pk")


def audit_meeting(audit: Audit, pk: int) -> ReviewMeeting | None:
    """The review meeting `pk` if it covered a finding of the audit, else None."""
    return ReviewMeeting.objects.filter(pk=pk, findings__audit=audit).distinct().first()


# The execution group's name as the plan gives it (the 102 service-quality plan, 陸); the
# record is a 公文 in the agency's language.
MEETING_NAME = "提升服務品質執行小組檢討會議"


def meeting_record(meeting: ReviewMeeting, audit: Audit, user: User) -> dict:
    """The 檢討會議紀錄: time, attendees, decisions, and the findings it covered that the reader
    may see (this audit's first), each with the lead unit and due date the meeting confirmed
    (ReviewMeetingItem; a meeting recorded before those were kept: the finding's own)."""
    findings = (
        visible_findings(user)
        .filter(review_meetings=meeting)
        .select_related("audit", "lead_unit")
        .order_by("audit__held_on", "audit_id", "sequence", "pk")
    )
    findings = sorted(findings, key=lambda f: f.audit_id != audit.pk)
    items = {i.finding_id: i for i in meeting.items.select_related("lead_unit")}
    rows = []
    for f in findings:
        item = items.get(f.pk)
        rows.append(
            {
                "number": f.tracking_number,
                "kind": str(f.get_kind_display()),
                "text": f.text,
                "source": "" if f.audit_id == audit.pk else f"{f.audit.agency} {f.audit.title}",
                "lead_unit": (item.lead_unit if item else f.lead_unit).name,
                "due_date": format_roc_short(item.due_date if item else f.due_date),
            }
        )
    return {
        **_audit_heading(audit),
        "meeting_name": MEETING_NAME,
        "held_on": format_roc(meeting.held_on),
        "meeting_date": meeting.held_on,
        "audit_held_on": format_roc(audit.held_on),
        "attendees": meeting.attendees,
        "decisions": meeting.decisions,
        "rows": rows,
    }
