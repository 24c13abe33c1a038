"""The 創意提案單 (proposals.documents): the form attached to a 簽, printed from the proposal's page
as PDF/A and as ODT.

Both files are made from one reading of the proposal (proposal_form_data) and must say the same
thing: the heading with the agency's name, the case number, the date, the unit, the title, each
proposer with their share, unit and title, the category, the three texts, the attachments (name
and size), the state, and a signature box for each proposer and the unit head. The PDF is read
back with pdftotext and its layout checked through poppler (tests.helpers.assert_laid_out); the
ODT with odfpy, and once through a real LibreOffice. Whoever may not open the proposal gets
neither file.
"""

import datetime
import io
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from governance.models import User
from governance.odt import MIMETYPE as ODT_MIMETYPE
from governance.rocdate import TAIPEI
from proposals import documents as proposal_documents
from proposals.models import Proposal, ScopeCategory
from tests.governance.test_pdfa import assert_pdfa_2b
from tests.helpers import assert_laid_out, download_name, log_in
from tests.support.libreoffice import convert, skip_without_libreoffice, sqlite_pass  # noqa: F401
from tests.support.long_text import LongTexts
from tests.support.proposal_http import CONTENT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

NOW = datetime.datetime(2026, 11, 25, 10, 30, tzinfo=TAIPEI)  # 民國 115 年 11 月 25 日
PLAN_FILE = "自助借書機語音導引規劃.pdf"
PLAN_BYTES = b"%PDF-1.4 " + b"x" * 2039  # 2,048 bytes: 2.0 KB


# ---------------------------------------------------------------- reading the files back


def pdftotext(content):
    """The PDF's text as pdftotext -layout reads it, one string for all pages."""
    with tempfile.TemporaryDirectory(prefix="proposal-form-") as folder:
        path = Path(folder) / "form.pdf"
        path.write_bytes(content)
        result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return result.stdout.decode()


def odt_paragraphs(content):
    """Every paragraph of the ODT (body text and table cells alike), and its metadata title."""
    from odf import teletype
    from odf.namespaces import DCNS
    from odf.opendocument import load
    from odf.text import P

    document = load(io.BytesIO(content))
    assert document.mimetype == ODT_MIMETYPE
    titles = [e for e in document.meta.childNodes if e.qname == (DCNS, "title")]
    title = teletype.extractText(titles[0]) if titles else ""
    return [teletype.extractText(p) for p in document.text.getElementsByType(P)], title


def odt_table_rows(content):
    """Each table of the ODT as rows of cell texts."""
    from odf import teletype
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = load(io.BytesIO(content))
    return [
        [
            [
                "\n".join(teletype.extractText(p) for p in c.getElementsByType(P))
                for c in r.getElementsByType(TableCell)
            ]
            for r in t.getElementsByType(TableRow)
        ]
        for t in document.text.getElementsByType(Table)
    ]


def squeezed(text):
    """Text without white space: pdftotext lays a wrapped line out with spaces and breaks."""
    return re.sub(r"\s+", "", text)


def expected_items(proposal):
    """What every 創意提案單 of this proposal must print, each item as its own string."""
    proposers = list(proposal.proposers.select_related("person"))
    return [
        "國立臺灣圖書館 創意提案單",
        proposal.case_number,
        "115年11月25日",
        "閱覽典藏組",
        proposal.title,
        *(p.person.get_full_name() for p in proposers),
        *(p.person.job_title for p in proposers),
        *(f"{p.share}%" for p in proposers),
        "提案人",
        "共同提案人",
        proposal.category.name,
        "現況說明／問題分析",
        proposal.situation,
        "改進意見／具體作法",
        proposal.improvement,
        "預期效益",
        proposal.benefit,
        PLAN_FILE,
        "2.0 KB（2,048 位元組）",
        proposal.get_state_display(),
        *(f"{p.role_label}簽章（{p.person.get_full_name()}）" for p in proposers),
        "單位主管",
    ]


# ---------------------------------------------------------------- the proposal


@pytest.fixture
def proposal(drive):
    """readers-staff1 with readers-staff2 (40 %), a plan attached; accepted at first review."""
    upload = SimpleUploadedFile(PLAN_FILE, PLAN_BYTES, content_type="application/pdf")
    proposal = drive.submit("readers-staff1", co_proposers="readers-staff2 40", attachments=[upload])
    drive.first_review("readers-head", proposal, "accepted")
    return proposal


def download(client, person, name, proposal):
    response = log_in(client, person).get(reverse(name, args=[proposal.pk]))
    assert response.status_code == 200, response.status_code
    return response


# ---------------------------------------------------------------- one reading, two files


