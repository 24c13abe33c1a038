"""What every background task of ours shares.

Acknowledged late (a worker that dies mid-task leaves it to be delivered again), retried
with exponential back-off on database and mail errors, time-limited, and a failure for
good is written down (FailedTask) for the administrator instead of vanishing in a log.
Since a task may run again after a crash, every task must be idempotent: the services it
calls check what is already done.
"""

import logging
import smtplib
import traceback as tb

from celery import Task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from .models import FailedTask

logger = logging.getLogger(__name__)

RETRYABLE = (OperationalError, InterfaceError, smtplib.SMTPException, ConnectionError, TimeoutError)


class RecordedTask(Task):
    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = RETRYABLE
    max_retries = settings.TASK_MAX_RETRIES
    retry_backoff = settings.TASK_RETRY_BACKOFF  # seconds, doubled at each retry
    retry_backoff_max = 600
    retry_jitter = True
    soft_time_limit = settings.TASK_TIME_LIMIT - 30
    time_limit = settings.TASK_TIME_LIMIT

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        record_failure(self, exc, task_id, args, kwargs, einfo)


def record_failure(task, exc, task_id, args, kwargs, einfo=None):
    """Keep a task's final failure; never raise from here (the database may be what failed)."""

    try:
        FailedTask.objects.create(
            task_name=task.name,
            task_id=task_id or "",
            arguments=repr({"args": list(args or ()), "kwargs": dict(kwargs or {})})[:2000],
            error=f"{type(exc).__name__}: {exc}"[:2000],
            traceback=str(einfo) if einfo else "".join(tb.format_exception(exc))[-8000:],
            retries=getattr(task.request, "retries", 0) or 0,
        )
    except Exception:  # the record is best effort; the log line below always happens
        logger.exception("could not record the failure of %s", task.name)
    logger.error("background task %s (%s) failed for good: %r", task.name, task_id, exc)


class MailDeliveryError(Exception):
    """Some e-mails could not be sent this time; the task retries them with back-off."""
