"""Quarterly tracking of the plan (每季定期列管): services and selectors.

Each responsible unit's liaison reports every practice of the plan's current version once a
quarter; the unit head confirms the report or returns it; the 管考 office sees every unit side
by side and who has not reported.

A report is one per practice *key*, unit and period within a plan: a practice keeps its key
across versions, so a report written against an earlier version still answers for the same
practice of the current one (and moves to the current practice row when it is edited).
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from governance import notifications
from governance.attachments import describe_upload
from governance.cases import move_case, record_case_event, store_attachments
from governance.models import Membership, TrailEvent, Unit, User
from governance.notifications import DueItem
from governance.permissions import can, is_overseer, require, units_where
from governance.rocdate import PERIOD_CODE, ROC_OFFSET, quarter_label, quarter_name, roc_year, today_taipei
from governance.roles import Capability, UnitRole
from governance.selectors import unit_people
from governance.trail import case_events

from .models import Plan, PlanDeadline, PlanPractice, PlanVersion, PracticeReport, PracticeReportAttachment

CASE_KIND = "practice_report"
State = PracticeReport.State
Status = PracticeReport.Status


# ---------------------------------------------------------------- periods and versions


def parse_period(period: str | None) -> tuple[int, int]:
    """(ROC year, quarter) of a label such as 115Q3; a clear error otherwise."""
    match = PERIOD_CODE.fullmatch(str(period or "").strip())
    if not match:
        raise ValidationError(
            _("季別「%(period)s」格式不正確，應如 115Q3（民國年＋Q＋季）。") % {"period": str(period)[:20]}
        )
    return int(match["year"]), int(match["quarter"])


def period_start(period: str) -> datetime.date:
    year, quarter = parse_period(period)
    return datetime.date(year + ROC_OFFSET, 3 * quarter - 2, 1)


def plan_periods(plan: Plan) -> list[str]:
    return [f"{plan.roc_year}Q{q}" for q in range(1, 5)]


def open_periods(plan: Plan, today: datetime.date | None = None) -> list[str]:
    """The plan's quarters that have begun: the ones a unit may report."""
    today = today or today_taipei()
    return [p for p in plan_periods(plan) if period_start(p) <= today]


def default_period(plan: Plan, today: datetime.date | None = None) -> str:
    """This quarter for this year's plan; the last quarter of a past plan, the first of a future one."""
    today = today or today_taipei()
    this_quarter = quarter_label(today)
    if this_quarter in plan_periods(plan):
        return this_quarter
    return plan_periods(plan)[3 if plan.roc_year < roc_year(today) else 0]


def current_version(plan: Plan) -> PlanVersion | None:
    """The plan's version with the highest number (None before the first one)."""
    return plan.versions.order_by("-number").first()


def current_versions() -> QuerySet[PlanVersion]:
    """Each plan's current version, as a queryset (one subquery, for filters)."""
    latest = PlanVersion.objects.filter(plan=OuterRef("plan")).order_by("-number").values("pk")[:1]
    return PlanVersion.objects.filter(pk=Subquery(latest))


def plan_for(plan_id: int | str | None = None, today: datetime.date | None = None) -> Plan | None:
    """The plan asked for; else this year's; else the latest."""
    if plan_id:
        try:
            return Plan.objects.filter(pk=int(plan_id)).first()
        except (TypeError, ValueError):
            return None
    year = roc_year(today or today_taipei())
    return Plan.objects.filter(roc_year=year).first() or Plan.objects.order_by("-roc_year").first()


def _check_period(plan, period, today):
    parse_period(period)
    if period not in plan_periods(plan):
        raise ValidationError(
            _("季別 %(period)s 不在 %(year)s 年度計畫的期間內。")
            % {"period": quarter_name(period, translate=True), "year": plan.roc_year}
        )
    if period_start(period) > today:
        raise ValidationError(
            _("%(period)s 尚未開始，不能預先填報。") % {"period": quarter_name(period, translate=True)}
        )


# ---------------------------------------------------------------- services


def _locked_report(plan_id, key, unit, period):
    return (
        PracticeReport.objects.select_for_update(of=("self",))
        .filter(practice__item__area__version__plan_id=plan_id, practice__key=key, unit=unit, period=period)
        .first()
    )


