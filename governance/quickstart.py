"""Celery beat for the quick start (`make run`): the production schedule, with no broker.

The quick start has no Redis: tasks queued by a page run eagerly in the web process as its
change commits (CELERY_TASK_ALWAYS_EAGER). Time-based jobs (reminders and escalations, the
weekly digest, workflow timers, membership changes) still need a clock. This scheduler is
Celery's own beat, reading the same CELERY_BEAT_SCHEDULE as a deployment's, except that each
due job runs here, in the beat process, instead of being sent to a worker; `make run` starts
it beside the web server and stops it with it (scripts/run.py).

Timing is beat's: a job runs when its schedule says, within beat's tick (at most
`beat_max_loop_interval` late). What beat does not know on a fresh schedule file is what it
missed before it first started, so a job never run yet is treated as last run a day ago: the
day's reminders go out within a minute of the first start, not at 07:00 the next day. The
jobs are idempotent (a notification's key is unique per person), so a catch-up never doubles.
"""

import datetime

from celery.beat import PersistentScheduler


class QuickStartScheduler(PersistentScheduler):
    # With no producer, task.apply_async under CELERY_TASK_ALWAYS_EAGER runs the job here, with
    # its retries and failure record (governance.background.RecordedTask), as the web's tasks
    # do; no broker connection is opened.
    @property
    def producer(self):
        return None

    def setup_schedule(self):
        super().setup_schedule()
        a_day_ago = self.app.now() - datetime.timedelta(days=1)
        for entry in self.schedule.values():
            if entry.total_run_count == 0:
                entry.last_run_at = a_day_ago
        self.sync()
