"""A finding's trail PDF: every event of the case in order, with its hash chain checked; and the
公文 papers of an audit: its 缺失改善辦理情形表, the 函稿 replying to the superior agency, and the
record of each review meeting (檢討會議紀錄)."""

from django.conf import settings
from django.utils import timezone, translation

from governance.casenumber import parse_number
from governance.documents import (
    FINDING_KIND,
    Document,
    TrailSection,
    case_trail_pdf,
    roc_timestamp,
    trail_filename,
)

from . import selectors
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


# ---------------------------------------------------------------- 公文 documents of an audit
#
# Each document has one data function (audits.selectors) and is written from it as PDF
# (templates/pdf/) and as ODT (governance.odt), in the agency's language whoever asks: they
# are official papers. The ODT is what the 管考 office edits further and pastes into the 公文
# system.

STATUS_TABLE = "缺失改善辦理情形表"
STATUS_HEADERS = ["編號", "類別", "考核意見", "主辦單位", "協辦單位", "改善措施", "辦理情形", "列管狀態"]
# In an ODT at 12 pt: landscape, the 情形表 alone; portrait, annexed to the 函稿 (one page
# layout a document), with the kind under the number and the units in one column.
STATUS_WIDTHS = [10, 4.5, 17, 8, 8, 17, 17, 18.5]
ANNEX_HEADERS = ["編號", "考核意見", "主辦／協辦單位", "改善措施", "辦理情形", "列管狀態"]
ANNEX_WIDTHS = [2.6, 3.6, 2.2, 3.2, 3.0, 2.4]
MEETING_HEADERS = ["列管編號", "類別", "考核意見", "主辦單位", "改善期限"]
MEETING_WIDTHS = [2.8, 1.3, 8.2, 2.4, 2.3]
# 貴部, 貴署 …: how a letter addresses an agency, by the last character of its name.
ADDRESS_SUFFIXES = "部署院會局處府館所司"


def _file_part(text):
    """A name's part safe in a downloaded file's name (no folder separators)."""
    return "".join("-" if c in '/\\:*?"<>|' else c for c in text).strip() or "-"


def _agency_word(name, fallback):
    """貴部 for 教育部, 本館 for 國立臺灣圖書館: the last character of the name, when it is one a
    letter uses so; else `fallback`."""
    name = (name or "").strip()
    return name[-1] if name and name[-1] in ADDRESS_SUFFIXES else fallback


def _progress_cell(row):
    progress = row["progress"]
    if progress is None:
        return "尚未填報"
    return f"{progress['percent']}%（{progress['date']}）\n{progress['text']}"


def _status_cells(row):
    return [
        row["number"],
        row["kind"],
        row["text"],
        row["lead_unit"],
        row["supporting_units"] or "—",
        row["plan"] or "尚未核定",
        _progress_cell(row),
        "\n".join(row["status"]),
    ]


def _audit_fields(doc, data):
    doc.field("考核機關", data["superior"])
    doc.field("考核類別", data["kind"])
    doc.field("考核名稱", data["title"])
    doc.field("考核日期", data["held_on"])
    doc.field("來文文號", data["document_number"])


def _counts_sentence(counts):
    text = (
        f"考核意見計 {counts['total']} 項：解除列管 {counts['removed']} 項，繼續列管 {counts['continued']} 項"
    )
    others = counts["tracked"] - counts["continued"]
    if others:
        text += f"，辦理中 {others} 項"
    return text + "。"


def _annex_cells(row):
    number, kind, text, lead, _supporting, plan, progress, status = _status_cells(row)
    supporting = row["supporting_units"]
    units = f"{lead}\n協辦：{supporting}" if supporting else lead
    return [f"{number}\n（{kind}）", text, units, plan, progress, status]


def _status_table_body(doc, data, *, annex=False):
    _audit_fields(doc, data)
    doc.paragraph(_counts_sentence(data["counts"]))
    if annex:
        doc.table(ANNEX_HEADERS, [_annex_cells(r) for r in data["rows"]], widths=ANNEX_WIDTHS)
    else:
        doc.table(STATUS_HEADERS, [_status_cells(r) for r in data["rows"]], widths=STATUS_WIDTHS)


def _status_filename(audit, extension):
    return f"{STATUS_TABLE}-{_file_part(audit.document_number or audit.title)}.{extension}"


def status_table_pdf(audit, user, *, fetcher=None):
    from governance.pdf import render_pdf

    with translation.override(settings.LANGUAGE_CODE):
        data = selectors.status_table(audit, user)
    context = {
        **data,
        "document_title": STATUS_TABLE,
        "counts_sentence": _counts_sentence(data["counts"]),
        "generated_at": roc_timestamp(timezone.now()),
    }
    content = render_pdf("pdf/audit_status_table.html", context, fetcher=fetcher)
    return Document(_status_filename(audit, "pdf"), content)


