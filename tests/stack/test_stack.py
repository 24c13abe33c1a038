"""Smoke test of `make stack`: scripts/stack.py started as it is by hand, driven over HTTP.

PostgreSQL, Redis, gunicorn, a Celery worker and beat on free ports with a throw-away
DATA_DIR; a login and the inbox through gunicorn; a background job (appraisal evidence
batch) carried out by the worker; then Ctrl-C (SIGINT) must stop everything and exit 0.

Cookies: with DEBUG off the session and CSRF cookies are marked Secure. Browsers treat
http://127.0.0.1 as a secure context and send them back; Python's cookie jar does not
unless told to, so the jar here is told the same (see `loopback_opener`).
"""

import contextlib
import fcntl
import http.cookiejar
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.stack


# The first start on a fresh machine compresses every static file (a minute or two on two
# idle cores, several when they are busy) before gunicorn starts. The collected files are
# kept in data/ (ignored by git) for the next run, which skips collectstatic when nothing
# changed; the lock keeps two runs from collecting into it at once.
START_TIMEOUT = float(os.environ.get("STACK_TEST_START_TIMEOUT", "900"))
STATIC_CACHE = ROOT / "data" / "stack-test-static"
BATCH_TIMEOUT = 120
STOP_TIMEOUT = 60


def _load_pg():
    spec = importlib.util.spec_from_file_location("governance_scripts_pg", ROOT / "scripts" / "pg.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pg = _load_pg()


def free_ports(count):
    ports = set()
    while len(ports) < count:
        ports.add(pg.free_port())
    return list(ports)


class StackProcess:
    """scripts/stack.py in its own process group; its output kept and readable."""

    def __init__(self, data_dir, env):
        self.data_dir = data_dir
        self.lines = []
        self.output_file = data_dir / "stack-output.txt"
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "stack.py")],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        with open(self.output_file, "w") as copy:
            for line in self.proc.stdout:
                self.lines.append(line)
                copy.write(line)
                copy.flush()

    def output(self):
        return "".join(self.lines)

    def started(self):
        """{name: pid} of every child the script reports having started."""
        pids = {}
        for line in list(self.lines):
            found = re.match(r"stack: started ([\w-]+): pid (\d+)", line)
            if found:
                pids[found.group(1)] = int(found.group(2))
        with contextlib.suppress(OSError, ValueError):
            pids.update(json.loads((self.data_dir / "stack" / "stack.pids").read_text()))
        return pids


def processes():
    """Live (non-zombie) processes: [(pid, parent pid, process group, command line)]."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
            cmdline = Path(f"/proc/{entry.name}/cmdline").read_bytes()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses.
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z":
            command = cmdline.replace(b"\0", b" ").decode(errors="replace").strip()
            found.append((int(entry.name), int(fields[1]), int(fields[2]), command))
    return found


def group_members(pgid):
    return [(pid, command) for pid, _, group, command in processes() if group == pgid]


def leftovers(pids, data_dir):
    """Processes of the stack still alive: in a child's process group, children of one
    of them (PostgreSQL's own processes each lead a session of their own), or naming
    the stack's data folder on their command line."""
    started = set(pids.values())
    return [
        (pid, command)
        for pid, parent, group, command in processes()
        if pid != os.getpid() and (group in started or parent in started or str(data_dir) in command)
    ]


def loopback_opener():
    # Secure cookies go back over http here, as browsers do for loopback addresses.
    policy = http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))
    jar = http.cookiejar.CookieJar(policy)
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def csrf_token(html, jar):
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if found:
        return found.group(1)
    for cookie in jar:
        if cookie.name == "csrftoken":
            return cookie.value
    raise AssertionError("no CSRF token in the page nor in the cookies")


def fetch(opener, url, data=None, timeout=60):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with opener.open(url, body, timeout=timeout) as response:
        return response.status, response.geturl(), response.read().decode("utf-8", "replace")


def login(base, username):
    opener, jar = loopback_opener()
    _, _, page = fetch(opener, f"{base}accounts/login/")
    status, final, page = fetch(
        opener,
        f"{base}accounts/login/",
        {
            "username": username,
            "password": "demo-2026",
            "csrfmiddlewaretoken": csrf_token(page, jar),
        },
    )
    assert status == 200
    assert "/accounts/login/" not in final, f"login as {username} failed: {final}"
    assert "sessionid" in {cookie.name for cookie in jar}
    return opener, jar


def wait_for_login_page(stack, base):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if stack.proc.poll() is not None:
            pytest.fail(f"stack.py exited with {stack.proc.returncode} while starting:\n{stack.output()}")
        # The script prints this once gunicorn answers and the worker is ready.
        if any("stack: ready:" in line for line in stack.lines):
            try:
                with urllib.request.urlopen(f"{base}accounts/login/", timeout=10) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
        time.sleep(1)
    pytest.fail(f"the stack did not serve the login page within {START_TIMEOUT:.0f} s:\n{stack.output()}")


def check_inbox(base):
    opener, _ = login(base, "readers-head")
    status, final, page = fetch(opener, f"{base}workflow/inbox/")
    assert status == 200 and final.endswith("/workflow/inbox/"), final
    rows = re.findall(r"<tr>\s*<td>", page)
    assert rows, "readers-head's inbox lists no task"


