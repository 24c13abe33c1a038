"""The plan's two documents, made from the data of one plan version (seed plan 陸、三):

- the internal self-assessment (內部自評), done before the third quarter, available any time.
  It grades every practice for every responsible unit against the practice's deadlines
  (完成期限) and the unit's confirmed quarterly reports, counts the grades per unit, and says
  what fell behind (檢討) and what the execution group decided to do about it (改進措施);
- the execution report (執行報告), written from the third quarter of the plan's year on. It
  sums the results up by area (實施要項) with figures, quotes the key results of completed
  practices (shortened), and counts the execution group's meetings against the plan's
  「每兩個月至少召開執行小組會議一次」 (the interval is GROUP_MEETING_INTERVAL_MONTHS). It does
  not list every practice with its report.

The grade (自評等第) of a unit on a practice, as of the data date (`today`); a deadline has
passed when it is before that date, and a quarter counts as reported when the unit's report
for it is confirmed by the head (see `assess`):

- 達成: the latest confirmed report says 已完成; or it says 依進度辦理, every passed deadline's
  quarter has a confirmed report, and the last deadline has not passed yet.
- 未達成: a deadline has passed and the unit has no confirmed report at all, or its latest one
  says 尚未開始.
- 未屆期: no deadline has passed yet and there is no confirmed report, or it says 尚未開始.
- 部分達成: every other case (進度落後; a passed deadline's quarter not reported; the last
  deadline passed and not 已完成).

A practice takes the worst grade of its units. A report confirmed after its deadline is shown
as late (逾期確認) for the review; it does not lower the grade. No model keeps a grade set by
hand, so the grade is always derived. PracticeReport has no field for problems or next steps,
so the improvement actions are the decisions of the execution group's held meetings on agenda
items about the practice (AgendaItem of kind practice; its ref_id is a practice row of some
version of the plan, followed to the current version by the practice's key).

In the execution report a practice is 已完成 when every unit's latest confirmed report says
已完成; 未填報 when no unit has a confirmed report (or no unit is assigned); 落後 when its grade
is 未達成 or 部分達成; 依進度辦理 otherwise. An area's completion rate is 已完成 over its
practices. Meetings are counted per period of the interval from January: a period that has
ended without a held meeting falls short of the plan.

The 管考 office and the director (or deputy) download them.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from governance.documents import Document, roc_timestamp
from governance.permissions import is_overseer
from governance.rocdate import (
    ROC_OFFSET,
    TAIPEI,
    format_roc,
    format_roc_short,
    quarter_label,
    quarter_name,
    today_taipei,
)
from plan.models import PlanPractice, PlanVersion, PracticeReport

from .models import AgendaItem, GroupMeeting, MeetingDecision
from .services import interval_months

SELF_ASSESSMENT = "self_assessment"
EXECUTION_REPORT = "execution_report"
TITLES = {SELF_ASSESSMENT: "內部自評", EXECUTION_REPORT: "執行報告"}
TEMPLATES = {SELF_ASSESSMENT: "pdf/self_assessment.html", EXECUTION_REPORT: "pdf/execution_report.html"}
NOT_REPORTED = "not_reported"
Status = PracticeReport.Status

# The self-assessment's grades, worst first: a practice takes the worst of its units' grades.
NOT_ACHIEVED, PARTLY, NOT_DUE, ACHIEVED = "not_achieved", "partly", "not_due", "achieved"
GRADES = {ACHIEVED: "達成", PARTLY: "部分達成", NOT_ACHIEVED: "未達成", NOT_DUE: "未屆期"}
GRADE_ORDER = [NOT_ACHIEVED, PARTLY, NOT_DUE, ACHIEVED]
SUMMARY_GRADES = [ACHIEVED, PARTLY, NOT_ACHIEVED, NOT_DUE]  # the columns of the unit table
GRADE_RULES = [
    (
        "達成",
        "最近一次確認季報為「已完成」；或為「依進度辦理」，已屆期各季均有確認季報，且最後完成期限尚未屆滿。",
    ),
    ("部分達成", "其他情形：最近季報為「進度落後」、有已屆期之季別未填報，或最後完成期限已過仍未完成。"),
    ("未達成", "已有完成期限屆滿，而尚無任何確認季報，或最近一次確認季報為「尚未開始」。"),
    ("未屆期", "尚無完成期限屆滿，且尚無確認季報或季報為「尚未開始」。"),
]

# A deadline's quarter, as the self-assessment shows it.
ON_TIME, LATE, MISSING, PENDING, EARLY = "on_time", "late", "missing", "pending", "early"
CHECKS = {ON_TIME: "準時", LATE: "逾期確認", MISSING: "未填報", PENDING: "未屆期", EARLY: "已確認"}

# The execution report's categories of a practice, in its table's order.
DONE, ON_SCHEDULE, BEHIND = "done", "on_schedule", "behind"
CATEGORIES = {DONE: "已完成", ON_SCHEDULE: "依進度辦理", BEHIND: "落後", NOT_REPORTED: "未填報"}
CATEGORY_RULES = (
    "已完成：各承辦單位最近一次確認季報均為「已完成」；未填報：尚無任何確認季報（含未指定承辦單位）；"
    "落後：自評為「未達成」或「部分達成」；依進度辦理：其餘。"
)
RESULT_CHARS = 80  # a key result is the report's text cut to this length
PRACTICE_CHARS = 60


def may_download_plan_documents(user):
    """The 管考 office and the director or deputy (governance.permissions.is_overseer)."""
    return is_overseer(user)


def execution_report_opens_on(plan):
    """The first day of the third quarter of the plan's year."""
    return datetime.date(plan.roc_year + ROC_OFFSET, 7, 1)


