"""The pages a person prints (a case, the lists, the plan, meetings, the dashboard, the to-do
list) print well: headless Debian chromium prints each to PDF as its print dialog would
(page.pdf after emulating print media, governance/static/governance/print.css), and the PDF is
read back with pypdf and poppler's pdftotext.

Every sheet is A4; the page's heading is printed but not the menu; the page's title and the
sheet's number are at the top and bottom of every sheet; no word lies off the sheet; column
headers and short values (類別, 狀態, a unit's name) are printed whole on one line, not one
character a line; a table's header row is repeated on each sheet it runs over; and the page
takes a reasonable number of sheets.

One test per group of pages, each with the demo data its pages need (the quick start's loaders).
"""

import datetime
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from io import BytesIO

import pytest
from pypdf import PdfReader

from audits.demo import load_demo as load_demo_audits
from audits.models import Audit, Finding
from governance.rocdate import today_taipei
from meetings import services as meeting_services
from meetings.services import DecisionInput
from plan.models import Plan
from plan.services import load_demo as load_demo_plan
from proposals.demo import load_demo as load_demo_proposals
from proposals.models import Proposal
from tests.helpers import log_in_browser, unit, user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A4 = (595.0, 842.0)  # points; chromium's A4 is within a point of it
XHTML = "{http://www.w3.org/1999/xhtml}"
# What the menu drawer and the top app bar show, never on paper (unless the page's own content
# says it: the to-do list is headed 待辦事項).
MENU = (
    "待辦事項",
    "收件匣",
    "待認領任務",
    "已完成任務",
    "介面語言",
    "系統管理",
    "登出",
    "跳至主要內容",
    "@demo.invalid",
)
CJK = re.compile(r"[\u3400-\u9fff]")


def squash(text):
    return re.sub(r"\s+", "", text)


@dataclass
class Sheet:
    width: float
    height: float
    lines: list = field(default_factory=list)  # each line's words, joined without spaces
    words: list = field(default_factory=list)  # (text, xMin, yMin, xMax, yMax)

    @property
    def text(self):
        return "".join(self.lines)


@dataclass
class Printed:
    url: str
    sheets: list
    heading: str  # the page's <h1>, as the screen shows it
    title: str  # document.title, printed at the top of every sheet
    content: str  # the text of the page's main content on screen


def print_page(browser_page, url, tmp_path):
    """The page at `url` printed to PDF as chromium's print dialog does (A4), read back."""
    browser_page.goto(url)
    heading = browser_page.locator("h1").first.inner_text()
    title = browser_page.title()
    content = browser_page.locator("#gov-main").inner_text()
    browser_page.emulate_media(media="print")
    pdf = browser_page.pdf(format="A4")
    browser_page.emulate_media(media="screen")
    path = tmp_path / (re.sub(r"\W+", "-", url.split("//", 1)[-1]).strip("-") + ".pdf")
    path.write_bytes(pdf)

    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(BytesIO(pdf)).pages]
    layout = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    root = ET.fromstring(layout)  # XHTML: <page> <flow> <block> <line> <word xMin…>
    sheets = []
    for (width, height), page in zip(sizes, root.iter(f"{XHTML}page"), strict=True):
        sheet = Sheet(width, height)
        assert abs(float(page.get("width")) - width) < 1 and abs(float(page.get("height")) - height) < 1
        for line in page.iter(f"{XHTML}line"):
            words = list(line.iter(f"{XHTML}word"))
            sheet.lines.append("".join(w.text or "" for w in words))
            sheet.words += [
                (w.text, *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))) for w in words
            ]
        sheets.append(sheet)
    return Printed(url, sheets, heading, title, content)


def check(printed, *, max_sheets, whole=(), header=None):
    """What every printed page must be. `whole`: words printed whole, each within one line (a
    column header, a short value); `header`: (a column header, a pattern of the table's rows):
    every sheet with one of the table's rows repeats the header row."""
    where = printed.url
    sheets = printed.sheets
    assert 1 <= len(sheets) <= max_sheets, f"{where}: {len(sheets)} sheets"
    for number, sheet in enumerate(sheets, 1):
        assert abs(sheet.width - A4[0]) <= 1 and abs(sheet.height - A4[1]) <= 1, (
            where,
            sheet.width,
            sheet.height,
        )
        off = [w for w in sheet.words if w[1] < 0 or w[2] < 0 or w[3] > sheet.width or w[4] > sheet.height]
        assert not off, f"{where}, sheet {number}: words off the sheet {off[:5]}"
        # The running header and footer: the page's title and "n / N".
        assert squash(printed.title) in sheet.text, f"{where}, sheet {number}: no title {printed.title!r}"
        assert f"{number}/{len(sheets)}" in sheet.text, f"{where}, sheet {number}: no page number"
    text = "".join(sheet.text for sheet in sheets)
    assert squash(printed.heading) in text, f"{where}: the heading {printed.heading!r} is not printed"
    for label in MENU:
        if label not in printed.content and label not in printed.title:
            assert label not in text, f"{where}: the menu's {label!r} is printed"
    lines = [line for sheet in sheets for line in sheet.lines]
    for word in whole:
        assert any(word in line for line in lines), f"{where}: {word!r} is not printed whole on one line"
        broken = [line for line in lines if CJK.fullmatch(line) and line in word]
        assert not broken, f"{where}: a line of only {broken[0]!r}, a piece of {word!r}"
    if header:
        name, row = header
        with_rows = [n for n, sheet in enumerate(sheets, 1) if re.search(row, sheet.text)]
        assert len(with_rows) >= 1, f"{where}: no row matches {row!r}"
        for number in with_rows:
            assert name in sheets[number - 1].text, f"{where}, sheet {number}: the header row is not repeated"


