"""Every PDF the system makes is PDF/A-2b (governance.pdf.PDF_VARIANT), read back with pypdf.

Each kind of document (the trail of a proposal and of a finding, the appraisal evidence, the
plan's self-assessment and execution report, the quarterly tracking report, and the 公文 papers:
創意提案單, 缺失改善辦理情形表, 檢討會議紀錄, 開會通知單, 議程, 會議紀錄) is made through its
own code, then checked for what PDF/A-2b asks and a reader can see without a validator:
- PDF 1.7 (the header, and no catalog /Version above it), a file identifier, no encryption;
- the XMP packet names the part and level (pdfaid:part 2, pdfaid:conformance B) and agrees with
  the document information (title, author, producer, creator tool);
- title, author (settings.AGENCY_NAME) and language (zh-Hant) are set;
- one output intent, GTS_PDFA1, with an embedded RGB ICC profile (WeasyPrint's own sRGB);
- every font is embedded: each font dictionary, and each descendant of a composite (Type 0)
  font, has a font descriptor with FontFile, FontFile2 or FontFile3;
- nothing is transparent.
No PDF/A validator is installed (veraPDF, the reference, is Java and in neither Debian nor PyPI):
these are the claims and the parts a validator looks at first, not full ISO 19005-2 conformance.
"""

import datetime
import io

import pytest
from django.test import override_settings
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from audits import documents as finding_documents
from bench.samples import synthetic_evidence
from dashboard.tracking_report import tracking_report_pdf
from evidence import documents as evidence_documents
from governance import pdf
from governance.rocdate import TAIPEI, format_roc
from meetings import documents as plan_documents
from meetings import meeting_documents
from plan.models import PracticeReport
from proposals import documents as proposal_documents
from tests.support import meeting_factory
from tests.support.audit_http import AuditDriver, finding_fields
from tests.support.plan_factory import practice
from tests.support.proposal_http import Driver

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

NOW = datetime.datetime(2026, 11, 25, 10, 30, tzinfo=TAIPEI)  # 民國 115 年 11 月 25 日
D = datetime.date
AGENCY = "國立臺灣圖書館"
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


# ---------------------------------------------------------------- one document of each kind


def proposal_trail(client, person):
    drive = Driver(client, person)
    proposal = drive.submit("planning-staff1")
    drive.first_review("planning-head", proposal, "accepted")
    return proposal_documents.proposal_trail(proposal).content, f"案件軌跡 {proposal.case_number}"


def finding_trail(client, person):
    drive = AuditDriver(client, person)
    (finding,) = drive.findings(drive.register([finding_fields(0, lead="readers")]))
    drive.meeting(finding)
    drive.plan(finding)
    return finding_documents.finding_trail(finding).content, f"案件軌跡 {finding.tracking_number}"


def appraisal_evidence(client, person):
    evidence = synthetic_evidence(person("readers-staff1"), 5, generated_at=NOW)
    return evidence_documents.appraisal_evidence_pdf(
        evidence
    ), "考績佐證資料 許志偉 115 年度（115年1月1日至115年12月31日）"


def plan_version():
    version = meeting_factory.plan_version(
        115,
        [meeting_factory.practice_spec("k1", "1.1", "讀者辦證單一窗口服務", ["readers"], [D(2026, 6, 30)])],
    )
    meeting_factory.report(
        practice(version, "k1"), "readers", D(2026, 6, 30), PracticeReport.Status.DONE, "網路辦證全面上線"
    )
    meeting_factory.held(
        D(2026, 3, 8), decisions=[("請閱覽組完成讀者動線調整", "readers", D(2026, 6, 30), None)]
    )
    return version


def self_assessment(client, person):
    content = plan_documents.plan_document_pdf(plan_documents.SELF_ASSESSMENT, plan_version())
    return content, "115 年度提升服務品質執行計畫 內部自評"


def execution_report(client, person):
    content = plan_documents.plan_document_pdf(plan_documents.EXECUTION_REPORT, plan_version())
    return content, "115 年度提升服務品質執行計畫 執行報告"