def submit_practice_report(
    *,
    actor: User,
    practice: PlanPractice,
    unit: Unit,
    period: str,
    status: str,
    text: str | None,
    uploads: Iterable[UploadedFile] = (),
) -> PracticeReport:
    """The liaison's report of a practice for a quarter: written, edited until confirmed, or
    written again after the head returned it."""
    require(actor, Capability.REPORT_UNIT_PROGRESS, unit)
    practice = PlanPractice.objects.select_related("item__area__version__plan").get(pk=practice.pk)
    version = practice.item.area.version
    plan = version.plan
    if not practice.units.filter(pk=unit.pk).exists():
        raise PermissionDenied(
            _("%(unit)s不是推動作法 %(number)s 的承辦單位。") % {"unit": unit.name, "number": practice.number}
        )
    current = current_version(plan)
    if current.pk != version.pk:
        raise ValidationError(
            _("推動作法 %(number)s 屬於計畫第 %(version)s 版，已由第 %(current)s 版取代；請就現行版次填報。")
            % {"number": practice.number, "version": version.number, "current": current.number}
        )
    _check_period(plan, period, today_taipei())
    if status not in Status.values:
        raise ValidationError(_("請選擇執行狀況。"))
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("請填寫辦理情形。"))
    # Every file is checked before anything is written: a bad one refuses the whole report.
    files = [(upload, describe_upload(upload)) for upload in uploads]

    with transaction.atomic():
        report, created = _locked_report(plan.pk, practice.key, unit, period), False
        if report is None:
            try:
                with transaction.atomic():
                    report = PracticeReport.objects.create(
                        practice=practice,
                        unit=unit,
                        period=period,
                        status=status,
                        text=text,
                        submitted_by=actor,
                        submitted_at=timezone.now(),
                    )
                created = True
            except IntegrityError:
                # Another liaison of the unit wrote it a moment ago: this becomes an edit of theirs.
                report = _locked_report(plan.pk, practice.key, unit, period)
        if created:
            action = f"{quarter_name(period)} 填報季報"
        else:
            if report.state == State.CONFIRMED:
                raise ValidationError(
                    _("%(period)s 的季報已經主管確認，不能再修改。")
                    % {"period": quarter_name(period, translate=True)}
                )
            name = quarter_name(period)
            action = (
                f"{name} 重新填報季報（退回後）" if report.state == State.RETURNED else f"{name} 修改季報"
            )
            report.practice = practice  # an older version's report now answers for the current text
            report.status, report.text = status, text
            report.submitted_by, report.submitted_at = actor, timezone.now()
        stored = store_attachments(PracticeReportAttachment, files, actor=actor, report=report)
        # Kept texts (the trail, the heads' notice): in the agency's language, whatever the
        # liaison's interface is in.
        with translation.override(settings.LANGUAGE_CODE):
            status_label = str(report.get_status_display())
        step = {
            "kind": CASE_KIND,
            "actor": actor,
            "action": action,
            "comment": f"{status_label}：{text}",
            "attachments": stored,
        }
        if created:
            event = record_case_event(report, from_state="", **step)
        else:
            event = move_case(
                report,
                to_state=State.SUBMITTED,
                fields=["practice", "status", "text", "submitted_by", "submitted_at"],
                **step,
            )
        # The heads have no inbox task for a report: they hear of it here. What was said of
        # its earlier version (a return, an earlier 【待確認】) is settled.
        notifications.settle(f"practice-report:{report.pk}:")
        heads = [head.pk for head in unit_people(unit, UnitRole.HEAD) if head.pk != actor.pk]
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("【待確認】%(period)s 計畫推動作法季報：%(number)s %(unit)s") % {
                "period": quarter_name(period),
                "number": practice.number,
                "unit": unit.name,
            }
            notice = _(
                "%(actor)s（%(unit)s）%(action)s：推動作法 %(number)s「%(practice)s」，"
                "執行狀況「%(status)s」。請確認，或退回補正。"
            ) % {
                "actor": actor.get_full_name(),
                "unit": unit.name,
                "action": action,
                "number": practice.number,
                "practice": Truncator(practice.text).chars(60),
                "status": status_label,
            }
        notifications.notify(
            recipient_ids=heads,
            key=f"practice-report:{report.pk}:{event.pk}",
            subject=subject,
            text=notice,
            url=reverse("plan:report_practice", args=[practice.pk, unit.pk, period]),
        )
    return report


