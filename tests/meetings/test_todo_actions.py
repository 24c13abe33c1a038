"""The to-do list's meeting follow-up actions (meetings.todo.action_todos): the action unit's
liaison and head see an open action of a held meeting; nobody else does."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.todo import action_todos
from tests.helpers import user
from tests.support.meeting_factory import held

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 6, 1)


@pytest.fixture
def meeting(org):
    return held(
        D(2026, 5, 15),
        decisions=[
            ("請閱覽組完成讀者動線調整", "readers", D(2026, 6, 30), None),
            ("請閱覽組更新館藏標示", "readers", D(2026, 6, 10), None),
            ("洽悉", None, None, None),
            ("請秘書室辦理教育訓練", "secretariat", D(2026, 6, 30), "已辦理"),
            ("請企劃組規劃活動", "planning", D(2026, 6, 20), None),
        ],
    )


@pytest.mark.parametrize("login", ["readers-liaison", "readers-head"])
def test_the_action_units_liaison_and_head_see_its_open_actions_by_due_date(meeting, login):
    section = action_todos(user(login), limit=10, today=TODAY)
    assert section.count == 2
    assert [item.due for item in section.items] == [D(2026, 6, 10), D(2026, 6, 30)]
    first = section.items[0]
    assert first.kind == "meeting_action" and "更新館藏標示" in first.title
    assert first.reference == f"115 年第 {meeting.number} 次會議"
    assert first.url == f"/meetings/{meeting.pk}/"


@pytest.mark.parametrize(
    "login", ["readers-staff1", "planning-head", "secretariat-liaison", "tracking", "director"]
)
def test_others_do_not_see_them(meeting, login):
    items = action_todos(user(login), limit=10, today=TODAY).items
    assert all("閱覽組" not in item.title for item in items)
    if login != "planning-head":
        assert items == []


def test_done_actions_and_scheduled_meetings_are_not_owed(meeting):
    from meetings.models import MeetingDecision

    MeetingDecision.objects.filter(action_unit__code="readers").update(
        action_done_at=datetime.datetime.now(datetime.UTC)
    )
    assert action_todos(user("readers-liaison"), limit=10, today=TODAY).count == 0


def test_limit_cuts_rows_not_the_count_and_queries_do_not_grow(meeting):
    liaison = user("readers-liaison")
    action_todos(liaison, limit=1, today=TODAY)  # the person's capabilities, read once
    with CaptureQueriesContext(connection) as few:
        action_todos(liaison, limit=1, today=TODAY)
    held(D(2026, 5, 20), decisions=[(f"追蹤事項 {n}", "readers", D(2026, 7, n + 1), None) for n in range(20)])
    with CaptureQueriesContext(connection) as many:
        section = action_todos(liaison, limit=50, today=TODAY)
    assert section.count == 22 and len(section.items) == 22
    assert len(many) == len(few)
    assert len(action_todos(liaison, limit=1, today=TODAY).items) == 1
