"""Reminders through a real Celery worker and a real Redis broker (PostgreSQL pass).

Each e-mail goes out once: when the job runs twice at the same time, and when the worker is
killed in the middle of sending and the task is delivered again. A mail server that is down
makes the task retry, then leaves a record. viewflow's timers fire from the Celery task that
beat schedules.
"""

import datetime
import time
from pathlib import Path

import pytest
from django.utils import timezone

from governance import tasks
from governance.demo import seed_organisation
from governance.models import FailedTask, Notification
from tests.background import VISIBILITY_TIMEOUT, wait_for
from tests.helpers import default_configuration, user

pytestmark = [pytest.mark.postgres]

DUE = datetime.date(2026, 12, 31)
LATE = (DUE + datetime.timedelta(days=7)).isoformat()  # +7: liaison, head and director


@pytest.fixture
def open_findings(celery_worker, client):
    """Ten findings of four units due on DUE, registered over HTTP, then the due date set."""
    from audits.models import Finding
    from tests.support.audit_http import AuditDriver, finding_fields

    default_configuration()
    seed_organisation()
    drive = AuditDriver(client, user)
    units = ["readers", "planning", "acquisitions", "reference"]
    audit = drive.register([finding_fields(i, lead=units[i % 4]) for i in range(10)])
    Finding.objects.filter(audit=audit).update(due_date=DUE)
    return list(Finding.objects.filter(audit=audit))


def reminders():
    """The reminders and escalations: the registration's own task notices (a 【待認領】 for
    each finding's review meeting, sent by the worker too) are not what is measured here."""
    return Notification.objects.filter(kind__in=[Notification.Kind.REMINDER, Notification.Kind.ESCALATION])


def mailed_reminders(worker):
    return [key for key in worker.mailed_keys() if key.startswith("finding:")]


def expected_count(found):
    # Each finding at +7: its unit's liaison and head, and the director.
    return len(found) * 3


def wait_until_sent(worker, total, timeout):
    wait_for(
        lambda: reminders().filter(emailed_at__isnull=False).count() >= total,
        timeout,
        f"{total} e-mails sent",
    )


@pytest.mark.parametrize("worker_env", [{"TEST_MAIL_DELAY": "0.05"}])
def test_the_job_twice_at_once_sends_each_mail_once(open_findings, celery_worker):
    total = expected_count(open_findings)
    tasks.send_due_reminders.delay(LATE)
    second = tasks.send_due_reminders.delay(LATE)
    wait_until_sent(celery_worker, total, 120)
    time.sleep(1)  # a second job still running would show up now
    keys = mailed_reminders(celery_worker)
    assert len(keys) == total == len(set(keys)) == reminders().count()
    assert "succeeded" in celery_worker.logs() and second.id in celery_worker.logs()
    # And again the next day's run of the same offset: nothing new.
    tasks.send_due_reminders.delay(LATE)
    time.sleep(3)
    assert len(mailed_reminders(celery_worker)) == total and reminders().count() == total


@pytest.mark.parametrize("worker_env", [{"TEST_MAIL_DELAY": "0.5"}])
def test_a_killed_worker_sends_nothing_twice_and_loses_nothing(open_findings, celery_worker):
    total = expected_count(open_findings)
    mail_dir = Path(celery_worker.mail_dir)
    tasks.send_due_reminders.delay(LATE)

    def sending_now():
        """Kill while a mail is being handed over (its marker is there, its row not yet sent)."""
        sent = reminders().filter(emailed_at__isnull=False).count()
        markers = len(list(mail_dir.glob("*.sending")))
        return sent >= 3 and markers > sent

    wait_for(sending_now, 120, "the worker in the middle of sending")
    celery_worker.kill()
    sent_at_kill = reminders().filter(emailed_at__isnull=False).count()
    assert 0 < sent_at_kill < total
    celery_worker.start()  # the lost task comes back after the visibility timeout
    wait_until_sent(celery_worker, total, 120 + VISIBILITY_TIMEOUT)
    time.sleep(1)
    keys = mailed_reminders(celery_worker)
    assert len(keys) == len(set(keys)) == total, "an e-mail went out twice, or one is missing"


@pytest.mark.parametrize("worker_env", [{"TASK_MAX_RETRIES": "2", "TASK_RETRY_BACKOFF": "1"}])
def test_a_mail_error_is_retried_then_recorded(open_findings, celery_worker):
    mail_dir = Path(celery_worker.mail_dir)
    (mail_dir / "fail-next").write_text("2")  # down for two tries, then back
    tasks.send_due_reminders.delay(LATE)
    total = expected_count(open_findings)
    wait_until_sent(celery_worker, total, 120)
    assert celery_worker.logs().count("retry: Retry in") >= 1
    assert not FailedTask.objects.exists()
    assert len(set(mailed_reminders(celery_worker))) == total
    # Down for good: two retries, then the failure is kept for the administrator.
    (mail_dir / "fail-next").write_text("-1")
    tasks.send_due_reminders.delay((DUE + datetime.timedelta(days=1)).isoformat())
    failure = wait_for(
        lambda: FailedTask.objects.filter(task_name="governance.send_due_reminders").first(),
        120,
        "the failure record",
    )
    assert failure.retries == 2 and "MailDeliveryError" in failure.error
    unsent = reminders().filter(emailed_at__isnull=True)
    assert unsent.count() == 10 * 2 and all(n.email_attempts == 3 for n in unsent)
    assert all("test mail server is down" in n.email_error for n in unsent)


def test_viewflow_timers_fire_from_the_beat_task(celery_worker):
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from bench.benchflow.flows import TimerBareFlow

    default_configuration()
    process = TimerBareFlow.start.run(wait_seconds=1)
    timer = Task.objects.get(process=process, flow_task_type="TIMER")
    assert timer.status == STATUS.SCHEDULED and timer.scheduled > timezone.now()
    time.sleep(1.5)
    tasks.fire_due_timers.delay()
    wait_for(lambda: Task.objects.get(pk=timer.pk).status == STATUS.DONE, 60, "the timer to fire")
    process.refresh_from_db()
    assert process.status == STATUS.DONE
    assert "governance.fire_due_timers" in celery_worker.logs()