def tracking_report(client, person):
    meeting_factory.proposal("readers", "自助借書機增設中文語音導引", due=D(2026, 12, 31))
    meeting_factory.finding("planning", "閱覽區動線標示不清", due=D(2026, 10, 31))
    return tracking_report_pdf(), "提升服務品質執行小組 季列管報告 115 年第 4 季"


def proposal_form(client, person):
    proposal = Driver(client, person).submit("planning-staff1")
    return proposal_documents.proposal_form_pdf(proposal).content, f"創意提案單 {proposal.case_number}"


def audit_papers(client, person):
    drive = AuditDriver(client, person)
    (finding,) = drive.findings(drive.register([finding_fields(0, lead="readers")]))
    drive.meeting(finding)
    return finding, person("tracking")


def audit_status_table(client, person):
    finding, reader = audit_papers(client, person)
    audit = finding.audit
    return finding_documents.status_table_pdf(
        audit, reader
    ).content, f"缺失改善辦理情形表 {audit.agency} {audit.title}"


def review_meeting_record(client, person):
    finding, reader = audit_papers(client, person)
    meeting = finding.review_meetings.get()
    content = finding_documents.meeting_record_pdf(meeting, finding.audit, reader).content
    return content, f"提升服務品質執行小組檢討會議紀錄 {format_roc(meeting.held_on)}"


def meeting_paper(kind, title):
    def make(client, person):
        meeting = meeting_factory.held(
            D(2026, 3, 8), decisions=[("請閱覽組完成讀者動線調整", "readers", None, None)]
        )
        return meeting_documents.meeting_pdf(meeting, kind), f"115 年度提升服務品質執行小組第 1 次會議{title}"

    make.__name__ = f"meeting_{kind}"
    return make


DOCUMENTS = [
    proposal_trail,
    proposal_form,
    audit_status_table,
    review_meeting_record,
    meeting_paper(meeting_documents.NOTICE, "開會通知單"),
    meeting_paper(meeting_documents.AGENDA, "議程"),
    meeting_paper(meeting_documents.MINUTES, "會議紀錄"),
    finding_trail,
    appraisal_evidence,
    self_assessment,
    execution_report,
    tracking_report,
]


# ---------------------------------------------------------------- what PDF/A-2b asks


