"""`make stack`: the production-shaped stack on this machine, in the foreground.

PostgreSQL (data kept in <DATA_DIR>/stack/pg), Redis, gunicorn with several workers,
a Celery worker and Celery beat, all on 127.0.0.1, DEBUG off. Ctrl-C (or SIGTERM) stops
everything in order and exits 0; a child that dies on its own stops everything and
exits 1.

Environment: DATA_DIR (default <project>/data), STACK_PORT (8000), STACK_PG_PORT (54329),
STACK_REDIS_PORT (63799), STACK_WEB_WORKERS (3), STACK_STOP_TIMEOUT (30 seconds before
SIGKILL), STACK_START_TIMEOUT (120 seconds for the web and the worker to be ready).
"""

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import collect  # noqa: E402
import pg  # noqa: E402

# The children we start and watch, in the order they are stopped.
APP_CHILDREN = ("gunicorn", "celery-worker", "celery-beat")


def app_commands(python, *, bind, web_workers, graceful_timeout, schedule):
    """The command of each application process, by name (APP_CHILDREN).

    The README's systemd units (### Several machines) run the same commands: the test
    tests/governance/test_systemd_units.py holds them to these, paths and numbers aside.
    """
    return {
        "gunicorn": [
            python,
            "-m",
            "gunicorn",
            "governance.wsgi",
            "--workers",
            str(web_workers),
            "--bind",
            bind,
            # PDFs and ZIPs may take a while; gunicorn's default of 30 s kills the worker.
            "--timeout",
            "120",
            "--graceful-timeout",
            str(graceful_timeout),
            "--access-logfile",
            "-",
            "--error-logfile",
            "-",
        ],
        "celery-worker": [
            python,
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
        ],
        "celery-beat": [
            python,
            "-m",
            "celery",
            "-A",
            "governance",
            "beat",
            "-l",
            "info",
            "--schedule",
            str(schedule),
        ],
    }


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        sys.exit(f"stack: {name} must be a whole number, not {value!r}")


def say(message):
    print(f"stack: {message}", flush=True)


class Stop(Exception):
    """Ctrl-C or SIGTERM arrived: stop everything and exit 0."""


class Failed(Exception):
    """Something did not start or died: stop everything and exit 1."""


class Signals:
    """Turn SIGINT and SIGTERM into a flag checked between steps and in the main loop.

    Raising from the handler could interrupt a Popen half-way and lose a child; a flag
    cannot. A second signal while stopping is ignored: the stop already ends with SIGKILL.
    """

    def __init__(self):
        self.received = None
        signal.signal(signal.SIGINT, self._handle)
        signal.signal(signal.SIGTERM, self._handle)

    def _handle(self, signum, frame):
        if self.received is None:
            self.received = signal.Signals(signum).name

    def check(self):
        if self.received:
            raise Stop(self.received)


def group_alive(pgid):
    """Does any live (non-zombie) process belong to this process group?"""
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses.
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            return True
    return False


