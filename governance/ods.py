"""Spreadsheets in OpenDocument format (.ods, ODF 1.2; CNS 15251 is ODF): written with odfpy,
read back with a streaming parser; and telling an .ods from an .xlsx by its content.

Why odfpy (pinned in requirements.txt): it is the OpenDocument library of Python (maintained
by the European Environment Agency, pure Python, one dependency: defusedxml) and writes every
part of the package (manifest, styles, settings) by the ODF schema. ezodf, and pyexcel-ods3
built on a fork of it, bring lxml and have seen little maintenance.

Writing: odfpy builds every part of the package but the rows (styles, columns, settings,
filter ranges, manifest); each row is written here as XML the moment it is appended, to a
temporary file, and spliced into content.xml when the package is written, so a long export
holds one row in memory, not a tree of odfpy objects per cell. Every cell gets an explicit
type: text is office:value-type="string", numbers "float"; nothing is ever written as a formula. Text that a
spreadsheet would take for a formula is neutralised by the callers, as for xlsx and CSV
(governance.exports.neutralise), so the three formats hold the same text.

Reading (the plan import): odfpy's own load() builds an object per cell of the whole document,
loads every picture, and when content.xml is not well-formed prints it to stdout and returns an
empty document, which would read as "no header row" rather than "broken file". So the first
sheet is read here from content.xml, streaming, through defusedxml (the XML guard odfpy itself
uses: no entity expansion, no DTD). Rows and cells repeated with number-rows-repeated /
number-columns-repeated are expanded, trailing empty ones are not; covered cells (the hidden
part of merged cells) read as what they hold, normally nothing, as openpyxl reads the cells a
merge hides in an xlsx.
"""

import datetime
import io
import math
import re
import shutil
import tempfile
import zipfile
from decimal import Decimal
from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_SIGNATURE = b"PK\x03\x04"

# content.xml of a plan of a hundred practices is ~300 kB; past this it is not a plan but a
# decompression bomb, and is refused before it is parsed.
MAX_CONTENT_BYTES = 64 * 1024 * 1024
# Rows are copied from a sheet's temporary file into the package in blocks of this size.
COPY_BLOCK = 1 << 16
# Columns read per row: far beyond any table we import; a repeat count past it is not expanded.
MAX_COLUMNS = 1024

# Control characters XML 1.0 cannot hold: a file with one in it does not open.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")
_SPACES_AND_TABS = re.compile(r"( +|\t)")

# An xlsx column width unit (the width of a digit) in centimetres, as LibreOffice converts it:
# a column is as wide in the ODS as in the xlsx.
CM_PER_CHARACTER = 0.225