@pytest.fixture
def office(new_context, live_org, demo_password):
    """A logged-in browser page per person, made when first asked for."""
    pages = {}

    def page_of(login):
        if login not in pages:
            pages[login] = new_context().new_page()
            log_in_browser(pages[login], live_org.url, login, demo_password)
        return pages[login]

    return page_of


def test_a_proposal_the_proposal_lists_the_dashboard_and_the_to_do_list_print(office, live_org, tmp_path):
    load_demo_plan()  # the demo proposals name its practices
    load_demo_proposals()
    base = live_org.url
    closed = Proposal.objects.filter(submitter__username="readers-staff1", state=Proposal.State.CLOSED)
    closed = closed.order_by("pk").first()

    staff = office("readers-staff1")
    detail = print_page(staff, f"{base}/proposals/{closed.pk}/", tmp_path)
    check(
        detail,
        max_sheets=3,
        whole=(
            "輪次",
            "送審時間",
            "審查人",
            "加權分數",
            "季別",
            "填報人",
            "主管核定",
            "比例",
            "獎金",
            "嘉獎次數",
            "已結案",
        ),
    )
    assert closed.case_number in detail.sheets[0].text
    check(print_page(staff, f"{base}/proposals/", tmp_path), max_sheets=2, whole=("案號", "狀態", "送出日期"))

    head = office("readers-head")
    check(
        print_page(head, f"{base}/proposals/unit/", tmp_path),
        max_sheets=2,
        whole=("提案單位", "提案人", "狀態"),
    )

    tracking = office("tracking")
    everyone = print_page(tracking, f"{base}/proposals/all/", tmp_path)
    check(
        everyone,
        max_sheets=3,
        whole=("案號", "提案單位", "評分進度", "等第", "初審中", "已結案"),
        header=("提案名稱", r"提\d{3}-\d{4}"),
    )
    check(
        print_page(tracking, f"{base}/dashboard/", tmp_path),
        max_sheets=5,
        whole=("提案單位", "初審中", "陽明山中山樓管理所"),
    )
    check(
        print_page(tracking, f"{base}/todo/", tmp_path),
        max_sheets=2,
        whole=("類別", "案號", "交辦者", "期限"),
    )


def test_a_finding_its_audit_the_findings_and_the_meetings_print(office, live_org, tmp_path):
    load_demo_audits()
    today = today_taipei()
    tracking_officer = user("tracking")
    meeting = meeting_services.schedule_meeting(
        actor=tracking_officer,
        scheduled_for=datetime.datetime.combine(today, datetime.time(9)),
        location="本館第一會議室",
        chair=user("director"),
    )
    meeting_services.set_agenda(
        actor=tracking_officer, meeting=meeting, items=meeting_services.propose_agenda(meeting)
    )
    meeting.refresh_from_db()
    meeting_services.record_meeting(
        actor=tracking_officer,
        meeting=meeting,
        attendees=[user("director"), user("acquisitions-head")],
        minutes="討論各單位列管事項辦理情形。",
        decisions=[
            DecisionInput(
                "請採編組於兩週內完成新書上架",
                action_unit=unit("acquisitions"),
                action_due=today + datetime.timedelta(days=14),
            )
        ],
    )
    assert meeting.agenda.exists()
    base = live_org.url
    finding = Finding.objects.exclude(state=Finding.State.WITHDRAWN).order_by("pk").first()
    audit = Audit.objects.filter(findings__isnull=False).order_by("pk").first()

    tracking = office("tracking")
    check(print_page(tracking, f"{base}/audits/findings/{finding.pk}/", tmp_path), max_sheets=3)
    check(
        print_page(tracking, f"{base}/audits/{audit.pk}/", tmp_path),
        max_sheets=3,
        whole=("列管編號", "類別", "主辦單位", "改善期限", "輪次", "狀態", "平均結案天數"),
    )
    check(
        print_page(tracking, f"{base}/audits/findings/", tmp_path),
        max_sheets=4,
        whole=("列管編號", "類別", "改善期限", "狀態", "陽明山中山樓管理所", "已解除列管"),
        header=("列管編號", r"列\d{3}-\d{4}"),
    )
    check(
        print_page(tracking, f"{base}/meetings/", tmp_path),
        max_sheets=2,
        whole=("次別", "開會時間", "主席", "追蹤單位", "追蹤期限"),
    )
    check(
        print_page(tracking, f"{base}/meetings/{meeting.pk}/", tmp_path),
        max_sheets=3,
        whole=("類別", "案號", "列入原因", "考核意見列管事項"),
    )


def test_the_plan_prints(office, live_org, tmp_path):
    load_demo_plan()
    plan = Plan.objects.get()
    printed = print_page(office("tracking"), f"{live_org.url}/plan/{plan.roc_year}/", tmp_path)
    # Its 76 practices took 12 sheets before the print stylesheet.
    check(
        printed,
        max_sheets=8,
        whole=("實施要項", "構面", "執行項目", "推動作法", "完成期限", "承辦單位"),
        header=("承辦單位", r"\d\.\d"),
    )
