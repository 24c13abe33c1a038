"""Follow-up actions (追蹤事項) of decisions: completed by the action unit's liaison or head only,
reminded through settings.REMINDER_SOURCES until done."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance import notifications
from governance.models import Notification, TrailEvent
from governance.notifications import DueItem
from governance.rocdate import TAIPEI
from meetings import services as meetings
from meetings.models import MeetingDecision
from tests.helpers import frozen_at, user
from tests.support.meeting_factory import held

pytestmark = pytest.mark.django_db
D = datetime.date
DUE = D(2026, 6, 30)
SOURCE = "meetings.services.due_for_reminders"


@pytest.fixture
def meeting(org):
    return held(
        D(2026, 5, 15),
        decisions=[
            ("請閱覽組完成讀者動線調整", "readers", DUE, None),
            ("洽悉", None, None, None),
            ("請秘書室辦理教育訓練", "secretariat", DUE, "已辦理"),
        ],
    )


@pytest.fixture
def action(meeting):
    return meeting.decisions.get(action_unit__code="readers")


def complete(action, login, note="已完成動線調整並公告"):
    return meetings.complete_action(actor=user(login), decision=action, note=note)


@pytest.mark.parametrize("login", ["readers-liaison", "readers-head"])
def test_the_units_liaison_or_head_completes(action, login):
    with frozen_at(D(2026, 6, 20), hour=7):
        done = complete(action, login)
    assert done.action_done_at == datetime.datetime(2026, 6, 20, 7, 0, tzinfo=TAIPEI)
    assert done.action_done_note == "已完成動線調整並公告"
    assert meetings.open_actions(D(2026, 6, 20)) == []
    [event] = TrailEvent.objects.filter(case_kind="meeting", case_ref=str(action.meeting_id))
    assert event.action == "追蹤事項辦結" and event.actor_name == user(login).get_full_name()
    assert event.comment == "閱覽典藏組：請閱覽組完成讀者動線調整；辦理情形：已完成動線調整並公告"


def test_nobody_else_completes(action):
    for login in (
        "acquisitions-liaison",
        "acquisitions-head",
        "readers-staff1",
        "tracking",
        "director",
        "auditor",
    ):
        with pytest.raises(PermissionDenied):
            complete(action, login)
    action.refresh_from_db()
    assert action.action_done_at is None and not TrailEvent.objects.exists()


def test_a_note_is_needed_and_an_action_is_done_once(meeting, action):
    with pytest.raises(ValidationError):
        complete(action, "readers-liaison", note="  ")
    complete(action, "readers-liaison")
    with pytest.raises(ValidationError):
        complete(action, "readers-head", note="再辦結一次")
    with pytest.raises(ValidationError):
        complete(meeting.decisions.get(text="洽悉"), "readers-liaison")
    assert MeetingDecision.objects.get(pk=action.pk).action_done_note == "已完成動線調整並公告"


def test_open_actions_are_listed_with_overdue(meeting, action):
    assert [(a.pk, a.overdue) for a in meetings.open_actions(D(2026, 6, 30))] == [(action.pk, False)]
    assert [(a.pk, a.overdue) for a in meetings.open_actions(D(2026, 7, 1))] == [(action.pk, True)]


# ---------------------------------------------------------------- the pages


def test_the_form_is_offered_to_the_action_unit_only(login_as, meeting, action):
    page = f"/meetings/{meeting.pk}/"
    for login in ("readers-liaison", "readers-head"):
        assert (
            f'action="/meetings/actions/{action.pk}/complete/"' in login_as(login).get(page).content.decode()
        )
    for login in ("acquisitions-liaison", "readers-staff1", "tracking", "director"):
        body = login_as(login).get(page).content.decode()
        assert "/complete/" not in body and "請閱覽組完成讀者動線調整" in body, login


def test_completing_through_the_page(login_as, meeting, action):
    url = f"/meetings/actions/{action.pk}/complete/"
    assert login_as("acquisitions-liaison").post(url, {"note": "代填"}).status_code == 403
    client = login_as("readers-liaison")
    empty = client.post(url, {"note": ""}, follow=True)
    assert "追蹤事項未辦結" in empty.content.decode()
    response = client.post(url, {"note": "已完成並公告"})
    assert response.status_code == 302 and response.url == f"/meetings/{meeting.pk}/"
    page = client.get(response.url).content.decode()
    assert "已辦結" in page and "已完成並公告" in page and "已辦結追蹤事項" in page
    again = client.post(url, {"note": "再一次"}, follow=True)
    assert "這項追蹤事項已辦結" in again.content.decode()


def test_the_list_shows_open_actions_and_where_to_complete(login_as, meeting, action):
    with frozen_at(D(2026, 7, 2), hour=7):
        liaison = login_as("readers-liaison").get("/meetings/").content.decode()
        other = login_as("planning-staff1").get("/meetings/").content.decode()
    assert "請閱覽組完成讀者動線調整" in liaison and "逾期" in liaison and "填報辦結" in liaison
    assert "請閱覽組完成讀者動線調整" in other and "填報辦結" not in other
    assert "請秘書室辦理教育訓練" not in liaison  # done


# ---------------------------------------------------------------- reminders


def test_the_source_returns_open_actions_due_on_the_dates(meeting, action):
    assert meetings.due_for_reminders([D(2026, 6, 29)]) == []
    assert meetings.due_for_reminders([DUE, D(2026, 7, 1)]) == [
        DueItem(
            key=f"meeting_action:{action.pk}",
            what="執行小組會議決議追蹤事項",
            case_number="115 年第 1 次會議",
            title="請閱覽組完成讀者動線調整",
            due_date=DUE,
            url=f"/meetings/{meeting.pk}/",
            unit_id=action.action_unit_id,
        )
    ]
    complete(action, "readers-liaison")
    assert meetings.due_for_reminders([DUE]) == []


def test_reminders_reach_the_liaison_then_the_head(settings, meeting, action):
    settings.REMINDER_SOURCES = [*settings.REMINDER_SOURCES, SOURCE]
    notifications.plan_reminders(DUE - datetime.timedelta(days=7))
    [reminder] = Notification.objects.all()
    assert (reminder.recipient.username, reminder.kind) == ("readers-liaison", "reminder")
    assert reminder.subject == "【到期提醒】執行小組會議決議追蹤事項：115 年第 1 次會議（尚有 7 天）"
    assert reminder.url == f"/meetings/{meeting.pk}/"
    notifications.plan_reminders(DUE + datetime.timedelta(days=1))
    late = Notification.objects.filter(key__endswith="+1").values_list("recipient__username", "kind")
    assert sorted(late) == [("readers-head", "escalation"), ("readers-liaison", "reminder")]
    # Done: no more reminders.
    complete(action, "readers-liaison")
    before = Notification.objects.count()
    notifications.plan_reminders(DUE + datetime.timedelta(days=7))
    assert Notification.objects.count() == before
