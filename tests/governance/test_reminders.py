"""Daily reminders and escalations (governance.notifications), run in this process.

Offsets (−30, −7, −1 to the liaison; +1 also to the unit head; +7 also to the director),
each sent once however often the job runs; people's choices respected, escalations not
optional; e-mails in Chinese with the case number, what is due, the ROC date and a link.
The same jobs through a real worker and Redis: tests/governance/test_reminders_worker.py.
"""

import datetime
from unittest import mock

import pytest
from django.core import mail

from audits.models import Finding
from governance import tasks
from governance.models import FailedTask, Notification, NotificationPreference, ReminderOffset
from proposals.models import Proposal, Unit
from tests.helpers import frozen_at
from tests.support.audit_http import AuditDriver, finding_fields
from tests.support.proposal_http import Driver, scored

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 12, 31)  # also the end of 115Q4


def on(offset):
    return DUE + datetime.timedelta(days=offset)


@pytest.fixture
def finding(client, person, org):
    with frozen_at(datetime.date(2026, 11, 2), hour=7):
        drive = AuditDriver(client, person)
        audit = drive.register([finding_fields(0, lead="readers")], held_on="2026-10-20")
        found = drive.findings(audit)[0]
        drive.meeting(found)
    Finding.objects.filter(pk=found.pk).update(due_date=DUE)
    client.logout()
    found.refresh_from_db()
    return found


def run_job(day):
    with frozen_at(day, hour=7):
        return tasks.send_due_reminders.delay().get(propagate=False)


def who(day=None, **filters):
    rows = Notification.objects.filter(**filters)
    if day:
        rows = rows.filter(key__endswith=f"{(day - DUE).days:+d}")
    return sorted(rows.values_list("recipient__username", "kind"))


def test_each_offset_reaches_its_level_once(finding, person):
    for offset in (-30, -7, -1):
        run_job(on(offset))
        assert who(on(offset)) == [("readers-liaison", "reminder")], offset
    run_job(on(1))
    assert who(on(1)) == [("readers-head", "escalation"), ("readers-liaison", "reminder")]
    run_job(on(7))
    assert who(on(7)) == [
        ("director", "escalation"),
        ("readers-head", "escalation"),
        ("readers-liaison", "reminder"),
    ]
    # Not on other days, and never twice: the whole run again changes nothing.
    run_job(on(-2))
    run_job(on(0))
    assert Notification.objects.count() == 3 + 2 + 3
    sent = len(mail.outbox)
    for offset in (-30, -7, -1, 1, 7):
        run_job(on(offset))
    assert Notification.objects.count() == 8 and len(mail.outbox) == sent == 8


def test_the_mail_says_what_when_and_where(finding, person):
    run_job(on(-7))
    [message] = mail.outbox
    assert message.to == [person("readers-liaison").email]
    assert message.subject == f"【到期提醒】缺失改善辦理情形：{finding.tracking_number}（尚有 7 天）"
    assert "期限：115年12月31日（尚有 7 天）" in message.body
    assert f"http://127.0.0.1:8000/audits/findings/{finding.pk}/" in message.body
    assert message.extra_headers["X-Governance-Notification"].startswith(f"finding:{finding.pk}:")
    run_job(on(7))
    late = [m for m in mail.outbox if m.to == [person("director").email]]
    assert late and late[0].subject.startswith("【逾期陳報】") and "已逾期 7 天" in late[0].body


def test_offsets_are_configuration(finding):
    ReminderOffset.objects.all().delete()
    ReminderOffset.objects.create(days=-3, level=ReminderOffset.Level.DIRECTOR)
    run_job(on(-7))
    assert Notification.objects.count() == 0
    run_job(on(-3))
    assert sorted(u for u, _k in who()) == ["director", "readers-head", "readers-liaison"]


def test_preferences_silence_reminders_but_not_escalations(finding, person):
    NotificationPreference.objects.create(person=person("readers-liaison"), reminders=False)
    NotificationPreference.objects.create(person=person("readers-head"), reminders=False, email=False)
    run_job(on(-7))
    assert who() == []
    run_job(on(1))
    assert who() == [("readers-head", "escalation")]
    [message] = mail.outbox  # an escalation is e-mailed even to someone who turned e-mail off
    assert message.to == [person("readers-head").email]
    NotificationPreference.objects.filter(person=person("readers-liaison")).update(
        reminders=True, email=False
    )
    run_job(on(7))
    assert ("readers-liaison", "reminder") in who(on(7))
    assert person("readers-liaison").email not in [m.to[0] for m in mail.outbox]


