"""The Celery app. Without CELERY_BROKER_URL, tasks run eagerly in the caller."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

app = Celery("governance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def log_lines_as_the_web_does(logger, **kwargs):
    """The worker and beat keep their own handlers (the log file, the level given with -l),
    with our line format (settings.LOG_FORMAT) and the task id where the web has a request id."""
    from django.conf import settings

    from governance.log_filters import formatter
    from governance.request_id import RequestIdFilter

    for handler in logger.handlers:
        handler.addFilter(RequestIdFilter())
        handler.setFormatter(formatter(settings.LOG_FORMAT))
