"""A finding's trail PDF: every event of the case in order, with its hash chain checked."""

from governance.casenumber import parse_number
from governance.documents import (
    FINDING_KIND,
    Document,
    TrailSection,
    case_trail_pdf,
    roc_timestamp,
    trail_filename,
)

from .models import FINDING_NUMBER_PREFIX, Finding


def _plan_sections(finding):
    """Every version of the remediation plan, round by round, with the head's decision on it."""
    sections = []
    versions = {}
    for plan in finding.plans.select_related("author", "approver").order_by("written_at", "pk"):
        versions[plan.round] = versions.get(plan.round, 0) + 1
        items = [("改善措施", plan.text)]
        if plan.approver_id:
            decided = roc_timestamp(plan.decided_at) if plan.decided_at else ""
            opinion = f"：{plan.approval_comment}" if plan.approval_comment else ""
            items.append(
                (
                    "主管核定",
                    f"{plan.approver.get_full_name()} {plan.get_approval_display()} {decided}{opinion}",
                )
            )
        heading = f"第 {plan.round} 輪改善措施　第 {versions[plan.round]} 版（{plan.author.get_full_name()}，{roc_timestamp(plan.written_at)}）"
        sections.append(TrailSection(heading, items=tuple(items)))
    return sections


def finding_trail(finding, **options):
    audit = finding.audit
    details = [
        (
            "考核",
            f"{audit.agency} {audit.title}（{audit.document_number}）"
            if audit.document_number
            else f"{audit.agency} {audit.title}",
        ),
        ("類別", finding.get_kind_display()),
        ("主辦單位", finding.lead_unit.name),
        ("目前狀態", finding.get_state_display()),
    ]
    content = case_trail_pdf(
        FINDING_KIND,
        finding.trail_ref,
        finding.tracking_number,
        finding.text,
        details=details,
        sections=_plan_sections(finding),
        state_labels=dict(Finding.State.choices),
        **options,
    )
    return Document(trail_filename("列管事項", finding.tracking_number), content)


def trail_by_number(number, **options):
    """The trail PDF of the case with this number, or None (the case_trail command). The number
    may be typed as before the prefixes (115-0001) or with full-width digits."""
    parsed = parse_number(number)
    if parsed is None or parsed.roc_year is None or parsed.prefix not in ("", FINDING_NUMBER_PREFIX):
        return None
    case = (
        Finding.objects.select_related("audit", "lead_unit")
        .filter(roc_year=parsed.roc_year, sequence=parsed.sequence)
        .first()
    )
    return finding_trail(case, **options) if case is not None else None
