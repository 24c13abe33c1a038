"""Background tasks of governance. Thin: each calls a service, which holds the rules."""

import datetime
import logging

from celery import shared_task
from viewflow.workflow.timers import fire_due_timers as fire

from . import notifications, services
from .background import MailDeliveryError, RecordedTask

logger = logging.getLogger(__name__)


class NotificationTask(RecordedTask):
    # A failed e-mail is retried with the rest of the job; the sent ones are not sent again.
    autoretry_for = (*RecordedTask.autoretry_for, MailDeliveryError)


@shared_task(base=NotificationTask, name="governance.send_due_reminders")
def send_due_reminders(today=None):
    """Daily: write today's reminders and escalations, then e-mail them."""
    day = datetime.date.fromisoformat(today) if today else None
    planned = notifications.plan_reminders(day)
    sent = notifications.deliver_emails()
    return {"planned": planned, "sent": sent}


@shared_task(base=NotificationTask, name="governance.deliver_notification_emails")
def deliver_notification_emails():
    """Right after a case event: its e-mails (and any others still waiting) go out now."""
    return {"sent": notifications.deliver_emails()}


@shared_task(base=NotificationTask, name="governance.send_notices")
def send_notices():
    """Every minute: notices of newly assigned tasks (those of tasks since done are marked read)
    and of decisions on people's cases, then their e-mails."""
    assigned = notifications.notify_assigned_tasks()
    notifications.settle_done_task_notices()
    news = notifications.notify_case_news()
    return {"tasks": assigned, "news": news, "sent": notifications.deliver_emails()}


@shared_task(base=NotificationTask, name="governance.send_weekly_digest")
def send_weekly_digest(today=None):
    day = datetime.date.fromisoformat(today) if today else None
    planned = notifications.send_weekly_digest(day)
    return {"planned": planned, "sent": notifications.deliver_emails()}


@shared_task(base=RecordedTask, name="governance.fire_due_timers")
def fire_due_timers():
    """viewflow's open-source edition leaves its flow.Timer nodes to be fired by a scheduler."""

    return fire()


@shared_task(base=RecordedTask, name="governance.sync_memberships")
def sync_memberships():
    """Daily: memberships that start or end today change people's unit permissions."""
    services.sync_all_unit_permissions()
