"""A meeting scheduled is told to the group it is called for (the director, unit heads and
liaisons, its chair); each follow-up action of its record to the acting unit's liaison and head.
Once each, as the change commits."""

import datetime

import pytest
from django.core import mail

from governance.models import Notification
from governance.rocdate import TAIPEI
from meetings import services as meetings
from meetings.services import DecisionInput
from tests.helpers import frozen_at, unit, user

pytestmark = pytest.mark.django_db
D = datetime.date


def test_scheduling_calls_the_group_and_recording_tells_each_action_unit(
    org, django_capture_on_commit_callbacks
):
    with frozen_at(D(2026, 5, 1), hour=9), django_capture_on_commit_callbacks(execute=True):
        meeting = meetings.schedule_meeting(
            actor=user("tracking"),
            scheduled_for=datetime.datetime(2026, 5, 15, 14, 0, tzinfo=TAIPEI),
            location="本館第一會議室",
            chair=user("deputy"),
        )
    called = Notification.objects.filter(key=f"meeting:{meeting.pk}:scheduled")
    people = sorted(called.values_list("recipient__username", flat=True))
    heads_and_liaisons = sorted(
        f"{code}-{role}"
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
        for role in ("head", "liaison")
    )
    assert people == sorted(["deputy", "director", *heads_and_liaisons])
    notice = called.get(recipient=user("readers-head"))
    assert notice.subject == "【開會通知】115 年第 1 次會議"
    assert (
        "115 年第 1 次會議訂於 115/05/15 14:00 召開（地點：本館第一會議室；主席：林秀英），請準時出席。"
        in notice.body
    )
    assert notice.due_date == D(2026, 5, 15)
    assert len([m for m in mail.outbox if m.subject == notice.subject]) == len(people)

    with frozen_at(D(2026, 5, 15), hour=16), django_capture_on_commit_callbacks(execute=True):
        meetings.record_meeting(
            actor=user("tracking"),
            meeting=meeting,
            attendees=[user("director"), user("readers-head")],
            minutes="討論讀者動線",
            decisions=[
                DecisionInput(
                    "請閱覽組完成讀者動線調整", action_unit=unit("readers"), action_due=D(2026, 6, 30)
                ),
                DecisionInput("洽悉"),
            ],
        )
    [action] = meeting.decisions.filter(action_unit__isnull=False)
    told = Notification.objects.filter(key=f"meeting-action:{action.pk}")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["readers-head", "readers-liaison"]
    notice = told.first()
    assert notice.subject.startswith("【會議追蹤事項】") and "115年6月30日" in notice.subject
    assert "請閱覽組完成讀者動線調整" in notice.body and notice.due_date == D(2026, 6, 30)
    # Nothing else for the decision without an action.
    assert Notification.objects.filter(key__startswith="meeting-action:").count() == 2
