"""The plan as ODS (OpenDocument spreadsheet): the export holds the xlsx's cells, and an ODS
import reads exactly the rows an xlsx import reads, with the same row numbers and the same
errors. Files are told apart by content, not by name.

The ODS files built as LibreOffice writes them are tests/support/plan_files.py's; the round
trip through a real LibreOffice is tests/plan/test_libreoffice_round_trip.py.
"""

import datetime
import io
import zipfile
from dataclasses import replace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from governance import ods
from plan.models import PlanVersion
from plan.selectors import version_changes, version_tree
from plan.services import PlanImportError, load_seed_plan, revise_plan
from plan.xlsx import HEADERS, export_version, export_version_ods, import_spreadsheet, read_rows
from tests.helpers import ods_sheets
from tests.support.plan_files import (
    GOOD,
    MERGED_ROWS,
    MERGES,
    bad_rows,
    canonical,
    merged_ods,
    ods_of,
    with_lines,
    xlsx_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(org):
    return load_seed_plan()


@pytest.fixture
def tracking(person):
    return person("tracking")


# ---------------------------------------------------------------- export


def test_the_ods_export_holds_the_xlsx_cells_and_reads_back_as_the_plan(seeded, tracking):
    data = export_version_ods(seeded)
    sheets = ods_sheets(data)
    assert list(sheets) == ["推動作法", "說明"]
    assert sheets["推動作法"][0] == HEADERS
    assert sheets["推動作法"][1] == [
        "一、服務流程",
        "（一）服務流程便捷性",
        "1.",
        "單一窗口服務全功能程度",
        "1.1",
        "讀者辦證服務單一窗口服務，提供讀者網路辦證及線上申辦的便捷服務，節省每位讀者臨櫃填寫申請時間及工作人員鍵檔時間。",
        "102 年 3 月、6 月、9 月、12 月",
        "102/03/31、102/06/30、102/09/30、102/12/31",
        "閱覽組",
    ]
    assert len(sheets["推動作法"]) == 78  # headers and 77 rows, as the xlsx
    assert ods.spreadsheet_kind(io.BytesIO(data)) == "ods"

    from_ods, from_xlsx = read_rows(io.BytesIO(data)), read_rows(io.BytesIO(export_version(seeded)))
    assert with_lines(from_ods) == with_lines(from_xlsx)
    assert canonical(from_ods) == canonical(version_tree(seeded).rows())
    revised = import_spreadsheet(actor=tracking, fileobj=io.BytesIO(data), roc_year=102, title="", note="ODS")
    assert revised.number == 2 and version_changes(seeded, revised).unchanged


def test_formula_like_and_spaced_text_stays_text_in_the_ods(seeded, tracking):
    rows = version_tree(seeded).rows()
    rows[0] = replace(rows[0], practice_text='=HYPERLINK("http://evil.invalid","點我")')
    rows[1] = replace(rows[1], practice_text="@SUM(1+1)", deadline_text="-1+2")
    rows[2] = replace(rows[2], practice_text="第一行\n第二行  兩個空白\t定位")
    version = revise_plan(actor=tracking, plan=seeded.plan, rows=rows, note="測試")
    data = export_version_ods(version)
    sheet = ods_sheets(data)["推動作法"]  # every cell typed text or number, no formula
    assert [sheet[1][5], sheet[2][5], sheet[2][6]] == [
        '\'=HYPERLINK("http://evil.invalid","點我")',
        "'@SUM(1+1)",
        "'-1+2",
    ]
    assert sheet[3][5] == "第一行\n第二行  兩個空白\t定位"
    back = read_rows(io.BytesIO(data))
    assert canonical(back) == canonical(version_tree(version).rows())
    assert with_lines(back) == with_lines(read_rows(io.BytesIO(export_version(version))))


# ---------------------------------------------------------------- import: the same rows as xlsx


def test_merged_cells_repeats_dates_and_numbers_read_as_from_the_xlsx(org):
    from_xlsx = read_rows(io.BytesIO(xlsx_of(MERGED_ROWS, merges=MERGES, blank_rows=2)))
    from_ods = read_rows(io.BytesIO(merged_ods()))
    assert with_lines(from_ods) == with_lines(from_xlsx)
    assert [
        (r.line, r.area_number, r.dimension, r.item_number, r.item_title, r.practice_number) for r in from_ods
    ] == [
        (4, "一", "（一）服務流程便捷性", "1.", "單一窗口", "1.1"),
        (5, "一", "（一）服務流程便捷性", "1.", "單一窗口", "1.2"),
        (6, "一", "（一）服務流程便捷性", "2.", "流程簡化", "2.1"),
        (7, "一", "（二）服務流程透明度", "1.", "查詢公開", "1.1"),
        (8, "二", "（一）服務場所便利性", "", "洽公環境", "1.1"),
    ]
    assert from_ods[0].deadlines == (datetime.date(2013, 3, 31), datetime.date(2013, 6, 30))
    assert from_ods[1].practice_text == "乙\n第二行" and from_ods[1].deadlines == (
        datetime.date(2013, 12, 31),
    )
    assert from_ods[2].practice_text == "丙"  # the comment is not the cell's text
    assert from_ods[3].deadline_text == "丁"
    assert from_ods[0].unit_codes == ("readers", "reference") and from_ods[4].unit_codes == ("chungshan",)


def errors_of(data, tracking, year=102):
    with pytest.raises(PlanImportError) as raised:
        import_spreadsheet(actor=tracking, fileobj=io.BytesIO(data), roc_year=year, title="", note="有誤")
    return raised.value.messages


def test_a_bad_ods_gets_the_same_row_errors_as_the_xlsx_and_nothing_is_imported(seeded, tracking):
    book = ods.Workbook()
    sheet = book.add_sheet("推動作法", [10] * 9)
    sheet.append(HEADERS)
    for row in bad_rows():
        sheet.append(row)
    expected = errors_of(xlsx_of(bad_rows()), tracking)
    assert expected[0] == "第 3 列：承辦單位「資訊組」不存在。" and len(expected) == 4
    assert errors_of(book.bytes(), tracking) == expected
    assert errors_of(ods_of(bad_rows()), tracking) == expected
    # A row LibreOffice writes once with number-rows-repeated="2" is two rows, numbered apart.
    twice = [GOOD, ("repeat", 2, [*GOOD[:4], "1.2", "同一列兩次", *GOOD[6:]])]
    assert errors_of(ods_of(twice), tracking) == errors_of(
        xlsx_of([twice[0], twice[1][2], twice[1][2]]), tracking
    )
    assert errors_of(ods_of(twice), tracking) == ["第 4 列：推動作法編號「一（一）1. 1.2」與第 3 列重複。"]
    assert PlanVersion.objects.count() == 1


@pytest.mark.parametrize("blank_rows, found", [(8, True), (9, False)])
def test_the_header_row_is_looked_for_in_the_first_ten_rows_of_either(org, blank_rows, found):
    # A title row, blank rows, then the header row: row 10 is the last one looked at.
    for data in (
        xlsx_of([HEADERS, GOOD], headers=["計畫表"], blank_rows=blank_rows),
        ods_of([HEADERS, GOOD], headers=["計畫表"], blank_rows=blank_rows),
    ):
        if found:
            assert [r.line for r in read_rows(io.BytesIO(data))] == [blank_rows + 3]
        else:
            with pytest.raises(PlanImportError, match="找不到欄名列"):
                read_rows(io.BytesIO(data))


# ---------------------------------------------------------------- what the file is


def zipped(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


ODS_TYPE = b"application/vnd.oasis.opendocument.spreadsheet"
BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    b"<office:document-content>&b;</office:document-content>"
)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"not a workbook", "請上傳 Excel 活頁簿（.xlsx）或 ODF 試算表（.ods）"),
        (b"PK\x03\x04 garbage", "請上傳 Excel 活頁簿（.xlsx）或 ODF 試算表（.ods）"),
        # An OpenDocument text, not a spreadsheet.
        (zipped([("mimetype", b"application/vnd.oasis.opendocument.text")]), "請上傳 Excel 活頁簿"),
        (zipped([("mimetype", ODS_TYPE)]), "ODF 試算表（.ods）已損毀或設有密碼"),
        (zipped([("mimetype", ODS_TYPE), ("content.xml", b"<office:document-content><table")]), "已損毀"),
        (zipped([("mimetype", ODS_TYPE), ("content.xml", BOMB)]), "已損毀"),
        (
            zipped([("mimetype", ODS_TYPE), ("content.xml", b'<d xmlns:t="x"><t:table t:x="1"></d>')]),
            "已損毀",
        ),
    ],
)
def test_a_file_that_is_not_a_readable_spreadsheet_is_refused_in_chinese(org, data, message):
    with pytest.raises(PlanImportError) as raised:
        read_rows(io.BytesIO(data))
    assert raised.value.messages[0].startswith("檔案無法讀取：") and message in raised.value.messages[0]


