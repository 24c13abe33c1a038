"""Recording a meeting: attendees, minutes and decisions, some of which open follow-up actions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance.models import TrailEvent
from governance.rocdate import TAIPEI
from meetings import services as meetings
from meetings.models import GroupMeeting, MeetingDecision
from tests.helpers import unit, user
from tests.support.meeting_factory import meeting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
NOW = datetime.datetime(2026, 5, 15, 17, 0, tzinfo=TAIPEI)
D = datetime.date
DAY = D(2026, 5, 15)


@pytest.fixture
def target(org):
    scheduled = meeting(DAY)
    meetings.set_agenda(
        actor=user("tracking"),
        meeting=scheduled,
        items=[meetings.AgendaInput(kind="other", title="讀者動線調整", reference="臨時動議")],
    )
    return scheduled


def record(target, decisions, **options):
    return meetings.record_meeting(
        actor=user(options.pop("actor", "tracking")),
        meeting=target,
        attendees=options.pop("attendees", [user("director"), user("readers-head")]),
        minutes=options.pop("minutes", "一、主席致詞。\n二、報告事項。"),
        decisions=decisions,
        **options,
    )


def test_decisions_with_a_unit_and_date_open_actions(target):
    item = target.agenda.get()
    record(
        target,
        [
            meetings.DecisionInput(
                text="請閱覽組於 6 月底前完成動線調整",
                agenda_item=item,
                action_unit=unit("readers"),
                action_due=D(2026, 6, 30),
            ),
            meetings.DecisionInput(text="洽悉"),
        ],
    )
    target.refresh_from_db()
    assert target.state == GroupMeeting.State.HELD and target.minutes.startswith("一、主席致詞")
    assert set(target.attendees.values_list("username", flat=True)) == {"director", "readers-head"}
    action, noted = target.decisions.order_by("pk")
    assert (action.agenda_item, action.action_unit.code, action.action_due, action.action_done_at) == (
        item,
        "readers",
        D(2026, 6, 30),
        None,
    )
    assert (noted.action_unit, noted.action_due) == (None, None)
    assert [a.pk for a in meetings.open_actions()] == [action.pk]
    event = (
        TrailEvent.objects.filter(case_kind="meeting", case_ref=str(target.pk)).order_by("sequence").last()
    )
    assert (event.action, event.from_state, event.to_state) == ("登錄會議紀錄", "scheduled", "held")
    assert event.comment == "出席 2 人；決議 2 項，其中追蹤事項 1 項"


@pytest.mark.parametrize(
    "text, unit_code, due, message",
    [
        ("只有期限", None, D(2026, 6, 30), "追蹤單位與追蹤期限須同時填寫或同時空白"),
        ("只有單位", "readers", None, "追蹤單位與追蹤期限須同時填寫或同時空白"),
        ("期限早於開會", "readers", D(2026, 5, 14), "追蹤期限不可早於開會日期 115年5月15日"),
        ("   ", None, None, "第 2 項決議未填寫內容"),
    ],
)
def test_bad_decisions_are_refused_whole(target, text, unit_code, due, message):
    decision = meetings.DecisionInput(
        text=text, action_unit=unit(unit_code) if unit_code else None, action_due=due
    )
    with pytest.raises(ValidationError) as error:
        record(target, [meetings.DecisionInput(text="好的決議"), decision])
    assert message in " ".join(error.value.messages)
    target.refresh_from_db()
    assert target.state == GroupMeeting.State.SCHEDULED and not MeetingDecision.objects.exists()


def test_no_minutes_or_attendees_and_other_meetings_agenda_are_refused(target):
    with pytest.raises(ValidationError):
        record(target, [], minutes="  ")
    with pytest.raises(ValidationError):
        record(target, [], attendees=[])
    other = meeting(D(2026, 5, 1))
    meetings.set_agenda(
        actor=user("tracking"),
        meeting=other,
        items=[meetings.AgendaInput(kind="other", title="別的會議的議程")],
    )
    with pytest.raises(ValidationError):
        record(target, [meetings.DecisionInput(text="錯配", agenda_item=other.agenda.get())])
    assert GroupMeeting.objects.get(pk=target.pk).state == GroupMeeting.State.SCHEDULED


def test_a_meeting_is_recorded_once_and_not_before_it_is_held(target):
    future = meeting(D(2026, 5, 16))
    with pytest.raises(ValidationError) as error:
        record(future, [])
    assert "會議尚未召開" in " ".join(error.value.messages)
    record(target, [])
    with pytest.raises(ValidationError):
        record(target, [meetings.DecisionInput(text="第二次登錄")])
    assert not MeetingDecision.objects.exists()


def test_only_the_tracking_office_records(target):
    for login in ("director", "readers-head", "auditor"):
        with pytest.raises(PermissionDenied):
            record(target, [], actor=login)
    assert GroupMeeting.objects.get(pk=target.pk).state == GroupMeeting.State.SCHEDULED


# ---------------------------------------------------------------- the page


def url(target):
    return f"/meetings/{target.pk}/record/"


def form_data(target, decisions, attendees=("director", "readers-head", "tracking")):
    data = {
        "attendees": [user(login).pk for login in attendees],
        "minutes": "會議紀錄全文",
        "decisions-TOTAL_FORMS": str(len(decisions)),
        "decisions-INITIAL_FORMS": "0",
    }
    for i, fields in enumerate(decisions):
        for name, value in fields.items():
            data[f"decisions-{i}-{name}"] = value
    return data


def test_the_page_offers_the_group_and_records(login_as, target):
    client = login_as("tracking")
    page = client.get(url(target))
    assert page.status_code == 200
    initial = set(page.context["form"].initial["attendees"])
    # The chair, every unit head and the 管考 office come ticked.
    expected = {user(login).pk for login in ("director", "tracking")} | {
        user(f"{code}-head").pk
        for code in (
            "planning",
            "acquisitions",
            "readers",
            "reference",
            "secretariat",
            "accounting",
            "personnel",
            "chungshan",
        )
    }
    assert initial == expected
    item = target.agenda.get()
    response = client.post(
        url(target),
        form_data(
            target,
            [
                {
                    "text": "請閱覽組完成動線調整",
                    "agenda_item": item.pk,
                    "action_unit": unit("readers").pk,
                    "action_due": "115/6/30",
                },
                {"text": "洽悉", "agenda_item": "", "action_unit": "", "action_due": ""},
                {"text": "", "agenda_item": "", "action_unit": "", "action_due": ""},  # left blank: ignored
            ],
        ),
    )
    assert response.status_code == 302 and response.url == f"/meetings/{target.pk}/"
    assert list(target.decisions.order_by("pk").values_list("text", "action_due")) == [
        ("請閱覽組完成動線調整", D(2026, 6, 30)),
        ("洽悉", None),
    ]
    detail = client.get(response.url).content.decode()
    assert "已召開" in detail and "會議紀錄全文" in detail
    assert "追蹤事項：閱覽典藏組，期限 115年6月30日" in detail and "追蹤中" in detail
    assert "陳德光" in detail


def test_a_unit_without_a_date_is_a_form_error(login_as, target):
    response = login_as("tracking").post(
        url(target),
        form_data(target, [{"text": "缺期限", "action_unit": unit("readers").pk, "action_due": ""}]),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "追蹤單位與追蹤期限須同時填寫或同時空白" in body
    assert not MeetingDecision.objects.exists()


def test_a_future_meeting_says_so_on_the_page(login_as, org):
    future = meeting(D(2026, 6, 1))
    client = login_as("tracking")
    assert "召開後才能登錄會議紀錄" in client.get(url(future)).content.decode()
    response = client.post(url(future), form_data(future, []))
    assert response.status_code == 200 and "會議尚未召開" in response.content.decode()
    assert GroupMeeting.objects.get(pk=future.pk).state == GroupMeeting.State.SCHEDULED


def test_only_the_tracking_office_opens_the_page(login_as, target):
    for login in ("director", "readers-head", "readers-liaison", "auditor"):
        client = login_as(login)
        assert client.get(url(target)).status_code == 403, login
        assert client.post(url(target), form_data(target, [])).status_code == 403, login
