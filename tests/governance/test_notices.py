"""Notices (governance.notifications, run by beat every minute): each person hears once of each
task a flow assigned to them, with what it is, the case and a link, and nobody of a task they
claimed themselves; a proposal's people hear of the decisions that give them no task."""

import datetime

import pytest
import time_machine
from django.core import mail

from governance import tasks
from governance.models import Notification
from governance.notifications import notify_assigned_tasks, set_preferences
from governance.rocdate import TAIPEI
from tests.helpers import open_task
from tests.support.proposal_http import Driver

pytestmark = pytest.mark.django_db

MORNING = datetime.datetime(2026, 10, 5, 9, 0, tzinfo=TAIPEI)


def test_members_hear_of_their_scores_once_and_claimers_hear_nothing(client, person, org, settings):
    settings.SCORING_DAYS = 10
    set_preferences(actor=person("committee2"), reminders=True, digest=True, email=False)
    with time_machine.travel(MORNING, tick=False):
        drive = Driver(client, person)
        proposal = drive.submit("readers-staff1")
        drive.first_review("readers-head", proposal, "accepted")
        drive.assign_reviewers(proposal, ["committee1", "committee2"])
        proposal.refresh_from_db()
    with time_machine.travel(MORNING + datetime.timedelta(minutes=1), tick=False):
        result = tasks.send_notices.delay().get()

    notices = {n.recipient.username: n for n in Notification.objects.select_related("recipient")}
    # readers-head's first review and the tracking office's assignment are done already.
    assert set(notices) == {"committee1", "committee2"}
    notice = notices["committee1"]
    assert notice.kind == Notification.Kind.EVENT
    assert notice.subject.startswith("【新任務】") and proposal.case_number in notice.subject
    assert "已指派給您，期限 115年10月15日" in notice.body  # SCORING_DAYS after it was asked
    assert notice.url and notice.url in notice.body and notice.due_date == datetime.date(2026, 10, 15)
    # E-mailed by the same job to those who take e-mail; committee2 turned e-mail off.
    assert [m.to for m in mail.outbox] == [[person("committee1").email]]
    assert result["sent"] == 1 and not notices["committee2"].email_wanted

    # Beat runs again: nothing twice.
    with time_machine.travel(MORNING + datetime.timedelta(minutes=2), tick=False):
        notify_assigned_tasks()
    assert Notification.objects.count() == 2 and len(mail.outbox) == 1
    # Once committee1 has scored, the next run marks their notice read; committee2's waits.
    with time_machine.travel(MORNING + datetime.timedelta(minutes=3), tick=False):
        drive.score("committee1", proposal, {"創意性": 90, "可行性": 90, "效益性": 90, "完整性": 90})
        tasks.send_notices.delay().get()
    notices["committee1"].refresh_from_db()
    notices["committee2"].refresh_from_db()
    assert notices["committee1"].read_at is not None and notices["committee2"].read_at is None


def test_tasks_older_than_the_lookback_are_left_to_the_inbox(client, person, org, settings):
    settings.NOTICE_LOOKBACK_MINUTES = 60
    with time_machine.travel(MORNING, tick=False):
        drive = Driver(client, person)
        proposal = drive.submit("readers-staff1")
    with time_machine.travel(MORNING + datetime.timedelta(minutes=61), tick=False):
        assert notify_assigned_tasks() == 0
    with time_machine.travel(MORNING + datetime.timedelta(minutes=59), tick=False):
        assert notify_assigned_tasks() == 1
    [notice] = Notification.objects.all()
    assert notice.recipient == person("readers-head") and "初審" in notice.subject
    assert proposal.case_number in notice.subject


def test_nobody_hears_of_a_task_they_claimed(client, person, org):
    with time_machine.travel(MORNING, tick=False):
        drive = Driver(client, person)
        proposal = drive.submit("readers-staff1")
        drive.first_review("readers-head", proposal, "accepted")
        # The assignment of reviewers waits in the tracking office's queue; one of them takes it.
        task = open_task(proposal, "assign_reviewers")
        assert task.owner_id is None
        assert drive.as_("tracking").post(task.reverse("assign")).status_code == 302
        task.refresh_from_db()
        assert task.owner == person("tracking") and task.status == "ASSIGNED"
    with time_machine.travel(MORNING + datetime.timedelta(minutes=1), tick=False):
        notify_assigned_tasks()
    assert not Notification.objects.filter(recipient=person("tracking")).exists()


def test_proposers_hear_of_a_refusal_the_decision_and_the_closing(client, person, org):
    from proposals.models import Unit
    from tests.support.proposal_http import run_to_closure

    with time_machine.travel(MORNING, tick=False):
        drive = Driver(client, person)
        refused = drive.submit("readers-staff1", title="增設夜間還書箱")
        drive.first_review(
            "readers-head", refused, "not_accepted", reasons="屬陳情事項", reason_code="complaint_only"
        )
        shared = drive.submit("readers-staff1", co_proposers="readers-staff2 40")
    with time_machine.travel(MORNING + datetime.timedelta(minutes=1), tick=False):
        tasks.send_notices.delay().get()
    [notice] = Notification.objects.filter(key__startswith="proposal:")
    assert notice.recipient == person("readers-staff1")
    assert notice.subject == f"【初審結果】不予受理：{refused.case_number} 增設夜間還書箱"
    assert "經初審不予受理。理由：" in notice.body and "屬陳情事項" in notice.body
    assert notice.url == f"/proposals/{refused.pk}/"

    with time_machine.travel(MORNING + datetime.timedelta(minutes=2), tick=False):
        run_to_closure(drive, shared)
    with time_machine.travel(MORNING + datetime.timedelta(minutes=3), tick=False):
        tasks.send_notices.delay().get()
        tasks.send_notices.delay().get()  # beat again: nothing twice
    news = Notification.objects.filter(key__startswith=f"proposal:{shared.pk}:")
    assert sorted(news.values_list("recipient__username", "key")) == [
        ("readers-staff1", f"proposal:{shared.pk}:closed"),
        ("readers-staff1", f"proposal:{shared.pk}:decision"),
        ("readers-staff2", f"proposal:{shared.pk}:closed"),
        ("readers-staff2", f"proposal:{shared.pk}:decision"),
    ]
    decision = news.get(recipient=person("readers-staff2"), key__endswith="decision")
    assert decision.subject.startswith("【採行決定】採行：")
    assert f"經決定採行，由{Unit.objects.get(code='readers').name}執行，預定" in decision.body
    closed = news.get(recipient=person("readers-staff2"), key__endswith="closed")
    assert "已完成成效評估並結案（成效評等：優良）" in closed.body