def test_the_data_names_every_item(proposal, person):
    form = proposal_documents.proposal_form_data(proposal)
    assert form.heading == "國立臺灣圖書館 創意提案單"
    assert dict(form.fields) == {
        "案號": proposal.case_number,
        "提案日期": "115年11月25日",
        "提案單位": "閱覽典藏組",
        "提案名稱": CONTENT["title"],
        "提案類別": ScopeCategory.objects.first().name,
        "目前狀態": "複審中",
    }
    staff1, staff2 = person("readers-staff1"), person("readers-staff2")
    assert form.proposer_rows == [
        ["提案人", staff1.full_name, "閱覽典藏組", staff1.job_title, "60%"],
        ["共同提案人", staff2.full_name, "閱覽典藏組", staff2.job_title, "40%"],
    ]
    assert [label for label, _ in form.texts] == ["現況說明／問題分析", "改進意見／具體作法", "預期效益"]
    assert form.attachment_rows == [[PLAN_FILE, "2.0 KB（2,048 位元組）"]]
    assert form.signatures == (
        f"提案人簽章（{staff1.full_name}）",
        f"共同提案人簽章（{staff2.full_name}）",
        "單位主管",
    )
    assert form.signature_grid == [list(form.signatures)]


def test_the_data_is_in_the_agencys_language_whatever_the_readers(proposal):
    with translation.override("en"):
        form = proposal_documents.proposal_form_data(proposal)
    assert dict(form.fields)["目前狀態"] == "複審中"
    assert [row[0] for row in form.proposer_rows] == ["提案人", "共同提案人"]


def test_the_pdf_prints_every_item(client, person, proposal):
    response = download(client, person("readers-staff1"), "proposals:form_pdf", proposal)
    assert response["Content-Type"] == "application/pdf"
    assert download_name(response) == f"創意提案單-{proposal.case_number}.pdf"
    text = squeezed(pdftotext(response.content))
    missing = [item for item in expected_items(proposal) if squeezed(item) not in text]
    assert not missing, missing
    # A short proposal is one page, with the time it was made and the page count.
    assert "第1頁／共1頁" in text and "產製時間" in text


def test_the_pdf_is_pdfa(proposal):
    content = proposal_documents.proposal_form_pdf(proposal).content
    assert_pdfa_2b(content, f"創意提案單 {proposal.case_number}")


def test_the_odt_says_the_same(client, person, proposal):
    response = download(client, person("readers-head"), "proposals:form_odt", proposal)
    assert response["Content-Type"] == ODT_MIMETYPE
    assert download_name(response) == f"創意提案單-{proposal.case_number}.odt"
    paragraphs, title = odt_paragraphs(response.content)
    assert title == f"創意提案單 {proposal.case_number}"
    assert paragraphs[0] == "國立臺灣圖書館 創意提案單"
    text = "\n".join(paragraphs)
    missing = [item for item in expected_items(proposal) if item not in text]
    assert not missing, missing
    assert f"案號：{proposal.case_number}" in paragraphs
    assert "提案日期：115年11月25日" in paragraphs
    # The proposers, the attachment and the signatures are tables: a row each, a box each.
    people, files, signatures = odt_table_rows(response.content)
    staff1, staff2 = person("readers-staff1"), person("readers-staff2")
    assert people == [
        ["身分", "姓名", "單位", "職稱", "貢獻比例"],
        ["提案人", staff1.full_name, "閱覽典藏組", staff1.job_title, "60%"],
        ["共同提案人", staff2.full_name, "閱覽典藏組", staff2.job_title, "40%"],
    ]
    assert files == [["檔名", "大小"], [PLAN_FILE, "2.0 KB（2,048 位元組）"]]
    assert signatures == [
        [f"提案人簽章（{staff1.full_name}）", f"共同提案人簽章（{staff2.full_name}）", "單位主管"]
    ]


def test_many_proposers_sign_three_to_a_row(drive, person):
    """Five proposers and the head: two rows of three boxes in both files."""
    logins = ["readers-staff2", "readers-liaison", "readers-head", "planning-staff1"]
    proposal = drive.submit("readers-staff1", co_proposers="\n".join(f"{login} 10" for login in logins))
    form = proposal_documents.proposal_form_data(proposal)
    assert [len([x for x in row if x]) for row in form.signature_grid] == [3, 3]
    odt = proposal_documents.proposal_form_odt(proposal).content
    assert [len(table[0]) for table in odt_table_rows(odt)[-2:]] == [3, 3]
    text = squeezed(pdftotext(proposal_documents.proposal_form_pdf(proposal).content))
    for label in form.signatures:
        assert squeezed(label) in text


def test_a_draft_has_no_number_yet(drive, client, person):
    """Its people may print a draft: no number and no date yet, and no attachment."""
    drive.as_("readers-staff1").post(
        reverse("proposals:create"),
        {**CONTENT, "category": ScopeCategory.objects.first().pk, "co_proposers": ""},
    )
    draft = Proposal.objects.latest("pk")
    assert draft.state == Proposal.State.DRAFT
    response = download(client, person("readers-staff1"), "proposals:form_odt", draft)
    assert download_name(response) == f"創意提案單-草稿{draft.pk}.odt"
    paragraphs, _title = odt_paragraphs(response.content)
    assert "案號：尚未編號（草稿）" in paragraphs
    assert "提案日期：尚未送出" in paragraphs
    assert "目前狀態：草稿" in paragraphs
    assert paragraphs[paragraphs.index("附件") + 1] == "無"


