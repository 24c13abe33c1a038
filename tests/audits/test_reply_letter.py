"""The 函稿 replying to the superior agency (audits.views.audit_reply_letter): an ODT in the
文書處理手冊's 函 format, the 缺失改善辦理情形表 annexed after a page break; and the same ODT
opened by a real LibreOffice, which prints it."""

import datetime
import io

import pytest
from django.test import Client
from odf import teletype
from odf.opendocument import load
from odf.text import P

from audits.documents import reply_letter_sentences
from audits.selectors import tracking_office_unit
from governance.rocdate import TAIPEI, format_roc
from tests.helpers import download_name, pdf_stream_text
from tests.support.libreoffice import convert, skip_without_libreoffice, sqlite_pass  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

NOW = datetime.datetime(2026, 11, 25, 10, 30, tzinfo=TAIPEI)  # 民國 115 年 11 月 25 日


def paragraphs(content):
    """(style name, text) of every paragraph, in reading order (table cells included)."""
    document = load(io.BytesIO(content))
    return [
        (p.getAttribute("stylename") or "", teletype.extractText(p)) for p in document.getElementsByType(P)
    ]


def letter(client, audit):
    response = client.get(f"/audits/{audit.pk}/reply-letter.odt")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.text"
    return response


def letter_lines(audit):
    held = format_roc(audit.held_on)
    return [
        "國立臺灣圖書館　函",
        "地址：\n聯絡人：\n電話：",
        "發文機關：國立臺灣圖書館",
        "受文者：教育部",
        "發文日期：",
        "發文字號：",
        "速別：普通件",
        "密等及解密條件或保密期限：",
        "附件：缺失改善辦理情形表1份",
        f"主旨：檢送本館辦理貴部{held}{audit.document_number}函考核意見改善辦理情形表1份，請查照。",
        "說明：",
        f"一、依據貴部{held}{audit.document_number}函辦理。",
        "二、貴部考核意見計4項，本館均已列管並由主辦單位研提改善措施；經本館館務會議審議，"
        "解除列管1項，繼續列管1項，尚在辦理中2項。",
        "三、檢附本館缺失改善辦理情形表1份。",
        "正本：教育部",
        "副本：國立臺灣圖書館秘書室",
    ]


def test_the_letter_in_the_manuals_format_then_the_annex(papers, login_as):
    audit, findings = papers
    response = letter(login_as("tracking"), audit)
    assert download_name(response) == f"函稿-缺失改善辦理情形表-{audit.document_number}.odt"
    read = paragraphs(response.content)
    texts = [text for _style, text in read]
    lines = letter_lines(audit)
    assert texts[: len(lines)] == lines
    # Then a page break, and the annex: the audit, the counts, a row per finding.
    style, text = read[len(lines)]
    assert style == "DocPageBreak" and text == ""
    assert texts[len(lines) + 1] == "附件　國立臺灣圖書館缺失改善辦理情形表"
    annex = "".join("".join(t.split()) for t in texts[len(lines) + 1 :])
    assert "考核意見計4項：解除列管1項，繼續列管1項，辦理中2項。" in annex
    for f in findings.values():
        assert f.tracking_number in annex and f.text in annex
    for piece in (
        "解除列管",
        "第5次館務會議紀錄",
        "繼續列管",
        "第6次館務會議紀錄",
        "新改善期限",
        "40%",
        "協辦：參考特藏組",
    ):
        assert piece in annex, piece


def test_how_the_letter_names_the_agencies():
    data = {
        "superior": "國家發展委員會",
        "agency_name": "國立臺灣圖書館",
        "held_on": "115年3月8日",
        "document_number": "發綜字第1150000001號",
        "title": "考核",
        "counts": {"total": 2, "removed": 2, "continued": 0, "tracked": 0},
    }
    subject, items = reply_letter_sentences(data)
    assert subject == "檢送本館辦理貴會115年3月8日發綜字第1150000001號函考核意見改善辦理情形表1份，請查照。"
    assert (
        items[1]
        == "貴會考核意見計2項，本館均已列管並由主辦單位研提改善措施；經本館館務會議審議，解除列管2項，繼續列管0項。"
    )
    subject, _items = reply_letter_sentences({**data, "superior": "某基金", "document_number": ""})
    assert subject == "檢送本館辦理貴機關115年3月8日考核考核意見改善辦理情形表1份，請查照。"


def test_the_copy_goes_to_the_tracking_office(org):
    assert tracking_office_unit().code == "secretariat"


def test_who_may_download_it(papers, login_as):
    audit, findings = papers
    url = f"/audits/{audit.pk}/reply-letter.odt"
    assert Client().get(url)["Location"].startswith("/accounts/login/")
    assert login_as("hr").get(url).status_code == 403
    # A unit's people get the letter with their unit's findings only.
    annex = "".join(t for _s, t in paragraphs(letter(login_as("planning-staff1"), audit).content))
    assert findings["planning"].text in annex
    assert findings["removed"].text not in annex


@pytest.mark.libreoffice
@skip_without_libreoffice
def test_libreoffice_prints_the_letter_and_its_annex(sqlite_pass, papers, login_as, tmp_path):
    """LibreOffice (Writer, headless) opens the 函稿 and saves it as PDF: the letter on its first
    page, the annex from the second, every finding in it."""
    audit, findings = papers
    source = tmp_path / "letter.odt"
    source.write_bytes(letter(login_as("tracking"), audit).content)
    (tmp_path / "out").mkdir()
    printed = convert([source], "pdf", tmp_path / "out", tmp_path)["letter"]
    first, *rest = ["".join(page.split()) for page in pdf_stream_text(printed).split("\f")]
    assert rest, "the annex starts on a page of its own"
    for line in letter_lines(audit):
        assert "".join(line.split()) in first, line
    annex = "".join(rest)
    assert "附件國立臺灣圖書館缺失改善辦理情形表" in annex and "附件國立" not in first
    for f in findings.values():
        assert f.tracking_number in annex and f.text in annex
