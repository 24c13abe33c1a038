"""The two-month rule: the group meets at least every two months; a warning says by when."""

import datetime

import pytest
import time_machine

from meetings import services as meetings
from meetings.models import GroupMeeting
from tests.helpers import frozen_at
from tests.support.meeting_factory import held, meeting

pytestmark = pytest.mark.django_db
D = datetime.date


def warning_on(day):
    with frozen_at(day, hour=9):
        return meetings.next_meeting_warning()


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert meetings.add_months(D(2026, 3, 8), 2) == D(2026, 5, 8)
    assert meetings.add_months(D(2025, 12, 31), 2) == D(2026, 2, 28)
    assert meetings.add_months(D(2027, 12, 31), 2) == D(2028, 2, 29)
    assert meetings.add_months(D(2026, 11, 15), 2) == D(2027, 1, 15)


def test_none_held_this_year_the_first_is_due_two_months_into_the_year(org):
    warning = warning_on(D(2026, 2, 10))
    assert warning is not None and not warning.overdue
    assert (warning.due_by, warning.last_held, warning.upcoming) == (D(2026, 3, 1), None, None)
    assert "本年度尚未召開會議" in warning.message and "115年3月1日" in warning.message
    assert "目前尚未排定會議" in warning.message
    # Scheduled within the two months: nothing to warn about.
    meeting(D(2026, 2, 26))
    assert warning_on(D(2026, 2, 10)) is None


def test_two_months_after_the_last_held_meeting(org):
    last = held(D(2026, 3, 8))
    warning = warning_on(D(2026, 4, 1))
    assert (warning.due_by, warning.last_held, warning.overdue) == (D(2026, 5, 8), last, False)
    assert "上次會議為 115年3月8日" in warning.message and "最遲應於 115年5月8日 召開" in warning.message
    meeting(D(2026, 5, 8))  # on the last allowed day
    assert warning_on(D(2026, 4, 1)) is None


def test_a_meeting_scheduled_too_late_does_not_satisfy_the_rule(org):
    held(D(2026, 3, 8))
    late = meeting(D(2026, 5, 9))
    warning = warning_on(D(2026, 4, 1))
    assert warning.upcoming == late and warning.due_by == D(2026, 5, 8)
    assert "已排定的下次會議（115年5月9日）晚於期限" in warning.message


def test_overdue_counts_taipei_days(org):
    held(D(2026, 3, 8))
    # 2026-05-08 23:30 in Taipei is still the last allowed day; 00:30 on 05-09 is past it.
    with time_machine.travel(datetime.datetime(2026, 5, 8, 15, 30, tzinfo=datetime.timezone.utc), tick=False):
        assert not meetings.next_meeting_warning().overdue
    with time_machine.travel(datetime.datetime(2026, 5, 8, 16, 30, tzinfo=datetime.timezone.utc), tick=False):
        warning = meetings.next_meeting_warning()
    assert warning.overdue and "已逾期 1 天" in warning.message
    # Scheduling one now does not undo the lateness.
    meeting(D(2026, 5, 12))
    assert warning_on(D(2026, 5, 10)).overdue


def test_a_scheduled_date_passed_without_minutes_does_not_count(org):
    held(D(2026, 3, 8))
    meeting(D(2026, 4, 20))  # never recorded
    assert warning_on(D(2026, 4, 19)) is None
    assert warning_on(D(2026, 4, 25)) is not None


def test_cancelled_meetings_do_not_count(org):
    held(D(2026, 3, 8))
    meeting(D(2026, 4, 20), state=GroupMeeting.State.CANCELLED)
    assert warning_on(D(2026, 4, 1)) is not None


def test_a_meeting_held_last_year_still_sets_the_date(org):
    held(D(2025, 12, 31))
    warning = warning_on(D(2026, 1, 10))
    assert warning.due_by == D(2026, 2, 28) and not warning.held_this_year
    assert "本年度尚未召開會議（上次會議為 114年12月31日）" in warning.message
    assert warning_on(D(2026, 3, 1)).overdue


def test_a_new_held_meeting_moves_the_date(org):
    held(D(2026, 1, 20))
    held(D(2026, 3, 15))
    assert warning_on(D(2026, 4, 1)).due_by == D(2026, 5, 15)


def test_the_interval_is_configuration(org, settings):
    settings.GROUP_MEETING_INTERVAL_MONTHS = 3
    held(D(2026, 3, 8))
    warning = warning_on(D(2026, 4, 1))
    assert warning.due_by == D(2026, 6, 8) and "每 3 個月" in warning.message


# ---------------------------------------------------------------- on the meetings page


def test_the_meetings_page_shows_the_warning_and_the_date(login_as):
    held(D(2026, 3, 8))
    with frozen_at(D(2026, 5, 20), hour=9):
        tracking = login_as("tracking").get("/meetings/").content.decode()
    assert "執行小組會議已逾期未召開" in tracking
    assert "下次會議最遲召開日期：115年5月8日" in tracking and "已逾期 12 天" in tracking
    assert 'href="/meetings/new/"' in tracking
    with frozen_at(D(2026, 5, 20), hour=9):
        staff = login_as("readers-staff1").get("/meetings/").content.decode()
    assert "下次會議最遲召開日期：115年5月8日" in staff
    assert 'href="/meetings/new/"' not in staff  # only the 管考 office schedules


def test_no_warning_when_the_next_meeting_is_scheduled(login_as):
    held(D(2026, 3, 8))
    meeting(D(2026, 5, 6))
    with frozen_at(D(2026, 4, 1), hour=9):
        page = login_as("tracking").get("/meetings/").content.decode()
    assert "最遲召開日期" not in page
    assert "115 年第 2 次" in page and "已排定" in page
