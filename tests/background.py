"""A real Redis and a real Celery worker for tests, as TESTING.md says.

The worker is its own process (prefork pool, own process group) on the test database,
so tests using it are transactional and run on the PostgreSQL pass: an in-memory SQLite
database is not visible to another process.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

# Shortened for tests (production: one hour): a task lost with its worker is handed out
# again after this many seconds. Longer than any task of the tests.
VISIBILITY_TIMEOUT = 6


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@contextlib.contextmanager
def redis_server():
    """A throw-away redis-server on 127.0.0.1; yields its URL."""
    import redis

    executable = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    process = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)

    def ready():
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    try:
        wait_for(ready, 20, "redis-server")
        yield url
    finally:
        process.terminate()
        process.wait(10)


def database_url():
    """The URL of the test database this process uses."""
    s = connection.settings_dict
    user = s.get("USER") or ""
    auth = f"{user}:{s['PASSWORD']}@" if s.get("PASSWORD") else (f"{user}@" if user else "")
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


class Worker:
    """`celery -A governance worker` as a separate process group; restartable."""

    def __init__(self, broker_url, mail_dir, log_dir, extra_env=None):
        self.broker_url, self.mail_dir, self.log_dir = broker_url, mail_dir, log_dir
        self.extra_env = extra_env or {}
        self.process, self.starts = None, 0

    def env(self):
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1",
            "EMAIL_BACKEND": "mail_backends.SlowFileBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")]),
            **self.extra_env,
        }

    @property
    def log(self):
        return Path(self.log_dir) / f"worker-{self.starts}.log"

    def start(self):
        self.starts += 1
        self.log_file = open(self.log, "w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "governance",
                "worker",
                "--pool=prefork",
                "-c",
                "2",
                "-l",
                "info",
                "-n",
                f"test{self.starts}-{os.getpid()}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(
            lambda: "ready." in self.log.read_text() or self.process.poll() is not None,
            90,
            "the Celery worker to be ready",
        )
        if self.process.poll() is not None:
            raise AssertionError("the Celery worker died at start:\n" + self.log.read_text()[-3000:])

    def kill(self, sig=signal.SIGKILL):
        """Kill the whole process group at once: the main process and its pool."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(30)
        self.log_file.close()

    def stop(self):
        stop_worker(self.process, self.log_file, 30)

    def mailed_keys(self):
        """The notification key of every e-mail the worker sent, one entry per e-mail."""
        keys = []
        for path in sorted(Path(self.mail_dir).glob("*.log")):
            for line in path.read_text().splitlines():
                if line.startswith("X-Governance-Notification: "):
                    keys.append(line.split(": ", 1)[1].strip())
        return keys

    def logs(self):
        return "\n".join(p.read_text() for p in sorted(Path(self.log_dir).glob("worker-*.log")))


def stop_worker(process, log_file, timeout):
    """SIGTERM the worker's process group (warm shutdown), SIGKILL it after `timeout` s."""
    if process and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
    if not log_file.closed:
        log_file.close()


def _drop_producer_pool(app):
    """The app keeps its broker connections and producers: after changing the broker they
    must be made anew. (Not closed: kombu's global producer registry may still hold them.)"""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture(scope="session")
def redis_url():
    with redis_server() as url:
        yield url


@pytest.fixture
def worker_env():
    """Extra environment for the worker; a test module overrides it."""
    return {}


@pytest.fixture
def celery_worker(redis_url, transactional_db, settings, worker_env):
    """A running worker, and this process queueing to it through Redis (not eagerly)."""
    import redis

    from governance.celery import app

    if connection.vendor != "postgresql":
        pytest.skip("the worker is another process: it runs on the PostgreSQL pass")
    redis.Redis.from_url(redis_url).flushall()
    workdir = Path(tempfile.mkdtemp(prefix="governance-worker-"))
    (workdir / "mail").mkdir()
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_transport_options")}
    app.conf.update(
        broker_url=redis_url,
        task_always_eager=False,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
    )
    _drop_producer_pool(app)
    worker = Worker(redis_url, workdir / "mail", workdir, worker_env)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        app.conf.update(saved)
        _drop_producer_pool(app)
        if os.environ.get("KEEP_WORKER_LOGS"):
            print("worker logs in", workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
