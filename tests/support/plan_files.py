"""Plan spreadsheets for the import tests, in both formats: the same sheet as xlsx (openpyxl)
and as ODS written the way LibreOffice writes one (odfpy): merged cells as spanned and covered
cells, rows and cells repeated with number-rows-repeated / number-columns-repeated, date and
number cells, comments, several paragraphs in a cell."""

import datetime
import io
from dataclasses import replace

from odf.number import DateStyle, Day, Month, Year
from odf.number import Text as NumberText
from odf.office import Annotation
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style
from odf.table import CoveredTableCell, Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook

from plan.xlsx import HEADERS


def with_lines(rows):
    """Rows compared with where they came from (PlanRow leaves `line` out of ==)."""
    return [(row, row.line) for row in rows]


def canonical(rows):
    """Rows compared as data: the units as a set (a cell lists them in its own order)."""
    return [replace(row, unit_codes=tuple(sorted(row.unit_codes))) for row in rows]


def xlsx_of(rows, headers=HEADERS, merges=(), blank_rows=0):
    """An xlsx sheet: headers, `blank_rows` empty rows, then `rows`; merged ranges as Excel
    keeps them (the value in the first cell only)."""
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for _ in range(blank_rows):
        sheet.append([])
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ods_of(rows, headers=HEADERS, blank_rows=0):
    """The same sheet as ODS, written as LibreOffice writes one. A cell of `rows` is a value
    (str, float, datetime.date), None, COVERED (hidden by a merge), or a dict of
    TableCell attributes and its "value"; a row may be ("repeat", n, row)."""
    document = OpenDocumentSpreadsheet()
    # A date cell has a date style, as LibreOffice gives it: without one, LibreOffice saves the
    # date into an xlsx as the plain number of days.
    date_style = DateStyle(name="N37")
    for part in (
        Year(style="long"),
        NumberText(text="/"),
        Month(style="long"),
        NumberText(text="/"),
        Day(style="long"),
    ):
        date_style.addElement(part)
    document.automaticstyles.addElement(date_style)
    document.automaticstyles.addElement(Style(name=DATE_CELL, family="table-cell", datastylename="N37"))
    table = Table(name="推動作法")
    for row in [list(headers), *([("blank", blank_rows)] if blank_rows else []), *rows]:
        table.addElement(_ods_row(row))
    # LibreOffice ends a sheet with its last rows, empty and repeated to the sheet's end.
    table.addElement(_ods_row(("blank", 1048576 - len(rows) - blank_rows - 1)))
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


COVERED = object()
DATE_CELL = "ce-date"


def _ods_row(row):
    if isinstance(row, tuple) and row[0] == "blank":
        element = TableRow(numberrowsrepeated=row[1])
        element.addElement(TableCell(numbercolumnsrepeated=1024))
        return element
    repeat = 1
    if isinstance(row, tuple) and row[0] == "repeat":
        _, repeat, row = row
    element = TableRow(numberrowsrepeated=repeat) if repeat > 1 else TableRow()
    for value in row:
        element.addElement(_ods_cell(value))
    # The rest of the row: empty cells repeated to the sheet's last column.
    element.addElement(TableCell(numbercolumnsrepeated=1024 - len(row)))
    return element


def _ods_cell(value):
    if value is COVERED:
        return CoveredTableCell()
    attributes = {}
    if isinstance(value, dict):
        attributes = {k: v for k, v in value.items() if k not in ("value", "comment")}
        comment, value = value.get("comment"), value.get("value")
    else:
        comment = None
    if value is None:
        return TableCell(**attributes)
    if isinstance(value, datetime.date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat(), stylename=DATE_CELL, **attributes)
        cell.addElement(P(text=value.strftime("%Y/%m/%d")))
    elif isinstance(value, float):
        cell = TableCell(valuetype="float", value=repr(value), **attributes)
        cell.addElement(P(text=repr(value)))
    else:
        cell = TableCell(valuetype="string", **attributes)
        for line in value.split("\n"):
            cell.addElement(P(text=line))
    if comment:
        note = Annotation()
        note.addElement(P(text=comment))
        cell.addElement(note)
    return cell


MERGED_ROWS = [
    [
        "一、服務流程",
        "（一）服務流程便捷性",
        "1.",
        "單一窗口",
        "1.1",
        "甲",
        "102 年 3、6 月",
        "2013-03-31、102年6月30日",
        "閱覽典藏組、reference",
    ],
    [None, None, None, None, "1.2", "乙\n第二行", None, datetime.datetime(2013, 12, 31), "採編組"],
    [None, None, "2.", "流程簡化", 2.1, "丙", None, None, None],
    [None, "（二）服務流程透明度", "1.", "查詢公開", "1.1", "丁", "丁", None, None],
    ["二、機關形象", "（一）服務場所便利性", None, "洽公環境", "1.1", "戊", None, None, "中山樓"],
]
# 實施要項 merged over the first four rows, 構面 over three, the first item over two.
MERGES = ["A4:A7", "B4:B6", "C4:C5", "D4:D5"]


def merged_ods():
    """MERGED_ROWS as LibreOffice writes them: spanned and covered cells, a date cell, a
    number, two paragraphs, a comment, two equal cells as one repeated cell."""
    a, b, c, d, e, f, g, h = range(8)
    rows = [list(row) for row in MERGED_ROWS]
    rows[0][a] = {"value": rows[0][a], "numberrowsspanned": 4}
    rows[0][b] = {"value": rows[0][b], "numberrowsspanned": 3}
    rows[0][c] = {"value": rows[0][c], "numberrowsspanned": 2}
    rows[0][d] = {"value": rows[0][d], "numberrowsspanned": 2}
    rows[1][a:e] = [COVERED] * 4
    rows[1][h] = datetime.date(2013, 12, 31)
    rows[2][a : b + 1] = [COVERED, COVERED]
    rows[2][f] = {"value": "丙", "comment": "這是註解，不是內容"}
    rows[3][a] = COVERED
    rows[3][f : g + 1] = [{"value": "丁", "numbercolumnsrepeated": 2}]
    return ods_of(rows, blank_rows=2)


GOOD = [
    "一、服務流程",
    "（一）服務流程便捷性",
    "1.",
    "單一窗口服務全功能程度",
    "1.1",
    "讀者辦證",
    "102 年 3 月",
    "102/03/31",
    "閱覽組",
]


def bad_rows():
    def practice(number, text, deadline_text="102 年 3 月", dates="102/03/31", units="閱覽組"):
        return [*GOOD[:4], number, text, deadline_text, dates, units]

    return [
        GOOD,
        practice("1.2", "分齡分眾", units="閱覽組 資訊組"),
        practice("1.3", "線上整合", "102 年 13 月", "102/13/01"),
        practice("1.4", None, None, None, None),
        practice("1.1", "重複的編號", None, None, None),
    ]
