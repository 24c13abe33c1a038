"""A meeting not yet held can be changed (time, place, chair) or cancelled by the 管考 office,
each with a reason: on the meeting's trail, told to the group once, refused with the reason
why once it is held or cancelled, or when nothing changed or the reason is missing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from governance.models import Notification, TrailEvent
from governance.rocdate import TAIPEI
from meetings import services as meetings
from meetings.models import GroupMeeting
from tests.helpers import frozen_at, log_in, user
from tests.support.meeting_factory import held, meeting

pytestmark = pytest.mark.django_db
D = datetime.date
AT = datetime.datetime(2026, 5, 20, 14, 0, tzinfo=TAIPEI)


@pytest.fixture
def scheduled(org):
    return meeting(D(2026, 5, 15))


def change(m, **overrides):
    data = {
        "actor": user("tracking"),
        "meeting": m,
        "scheduled_for": AT,
        "location": "本館第二會議室",
        "chair": user("deputy"),
        "reason": "館長出國，改由副館長主持",
    }
    data.update(overrides)
    return meetings.change_meeting(**data)


def test_a_change_is_on_the_trail_and_told_to_the_group_once(scheduled, django_capture_on_commit_callbacks):
    with frozen_at(D(2026, 5, 1)), django_capture_on_commit_callbacks(execute=True):
        changed = change(scheduled)
    assert changed.scheduled_for == AT and changed.location == "本館第二會議室"
    assert changed.chair == user("deputy") and changed.number == scheduled.number
    [event] = TrailEvent.objects.filter(case_kind="meeting", case_ref=str(scheduled.pk))
    assert event.action.startswith("變更 115 年第 1 次會議")
    assert "開會時間 115/05/15 14:00 → 115/05/20 14:00" in event.comment
    assert "地點 本館第一會議室 → 本館第二會議室" in event.comment
    assert "主席 陳德光 → 林秀英" in event.comment and event.comment.endswith(
        "理由：館長出國，改由副館長主持"
    )
    told = Notification.objects.filter(key=f"meeting:{scheduled.pk}:changed:{event.pk}")
    assert told.filter(recipient=user("readers-head")).count() == 1
    recipients = list(told.values_list("recipient_id", flat=True))
    assert len(recipients) == len(set(recipients)) == len(meetings.group_member_ids(changed))
    notice = told.get(recipient=user("readers-liaison"))
    assert notice.subject == "【會議變更】115 年第 1 次會議" and notice.due_date == D(2026, 5, 20)


def test_a_cancellation_keeps_the_meeting_as_cancelled_and_tells_the_group(
    scheduled, django_capture_on_commit_callbacks
):
    with frozen_at(D(2026, 5, 1)), django_capture_on_commit_callbacks(execute=True):
        cancelled = meetings.cancel_meeting(actor=user("tracking"), meeting=scheduled, reason="颱風停班")
    assert cancelled.state == GroupMeeting.State.CANCELLED
    [event] = TrailEvent.objects.filter(case_kind="meeting", case_ref=str(scheduled.pk))
    assert event.to_state == "cancelled" and event.comment == "理由：颱風停班"
    notice = Notification.objects.get(key=f"meeting:{scheduled.pk}:cancelled", recipient=user("director"))
    assert notice.subject == "【會議取消】115 年第 1 次會議" and "颱風停班" in notice.body
    assert notice.due_date is None
    # Its time is free again for another meeting.
    with frozen_at(D(2026, 5, 1)):
        meetings.schedule_meeting(
            actor=user("tracking"), scheduled_for=scheduled.scheduled_for, location="", chair=None
        )


def test_refusals_say_why(scheduled):
    with frozen_at(D(2026, 5, 1)):
        with pytest.raises(ValidationError, match="請說明變更的理由"):
            change(scheduled, reason=" ")
        with pytest.raises(ValidationError, match="都沒有變更"):
            change(
                scheduled,
                scheduled_for=scheduled.scheduled_for,
                location=scheduled.location,
                chair=scheduled.chair,
            )
        with pytest.raises(ValidationError, match="不能改到其他年度"):
            change(scheduled, scheduled_for=datetime.datetime(2027, 1, 5, 14, 0, tzinfo=TAIPEI))
        other = meeting(D(2026, 5, 20))
        with pytest.raises(ValidationError, match="已排定"):
            change(scheduled, scheduled_for=other.scheduled_for)
        with pytest.raises(ValidationError, match="請說明取消的理由"):
            meetings.cancel_meeting(actor=user("tracking"), meeting=scheduled, reason="")
        with pytest.raises(PermissionDenied):
            meetings.cancel_meeting(actor=user("readers-head"), meeting=scheduled, reason="不開了")
    done = held(D(2026, 4, 30))
    with frozen_at(D(2026, 5, 1)):
        with pytest.raises(ValidationError, match="已召開"):
            meetings.cancel_meeting(actor=user("tracking"), meeting=done, reason="誤植")
        with pytest.raises(ValidationError, match="已召開"):
            change(done)


def test_the_page_changes_and_cancels(client, scheduled):
    log_in(client, user("tracking"))
    with frozen_at(D(2026, 5, 1)):
        detail = client.get(reverse("meetings:detail", args=[scheduled.pk])).content.decode()
        assert reverse("meetings:change", args=[scheduled.pk]) in detail
        page = client.get(reverse("meetings:change", args=[scheduled.pk])).content.decode()
        assert 'value="本館第一會議室"' in page
        refused = client.post(
            reverse("meetings:change", args=[scheduled.pk]),
            {"day": "115/05/20", "time": "14:00", "location": "本館第一會議室", "chair": user("director").pk},
        )
        assert "請說明變更的理由" in refused.content.decode()
        response = client.post(
            reverse("meetings:change", args=[scheduled.pk]),
            {
                "day": "115/05/20",
                "time": "10:00",
                "location": "本館第一會議室",
                "chair": user("director").pk,
                "reason": "與研習撞期",
            },
        )
        assert response.status_code == 302
        scheduled.refresh_from_db()
        assert scheduled.scheduled_for == datetime.datetime(2026, 5, 20, 10, 0, tzinfo=TAIPEI)
        # The cancel form sits beside the change form: its fields are its own (no duplicate id
        # sends a label to the other form's field).
        page = client.get(reverse("meetings:change", args=[scheduled.pk])).content.decode()
        assert page.count('id="id_reason"') == 1 and page.count('id="id_cancel-reason"') == 1
        refused = client.post(reverse("meetings:cancel", args=[scheduled.pk]), {"cancel-reason": ""})
        assert "請說明取消的理由" in refused.content.decode()
        response = client.post(reverse("meetings:cancel", args=[scheduled.pk]), {"cancel-reason": "颱風停班"})
        assert response.status_code == 302
        scheduled.refresh_from_db()
        assert scheduled.state == GroupMeeting.State.CANCELLED
        # Once cancelled, the change page sends back to the meeting, saying why.
        again = client.get(reverse("meetings:change", args=[scheduled.pk]), follow=True).content.decode()
        assert "已召開或已取消" in again