def resolved(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def font_dictionaries(reader):
    """Every font dictionary used by a page, its margin boxes and form XObjects included, and
    the descendant fonts of composite ones: [(name, dictionary)]."""
    fonts, seen = [], set()

    def walk(resources):
        resources = resolved(resources)
        if not resources or id(resources) in seen:
            return
        seen.add(id(resources))
        for font in (resolved(resources.get("/Font")) or {}).values():
            font = resolved(font)
            fonts.append((str(font.get("/BaseFont")), font))
            for descendant in resolved(font.get("/DescendantFonts")) or []:
                descendant = resolved(descendant)
                fonts.append((str(descendant.get("/BaseFont")), descendant))
        for xobject in (resolved(resources.get("/XObject")) or {}).values():
            walk(resolved(xobject).get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return fonts


def assert_pdfa_2b(content, title, agency=AGENCY):
    reader = PdfReader(io.BytesIO(content))
    catalog = reader.trailer["/Root"]

    # PDF 1.7, identified, not encrypted.
    assert content.startswith(b"%PDF-1.7\n")
    assert reader.pdf_header == "%PDF-1.7"
    assert "/Version" not in catalog or str(catalog["/Version"]) <= "/1.7"
    assert len(reader.trailer["/ID"]) == 2
    assert not reader.is_encrypted

    # The XMP packet: part 2, level B, and the same title, author, producer and tool as /Info.
    xmp = reader.xmp_metadata
    assert xmp is not None and resolved(catalog["/Metadata"])["/Subtype"] == "/XML"
    assert (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("2", "B")
    info = reader.metadata
    assert info.title == title and xmp.dc_title == {"x-default": title}
    assert info.author == agency and xmp.dc_creator == [agency]
    assert info.producer == xmp.pdf_producer and info.producer.startswith("WeasyPrint ")
    assert info.creator == xmp.xmp_creator_tool == "創新提案與管考系統"
    assert catalog["/Lang"] == "zh-Hant"

    # One output intent, for PDF/A, carrying an RGB ICC profile (WeasyPrint's sRGB2014.icc).
    [intent] = [resolved(i) for i in resolved(catalog["/OutputIntents"])]
    assert intent["/Type"] == "/OutputIntent" and intent["/S"] == "/GTS_PDFA1"
    assert "sRGB" in intent["/OutputConditionIdentifier"]
    profile = resolved(intent["/DestOutputProfile"])
    icc = profile.get_data()
    assert profile["/N"] == 3 and icc[36:40] == b"acsp" and icc[16:20] == b"RGB "
    assert len(icc) == int.from_bytes(icc[:4], "big")

    # Every font embedded: each font dictionary but the composite's own wrapper (Type 0,
    # whose descendants carry the font) has a descriptor with the font program.
    fonts = font_dictionaries(reader)
    assert any(font["/Subtype"] == "/Type0" for _, font in fonts)
    for name, font in fonts:
        if font["/Subtype"] in ("/Type0", "/Type3"):  # Type 3 glyphs are content streams
            continue
        descriptor = resolved(font["/FontDescriptor"])
        assert any(key in descriptor for key in FONT_FILES), f"{name} is not embedded"
    assert {name.split("+", 1)[-1] for name, _ in fonts} <= {"Noto-Sans-CJK-TC", "Noto-Sans-CJK-TC-Bold"}

    # Nothing transparent (every alpha 1, no soft mask, no transparency group): PDF/A-2 allows
    # transparency under rules of its own, which our documents keep clear of altogether.
    for page in reader.pages:
        assert "/Group" not in page
        resources = resolved(page.get("/Resources")) or {}
        for state in (resolved(resources.get("/ExtGState")) or {}).values():
            state = resolved(state)
            assert state.get("/CA", 1) == 1 and state.get("/ca", 1) == 1
            assert state.get("/SMask", "/None") == "/None"
        for xobject in (resolved(resources.get("/XObject")) or {}).values():
            assert "/SMask" not in resolved(xobject) and "/Group" not in resolved(xobject)
    return reader


@pytest.mark.parametrize("make", DOCUMENTS, ids=lambda make: make.__name__)
def test_every_document_is_pdfa_2b(make, client, person):
    content, title = make(client, person)
    assert_pdfa_2b(content, title)


def test_the_author_is_the_agency_of_the_settings(client, person):
    with override_settings(AGENCY_NAME="國家圖書館"):
        content, title = tracking_report(client, person)
    assert_pdfa_2b(content, title, agency="國家圖書館")


def test_metadata_is_set_whatever_the_html_says():
    html = (
        '<html lang="en"><head><meta name="author" content="someone"></head><body><p>文字</p></body></html>'
    )
    reader = PdfReader(io.BytesIO(pdf.render_pdf_html(html)))
    assert reader.metadata.author == AGENCY and reader.xmp_metadata.dc_creator == [AGENCY]
    # No <title>: the agency's name, so that no document is filed untitled.
    assert reader.metadata.title == AGENCY
    assert reader.trailer["/Root"]["/Lang"] == "zh-Hant"
    assert reader.xmp_metadata.pdfaid_part == "2"


def test_a_plain_pdf_can_still_be_asked_for():
    """The benchmark's baseline (bench/pdf.py): render_pdf_html(variant=None) is WeasyPrint's
    plain PDF, without the PDF/A identification or output intent."""
    reader = PdfReader(io.BytesIO(pdf.render_pdf_html("<p>文字</p>", variant=None)))
    assert reader.xmp_metadata is None and "/OutputIntents" not in reader.trailer["/Root"]
