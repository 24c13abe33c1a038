"""Notices of newly assigned tasks (governance.notifications.notify_assigned_tasks, run by
beat every minute): each person hears once of each task a flow assigned to them, with what
it is, the case and a link; nobody hears of a task they claimed themselves."""

import datetime

import pytest
import time_machine
from django.core import mail

from governance import tasks
from governance.models import Notification
from governance.notifications import notify_assigned_tasks, set_preferences
from governance.rocdate import TAIPEI
from proposal_http import Driver, open_task

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
        result = tasks.notify_assigned_tasks.delay().get()

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


def test_tasks_older_than_the_lookback_are_left_to_the_inbox(client, person, org, settings):
    settings.TASK_NOTICE_LOOKBACK_MINUTES = 60
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
