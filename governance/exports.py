"""Lists as spreadsheets: rows with Chinese headers to xlsx (openpyxl), ODS (odfpy, through
governance.ods) or CSV, and the HTTP download of each.

Every list that offers an export builds its rows with the same selector and filter code
as its page, then hands them here. What is written:

- text cells that a spreadsheet would read as a formula (starting with =, +, -, @, a tab
  or a carriage return) get a leading single quote, in every format, so Excel and
  LibreOffice show them as text and never evaluate them (CSV/formula injection); xlsx and
  ODS cells are typed text or number, never formulas;
- dates as ROC dates (115/03/08; datetimes by their Taipei date), numbers as numbers;
- CSV in UTF-8 with a byte-order mark, which Excel needs to read Chinese without mojibake.

The file circulates in the agency and is read by people of every unit, so it is always in
Chinese, whatever language the person who downloads it uses on screen.
"""

import csv
import datetime
import io
import itertools
import re
import tempfile
from decimal import Decimal
from typing import NamedTuple

from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from . import ods
from .rocdate import ROCDateError, format_roc_short, today_taipei
from .text import clean_text

FORMAT_PARAM = "format"
DEFAULT_FORMAT = "xlsx"
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": ods.MIMETYPE,
    "csv": "text/csv; charset=utf-8",
}
EXPORT_LANGUAGE = "zh-hant"

# What a spreadsheet may take for the start of a formula (OWASP's CSV injection list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Excel refuses a cell longer than this; openpyxl would write it and Excel call the file broken.
# The ODS is cut at the same length: it holds what the xlsx holds, and may be saved as xlsx.
XLSX_CELL_LIMIT = 32767
# Control characters XML 1.0 cannot hold: openpyxl raises on them (a 500) if they are left in.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Characters Windows does not allow in a file name, and those a sheet name may not hold.
_FILE_NAME_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
_SHEET_NAME_UNSAFE = re.compile(r"[\\/:*?\[\]]+")
SHEET_NAME_LIMIT = 31
# Rows read from the database at a time by the lists' export rows (QuerySet.iterator's
# chunk_size): the lookups a row needs are made once per chunk.
CHUNK_SIZE = 500
# Rows per block of a streamed CSV (a few tens of kilobytes), and bytes per block of a file sent.
CSV_BLOCK_ROWS = 200
FILE_BLOCK = 1 << 16


class Column(NamedTuple):
    header: str  # a gettext_lazy string: resolved in Chinese when the file is written
    width: int = 14  # xlsx column width, in characters


class ExportFormatError(ValueError):
    """A format the exports do not write; the message is for people."""


def requested_format(query):
    """The format asked for in the query string (?format=xlsx, ods or csv); xlsx when absent."""
    value = (query.get(FORMAT_PARAM) or DEFAULT_FORMAT).strip().lower()
    if value not in CONTENT_TYPES:
        shown = value if len(value) <= 20 else value[:20] + "…"
        raise ExportFormatError(
            _("不支援的匯出格式「%(format)s」：請選擇 xlsx（Excel）、ods（ODF 試算表）或 csv。")
            % {"format": shown}
        )
    return value


def export_links(query, url):
    """{"xlsx": href, "ods": href, "csv": href}: the list's export, carrying the list's current
    filters."""
    links = {}
    for fmt in CONTENT_TYPES:
        params = query.copy()  # request.GET: a mutable copy
        params[FORMAT_PARAM] = fmt
        links[fmt] = f"{url}?{params.urlencode()}"
    return links


def in_chunks(queryset, size=None):
    """The queryset's objects as lists of `size` (CHUNK_SIZE), read through one cursor
    (QuerySet.iterator): for rows that need a lookup made once per chunk."""
    size = size or CHUNK_SIZE
    objects = queryset.iterator(chunk_size=size)
    while chunk := list(itertools.islice(objects, size)):
        yield chunk


# ---------------------------------------------------------------- cells


def neutralise(text):
    """Text a spreadsheet would evaluate gets a leading ' so it stays text. Control characters
    go first: "\x01=HYPERLINK(…)" checked as it is would pass, and become a live formula
    once the writer dropped the \x01 that XML cannot hold."""
    text = clean_text(text)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def roc_date(value):
    """115/03/08 (a datetime by its Taipei date); ISO for the rare date before 民國元年."""
    try:
        return format_roc_short(value)
    except ROCDateError:
        return value.isoformat() if hasattr(value, "isoformat") else str(value)


def cell(value):
    """The value as written: numbers stay numbers, everything else becomes safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return roc_date(value)
    return neutralise(str(value))


# ---------------------------------------------------------------- writers


def _sheet_name(name):
    cleaned = _SHEET_NAME_UNSAFE.sub(" ", str(name)).strip(" '") or "Sheet1"
    return cleaned[:SHEET_NAME_LIMIT]


def _sheet_text(value):
    """A cell for xlsx and ODS: control characters out, cut at Excel's limit, "" empty."""
    if not isinstance(value, str):
        return value
    if not value:
        return None  # an empty cell, not an empty inline string
    value = _XLSX_ILLEGAL.sub("", value)
    if len(value) > XLSX_CELL_LIMIT:
        value = value[: XLSX_CELL_LIMIT - 1] + "…"
    return value