def test_a_closed_finding_is_not_reminded(finding):
    Finding.objects.filter(pk=finding.pk).update(state=Finding.State.CLOSED)
    run_job(on(-7))
    assert not Notification.objects.exists()


def test_quarterly_reports_and_scores_are_reminded(client, person, org, settings):
    settings.SCORING_DAYS = 10
    with frozen_at(datetime.date(2026, 10, 5), hour=7):
        drive = Driver(client, person)
        executing = drive.submit("readers-staff1")
        drive.first_review("readers-head", executing, "accepted")
        scored(drive, executing, members=("committee1",))
        drive.decide(executing, "adopt", lead_unit=Unit.objects.get(code="acquisitions"), due="2027-06-30")
        drive.execution_plan("acquisitions-liaison", executing, "計畫", "2027-03-31 第一階段")
        waiting = drive.submit("readers-staff2", title="增設夜間自助還書口")
        drive.first_review("readers-head", waiting, "accepted")
        drive.assign_reviewers(waiting, ["committee1", "committee2"])
        drive.score("committee1", waiting, {"創意性": 90, "可行性": 90, "效益性": 90, "完整性": 90})
    assert Proposal.objects.get(pk=executing.pk).state == Proposal.State.EXECUTING
    # Committee 2's score is due 10 days after the assignment (10/15): a day late, the
    # 管考 office that assigned it hears of it.
    run_job(datetime.date(2026, 10, 16))
    assert who() == [("committee2", "reminder"), ("tracking", "escalation")]
    # The lead unit's 115Q4 report is due at the end of the quarter.
    run_job(on(-7))
    assert who(on(-7)) == [("acquisitions-liaison", "reminder")]
    assert (
        "115 年第 4 季進度報告" in Notification.objects.get(recipient=person("acquisitions-liaison")).subject
    )
    # Once the quarter's report is approved, no more reminders for it.
    with frozen_at(on(-5), hour=7):
        drive.report("acquisitions-liaison", executing, 40, "進行中")
        drive.approve("acquisitions-head", executing)
    run_job(on(-1))
    assert who(on(-1)) == []


def test_a_mail_error_is_retried_then_recorded(finding, person, settings):
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=ConnectionRefusedError("smtp down"),
    ):
        run_job(on(1))
    # In-app notifications are there even though the mail server was down.
    assert len(who()) == 2
    for n in Notification.objects.all():
        assert n.emailed_at is None and n.email_attempts == settings.TASK_MAX_RETRIES + 1
        assert "smtp down" in n.email_error
    [failure] = FailedTask.objects.filter(task_name="governance.send_due_reminders")
    assert "MailDeliveryError" in failure.error and failure.retries == settings.TASK_MAX_RETRIES
    # The mail server is back: the next run sends what is left, once.
    settings.NOTIFICATION_MAX_EMAIL_ATTEMPTS = 10
    run_job(on(2))
    assert len(mail.outbox) == 2 and all(n.emailed_at for n in Notification.objects.all())


def test_weekly_digest_once_a_week_for_people_with_tasks(finding, person):
    with frozen_at(datetime.date(2026, 11, 30), hour=7):  # a Monday
        tasks.send_weekly_digest.delay().get()
        tasks.send_weekly_digest.delay().get()
    digests = Notification.objects.filter(kind=Notification.Kind.DIGEST)
    assert digests.count() >= 1 and len({d.recipient_id for d in digests}) == digests.count()
    liaison = digests.get(recipient=person("readers-liaison"))
    assert "待辦" in liaison.subject and "115年11月30日" in liaison.body
    NotificationPreference.objects.create(person=person("readers-liaison"), digest=False)
    with frozen_at(datetime.date(2026, 12, 7), hour=7):
        tasks.send_weekly_digest.delay().get()
    assert not digests.filter(recipient=person("readers-liaison"), key__endswith="W50").exists()


def test_beat_schedule_names_real_tasks(settings):
    from governance.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