def confirm_practice_report(
    *, actor: User, report: PracticeReport, approve: bool, comment: str | None = ""
) -> PracticeReport:
    """The unit head confirms the report (final) or returns it to the liaison with a comment."""
    require(actor, Capability.REVIEW_UNIT_CASES, report.unit)
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError(_("退回時請填寫意見，說明需補正之處。"))
    with transaction.atomic():
        report = PracticeReport.objects.select_for_update().get(pk=report.pk)
        if report.state == State.CONFIRMED:
            raise ValidationError(
                _("%(period)s 的季報已經確認，不能再變更。")
                % {"period": quarter_name(report.period, translate=True)}
            )
        if report.state == State.RETURNED:
            raise ValidationError(
                _("%(period)s 的季報已退回，待連絡窗口重新填報後才能確認。")
                % {"period": quarter_name(report.period, translate=True)}
            )
        report.head_comment = comment
        if approve:
            to_state, report.confirmed_by, report.confirmed_at = State.CONFIRMED, actor, timezone.now()
            action = f"{quarter_name(report.period)} 主管確認季報"
        else:
            to_state, report.confirmed_by, report.confirmed_at = State.RETURNED, None, None
            action = f"{quarter_name(report.period)} 主管退回季報"
        event = move_case(
            report,
            kind=CASE_KIND,
            actor=actor,
            action=action,
            to_state=to_state,
            fields=["head_comment", "confirmed_by", "confirmed_at"],
            comment=comment,
        )
        notifications.settle(f"practice-report:{report.pk}:")  # every head's 【待確認】 of it
        # Kept texts: in the agency's language, whatever the head's interface is in.
        with translation.override(settings.LANGUAGE_CODE):
            said = _("意見：%(comment)s。") % {"comment": comment.rstrip("。")} if comment else ""
            subject = _("%(verdict)s%(period)s 計畫推動作法季報：%(number)s %(unit)s") % {
                "verdict": _("【已確認】") if approve else _("【退回】"),
                "period": quarter_name(report.period),
                "number": report.practice.number,
                "unit": report.unit.name,
            }
            notice = _(
                "%(actor)s（%(unit)s主管）%(action)s：推動作法 %(number)s「%(practice)s」。%(said)s"
            ) % {
                "actor": actor.get_full_name(),
                "unit": report.unit.name,
                "action": action,
                "number": report.practice.number,
                "practice": Truncator(report.practice.text).chars(60),
                "said": said,
            } + ("" if approve else _("請修正後重新填報。"))
        notifications.notify(
            recipient_ids=[report.submitted_by_id],
            key=f"practice-report:{report.pk}:{event.pk}",
            subject=subject,
            text=notice,
            url=reverse("plan:report_practice", args=[report.practice_id, report.unit_id, report.period]),
        )
    return report


def remove_report_file(
    *, actor: User, attachment: PracticeReportAttachment, reason: str | None
) -> PracticeReport:
    """The unit's liaison removes a file from its report before the head confirms it (a wrong
    file, one with personal data): the file is deleted once the change commits; the trail keeps
    its name and fingerprint, with the reason."""
    reason = (reason or "").strip()
    with transaction.atomic():
        report = PracticeReport.objects.select_for_update().get(pk=attachment.report_id)
        require(actor, Capability.REPORT_UNIT_PROGRESS, report.unit)
        if report.state == State.CONFIRMED:
            raise ValidationError(_("季報已經主管確認，不能再移除檔案。"))
        if not reason:
            raise ValidationError(_("請說明移除檔案的理由。"))
        attachment = PracticeReportAttachment.objects.select_for_update().get(pk=attachment.pk)
        record_case_event(
            report,
            kind=CASE_KIND,
            actor=actor,
            action=f"{quarter_name(report.period)} 移除佐證檔案",
            comment=f"{attachment.name}。理由：{reason}",
            attachments=[attachment],
        )
        stored = attachment.file
        attachment.delete()
        transaction.on_commit(lambda: stored.storage.delete(stored.name))
    return report


# ---------------------------------------------------------------- who sees what


def may_see_all(user: User) -> bool:
    """The 管考 office and the director see every unit's reports; so do auditors (agency-wide
    readers of unit cases), who read everything needed to audit."""
    return is_overseer(user) or can(user, Capability.VIEW_UNIT_CASES)


def may_view_unit(user: User, unit: Unit) -> bool:
    """Everyone of the unit (liaison, head, staff) reads its reports; other units' people do not."""
    return may_see_all(user) or can(user, Capability.VIEW_UNIT_CASES, unit)


