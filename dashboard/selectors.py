"""The dashboards' figures (管考儀表板): proposals, findings and the plan's practices of a
period, per unit, for the whole agency or for one's own units.

Who sees what: the director, the deputy and the 管考 office see the whole agency and may
narrow it to a unit; a unit head sees only their unit(s); nobody else sees the page.

Every figure is one GROUP BY query (the plan's is three plain ones), however many units
and cases there are; the totals are added up from the per-unit rows. Scoped figures are
filtered in the database, so another unit's numbers never leave it.

What each figure counts (the page says it too):
- proposals: submitted in the period, by their current state; drafts, withdrawn and
  not-accepted ones do not count (docs/domain.md, 「統計」), the not-accepted are shown apart;
- adoption rate: of the decisions made in the period, the share of 採行;
- grades: proposals submitted in the period whose second review is complete;
- findings: those under tracking during the period (registered by its end and not closed
  before its start), by their state today; overdue as in audits.selectors.overdue_q;
- days to close: from the audit to removal from tracking, of those findings now closed;
- plan practices: each practice of the year's current plan version and each of its
  units with a deadline in the period is late when one of those deadlines has passed
  without a confirmed report of that deadline's quarter, or with one that says 進度落後;
  on track otherwise.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _

from audits.models import Finding
from audits.selectors import days_to_close, overdue_q
from governance.models import Unit, User
from governance.permissions import can_anywhere, is_overseer, units_where
from governance.rocdate import ROC_OFFSET, TAIPEI, quarter_end, quarter_label, roc_year_range, today_taipei
from governance.roles import Capability
from plan.models import PlanDeadline, PlanPractice, PlanVersion, PracticeReport
from proposals.models import Proposal
from proposals.selectors import UNCOUNTED_STATES, grade_bands_for_year

ProposalState = Proposal.State
FindingState = Finding.State

# The states a counted proposal can be in, in the order of its life.
PROPOSAL_STATES = [s for s in ProposalState if s not in UNCOUNTED_STATES]


# ---------------------------------------------------------------- period and scope


@dataclass(frozen=True)
class Period:
    year: int  # ROC
    quarter: int | None
    start: datetime.date
    end: datetime.date

    @property
    def label(self):
        if self.quarter:
            return _("%(year)s 年第 %(quarter)s 季") % {"year": self.year, "quarter": self.quarter}
        return _("%(year)s 年度") % {"year": self.year}


def period_of(year: int, quarter: int | None = None) -> Period:
    """The ROC year, or one quarter (1–4) of it, as dates."""
    start, end = roc_year_range(year)
    if quarter:
        start = datetime.date(year + ROC_OFFSET, 3 * quarter - 2, 1)
        end = quarter_end(start)
    return Period(year, quarter or None, start, end)


@dataclass(frozen=True)
class Scope:
    """The units whose figures a person may see; `agency` when that is every unit."""

    agency: bool
    units: tuple


def may_view_dashboard(user: User) -> bool:
    """The director, the deputy and the 管考 office (the agency), and unit heads (their units)."""
    return is_overseer(user) or can_anywhere(user, Capability.REVIEW_UNIT_CASES)


def scope_of(user: User) -> Scope | None:
    """The person's dashboard scope, or None when they may not see the dashboard."""
    if is_overseer(user):
        return Scope(agency=True, units=tuple(Unit.objects.order_by("sort_order", "code")))
    units = tuple(units_where(user, Capability.REVIEW_UNIT_CASES).order_by("sort_order", "code"))
    if not units:
        return None
    return Scope(agency=False, units=units)


def _active_in(unit, period):
    return unit.valid_from <= period.end and (unit.valid_until is None or unit.valid_until >= period.start)


# ---------------------------------------------------------------- the figures


def figures(
    period: Period, unit_ids: Sequence[int] | None = None, today: datetime.date | None = None
) -> dict[str, Any]:
    """Every figure of the period; `unit_ids` limits them to those units (None: all).

    Rows come one per unit, in the units' order: the given units, or (for the whole
    agency) those in existence during the period and any other that has figures.
    """
    today = today or today_taipei()
    units = {u.pk: u for u in Unit.objects.order_by("sort_order", "code")}
    if unit_ids is None:
        shown = {pk for pk, u in units.items() if _active_in(u, period)}
    else:
        shown = set(unit_ids)
    result = {
        "proposals": proposals_by_unit_and_state(period, unit_ids),
        "adoption": adoption_by_unit(period, unit_ids),
        "grades": grade_distribution(period, unit_ids),
        "findings": findings_by_unit(period, unit_ids, today),
        "practices": practices_by_unit(period, unit_ids, today),
    }
    # A unit with figures shows even when it did not exist during the period (reorganised).
    with_data = set()
    for name in ("proposals", "adoption", "findings", "practices"):
        with_data |= set(result[name]["by_unit"])
    rows = [pk for pk in units if pk in shown | with_data]
    result["units"] = [units[pk] for pk in rows]
    for item in result["practices"]["late"]:
        item["unit"] = units[item["unit_id"]]
    for name, empty in (
        ("proposals", lambda: {"counts": [0] * len(PROPOSAL_STATES), "total": 0}),
        ("adoption", lambda: {"decided": 0, "adopted": 0, "rate": None}),
        (
            "findings",
            lambda: {
                "overdue": 0,
                "open_in_time": 0,
                "open": 0,
                "closed": 0,
                "total": 0,
                "average_days_to_close": None,
            },
        ),
        ("practices", lambda: {"late": 0, "on_track": 0, "total": 0}),
    ):
        by_unit = result[name]["by_unit"]
        result[name]["rows"] = [{"unit": units[pk], **by_unit.get(pk, empty())} for pk in rows]
    return result