def execution_report_available(plan, today=None):
    return (today or today_taipei()) >= execution_report_opens_on(plan)


class TooEarly(ValidationError):
    """The execution report was asked for before the third quarter of the plan's year."""


# ---------------------------------------------------------------- the grade


def assess(latest_status, passed, missing, last_deadline_passed):
    """A unit's grade on a practice (module docstring): `latest_status` of its latest confirmed
    report (None: none), the number of deadlines `passed`, how many of their quarters have no
    confirmed report (`missing`), and whether the practice's last deadline has passed."""
    if latest_status == Status.DONE:
        return ACHIEVED
    if latest_status in (None, Status.NOT_STARTED):
        return NOT_ACHIEVED if passed else NOT_DUE
    if latest_status == Status.ON_TRACK and not missing and not last_deadline_passed:
        return ACHIEVED
    return PARTLY


def worst(grades):
    return min(grades, key=GRADE_ORDER.index) if grades else None


# ---------------------------------------------------------------- the data


def _confirmed_reports(version):
    """{(practice key, unit id): {period: report}} of the confirmed reports over every version
    of the plan, and {(practice key, unit id): latest confirmed report}."""
    reports = (
        PracticeReport.objects.filter(
            state=PracticeReport.State.CONFIRMED, practice__item__area__version__plan_id=version.plan_id
        )
        .order_by("period", "confirmed_at", "pk")
        .values("practice__key", "unit_id", "period", "status", "text", "confirmed_at")
    )
    by_period, latest = {}, {}
    for report in reports:  # ordered: a later quarter, or a later confirmation, wins
        key = (report["practice__key"], report["unit_id"])
        by_period.setdefault(key, {})[report["period"]] = report
        latest[key] = report
    return by_period, latest


def _local_day(moment):
    return timezone.localtime(moment, TAIPEI).date() if moment else None


def _practices(version):
    return (
        PlanPractice.objects.filter(item__area__version=version)
        .select_related("item__area")
        .prefetch_related("deadlines", "units")
        .order_by(
            "item__area__sort_order", "item__area__pk", "item__sort_order", "item__pk", "sort_order", "pk"
        )
    )


