"""Plain helpers shared by the tests of every app (the fixtures are in tests/conftest.py).

People and units of the demo organisation, frozen time, flow tasks found and run over HTTP,
logging in (test client and browser), PDFs and exports (xlsx, ODS, CSV) read back.
"""

import csv
import datetime
import html
import importlib
import io
import re
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance import exports
from governance.models import Unit
from governance.rocdate import TAIPEI

ROOT = Path(__file__).resolve().parent.parent  # the project


# ---------------------------------------------------------------- the demo organisation


def default_configuration():
    """The rows of the data migrations: a transactional test's flush removes them."""
    importlib.import_module("proposals.migrations.0002_default_configuration").load(apps, None)
    importlib.import_module("governance.migrations.0006_default_reminder_offsets").load(apps, None)


# The people of the readers unit (閱覽典藏組), in the order of their logins.
READERS = ["readers-head", "readers-liaison", "readers-staff1", "readers-staff2"]


def user(login):
    return get_user_model().objects.get(username=login)


def unit(code):
    return Unit.objects.get(code=code)


# ---------------------------------------------------------------- time


def taipei(day, hour=0, minute=0):
    """A Taipei datetime on `day` at hour:minute."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TAIPEI)


def frozen_at(moment, hour=10):
    """Time standing still at `moment`, a datetime or a day (then at `hour` in Taipei):
    a context manager. The `frozen` fixture holds it at the test module's NOW."""
    if not isinstance(moment, datetime.datetime):
        moment = taipei(moment, hour)
    return time_machine.travel(moment, tick=False)


def days(n):
    """The date `n` days from today, as a form field takes it (2026-05-10)."""
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


# ---------------------------------------------------------------- logging in


def log_in(client, person):
    """The test client logged in as `person` (a user), returned."""
    client.force_login(person)
    return client


def log_in_browser(page, base_url, login, password, home=True):
    """Through the login form of a real browser; waits for the home page unless `home` is False
    (a refused login stays on the form)."""
    from playwright.sync_api import expect

    page.goto(f"{base_url}/")
    # viewflow's login fields are web components that render their <input> in the page.
    page.locator("input[name=username]").fill(login)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="登入").click()
    if home:
        expect(page).to_have_url(f"{base_url}/home/")


# ---------------------------------------------------------------- flow tasks


def open_task(case, node_name, owner=None):
    """The one open task of node `node_name` in a case's process (`case`: a proposal, a finding
    or anything with a process_id, refreshed first; or the process id itself), optionally the
    one owned by `owner` (a user)."""
    if hasattr(case, "refresh_from_db"):
        case.refresh_from_db()
    process_id = getattr(case, "process_id", case)
    tasks = Task.objects.filter(process_id=process_id, status__in=[STATUS.NEW, STATUS.ASSIGNED])
    tasks = [t for t in tasks if t.flow_task.name == node_name]
    if owner is not None:
        tasks = [t for t in tasks if t.owner_id == owner.pk]
    assert len(tasks) == 1, (node_name, tasks)
    return tasks[0]


def run_task(client, person, case, node_name, data, expect=302, claim=True, owner=None):
    """As `person` (a user), over HTTP: open_task(case, node_name, owner), claimed first when it
    is still queued (unless `claim` is False), then its form posted with `data`. Asserts the
    answer's status is `expect`; returns the response."""
    task = open_task(case, node_name, owner=owner)
    log_in(client, person)
    if claim and task.owner_id is None:
        response = client.post(task.reverse("assign"))
        assert response.status_code == 302, (person.username, node_name, response.status_code)
    response = client.post(task.reverse("execute"), data)
    assert response.status_code == expect, (response.status_code, response.content.decode()[:3000])
    return response


class FlowDriver:
    """Each method logs in as someone and does one step of a flow, asserting the answer.
    `person` finds a user by login (the `person` fixture, or `user`)."""

    claim = True  # claim a queued task before running it

    def __init__(self, client, person):
        self.client = client
        self.person = person

    def as_(self, login):
        return log_in(self.client, self.person(login))

    def run(self, login, case, node_name, data, expect=302, claim=None, owner=None):
        claim = self.claim if claim is None else claim
        return run_task(self.client, self.person(login), case, node_name, data, expect, claim, owner)


# ---------------------------------------------------------------- PDFs


def _pdf(data):
    return PdfReader(io.BytesIO(data))


def pdf_text(data):
    return "\n".join(page.extract_text() for page in _pdf(data).pages)


def flat(text):
    """Text with the line breaks of narrow table cells taken out."""
    return re.sub(r"\s*\n\s*", "", text)


def pdf_pages(data):
    return len(_pdf(data).pages)