def write_xlsx(columns, rows, sheet_name, fileobj):
    """One sheet: a bold header row that stays in view and filters, then the rows; written
    to `fileobj` (a binary file)."""
    # openpyxl loads only when a sheet is written: CSV downloads and other pages never pay for it.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    # Write-only: each row goes to a temporary file as it is appended (strings inline, no
    # shared-string table), so memory does not grow with the rows.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_name(sheet_name))
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in columns:
        c = WriteOnlyCell(sheet, value=_sheet_text(cell(column.header)))
        c.font = bold
        header.append(c)
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([_sheet_text(cell(value)) for value in row])
        count += 1
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    workbook.save(fileobj)


def write_ods(columns, rows, sheet_name, fileobj):
    """The same sheet as write_xlsx in OpenDocument: bold header row kept in view and
    repeated on printed pages, filter buttons, the same column widths and cells."""
    book = ods.Workbook()
    bold = book.style("header", bold=True)
    sheet = book.add_sheet(_sheet_name(sheet_name), [c.width for c in columns], freeze_header=True)
    sheet.append([_sheet_text(cell(column.header)) for column in columns], style=bold, header=True)
    for row in rows:
        sheet.append([_sheet_text(cell(value)) for value in row])
    sheet.auto_filter()
    book.save(fileobj)


def csv_chunks(columns, rows):
    """The CSV, a block of CSV_BLOCK_ROWS rows at a time: UTF-8 with a byte-order mark and
    CRLF line ends, what Excel opens as Chinese text.

    A generator read by the server after the view has returned: the rows (and the queries
    behind them) are read here, block by block, in Chinese whatever the language around."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")  # the byte-order mark, as the file's first bytes
    with translation.override(EXPORT_LANGUAGE):
        writer.writerow([cell(column.header) for column in columns])
    rows = iter(rows)
    while True:
        # The language is set while rows are read, not across the yield: between two blocks
        # the thread belongs to whoever reads the response.
        with translation.override(EXPORT_LANGUAGE):
            for row in itertools.islice(rows, CSV_BLOCK_ROWS):
                writer.writerow([cell(value) for value in row])
        data = buffer.getvalue()
        if not data:
            return
        yield data.encode("utf-8")
        buffer.seek(0)
        buffer.truncate()


def file_name(name, fmt, day=None):
    """全部提案_1150308.xlsx: the list's name and the ROC date it was made."""
    day = day or today_taipei()
    stem = _FILE_NAME_UNSAFE.sub("_", str(name)).strip(" ._") or "export"
    return f"{stem}_{roc_date(day).replace('/', '')}.{fmt}"


def export_response(query, name, columns, rows):
    """The download of `rows` (an iterable, read only once the format is known to be good)
    in the format the query string asks for, or a 400 naming the formats there are.

    Nothing holds the whole list: the CSV streams (its rows are read as the response is
    sent); xlsx and ODS are written row by row to a temporary file, then sent from it. So
    `rows` should read the database in chunks (QuerySet.iterator(chunk_size=…)), with any
    lookup made once per chunk.

    `name` (the file and sheet name) is a lazy string or a function returning one; either
    way it is resolved, like the headers and the rows, in Chinese.
    """
    try:
        fmt = requested_format(query)
    except ExportFormatError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    with translation.override(EXPORT_LANGUAGE):
        name = name() if callable(name) else str(name)
        filename = file_name(name, fmt)
        if fmt == "csv":
            response = StreamingHttpResponse(csv_chunks(columns, rows), content_type=CONTENT_TYPES[fmt])
        else:
            response = _file_response(fmt, columns, rows, name)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    # Lists name people and cases: no shared cache may keep a copy.
    add_never_cache_headers(response)
    return response


def _file_response(fmt, columns, rows, name):
    """A spreadsheet package can only be finished once every row is in (the zip's directory
    comes last, the filter range counts the rows): it is written to a temporary file, which
    the response then sends block by block and closes. The file has no name on disk (Linux
    unlinks it at once), so nothing is left behind whatever becomes of the request."""
    spool = tempfile.TemporaryFile()
    try:
        (write_xlsx if fmt == "xlsx" else write_ods)(columns, rows, name, spool)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    response = FileResponse(spool, content_type=CONTENT_TYPES[fmt])
    response.block_size = FILE_BLOCK
    return response


def bad_filters(form):
    """400 with every error of the export's filter form, in one line."""
    errors = "；".join(str(e) for field_errors in form.errors.values() for e in field_errors)
    return HttpResponseBadRequest(
        _("匯出條件有誤：%(errors)s") % {"errors": errors}, content_type="text/plain; charset=utf-8"
    )
