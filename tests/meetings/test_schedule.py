"""Scheduling a meeting of the execution group: numbering per ROC year, the form, who may."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance.models import TrailEvent
from governance.rocdate import TAIPEI
from meetings import services as meetings
from meetings.models import GroupMeeting
from tests.helpers import taipei, user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=TAIPEI)

URL = "/meetings/new/"


def schedule(day, hour=14, chair="director", location="第一會議室"):
    return meetings.schedule_meeting(
        actor=user("tracking"),
        scheduled_for=taipei(day, hour),
        location=location,
        chair=user(chair) if chair else None,
    )


def test_meetings_are_numbered_within_their_roc_year(org):
    first = schedule(datetime.date(2026, 3, 8))
    second = schedule(datetime.date(2026, 5, 6))
    # 民國 116 年 starts the count again.
    next_year = schedule(datetime.date(2027, 1, 15))
    assert [(m.roc_year, m.number) for m in (first, second, next_year)] == [(115, 1), (115, 2), (116, 1)]
    assert first.state == GroupMeeting.State.SCHEDULED and first.chair.username == "director"


def test_a_second_meeting_at_the_same_time_is_refused(org):
    first = schedule(datetime.date(2026, 3, 8))
    with pytest.raises(ValidationError, match="115/03/08 14:00 已排定 115 年第 1 次會議，請勿重複排定"):
        schedule(datetime.date(2026, 3, 8), location="另一間會議室")
    assert GroupMeeting.objects.count() == 1
    # Once that one is cancelled, the time is free again, and its number: it is not counted.
    GroupMeeting.objects.filter(pk=first.pk).update(state=GroupMeeting.State.CANCELLED)
    assert schedule(datetime.date(2026, 3, 8)).number == 1


def test_the_year_is_the_taipei_year(org):
    # 2026-12-31 23:30 in Taipei is 民國 115 年 (it is 15:30 UTC).
    late = meetings.schedule_meeting(
        actor=user("tracking"),
        location="",
        chair=None,
        scheduled_for=datetime.datetime(2026, 12, 31, 23, 30, tzinfo=TAIPEI),
    )
    assert (late.roc_year, late.number) == (115, 1)


def test_a_number_taken_meanwhile_is_retried(org, monkeypatch):
    schedule(datetime.date(2026, 3, 8))
    # Another scheduler took 第 1 次 after this one read the free number: its first insert hits
    # the unique key, and it tries again.
    real_free_number, reads = meetings._free_number, []

    def stale_then_real(year):
        reads.append(year)
        return 1 if len(reads) == 1 else real_free_number(year)

    monkeypatch.setattr(meetings, "_free_number", stale_then_real)
    second = schedule(datetime.date(2026, 5, 6))
    assert reads == [115, 115] and (second.roc_year, second.number) == (115, 2)
    monkeypatch.undo()
    assert list(GroupMeeting.objects.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert TrailEvent.objects.filter(case_kind="meeting").count() == 2


def test_scheduling_writes_the_trail(org):
    meeting = schedule(datetime.date(2026, 3, 8))
    [event] = TrailEvent.objects.filter(case_kind="meeting", case_ref=str(meeting.pk))
    assert event.action == "排定 115 年第 1 次會議"
    assert (event.to_state, event.actor_name) == ("scheduled", "孫立群")
    assert "115/03/08 14:00" in event.comment and "第一會議室" in event.comment and "陳德光" in event.comment


def test_only_the_tracking_office_schedules(org):
    for login in ("director", "readers-head", "readers-liaison", "auditor"):
        with pytest.raises(PermissionDenied):
            meetings.schedule_meeting(
                actor=user(login),
                scheduled_for=taipei(datetime.date(2026, 3, 8), 14),
                location="",
                chair=None,
            )
    assert not GroupMeeting.objects.exists()


def test_an_inactive_chair_is_refused(org):
    director = user("director")
    director.is_active = False
    director.save()
    with pytest.raises(ValidationError):
        meetings.schedule_meeting(
            actor=user("tracking"),
            scheduled_for=taipei(datetime.date(2026, 3, 8), 14),
            location="",
            chair=director,
        )
    assert not GroupMeeting.objects.exists()


# ---------------------------------------------------------------- the page


def test_the_form_takes_a_roc_date_and_goes_to_the_meeting(login_as):
    client = login_as("tracking")
    page = client.get(URL)
    assert page.status_code == 200
    assert "排定執行小組會議" in page.content.decode()
    director = user("director")
    response = client.post(
        URL, {"day": "115/3/8", "time": "14:30", "location": "本館簡報室", "chair": director.pk}
    )
    meeting = GroupMeeting.objects.get()
    assert response.status_code == 302 and response.url == f"/meetings/{meeting.pk}/"
    assert meeting.scheduled_for == datetime.datetime(2026, 3, 8, 14, 30, tzinfo=TAIPEI)
    assert (meeting.location, meeting.chair, meeting.number) == ("本館簡報室", director, 1)
    detail = client.get(response.url).content.decode()
    assert "115 年第 1 次執行小組會議" in detail and "115/03/08 14:30" in detail and "已排定" in detail


def test_the_chair_is_offered_among_the_director_and_deputy(login_as):
    page = login_as("tracking").get(URL)
    choices = {str(c[1]) for c in page.context["form"].fields["chair"].choices if c[0]}
    assert choices == {"陳德光（館長）", "林秀英（副館長）"}
    assert page.context["form"].fields["chair"].initial == user("director").pk


def test_bad_input_is_shown_in_chinese_and_nothing_saved(login_as):
    client = login_as("tracking")
    response = client.post(URL, {"day": "115/2/30", "time": "25:00", "location": "", "chair": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "115年2月沒有30日" in body and "資料未填妥" in body
    assert "time" in response.context["form"].errors
    assert not GroupMeeting.objects.exists()


def test_others_may_not_schedule(login_as, client):
    for login in ("director", "readers-head", "readers-liaison", "hr", "auditor"):
        client = login_as(login)
        assert client.get(URL).status_code == 403, login
        assert client.post(URL, {"day": "115/3/8", "time": "14:00"}).status_code == 403, login
    assert not GroupMeeting.objects.exists()