def pdf_fonts(data):
    """Every /BaseFont used by any page, margin boxes and form XObjects included."""
    names = set()

    def walk(resources, seen):
        resources = resources.get_object() if resources is not None else None
        if not resources or id(resources) in seen:
            return
        seen.add(id(resources))
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            names.add(str(font["/BaseFont"]))
            for descendant in font.get("/DescendantFonts") or []:
                names.add(str(descendant.get_object()["/BaseFont"]))
        for xobject in (resources.get("/XObject") or {}).values():
            walk(xobject.get_object().get("/Resources"), seen)

    for page in _pdf(data).pages:
        walk(page.get("/Resources"), set())
    # Subset fonts are named ABCDEF+Family.
    return {name.lstrip("/").split("+", 1)[-1] for name in names}


# ---------------------------------------------------------------- PDFs laid out (poppler-utils)

# templates/pdf/print.css: A4, margins 22 mm (top) 15 mm (sides) 20 mm (bottom); the margin
# boxes (agency, title, generation time, page number) sit above and below the text column.
MM = 72 / 25.4  # PDF points in a millimetre
SIDE_MARGIN_MM = 15


def _poppler(tool, data, *args):
    with tempfile.TemporaryDirectory(prefix="pdf-layout-") as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(data)
        if tool == "pdftoppm":
            subprocess.run([tool, *args, str(path), str(Path(folder) / "page")], check=True)
            return [Image.open(page).convert("L") for page in sorted(Path(folder).glob("page-*.png"))]
        return subprocess.run(
            [tool, *args, str(path), "-"], capture_output=True, text=True, check=True
        ).stdout


def pdf_stream_text(data):
    """The text as pdftotext reads it in content-stream order (-raw): a table cell's lines
    follow one another, and text printed off the page is not there (poppler drops it)."""
    return _poppler("pdftotext", data, "-raw")


def pdf_words(data):
    """Every word with its box, from pdftotext -bbox: (page number, page width, page height,
    xMin, yMin, xMax, yMax, word), in points from the page's top left corner."""
    words = []
    page_re = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
    word_re = re.compile(
        r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>'
    )
    for number, page in enumerate(page_re.findall(_poppler("pdftotext", data, "-bbox")), start=1):
        width, height, body = float(page[0]), float(page[1]), page[2]
        for box in word_re.findall(body):
            words.append((number, width, height, *map(float, box[:4]), html.unescape(box[4])))
    return words


def pdf_page_images(data, dpi=50):
    """Each page as pdftoppm draws it, in grey levels (PIL images)."""
    return _poppler("pdftoppm", data, "-r", str(dpi), "-gray", "-png")


def assert_laid_out(data, texts=()):
    """What a person sees on paper: each of `texts` (strings, or {name: string}) printed whole
    (its line breaks aside) and nothing outside the text column: pdftoppm draws as many pages
    as the PDF has, with no ink in the side margins; pdftotext puts every word between the
    margins and on its page. Returns the number of pages."""
    pages = pdf_pages(data)
    images = pdf_page_images(data)
    assert len(images) == pages >= 1
    for number, image in enumerate(images, start=1):
        page_mm = 210 if image.width <= image.height else 297  # A4, portrait or landscape
        dots_per_mm = image.width / page_mm
        left = image.crop((0, 0, int((SIDE_MARGIN_MM - 2) * dots_per_mm), image.height))
        right = image.crop((int((page_mm - SIDE_MARGIN_MM + 2) * dots_per_mm), 0, image.width, image.height))
        for side, strip in (("left", left), ("right", right)):
            assert strip.getextrema()[0] >= 250, f"ink in the {side} margin of page {number}"
    tolerance = 1  # point
    for number, width, height, x_min, y_min, x_max, y_max, word in pdf_words(data):
        assert (
            SIDE_MARGIN_MM * MM - tolerance <= x_min and x_max <= width - SIDE_MARGIN_MM * MM + tolerance
        ), f"page {number}: {word!r} runs out of the text column ({x_min:.1f}–{x_max:.1f} pt)"
        assert 0 <= y_min and y_max <= height, f"page {number}: {word!r} is off the page"
    printed = ["".join(page.split()) for page in pdf_stream_text(data).split("\f")]
    named = texts.items() if isinstance(texts, dict) else ((text[:60], text) for text in texts)
    for name, text in named:
        assert printed_whole(text, printed), f"not printed whole: {name}"
    return pages


def printed_whole(text, pages):
    """`text` (its white space aside) is in one of `pages` (page texts in stream order, white
    space taken out), or runs from one page on to the next ones: a table row broken over a page
    has the page's foot and the next page's head between its two parts."""
    rest = "".join(text.split())
    for start in range(len(pages)):
        part, number = rest, start
        while number < len(pages):
            if part in pages[number]:
                return True
            # The longest beginning of `part` on this page (if a beginning is there, so are
            # its shorter ones: a binary search), at least a few characters, goes on overleaf.
            low, high = 0, len(part)
            while low < high:
                middle = (low + high + 1) // 2
                if part[:middle] in pages[number]:
                    low = middle
                else:
                    high = middle - 1
            if low < 4:
                break
            part, number = part[low:], number + 1
    return False


