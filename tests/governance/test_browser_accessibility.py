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

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audits.models import Audit, Finding
from governance.models import IssuedDocument
from governance.rocdate import quarter_label, roc_year, today_taipei
from meetings import services as meeting_services
from meetings.models import GroupMeeting
from meetings.services import DecisionInput
from plan.practice_reports import submit_practice_report
from proposals import documents as proposal_documents
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
    管考 officer in every flow, a document with a verification code."""
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
    closed = Proposal.objects.filter(state=Proposal.State.CLOSED).first()
    proposal_documents.proposal_trail(closed, issued_by=user("auditor"))
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


# Forms sent back with errors: (login, address, the button that sends it empty).
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