class OdsReadError(Exception):
    """The file is not a readable ODS spreadsheet; `reason` is "broken" or "too_large"."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


# ---------------------------------------------------------------- which kind of file


def spreadsheet_kind(fileobj):
    """Which spreadsheet the file is, from its content, not its name: "ods", "xlsx", or None
    (not one we read). Both are ZIP packages; an ODF one names its type in its first member,
    "mimetype"; an Office Open XML one has [Content_Types].xml and xl/workbook.xml. The file
    is left at its start."""
    fileobj.seek(0)
    try:
        if fileobj.read(4) != ZIP_SIGNATURE:
            return None
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size > 200:
                    return None
                mimetype = archive.read(info).decode("ascii", "replace").strip()
                return "ods" if mimetype == MIMETYPE else None
            if "xl/workbook.xml" in names or "[Content_Types].xml" in names:
                return "xlsx"
            return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError, ValueError):
        return None
    finally:
        fileobj.seek(0)


# ---------------------------------------------------------------- writing


def _paragraphs_xml(text):
    """The text as text:p elements, one per line, keeping what ODF would otherwise collapse:
    runs of spaces, leading and trailing spaces (text:s) and tabs (text:tab)."""
    paragraphs = []
    for line in _LINE_BREAKS.split(text):
        parts = [part for part in _SPACES_AND_TABS.split(line) if part]
        out = []
        for index, part in enumerate(parts):
            if part == "\t":
                out.append("<text:tab/>")
            elif part[0] == " ":
                inside = 0 < index < len(parts) - 1
                if len(part) == 1 and inside:
                    out.append(" ")
                else:
                    out.append(f'<text:s text:c="{len(part)}"/>')
            else:
                out.append(escape(part))
        paragraphs.append(f"<text:p>{''.join(out)}</text:p>" if out else "<text:p/>")
    return "".join(paragraphs)


def _number_text(value):
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _empty_cells(count):
    if count > 1:
        return f'<table:table-cell table:number-columns-repeated="{count}"/>'
    return "<table:table-cell/>"


def _cell_xml(value, style):
    """A typed cell as XML, or None for an empty one without a style."""
    style_attribute = f" table:style-name={quoteattr(style)}" if style else ""
    if value is None or value == "":
        return f"<table:table-cell{style_attribute}/>" if style else None
    if isinstance(value, bool):
        raise TypeError("write booleans as text (是／否), as the exports do")
    if isinstance(value, (int, float, Decimal)):
        finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
        if not finite:
            value = str(value)
        else:
            text = escape(_number_text(value))
            return (
                f'<table:table-cell office:value-type="float" office:value="{text}"{style_attribute}>'
                f"<text:p>{text}</text:p></table:table-cell>"
            )
    if not isinstance(value, str):
        raise TypeError(f"no ODS cell for {type(value).__name__}: convert it to text first")
    text = _XML_ILLEGAL.sub("", value)
    return (
        f'<table:table-cell office:value-type="string"{style_attribute}>'
        f"{_paragraphs_xml(text)}</table:table-cell>"
    )


def _row_xml(values, style):
    parts = ["<table:table-row>"]
    empty = 0
    for value in values:
        cell = _cell_xml(value, style)
        if cell is None:
            empty += 1
            continue
        if empty:
            parts.append(_empty_cells(empty))
            empty = 0
        parts.append(cell)
    if empty:
        parts.append(_empty_cells(empty))
    parts.append("</table:table-row>")
    return "".join(parts)


class Sheet:
    """One table of a Workbook. Rows are appended as lists of str, int, float, Decimal or
    None; each is written out as XML at once, to a temporary file of the sheet's own, and
    copied from there into the package when the workbook is saved: a sheet of 30,000 rows
    holds no more memory than one of ten."""

    def __init__(self, book, table, name, columns):
        self._book = book
        self._table = table
        self._spool = tempfile.TemporaryFile()
        self.name = name
        self.columns = columns
        self.rows = 0

    def append(self, values, style=None, header=False):
        if style is not None and style not in self._book._styles:
            raise KeyError(f"no cell style {style!r}: make it with Workbook.style() first")
        row = _row_xml(values, style)
        if header:
            # Header rows are repeated on each printed page.
            row = f"<table:table-header-rows>{row}</table:table-header-rows>"
        self._spool.write(row.encode("utf-8"))
        self.rows += 1

    def auto_filter(self):
        """Filter buttons on the header row over every row written so far."""
        from odf.table import DatabaseRange

        if not self.columns or not self.rows:
            return
        quoted = "'" + self.name.replace("'", "''") + "'"
        last = _column_letters(len(self.columns)) + str(self.rows)
        self._book._database_ranges.append(
            DatabaseRange(
                name=f"__Anonymous_Sheet_DB__{len(self._book._database_ranges)}",
                targetrangeaddress=f"{quoted}.A1:{quoted}.{last}",
                displayfilterbuttons="true",
            )
        )


def _column_letters(number):
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


class Workbook:
    """An ODS document built sheet by sheet, row by row; save() writes the file, bytes()
    gives it.

    odfpy builds every part of the package but the rows (styles, columns, settings, filter
    ranges, manifest): a few kilobytes. The rows are XML written here (Sheet.append), kept
    on disk, and spliced into content.xml as it is compressed into the package."""

    def __init__(self):
        from odf.opendocument import OpenDocumentSpreadsheet

        self.doc = OpenDocumentSpreadsheet()
        self._styles = {}
        self._column_styles = {}
        self._frozen = []
        self._database_ranges = []
        self._sheets = []

    def style(self, name, *, bold=False, fill=None, wrap=False):
        """A cell style for append(…, style=name)."""
        from odf.style import Style, TableCellProperties, TextProperties

        style = Style(name=name, family="table-cell")
        cell_properties = {}
        if fill:
            cell_properties["backgroundcolor"] = fill
        if wrap:
            cell_properties.update(wrapoption="wrap", verticalalign="top")
        if cell_properties:
            style.addElement(TableCellProperties(**cell_properties))
        if bold:
            # Chinese text takes the Asian font's weight: all three scripts are bold.
            style.addElement(
                TextProperties(fontweight="bold", fontweightasian="bold", fontweightcomplex="bold")
            )
        self.doc.automaticstyles.addElement(style)
        self._styles[name] = style
        return name

    def _column_style(self, width):
        from odf.style import Style, TableColumnProperties

        key = round(width * CM_PER_CHARACTER, 2)
        if key not in self._column_styles:
            style = Style(name=f"co{len(self._column_styles) + 1}", family="table-column")
            style.addElement(TableColumnProperties(columnwidth=f"{key}cm"))
            self.doc.automaticstyles.addElement(style)
            self._column_styles[key] = style
        return self._column_styles[key]

    def add_sheet(self, name, widths, *, freeze_header=False):
        """A sheet whose columns are `widths` characters wide (as xlsx widths)."""
        from odf.table import Table, TableColumn

        table = Table(name=name)
        for width in widths:
            table.addElement(TableColumn(stylename=self._column_style(width)))
        self.doc.spreadsheet.addElement(table)
        if freeze_header:
            self._frozen.append(name)
        sheet = Sheet(self, table, name, list(widths))
        self._sheets.append(sheet)
        return sheet

    def _settings(self):
        """The first row of each sheet asked for stays in view (LibreOffice's view settings)."""
        from odf.config import (
            ConfigItem,
            ConfigItemMapEntry,
            ConfigItemMapIndexed,
            ConfigItemMapNamed,
            ConfigItemSet,
        )

        if not self._frozen:
            return
        tables = ConfigItemMapNamed(name="Tables")
        for name in self._frozen:
            entry = ConfigItemMapEntry(name=name)
            for key, kind, value in (
                ("VerticalSplitMode", "short", "2"),
                ("VerticalSplitPosition", "int", "1"),
                ("ActiveSplitRange", "short", "2"),
                ("PositionTop", "int", "0"),
                ("PositionBottom", "int", "1"),
            ):
                item = ConfigItem(name=key, type=kind)
                item.addText(value)
                entry.addElement(item)
            tables.addElement(entry)
        view = ConfigItemMapEntry()
        view_id = ConfigItem(name="ViewId", type="string")
        view_id.addText("view1")
        view.addElement(view_id)
        view.addElement(tables)
        views = ConfigItemMapIndexed(name="Views")
        views.addElement(view)
        settings = ConfigItemSet(name="ooo:view-settings")
        settings.addElement(views)
        self.doc.settings.addElement(settings)

    def save(self, fileobj):
        """Writes the .ods to `fileobj` (open for binary writing, seekable) and closes the
        sheets' temporary files: the workbook is written once."""
        from odf.table import DatabaseRanges

        if self._database_ranges:
            ranges = DatabaseRanges()
            for database_range in self._database_ranges:
                ranges.addElement(database_range)
            self.doc.spreadsheet.addElement(ranges)
        self._settings()
        # Every part as odfpy writes it, the sheets still without rows: a few kilobytes.
        parts = io.BytesIO()
        self.doc.write(parts)
        try:
            with zipfile.ZipFile(parts) as source, zipfile.ZipFile(fileobj, "w") as package:
                for info in source.infolist():
                    copy = zipfile.ZipInfo(info.filename, info.date_time)
                    copy.compress_type = info.compress_type
                    copy.external_attr = info.external_attr
                    if info.filename == "content.xml":
                        with package.open(copy, "w") as out:
                            self._write_content(out)
                    else:
                        package.writestr(copy, source.read(info))
        finally:
            for sheet in self._sheets:
                sheet._spool.close()

    def bytes(self):
        buffer = io.BytesIO()
        self.save(buffer)
        return buffer.getvalue()

    def _write_content(self, out):
        """content.xml as odfpy's contentxml() writes it, with each sheet's rows copied in
        from its temporary file before the table closes. Every automatic style is written
        (odfpy's own writer keeps only those the elements it holds use, and the rows are
        not among them)."""
        from odf.namespaces import OFFICENS, TABLENS, TEXTNS
        from odf.office import AutomaticStyles, DocumentContent

        root = DocumentContent()
        for namespace in (OFFICENS, TABLENS, TEXTNS):  # the rows' prefixes, declared on the root
            root.get_nsprefix(namespace)
        head = io.StringIO()
        head.write("<?xml version='1.0' encoding='UTF-8'?>\n")
        root.write_open_tag(0, head)
        automatic = AutomaticStyles()
        automatic.write_open_tag(1, head)
        for style in self.doc.automaticstyles.childNodes:
            style.toXml(2, head)
        automatic.write_close_tag(1, head)
        self.doc.body.toXml(1, head)
        root.write_close_tag(0, head)
        # The tables hold only their columns here: the rows go before each one's end tag.
        pieces = head.getvalue().encode("utf-8").split(b"</table:table>")
        if len(pieces) != len(self._sheets) + 1:
            raise AssertionError("a table inside a table: the sheets' rows have no single place")
        out.write(pieces[0])
        for sheet, piece in zip(self._sheets, pieces[1:], strict=True):
            sheet._spool.seek(0)
            shutil.copyfileobj(sheet._spool, out, COPY_BLOCK)
            out.write(b"</table:table>")
            out.write(piece)


# ---------------------------------------------------------------- reading

_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE_TAG = _TABLE + "table"
_ROW = _TABLE + "table-row"
_CELLS = (_TABLE + "table-cell", _TABLE + "covered-table-cell")
_PARAGRAPHS = (_TEXT + "p", _TEXT + "h")
# Inside a paragraph: what is not the cell's text (a comment, a footnote, a tracked change).
_NOT_TEXT = (_OFFICE + "annotation", _TEXT + "note", _TEXT + "tracked-changes", _TEXT + "deletion")
_NUMBER_TYPES = ("float", "percentage", "currency")
_INTEGER = re.compile(r"^-?\d+$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?)?$")


def _count(element, attribute, limit):
    try:
        number = int(element.get(_TABLE + attribute, "1"))
    except ValueError:
        raise OdsReadError("broken") from None
    return max(1, min(number, limit))


def _paragraph_text(element, out):
    # Text is taken as written, as LibreOffice reads it (and odfpy's teletype): the ODF rule
    # that runs of spaces collapse is not LibreOffice's, which writes "a  b" literally in a
    # cell of several paragraphs.
    if element.text:
        out.append(element.text)
    for child in element:
        tag = child.tag
        if tag == _TEXT + "s":
            out.append(" " * _count_spaces(child))
        elif tag == _TEXT + "tab":
            out.append("\t")
        elif tag == _TEXT + "line-break":
            out.append("\n")
        elif tag not in _NOT_TEXT and not tag.startswith("{urn:oasis:names:tc:opendocument:xmlns:drawing"):
            _paragraph_text(child, out)
        if child.tail:
            out.append(child.tail)


def _count_spaces(element):
    try:
        return max(1, min(int(element.get(_TEXT + "c", "1")), 10_000))
    except ValueError:
        return 1


def _cell_text(cell):
    paragraphs = []
    for child in cell:
        if child.tag in _PARAGRAPHS:
            out = []
            _paragraph_text(child, out)
            paragraphs.append("".join(out))
    return "\n".join(paragraphs)


def _number(text):
    if text is None:
        return None
    text = text.strip()
    if _INTEGER.match(text):
        return int(text)
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _date(text):
    match = _DATE.match((text or "").strip())
    if not match:
        return None
    try:
        return datetime.datetime(*(int(part) for part in match.groups() if part is not None))
    except ValueError:
        return None


def cell_value(cell):
    """The cell as openpyxl gives an xlsx cell: str, int, float, datetime, bool or None."""
    kind = cell.get(_OFFICE + "value-type")
    if kind in _NUMBER_TYPES:
        number = _number(cell.get(_OFFICE + "value"))
        if number is not None:
            return number
    elif kind == "date":
        moment = _date(cell.get(_OFFICE + "date-value"))
        if moment is not None:
            return moment
    elif kind == "boolean":
        value = (cell.get(_OFFICE + "boolean-value") or "").strip().lower()
        if value in ("true", "false"):
            return value == "true"
    elif kind == "string" and cell.get(_OFFICE + "string-value") is not None:
        return cell.get(_OFFICE + "string-value") or None
    # Text, a time, or a value that does not parse: the text the cell shows.
    return _cell_text(cell) or None


def _row_values(row):
    values, empty = [], 0
    for cell in row:
        if cell.tag not in _CELLS:
            continue
        repeat = _count(cell, "number-columns-repeated", MAX_COLUMNS)
        value = cell_value(cell)
        if value is None:
            empty += repeat
            continue
        if len(values) + empty >= MAX_COLUMNS:
            break
        values.extend([None] * empty)
        empty = 0
        values.extend([value] * min(repeat, MAX_COLUMNS - len(values)))
    return values


def read_first_sheet(fileobj):
    """(row number, values) of each row of the first sheet that holds a value, in order;
    the row number counts every row, empty ones too, as the spreadsheet numbers them.
    A generator: it reads only as far as it is asked. Raises OdsReadError."""
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise OdsReadError("broken") from None
    with archive:
        try:
            info = archive.getinfo("content.xml")
        except KeyError:
            raise OdsReadError("broken") from None
        if info.file_size > MAX_CONTENT_BYTES:
            raise OdsReadError("too_large")
        try:
            with archive.open(info) as stream:
                yield from _rows(stream)
        except (ParseError, DefusedXmlException, zipfile.BadZipFile, OSError, EOFError, ValueError):
            # Includes zlib and CRC errors, and an encrypted content.xml (a password-protected file).
            raise OdsReadError("broken") from None


def _rows(stream):
    line = 0
    depth = 0  # tables open: rows of a table inside a cell are not the sheet's
    parents = []
    for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
        if event == "start":
            if element.tag == _TABLE_TAG:
                depth += 1
            parents.append(element)
            continue
        parents.pop()
        if element.tag == _TABLE_TAG:
            depth -= 1
            if depth == 0:
                return  # the first sheet is read
        elif element.tag == _ROW and depth == 1:
            repeat = _count(element, "number-rows-repeated", 1 << 31)
            values = _row_values(element)
            if values:
                for offset in range(1, repeat + 1):
                    yield line + offset, list(values)
            line += repeat
            # What is read is let go: a long sheet does not pile up in memory.
            element.clear()
            if parents:
                parents[-1].remove(element)