def _in_units(field, unit_ids):
    return Q() if unit_ids is None else Q(**{f"{field}__in": list(unit_ids)})


def _during(field, period):
    """The moment `field` falls on a day of the period (Taipei), as a range of moments: the
    same rows as `field__date__range`, but a range the field's index answers (a date cast of
    every row is a full scan)."""
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=TAIPEI)
    end = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=TAIPEI)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _rate(part, whole):
    return round(part / whole * 100, 1) if whole else None


def proposals_by_unit_and_state(period: Period, unit_ids: Sequence[int] | None = None) -> dict[str, Any]:
    """Proposals submitted in the period, per proposing unit and current state."""
    submitted = Proposal.objects.filter(
        _in_units("unit_id", unit_ids), _during("submitted_at", period)
    ).order_by()
    rows = submitted.values("unit_id", "state").annotate(n=Count("pk"))
    by_unit, not_accepted = {}, 0
    index = {state: i for i, state in enumerate(PROPOSAL_STATES)}
    for row in rows:
        if row["state"] == ProposalState.NOT_ACCEPTED:
            not_accepted += row["n"]
        if row["state"] not in index:
            continue
        entry = by_unit.setdefault(row["unit_id"], {"counts": [0] * len(PROPOSAL_STATES), "total": 0})
        entry["counts"][index[row["state"]]] += row["n"]
        entry["total"] += row["n"]
    totals = [sum(e["counts"][i] for e in by_unit.values()) for i in range(len(PROPOSAL_STATES))]
    return {
        "states": [(s.value, s.label) for s in PROPOSAL_STATES],
        "by_unit": by_unit,
        "totals": totals,
        "total": sum(totals),
        "not_accepted": not_accepted,
    }


def adoption_by_unit(period: Period, unit_ids: Sequence[int] | None = None) -> dict[str, Any]:
    """Adoption decisions made in the period, per proposing unit: decided, adopted, rate (%)."""
    rows = (
        Proposal.objects.filter(_in_units("unit_id", unit_ids), _during("decided_at", period))
        .exclude(decision="")
        .order_by()
        .values("unit_id")
        .annotate(decided=Count("pk"), adopted=Count("pk", filter=Q(decision=Proposal.Decision.ADOPT)))
    )
    by_unit = {
        r["unit_id"]: {
            "decided": r["decided"],
            "adopted": r["adopted"],
            "rate": _rate(r["adopted"], r["decided"]),
        }
        for r in rows
    }
    decided = sum(r["decided"] for r in by_unit.values())
    adopted = sum(r["adopted"] for r in by_unit.values())
    return {"by_unit": by_unit, "decided": decided, "adopted": adopted, "rate": _rate(adopted, decided)}


def grade_distribution(period: Period, unit_ids: Sequence[int] | None = None) -> dict[str, Any]:
    """Proposals submitted in the period with their second review done, per grade.

    Grades in the order of the year's bands (an administrator's rows), then any other
    grade found (bands renamed since), then 未達等第 (scored below every band).
    """
    rows = dict(
        Proposal.objects.filter(
            _in_units("unit_id", unit_ids),
            _during("submitted_at", period),
            weighted_total__isnull=False,
        )
        .exclude(state__in=UNCOUNTED_STATES)
        .order_by()
        .values("grade")
        .annotate(n=Count("pk"))
        .values_list("grade", "n")
    )
    names = [band.name for band in grade_bands_for_year(period.year)]
    names += sorted(g for g in rows if g and g not in names)
    grades = [(name, rows.get(name, 0)) for name in names] + [(_("未達等第"), rows.get("", 0))]
    total = sum(n for _name, n in grades)
    return {
        "rows": [{"grade": name, "count": n, "share": _rate(n, total)} for name, n in grades],
        "total": total,
    }


