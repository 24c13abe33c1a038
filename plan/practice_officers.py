"""The practices' 承辦人 (業務承辦人員): who of a responsible unit carries out a practice in a
quarter. The seed plan (柒、三) lets the staff who carry it out well have it counted in the
year-end appraisal, so HR's appraisal evidence lists the practices a person carried.

Who names them: the unit's liaison or head for their own unit's practices, the 管考 office for
any unit. A quarter's officers of a unit answer for the practice's `key` in any version of the
plan, as its report does; until they are named, the form offers the previous quarter's (or the
previous version's, or last year's plan's), so nobody types them again. A person who leaves
the unit stays named on the quarters they carried.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import Membership, Unit, User
from governance.permissions import can
from governance.rocdate import ROC_OFFSET, quarter_end, quarter_label, quarter_name, today_taipei
from governance.roles import Capability
from governance.trail import case_events, record_event

from .models import PlanPractice, PracticeOfficer, PracticeReport
from .practice_reports import current_version, open_periods, parse_period, plan_periods

CASE_KIND = "practice_officers"


# ---------------------------------------------------------------- who may name them


def may_name_officers(user: User, unit: Unit | int) -> bool:
    """The unit's liaison (REPORT_UNIT_PROGRESS) or head (REVIEW_UNIT_CASES); the 管考 office
    (MANAGE_TRACKING) for any unit."""
    return (
        can(user, Capability.REPORT_UNIT_PROGRESS, unit)
        or can(user, Capability.REVIEW_UNIT_CASES, unit)
        or can(user, Capability.MANAGE_TRACKING)
    )


def eligible_people(unit: Unit, day: datetime.date | None = None) -> list[User]:
    """The unit's active people on `day` (today), once each whatever their roles."""
    return list(eligible_by_unit([unit.pk], day).get(unit.pk, {}).values())


# ---------------------------------------------------------------- reads


def _of_key(practice: PlanPractice, unit: Unit | int):
    """The officer rows of the practice's key and the unit, in any version of its plan."""
    return PracticeOfficer.objects.filter(
        practice__item__area__version__plan_id=practice.item.area.version.plan_id,
        practice__key=practice.key,
        unit=unit,
    )


@dataclass(frozen=True)
class Officers:
    """A quarter's officers as the page shows them: named, or offered from `source` (a period
    code such as 115Q2, of this plan or last year's) until someone names them."""

    people: list
    named: bool
    source: str = ""

    @property
    def names(self):
        return "、".join(p.get_full_name() for p in self.people)


def officers_by_duty(
    plan_id: int, roc_year: int, keys: Iterable[str], unit_ids: Iterable[int], period: str
) -> dict[tuple[str, int], Officers]:
    """The quarter's officers of each (practice key, unit) that has any: the named ones; else
    the latest earlier quarter's of the same key and unit (an earlier version's count), or the
    same quarter's of an earlier version; else the last quarter named in last year's plan.
    Offered ones are only the people still in the unit. Three queries whatever the number."""
    _year, quarter = parse_period(period)
    unit_ids = list(unit_ids)
    rows = PracticeOfficer.objects.filter(practice__key__in=list(keys), unit_id__in=unit_ids).filter(
        Q(practice__item__area__version__plan_id=plan_id, quarter__lte=quarter)
        | Q(practice__item__area__version__plan__roc_year=roc_year - 1)
    )
    found = {}
    for row in rows.values_list(
        "practice__key",
        "unit_id",
        "practice__item__area__version__plan__roc_year",
        "quarter",
        "practice__item__area__version__number",
        "person_id",
    ):
        key, unit_id, year, row_quarter, version_number, person_id = row
        found.setdefault((key, unit_id), []).append((year, row_quarter, version_number, person_id))
    if not found:
        return {}
    people = User.objects.in_bulk({r[3] for rows_ in found.values() for r in rows_})
    still = eligible_by_unit(unit_ids)
    chosen = {}
    for (key, unit_id), candidates in found.items():
        year, row_quarter, version_number, _person = max(candidates)
        named = year == roc_year and row_quarter == quarter
        picked = [
            people[p]
            for y, q, v, p in candidates
            if (y, q) == (year, row_quarter) and (named or v == version_number)
        ]
        if not named:
            picked = [p for p in picked if p.pk in still.get(unit_id, {})]
        picked = sorted({p.pk: p for p in picked}.values(), key=lambda p: p.username)
        chosen[(key, unit_id)] = Officers(picked, named, "" if named else f"{year}Q{row_quarter}")
    return chosen


