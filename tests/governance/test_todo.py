"""The to-do list (governance.todo) and its page /todo/: every source merged by due date,
filtered by kind, paged with constant queries; queue tasks claimed and opened in one click;
the menu's link; the home page's first rows; the weekly digest built from the same list."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance import todo
from governance.models import Notification
from governance.notifications import send_weekly_digest
from tests.helpers import frozen_at, log_in, unit, user
from tests.support.meeting_factory import finding, held
from tests.support.proposal_http import Driver

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 6, 1)


@pytest.fixture
def duties(org):
    """readers-liaison owes: two meeting actions (6/10, 6/30) and a contribution (6/20)."""
    held(
        D(2026, 5, 15),
        decisions=[
            ("請閱覽組完成讀者動線調整", "readers", D(2026, 6, 30), None),
            ("請閱覽組更新館藏標示", "readers", D(2026, 6, 10), None),
        ],
    )
    finding("planning", "借閱流程說明不清", due=D(2026, 6, 20)).supporting_units.add(unit("readers"))


def test_sources_are_merged_by_due_date(duties):
    page = todo.todo_page(user("readers-liaison"), today=TODAY)
    assert [(i.kind, i.due) for i in page.items] == [
        ("meeting_action", D(2026, 6, 10)),
        ("contribution", D(2026, 6, 20)),
        ("meeting_action", D(2026, 6, 30)),
    ]
    assert page.count == 3 and not page.has_next
    assert {kind for kind, _label, _n in page.kinds} == {"meeting_action", "contribution"}


def test_rows_without_a_date_come_last(duties):
    held(D(2026, 5, 20), decisions=[("請閱覽組研議", "readers", None, None)])
    items = todo.todo_page(user("readers-liaison"), today=TODAY).items
    assert items[-1].due is None and items[0].due == D(2026, 6, 10)


def test_kind_filter_and_paging(duties):
    liaison = user("readers-liaison")
    only = todo.todo_page(liaison, kind="contribution", today=TODAY)
    assert [i.kind for i in only.items] == ["contribution"] and only.count == 1
    first = todo.todo_page(liaison, size=2, today=TODAY)
    second = todo.todo_page(liaison, size=2, page=2, today=TODAY)
    assert first.has_next and not second.has_next
    assert [i.due for i in first.items + second.items] == [D(2026, 6, 10), D(2026, 6, 20), D(2026, 6, 30)]


def test_the_page_lists_filters_and_pages(client, duties):
    log_in(client, user("readers-liaison"))
    with frozen_at(TODAY):
        body = client.get(reverse("todo:index")).content.decode()
        assert "更新館藏標示" in body and "借閱流程說明不清" in body
        assert "115/06/10" in body or "115年6月10日" in body
        assert "尚有 9 天" in body
        filtered = client.get(reverse("todo:index"), {"kind": "contribution"}).content.decode()
        assert "借閱流程說明不清" in filtered and "更新館藏標示" not in filtered
        assert client.get(reverse("todo:index"), {"page": "x"}).status_code == 200
        unknown = client.get(reverse("todo:index"), {"kind": "nothing"}).content.decode()
        assert "借閱流程說明不清" in unknown and "更新館藏標示" in unknown
    with frozen_at(D(2026, 7, 2)):
        assert "已逾期 2 天" in client.get(reverse("todo:index")).content.decode()


def test_the_page_needs_a_login(client):
    assert client.get(reverse("todo:index")).status_code == 302


def test_queries_are_constant_in_rows_and_page_size(client, duties):
    liaison = user("readers-liaison")
    log_in(client, liaison)
    with frozen_at(TODAY):
        client.get(reverse("todo:index"))
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("todo:index"))
        held(D(2026, 5, 20), decisions=[(f"追蹤 {n}", "readers", D(2026, 7, 1 + n), None) for n in range(30)])
        for n in range(10):
            finding("reference", f"缺失 {n}", due=D(2026, 8, 1 + n)).supporting_units.add(unit("readers"))
        with CaptureQueriesContext(connection) as many:
            body = client.get(reverse("todo:index"), {"page": "2"}).content.decode()
    assert "追蹤" in body or "缺失" in body
    assert len(many) <= len(few) + 2, [q["sql"] for q in many.captured_queries]


def test_a_queue_task_is_claimed_and_opened_in_one_click(client, org):
    drive = Driver(client, user)
    proposal = drive.submit("readers-staff1")
    drive.first_review("readers-head", proposal, "accepted")
    tracking = user("tracking")
    page = todo.todo_page(tracking, kind="queue")
    (item,) = [i for i in page.items if i.reference == proposal.case_number]
    assert item.claim_url
    log_in(client, tracking)
    body = client.get(reverse("todo:index")).content.decode()
    assert f'action="{item.claim_url}"' in body and 'name="_continue"' in body
    response = client.post(item.claim_url, {"_continue": "1"})
    assert response.status_code == 302
    task = Task.objects.get(pk=int(item.key.split(":")[1]))
    assert task.owner_id == tracking.pk and task.status == STATUS.ASSIGNED
    assert response.url == task.reverse("execute")  # claimed and opened
    # Now in the inbox, not in the queue.
    kinds = [(i.kind, i.reference) for i in todo.todo_page(user("tracking")).items]
    assert ("inbox", proposal.case_number) in kinds and ("queue", proposal.case_number) not in kinds


def test_the_menu_links_the_list_without_counting_it(client, duties):
    log_in(client, user("readers-liaison"))
    with frozen_at(TODAY):
        body = client.get(reverse("notifications:index")).content.decode()
    # The menu links the list on every page without counting it (the inbox's query budget).
    assert reverse("todo:index") in body and "項待辦" not in body
    with frozen_at(TODAY):
        assert todo.todo_page(user("readers-liaison")).count == 3
        assert todo.todo_page(user("readers-staff1")).count == 0


def test_the_home_page_shows_the_first_rows(client, duties):
    log_in(client, user("readers-liaison"))
    with frozen_at(TODAY):
        body = client.get(reverse("home:index")).content.decode()
    assert "更新館藏標示" in body and "借閱流程說明不清" in body and "全部待辦事項（3 項）" in body


def test_the_weekly_digest_is_built_from_the_list(duties):
    with frozen_at(TODAY, hour=7):
        send_weekly_digest(today=TODAY)
    digest = Notification.objects.get(recipient=user("readers-liaison"), kind=Notification.Kind.DIGEST)
    assert "3 件待辦事項" in digest.subject and "更新館藏標示" in digest.body
    assert "115年6月10日" in digest.body and "尚有 9 天" in digest.body
    assert digest.url == reverse("todo:index")
    assert not Notification.objects.filter(
        recipient=user("readers-staff1"), kind=Notification.Kind.DIGEST
    ).exists()


def test_inbox_tasks_are_in_due_date_order_not_in_the_order_they_came(client, person, org):
    from tests.support.audit_http import AuditDriver, finding_fields

    drive = AuditDriver(client, person)
    later = drive.register(
        [finding_fields(0, kind="recommendation", self_tracked=True, due=90, text="晚到期的建議")],
        document_number="臺教綜（一）字第1150000001號",
    )
    sooner = drive.register(
        [finding_fields(0, kind="recommendation", self_tracked=True, due=30, text="早到期的建議")],
        document_number="臺教綜（一）字第1150000002號",
    )
    page = todo.todo_page(user("readers-liaison"), kind="inbox")
    numbers = [item.reference for item in page.items]
    assert numbers == [sooner.findings.get().tracking_number, later.findings.get().tracking_number]
