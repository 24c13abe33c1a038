"""A proposal's documents: its trail PDF (every event of the case in order, with its hash chain
checked), and its 創意提案單, the form attached to a 簽 (PDF/A to file, ODT to edit)."""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation

from governance.casenumber import parse_number
from governance.documents import (
    PROPOSAL_KIND,
    Document,
    TrailSection,
    case_trail_pdf,
    roc_timestamp,
    trail_filename,
)
from governance.rocdate import TAIPEI, format_roc
from governance.selectors import primary_unit
from plan.selectors import practice_label

from . import selectors
from .models import CASE_NUMBER_PREFIX, Attachment, Proposal


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


# ---------------------------------------------------------------- the proposal form (創意提案單)

FORM_NAME = "創意提案單"
HEAD_SIGNATURE = "單位主管"


@dataclass(frozen=True)
class FormProposer:
    role: str  # 提案人 / 共同提案人
    name: str
    unit: str
    job_title: str
    share: str  # "60%"


@dataclass(frozen=True)
class ProposalFormData:
    """What the 創意提案單 says, whichever file it is written in (PDF, ODT): both writers read
    this and nothing else, so the two say the same thing."""

    agency: str
    heading: str  # 「<agency> 創意提案單」
    document_title: str  # the file's metadata title: 創意提案單 提115-0004
    filename_stem: str
    fields: tuple  # (label, value): 案號, 提案日期, 提案單位, 提案名稱, 提案類別, 目前狀態 …
    proposers: tuple  # FormProposer
    texts: tuple  # (label, text): 現況說明／問題分析, 改進意見／具體作法, 預期效益
    attachments: tuple  # (file name, size)
    signatures: tuple  # box labels: each proposer's, then the unit head's
    generated_at: str
    note: str

    # The form's own words, the same in both files.
    PROPOSER_COLUMNS = ("身分", "姓名", "單位", "職稱", "貢獻比例")
    ATTACHMENT_COLUMNS = ("檔名", "大小")
    LABELS = {
        "proposers": "提案人及共同提案人",
        "attachments": "附件",
        "no_attachments": "無",
        "signatures": "簽章",
        "generated": "產製時間",
        "time_zone": "（臺北時間）",
    }

    @property
    def proposer_rows(self):
        return [[p.role, p.name, p.unit, p.job_title, p.share] for p in self.proposers]

    @property
    def signature_grid(self):
        """The signature boxes three to a row, the last row filled out with empty cells."""
        per_row = 3
        labels = list(self.signatures)
        labels += [""] * (-len(labels) % per_row)
        return [labels[i : i + per_row] for i in range(0, len(labels), per_row)]

    @property
    def attachment_rows(self):
        return [[name, size] for name, size in self.attachments]


def _size(size):
    """1.2 MB（1,234,567 位元組）: the rounded size to read, and the exact one to match the file."""
    exact = f"{size:,} 位元組"
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}（{exact}）"
    return exact


def proposal_form_data(proposal, *, now=None):
    """The 創意提案單 of a proposal (a draft too: it has no number or date yet), in the agency's
    language whatever the reader's, as documents are."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        number = proposal.case_number or "尚未編號（草稿）"
        proposed_on = proposal.submitted_at
        day = timezone.localdate(proposed_on, TAIPEI) if proposed_on else timezone.localdate(now, TAIPEI)
        proposers = tuple(
            FormProposer(
                role=str(p.role_label),
                name=p.person.get_full_name(),
                unit=getattr(primary_unit(p.person, day), "name", ""),
                job_title=p.person.job_title,
                share=f"{p.share}%",
            )
            for p in proposal.proposers.select_related("person")
        )
        fields = [
            ("案號", number),
            ("提案日期", format_roc(proposed_on) if proposed_on else "尚未送出"),
            ("提案單位", proposal.unit.name),
            ("提案名稱", proposal.title),
        ]
        if proposal.category_id:
            fields.append(("提案類別", proposal.category.name))
        if proposal.plan_practice_id:
            fields.append(("對應服務品質計畫推動作法", practice_label(proposal.plan_practice)))
        fields.append(("目前狀態", str(proposal.get_state_display())))
        texts = (
            ("現況說明／問題分析", proposal.situation),
            ("改進意見／具體作法", proposal.improvement),
            ("預期效益", proposal.benefit),
        )
        attachments = tuple(
            (a.name, _size(a.size)) for a in proposal.attachments.filter(purpose=Attachment.Purpose.PROPOSAL)
        )
        signatures = tuple(f"{p.role}簽章（{p.name}）" for p in proposers) + (HEAD_SIGNATURE,)
        stem_number = proposal.case_number or f"草稿{proposal.pk}"
        return ProposalFormData(
            agency=settings.AGENCY_NAME,
            heading=f"{settings.AGENCY_NAME} {FORM_NAME}",
            document_title=f"{FORM_NAME} {number}",
            filename_stem=f"{FORM_NAME}-{stem_number}",
            fields=tuple(fields),
            proposers=proposers,
            texts=texts,
            attachments=attachments,
            signatures=signatures,
            generated_at=roc_timestamp(now),
            note="附件僅列檔名與大小，檔案本身請於本系統的提案頁下載。",
        )


def proposal_form_pdf(proposal, *, now=None, fetcher=None):
    """The 創意提案單 as a PDF/A document (templates/pdf/proposal_form.html)."""
    from governance.pdf import render_pdf  # loads WeasyPrint: only when a document is made

    data = proposal_form_data(proposal, now=now)
    content = render_pdf(
        "pdf/proposal_form.html", {"agency_name": data.agency, "form": data}, fetcher=fetcher
    )
    return Document(f"{data.filename_stem}.pdf", content)


def proposal_form_odt(proposal, *, now=None):
    """The 創意提案單 as an ODT to edit before it goes with a 簽 into the 公文 system: the same
    items as the PDF, in the blocks of governance.odt."""
    from governance.odt import OdtDocument

    data = proposal_form_data(proposal, now=now)
    doc = OdtDocument(title=data.document_title)
    doc.title(data.heading)
    for label, value in data.fields:
        doc.field(label, value)
    words = data.LABELS
    doc.heading(words["proposers"])
    doc.table(list(data.PROPOSER_COLUMNS), data.proposer_rows, widths=[2, 3, 3, 3, 2])
    for label, text in data.texts:
        doc.heading(label)
        doc.paragraph(text)
    doc.heading(words["attachments"])
    if data.attachments:
        doc.table(list(data.ATTACHMENT_COLUMNS), data.attachment_rows, widths=[7, 3])
        doc.paragraph(data.note)
    else:
        doc.paragraph(words["no_attachments"])
    doc.heading(words["signatures"])
    for row in data.signature_grid:
        doc.signatures([label for label in row if label])
    doc.paragraph(f"{words['generated']}：{data.generated_at}{words['time_zone']}", align="end")
    return Document(f"{data.filename_stem}.odt", doc.content())
