"""A plan version as a workbook, xlsx or ODS (OpenDocument), and back.

The sheet has the plan table's columns (HEADERS), one row per practice (or per item without
practices). Export writes every cell out, the same cells in both formats; import also accepts
what people do in Excel or LibreOffice: a blank 實施要項, 構面 or 執行項目 cell repeats the row
above (as merged cells read), dates in ROC or AD form, unit short names, full names or codes.
An upload is read as ODS or xlsx by its content, not its name (governance.ods.spreadsheet_kind),
and both give the same rows, numbered as the spreadsheet numbers them. Every row is checked
before anything is written; one error lists every bad row, and then nothing is imported.
"""

import datetime
import io
import re
import unicodedata
import zipfile

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill

from governance import ods
from governance.exports import FORMULA_TRIGGERS, neutralise
from governance.models import Unit
from governance.permissions import require
from governance.rocdate import ROCDateError, format_roc, format_roc_short, parse_date
from governance.roles import Capability
from governance.text import clean_text
from governance.trail import file_fingerprint

from .selectors import draft_rows, version_tree
from .services import (
    PlanImportError,
    PlanRow,
    at_line,
    check_rows,
    import_plan,
    replace_draft_rows,
    unknown_unit,
)

AREA, DIMENSION, ITEM_NUMBER, ITEM, PRACTICE_NUMBER, PRACTICE, DEADLINE_TEXT, DEADLINES, UNITS = (
    "實施要項",
    "構面",
    "執行項目編號",
    "執行項目",
    "推動作法編號",
    "推動作法",
    "完成期限",
    "完成期限日期",
    "承辦單位",
)
HEADERS = [AREA, DIMENSION, ITEM_NUMBER, ITEM, PRACTICE_NUMBER, PRACTICE, DEADLINE_TEXT, DEADLINES, UNITS]
REQUIRED = [AREA, ITEM, PRACTICE_NUMBER, PRACTICE]
WIDTHS = [18, 24, 8, 30, 8, 60, 24, 30, 20]
SHEET_TITLE = "推動作法"
ABOUT_TITLE = "說明"
ABOUT_WIDTHS = [12, 80]
MAX_ROWS = 3000  # a plan has about a hundred practices; more is not a plan
HEADER_SEARCH_ROWS = 10  # a title line or two may come before the headers
CONTENT_TYPES = {"xlsx": ods.XLSX_MIMETYPE, "ods": ods.MIMETYPE}

# A cell starting with one of these is run as a formula by spreadsheet programs.
# One rule for every spreadsheet we write (governance.exports).
FORMULA_STARTS = FORMULA_TRIGGERS
_AREA = re.compile(r"^\s*([一二三四五六七八九十百]+)\s*[、.．,，]\s*(.+?)\s*$", re.S)
_DATE_SEPARATORS = re.compile(r"[、,，;；\n]+")
_UNIT_SEPARATORS = re.compile(r"[\s、,，;；/／]+")


class UnreadableWorkbook(PlanImportError):
    pass


# ---------------------------------------------------------------- export


def escape_cell(value):
    """Text as a cell that is never run as a formula: a leading ' keeps it text."""
    if not isinstance(value, str):
        return value
    return neutralise(value)  # control characters out first, then the formula check


def _unit_cell(row, lookup):
    # The text as written when it names exactly these units (it reads back the same), else
    # the units' short names.
    codes, unknown = _resolve_units(row.unit_text, lookup["by_name"])
    if not unknown and sorted(codes) == sorted(row.unit_codes):
        return row.unit_text
    by_code = lookup["by_code"]
    return "、".join(by_code[c].short_name or by_code[c].name for c in row.unit_codes)


def _table_lines(rows):
    """The rows (a version's or a draft's) as written: every cell, formula-looking text
    neutralised."""
    units = _unit_lookup()
    for row in rows:
        yield [
            escape_cell(value)
            for value in (
                f"{row.area_number}、{row.area_title}",
                row.dimension,
                row.item_number,
                row.item_title,
                row.practice_number,
                row.practice_text,
                row.deadline_text,
                "、".join(format_roc_short(d) for d in row.deadlines),
                _unit_cell(row, units),
            )
        ]


_HOW_TO_FILL = (
    "匯入時只讀第一個工作表；空白的實施要項、構面、執行項目視同上一列。"
    "完成期限日期可填民國或西元日期，以「、」分隔；承辦單位填單位簡稱，以空白或「、」分隔。"
)


