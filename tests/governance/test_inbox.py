"""Inbox, queue and archive: scoped by unit and role, paged by keyset, bounded in queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.models import Task

from bench.benchflow.flows import BenchFlow
from governance import inbox
from governance.models import Unit

pytestmark = pytest.mark.django_db


def start(code, title="測試案件"):
    return BenchFlow.start.run(unit_id=Unit.objects.get(code=code).pk, title=title)


def test_queue_is_scoped_to_the_unit(person):
    start("planning", "企劃組案件")
    start("readers", "閱覽組案件")
    planning = [r.case_title for r in inbox.queue_page(person("planning-head")).rows]
    readers = [r.case_title for r in inbox.queue_page(person("readers-head")).rows]
    assert planning == ["企劃組案件"]
    assert readers == ["閱覽組案件"]
    # Staff and liaisons of the unit do not hold the head's step.
    assert inbox.queue_page(person("planning-staff1")).rows == []
    assert inbox.queue_page(person("planning-liaison")).rows == []


def test_queue_page_shows_cases_to_the_right_head_only(login_as):
    start("acquisitions", "採編案件")
    html = login_as("acquisitions-head").get("/workflow/queue/").content.decode()
    assert "採編案件" in html
    html = login_as("readers-head").get("/workflow/queue/").content.decode()
    assert "採編案件" not in html
    assert "目前沒有可由您認領的任務" in html


def test_claim_execute_and_archive_through_http(login_as, person):
    process = start("reference", "參考組案件")
    task = process.task_set.get(flow_task=BenchFlow.step_1)
    other = login_as("planning-head")
    assert other.post(task.reverse("assign")).status_code == 403

    client = login_as("reference-head")
    assert client.post(task.reverse("assign")).status_code == 302
    head = person("reference-head")
    assert [r.task.pk for r in inbox.inbox_page(head).rows] == [task.pk]
    assert "參考組案件" in client.get("/workflow/inbox/").content.decode()

    assert login_as("planning-head").post(task.reverse("execute")).status_code == 403
    client = login_as("reference-head")
    assert client.post(task.reverse("execute"), {"_continue": 1}).status_code == 302
    assert [r.task.pk for r in inbox.archive_page(head).rows] == [task.pk]
    assert inbox.inbox_page(head).rows == []
    assert [r.task.flow_task for r in inbox.queue_page(head).rows] == [BenchFlow.step_2]


def test_anonymous_lists_redirect_to_login(client, org):
    for path in ("/workflow/inbox/", "/workflow/queue/", "/workflow/archive/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_keyset_pages_cover_every_task_once(person):
    for i in range(12):
        start("secretariat", f"案件{i:02d}")
    head = person("secretariat-head")
    seen, cursor = [], None
    while True:
        page = inbox.queue_page(head, cursor=cursor, size=5)
        seen.extend(r.task.pk for r in page.rows)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    expected = list(
        Task.objects.filter(status="NEW", flow_task_type="HUMAN")
        .order_by("-created", "-pk")
        .values_list("pk", flat=True)
    )
    assert seen == expected


def test_bad_cursor_shows_the_first_page(login_as):
    start("planning")
    response = login_as("planning-head").get("/workflow/queue/?after=not-a-cursor!!")
    assert response.status_code == 200
    assert "測試案件" in response.content.decode()


def test_counts_are_capped(person, monkeypatch):
    for _ in range(4):
        start("accounting")
    head = person("accounting-head")
    assert inbox.task_counts(head)["queue"] == "4"
    monkeypatch.setattr(inbox, "COUNT_CAP", 3)
    assert inbox.format_count(inbox.bounded_count(inbox.queue_tasks(head), cap=3), cap=3) == "3+"


@pytest.mark.parametrize("tasks", [3, 30])
def test_query_count_does_not_grow_with_tasks(login_as, tasks):
    for i in range(tasks):
        start("chungshan", f"中山樓案件{i}")
    client = login_as("chungshan-head")
    client.get("/workflow/queue/")  # warm caches (content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/workflow/queue/")
    assert response.status_code == 200
    assert len(queries) <= 12, [q["sql"] for q in queries]


def test_task_pages_use_the_site_menu_without_whole_table_counts(login_as, person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    process = start("reference", "參考組案件")
    task = process.task_set.get(flow_task=BenchFlow.step_1)
    client = login_as("reference-head")
    client.get("/workflow/")  # the flows' URL names exist once the site's URLs are loaded
    client.post(task.reverse("assign"))
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(task.reverse("execute")).content.decode()
    # The site's menu (our nav links) once, not viewflow's flow menu or list of applications.
    assert html.count('href="/proposals/"') == 1 and "應用程式" not in html
    assert not any(
        "COUNT(" in q["sql"].upper() and "viewflow_task" in q["sql"] and "LIMIT" not in q["sql"].upper()
        for q in ctx.captured_queries
    )


def test_a_score_task_shows_when_it_is_due_and_when_it_is_late(client, person, settings):
    import datetime

    import time_machine
    from django.utils import timezone

    from tests.support.proposal_http import Driver

    drive = Driver(client, person)
    proposal = drive.submit("readers-staff1")
    drive.first_review("readers-head", proposal, "accepted")
    drive.assign_reviewers(proposal, ["committee1"])
    due = timezone.localdate() + datetime.timedelta(days=settings.SCORING_DAYS)
    [row] = inbox.inbox_page(person("committee1")).rows
    assert (row.case_number, row.due, row.overdue) == (proposal.case_number, due, False)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=settings.SCORING_DAYS + 1)):
        [row] = inbox.inbox_page(person("committee1")).rows
        assert (row.due, row.overdue) == (due, True)
        html = drive.as_("committee1").get("/workflow/inbox/").content.decode()
        assert "逾期" in html


def test_the_archive_leads_to_the_case_each_task_was_part_of(client, person):
    from tests.support.proposal_http import Driver

    drive = Driver(client, person)
    proposal = drive.submit("readers-staff1")
    drive.first_review("readers-head", proposal, "accepted")
    [row] = inbox.archive_page(person("readers-head")).rows
    # Not the finished task's own page, which viewflow opens to administrators only.
    assert row.url == f"/proposals/{proposal.pk}/"
    html = client.get("/workflow/archive/").content.decode()
    assert f'href="/proposals/{proposal.pk}/"' in html
    assert client.get(row.url).status_code == 200