def wait_until(predicate, timeout, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def port_free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def tail(path, lines=25):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


class Stack:
    def __init__(self):
        self.data_dir = Path(os.environ.get("DATA_DIR") or ROOT / "data").resolve()
        self.dir = self.data_dir / "stack"
        self.logs = self.dir / "logs"
        self.pg_dir = self.dir / "pg"
        self.pids_file = self.dir / "stack.pids"
        self.port = env_int("STACK_PORT", 8000)
        self.pg_port = env_int("STACK_PG_PORT", 54329)
        self.redis_port = env_int("STACK_REDIS_PORT", 63799)
        self.web_workers = env_int("STACK_WEB_WORKERS", 3)
        self.stop_timeout = env_int("STACK_STOP_TIMEOUT", 30)
        self.start_timeout = env_int("STACK_START_TIMEOUT", 120)
        self.url = f"http://127.0.0.1:{self.port}/"
        self.children = {}  # name -> (Popen, log path)
        self.postmaster_pid = None
        self.signals = Signals()
        self.began = False  # set once the first server is being started

    # ---- preparation -------------------------------------------------------------------

    def prepare_folders(self):
        try:
            pg._bindir()
        except RuntimeError as error:
            raise Failed(str(error)) from None
        for folder in (self.data_dir, self.dir, self.logs):
            folder.mkdir(parents=True, exist_ok=True)
        # The postgres user must reach <stack>/pg when we run as root.
        os.chmod(self.dir, 0o755)
        if os.geteuid() == 0:
            reachable = (
                subprocess.run(
                    ["runuser", "-u", "postgres", "--", "test", "-x", str(self.dir)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                ).returncode
                == 0
            )
            if not reachable:
                raise Failed(
                    f"the postgres user cannot reach {self.dir}: a parent folder is not "
                    "searchable by others (often /root). Allow it (chmod o+x on that folder) "
                    "or set DATA_DIR to a folder it can reach."
                )

    def lock(self):
        """One stack per data folder: a second `make stack` on it stops with a message."""
        self.lock_file = open(self.dir / "stack.lock", "w")
        try:
            fcntl.flock(self.lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise Failed(
                f"another `make stack` is already running with {self.dir}; stop it first "
                "(Ctrl-C in its terminal)."
            ) from None

    def clear_leftovers(self):
        """Children of an earlier run that was killed outright (SIGKILL, power loss).

        We hold the lock, so nothing else owns them. A pid is trusted only while its
        command line still names what we started.
        """
        try:
            previous = json.loads(self.pids_file.read_text())
        except (OSError, ValueError):
            previous = {}
        for name, pid in previous.items():
            if name == "postgres":
                continue  # handled below through pg_ctl
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if ("redis" if name == "redis" else name.split("-")[0]) in cmdline:
                say(f"stopping {name} (pid {pid}) left over from an earlier run")
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGKILL)
                wait_until(lambda pid=pid: not group_alive(pid), 10)
        if (self.pg_dir / "postmaster.pid").exists():
            status = subprocess.run(
                pg._as_server_user([f"{pg._bindir()}/pg_ctl", "-D", str(self.pg_dir), "status"]),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if status.returncode == 0:
                say("stopping a PostgreSQL server left over from an earlier run")
                self.stop_postgres_server()
        with contextlib.suppress(OSError):
            self.pids_file.unlink()

    def check_ports(self):
        ports = {"STACK_PORT": self.port, "STACK_PG_PORT": self.pg_port, "STACK_REDIS_PORT": self.redis_port}
        if len(set(ports.values())) != len(ports):
            raise Failed(f"the ports must differ: {ports}")
        for name, port in ports.items():
            if not port_free(port):
                raise Failed(f"port {port} on 127.0.0.1 is in use; choose another with {name}=...")

    def secret_key(self):
        path = self.dir / "secret_key"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(50))
        return path.read_text().strip()

    def environment(self, database_url):
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "governance.settings",
                "DATA_DIR": str(self.data_dir),
                "DATABASE_URL": database_url,
                "CELERY_BROKER_URL": f"redis://127.0.0.1:{self.redis_port}/0",
                "DJANGO_DEBUG": "0",
                "SECRET_KEY": self.secret_key(),
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                # Plain http on loopback: no redirect to https (there is no TLS here).
                "SECURE_SSL_REDIRECT": "0",
                "PYTHONUNBUFFERED": "1",
            }
        )
        # The stack's own files, unless the caller chose other places.
        env.setdefault("STATIC_ROOT", str(self.dir / "static"))
        env.setdefault("MEDIA_ROOT", str(self.dir / "media"))
        return env

    # ---- children ----------------------------------------------------------------------

    def run_step(self, name, args, env, log, echo=False):
        """A management command, to its end; Ctrl-C meanwhile stops it and us."""
        say(f"{name} …")
        started = time.monotonic()
        with open(log, "a") as out:
            out.write(f"\n===== {' '.join(args)} =====\n")
            out.flush()
            proc = subprocess.Popen(
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE if echo else out,
                stderr=out if echo else subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
            output = ""
            while True:
                try:
                    output_part, _ = proc.communicate(timeout=0.3)
                    output += output_part or ""
                    break
                except subprocess.TimeoutExpired:
                    if self.signals.received:
                        with contextlib.suppress(OSError):
                            os.killpg(proc.pid, signal.SIGKILL)
                        proc.wait()
                        self.signals.check()
            if echo:
                out.write(output)
        if proc.returncode != 0:
            raise Failed(f"{name} failed (exit {proc.returncode}); see {log}:\n{tail(log)}")
        say(f"{name} done ({time.monotonic() - started:.0f} s)")
        return output

    def collectstatic(self, env, log):
        """collectstatic, skipped when the collected files are those of the same sources.

        Compressing every file (gzip and brotli) takes one to two minutes on two cores;
        a restart with the same code and packages need not pay it again.
        """
        static_root = Path(env["STATIC_ROOT"])
        current, error = collect.fingerprint(env)
        if current is None:
            raise Failed(f"could not list the static files:\n{error}")
        if collect.up_to_date(static_root, current):
            say(f"collectstatic: {static_root} is up to date, skipped")
            return
        collect.forget(static_root)
        say("collectstatic compresses every static file: a minute or two, once")
        self.run_step("collectstatic", ["collectstatic", "--noinput", *collect.ignore_args()], env, log)
        collect.remember(static_root, current)

    def start_child(self, name, args, env):
        log = self.logs / f"{name}.log"
        with open(log, "w") as out:
            proc = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.children[name] = (proc, log)
        self.write_pids()
        say(f"started {name}: pid {proc.pid} (its own process group), log {log}")
        return proc

    def write_pids(self):
        pids = {name: proc.pid for name, (proc, _) in self.children.items()}
        if self.postmaster_pid:
            pids["postgres"] = self.postmaster_pid
        self.pids_file.write_text(json.dumps(pids))

    def read_postmaster_pid(self):
        try:
            return int((self.pg_dir / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def start_redis(self, env):
        binary = shutil.which("redis-server")
        if not binary:
            raise Failed("redis-server is not installed: apt-get install -y redis-server")
        self.start_child(
            "redis",
            [
                binary,
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            env,
        )

        def pong():
            self.signals.check()
            self.check_children()
            try:
                with socket.create_connection(("127.0.0.1", self.redis_port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    return s.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        if not wait_until(pong, 30):
            raise Failed(f"Redis did not answer on port {self.redis_port}; see {self.logs / 'redis.log'}")

    def start_app(self, env):
        commands = app_commands(
            sys.executable,
            bind=f"127.0.0.1:{self.port}",
            web_workers=self.web_workers,
            graceful_timeout=max(self.stop_timeout - 5, 5),
            schedule=self.dir / "celerybeat-schedule",
        )
        for name in APP_CHILDREN:
            self.start_child(name, commands[name], env)

    def wait_ready(self):
        login = f"{self.url}accounts/login/"
        worker_log = self.children["celery-worker"][1]

        def web_ready():
            try:
                with urllib.request.urlopen(login, timeout=5) as response:
                    return response.status == 200
            except (urllib.error.URLError, OSError):
                return False

        def worker_ready():
            try:
                return " ready." in worker_log.read_text(errors="replace")
            except OSError:
                return False

        def ready():
            self.signals.check()
            self.check_children()
            return web_ready() and worker_ready()

        if not wait_until(ready, self.start_timeout, interval=0.5):
            raise Failed(
                f"the web and the worker were not ready after {self.start_timeout} s; "
                f"see the logs in {self.logs}"
            )

    def check_children(self):
        """Raise Failed when a child has died on its own."""
        for name, (proc, log) in self.children.items():
            code = proc.poll()
            if code is not None:
                how = (
                    f"was killed by {signal.Signals(-code).name}"
                    if code < 0
                    else f"exited with status {code}"
                )
                raise Failed(f"{name} (pid {proc.pid}) {how} unexpectedly; the end of {log}:\n{tail(log)}")
        if self.postmaster_pid:
            try:
                os.kill(self.postmaster_pid, 0)
            except ProcessLookupError:
                log = self.pg_dir / "server.log"
                raise Failed(
                    f"PostgreSQL (pid {self.postmaster_pid}) exited unexpectedly; "
                    f"the end of {log}:\n{tail(log)}"
                ) from None
            except PermissionError:
                pass

    # ---- stopping ----------------------------------------------------------------------

    def stop_children(self, names):
        """SIGTERM to each leader at once, then wait; SIGKILL to the group after the timeout.

        The leader only: gunicorn's master and Celery's main process stop their own
        workers in order (Celery's warm shutdown lets running tasks finish, whereas a
        SIGTERM to its pool processes would cut them off).
        """
        running = [(name, *self.children[name]) for name in names if name in self.children]
        for name, proc, _ in running:
            if proc.poll() is None:
                say(f"stopping {name} (pid {proc.pid})")
                with contextlib.suppress(OSError):
                    os.kill(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for name, proc, _ in running:
            try:
                proc.wait(timeout=max(deadline - time.monotonic(), 0))
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop within {self.stop_timeout} s: SIGKILL")
                with contextlib.suppress(OSError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            # Whatever the leader left behind in its group goes too.
            if not wait_until(lambda pid=proc.pid: not group_alive(pid), max(deadline - time.monotonic(), 1)):
                with contextlib.suppress(OSError):
                    os.killpg(proc.pid, signal.SIGKILL)
                wait_until(lambda pid=proc.pid: not group_alive(pid), 5)

    def stop_postgres_server(self):
        if not (self.pg_dir / "postmaster.pid").exists():
            return
        subprocess.run(
            pg._as_server_user(
                [f"{pg._bindir()}/pg_ctl", "-D", str(self.pg_dir), "-m", "fast", "-w", "stop"]
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    # ---- the whole -----------------------------------------------------------------------

    def run(self):
        with contextlib.ExitStack() as cleanup:
            try:
                self.start(cleanup)
            except Stop as stop:
                say(f"{stop} received: stopping everything")
                raise
            except Failed as failure:
                say(f"FAILED: {failure}")
                if self.began:
                    say("stopping everything")
                raise

    def start(self, cleanup):
        """Start everything, registering each stop with `cleanup`, then watch until told."""
        self.prepare_folders()
        self.lock()
        self.clear_leftovers()
        self.check_ports()
        say(f"data in {self.dir}, logs in {self.logs}")

        # Run last, once everything is stopped: a clean stop leaves no pids to clear.
        cleanup.callback(self.pids_file.unlink, missing_ok=True)
        say(f"PostgreSQL on 127.0.0.1:{self.pg_port} (data {self.pg_dir}) …")
        self.began = True
        try:
            database_url = cleanup.enter_context(
                pg.temporary_postgres(data_dir=str(self.pg_dir), port=self.pg_port, keep=True)
            )
        except Exception as error:
            # pg_ctl may have started the server before it failed (or was interrupted).
            self.stop_postgres_server()
            log = self.pg_dir / "server.log"
            raise Failed(f"PostgreSQL did not start ({error}); the end of {log}:\n{tail(log)}") from None
        self.postmaster_pid = self.read_postmaster_pid()
        self.write_pids()
        say(f"started postgres: pid {self.postmaster_pid}, log {self.pg_dir / 'server.log'}")
        cleanup.callback(say, "stopping postgres")
        self.signals.check()

        env = self.environment(database_url)
        cleanup.callback(self.stop_children, ["redis"])
        self.start_redis(env)

        setup_log = self.logs / "setup.log"
        setup_log.write_text("")
        self.run_step("migrate", ["migrate", "--noinput"], env, setup_log)
        self.collectstatic(env, setup_log)
        seeded = self.run_step("seed_demo", ["seed_demo"], env, setup_log, echo=True)

        cleanup.callback(self.stop_children, APP_CHILDREN)
        self.start_app(env)
        say(f"waiting for the web and the worker (up to {self.start_timeout} s) …")
        self.wait_ready()

        print(seeded, end="" if seeded.endswith("\n") else "\n", flush=True)
        say(
            f"logs: {self.logs}/{{gunicorn,celery-worker,celery-beat,redis,setup}}.log, "
            f"PostgreSQL's in {self.pg_dir / 'server.log'}"
        )
        say(f"ready: open {self.url} and log in with a demo login above. Ctrl-C stops everything.")
        while True:
            self.signals.check()
            self.check_children()
            time.sleep(0.5)

    def main(self):
        try:
            self.run()
        except Stop:
            say("stopped everything")
            return 0
        except Failed:
            if self.began:
                say("stopped everything after the failure above")
            return 1
        return 0


if __name__ == "__main__":
    sys.exit(Stack().main())
