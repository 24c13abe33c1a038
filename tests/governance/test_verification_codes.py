"""Verification codes (查驗碼): their form, how typed text is read, and each evidence and
trail PDF printing its code, address and a QR code that scans to the address."""

import base64
import datetime
import hashlib
import io
import re
import shutil
import subprocess

import pytest
import segno
from django.test import override_settings
from pypdf import PdfReader

from audits import documents as finding_documents
from evidence import documents as evidence_documents
from evidence.selectors import appraisal_evidence
from governance import verification
from governance.models import IssuedDocument
from governance.periods import period_of_year
from governance.rocdate import TAIPEI
from proposals import documents as proposal_documents
from tests.helpers import flat, pdf_text
from tests.support.audit_http import AuditDriver, finding_fields
from tests.support.proposal_http import Driver

NOW = datetime.datetime(2026, 11, 25, 10, 30, tzinfo=TAIPEI)  # 民國 115 年 11 月 25 日
SITE = "https://governance.example.gov.tw"
CODE = "7K3QDM9XWA2HF8RTPE4C"
GROUPED = "7K3QD-M9XWA-2HF8R-TPE4C"


# ---------------------------------------------------------------- the code


def test_a_new_code_is_twenty_characters_of_crockford_base32_and_random():
    codes = {verification.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{20}", code), code
        assert verification.normalize(code) == code
    assert verification.grouped(CODE) == GROUPED


@pytest.mark.parametrize(
    "typed",
    [
        CODE,
        GROUPED,
        GROUPED.lower(),
        "7k3qd m9xwa 2hf8r tpe4c",
        "  7K3QD-M9XWA 2hf8r–TPE4C \n",
        "７Ｋ３ＱＤ－Ｍ９ＸＷＡ－２ＨＦ８Ｒ－ＴＰＥ４Ｃ",  # typed with a full-width input method
        "7K3QD-M9XWA-2HF8R-TPE4C".replace("0", "O"),
        f"查驗碼：{GROUPED}",
        f"{SITE}/verify/{GROUPED}/",
        f"{SITE}/verify/{GROUPED.lower()}/?utm=x#top",
        f"http://127.0.0.1:8000/VERIFY/{CODE}",
    ],
)
def test_typed_pasted_or_scanned_text_gives_the_code(typed):
    assert verification.normalize(typed) == CODE


def test_misread_letters_read_as_their_digits():
    assert verification.normalize("IL0O0-00000-00000-00000") == "11000" + "0" * 15


@pytest.mark.parametrize(
    "typed",
    ["", "   ", GROUPED[:-1], GROUPED + "X", "7K3QD-M9XWA-2HF8R-TPE4U", f"{SITE}/verify/", "a" * 64, None],
)
def test_text_without_a_code_gives_none(typed):
    assert verification.normalize(typed) is None


def test_a_data_fingerprint_is_told_apart():
    assert verification.is_data_fingerprint("AB" * 32)
    assert verification.is_data_fingerprint(" ".join(["abcd" * 4] * 4))
    assert not verification.is_data_fingerprint(GROUPED)


@override_settings(SITE_URL=SITE + "/")
def test_the_address_is_the_site_s_verify_page_with_the_grouped_code():
    assert verification.verification_url(CODE) == f"{SITE}/verify/{GROUPED}/"


def test_the_qr_code_is_a_small_png_of_the_address():
    url = f"{SITE}/verify/{GROUPED}/"
    data_url = verification.qr_data_url(url)
    assert data_url.startswith("data:image/png;base64,")
    assert len(data_url) < 8 * 1024  # far below the PDF fetcher's 64 KB
    assert decode_png(data_url) == module_rows(url)


# ---------------------------------------------------------------- reading a QR code back


def module_rows(url):
    """The QR code segno makes of `url`, quiet zone included, as rows of 0 (light) and 1 (dark)
    pixels at the scale of the documents' images."""
    symbol = segno.make(url, error="m", micro=False)
    return [
        list(row) for row in symbol.matrix_iter(scale=verification.QR_SCALE, border=verification.QR_BORDER)
    ]


def image_rows(image):
    image = image.convert("L")
    width, height = image.size
    return [[1 if image.getpixel((x, y)) < 128 else 0 for x in range(width)] for y in range(height)]


def decode_png(data_url):
    from PIL import Image

    return image_rows(Image.open(io.BytesIO(base64.b64decode(data_url.partition(",")[2]))))


def qr_images(content):
    """The images of the PDF's first page, as rows of modules."""
    page = PdfReader(io.BytesIO(content)).pages[0]
    return [image_rows(image.image) for image in page.images]


def scanned(content, tmp_path):
    """What zbarimg reads from the PDF's first page printed at 150 dpi: the QR codes' texts."""
    tmp_path.mkdir(exist_ok=True)
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(content)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", pdf, tmp_path / "page"], check=True
    )
    (page,) = tmp_path.glob("page*.png")
    result = subprocess.run(["zbarimg", "--quiet", "--raw", page], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


needs_zbar = pytest.mark.skipif(
    not (shutil.which("zbarimg") and shutil.which("pdftoppm")),
    reason="zbar-tools or poppler-utils not installed (scripts/setup test installs them)",
)


# ---------------------------------------------------------------- the documents


@pytest.fixture
def evidence_pdf(frozen, closed_proposal, person):
    evidence = appraisal_evidence(person("readers-staff1"), *period_of_year(115))
    return evidence_documents.appraisal_evidence_pdf(evidence, generated_by=person("hr"))


@pytest.fixture
def proposal_trail_pdf(frozen, client, person, org):
    proposal = Driver(client, person).submit("readers-staff1")
    return proposal, proposal_documents.proposal_trail(proposal, issued_by=person("auditor")).content


@pytest.fixture
def finding_trail_pdf(frozen, client, person, org):
    drive = AuditDriver(client, person)
    (finding,) = drive.findings(drive.register([finding_fields(0, lead="readers")]))
    return finding, finding_documents.finding_trail(finding).content


def assert_prints_its_code(content, issued):
    url = verification.verification_url(issued.code)
    assert url == f"http://127.0.0.1:8000/verify/{verification.grouped(issued.code)}/"
    text = flat(pdf_text(content))
    assert f"查驗碼：{verification.grouped(issued.code)}" in text
    assert f"查驗網址：{url}" in text
    # The code at the foot of every page, beside the time it was made.
    for page in PdfReader(io.BytesIO(content)).pages:
        assert f"查驗碼 {verification.grouped(issued.code)}" in page.extract_text()
    # The QR code in the document is the address's, module for module.
    assert module_rows(url) in qr_images(content)


@pytest.mark.django_db
def test_evidence_pdf_prints_its_code_and_is_recorded_as_issued(evidence_pdf, person):
    issued = IssuedDocument.objects.get()
    assert issued.kind == IssuedDocument.Kind.APPRAISAL_EVIDENCE
    assert issued.person == person("readers-staff1")
    assert issued.subject == person("readers-staff1").get_full_name()
    assert issued.issued_at == NOW and issued.issued_by == person("hr")
    assert issued.case_number == "" and issued.case_kind == ""
    assert issued.sha256 == hashlib.sha256(evidence_pdf).hexdigest()
    assert_prints_its_code(evidence_pdf, issued)


@pytest.mark.django_db
def test_trail_pdfs_print_their_codes_and_are_recorded_as_issued(
    proposal_trail_pdf, finding_trail_pdf, person
):
    proposal, proposal_pdf = proposal_trail_pdf
    finding, finding_pdf = finding_trail_pdf
    issued = IssuedDocument.objects.get(case_kind="proposal")
    assert issued.kind == IssuedDocument.Kind.CASE_TRAIL
    assert (issued.case_ref, issued.case_number, issued.subject) == (
        proposal.trail_ref,
        proposal.case_number,
        proposal.title,
    )
    assert issued.issued_at == NOW and issued.issued_by == person("auditor") and issued.person is None
    assert_prints_its_code(proposal_pdf, issued)
    issued = IssuedDocument.objects.get(case_kind="finding")
    assert (issued.case_number, issued.subject) == (finding.tracking_number, finding.text)
    assert issued.issued_by is None  # the case_trail command's way
    assert_prints_its_code(finding_pdf, issued)


@pytest.mark.django_db
def test_each_document_made_has_its_own_code(frozen, client, person, org):
    proposal = Driver(client, person).submit("readers-staff1")
    first = proposal_documents.proposal_trail(proposal).content
    second = proposal_documents.proposal_trail(proposal).content
    codes = set(IssuedDocument.objects.values_list("code", flat=True))
    assert len(codes) == 2
    printed = [
        {code for code in codes if verification.grouped(code) in flat(pdf_text(content))}
        for content in (first, second)
    ]
    assert printed[0] | printed[1] == codes and len(printed[0]) == len(printed[1]) == 1


@needs_zbar
def test_the_printed_qr_codes_scan_to_their_addresses(evidence_pdf, proposal_trail_pdf, tmp_path):
    _proposal, trail_pdf = proposal_trail_pdf
    for content, kind in [
        (evidence_pdf, IssuedDocument.Kind.APPRAISAL_EVIDENCE),
        (trail_pdf, IssuedDocument.Kind.CASE_TRAIL),
    ]:
        issued = IssuedDocument.objects.get(kind=kind)
        assert scanned(content, tmp_path / kind) == [verification.verification_url(issued.code)]


@needs_zbar
@override_settings(SITE_URL=SITE)
def test_the_site_s_own_address_is_printed_and_scanned(frozen, client, person, org, tmp_path):
    proposal = Driver(client, person).submit("readers-staff1")
    content = proposal_documents.proposal_trail(proposal).content
    url = f"{SITE}/verify/{verification.grouped(IssuedDocument.objects.get().code)}/"
    assert f"查驗網址：{url}" in flat(pdf_text(content))
    assert scanned(content, tmp_path) == [url]
