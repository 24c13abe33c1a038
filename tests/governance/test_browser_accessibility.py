"""WCAG 2.1 AA (網站無障礙規範) in a real browser.

- axe-core finds no violation of the WCAG 2.0/2.1 A and AA rules on any kind of page, each seen
  by the people who use it (the demo's cases, a plan of this year, meetings), on forms sent
  back with errors too; and every id an aria attribute names is on the page.
- The frame (menu, account menu, 登出), the login page, the inbox and a task form are used by
  keyboard alone: Tab reaches every control in the order of the page, each shows a focus ring
  of at least 3:1 against what surrounds it, Enter and Space do the rest, a form sent back
  with errors puts the focus on the first of them.

Headless Debian chromium via Playwright against Django's live server. axe-core comes with
axe-playwright-python (requirements-dev.txt); one logged-in session per person.
"""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audits.models import Audit, Finding
from governance import verification
from governance.documents import PROPOSAL_KIND
from governance.models import IssuedDocument
from governance.rocdate import quarter_label, roc_year, today_taipei
from meetings import services as meeting_services
from meetings.models import GroupMeeting
from meetings.services import DecisionInput
from plan.practice_reports import submit_practice_report
from proposals.models import Proposal
from tests.helpers import default_configuration, log_in_browser, unit, user
from tests.support.plan_factory import make_plan, practice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-2026"
WCAG_A_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

# Ids named by aria attributes (aria-describedby="id_year_helptext") that are not on the page:
# axe lets a reference to nothing pass, a screen reader then reads nothing.
MISSING_REFERENCES = """() => [...document.querySelectorAll(
    '[aria-describedby], [aria-labelledby], [aria-controls], [aria-errormessage]')].flatMap(e =>
  ['aria-describedby', 'aria-labelledby', 'aria-controls', 'aria-errormessage'].flatMap(a =>
    (e.getAttribute(a) || '').split(/\\s+/).filter(id => id && !document.getElementById(id))
      .map(id => `${e.tagName.toLowerCase()}[${a}=${id}]`)))"""


# ---------------------------------------------------------------- every kind of page, by axe


@pytest.fixture
def demo_site(transactional_db, live_server):
    """The demo (`make run`'s cases, plan and audits), with what it lacks: this year's plan with
    a quarterly report waiting for its head, meetings held and to come, tasks claimed by the
    管考 officer in every flow, a document issued with a verification code."""
    default_configuration()
    call_command("seed_demo", quiet=True)
    today = today_taipei()
    version = make_plan(roc_year(today))
    submit_practice_report(
        actor=user("readers-liaison"),
        practice=practice(version, "1-1-1.1"),
        unit=unit("readers"),
        period=quarter_label(today),
        status="on_track",
        text="網路辦證本季受理 1,204 件。",
    )
    tracking = user("tracking")
    held = meeting_services.schedule_meeting(
        actor=tracking,
        scheduled_for=datetime.datetime.combine(today, datetime.time(9)),
        location="本館第一會議室",
        chair=user("director"),
    )
    meeting_services.record_meeting(
        actor=tracking,
        meeting=held,
        attendees=[user("director"), user("acquisitions-head")],
        minutes="討論新書上架時程",
        decisions=[
            DecisionInput(
                "請採編組於兩週內完成新書上架",
                action_unit=unit("acquisitions"),
                action_due=today + datetime.timedelta(days=14),
            )
        ],
    )
    meeting_services.schedule_meeting(
        actor=tracking,
        scheduled_for=datetime.datetime.combine(today + datetime.timedelta(days=20), datetime.time(14)),
        location="本館第二會議室",
        chair=user("director"),
    )
    for node in ("reply", "review_meeting", "assign_reviewers"):
        with open_tasks(node)[0].activation() as activation:
            activation.assign(tracking)
    # What the verify page reads of a document issued (the PDF itself is tested elsewhere).
    closed = Proposal.objects.filter(state=Proposal.State.CLOSED).first()
    IssuedDocument.objects.create(
        code=verification.new_code(),
        kind=IssuedDocument.Kind.CASE_TRAIL,
        issued_at=timezone.now(),
        issued_by=user("auditor"),
        case_kind=PROPOSAL_KIND,
        case_ref=closed.trail_ref,
        case_number=closed.case_number,
        subject=closed.title,
        sha256="0" * 64,
    )
    return live_server


def open_tasks(node_name, owner=None):
    """The open tasks of a node of any flow, oldest first, optionally only `owner`'s (a login)."""
    tasks = (
        Task.objects.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED]).select_related("owner").order_by("pk")
    )
    return [
        t
        for t in tasks
        if t.flow_task.name == node_name and (owner is None or (t.owner and t.owner.username == owner))
    ]