def _about_lines(version):
    """The second sheet: what the file is, and how to fill it in for an import."""
    plan = version.plan
    for label, value in (
        ("計畫名稱", plan.title),
        ("年度", plan.roc_year),
        ("版次", f"第 {version.number} 版"),
        ("通過日期", format_roc(version.approved_on) if version.approved_on else ""),
        ("修正說明", version.note),
        ("說明", _HOW_TO_FILL),
    ):
        yield [label, escape_cell(value)]


def _draft_about_lines(draft):
    """The second sheet of a draft's file: what it is, and that it goes back as the draft."""
    for label, value in (
        ("計畫名稱", draft.title),
        ("年度", draft.roc_year),
        ("版次", "草案"),
        ("說明", draft.note),
        ("上傳", "修改後上傳至本年度計畫草案，取代草案內容；" + _HOW_TO_FILL),
    ):
        yield [label, escape_cell(value)]


def export_version(version):
    """The version's table as xlsx bytes."""
    return _xlsx(version_tree(version).rows(), _about_lines(version))


def export_draft(draft):
    """A next year's draft (plan.models.PlanDraft) as xlsx bytes, to edit and upload back."""
    return _xlsx(draft_rows(draft), _draft_about_lines(draft))


def _xlsx(rows, about_lines):
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append(HEADERS)
    for line in _table_lines(rows):
        sheet.append(line)
    header_fill = PatternFill("solid", fgColor="EEEEEE")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = wrap
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"

    about = book.create_sheet(ABOUT_TITLE)
    for line in about_lines:
        about.append(line)
    for index, width in enumerate(ABOUT_WIDTHS):
        about.column_dimensions[chr(ord("A") + index)].width = width

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_version_ods(version):
    """The version's table as ODS bytes: the same sheets and cells as export_version."""
    return _ods(version_tree(version).rows(), _about_lines(version))


def export_draft_ods(draft):
    """export_draft as ODS bytes."""
    return _ods(draft_rows(draft), _draft_about_lines(draft))


def _ods(rows, about_lines):
    book = ods.Workbook()
    header = book.style("header", bold=True, fill="#eeeeee")
    wrap = book.style("wrap", wrap=True)
    sheet = book.add_sheet(SHEET_TITLE, WIDTHS, freeze_header=True)
    sheet.append(HEADERS, style=header, header=True)
    for line in _table_lines(rows):
        sheet.append(line, style=wrap)
    about = book.add_sheet(ABOUT_TITLE, ABOUT_WIDTHS)
    for line in about_lines:
        about.append(line)
    return book.bytes()


EXPORTERS = {"xlsx": export_version, "ods": export_version_ods}
DRAFT_EXPORTERS = {"xlsx": export_draft, "ods": export_draft_ods}


def filename(version, fmt="xlsx"):
    return f"{version.plan.title}-第{version.number}版.{fmt}"


def draft_filename(draft, fmt="xlsx"):
    return f"{draft.title}-草案.{fmt}"


# ---------------------------------------------------------------- import


def _unit_lookup():
    """Units by code and by every name people write (short name, name, code)."""
    by_code, by_name = {}, {}
    for unit in Unit.objects.order_by("valid_from", "pk"):
        by_code[unit.code] = unit
        # The later unit wins a shared name: after a reorganisation the name means the new one.
        for name in (unit.short_name, unit.name, unit.code):
            if name:
                by_name[unicodedata.normalize("NFKC", name).casefold()] = unit
    return {"by_code": by_code, "by_name": by_name}


def _resolve_units(text, by_name):
    """(codes, unknown names) of the units a 承辦單位 cell names."""
    codes, unknown = [], []
    for token in _UNIT_SEPARATORS.split(text.strip()):
        if not token:
            continue
        unit = by_name.get(unicodedata.normalize("NFKC", token).casefold())
        if unit is None:
            unknown.append(token)
        elif unit.code not in codes:
            codes.append(unit.code)
    return codes, unknown


