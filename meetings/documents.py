"""The plan's two documents, made from the data of one plan version:

- the internal self-assessment (內部自評), done before the third quarter, available any time;
- the execution report (執行報告), written from the third quarter of the plan's year on.

Both list every practice with its units, deadlines and each unit's latest confirmed quarterly
report (status and text), the counts by status per unit, and the execution group's meetings
held in the plan's year with their decisions. The 管考 office and the director (or deputy)
download them.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from governance.documents import Document, roc_timestamp
from governance.permissions import is_overseer
from governance.rocdate import ROC_OFFSET, format_roc, format_roc_short, today_taipei
from plan.models import PlanPractice, PlanVersion, PracticeReport

from .models import GroupMeeting

SELF_ASSESSMENT = "self_assessment"
EXECUTION_REPORT = "execution_report"
TITLES = {SELF_ASSESSMENT: "內部自評", EXECUTION_REPORT: "執行報告"}
TEMPLATES = {SELF_ASSESSMENT: "pdf/self_assessment.html", EXECUTION_REPORT: "pdf/execution_report.html"}
NOT_REPORTED = "not_reported"
Status = PracticeReport.Status


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


# ---------------------------------------------------------------- the data


def _latest_confirmed(version):
    """{(practice key, unit id): latest confirmed report} over every version of the plan."""
    reports = (
        PracticeReport.objects.filter(
            state=PracticeReport.State.CONFIRMED, practice__item__area__version__plan_id=version.plan_id
        )
        .order_by("period", "confirmed_at", "pk")
        .values("practice__key", "unit_id", "period", "status", "text", "confirmed_at")
    )
    latest = {}
    for report in reports:  # ordered: a later quarter, or a later confirmation, wins
        latest[(report["practice__key"], report["unit_id"])] = report
    return latest


def _meetings(year, today):
    meetings = list(
        GroupMeeting.objects.filter(roc_year=year, state=GroupMeeting.State.HELD)
        .select_related("chair")
        .prefetch_related("decisions__action_unit")
        .order_by("number")
    )
    rows = []
    for meeting in meetings:
        decisions = []
        for decision in meeting.decisions.all():
            if decision.action_unit_id is None:
                action = ""
            elif decision.action_done_at is not None:
                action = (
                    f"{decision.action_unit.name}，期限 {format_roc_short(decision.action_due)}，"
                    f"{format_roc_short(decision.action_done_at)} 辦結：{decision.action_done_note}"
                )
            else:
                late = "（逾期）" if decision.action_due < today else ""
                action = (
                    f"{decision.action_unit.name}，期限 {format_roc_short(decision.action_due)}，追蹤中{late}"
                )
            decisions.append({"text": decision.text, "action": action})
        rows.append(
            {
                "label": f"第 {meeting.number} 次會議",
                "date": format_roc(meeting.scheduled_for),
                "location": meeting.location,
                "chair": meeting.chair.get_full_name() if meeting.chair else "",
                "decisions": decisions,
            }
        )
    return rows


def plan_document_data(version, today=None):
    """Everything both documents print, from one version, in eight queries at most."""
    today = today or today_taipei()
    plan = version.plan
    status_labels = dict(Status.choices)
    latest = _latest_confirmed(version)
    practices = (
        PlanPractice.objects.filter(item__area__version=version)
        .select_related("item__area")
        .prefetch_related("deadlines", "units")
        .order_by(
            "item__area__sort_order", "item__area__pk", "item__sort_order", "item__pk", "sort_order", "pk"
        )
    )
    areas, counts = [], {}
    for practice in practices:
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
        units = sorted(practice.units.all(), key=lambda u: (u.sort_order, u.code))
        reports = []
        for unit in units:
            report = latest.get((practice.key, unit.pk))
            status = report["status"] if report else NOT_REPORTED
            counts.setdefault(unit.pk, {"unit": unit, "counts": {}})["counts"].setdefault(status, 0)
            counts[unit.pk]["counts"][status] += 1
            reports.append(
                {
                    "unit": unit.name,
                    "period": report["period"] if report else "",
                    "status": str(status_labels[status]) if report else "尚無已確認季報",
                    "status_code": status,
                    "text": report["text"] if report else "",
                    "confirmed_on": format_roc_short(report["confirmed_at"])
                    if report and report["confirmed_at"]
                    else "",
                }
            )
        items[-1]["practices"].append(
            {
                "number": practice.number,
                "assigned": bool(units),
                "text": practice.text,
                "units": "、".join(u.name for u in units) or practice.unit_text,
                "deadlines": "、".join(format_roc_short(d.due_date) for d in practice.deadlines.all())
                or practice.deadline_text,
                "deadline_text": practice.deadline_text,
                "reports": reports,
            }
        )
    columns = [*Status.values, NOT_REPORTED]
    column_labels = [*(str(label) for label in Status.labels), "未填報"]
    unit_rows = [
        {
            "name": row["unit"].name,
            "cells": [row["counts"].get(c, 0) for c in columns],
            "total": sum(row["counts"].values()),
        }
        for row in sorted(counts.values(), key=lambda r: (r["unit"].sort_order, r["unit"].code))
    ]
    totals = [sum(row["cells"][i] for row in unit_rows) for i in range(len(columns))]
    return {
        "plan": plan,
        "version": version,
        "today": today,
        "areas": areas,
        "practice_count": sum(len(i["practices"]) for a in areas for i in a["items"]),
        "assigned_count": sum(p["assigned"] for a in areas for i in a["items"] for p in i["practices"]),
        "status_columns": column_labels,
        "unit_rows": unit_rows,
        "totals": totals,
        "grand_total": sum(totals),
        "meetings": _meetings(plan.roc_year, today),
    }


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
        data = plan_document_data(version, today)
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