def _deadline_checks(deadlines, reports, today):
    """Each deadline with what became of its quarter's report."""
    checks = []
    for due in deadlines:
        report = reports.get(quarter_label(due))
        confirmed_on = _local_day(report["confirmed_at"]) if report else None
        if due >= today:
            code = EARLY if report else PENDING
        elif report is None:
            code = MISSING
        else:
            code = LATE if confirmed_on and confirmed_on > due else ON_TIME
        checks.append(
            {
                "due": format_roc_short(due),
                "period": quarter_name(quarter_label(due)),
                "code": code,
                "label": CHECKS[code],
                "confirmed_on": format_roc_short(confirmed_on) if code in (LATE, EARLY) else "",
            }
        )
    return checks


def _unit_assessment(practice, deadlines, unit, by_period, latest, today, status_labels):
    key = (practice.key, unit.pk)
    report = latest.get(key)
    checks = _deadline_checks(deadlines, by_period.get(key, {}), today)
    passed = [c for c in checks if c["code"] in (ON_TIME, LATE, MISSING)]
    missing = [c for c in passed if c["code"] == MISSING]
    last_passed = bool(deadlines) and deadlines[-1] < today
    status = report["status"] if report else None
    grade = assess(status, len(passed), len(missing), last_passed)
    reasons = []
    if report is None:
        if passed:
            reasons.append("尚無已確認季報")
    elif status in (Status.BEHIND, Status.NOT_STARTED):
        reasons.append(f"最近季報（{quarter_name(report['period'])}）{status_labels[status]}")
    if missing and report is not None:
        reasons.append("未填報：" + "、".join(f"{c['period']}（期限 {c['due']}）" for c in missing))
    elif missing:
        reasons.append("已屆期未填報：" + "、".join(c["due"] for c in missing))
    if last_passed and status not in (None, Status.DONE):
        reasons.append(f"最後完成期限 {format_roc_short(deadlines[-1])} 已過，尚未完成")
    return {
        "unit": unit,
        "name": unit.name,
        "checks": checks,
        "passed": len(passed),
        "on_time": sum(c["code"] == ON_TIME for c in passed),
        "late": sum(c["code"] == LATE for c in passed),
        "missing": len(missing),
        "report": report,
        "period": report["period"] if report else "",
        "status_code": status or NOT_REPORTED,
        "status": str(status_labels[status]) if report else "尚無已確認季報",
        "text": report["text"] if report else "",
        "confirmed_on": format_roc_short(report["confirmed_at"]) if report and report["confirmed_at"] else "",
        "grade_code": grade,
        "grade": GRADES[grade],
        "reasons": reasons,
    }


def _assessed(version, today):
    """The version's areas → items → practices, each practice with its deadlines, its units'
    assessments (`rows`) and its grade. Four queries."""
    status_labels = dict(Status.choices)
    by_period, latest = _confirmed_reports(version)
    areas = []
    for practice in _practices(version):
        item, area = practice.item, practice.item.area
        if not areas or areas[-1]["pk"] != area.pk:
            areas.append({"pk": area.pk, "number": area.number, "title": area.title, "items": []})
        items = areas[-1]["items"]
        if not items or items[-1]["pk"] != item.pk:
            items.append(
                {
                    "pk": item.pk,
                    "dimension": item.dimension,
                    "number": item.number,
                    "title": item.title,
                    "practices": [],
                }
            )
        deadlines = sorted(d.due_date for d in practice.deadlines.all())
        units = sorted(practice.units.all(), key=lambda u: (u.sort_order, u.code))
        rows = [
            _unit_assessment(practice, deadlines, unit, by_period, latest, today, status_labels)
            for unit in units
        ]
        grade = worst([r["grade_code"] for r in rows])
        items[-1]["practices"].append(
            {
                "key": practice.key,
                "area": area.number,
                "number": practice.number,
                "assigned": bool(units),
                "text": practice.text,
                "units": "、".join(u.name for u in units) or practice.unit_text,
                "deadlines": "、".join(format_roc_short(d) for d in deadlines) or practice.deadline_text,
                "deadline_passed": bool(deadlines) and deadlines[0] < today,
                "rows": rows,
                "grade_code": grade or "",
                "grade": GRADES[grade] if grade else "—",
            }
        )
    return areas


def _all_practices(areas):
    return [p for a in areas for i in a["items"] for p in i["practices"]]