def quarter_officers(practice: PlanPractice, unit: Unit, period: str) -> Officers:
    """The quarter's officers of the practice and unit (officers_by_duty)."""
    plan = practice.item.area.version.plan
    found = officers_by_duty(plan.pk, plan.roc_year, [practice.key], [unit.pk], period)
    return found.get((practice.key, unit.pk), Officers([], False))


def eligible_by_unit(unit_ids: Iterable[int], day: datetime.date | None = None) -> dict[int, dict[int, User]]:
    """unit id → {person id: person} of each unit's active people on `day` (today), one query."""
    memberships = (
        Membership.objects.active_on(day or today_taipei())
        .filter(unit_id__in=list(unit_ids), user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    )
    people = {}
    for m in memberships:
        people.setdefault(m.unit_id, {})[m.user_id] = m.user
    return people


def officer_choices(unit: Unit, officers: Officers, eligible: dict | None = None) -> list[User]:
    """Whom the form offers: the unit's people today (`eligible`, from eligible_by_unit, or
    read), and the quarter's named officers who have left since (they stay on the quarters
    they carried)."""
    if eligible is None:
        eligible = eligible_by_unit([unit.pk])
    people = dict(eligible.get(unit.pk, {}))
    for person in officers.people if officers.named else ():
        people.setdefault(person.pk, person)
    return sorted(people.values(), key=lambda p: p.username)


def officer_events(practice: PlanPractice, unit: Unit) -> list:
    return case_events(CASE_KIND, trail_ref(practice.item.area.version.plan_id, unit.pk, practice.key))


def trail_ref(plan_id: int, unit_id: int, key: str) -> str:
    """One trail per practice key and unit of a plan, every quarter's naming on it."""
    return f"{plan_id}:{unit_id}:{key}"


# ---------------------------------------------------------------- service


def name_practice_officers(
    *, actor: User, practice: PlanPractice, unit: Unit, period: str, people: Iterable[User]
) -> list[PracticeOfficer]:
    """Name the quarter's 承辦人 of the unit for the practice (replacing whoever was named).

    Only people of the unit today may be added; someone named before who has left may stay.
    Unchanged names write nothing; a change is one trail event of the practice and unit."""
    if not may_name_officers(actor, unit):
        raise PermissionDenied(_("只有該單位的連絡窗口、主管或管考人員可以指定承辦人。"))
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
            _(
                "推動作法 %(number)s 屬於計畫第 %(version)s 版，已由第 %(current)s 版取代；請就現行版次指定承辦人。"
            )
            % {"number": practice.number, "version": version.number, "current": current.number}
        )
    _year, quarter = parse_period(period)
    if period not in plan_periods(plan):
        raise ValidationError(
            _("季別 %(period)s 不在 %(year)s 年度計畫的期間內。")
            % {"period": quarter_name(period, translate=True), "year": plan.roc_year}
        )
    if period not in open_periods(plan):
        raise ValidationError(
            _("%(period)s 尚未開始，不能預先指定承辦人。") % {"period": quarter_name(period, translate=True)}
        )
    wanted = {p.pk: p for p in people}
    if not wanted:
        raise ValidationError(_("請至少勾選一位承辦人。"))

    with transaction.atomic():
        # One naming of the practice at a time: the current version's row is the lock.
        PlanPractice.objects.select_for_update().filter(pk=practice.pk).first()
        rows = list(_of_key(practice, unit).filter(quarter=quarter).select_related("person", "practice"))
        before = {r.person_id: r.person for r in rows}
        members = {p.pk for p in eligible_people(unit)}
        outsiders = [p for pk, p in wanted.items() if pk not in before and pk not in members]
        if outsiders:
            raise ValidationError(
                _("%(names)s不是%(unit)s的現職人員，不能指定為承辦人。")
                % {"names": "、".join(p.get_full_name() for p in outsiders), "unit": unit.name}
            )
        if set(before) == set(wanted) and all(r.practice_id == practice.pk for r in rows):
            return rows
        removed = [r for r in rows if r.person_id not in wanted]
        PracticeOfficer.objects.filter(pk__in=[r.pk for r in removed]).delete()
        # The kept ones answer for the current version's practice from now on.
        PracticeOfficer.objects.filter(pk__in=[r.pk for r in rows if r.person_id in wanted]).update(
            practice=practice
        )
        now = timezone.now()
        PracticeOfficer.objects.bulk_create(
            PracticeOfficer(
                practice=practice, unit=unit, person=p, quarter=quarter, named_by=actor, named_at=now
            )
            for pk, p in wanted.items()
            if pk not in before
        )
        # Kept texts (the trail): in the agency's language, whatever the actor's interface is in.
        names = "、".join(p.get_full_name() for p in sorted(wanted.values(), key=lambda p: p.username))
        comment = f"推動作法 {practice.number}，{unit.name}承辦人：{names}"
        if before:
            comment += "（原：" + "、".join(p.get_full_name() for p in before.values()) + "）"
        record_event(
            case_kind=CASE_KIND,
            case_ref=trail_ref(plan.pk, unit.pk, practice.key),
            actor=actor,
            action=f"{quarter_name(period)} 指定承辦人",
            comment=comment,
        )
    return list(_of_key(practice, unit).filter(quarter=quarter).select_related("person"))


