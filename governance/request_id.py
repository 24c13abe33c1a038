"""A request id on every log line: one id per request, from the proxy or made here.

The proxy in front (nginx: `proxy_set_header X-Request-ID $request_id;`) may send one, so its
access log and ours share it; otherwise we make one. The id is kept in a context variable for
the length of the request, sent back in the X-Request-ID header (a person reporting a problem
can quote it), and put on every log record by RequestIdFilter (settings.LOGGING). Outside a
request it is "-", or the task id inside a Celery task.
"""

import contextvars
import logging
import re
import uuid

HEADER = "X-Request-ID"
NONE = "-"

# What we accept from outside: it goes into log lines as it is, so no spaces, quotes,
# brackets or line breaks (nginx's $request_id is 32 hex digits, a UUID has hyphens).
WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")

current_request_id = contextvars.ContextVar("request_id", default=NONE)


def request_id_from(header_value):
    """The proxy's id when it is well-formed, else a new one (uuid4, hex)."""
    if header_value and WELL_FORMED.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE, so every line logged while the request is handled carries it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(HEADER))
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[HEADER] = request_id
        return response


def _celery_task_id():
    # Imported here: the filter is built while logging is configured, before Celery is needed.
    from celery import current_task

    # A proxy: false outside a task.
    if not current_task:
        return None
    return current_task.request.id


class RequestIdFilter(logging.Filter):
    """Puts record.request_id on every record, for the line formats (governance.log_filters)."""

    def filter(self, record):
        # Django logs each refused or failed request (django.request) after the middleware has
        # returned; that record carries the request itself.
        request = getattr(record, "request", None)
        request_id = getattr(request, "request_id", None) or current_request_id.get()
        if request_id == NONE:
            request_id = _celery_task_id() or NONE
        record.request_id = request_id
        return True