def status_table_odt(audit, user):
    from governance.odt import OdtDocument

    with translation.override(settings.LANGUAGE_CODE):
        data = selectors.status_table(audit, user)
    doc = OdtDocument(title=STATUS_TABLE, landscape=True)
    doc.paragraph(data["agency_name"], align="center")
    doc.title(STATUS_TABLE)
    _status_table_body(doc, data)
    return Document(_status_filename(audit, "odt"), doc.content())


def reply_letter_sentences(data):
    """The 函's 主旨 and 說明 items, from the audit's date and 文號 and the findings' counts."""
    you = "貴" + _agency_word(data["superior"], "機關")
    we = "本" + _agency_word(data["agency_name"], "機關")
    if data["document_number"]:
        letter = f"{you}{data['held_on']}{data['document_number']}函"
    else:
        letter = f"{you}{data['held_on']}{data['title']}"
    subject = f"檢送{we}辦理{letter}考核意見改善辦理情形表1份，請查照。"
    counts = data["counts"]
    tally = (
        f"{you}考核意見計{counts['total']}項，{we}均已列管並由主辦單位研提改善措施；"
        f"經{we}館務會議審議，解除列管{counts['removed']}項，繼續列管{counts['continued']}項"
    )
    others = counts["tracked"] - counts["continued"]
    if others:
        tally += f"，尚在辦理中{others}項"
    items = [
        f"依據{letter}辦理。",
        tally + "。",
        f"檢附{we}缺失改善辦理情形表1份。",
    ]
    return subject, items


def reply_letter_odt(audit, user):
    """The 函稿 replying to the superior agency (文書處理手冊 函), with the 情形表 annexed after a
    page break. 發文日期 and 發文字號 are left for the 公文 system, which numbers and dates it."""
    from governance.odt import OdtDocument

    with translation.override(settings.LANGUAGE_CODE):
        data = selectors.reply_letter(audit, user)
    subject, items = reply_letter_sentences(data)
    doc = OdtDocument(title=f"{data['agency_name']} 函（稿）")
    doc.title(f"{data['agency_name']}　函")
    # The drafter's address and telephone: the 公文 system or the drafter fills them in.
    doc.paragraph("地址：\n聯絡人：\n電話：", align="end")
    doc.field("發文機關", data["agency_name"])
    doc.field("受文者", data["superior"])
    doc.field("發文日期", "")
    doc.field("發文字號", "")
    doc.field("速別", "普通件")
    doc.field("密等及解密條件或保密期限", "")
    doc.field("附件", f"{STATUS_TABLE}1份")
    doc.field("主旨", subject)
    doc.numbered("說明", items)
    doc.field("正本", data["superior"])
    doc.field("副本", data["copy_to"])
    doc.page_break()
    doc.heading(f"附件　{data['agency_name']}{STATUS_TABLE}")
    _status_table_body(doc, data, annex=True)
    name = f"函稿-{STATUS_TABLE}-{_file_part(audit.document_number or audit.title)}.odt"
    return Document(name, doc.content())


def _meeting_filename(data, extension):
    return f"檢討會議紀錄-{data['meeting_date']:%Y%m%d}.{extension}"


def meeting_record_pdf(meeting, audit, user, *, fetcher=None):
    from governance.pdf import render_pdf

    with translation.override(settings.LANGUAGE_CODE):
        data = selectors.meeting_record(meeting, audit, user)
    context = {**data, "subject": meeting_subject(data), "generated_at": roc_timestamp(timezone.now())}
    content = render_pdf("pdf/review_meeting_record.html", context, fetcher=fetcher)
    return Document(_meeting_filename(data, "pdf"), content)


def meeting_record_odt(meeting, audit, user):
    from governance.odt import OdtDocument

    with translation.override(settings.LANGUAGE_CODE):
        data = selectors.meeting_record(meeting, audit, user)
    doc = OdtDocument(title=f"{data['meeting_name']}紀錄")
    doc.paragraph(data["agency_name"], align="center")
    doc.title(f"{data['meeting_name']}紀錄")
    doc.field("會議名稱", data["meeting_name"])
    doc.field("時間", data["held_on"])
    doc.field("出席人員", data["attendees"])
    doc.field("案由", meeting_subject(data))
    doc.heading("決議")
    doc.paragraph(data["decisions"])
    doc.heading("列管事項（主辦單位及改善期限）")
    doc.table(MEETING_HEADERS, [meeting_cells(r) for r in data["rows"]], widths=MEETING_WIDTHS)
    return Document(_meeting_filename(data, "odt"), doc.content())


def meeting_subject(data):
    number = f"（{data['document_number']}）" if data["document_number"] else ""
    return (
        f"{data['superior']}{data['audit_held_on']}「{data['title']}」{number}考核意見，"
        "確認各項主辦單位及改善期限。"
    )


def meeting_cells(row):
    text = f"{row['text']}\n（{row['source']}）" if row["source"] else row["text"]
    return [row["number"], row["kind"], text, row["lead_unit"], row["due_date"]]
