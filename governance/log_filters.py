"""Logging filters and formats (settings.LOGGING; Celery's own handlers: governance.celery).

A line of text: `2026-12-06T10:00:00+0800 INFO governance.tasks [req=3f2a…] message`; with
LOG_FORMAT=json one JSON object per line with the same fields. The request id comes from
governance.request_id.RequestIdFilter.
"""

import json
import logging


class RefusalsWithoutTraceback(logging.Filter):
    """A refused request (403, 404, 405) is a line in the log, not a traceback: it is the
    permission checks doing their work. Server errors (5xx) keep theirs."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [req=%(request_id)s] %(message)s"
# 2026-12-06T10:00:00+0800 in the process's time zone (Django sets it to TIME_ZONE).
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def formatter(kind):
    """The formatter of LOG_FORMAT: "text" or "json"."""
    if kind == "json":
        return JsonLinesFormatter()
    return logging.Formatter(TEXT_FORMAT, DATE_FORMAT)


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per line (LOG_FORMAT=json), for a log collector.

    A traceback is one string in "exc_info", so it stays within its line.
    """

    def __init__(self, datefmt=DATE_FORMAT):
        super().__init__(datefmt=datefmt)

    def format(self, record):
        entry = {
            "time": self.formatTime(record, self.datefmt),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc_info"] = record.exc_text
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        # Chinese stays readable; json.dumps escapes the line breaks inside strings.
        return json.dumps(entry, ensure_ascii=False, default=str)
