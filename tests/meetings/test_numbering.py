"""Meetings are numbered 第 N 次 by their date within the ROC year, among those not cancelled: a
meeting scheduled before others, moved or cancelled renumbers the later ones not yet held, on
their trails and told to the group; a held meeting's number, printed on its minutes, never
changes (docs/domain.md, 案號與季別)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from governance.models import Notification, TrailEvent
from governance.rocdate import TAIPEI
from meetings import services as meetings
from meetings.models import GroupMeeting
from tests.helpers import frozen_at, taipei, user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
NOW = datetime.datetime(2026, 2, 2, 9, 0, tzinfo=TAIPEI)
D = datetime.date


def schedule(day, hour=14):
    return meetings.schedule_meeting(
        actor=user("tracking"), scheduled_for=taipei(day, hour), location="第一會議室", chair=None
    )


def move(meeting, day, hour=14):
    return meetings.change_meeting(
        actor=user("tracking"),
        meeting=meeting,
        scheduled_for=taipei(day, hour),
        location=meeting.location,
        chair=None,
        reason="配合館長行程",
    )


def cancel(meeting):
    return meetings.cancel_meeting(actor=user("tracking"), meeting=meeting, reason="颱風停班")


def record(meeting):
    return meetings.record_meeting(
        actor=user("tracking"),
        meeting=meeting,
        attendees=[user("director")],
        minutes="報告事項。",
        decisions=[],
    )


def numbers():
    """(day, number, state) of every meeting, by date."""
    return [
        (meetings.meeting_day(m), m.number, m.state)
        for m in GroupMeeting.objects.order_by("scheduled_for", "pk")
    ]


S, H, C = GroupMeeting.State.SCHEDULED, GroupMeeting.State.HELD, GroupMeeting.State.CANCELLED


def test_a_meeting_scheduled_before_others_renumbers_them_on_their_trail_and_to_the_group(
    org, django_capture_on_commit_callbacks
):
    may = schedule(D(2026, 5, 6))
    july = schedule(D(2026, 7, 8))
    with django_capture_on_commit_callbacks(execute=True):
        march = schedule(D(2026, 3, 8))
    assert march.number == 1
    assert numbers() == [(D(2026, 3, 8), 1, S), (D(2026, 5, 6), 2, S), (D(2026, 7, 8), 3, S)]
    event = TrailEvent.objects.filter(case_kind="meeting", case_ref=str(may.pk)).last()
    assert event.action == "次別改為 115 年第 2 次會議"
    assert (
        event.comment
        == "原 115 年第 1 次會議；會議依開會日期編次，因排定 115 年第 1 次會議（115/03/08 14:00）"
    )
    [notice] = Notification.objects.filter(
        key__startswith=f"meeting:{july.pk}:renumbered:", recipient=user("director")
    )
    assert notice.subject == "【會議次別變更】115 年第 3 次會議"
    assert "原115 年第 2 次會議（115/07/08 14:00）依開會日期改為115 年第 3 次會議" in notice.body
    # The new meeting's own trail names it once, by its place.
    [scheduled] = TrailEvent.objects.filter(case_kind="meeting", case_ref=str(march.pk))
    assert scheduled.action == "排定 115 年第 1 次會議"


def test_moving_a_meeting_past_another_swaps_their_numbers(org):
    march, may = schedule(D(2026, 3, 8)), schedule(D(2026, 5, 6))
    moved = move(march, D(2026, 6, 10))
    assert moved.number == 2 and GroupMeeting.objects.get(pk=may.pk).number == 1
    change = TrailEvent.objects.filter(case_kind="meeting", case_ref=str(march.pk)).last()
    assert change.action == "變更 115 年第 1 次會議"
    assert "次別 115 年第 1 次會議 → 115 年第 2 次會議" in change.comment
    # Moved within its place, a meeting keeps its number and nothing else is renumbered.
    events = TrailEvent.objects.count()
    assert move(may, D(2026, 5, 7)).number == 1
    assert TrailEvent.objects.count() == events + 1


def test_cancelled_meetings_are_not_counted(org):
    march, may, july = schedule(D(2026, 3, 8)), schedule(D(2026, 5, 6)), schedule(D(2026, 7, 8))
    cancel(may)
    assert numbers() == [(D(2026, 3, 8), 1, S), (D(2026, 5, 6), 2, C), (D(2026, 7, 8), 2, S)]
    renumbered = TrailEvent.objects.filter(case_kind="meeting", case_ref=str(july.pk)).last()
    assert renumbered.comment == "原 115 年第 3 次會議；會議依開會日期編次，因取消 115 年第 2 次會議"
    assert schedule(D(2026, 9, 9)).number == 3
    assert GroupMeeting.objects.get(pk=march.pk).number == 1


def test_each_roc_year_counts_its_own(org):
    schedule(D(2027, 1, 15))
    schedule(D(2026, 11, 4))
    schedule(D(2026, 9, 9))
    assert numbers() == [(D(2026, 9, 9), 1, S), (D(2026, 11, 4), 2, S), (D(2027, 1, 15), 1, S)]


def test_a_held_meeting_keeps_its_number_and_nothing_goes_before_it(org):
    march, may = schedule(D(2026, 3, 8)), schedule(D(2026, 5, 6))
    with frozen_at(D(2026, 3, 9)):
        record(march)
        with pytest.raises(ValidationError, match="115 年第 1 次會議已於 115/03/08 14:00 召開"):
            schedule(D(2026, 2, 25))
        with pytest.raises(ValidationError, match="不能排在已召開的會議之前"):
            move(may, D(2026, 3, 1))
        # After it, a meeting takes its place among those not yet held.
        assert schedule(D(2026, 4, 1)).number == 2
    assert numbers() == [(D(2026, 3, 8), 1, H), (D(2026, 4, 1), 2, S), (D(2026, 5, 6), 3, S)]


def test_minutes_are_recorded_in_date_order(org):
    march, may = schedule(D(2026, 3, 8)), schedule(D(2026, 5, 6))
    with frozen_at(D(2026, 5, 7)):
        # The March meeting may still be cancelled, which would make May's the first.
        with pytest.raises(
            ValidationError, match="115 年第 1 次會議（115/03/08 14:00）尚未登錄會議紀錄或取消"
        ):
            record(may)
        cancel(march)
        assert record(may).number == 1
    assert numbers() == [(D(2026, 3, 8), 1, C), (D(2026, 5, 6), 1, H)]