def test_a_repeat_count_that_is_not_a_number_is_a_broken_file(org):
    with zipfile.ZipFile(io.BytesIO(ods_of([GOOD]))) as archive:
        members = [(name, archive.read(name)) for name in archive.namelist()]
    content = dict(members)["content.xml"]
    assert b'table:number-rows-repeated="1048574"' in content
    content = content.replace(b'table:number-rows-repeated="1048574"', b'table:number-rows-repeated="many"')
    data = zipped([(name, content if name == "content.xml" else body) for name, body in members])
    with pytest.raises(PlanImportError, match="已損毀"):
        read_rows(io.BytesIO(data))


def test_content_that_unpacks_too_large_is_refused_before_it_is_read(org, monkeypatch):
    monkeypatch.setattr(ods, "MAX_CONTENT_BYTES", 1000)
    with pytest.raises(PlanImportError, match="解壓縮後超過"):
        read_rows(io.BytesIO(ods_of([GOOD])))


def test_the_content_not_the_name_says_which_kind_it_is(login_as, seeded):
    client = login_as("tracking")
    ods_data = export_version_ods(seeded)
    for name, data, number in (
        ("計畫.ods", ods_data, 2),
        ("看似xlsx.xlsx", ods_data, 3),
        ("plan.ods", export_version(seeded), 4),
    ):
        response = client.post(
            "/plan/import/",
            {"year": "102", "note": "以 ODS 修正", "file": SimpleUploadedFile(name, data)},
        )
        assert response.status_code == 302 and response["Location"] == f"/plan/102/v{number}/", name
    assert version_changes(seeded, PlanVersion.objects.get(plan__roc_year=102, number=4)).unchanged
    html = client.get("/plan/import/").content.decode()
    assert 'accept=".xlsx,.ods"' in html
    response = client.post(
        "/plan/import/", {"year": "102", "note": "x", "file": SimpleUploadedFile("計畫.odt", ods_data)}
    )
    assert (
        "請上傳 Excel 活頁簿（.xlsx）或 ODF 試算表（.ods）；「計畫.odt」不是。" in response.content.decode()
    )


def test_the_import_page_shows_an_ods_files_row_errors(login_as, seeded):
    response = login_as("tracking").post(
        "/plan/import/",
        {"year": "102", "note": "有誤", "file": SimpleUploadedFile("有誤.ods", ods_of(bad_rows()))},
    )
    html = response.content.decode()
    assert "檔案有 4 個問題，未匯入任何資料" in html and "第 3 列：承辦單位「資訊組」不存在。" in html
    assert PlanVersion.objects.count() == 1