def _text(value):
    """A cell as text: numbers as typed (1.1, not 1.1000000000000001), our escape undone."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return format_roc_short(value)
    # What a form would not take (governance.text.clean_text) is not taken from a file either.
    text = clean_text(str(value)).strip()
    if text[:1] == "'" and text[1:2] and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _dates(value):
    """(dates, error message or None) of a 完成期限日期 cell."""
    if value is None or value == "":
        return (), None
    if isinstance(value, datetime.datetime):
        return (value.date(),), None
    if isinstance(value, datetime.date):
        return (value,), None
    dates = []
    for part in _DATE_SEPARATORS.split(_text(value)):
        if not part.strip():
            continue
        try:
            dates.append(parse_date(part))
        except ROCDateError as error:
            return (), _("完成期限日期有誤：%(error)s") % {"error": error}
    return tuple(sorted(set(dates))), None


def _unreadable():
    return UnreadableWorkbook(
        [_("檔案無法讀取：請上傳 Excel 活頁簿（.xlsx）或 ODF 試算表（.ods），例如由本系統下載的計畫檔。")]
    )


def _too_large():
    return UnreadableWorkbook(
        [
            _("檔案無法讀取：這個 Excel 活頁簿解壓縮後超過 %(mb)s MB，不是計畫表。")
            % {"mb": ods.MAX_CONTENT_BYTES // (1024 * 1024)}
        ]
    )


def _open(fileobj):
    # A decompression bomb is refused before openpyxl unpacks it (it reads the shared strings
    # whole). zipfile never inflates a part past the size its directory states, so the stated
    # sizes are a real bound.
    try:
        with zipfile.ZipFile(fileobj) as archive:
            if sum(info.file_size for info in archive.infolist()) > ods.MAX_CONTENT_BYTES:
                raise _too_large()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise _unreadable() from None
    fileobj.seek(0)
    try:
        book = load_workbook(fileobj, read_only=True, data_only=True)
        return book, book.worksheets[0]
    except Exception:
        # A bad upload fails in many ways inside openpyxl and zipfile; all mean the same to
        # the person who sent it.
        raise _unreadable() from None


def _xlsx_lines(sheet):
    """(row number, values) of the sheet. Read-only openpyxl parses the sheet's XML as the rows
    are asked for, so a broken or hostile sheet (an unclosed tag, a DTD, a bad deflate stream)
    fails here, mid-way, not when the book is opened: every such failure is an unreadable file."""
    rows = sheet.iter_rows(values_only=True)
    line = 0
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception:
            raise _unreadable() from None
        line += 1
        yield line, values


def _ods_error(error):
    if error.reason == "too_large":
        message = _("檔案無法讀取：這個 ODF 試算表解壓縮後超過 %(mb)s MB，不是計畫表。") % {
            "mb": ods.MAX_CONTENT_BYTES // (1024 * 1024)
        }
    else:
        message = _(
            "檔案無法讀取：這個 ODF 試算表（.ods）已損毀或設有密碼；"
            "請以 LibreOffice 開啟、另存新檔（不設密碼）後再上傳。"
        )
    return UnreadableWorkbook([message])


def _header_positions(values):
    names = [unicodedata.normalize("NFKC", _text(v)).replace(" ", "") for v in values]
    wanted = {unicodedata.normalize("NFKC", h): h for h in HEADERS}
    return {wanted[name]: index for index, name in enumerate(names) if name in wanted}


def read_rows(fileobj, roc_year=None):
    """The plan rows of an xlsx or ODS file, told apart by their content; raises
    PlanImportError listing every bad row (with `roc_year`, deadlines outside it too)."""
    kind = ods.spreadsheet_kind(fileobj)
    if kind is None:
        raise _unreadable()
    if kind == "ods":
        try:
            return _read_sheet(ods.read_first_sheet(fileobj), roc_year)
        except ods.OdsReadError as error:
            raise _ods_error(error) from None
    book, sheet = _open(fileobj)
    try:
        return _read_sheet(_xlsx_lines(sheet), roc_year)
    finally:
        book.close()


def _read_sheet(lines, roc_year=None):
    """The plan rows of (row number, cell values) pairs; rows left out are empty ones."""
    lookup = _unit_lookup()
    positions, header_line = None, None
    cell_errors, rows = [], []
    previous = None  # the last row read, for cells left blank as merged cells are
    data_lines = 0
    for line, values in lines:
        if positions is None:
            if line > HEADER_SEARCH_ROWS:
                break
            found = _header_positions(values)
            if AREA in found:
                positions, header_line = found, line
                missing = [name for name in REQUIRED if name not in positions]
                if missing:
                    raise PlanImportError(
                        [
                            at_line(
                                line,
                                _("缺少欄位「%(missing)s」；欄名應為：%(headers)s。")
                                % {"missing": "」「".join(missing), "headers": "、".join(HEADERS)},
                            )
                        ]
                    )
            continue
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        data_lines += 1
        if data_lines > MAX_ROWS:
            raise PlanImportError([_("資料超過 %(limit)s 列，請確認上傳的是計畫表。") % {"limit": MAX_ROWS}])

        def cell(name, positions=positions, values=values):
            index = positions.get(name)
            return values[index] if index is not None and index < len(values) else None

        row, errors = _read_row(line, cell, previous, lookup)
        cell_errors.extend((line, message) for message in errors)
        if not errors:
            rows.append(row)
        previous = row
    if positions is None:
        raise PlanImportError(
            [
                _("找不到欄名列：第一個工作表的前 %(rows)s 列中應有「%(headers)s」。")
                % {"rows": HEADER_SEARCH_ROWS, "headers": "、".join(HEADERS)}
            ]
        )
    if not rows and not cell_errors:
        raise PlanImportError([_("第 %(line)s 列之後沒有任何資料列。") % {"line": header_line}])
    errors = check_rows(rows, roc_year=roc_year, units_by_code=lookup["by_code"], first_errors=cell_errors)
    if errors:
        raise PlanImportError(errors)
    return rows


def _read_row(line, cell, previous, lookup):
    """(PlanRow, error messages) of one sheet row."""
    errors = []
    area_text = _text(cell(AREA))
    if area_text:
        match = _AREA.match(area_text)
        if match is None:
            errors.append(
                _("實施要項「%(text)s」應寫成「一、服務流程」（編號、名稱）。") % {"text": area_text[:30]}
            )
            area_number, area_title = "", area_text
        else:
            area_number, area_title = match.group(1), match.group(2)
        same_area = previous is not None and previous.area_number == area_number
    elif previous is not None:
        area_number, area_title, same_area = previous.area_number, previous.area_title, True
    else:
        errors.append(_("缺少實施要項（編號與名稱，如「一、服務流程」）。"))
        area_number = area_title = ""
        same_area = False

    dimension = _text(cell(DIMENSION))
    if not dimension and same_area:
        dimension = previous.dimension
    item_number, item_title = _text(cell(ITEM_NUMBER)), _text(cell(ITEM))
    if not item_number and not item_title and same_area and dimension == previous.dimension:
        item_number, item_title = previous.item_number, previous.item_title

    deadlines, date_error = _dates(cell(DEADLINES))
    if date_error:
        errors.append(date_error)
    unit_text = _text(cell(UNITS))
    unit_codes, unknown = _resolve_units(unit_text, lookup["by_name"])
    errors.extend(unknown_unit(name) for name in unknown)

    row = PlanRow(
        area_number=area_number,
        area_title=area_title,
        dimension=dimension,
        item_number=item_number,
        item_title=item_title,
        practice_number=_text(cell(PRACTICE_NUMBER)),
        practice_text=_text(cell(PRACTICE)),
        deadline_text=_text(cell(DEADLINE_TEXT)),
        deadlines=deadlines,
        unit_text=unit_text,
        unit_codes=tuple(unit_codes),
        line=line,
    )
    return row, errors


def import_spreadsheet(*, actor, fileobj, roc_year, title, note, approved_on=None):
    """Import an xlsx or ODS file as the plan of `roc_year` (version 1) or its next version."""
    require(actor, Capability.MANAGE_TRACKING)
    rows = read_rows(fileobj)
    return import_plan(
        actor=actor, roc_year=roc_year, title=title, rows=rows, note=note, approved_on=approved_on
    )


def replace_draft_from_spreadsheet(*, actor, draft, fileobj, name=""):
    """The draft's rows replaced by those of an edited xlsx or ODS file (every row checked
    first; one error lists every bad row, and then the draft stays as it was)."""
    require(actor, Capability.MANAGE_TRACKING)
    rows = read_rows(fileobj, roc_year=draft.roc_year)
    attachments = [{"name": name, "sha256": file_fingerprint(fileobj)}] if name else []
    return replace_draft_rows(actor=actor, draft=draft, rows=rows, attachments=attachments)