@dataclass(frozen=True)
class Awaiting:
    count: int
    plan_id: int | None = None  # the oldest waiting report's plan and quarter, to open it at
    period: str = ""


def reports_awaiting_confirmation(user: User) -> Awaiting:
    """The reports of the units this person heads that wait for their confirmation."""
    units = units_where(user, Capability.REVIEW_UNIT_CASES)
    waiting = PracticeReport.objects.filter(state=State.SUBMITTED, unit__in=units)
    count = waiting.count()
    if not count:
        return Awaiting(0)
    plan_id, period = (
        waiting.order_by("period").values_list("practice__item__area__version__plan_id", "period").first()
    )
    return Awaiting(count, plan_id, period)


def may_report(user: User, unit: Unit, report: PracticeReport | None) -> bool:
    return can(user, Capability.REPORT_UNIT_PROGRESS, unit) and (
        report is None or report.state != State.CONFIRMED
    )


def may_review(user: User, unit: Unit, report: PracticeReport | None) -> bool:
    return (
        report is not None
        and report.state == State.SUBMITTED
        and can(user, Capability.REVIEW_UNIT_CASES, unit)
    )


def own_units(user: User | AnonymousUser, today: datetime.date | None = None) -> QuerySet[Unit]:
    """The units the person belongs to today: the unit page lists their practices."""
    if not user.is_authenticated:
        return Unit.objects.none()
    memberships = Membership.objects.active_on(today or today_taipei()).filter(user=user)
    return Unit.objects.filter(pk__in=memberships.values("unit_id"))


# ---------------------------------------------------------------- selectors


@dataclass(frozen=True)
class PracticeDuty:
    """A responsible unit's report on a practice for a period; `report` None: not written yet."""

    practice: PlanPractice
    unit: Unit
    period: str
    report: PracticeReport | None
    late: bool = False  # a deadline of the period has passed and the report is not confirmed

    @property
    def missing(self):
        return self.report is None

    @property
    def confirmed(self):
        return self.report is not None and self.report.state == State.CONFIRMED


def is_late(
    practice: PlanPractice, period: str, report: PracticeReport | None, today: datetime.date | None = None
) -> bool:
    """A deadline of the practice in `period` has passed and the report is not confirmed.
    Reads practice.deadlines.all(): prefetch it for lists."""
    today = today or today_taipei()
    if report is not None and report.state == State.CONFIRMED:
        return False
    return any(d.due_date < today and quarter_label(d.due_date) == period for d in practice.deadlines.all())


def _practices(version, units=None):
    practices = (
        PlanPractice.objects.filter(item__area__version=version)
        .select_related("item__area")
        .prefetch_related("units", "deadlines")
        .order_by(
            "item__area__sort_order", "item__area_id", "item__sort_order", "item_id", "sort_order", "pk"
        )
    )
    if units is not None:
        practices = practices.filter(
            pk__in=PlanPractice.units.through.objects.filter(unit__in=units).values("planpractice_id")
        )
    return list(practices)


def _reports_by_key(plan_id, period, unit_ids=None):
    reports = PracticeReport.objects.filter(
        practice__item__area__version__plan_id=plan_id, period=period
    ).select_related("practice", "submitted_by", "confirmed_by")
    if unit_ids is not None:
        reports = reports.filter(unit_id__in=unit_ids)
    return {(r.practice.key, r.unit_id): r for r in reports}


def _duties(version, period, units=None, today=None):
    today = today or today_taipei()
    unit_ids = None if units is None else {u.pk for u in units}
    reports = _reports_by_key(version.plan_id, period, unit_ids)
    duties = []
    for practice in _practices(version, units):
        for unit in practice.units.all():
            if unit_ids is None or unit.pk in unit_ids:
                report = reports.get((practice.key, unit.pk))
                duties.append(
                    PracticeDuty(practice, unit, period, report, is_late(practice, period, report, today))
                )
    return duties


def quarter_overview(
    plan_version: PlanVersion, period: str, today: datetime.date | None = None
) -> list[PracticeDuty]:
    """Every (practice, responsible unit) of the version with its report of `period` or None,
    in plan order, in four queries whatever the size of the plan."""
    return _duties(plan_version, period, today=today)


def missing_reports(
    plan_version: PlanVersion, period: str, today: datetime.date | None = None
) -> list[PracticeDuty]:
    return [duty for duty in quarter_overview(plan_version, period, today) if duty.missing]


