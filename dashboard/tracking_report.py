"""The quarterly tracking report (季列管報告) for the execution group's meetings.

Per unit (the lead unit, in unit sort order): the proposals in execution or evaluation
and the findings under tracking, each with an overdue flag counted in Asia/Taipei days,
with per-unit and overall counts. The 管考 office prints it for the meeting; the director
(or deputy) chairs the meeting; auditors may file it.
"""

from django.conf import settings
from django.utils import timezone

from audits.selectors import open_findings_for_report
from governance.documents import Document, roc_timestamp
from governance.permissions import can, is_overseer
from governance.rocdate import format_roc_short, quarter_of, today_taipei
from governance.roles import Capability
from governance.trail_anchor import latest_summary
from proposals.models import Proposal
from proposals.selectors import open_executions

TITLE = "提升服務品質執行小組 季列管報告"


def may_download_tracking_report(user):
    """The 管考 office, the director or deputy (is_overseer), auditors (READ_TRAILS)."""
    return is_overseer(user) or can(user, Capability.READ_TRAILS)


def _proposal_overdue(row, today):
    # Only execution has a deadline: a proposal under evaluation has finished its work.
    return (
        row["state"] == Proposal.State.EXECUTING and row["due_date"] is not None and row["due_date"] < today
    )


def _finding_overdue(row, today):
    # audits.selectors.is_overdue on a plain row (closed findings are not in the rows).
    return row["due_date"] < today


def _counts(rows):
    return {"open": len(rows), "overdue": sum(1 for r in rows if r["overdue"])}


def tracking_report(today=None):
    """The report's data: {"today", "year", "quarter", "units": [...], "totals": {...}}.

    Each unit: unit_id, name, proposals, findings (plain rows with `overdue` and
    `due_display`), and counts for proposals, findings and both together (open, overdue).
    Two queries in all, whatever the number of rows.
    """

    today = today or today_taipei()
    units = {}

    def unit_of(row):
        unit = units.get(row["unit_id"])
        if unit is None:
            unit = units[row["unit_id"]] = {
                "unit_id": row["unit_id"],
                "name": row["unit_name"],
                "sort": row["unit_sort"],
                "proposals": [],
                "findings": [],
            }
        return unit

    for row in open_executions():
        row["overdue"] = _proposal_overdue(row, today)
        row["due_display"] = format_roc_short(row["due_date"])
        unit_of(row)["proposals"].append(row)
    for row in open_findings_for_report():
        row["overdue"] = _finding_overdue(row, today)
        row["due_display"] = format_roc_short(row["due_date"])
        unit_of(row)["findings"].append(row)

    ordered = sorted(units.values(), key=lambda u: (u["sort"], u["name"]))
    all_proposals, all_findings = [], []
    for unit in ordered:
        unit["proposal_counts"] = _counts(unit["proposals"])
        unit["finding_counts"] = _counts(unit["findings"])
        unit["counts"] = _counts(unit["proposals"] + unit["findings"])
        all_proposals += unit["proposals"]
        all_findings += unit["findings"]
    year, quarter = quarter_of(today)
    return {
        "today": today,
        "year": year,
        "quarter": quarter,
        "units": ordered,
        "totals": {
            "proposals": _counts(all_proposals),
            "findings": _counts(all_findings),
            "all": _counts(all_proposals + all_findings),
        },
    }


def tracking_report_filename(today=None):
    year, quarter = quarter_of(today or today_taipei())
    return f"季列管報告-{year}年第{quarter}季.pdf"


def tracking_report_pdf(today=None, *, now=None, fetcher=None):
    """The report as PDF bytes (templates/pdf/tracking_report.html)."""
    from governance.pdf import render_pdf  # loads WeasyPrint: only when a document is made

    now = now or timezone.now()
    report = tracking_report(today)
    context = {
        **report,
        "agency_name": settings.AGENCY_NAME,
        "title": TITLE,
        "quarter_text": f"{report['year']} 年第 {report['quarter']} 季",
        "today_display": format_roc_short(report["today"]),
        "generated_at": roc_timestamp(now),
        # The latest signed digest of the trail's heads: the meeting's record of which state of
        # every case's history was anchored outside the database (governance.trail_anchor).
        "trail_digest": latest_summary(),
    }
    return render_pdf("pdf/tracking_report.html", context, fetcher=fetcher)


def tracking_report_document(today=None, **options):
    today = today or today_taipei()
    return Document(tracking_report_filename(today), tracking_report_pdf(today, **options))