@override_settings(AGENCY_NAME="國家圖書館")
def test_the_agency_is_the_settings(proposal):
    form = proposal_documents.proposal_form_data(proposal)
    assert form.heading == "國家圖書館 創意提案單"
    paragraphs, _title = odt_paragraphs(proposal_documents.proposal_form_odt(proposal).content)
    assert paragraphs[0] == "國家圖書館 創意提案單"


# ---------------------------------------------------------------- long text on the page


@pytest.fixture
def long_proposal(drive, person):
    """Every text the form prints long and unbroken: names, titles, the three texts, a file name."""
    texts = LongTexts()
    for login in ("readers-staff1", "readers-staff2"):
        User.objects.filter(username=login).update(
            full_name=texts.char(f"{login} name", 100), job_title=texts.char(f"{login} title", 100)
        )
    upload = SimpleUploadedFile(
        texts.char("file name", 190) + ".pdf", b"%PDF-1.4 plan", content_type="application/pdf"
    )
    proposal = drive.submit(
        "readers-staff1",
        co_proposers="readers-staff2 40",
        title=texts.char("title", 200),
        situation=texts.text("situation"),
        improvement=texts.text("improvement"),
        benefit=texts.text("benefit"),
        attachments=[upload],
    )
    [stored] = proposal.attachments.all()
    texts.expected["file name"] = (stored.name,)
    return proposal, texts


def test_long_text_stays_on_the_page(long_proposal):
    proposal, texts = long_proposal
    content = proposal_documents.proposal_form_pdf(proposal).content
    assert assert_laid_out(content, texts.pieces()) >= 2


def test_long_text_is_whole_in_the_odt(long_proposal):
    proposal, texts = long_proposal
    paragraphs, _title = odt_paragraphs(proposal_documents.proposal_form_odt(proposal).content)
    text = "\n".join(paragraphs)
    missing = [name for name, piece in texts.pieces().items() if piece not in text]
    assert not missing, missing


# ---------------------------------------------------------------- who may print it


@pytest.mark.parametrize("name", ["proposals:form_pdf", "proposals:form_odt"])
def test_only_those_who_may_open_the_proposal(client, person, proposal, name):
    """As the proposal's page: its people, its unit, the agency readers; another unit's staff gets
    403, a number that is no proposal 404, anonymous people the login page."""
    url = reverse(name, args=[proposal.pk])
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("login"))
    for login, status in [("readers-staff2", 200), ("readers-liaison", 200), ("auditor", 200)]:
        assert log_in(client, person(login)).get(url).status_code == status, login
        assert client.get(reverse("proposals:detail", args=[proposal.pk])).status_code == status
    for login in ("planning-staff1", "external1", "hr"):
        log_in(client, person(login))
        assert client.get(url).status_code == 403, login
        assert client.get(reverse("proposals:detail", args=[proposal.pk])).status_code == 403
    assert client.get(reverse(name, args=[proposal.pk + 1000])).status_code == 404


def test_a_draft_is_its_peoples_only(drive, client, person):
    drive.as_("readers-staff1").post(
        reverse("proposals:create"),
        {**CONTENT, "category": ScopeCategory.objects.first().pk, "co_proposers": ""},
    )
    draft = Proposal.objects.latest("pk")
    url = reverse("proposals:form_pdf", args=[draft.pk])
    assert log_in(client, person("readers-head")).get(url).status_code == 403
    assert log_in(client, person("director")).get(url).status_code == 403


def test_the_proposal_page_links_both_files(client, person, proposal):
    page = log_in(client, person("readers-liaison")).get(reverse("proposals:detail", args=[proposal.pk]))
    html = page.content.decode()
    for name, text in [
        ("proposals:form_pdf", "列印創意提案單（PDF）"),
        ("proposals:form_odt", "列印創意提案單（ODT）"),
    ]:
        assert f'href="{reverse(name, args=[proposal.pk])}"' in html
        assert text in html


# ---------------------------------------------------------------- through LibreOffice


@pytest.mark.libreoffice
@skip_without_libreoffice
def test_libreoffice_opens_the_odt(sqlite_pass, proposal, tmp_path):
    """The ODT as the office opens it: LibreOffice reads it and prints it to PDF, on A4, with
    every item of the form."""
    source = tmp_path / "form.odt"
    source.write_bytes(proposal_documents.proposal_form_odt(proposal).content)
    (tmp_path / "out").mkdir()
    printed = convert([source], "pdf", tmp_path / "out", tmp_path)["form"]
    text = squeezed(pdftotext(printed))
    missing = [item for item in expected_items(proposal) if squeezed(item) not in text]
    assert not missing, missing
    from pypdf import PdfReader

    box = PdfReader(io.BytesIO(printed)).pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