def findings_by_unit(period: Period, unit_ids: Sequence[int] | None, today: datetime.date) -> dict[str, Any]:
    """Findings under tracking during the period, per lead unit, by their state today."""
    tracked = (
        Finding.objects.filter(
            _in_units("lead_unit_id", unit_ids),
            Q(audit__held_on__lte=period.end),
            ~Q(state=FindingState.CLOSED) | Q(closed_on__gte=period.start),
        )
        .exclude(state=FindingState.WITHDRAWN)
        .order_by()
    )
    rows = tracked.values("lead_unit_id").annotate(
        total=Count("pk"),
        closed=Count("pk", filter=Q(state=FindingState.CLOSED)),
        overdue=Count("pk", filter=overdue_q(today)),
        average=Avg(days_to_close(), filter=Q(state=FindingState.CLOSED)),
    )
    by_unit = {}
    for r in rows:
        average = r["average"]
        open_ = r["total"] - r["closed"]
        by_unit[r["lead_unit_id"]] = {
            "overdue": r["overdue"],
            "open_in_time": open_ - r["overdue"],
            "open": open_,
            "closed": r["closed"],
            "total": r["total"],
            # Days as a float: the exact mean, rounded only when shown.
            "average_days_to_close": average.total_seconds() / 86400 if average is not None else None,
        }
    totals = {
        key: sum(e[key] for e in by_unit.values())
        for key in ("overdue", "open_in_time", "open", "closed", "total")
    }
    closed_days = sum(
        e["average_days_to_close"] * e["closed"]
        for e in by_unit.values()
        if e["average_days_to_close"] is not None
    )
    totals["average_days_to_close"] = closed_days / totals["closed"] if totals["closed"] else None
    for entry in [*by_unit.values(), totals]:
        if entry["average_days_to_close"] is not None:
            entry["average_days_to_close"] = round(entry["average_days_to_close"], 1)
    return {"by_unit": by_unit, "totals": totals}


def current_version(year: int) -> PlanVersion | None:
    """The year's plan at its latest version, or None when the year has no plan."""
    return PlanVersion.objects.filter(plan__roc_year=year).select_related("plan").order_by("-number").first()


def practices_by_unit(period: Period, unit_ids: Sequence[int] | None, today: datetime.date) -> dict[str, Any]:
    """Practice–unit pairs of the year's current plan version with a deadline in the period.

    Reports follow a practice across versions by its key (within the year's plan), so a
    report made before a revision still counts for the revised practice.
    """
    version = current_version(period.year)
    empty = {"version": version, "by_unit": {}, "totals": {"late": 0, "on_track": 0, "total": 0}, "late": []}
    if version is None:
        return empty
    pairs = list(
        PlanPractice.units.through.objects.filter(
            _in_units("unit_id", unit_ids), planpractice__item__area__version=version
        )
        .order_by(
            "planpractice__item__area__sort_order",
            "planpractice__item__area_id",
            "planpractice__item__sort_order",
            "planpractice__item_id",
            "planpractice__sort_order",
            "planpractice_id",
            "unit__sort_order",
            "unit__code",
        )
        .values_list(
            "planpractice_id", "planpractice__key", "planpractice__number", "planpractice__text", "unit_id"
        )
    )
    deadlines = {}
    for practice_id, due in PlanDeadline.objects.filter(
        practice__item__area__version=version, due_date__range=(period.start, period.end)
    ).values_list("practice_id", "due_date"):
        deadlines.setdefault(practice_id, []).append(due)
    passed = {due for dues in deadlines.values() for due in dues if due < today}
    confirmed_status = {
        (key, unit_id, period): status
        for key, unit_id, period, status in PracticeReport.objects.filter(
            _in_units("unit_id", unit_ids),
            state=PracticeReport.State.CONFIRMED,
            practice__item__area__version__plan_id=version.plan_id,
            period__in=sorted({quarter_label(due) for due in passed}),
        ).values_list("practice__key", "unit_id", "period", "status")
    }

    def kept(key, unit_id, due):
        """The deadline's quarter has a confirmed report that does not say 進度落後."""
        status = confirmed_status.get((key, unit_id, quarter_label(due)))
        return status is not None and status != PracticeReport.Status.BEHIND

    by_unit, late = {}, []
    for practice_id, key, number, text, unit_id in pairs:
        dues = deadlines.get(practice_id)
        if not dues:
            continue  # nothing due from this practice in the period
        missed = sorted(d for d in dues if d < today and not kept(key, unit_id, d))
        entry = by_unit.setdefault(unit_id, {"late": 0, "on_track": 0, "total": 0})
        entry["total"] += 1
        if missed:
            entry["late"] += 1
            late.append(
                {
                    "practice_id": practice_id,
                    "number": number,
                    "text": text,
                    "unit_id": unit_id,
                    "missed": missed,
                }
            )
        else:
            entry["on_track"] += 1
    totals = {key: sum(e[key] for e in by_unit.values()) for key in ("late", "on_track", "total")}
    return {**empty, "by_unit": by_unit, "totals": totals, "late": late}
