"""The request log: a refused request is one line without a traceback; a crash keeps its own."""

import logging

import pytest

from governance.log_filters import RefusalsWithoutTraceback

pytestmark = pytest.mark.django_db


def test_a_refused_request_is_logged_once_without_a_traceback(login_as, caplog, settings):
    # Once: by our console handler, not also by Django's own (the "django" logger's).
    assert settings.LOGGING["loggers"]["django.request"]["propagate"] is False
    logger = logging.getLogger("django.request")
    added = caplog.handler not in logger.handlers  # it does not propagate to caplog's root
    if added:
        logger.addHandler(caplog.handler)
    try:
        assert login_as("readers-staff1").get("/plan/reports/quarter/").status_code == 403
    finally:
        if added:
            logger.removeHandler(caplog.handler)
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.status_code == 403 and "Forbidden" in record.getMessage()
    assert record.exc_info is None


def test_a_server_error_keeps_its_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error", None, sys.exc_info()
        )
    record.status_code = 500
    assert RefusalsWithoutTraceback().filter(record) and record.exc_info is not None
