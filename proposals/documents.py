"""A proposal's trail PDF: every event of the case in order, with its hash chain checked."""

from governance.documents import PROPOSAL_KIND, Document, case_trail_pdf, trail_filename

from .models import Proposal


def proposal_trail(proposal, **options):
    details = [
        ("提案單位", proposal.unit.name),
        ("目前狀態", proposal.get_state_display()),
    ]
    content = case_trail_pdf(
        PROPOSAL_KIND,
        proposal.trail_ref,
        proposal.case_number,
        proposal.title,
        details=details,
        state_labels=dict(Proposal.State.choices),
        **options,
    )
    return Document(trail_filename("創意提案", proposal.case_number), content)


def trail_by_number(number, **options):
    """The trail PDF of the case with this number, or None (the case_trail command)."""
    case = Proposal.objects.select_related("unit").filter(case_number=number).first()
    return proposal_trail(case, **options) if case is not None else None