# ---------------------------------------------------------------- exports read back

BOM = b"\xef\xbb\xbf"
ROC_SHORT = re.compile(r"^\d{2,3}/\d{2}/\d{2}$")


def body(response):
    """The whole body of a response, streamed (the exports) or not. A stream can be read only
    once: what was read is kept on the response, so the helpers below can share it."""
    if not response.streaming:
        return response.content
    if not hasattr(response, "_body_read"):
        response._body_read = b"".join(response.streaming_content)
    return response._body_read


def read_xlsx(response):
    """The rows of the download's only sheet, as values (the header row first)."""
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == exports.CONTENT_TYPES["xlsx"]
    workbook = openpyxl.load_workbook(io.BytesIO(body(response)))
    assert len(workbook.worksheets) == 1
    sheet = workbook.worksheets[0]
    # No formula anywhere: every cell is text, a number or empty.
    for row in sheet.iter_rows():
        for c in row:
            assert c.data_type in ("s", "n"), (c.coordinate, c.value, c.data_type)
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def ods_sheets(data):
    """{sheet name: rows of values} of an ODS file, read with odfpy's own loader (not the
    reader the plan import uses). Every cell is checked as read_xlsx checks: typed text or
    number, or empty, never a formula. Numbers as int or float, empty cells as ""."""
    from odf import teletype
    from odf.namespaces import OFFICENS, TABLENS
    from odf.opendocument import load
    from odf.table import Table, TableRow
    from odf.text import P

    document = load(io.BytesIO(data))
    assert document.mimetype == "application/vnd.oasis.opendocument.spreadsheet"
    cells = ((TABLENS, "table-cell"), (TABLENS, "covered-table-cell"))
    sheets = {}
    for table in document.spreadsheet.getElementsByType(Table):
        rows = []
        for row in table.getElementsByType(TableRow):
            values = []
            for c in row.childNodes:
                if c.qname not in cells:
                    continue
                assert not c.getAttrNS(TABLENS, "formula"), c
                kind = c.getAttrNS(OFFICENS, "value-type")
                text = "\n".join(teletype.extractText(p) for p in c.getElementsByType(P))
                if kind is None:
                    assert text == "", text
                    value = ""
                elif kind == "string":
                    value = text
                elif kind == "float":
                    number = c.getAttrNS(OFFICENS, "value")
                    value = int(number) if re.fullmatch(r"-?\d+", number) else float(number)
                else:
                    raise AssertionError(f"a {kind} cell: exports write text or numbers")
                values.extend([value] * int(c.getAttrNS(TABLENS, "number-columns-repeated") or 1))
            rows.extend([values] * int(row.getAttrNS(TABLENS, "number-rows-repeated") or 1))
        sheets[table.getAttrNS(TABLENS, "name")] = rows
    return sheets


def read_ods(response):
    """The rows of the ODS download's only sheet, as read_xlsx gives the xlsx's."""
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == exports.CONTENT_TYPES["ods"]
    sheets = ods_sheets(body(response))
    assert len(sheets) == 1, list(sheets)
    return next(iter(sheets.values()))


def read_csv(response):
    """The rows of the CSV download, decoded as Excel does (UTF-8 with its BOM)."""
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming, "a CSV export streams"
    assert body(response).startswith(BOM)
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"), newline="")))


def download_name(response):
    """The file name of Content-Disposition (filename*=utf-8''… for Chinese names)."""
    header = response["Content-Disposition"]
    assert header.startswith("attachment;"), header
    match = re.search(r"filename\*=utf-8''(\S+)", header)
    return unquote(match[1]) if match else re.search(r'filename="([^"]+)"', header)[1]


# ---------------------------------------------------------------- the admin


def admin_user_form(person, **changes):
    """The admin's change form of `person` as its page would post it, with `changes` (True/False
    for the check boxes, lists of ids for groups and user_permissions)."""
    data = {
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "full_name": person.full_name,
        "job_title": person.job_title,
        "language": person.language,
        "date_joined_0": person.date_joined.date().isoformat(),
        "date_joined_1": person.date_joined.strftime("%H:%M:%S"),
        "groups": [str(pk) for pk in person.groups.values_list("pk", flat=True)],
        "user_permissions": [str(pk) for pk in person.user_permissions.values_list("pk", flat=True)],
    }
    flags = {"is_active": person.is_active, "is_staff": person.is_staff, **changes}
    for name, value in flags.items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            else:
                data.pop(name, None)
        else:
            data[name] = value
    return data
