"""Task notices (governance.notifications.task_notice): as the step commits, through Celery
(eager here), each person hears once of a task the flow gave them, everyone who may claim a
queued task hears of it, nobody of a task they claimed themselves, and a return's reasons come
with the task it gives back."""

import datetime

import pytest
import time_machine
from django.core import mail

from governance.models import Notification
from governance.notifications import set_preferences, task_notice
from governance.rocdate import TAIPEI
from tests.helpers import open_task
from tests.support.proposal_http import Driver

pytestmark = pytest.mark.django_db

MORNING = datetime.datetime(2026, 10, 5, 9, 0, tzinfo=TAIPEI)


def notices(**filters):
    return sorted(
        Notification.objects.filter(**filters).values_list("recipient__username", "key"),
    )


def test_a_task_given_to_a_person_is_told_once_as_it_commits(
    client, person, org, settings, django_capture_on_commit_callbacks
):
    settings.SCORING_DAYS = 10
    set_preferences(actor=person("committee2"), reminders=True, digest=True, email=False)
    with time_machine.travel(MORNING, tick=False):
        drive = Driver(client, person)
        with django_capture_on_commit_callbacks(execute=True):
            proposal = drive.submit("readers-staff1")
            drive.first_review("readers-head", proposal, "accepted")
        mail.outbox.clear()
        Notification.objects.all().delete()
        with django_capture_on_commit_callbacks(execute=True):
            drive.assign_reviewers(proposal, ["committee1", "committee2"])

    scores = {n.recipient.username: n for n in Notification.objects.filter(kind="task")}
    assert set(scores) == {"committee1", "committee2"}
    notice = scores["committee1"]
    assert notice.subject.startswith("【新任務】複審評分：") and proposal.case_number in notice.subject
    assert "已指派給您，期限 115年10月15日" in notice.body  # SCORING_DAYS after it was asked
    assert notice.url and notice.url in notice.body and notice.due_date == datetime.date(2026, 10, 15)
    # The step before it, quoted: who did what.
    assert "前一步：孫立群「指派複審委員" in notice.body
    # E-mailed at once to those who take e-mail; committee2 turned e-mail off.
    assert [m.to for m in mail.outbox] == [[person("committee1").email]]
    assert not scores["committee2"].email_wanted

    # A task retried, or its notice job run again: nothing twice.
    for task_id in [n.key.split(":")[1] for n in scores.values()]:
        assert task_notice(int(task_id)) == 0
    assert Notification.objects.filter(kind="task").count() == 2 and len(mail.outbox) == 1

    # Once committee1 has scored, their notice is marked read; committee2's waits.
    with django_capture_on_commit_callbacks(execute=True):
        drive.score("committee1", proposal, {"創意性": 90, "可行性": 90, "效益性": 90, "完整性": 90})
    scores["committee1"].refresh_from_db()
    scores["committee2"].refresh_from_db()
    assert scores["committee1"].read_at is not None and scores["committee2"].read_at is None


def test_a_queued_task_is_told_to_everyone_who_may_claim_it_and_settled_when_claimed(
    client, person, org, django_capture_on_commit_callbacks
):
    drive = Driver(client, person)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = drive.submit("readers-staff1")
    with django_capture_on_commit_callbacks(execute=True):
        drive.first_review("readers-head", proposal, "accepted")
    task = open_task(proposal, "assign_reviewers")
    [queued] = Notification.objects.filter(key=f"task:{task.pk}:queued")
    assert queued.recipient == person("tracking")  # the only one who holds MANAGE_TRACKING
    assert queued.subject.startswith("【待認領】指派複審委員：")
    assert "待認領" in queued.body and "認領並辦理" in queued.body
    assert queued.url == "/todo/?kind=queue"

    # The tracking office takes it from the queue: no 【新任務】 for a task they took, and the
    # 【待認領】 is settled for everyone.
    with django_capture_on_commit_callbacks(execute=True):
        assert drive.as_("tracking").post(task.reverse("assign")).status_code == 302
    task.refresh_from_db()
    assert task.owner == person("tracking")
    assert not Notification.objects.filter(key=f"task:{task.pk}:assigned").exists()
    queued.refresh_from_db()
    assert queued.read_at is not None


def test_the_decision_queue_reaches_the_director_and_deputy(
    client, person, org, django_capture_on_commit_callbacks
):
    from tests.support.proposal_http import scored

    drive = Driver(client, person)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = drive.submit("readers-staff1")
        drive.first_review("readers-head", proposal, "accepted")
        scored(drive, proposal, members=("committee1",))
    task = open_task(proposal, "decide")
    assert notices(key=f"task:{task.pk}:queued") == [
        ("deputy", f"task:{task.pk}:queued"),
        ("director", f"task:{task.pk}:queued"),
    ]


def test_a_return_comes_with_its_reasons(client, person, org, django_capture_on_commit_callbacks):
    drive = Driver(client, person)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = drive.submit("readers-staff1")
        drive.first_review("readers-head", proposal, "returned", reasons="請補充預估效益的計算方式")
    task = open_task(proposal, "revise")
    [notice] = Notification.objects.filter(key=f"task:{task.pk}:assigned")
    assert notice.recipient == person("readers-staff1")
    assert notice.subject.startswith("【新任務】修正提案：")
    assert "前一步：蔡明哲「初審退回修正」。意見：請補充預估效益的計算方式" in notice.body


def test_people_who_turned_task_notices_off_hear_nothing(
    client, person, org, django_capture_on_commit_callbacks
):
    set_preferences(actor=person("readers-head"), reminders=True, digest=True, email=True, tasks=False)
    drive = Driver(client, person)
    with django_capture_on_commit_callbacks(execute=True):
        drive.submit("readers-staff1")
    assert not Notification.objects.filter(recipient=person("readers-head")).exists()
    assert mail.outbox == []


def test_nothing_is_told_of_a_step_that_rolled_back(client, person, org, django_capture_on_commit_callbacks):
    drive = Driver(client, person)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = drive.submit("readers-staff1")
    Notification.objects.all().delete()
    # A return without reasons is refused: its transaction rolls back, nobody hears of it.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        drive.execute(
            "readers-head", proposal, "first_review", {"outcome": "returned", "reasons": ""}, expect=200
        )  # the form comes back with its error
    assert callbacks == [] and not Notification.objects.exists()


def test_a_person_without_an_email_address_gets_the_notice_in_the_app_and_the_admin_lists_them(
    client, person, org, django_capture_on_commit_callbacks
):
    head = person("readers-head")
    head.email = ""
    head.save(update_fields=["email"])
    drive = Driver(client, person)
    with django_capture_on_commit_callbacks(execute=True):
        drive.submit("readers-staff1")
    [notice] = Notification.objects.filter(recipient=head)
    assert notice.subject.startswith("【新任務】初審")
    assert mail.outbox == [] and notice.emailed_at is None

    listed = drive.as_("admin").get("/admin/governance/user/?email=missing")
    assert listed.status_code == 200
    page = listed.content.decode()
    assert "readers-head" in page and "readers-staff1" not in page


def test_a_step_queues_one_notice_job_per_task_however_often_it_saves_it(
    client, person, org, django_capture_on_commit_callbacks
):
    drive = Driver(client, person)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = drive.submit("readers-staff1")
    with django_capture_on_commit_callbacks() as callbacks:
        drive.first_review("readers-head", proposal, "accepted")  # the review done, the next made
    task_jobs = [c.task_id for c in callbacks if hasattr(c, "task_id")]
    assert len(task_jobs) == len(set(task_jobs)) == 2
