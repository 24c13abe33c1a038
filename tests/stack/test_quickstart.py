"""`make run`'s own scheduler: scripts/run.py started as `make run` starts it, on a throw-away
SQLite file, with e-mail going to a real SMTP server (an aiosmtpd sink). A finding of the demo
whose reminder is due today: it reaches the sink within a minute, with nobody typing a
command; then Ctrl-C stops the web server and beat together."""

import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.helpers import ROOT

pytestmark = pytest.mark.stack

DELIVERY_TIMEOUT = 60


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_reminder_due_today_is_mailed_by_the_quick_starts_own_scheduler():
    sink = Sink()
    smtp_port, web_port = free_port(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    workdir = Path(tempfile.mkdtemp(prefix="quickstart-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_BROKER"))},
        "DJANGO_SETTINGS_MODULE": "governance.settings",
        "DATA_DIR": str(workdir),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "PYTHONUNBUFFERED": "1",
    }
    # The preparation below runs as the quick start does; scripts/run.py itself gets `env`
    # without DJANGO_DEBUG and must turn it on by itself.
    env.pop("DJANGO_DEBUG", None)
    prepare_env = {**env, "DJANGO_DEBUG": "1"}
    python = sys.executable
    try:
        subprocess.run(
            [python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=prepare_env, check=True
        )
        subprocess.run(
            [python, "manage.py", "seed_demo"], cwd=ROOT, env=prepare_env, check=True, capture_output=True
        )
        # One open finding of the demo is due tomorrow: its −1 day reminder is due today. The
        # reminders of the day go out at once on a first start (governance.quickstart), as
        # they would have at 07:00.
        number = (
            subprocess.run(
                [
                    python,
                    "manage.py",
                    "shell",
                    "-c",
                    "from audits.models import Finding; from governance.rocdate import today_taipei\n"
                    "f = Finding.objects.exclude(state='closed').order_by('pk').first()\n"
                    "import datetime; tomorrow = today_taipei() + datetime.timedelta(days=1)\n"
                    "Finding.objects.filter(pk=f.pk).update(due_date=tomorrow); print(f.tracking_number)",
                ],
                cwd=ROOT,
                env=prepare_env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        started = time.monotonic()
        run = subprocess.Popen(
            [python, "scripts/run.py", "--port", str(web_port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            while time.monotonic() - started < DELIVERY_TIMEOUT:
                if any(number in str(m["Subject"]) for m in sink.messages):
                    break
                assert run.poll() is None, run.stdout.read()
                time.sleep(0.5)
            mailed = [m for m in sink.messages if number in str(m["Subject"])]
            assert mailed, (
                f"no reminder for {number} in {DELIVERY_TIMEOUT} s",
                [str(m["Subject"]) for m in sink.messages],
                (workdir / "beat.log").read_text() if (workdir / "beat.log").exists() else "",
            )
            assert "尚有 1 天" in str(mailed[0]["Subject"])
            # The web server is up beside it.
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(
                        f"http://127.0.0.1:{web_port}/accounts/login/", timeout=5
                    ) as r:
                        assert r.status == 200
                    break
                except OSError:
                    assert time.monotonic() < deadline
                    time.sleep(0.5)
        finally:
            run.send_signal(signal.SIGINT)
            run.wait(timeout=30)
        # Both stopped: nothing of this run is left serving the port or holding the schedule.
        leftovers = subprocess.run(
            ["pgrep", "-f", str(workdir / "celerybeat-schedule")], capture_output=True, text=True
        ).stdout.split()
        assert leftovers == []
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{web_port}/", timeout=2)
    finally:
        controller.stop()