def execute(node_name, owner):
    return open_tasks(node_name, owner)[0].reverse("execute")


def pages_by_person():
    """Every kind of page, each as a person who uses it: {login: [address, …]}."""
    year = roc_year(today_taipei())
    closed = Proposal.objects.filter(state=Proposal.State.CLOSED).first()
    executing = Proposal.objects.filter(state=Proposal.State.EXECUTING).first()
    audit = Audit.objects.first()
    finding = Finding.objects.filter(state=Finding.State.IN_PROGRESS).first()
    held, coming = GroupMeeting.objects.order_by("scheduled_for")
    code = IssuedDocument.objects.get().code
    draft = Proposal.objects.filter(state=Proposal.State.DRAFT).select_related("submitter").first()
    queued = open_tasks("evaluate")[0]
    # A page shown also sent back with errors (REFUSED_FORMS) is not listed again.
    return {
        "tracking": [
            "/home/",
            "/workflow/inbox/",
            "/workflow/queue/",
            "/workflow/archive/",
            "/notifications/",
            "/notifications/settings/",
            queued.reverse("assign"),  # claiming a queued task
            execute("assign_reviewers", "tracking"),  # a task form of each flow …
            execute("review_meeting", "tracking"),
            execute("reply", "tracking"),
            "/proposals/all/?year=abc",  # … a list, its filter refused
            f"/proposals/{closed.pk}/",
            f"/proposals/{executing.pk}/",
            f"/proposals/{executing.pk}/due-date/",
            "/audits/",
            "/audits/new/",
            f"/audits/{audit.pk}/",
            "/audits/findings/",
            f"/audits/findings/{finding.pk}/",
            "/plan/",
            "/plan/import/",
            f"/plan/{year}/",
            "/plan/reports/quarter/",
            "/meetings/",
            f"/meetings/{held.pk}/",
            f"/meetings/{coming.pk}/",
            f"/meetings/{coming.pk}/agenda/",
            "/dashboard/",
            f"/verify/{code}/",
            "/verify/?code=0000",
        ],
        "readers-staff1": ["/evidence/mine/"],
        # A proposer (of the demo's draft): their list and the draft.
        draft.submitter.username: ["/proposals/", f"/proposals/{draft.pk}/"],
        "readers-liaison": ["/plan/reports/", execute("progress", "readers-liaison")],  # a quarter's report
        "readers-head": [execute("approve_progress", "readers-head"), "/plan/reports/"],  # … confirmed
        "acquisitions-liaison": ["/todo/"],  # a meeting's follow-up action
        "committee2": [execute("score", "committee2")],
        "director": [execute("decide", "director")],
        "hr": [f"/evidence/?year={year}", "/evidence/verify/?fingerprint=xyz"],
    }


# Forms sent back with errors: (login, address or the node of the person's task, the button
# that sends it empty).
REFUSED_FORMS = [
    ("readers-staff1", "/proposals/new/", "送出提案"),
    ("readers-head", "first_review", "送出"),
    ("tracking", "/meetings/new/", "排定"),
]


def logged_in(new_context, base, login):
    """A page of a new browser session of `login`'s, logged in by the test client (the login
    form is tested on its own): its session cookie given to the browser."""
    client = Client()
    client.force_login(user(login))
    context = new_context()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    return context.new_page()


def axe_findings(page, axe):
    """What axe-core and the reference check find wrong on the page shown: [text, …]."""
    result = axe.run(page, options=WCAG_A_AA)
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:5]]}"
        for v in result.response["violations"]
    ]
    found += [f"missing id: {ref}" for ref in page.evaluate(MISSING_REFERENCES)]
    return found


def test_every_kind_of_page_meets_wcag_a_and_aa(new_context, demo_site):
    base, axe, problems = demo_site.url, Axe(), {}
    pages = pages_by_person()
    refused = {login: [] for login in pages}
    for login, address, button in REFUSED_FORMS:
        refused[login].append((execute(address, login) if not address.startswith("/") else address, button))
    # The login page, empty and refused.
    page = new_context().new_page()
    page.goto(f"{base}/accounts/login/")
    problems["/accounts/login/"] = axe_findings(page, axe)
    log_in_browser(page, base, "tracking", "wrong", home=False)
    expect(page.locator(".vf-form__errors")).to_be_visible()
    problems["/accounts/login/ (refused)"] = axe_findings(page, axe)
    page.context.close()
    for login, addresses in pages.items():
        page = logged_in(new_context, base, login)
        for address in addresses:
            response = page.goto(f"{base}{address}")
            problems[f"{login} {address}"] = (
                axe_findings(page, axe) if response.status == 200 else [f"HTTP {response.status}"]
            )
        for address, button in refused[login]:
            page.goto(f"{base}{address}")
            # Sent again as a page (data-turbo="false") or shown in place by Turbo (422).
            page.locator("#gov-main").get_by_role("button", name=button, exact=True).click()
            expect(page.locator("#gov-main [aria-invalid=true]").first).to_be_focused()
            problems[f"{login} {address} (refused)"] = axe_findings(page, axe)
        page.context.close()
    problems = {where: found for where, found in problems.items() if found}
    assert problems == {}