def _action_text(decision, today):
    """A decision's follow-up action in a line: unit, due date, done or still followed."""
    if decision.action_unit_id is None:
        return ""
    due = format_roc_short(decision.action_due)
    if decision.action_done_at is not None:
        return (
            f"{decision.action_unit.name}，期限 {due}，"
            f"{format_roc_short(decision.action_done_at)} 辦結：{decision.action_done_note}"
        )
    late = "（逾期）" if decision.action_due and decision.action_due < today else ""
    return f"{decision.action_unit.name}，期限 {due}，追蹤中{late}"


def _improvements(version, today):
    """{practice key: [decision]}: the decisions of the held meetings on agenda items about a
    practice of the plan (any version: the item's ref_id is followed to the practice's key)."""
    practice_key = PlanPractice.objects.filter(
        pk=OuterRef("agenda_item__ref_id"), item__area__version__plan_id=version.plan_id
    ).values("key")[:1]
    decisions = (
        MeetingDecision.objects.filter(
            agenda_item__kind=AgendaItem.Kind.PRACTICE,
            agenda_item__ref_id__isnull=False,
            meeting__state=GroupMeeting.State.HELD,
        )
        .annotate(practice_key=Subquery(practice_key))
        .filter(practice_key__isnull=False)
        .select_related("meeting", "action_unit")
        .order_by("meeting__scheduled_for", "pk")
    )
    found = {}
    for decision in decisions:
        found.setdefault(decision.practice_key, []).append(
            {
                "meeting": f"{decision.meeting.roc_year} 年第 {decision.meeting.number} 次會議"
                f"（{format_roc_short(decision.meeting.scheduled_for)}）",
                "text": decision.text,
                "action": _action_text(decision, today),
            }
        )
    return found


def self_assessment_data(version, today=None):
    """The self-assessment: every practice graded per unit, the grades counted per unit, and
    the review (檢討) with the improvement actions (改進措施). Six queries."""
    today = today or today_taipei()
    areas = _assessed(version, today)
    practices = _all_practices(areas)
    counts = {}
    for practice in practices:
        for row in practice["rows"]:
            unit = row["unit"]
            counts.setdefault(unit.pk, {"unit": unit, "grades": dict.fromkeys(SUMMARY_GRADES, 0)})
            counts[unit.pk]["grades"][row["grade_code"]] += 1
    unit_rows = [
        {
            "name": c["unit"].name,
            "cells": [c["grades"][g] for g in SUMMARY_GRADES],
            "total": sum(c["grades"].values()),
        }
        for c in sorted(counts.values(), key=lambda c: (c["unit"].sort_order, c["unit"].code))
    ]
    totals = [sum(row["cells"][i] for row in unit_rows) for i in range(len(SUMMARY_GRADES))]
    practice_grades = {g: sum(p["grade_code"] == g for p in practices) for g in SUMMARY_GRADES}
    improvements = _improvements(version, today)
    review = []
    for practice in practices:
        behind = [r for r in practice["rows"] if r["grade_code"] in (PARTLY, NOT_ACHIEVED)]
        if practice["assigned"] and not behind:
            continue
        review.append(
            {
                "area": practice["area"],
                "number": practice["number"],
                "text": practice["text"],
                "grade": practice["grade"],
                "findings": [
                    {"unit": r["name"], "grade": r["grade"], "reasons": "；".join(r["reasons"])}
                    for r in behind
                ]
                or [{"unit": practice["units"] or "未指定", "grade": "—", "reasons": "尚未指定承辦單位"}],
                "improvements": improvements.get(practice["key"], []),
            }
        )
    return {
        "plan": version.plan,
        "version": version,
        "today": today,
        "areas": areas,
        "practice_count": len(practices),
        "assigned_count": sum(p["assigned"] for p in practices),
        "unassigned_count": sum(not p["assigned"] for p in practices),
        "practice_grades": [(GRADES[g], practice_grades[g]) for g in SUMMARY_GRADES],
        "grade_columns": [GRADES[g] for g in SUMMARY_GRADES],
        "grade_rules": GRADE_RULES,
        "unit_rows": unit_rows,
        "totals": totals,
        "grand_total": sum(totals),
        "review": review,
    }


