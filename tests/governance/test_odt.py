"""governance.odt: the ODT writer every 公文 document goes through, read back with odfpy and
opened by a real LibreOffice (Writer, headless) that converts it to PDF."""

import io
import subprocess
import zipfile

import pytest
from odf import teletype
from odf.opendocument import load
from odf.table import Table, TableHeaderRows
from odf.text import P

from governance.odt import MIMETYPE, OdtDocument, chinese_ordinal, odt_response
from tests.support.libreoffice import convert, skip_without_libreoffice, sqlite_pass  # noqa: F401

TOKEN = "Q" * 300


def sample(landscape=False):
    doc = OdtDocument("開會通知單", landscape=landscape)
    doc.title("國立臺灣圖書館 開會通知單")
    doc.field("受文者", "如出席者")
    doc.paragraph("第一行\n第二行  兩個空白\x01", bold=True, align="center")
    doc.numbered("說明", ["依據甲", "檢附乙"])
    doc.numbered("辦法", ["只有一項"])
    doc.heading("出席者")
    doc.table(["單位", "姓名"], [["閱覽組", "王小明"], ["研究組", TOKEN]], widths=[1, 2])
    doc.signatures(["提案人", "單位主管"])
    doc.page_break()
    doc.paragraph("附件")
    return doc.content()


def paragraphs(content):
    return [teletype.extractText(p) for p in load(io.BytesIO(content)).getElementsByType(P)]


def test_blocks_read_back_in_order():
    texts = [t for t in paragraphs(sample()) if t]
    assert texts == [
        "國立臺灣圖書館 開會通知單",
        "受文者：如出席者",
        "第一行\n第二行  兩個空白",  # the control character XML cannot hold is dropped
        "說明：",
        "一、依據甲",
        "二、檢附乙",
        "辦法：",
        "只有一項",
        "出席者",
        "單位",
        "姓名",
        "閱覽組",
        "王小明",
        "研究組",
        TOKEN,
        "提案人",
        "單位主管",
        "附件",
    ]


def test_table_header_repeats_and_metadata():
    doc = load(io.BytesIO(sample()))
    tables = doc.getElementsByType(Table)
    assert len(tables) == 2  # the table and the signature boxes
    assert len(tables[0].getElementsByType(TableHeaderRows)) == 1
    with zipfile.ZipFile(io.BytesIO(sample())) as package:
        assert package.read("mimetype").decode() == MIMETYPE
        meta = package.read("meta.xml").decode()
        styles = package.read("styles.xml").decode()
    assert "<dc:title>開會通知單</dc:title>" in meta
    assert 'fo:page-width="21cm"' in styles and 'fo:page-height="29.7cm"' in styles


def test_landscape():
    with zipfile.ZipFile(io.BytesIO(sample(landscape=True))) as package:
        styles = package.read("styles.xml").decode()
    assert 'fo:page-width="29.7cm"' in styles and 'style:print-orientation="landscape"' in styles


@pytest.mark.parametrize(
    "number, text",
    [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (35, "三十五"), (100, "100")],
)
def test_chinese_ordinal(number, text):
    assert chinese_ordinal(number) == text


def test_response_is_a_download_with_its_chinese_name():
    response = odt_response(b"x", "開會通知單.odt")
    assert response["Content-Type"] == MIMETYPE
    assert "filename*=utf-8''%E9%96%8B" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
@pytest.mark.libreoffice
@skip_without_libreoffice
def test_libreoffice_opens_it_and_prints_it_on_a4(sqlite_pass, tmp_path):
    source = tmp_path / "notice.odt"
    source.write_bytes(sample())
    pdf = convert([source], "pdf", tmp_path, tmp_path)["notice"]
    (tmp_path / "out.pdf").write_bytes(pdf)
    info = subprocess.run(
        ["pdfinfo", tmp_path / "out.pdf"], capture_output=True, text=True, check=True
    ).stdout
    assert "(A4)" in info and "Pages:           2" in info
    text = subprocess.run(
        ["pdftotext", tmp_path / "out.pdf", "-"], capture_output=True, text=True, check=True
    ).stdout
    for piece in ("開會通知單", "受文者：如出席者", "二、檢附乙", "王小明", "單位主管", "附件"):
        assert piece in text
    assert text.replace("\n", "").count("Q") == 300
