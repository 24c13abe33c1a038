"""A finding's trail PDF: every event of the case in order, with its hash chain checked."""

from governance.documents import FINDING_KIND, Document, case_trail_pdf, trail_filename

from .models import Finding


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
        state_labels=dict(Finding.State.choices),
        **options,
    )
    return Document(trail_filename("列管事項", finding.tracking_number), content)


def trail_by_number(number, **options):
    """The trail PDF of the case with this number, or None (the case_trail command)."""
    case = Finding.objects.select_related("audit", "lead_unit").filter(tracking_number=number).first()
    return finding_trail(case, **options) if case is not None else None