def _category(practice):
    reported = [r for r in practice["rows"] if r["report"] is not None]
    if not reported:
        return NOT_REPORTED
    if all(r["status_code"] == Status.DONE for r in practice["rows"]):
        return DONE
    if practice["grade_code"] in (PARTLY, NOT_ACHIEVED):
        return BEHIND
    return ON_SCHEDULE


def _percent(part, whole):
    return f"{100 * part / whole:.1f}%" if whole else "—"


def interval_text(months):
    """每兩個月, as the plan words it; 每 3 個月 for another interval."""
    return "每兩個月" if months == 2 else f"每 {months} 個月"


def _meeting_periods(year, months, meeting_days, today):
    """The plan year cut into periods of `months` months from January (the last one shorter
    when 12 is not a multiple), each with the meetings held in it and whether it has ended by
    `today`."""
    ad_year = year + ROC_OFFSET
    periods = []
    for first in range(1, 13, months):
        last = min(first + months - 1, 12)
        start = datetime.date(ad_year, first, 1)
        end = (
            datetime.date(ad_year + 1, 1, 1) if last == 12 else datetime.date(ad_year, last + 1, 1)
        ) - datetime.timedelta(days=1)
        count = sum(start <= d <= end for d in meeting_days)
        ended = end < today
        periods.append(
            {
                "label": f"{first}–{last} 月" if last > first else f"{first} 月",
                "count": count,
                "ended": ended,
                "short": ended and count == 0,
            }
        )
    return periods


def _meetings(year, today):
    """The year's held meetings, each with its decisions and follow-up actions counted."""
    rows = []
    for meeting in (
        GroupMeeting.objects.filter(roc_year=year, state=GroupMeeting.State.HELD)
        .select_related("chair")
        .prefetch_related("decisions")
        .order_by("number")
    ):
        decisions = list(meeting.decisions.all())
        actions = [d for d in decisions if d.action_unit_id is not None]
        rows.append(
            {
                "label": f"第 {meeting.number} 次會議",
                "day": _local_day(meeting.scheduled_for),
                "date": format_roc(meeting.scheduled_for),
                "location": meeting.location,
                "chair": meeting.chair.get_full_name() if meeting.chair else "",
                "decisions": len(decisions),
                "actions": len(actions),
                "actions_done": sum(d.action_done_at is not None for d in actions),
            }
        )
    return rows