# ---------------------------------------------------------------- by keyboard alone

# A control's name, near enough to its accessible name: its aria-label, its label's text (without
# Django's label suffix "："), or its text without what is hidden from screen readers (icon
# ligatures).
NAME = """const name = e => {
    if (e.getAttribute('aria-label')) return e.getAttribute('aria-label');
    if (e.labels && e.labels.length) return e.labels[0].innerText.trim().replace(/[：:]$/, '');
    const copy = e.cloneNode(true);
    copy.querySelectorAll('[aria-hidden=true]').forEach(h => h.remove());
    return copy.textContent.replace(/\\s+/g, ' ').trim();
  };"""

# The controls Tab should reach, in the order of the page: each marked with its place
# (data-tab-place) and described by its name. A group of radio buttons is one stop (its
# checked one, or its first); controls hidden, disabled or out of Tab order are none.
TAB_STOPS = (
    """() => {
  """
    + NAME
    + """
  const stops = [], groups = new Set();
  for (const e of document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]')) {
    if (e.tabIndex < 0 || e.disabled || !e.getClientRects().length) continue;
    if (getComputedStyle(e).visibility === 'hidden') continue;
    let stop = e;
    if (e.type === 'radio' && e.name) {
      const group = [...(e.form || document).querySelectorAll('input[type=radio]')]
        .filter(r => r.name === e.name);
      if (groups.has(group[0])) continue;
      groups.add(group[0]);
      stop = group.find(r => r.checked) || group[0];
    }
    stop.dataset.tabPlace = stops.length;
    stops.push(`${stop.tagName.toLowerCase()} "${name(stop)}"`);
  }
  return stops;
}"""
)

# The focused control: its place, its name, and whether its focus ring shows — an outline of
# 2px or more whose colour has at least 3:1 against what is around it (the background of the
# first ancestor that has one; the control's own when the ring is drawn inside it).
FOCUSED = (
    """() => {
  """
    + NAME
    + """
  const e = document.activeElement, style = getComputedStyle(e);
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => (v /= 255) <= 0.03928 ? v / 12.92
    : ((v + 0.055) / 1.055) ** 2.4).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  let around = [255, 255, 255];
  for (let n = parseFloat(style.outlineOffset) < 0 ? e : e.parentElement; n; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if (c.length === 3 || c[3] === 1) { around = c.slice(0, 3); break; }
  }
  const ring = rgb(style.outlineColor), [hi, lo] = [lum(ring), lum(around)].sort((a, b) => b - a);
  const contrast = (hi + 0.05) / (lo + 0.05);
  return {
    place: e.dataset.tabPlace === undefined ? null : Number(e.dataset.tabPlace),
    name: name(e),
    ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 && contrast >= 3,
    style: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor} on rgb(${around}): ${contrast.toFixed(1)}:1`,
  };
}"""
)


def focused(page):
    return page.evaluate(FOCUSED)


def expect_ring(page):
    now = focused(page)
    assert now["ring"], f"no visible focus ring on {now['name']}: {now['style']}"
    return now


def press(page, key):
    page.keyboard.press(key)
    return expect_ring(page)


def tab_to(page, name, limit=80):
    """Tab (each stop showing its ring) until the control named `name` has the focus."""
    for _ in range(limit):
        if press(page, "Tab")["name"] == name:
            return
    raise AssertionError(f"Tab never reached {name}")


def expect_tab_order(page):
    """From the top of a page just shown, Tab reaches every control once, in the order of the
    page, each with its focus ring. Returns the controls' descriptions, in that order."""
    stops = page.evaluate(TAB_STOPS)
    reached = []
    for _ in stops:
        now = press(page, "Tab")
        reached.append(stops[now["place"]] if now["place"] is not None else f"(not a control) {now['name']}")
    assert reached == stops
    return stops


