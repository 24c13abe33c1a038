"""The generic export writer (governance.exports): cells, xlsx, ODS, CSV with BOM, the response.

Every test of an export reads its download back with tests.helpers' read_xlsx, read_ods and
read_csv.
"""

import csv
import datetime
import io
import zipfile
from decimal import Decimal
from urllib.parse import urlencode

import openpyxl
import pytest
from django.http import FileResponse, QueryDict, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from governance import exports, ods
from tests.helpers import BOM, body, download_name, read_csv, read_ods, read_xlsx

# ---------------------------------------------------------------- cells


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil","點我")',
        "+1-2",
        "-1+2",
        "@SUM(A1)",
        "\t=1+1",
        "\r=1+1",
        "=",
    ],
)
def test_formula_looking_text_gets_a_leading_quote(text):
    assert exports.cell(text) == "'" + text


@pytest.mark.parametrize(
    "text",
    [
        "自助借書機語音導引",
        "<script>alert(1)</script>",
        "1+1=2",
        " =1+1",
        "'already quoted",
        "",
        "＝全形等號",
        "a\n=1+1",
    ],
)
def test_other_text_is_written_as_it_is(text):
    assert exports.cell(text) == text


def test_numbers_stay_numbers_and_dates_become_roc():
    assert exports.cell(1200) == 1200 and exports.cell(-5) == -5
    assert exports.cell(Decimal("87.50")) == Decimal("87.50")
    assert exports.cell(datetime.date(2026, 3, 8)) == "115/03/08"
    # A datetime is written by its Taipei date: 16:30 UTC on the 7th is the 8th in Taipei.
    late = datetime.datetime(2026, 3, 7, 16, 30, tzinfo=datetime.timezone.utc)
    assert exports.cell(late) == "115/03/08"
    assert exports.cell(None) == ""
    assert exports.cell(datetime.date(1900, 1, 1)) == "1900-01-01"  # before 民國元年: no ROC form


def test_booleans_are_written_in_chinese_in_the_export():
    with translation.override("zh-hant"):
        assert (exports.cell(True), exports.cell(False)) == ("是", "否")


# ---------------------------------------------------------------- files


COLUMNS = [
    exports.Column(gettext_lazy("案號")),
    exports.Column(gettext_lazy("提案名稱"), 40),
    exports.Column(gettext_lazy("送出日期")),
    exports.Column(gettext_lazy("獎金（元）")),
]
ROWS = [
    ["115-0001", '=HYPERLINK("http://evil")', datetime.date(2026, 3, 8), 3000],
    ["115-0002", '閱覽室,座位\n預約 "系統"', None, 0],
    ["115-0003", "@SUM(A1)", datetime.date(2026, 12, 31), 1200],
]
EXPECTED = [
    ["案號", "提案名稱", "送出日期", "獎金（元）"],
    ["115-0001", '\'=HYPERLINK("http://evil")', "115/03/08", 3000],
    ["115-0002", '閱覽室,座位\n預約 "系統"', "", 0],
    ["115-0003", "'@SUM(A1)", "115/12/31", 1200],
]


def response_for(fmt, rows=ROWS, name=None):
    name = name or gettext_lazy("全部提案")
    return exports.export_response(QueryDict(f"format={fmt}"), name, COLUMNS, iter(rows))


def test_xlsx_reads_back_with_chinese_headers_roc_dates_and_no_formula():
    response = response_for("xlsx")
    assert read_xlsx(response) == EXPECTED
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    assert sheet.title == "全部提案"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:D4"
    assert sheet["A1"].font.b and sheet.column_dimensions["B"].width == 40


