"""Background tasks of governance. Thin: each calls a service, which holds the rules."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from viewflow.workflow.timers import fire_due_timers as fire

from . import directory, notifications, services, trail_anchor
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


@shared_task(base=NotificationTask, name="governance.send_notice")
def send_notice(payload):
    """Right after a decision commits: its notices, then their e-mails (and any still waiting)."""
    written = notifications.send_notice(payload)
    return {"written": written, "sent": notifications.deliver_emails()}


@shared_task(base=NotificationTask, name="governance.send_task_notice")
def send_task_notice(task_id):
    """Right after a human task is saved: its owner, or those who may claim it, hear of it."""
    written = notifications.task_notice(task_id)
    return {"written": written, "sent": notifications.deliver_emails() if written else 0}


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
    """Daily: with a directory configured, people's units and roles as it says (those who left
    it lose access); then memberships that start or end today change unit permissions."""
    result = directory.sync_directory().as_dict() if directory.enabled() else None
    services.sync_all_unit_permissions()
    return {"directory": result}


@shared_task(base=NotificationTask, name="governance.anchor_trail")
def anchor_trail(today=None):
    """Daily: sign and write the digest of every trail chain's head, and mail it to the auditors.

    Without a key configured nothing is made (the quick start); the warning says so every day.
    Run again the same day (a retry after a failed e-mail), the day's digest is kept and only
    the e-mails still unsent go out."""
    if not settings.TRAIL_DIGEST_KEY_FILE:
        logger.warning("TRAIL_DIGEST_KEY_FILE is not set: no trail digest made")
        return {"digest": None}
    day = datetime.date.fromisoformat(today) if today else None
    result = trail_anchor.anchor(day)
    notified = trail_anchor.notify_auditors(result.document)
    return {
        "digest": str(result.path),
        "created": result.created,
        "findings": len(result.document["findings"]),
        "notified": notified,
        "sent": notifications.deliver_emails(),
    }