@pytest.fixture
def proposal_in_first_review(live_org):
    from proposals import services
    from proposals.models import ScopeCategory

    staff = user("readers-staff1")
    draft = services.save_draft(
        actor=staff,
        content=services.ProposalContent(
            "館內指標雙語化",
            "指標僅有中文",
            "新增英文與圖示",
            "外籍讀者易找到服務",
            ScopeCategory.objects.first(),
        ),
    )
    return services.submit_proposal(actor=staff, proposal=draft)


def test_login_frame_inbox_and_a_task_form_by_keyboard_alone(page, live_org, proposal_in_first_review):
    base, number = live_org.url, proposal_in_first_review.case_number

    # The login page: the name field has the focus; the password is shown and hidden again.
    page.goto(f"{base}/accounts/login/")
    expect(page.locator("input[name=username]")).to_be_focused()
    expect_ring(page)
    page.keyboard.type("readers-head")
    press(page, "Tab")
    expect(page.locator("input[name=password]")).to_be_focused()
    page.keyboard.type(PASSWORD)
    assert press(page, "Tab")["name"] == "顯示密碼"
    page.keyboard.press("Space")
    expect(page.locator("input[name=password]")).to_have_attribute("type", "text")
    page.keyboard.press("Space")
    expect(page.locator("input[name=password]")).to_have_attribute("type", "password")
    assert press(page, "Tab")["name"] == "登入"
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/home/")

    # The frame: the skip link, the account button, every link of the menu, the language
    # switch, the menu button, then the page; nothing skipped, each with its ring.
    page.reload()
    stops = expect_tab_order(page)
    menu = page.locator("#gov-drawer nav a")
    assert stops[:2] == ['a "跳至主要內容"', 'button "帳號選單"']
    links = menu.evaluate_all(
        "links => links.map(a => a.querySelector('.mdc-list-item__content').textContent)"
    )
    # (A link's name ends with its count, if any.)
    assert [stop.startswith(f'a "{link.strip()}') for stop, link in zip(stops[2:], links, strict=False)] == [
        True
    ] * len(links)
    assert stops.index('button "開啟選單"') == 2 + menu.count() + 2  # after 介面語言 and 切換

    # The account menu opens and closes from the keyboard, and says so; 登出 is reached.
    page.reload()
    press(page, "Tab")
    account = page.get_by_role("button", name="帳號選單")
    assert press(page, "Tab")["name"] == "帳號選單"
    expect(account).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(account).to_have_attribute("aria-expanded", "true")
    assert press(page, "Tab")["name"] == "登出"
    assert press(page, "Shift+Tab")["name"] == "帳號選單"
    page.keyboard.press("Space")
    expect(account).to_have_attribute("aria-expanded", "false")
    assert press(page, "Tab")["name"] == "首頁"

    # The menu button hides the menu (then out of Tab order) and shows it again.
    menu_button = page.get_by_role("button", name="開啟選單")
    tab_to(page, "開啟選單")
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Enter")
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#gov-drawer")).to_be_hidden()
    page.reload()
    assert press(page, "Tab")["name"] == "跳至主要內容"
    assert press(page, "Tab")["name"] == "開啟選單"
    page.keyboard.press("Space")
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#gov-drawer")).to_be_visible()

    # The inbox, from the menu; the case's task, from the inbox.
    page.reload()
    tab_to(page, "收件匣")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/workflow/inbox/")
    expect(page.locator("#gov-drawer a[aria-current=page]")).to_have_text(re.compile("收件匣"))
    page.reload()
    expect_tab_order(page)
    page.reload()
    tab_to(page, number)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)

    # The task form: sent empty, it comes back with the focus on the field in error, whose
    # message is linked to it; then filled in and sent, by keyboard alone.
    page.reload()
    expect_tab_order(page)
    page.reload()
    tab_to(page, "送出")
    page.keyboard.press("Enter")
    first = page.locator("#gov-main [aria-invalid=true]").first
    expect(first).to_be_focused()
    expect_ring(page)
    message = first.evaluate(
        "e => e.getAttribute('aria-describedby').split(' ').map(id => document.getElementById(id).innerText).join(' ')"
    )
    assert "必須" in message
    expect(first).to_have_accessible_name("受理")
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="受理", exact=True)).to_be_checked()
    tab_to(page, "理由／說明")
    page.keyboard.type("具體可行，送複審。")
    tab_to(page, "送出")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/proposals/{proposal_in_first_review.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("複審中")

    # 登出, by keyboard.
    page.reload()
    press(page, "Tab")
    press(page, "Tab")
    page.keyboard.press("Enter")
    assert press(page, "Tab")["name"] == "登出"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.goto(f"{base}/home/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
