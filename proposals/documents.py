"""A proposal's trail PDF: every event of the case in order, with its hash chain checked."""

from governance.casenumber import parse_number
from governance.documents import (
    PROPOSAL_KIND,
    Document,
    TrailSection,
    case_trail_pdf,
    roc_timestamp,
    trail_filename,
)
from governance.rocdate import format_roc

from . import selectors
from .models import CASE_NUMBER_PREFIX, Proposal


def _round_sections(proposal):
    """Each first-review round's text as submitted, and the head's decision on it."""
    sections = []
    for rt in selectors.round_texts(proposal):
        r = rt.round
        items = list(rt.fields)
        if r.outcome:
            reviewer = r.reviewer.get_full_name() if r.reviewer else ""
            items.append(("初審結果", f"{r.get_outcome_display()}（{reviewer}）{r.reasons}".strip()))
        when = roc_timestamp(r.submitted_at)
        sections.append(TrailSection(f"第 {r.number} 輪送審內容（{when} 送審）", items=tuple(items)))
    return sections


def _score_section(proposal):
    """Each member's score on each criterion, their weighted score, and the case's total."""
    assignments = selectors.reviewer_assignments(proposal)
    if not assignments:
        return []
    criteria = []
    for a in assignments:
        for score in a.scores.all():
            label = f"{score.criterion}（{score.weight}%）"
            if label not in criteria:
                criteria.append(label)
    rows = []
    for a in assignments:
        member = a.member.get_full_name() + ("（外部委員）" if a.external else "")
        if a.recused_at:
            rows.append((member, *["—"] * len(criteria), "迴避", a.recusal_reason))
            continue
        values = {f"{s.criterion}（{s.weight}%）": str(s.value) for s in a.scores.all()}
        total = str(a.weighted_total) if a.weighted_total is not None else "尚未評分"
        rows.append((member, *[values.get(c, "—") for c in criteria], total, a.comment))
    items = ()
    if proposal.weighted_total is not None:
        items = (("加權總分與等第", f"{proposal.weighted_total}，{proposal.grade or '未達等第'}"),)
    return [
        TrailSection(
            "複審評分",
            items=items,
            columns=("委員", *criteria, "加權分數", "評語"),
            rows=tuple(rows),
        )
    ]


def _execution_section(proposal):
    if not proposal.execution_plan:
        return []
    items = [("預定完成日", format_roc(proposal.due_date) if proposal.due_date else "未訂")]
    items.append(("執行計畫", proposal.execution_plan))
    milestones = "\n".join(f"{format_roc(m.due_date)} {m.title}" for m in proposal.milestones.all())
    if milestones:
        items.append(("查核點", milestones))
    if proposal.evaluation:
        items.append(("成效評估", f"{proposal.evaluation_rating}：{proposal.evaluation}"))
    return [TrailSection("執行計畫與成效", items=tuple(items))]


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
        sections=_round_sections(proposal) + _score_section(proposal) + _execution_section(proposal),
        state_labels=dict(Proposal.State.choices),
        **options,
    )
    return Document(trail_filename("創意提案", proposal.case_number), content)


def trail_by_number(number, **options):
    """The trail PDF of the case with this number, or None (the case_trail command). The number
    may be typed as before the prefixes (115-0001) or with full-width digits."""
    parsed = parse_number(number)
    if parsed is None or parsed.roc_year is None or parsed.prefix not in ("", CASE_NUMBER_PREFIX):
        return None
    case = (
        Proposal.objects.select_related("unit")
        .filter(roc_year=parsed.roc_year, sequence=parsed.sequence)
        .first()
    )
    return proposal_trail(case, **options) if case is not None else None