def unit_duties(
    plan_version: PlanVersion, period: str, units: Iterable[Unit], today: datetime.date | None = None
) -> list[PracticeDuty]:
    """The practices `units` answer for in the version, each with that unit's report of `period`."""
    return _duties(plan_version, period, list(units), today)


@dataclass(frozen=True)
class OverviewTable:
    """Practices as rows, units as columns: a cell is a PracticeDuty, or None where the unit
    does not answer for the practice."""

    units: list
    rows: list  # [(practice, [PracticeDuty | None per unit])]
    missing_by_unit: list  # counts, in the order of `units`
    missing: int
    counts: dict  # state → number of reports, "missing" → pairs without one


def overview_table(duties: Sequence[PracticeDuty]) -> OverviewTable:
    units = sorted({d.unit.pk: d.unit for d in duties}.values(), key=lambda u: (u.sort_order, u.code))
    column = {u.pk: i for i, u in enumerate(units)}
    rows, by_practice = [], {}
    for duty in duties:
        if duty.practice.pk not in by_practice:
            by_practice[duty.practice.pk] = [None] * len(units)
            rows.append((duty.practice, by_practice[duty.practice.pk]))
        by_practice[duty.practice.pk][column[duty.unit.pk]] = duty
    missing_by_unit = [0] * len(units)
    counts = {state: 0 for state in State.values} | {"missing": 0}
    for duty in duties:
        if duty.missing:
            missing_by_unit[column[duty.unit.pk]] += 1
            counts["missing"] += 1
        else:
            counts[duty.report.state] += 1
    return OverviewTable(units, rows, missing_by_unit, counts["missing"], counts)


def report_of(practice: PlanPractice, unit: Unit, period: str) -> PracticeReport | None:
    """The unit's report on the practice (by key, in any version of its plan) for `period`."""
    return (
        PracticeReport.objects.filter(
            practice__item__area__version__plan_id=practice.item.area.version.plan_id,
            practice__key=practice.key,
            unit=unit,
            period=period,
        )
        .select_related("practice", "submitted_by", "confirmed_by")
        .first()
    )


def unit_history(practice: PlanPractice, unit: Unit) -> list[PracticeReport]:
    """The unit's reports on the practice, every quarter of the plan, in order."""
    return list(
        PracticeReport.objects.filter(
            practice__item__area__version__plan_id=practice.item.area.version.plan_id,
            practice__key=practice.key,
            unit=unit,
        )
        .select_related("confirmed_by")
        .order_by("period")
    )


def report_events(report: PracticeReport) -> list[TrailEvent]:
    return case_events(CASE_KIND, str(report.pk))


def due_for_reminders(due_dates: Iterable[datetime.date]) -> list[DueItem]:
    """Practice reports owed on one of `due_dates` (governance.notifications): for each deadline
    of a current version's practice, each responsible unit without a confirmed report for the
    deadline's quarter. Its liaisons answer for it; its heads and then the director hear when
    late. Two queries whatever the number of deadlines."""

    rows = list(
        PlanDeadline.objects.filter(
            due_date__in=list(due_dates),
            practice__item__area__version__in=current_versions(),
            practice__units__isnull=False,
        ).values_list(
            "due_date",
            "practice_id",
            "practice__key",
            "practice__number",
            "practice__text",
            "practice__units",
            "practice__item__area__version__plan_id",
        )
    )
    if not rows:
        return []
    periods = {quarter_label(due) for due, *_rest in rows}
    confirmed = set(
        PracticeReport.objects.filter(
            state=State.CONFIRMED,
            period__in=periods,
            practice__key__in={key for _d, _p, key, *_rest in rows},
            practice__item__area__version__plan_id__in={plan_id for *_rest, plan_id in rows},
        ).values_list("practice__item__area__version__plan_id", "practice__key", "unit_id", "period")
    )
    items = []
    for due, practice_id, key, number, text, unit_id, plan_id in rows:
        period = quarter_label(due)
        if (plan_id, key, unit_id, period) in confirmed:
            continue
        items.append(
            DueItem(
                key=f"practice:{key}:{unit_id}:{period}",
                what=_("%(period)s 計畫推動作法季報") % {"period": quarter_name(period)},
                case_number=number,
                title=text[:100],
                due_date=due,
                url=reverse("plan:report_practice", args=[practice_id, unit_id, period]),
                unit_id=unit_id,
            )
        )
    return items
