"""What the benchmarks share: a gunicorn server over HTTP, a logged-in cookie, percentiles."""

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from pg import free_port  # noqa: E402

# gunicorn as in production (DEBUG off), on plain HTTP on loopback.
SERVER_ENV = {
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1",
    # No redirect to HTTPS: the session cookie is sent by hand.
    "SECURE_SSL_REDIRECT": "0",
    # whitenoise warns that STATIC_ROOT is missing: the benchmarks serve no static files.
    "PYTHONWARNINGS": "ignore:No directory at",
}


# A benchmark's own Django process: the same settings on bench.settings, tasks run eagerly
# unless a broker is given.
BENCH_ENV = {**SERVER_ENV, "DJANGO_SETTINGS_MODULE": "bench.settings", "CELERY_BROKER_URL": ""}


def setup_django(database_url, **env):
    """Django in this process on the throw-away database; `env` overrides BENCH_ENV."""
    os.environ.update({**BENCH_ENV, "DATABASE_URL": database_url, **env})
    import django

    django.setup()


def source_version(*paths):
    """The commit measured, and whether the working tree had changed `paths` since it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", *paths], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + (f" ({' or '.join(p + '/' for p in paths)} modified)" if dirty else "")


def percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lower = int(k)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (k - lower)


def session_cookie(username):
    """A Cookie header for a person logged in through Django's test client (same database)."""
    from django.conf import settings
    from django.test import Client

    from governance.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


class Server:
    """gunicorn with two workers (or `workers`) on a free port, with the given settings module
    and database."""

    def __init__(self, database_url, settings_module, workers=2):
        self.port = free_port()
        env = {
            **os.environ,
            **SERVER_ENV,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": "",
        }
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "governance.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "300",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                self.request("/accounts/login/", "")
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def request(self, url, cookie):
        """(milliseconds for the whole request, body)."""
        response, body, elapsed = get(self.port, url, cookie)
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
        return elapsed, body

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def get(port, url, cookie):
    """(response, body, milliseconds): one GET on loopback, no redirect followed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        start = time.perf_counter()
        conn.request("GET", url, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - start) * 1000
    finally:
        conn.close()
    return response, body, elapsed