def execution_report_data(version, today=None):
    """The execution report: figures by area, the key results of completed practices
    (shortened), the year's meetings counted, and an overall summary. Six queries."""
    today = today or today_taipei()
    plan = version.plan
    areas = _assessed(version, today)
    columns = list(CATEGORIES)
    area_rows, results = [], []
    for area in areas:
        counts = dict.fromkeys(columns, 0)
        practices = [p for i in area["items"] for p in i["practices"]]
        for practice in practices:
            category = _category(practice)
            counts[category] += 1
            if category == DONE:
                results.append(
                    {
                        "area": f"{area['number']}、{area['title']}",
                        "number": practice["number"],
                        "text": Truncator(practice["text"]).chars(PRACTICE_CHARS),
                        "units": [
                            {
                                "name": r["name"],
                                "period": r["period"],
                                "text": Truncator(r["text"]).chars(RESULT_CHARS),
                            }
                            for r in practice["rows"]
                        ],
                    }
                )
        area_rows.append(
            {
                "number": area["number"],
                "title": area["title"],
                "total": len(practices),
                "cells": [counts[c] for c in columns],
                "percent": _percent(counts[DONE], len(practices)),
            }
        )
    totals = [sum(row["cells"][i] for row in area_rows) for i in range(len(columns))]
    total = sum(row["total"] for row in area_rows)
    done = totals[columns.index(DONE)]
    meetings = _meetings(plan.roc_year, today)
    months = interval_months()
    periods = _meeting_periods(plan.roc_year, months, [m["day"] for m in meetings], today)
    ended = [p for p in periods if p["ended"]]
    short = [p["label"] for p in periods if p["short"]]
    required = len(periods)
    meeting_line = (
        f"本年度執行小組已召開 {len(meetings)} 次會議；"
        f"計畫規定{interval_text(months)}至少召開一次（全年至少 {required} 次），"
    )
    if not ended:
        meeting_line += "尚無已屆滿之期間。"
    elif short:
        meeting_line += (
            f"已屆滿之 {len(ended)} 個期間中，{len(ended) - len(short)} 個有召開，{'、'.join(short)} 未召開。"
        )
    else:
        meeting_line += f"已屆滿之 {len(ended)} 個期間均有召開。"
    summary = (
        f"本計畫共 {total} 項推動作法，已完成 {done} 項（{_percent(done, total)}），"
        + "、".join(f"{CATEGORIES[c]} {totals[i]} 項" for i, c in enumerate(columns) if c != DONE)
        + "。"
    )
    return {
        "plan": plan,
        "version": version,
        "today": today,
        "summary": summary,
        "meeting_line": meeting_line,
        "category_columns": [CATEGORIES[c] for c in columns],
        "category_rules": CATEGORY_RULES,
        "area_rows": area_rows,
        "totals": totals,
        "practice_count": total,
        "percent": _percent(done, total),
        "results": results,
        "result_chars": RESULT_CHARS,
        "meetings": meetings,
        "decision_count": sum(m["decisions"] for m in meetings),
        "action_count": sum(m["actions"] for m in meetings),
        "actions_done": sum(m["actions_done"] for m in meetings),
        "periods": periods,
        "meetings_required": required,
        "interval_text": interval_text(months),
    }


DATA = {SELF_ASSESSMENT: self_assessment_data, EXECUTION_REPORT: execution_report_data}


def plan_document_data(kind, version, today=None):
    """What the document of `kind` prints, from one version."""
    return DATA[kind](version, today)


# ---------------------------------------------------------------- the documents


def plan_document_filename(kind, version):
    return f"{TITLES[kind]}-{version.plan.roc_year}年度-第{version.number}版.pdf"


def plan_document_pdf(kind, version, *, today=None, now=None, fetcher=None):
    """The document as PDF bytes. The execution report raises TooEarly before the third quarter."""
    from governance.pdf import render_pdf  # loads WeasyPrint: only when a document is made

    today = today or today_taipei()
    plan = version.plan
    if kind == EXECUTION_REPORT and not execution_report_available(plan, today):
        raise TooEarly(
            _("執行報告自計畫年度第 3 季起（%(d)s起）才能產製；在此之前請產製內部自評。")
            % {"d": format_roc(execution_report_opens_on(plan))}
        )
    # An official document: its labels (the statuses) in the agency's language, whatever the reader's.
    with translation.override(settings.LANGUAGE_CODE):
        data = plan_document_data(kind, version, today)
    title = f"{plan.title} {TITLES[kind]}"
    year_start = datetime.date(plan.roc_year + ROC_OFFSET, 1, 1)
    context = {
        **data,
        "agency_name": settings.AGENCY_NAME,
        "title": title,
        "kind_title": TITLES[kind],
        "version_text": f"第 {version.number} 版"
        + (f"（{format_roc(version.approved_on)}通過）" if version.approved_on else ""),
        "today_display": format_roc(today),
        "period_display": f"{format_roc(year_start)}至{format_roc(min(today, year_start.replace(month=12, day=31)))}",
        "generated_at": roc_timestamp(now or timezone.now()),
    }
    return render_pdf(TEMPLATES[kind], context, fetcher=fetcher)


def plan_document(kind, version, **options):
    return Document(plan_document_filename(kind, version), plan_document_pdf(kind, version, **options))


def current_versions():
    """The current (highest-numbered) version of each plan, newest year first."""

    current = {}
    for version in PlanVersion.objects.select_related("plan").order_by("plan__roc_year", "number"):
        current[version.plan_id] = version
    return sorted(current.values(), key=lambda v: -v.plan.roc_year)