def test_ods_holds_the_same_cells_typed_text_or_number_with_the_xlsx_layout():
    response = response_for("ods")
    assert read_ods(response) == EXPECTED
    from odf.namespaces import TABLENS
    from odf.opendocument import load
    from odf.style import Style, TableColumnProperties, TextProperties
    from odf.table import DatabaseRange, Table, TableColumn, TableHeaderRows

    document = load(io.BytesIO(body(response)))
    table = document.spreadsheet.getElementsByType(Table)[0]
    assert table.getAttrNS(TABLENS, "name") == "全部提案"
    styles = {s.getAttribute("name"): s for s in document.automaticstyles.getElementsByType(Style)}
    # The header row: bold (Chinese text takes the Asian weight), repeated on printed pages.
    header = table.getElementsByType(TableHeaderRows)[0]
    first = header.firstChild.firstChild
    bold = styles[first.getAttrNS(TABLENS, "style-name")].getElementsByType(TextProperties)[0]
    assert bold.getAttribute("fontweightasian") == "bold" and bold.getAttribute("fontweight") == "bold"
    widths = [
        styles[c.getAttrNS(TABLENS, "style-name")].getElementsByType(TableColumnProperties)[0]
        for c in table.getElementsByType(TableColumn)
    ]
    assert [w.getAttribute("columnwidth") for w in widths] == ["3.15cm", "9.0cm", "3.15cm", "3.15cm"]
    (filter_range,) = document.spreadsheet.getElementsByType(DatabaseRange)
    assert filter_range.getAttribute("targetrangeaddress") == "'全部提案'.A1:'全部提案'.D4"
    assert filter_range.getAttribute("displayfilterbuttons") == "true"
    # The header row stays in view when LibreOffice opens the file.
    package = zipfile.ZipFile(io.BytesIO(body(response)))
    settings = package.read("settings.xml").decode()
    assert '<config:config-item-map-entry config:name="全部提案">' in settings
    assert 'config:name="VerticalSplitPosition" config:type="int">1<' in settings
    # What tells an ODF package by its content: its first member, stored, names its type.
    first_member = package.infolist()[0]
    assert (first_member.filename, first_member.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    assert package.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"


def test_csv_has_a_bom_crlf_lines_and_reads_back_the_same():
    response = response_for("csv")
    assert body(response).startswith(BOM + "案號,提案名稱".encode())
    assert b"\r\n115-0001," in body(response)
    rows = read_csv(response)
    assert rows == [[str(v) for v in row] for row in EXPECTED]


def test_both_formats_are_in_chinese_whatever_the_interface_language():
    with translation.override("en"):
        response = response_for("csv")
        assert read_csv(response)[0] == EXPECTED[0]
        assert read_xlsx(response_for("xlsx"))[0] == EXPECTED[0]
        assert read_ods(response_for("ods"))[0] == EXPECTED[0]
        assert download_name(response).startswith("全部提案_")


def test_download_name_is_chinese_with_the_roc_date_and_never_cached():
    today = timezone.localdate()
    response = response_for("xlsx")
    roc = f"{today.year - 1911}{today.month:02d}{today.day:02d}"
    assert download_name(response) == f"全部提案_{roc}.xlsx"
    assert download_name(response_for("csv")) == f"全部提案_{roc}.csv"
    assert download_name(response_for("ods")) == f"全部提案_{roc}.ods"
    assert "no-store" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"


def test_names_lose_characters_windows_and_excel_refuse():
    assert exports.file_name('計畫/115:"A"', "csv", datetime.date(2026, 3, 8)) == "計畫_115_A_1150308.csv"
    assert exports._sheet_name("第[1]版/推動作法?" + "字" * 40) == ("第 1 版 推動作法 " + "字" * 40)[:31]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_control_characters_and_over_long_text_do_not_break_the_file(fmt):
    rows = [["115-0001", "標題\x00\x0b含控制字元", None, 1], ["115-0002", "長" * 40000, None, 2]]
    values = (read_xlsx if fmt == "xlsx" else read_ods)(response_for(fmt, rows))
    assert values[1][1] == "標題含控制字元"
    assert len(values[2][1]) == exports.XLSX_CELL_LIMIT and values[2][1].endswith("…")


def test_no_rows_still_gives_the_header():
    assert read_xlsx(response_for("xlsx", [])) == [EXPECTED[0]]
    assert read_ods(response_for("ods", [])) == [EXPECTED[0]]
    assert read_csv(response_for("csv", [])) == [EXPECTED[0]]


@pytest.mark.parametrize("value", ["pdf", "xls", "<b>x</b>", "x" * 100])
def test_unknown_format_is_refused_in_chinese_before_any_row_is_read(value):
    def rows():
        raise AssertionError("rows read for a refused format")
        yield

    response = exports.export_response(QueryDict(urlencode({"format": value})), "名稱", COLUMNS, rows())
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "不支援的匯出格式" in text and "xlsx" in text and "ods" in text and "csv" in text
    assert len(text) < 100  # the value typed is echoed cut short


def test_format_defaults_to_xlsx_and_ignores_case():
    assert exports.requested_format(QueryDict("")) == "xlsx"
    assert exports.requested_format(QueryDict("format=CSV")) == "csv"
    assert exports.requested_format(QueryDict("format=ods")) == "ods"


def test_export_links_keep_every_filter_and_set_the_format():
    links = exports.export_links(
        QueryDict("state=closed&q=%E5%80%9F%E6%9B%B8&format=pdf"), "/proposals/all/export/"
    )
    assert links["xlsx"] == "/proposals/all/export/?state=closed&q=%E5%80%9F%E6%9B%B8&format=xlsx"
    assert links["csv"].endswith("&format=csv") and links["ods"].endswith("&format=ods")
    assert exports.export_links(QueryDict(""), "/x/") == {
        "xlsx": "/x/?format=xlsx",
        "ods": "/x/?format=ods",
        "csv": "/x/?format=csv",
    }


# ---------------------------------------------------------------- long lists


class CountedRows:
    """`count` rows, numbered, counting how many have been read."""

    def __init__(self, count):
        self.count = count
        self.read = 0

    def __iter__(self):
        for n in range(self.count):
            self.read += 1
            yield [f"115-{n:05d}", f"提案 {n}", datetime.date(2026, 3, 8), n]


def test_csv_streams_block_by_block_reading_rows_only_as_it_is_sent():
    rows = CountedRows(5 * exports.CSV_BLOCK_ROWS + 3)
    response = exports.export_response(QueryDict("format=csv"), "名稱", COLUMNS, rows)
    assert isinstance(response, StreamingHttpResponse) and response.streaming
    assert rows.read == 0  # nothing is read before the server sends the body
    chunks = iter(response.streaming_content)
    first = next(chunks)
    assert first.startswith(BOM + "案號,".encode()) and rows.read <= exports.CSV_BLOCK_ROWS + 1
    rest = list(chunks)
    assert len(rest) == 5 and rows.read == rows.count
    parsed = list(csv.reader(io.StringIO(b"".join([first, *rest]).decode("utf-8-sig"), newline="")))
    assert parsed[0] == EXPECTED[0]
    assert parsed[1:] == [[f"115-{n:05d}", f"提案 {n}", "115/03/08", str(n)] for n in range(rows.count)]


def test_csv_rows_are_written_in_chinese_even_when_read_in_another_language():
    response = exports.export_response(QueryDict("format=csv"), "名稱", COLUMNS, iter([["1", True, None, 1]]))
    with translation.override("en"):
        rows = read_csv(response)
        assert translation.get_language() == "en"  # the export's language does not leak out
    assert rows[1][1] == "是"


# Closing a response sends request_finished, which closes the database connections an earlier
# module may have left open: pytest-django allows that only to tests marked for the database.
@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_spreadsheets_are_sent_from_a_nameless_temporary_file(fmt):
    rows = CountedRows(1000)
    response = response_for(fmt, rows)
    assert isinstance(response, FileResponse) and rows.read == 1000
    assert not isinstance(response.file_to_stream.name, str)  # no path: unlinked from the start
    data = body(response)
    assert int(response["Content-Length"]) == len(data)
    values = (read_xlsx if fmt == "xlsx" else read_ods)(response)
    assert len(values) == 1001 and values[-1] == ["115-00999", "提案 999", "115/03/08", 999]
    response.close()
    assert response.file_to_stream.closed


def test_ods_keeps_the_styles_only_its_rows_use():
    # The plan's workbook wraps its data rows: the style lives only on rows written to disk.
    from odf.namespaces import TABLENS
    from odf.opendocument import load
    from odf.style import Style
    from odf.table import TableCell

    book = ods.Workbook()
    wrap = book.style("wrap", wrap=True)
    sheet = book.add_sheet("表", [10, 10])
    sheet.append(["一", None], style=wrap)
    document = load(io.BytesIO(book.bytes()))
    names = {s.getAttribute("name") for s in document.automaticstyles.getElementsByType(Style)}
    assert "wrap" in names
    cells = document.spreadsheet.getElementsByType(TableCell)
    assert [c.getAttrNS(TABLENS, "style-name") for c in cells] == ["wrap", "wrap"]