def check_batch_through_worker(base, data_dir):
    opener, jar = login(base, "hr")
    _, _, page = fetch(opener, f"{base}evidence/")
    status, final, page = fetch(
        opener,
        f"{base}evidence/batches/",
        {
            "year": "114",
            "unit": "readers",
            "csrfmiddlewaretoken": csrf_token(page, jar),
        },
    )
    found = re.search(r"/evidence/batches/(\d+)/$", final)
    assert status == 200 and found, f"no redirect to the batch's page: {final}"
    progress_url = f"{base}evidence/batches/{found.group(1)}/progress"
    deadline = time.monotonic() + BATCH_TIMEOUT
    while True:
        _, _, body = fetch(opener, progress_url)
        progress = json.loads(body)
        if progress["finished"]:
            break
        assert time.monotonic() < deadline, f"batch not finished after {BATCH_TIMEOUT} s: {progress}"
        time.sleep(1)
    assert progress["total"] > 0, progress
    assert progress["done"] == progress["total"], progress
    # Made by the Celery worker, not eagerly in gunicorn: its log shows the tasks done.
    worker_log = (data_dir / "stack" / "logs" / "celery-worker.log").read_text(errors="replace")
    done = re.findall(r"Task governance\.render_evidence_item\[[^\]]+\] succeeded", worker_log)
    assert len(done) >= progress["total"], f"{len(done)} tasks in the worker's log:\n{worker_log[-3000:]}"


def stop_and_check(stack):
    pids = stack.started()
    assert set(pids) >= {"postgres", "redis", "gunicorn", "celery-worker", "celery-beat"}, pids
    stack.proc.send_signal(signal.SIGINT)
    try:
        code = stack.proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"stack.py did not stop within {STOP_TIMEOUT} s of SIGINT:\n{stack.output()}")
    stack.reader.join(timeout=10)
    assert code == 0, f"stack.py exited with {code}:\n{stack.output()}"
    left = leftovers(pids, stack.data_dir)
    assert not left, f"left running after the stop: {left}"


def show_logs(data_dir):
    """The end of each log, into the test's captured output: the folder is removed after."""
    logs = data_dir / "stack" / "logs"
    for log in [*sorted(logs.glob("*.log")), data_dir / "stack" / "pg" / "server.log"]:
        with contextlib.suppress(OSError):
            lines = log.read_text(errors="replace").splitlines()[-60:]
            print(f"----- {log} (end) -----", *lines, sep="\n")


def force_cleanup(stack, data_dir):
    """Whatever happened: nothing of the stack outlives the test."""
    if stack is not None:
        if stack.proc.poll() is None:
            with contextlib.suppress(OSError):
                os.killpg(stack.proc.pid, signal.SIGINT)
            try:
                stack.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(OSError):
                    os.killpg(stack.proc.pid, signal.SIGKILL)
                stack.proc.wait()
        for name, pid in stack.started().items():
            if name != "postgres" and group_members(pid):
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGKILL)
    pg_dir = data_dir / "stack" / "pg"
    if (pg_dir / "postmaster.pid").exists():
        stop = [f"{pg._bindir()}/pg_ctl", "-D", str(pg_dir), "-m", "immediate", "-w", "stop"]
        subprocess.run(pg._as_server_user(stop), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree(data_dir, ignore_errors=True)


def test_stack_serves_runs_tasks_and_stops_cleanly():
    data_dir = Path(tempfile.mkdtemp(prefix="governance-stack-"))
    data_dir.chmod(0o755)  # as root, the postgres user must reach data_dir/stack/pg
    web, pg_port, redis_port = free_ports(3)
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "CELERY_BROKER_URL", "STATIC_ROOT", "MEDIA_ROOT"}
    }
    env.update(
        {
            "DATA_DIR": str(data_dir),
            "STACK_PORT": str(web),
            "STACK_PG_PORT": str(pg_port),
            "STACK_REDIS_PORT": str(redis_port),
            "STACK_START_TIMEOUT": "300",
            "STATIC_ROOT": str(STATIC_CACHE),
            "PYTHONUNBUFFERED": "1",
        }
    )
    base = f"http://127.0.0.1:{web}/"
    stack = None
    STATIC_CACHE.parent.mkdir(exist_ok=True)
    lock = open(STATIC_CACHE.parent / "stack-test.lock", "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        stack = StackProcess(data_dir, env)
        wait_for_login_page(stack, base)
        check_inbox(base)
        # The stop is checked even when the background job fails, so one run tells both.
        batch_error = None
        try:
            check_batch_through_worker(base, data_dir)
        except (AssertionError, urllib.error.URLError, ValueError, KeyError) as error:
            batch_error = error
        stop_and_check(stack)
        if batch_error is not None:
            logs = data_dir / "stack" / "logs"
            raise AssertionError(
                f"background job through the worker: {batch_error!r}\n"
                f"worker log:\n{(logs / 'celery-worker.log').read_text(errors='replace')[-3000:]}"
            ) from batch_error
    except BaseException:
        show_logs(data_dir)
        raise
    finally:
        force_cleanup(stack, data_dir)
        lock.close()