# ---------------------------------------------------------------- appraisal evidence


def _quarter_range(roc_year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(roc_year + ROC_OFFSET, 3 * quarter - 2, 1)
    return first, quarter_end(first)


def _in_period(roc_year, quarter, start, end):
    first, last = _quarter_range(roc_year, quarter)
    return first <= end and last >= start


def _timeliness(due, report, today):
    """Whether the quarter's report was on time: a confirmed report submitted by the quarter's
    first deadline (plan.practice_reports.is_late: a deadline passed without a confirmed report
    is late)."""
    confirmed = report is not None and report.state == PracticeReport.State.CONFIRMED
    if due is None:
        return "no_deadline", _("本季無完成期限")
    if confirmed:
        submitted = timezone.localtime(report.submitted_at).date()
        if submitted <= due:
            return "on_time", _("如期")
        return "late", _("逾期")
    if due < today:
        return "late", _("逾期") if report is not None else _("逾期未填報")
    return "pending", _("尚未到期")


def officer_duties(person: User, start: datetime.date, end: datetime.date) -> list[dict]:
    """The practices `person` was 承辦人 of in quarters overlapping [start, end]: one row per
    plan, practice key and unit, with each quarter's report (on time or late, the confirmed
    status and text, the head's comment). Plain data (the evidence is fingerprinted), in the
    plan's order; labels in Chinese (the caller sets the language)."""
    today = today_taipei()
    years = range(start.year - ROC_OFFSET, end.year - ROC_OFFSET + 1)
    rows = [
        r
        for r in PracticeOfficer.objects.filter(
            person=person, practice__item__area__version__plan__roc_year__in=list(years)
        )
        .select_related("practice__item__area__version__plan", "unit")
        .prefetch_related("practice__deadlines")
        if _in_period(r.practice.item.area.version.plan.roc_year, r.quarter, start, end)
    ]
    if not rows:
        return []
    groups = {}
    for r in rows:
        plan = r.practice.item.area.version.plan
        groups.setdefault((plan.pk, r.practice.key, r.unit_id), []).append(r)
    reports = {
        (r.practice.item.area.version.plan_id, r.practice.key, r.unit_id, r.period): r
        for r in PracticeReport.objects.filter(
            practice__item__area__version__plan_id__in={k[0] for k in groups},
            practice__key__in={k[1] for k in groups},
            unit_id__in={k[2] for k in groups},
            period__in={f"{r.practice.item.area.version.plan.roc_year}Q{r.quarter}" for r in rows},
        ).select_related("practice__item__area__version")
    }
    duties = []
    for (plan_id, key, unit_id), group in groups.items():
        group.sort(key=lambda r: (r.quarter, -r.practice.item.area.version.number))
        # The newest version's wording of the practice names it.
        shown = max(group, key=lambda r: r.practice.item.area.version.number)
        practice = shown.practice
        plan = practice.item.area.version.plan
        quarters = []
        for r in group:
            if quarters and quarters[-1]["quarter"] == r.quarter:
                continue
            period = f"{plan.roc_year}Q{r.quarter}"
            report = reports.get((plan_id, key, unit_id, period))
            dues = sorted(
                d.due_date for d in r.practice.deadlines.all() if quarter_label(d.due_date) == period
            )
            due = dues[0] if dues else None
            timeliness, timeliness_label = _timeliness(due, report, today)
            confirmed = report is not None and report.state == PracticeReport.State.CONFIRMED
            quarters.append(
                {
                    "quarter": r.quarter,
                    "period": period,
                    "period_label": quarter_name(period),
                    "due": due.isoformat() if due else None,
                    "submitted_on": timezone.localtime(report.submitted_at).date().isoformat()
                    if report
                    else None,
                    "timeliness": timeliness,
                    "timeliness_label": timeliness_label,
                    "state": str(report.get_state_display()) if report else _("未填報"),
                    "status": str(report.get_status_display()) if confirmed else "",
                    "text": report.text if confirmed else "",
                    "head_comment": report.head_comment if confirmed else "",
                }
            )
        area = practice.item.area
        duties.append(
            {
                "kind": "plan_practice",
                "plan_year": plan.roc_year,
                "key": key,
                "number": practice.number,
                "area": f"{area.number}、{area.title}",
                "title": practice.text,
                "unit": shown.unit.name,
                "role": _("業務承辦人員"),
                "quarters": quarters,
                "on_time": sum(1 for q in quarters if q["timeliness"] == "on_time"),
                "late": sum(1 for q in quarters if q["timeliness"] == "late"),
                # The rule HR relies on: routine work is only a reference; a formal reward
                # comes from adopted work with results.
                "note": _("例行業務，僅供考績參考，不列入獎勵計算"),
                "_order": (
                    plan.roc_year,
                    area.sort_order,
                    practice.item.sort_order,
                    practice.sort_order,
                    shown.unit.sort_order,
                    shown.unit.code,
                ),
            }
        )
    duties.sort(key=lambda d: d["_order"])
    for duty in duties:
        del duty["_order"]
    return duties


def duty_counts(person_ids: Iterable[int], start: datetime.date, end: datetime.date) -> dict[int, int]:
    """How many rows officer_duties gives each of many people (one per plan, practice key and
    unit), in one query whatever their number (HR's evidence list). People with none are left
    out."""
    years = range(start.year - ROC_OFFSET, end.year - ROC_OFFSET + 1)
    groups = {
        (person_id, plan_id, key, unit_id)
        for person_id, plan_id, key, unit_id, roc_year, quarter in PracticeOfficer.objects.filter(
            person_id__in=list(person_ids), practice__item__area__version__plan__roc_year__in=list(years)
        ).values_list(
            "person_id",
            "practice__item__area__version__plan_id",
            "practice__key",
            "unit_id",
            "practice__item__area__version__plan__roc_year",
            "quarter",
        )
        if _in_period(roc_year, quarter, start, end)
    }
    counts: dict[int, int] = {}
    for person_id, *_group in groups:
        counts[person_id] = counts.get(person_id, 0) + 1
    return counts


def officers_in_period(
    start: datetime.date, end: datetime.date, unit: Unit | None = None
) -> list[tuple[User, Unit]]:
    """(person, unit) of everyone named 承辦人 for a quarter overlapping [start, end] (of `unit`
    when given), once each: HR lists them even with no other evidence."""
    years = range(start.year - ROC_OFFSET, end.year - ROC_OFFSET + 1)
    rows = PracticeOfficer.objects.filter(practice__item__area__version__plan__roc_year__in=list(years))
    if unit is not None:
        rows = rows.filter(unit=unit)
    quarters = Q(pk__in=[])
    for year in years:
        for quarter in range(1, 5):
            if _in_period(year, quarter, start, end):
                quarters |= Q(practice__item__area__version__plan__roc_year=year, quarter=quarter)
    seen, people = set(), []
    for r in (
        rows.filter(quarters)
        .select_related("person", "unit")
        .order_by("unit__sort_order", "unit__code", "person__username")
    ):
        if r.person_id not in seen:
            seen.add(r.person_id)
            people.append((r.person, r.unit))
    return people
