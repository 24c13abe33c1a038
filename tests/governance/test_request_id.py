"""Log lines carry time, level, logger and a request id; LOG_FORMAT=json makes them JSON lines."""

import io
import json
import logging
import os
import re
import subprocess
import sys

import pytest
from django.test import RequestFactory

from governance.log_filters import JsonLinesFormatter, formatter
from governance.request_id import HEADER, RequestIdFilter, RequestIdMiddleware, current_request_id
from tests.helpers import ROOT

HEX_ID = re.compile(r"[0-9a-f]{32}")
# 2026-12-06T10:00:00+0800 WARNING django.request [req=abc123] Not Found: /x/
TEXT_LINE = re.compile(
    r"(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}) (?P<level>[A-Z]+) (?P<logger>\S+) "
    r"\[req=(?P<request_id>[^\]]+)\] (?P<message>.*)"
)


@pytest.fixture
def console():
    """What the settings' console handler (settings.LOGGING) writes, while the test runs."""
    [handler] = [h for h in logging.getLogger("django.request").handlers if h.name == "console"]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def request_log_line(stream, path):
    lines = [TEXT_LINE.fullmatch(line) for line in stream.getvalue().splitlines()]
    [line] = [m for m in lines if m and m["logger"] == "django.request" and path in m["message"]]
    return line


@pytest.mark.django_db
def test_the_request_log_line_carries_the_proxys_request_id(client, console):
    response = client.get("/no-such-page/", headers={HEADER: "nginx-3f2a9c"})
    assert response.status_code == 404
    assert response[HEADER] == "nginx-3f2a9c"
    line = request_log_line(console, "/no-such-page/")
    assert (line["level"], line["request_id"]) == ("WARNING", "nginx-3f2a9c")
    assert line["time"].endswith("+0800")  # Asia/Taipei


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sent",
    [None, "", "has space", "two\nlines", "[req=forged]", "x" * 65, "-leading-dash", "引號"],
)
def test_a_missing_or_malformed_request_id_is_replaced(client, console, sent):
    headers = {HEADER: sent} if sent is not None else {}
    response = client.get("/no-such-page/", headers=headers)
    assert HEX_ID.fullmatch(response[HEADER]), response[HEADER]
    assert request_log_line(console, "/no-such-page/")["request_id"] == response[HEADER]


@pytest.mark.django_db
def test_each_request_gets_its_own_id(client):
    first, second = client.get("/accounts/login/"), client.get("/accounts/login/")
    assert first.status_code == second.status_code == 200
    assert HEX_ID.fullmatch(first[HEADER]) and first[HEADER] != second[HEADER]


def test_lines_logged_while_a_request_is_handled_carry_its_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(formatter("text"))
    logger = logging.getLogger("governance.test_request_id")
    logger.addHandler(handler)
    logger.propagate = False

    def view(request):
        logger.warning("inside the view")
        from django.http import HttpResponse

        return HttpResponse("ok")

    try:
        response = RequestIdMiddleware(view)(RequestFactory().get("/", headers={HEADER: "abc123"}))
        logger.warning("after the request")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    assert response[HEADER] == "abc123"
    inside, after = [TEXT_LINE.fullmatch(line) for line in stream.getvalue().splitlines()]
    assert (inside["logger"], inside["request_id"], inside["message"]) == (
        "governance.test_request_id",
        "abc123",
        "inside the view",
    )
    assert after["request_id"] == "-" and current_request_id.get() == "-"


def test_a_json_line_holds_the_fields_and_the_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.LogRecord(
            "governance.x", logging.ERROR, __file__, 1, "failed: %s", ("名稱",), sys.exc_info()
        )
    RequestIdFilter().filter(record)
    line = JsonLinesFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert set(entry) == {"time", "level", "logger", "request_id", "message", "exc_info"}
    assert (entry["level"], entry["logger"], entry["request_id"], entry["message"]) == (
        "ERROR",
        "governance.x",
        "-",
        "failed: 名稱",
    )
    assert "RuntimeError: boom" in entry["exc_info"]


def test_log_format_json_is_read_from_the_environment():
    code = (
        "import django; django.setup(); import logging\n"
        "logging.getLogger('governance.x').warning('提案 %s', 7)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "governance.settings",
            "DJANGO_DEBUG": "1",
            "LOG_FORMAT": "json",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["message"] == "提案 7" and entry["request_id"] == "-" and entry["logger"] == "governance.x"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0800", entry["time"])
