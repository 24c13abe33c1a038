"""A broken or hostile workbook uploaded to the plan import or the draft upload gets the page
again with "檔案無法讀取…", never a server error (issue "Step 13": an unclosed tag in a sheet's
XML gave a 500, as read-only openpyxl parses the sheet only while its rows are read)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from plan import xlsx
from plan.services import start_next_year_draft
from plan.xlsx import HEADERS
from tests.helpers import user
from tests.support.plan_factory import add_version, make_plan

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "xl/worksheets/sheet1.xml"
UNREADABLE = "檔案無法讀取"


def workbook(rows=1):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for n in range(rows):
        sheet.append(["一、服務流程", "", "1", "服務流程", f"1.{n + 1}", "推動作法", "", "", "閱覽組"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewritten(data, change):
    """The xlsx with its parts passed through change(name, bytes) -> bytes or None (left out)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = change(info.filename, source.read(info))
            if content is not None:
                target.writestr(info.filename, content)
    return out.getvalue()


def in_sheet(old, new):
    return lambda name, content: content.replace(old, new, 1) if name == SHEET else content


XXE = (
    b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>'
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&c;</t></is></c></row></sheetData></worksheet>'
)


def corrupt_deflate(data):
    """The sheet's compressed bytes overwritten in the middle: zlib fails while reading it."""
    raw = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 2, start + min(info.compress_size, 40)):
        raw[offset] ^= 0x5A
    return bytes(raw)


HOSTILE = {
    "unclosed tag in the sheet": lambda: rewritten(workbook(), in_sheet(b"</sheetData>", b"<row>")),
    "sheet cut short": lambda: rewritten(workbook(), in_sheet(b"</worksheet>", b"")),
    "entity in the sheet (XXE)": lambda: rewritten(workbook(), lambda n, c: XXE if n == SHEET else c),
    "billion laughs in the sheet": lambda: rewritten(workbook(), lambda n, c: LAUGHS if n == SHEET else c),
    "entity in the workbook part": lambda: rewritten(
        workbook(), lambda n, c: XXE if n == "xl/workbook.xml" else c
    ),
    "sheet part missing": lambda: rewritten(workbook(), lambda n, c: None if n == SHEET else c),
    "workbook part missing": lambda: rewritten(
        workbook(), lambda n, c: None if n == "xl/workbook.xml" else c
    ),
    "broken deflate stream": lambda: corrupt_deflate(workbook()),
    "bad zip": lambda: b"PK\x03\x04" + b"\x00" * 200,
    "zip cut in half": lambda: workbook()[:2000],
    "password-protected (an OLE file)": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000,
    "not XML at all": lambda: rewritten(workbook(), lambda n, c: b"\x00\xffnot XML" if n == SHEET else c),
}


@pytest.fixture
def tracking(org, client):
    client.force_login(user("tracking"))
    return client


def post_import(client, data):
    return client.post(
        "/plan/import/",
        {
            "year": "116",
            "title": "",
            "note": "探測",
            "file": SimpleUploadedFile("計畫.xlsx", data, content_type=XLSX),
        },
    )


def post_draft(client, data):
    return client.post(
        "/plan/drafts/116/upload/", {"file": SimpleUploadedFile("116草案.xlsx", data, content_type=XLSX)}
    )


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_workbook_gets_the_import_page_with_the_message(kind, tracking):
    response = post_import(tracking, HOSTILE[kind]())
    assert response.status_code == 200, kind
    assert UNREADABLE in response.content.decode(), kind


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_workbook_gets_the_draft_upload_page_with_the_message(kind, tracking):
    version = add_version(make_plan(115))
    start_next_year_draft(actor=user("tracking"), plan=version.plan)
    response = post_draft(tracking, HOSTILE[kind]())
    assert response.status_code == 200, kind
    assert UNREADABLE in response.content.decode(), kind


def test_a_decompression_bomb_is_refused_before_it_is_unpacked(tracking, monkeypatch):
    from governance import ods

    monkeypatch.setattr(ods, "MAX_CONTENT_BYTES", 1024 * 1024)
    bomb = rewritten(workbook(), lambda n, c: c + b" " * (2 * 1024 * 1024) if n == SHEET else c)
    assert len(bomb) < 100 * 1024
    monkeypatch.setattr(xlsx, "load_workbook", lambda *a, **k: pytest.fail("unpacked"))
    response = post_import(tracking, bomb)
    assert response.status_code == 200
    assert "解壓縮後超過 1 MB" in response.content.decode()


def test_a_huge_sheet_is_refused_with_a_row_error(tracking, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 20)
    response = post_import(tracking, workbook(rows=25))
    assert response.status_code == 200
    assert "資料超過 20 列" in response.content.decode()


def test_a_good_workbook_still_reads(org):
    rows = xlsx.read_rows(io.BytesIO(workbook(rows=2)))
    assert [row.practice_number for row in rows] == ["1.1", "1.2"]
