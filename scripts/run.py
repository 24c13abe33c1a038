"""`make run`: the quick start. Migrate, load the demo, then serve with its scheduler beside.

The web server (Django's runserver) and Celery beat with the quick-start scheduler
(governance.quickstart: the production schedule, each job run in the beat process, no broker)
start together and stop together: Ctrl-C, or SIGTERM, stops both. Tasks a page queues run
eagerly in the web process as its change commits. Beat's log is beat.log in DATA_DIR (data/).
DEBUG is on (DJANGO_DEBUG=1, unless the environment sets it), with the development key.

Static files are collected first (hashed names, compressed; skipped while the sources are
unchanged) and served by whitenoise as in `make stack`: a page after the first loads them
from the browser's cache.

    scripts/run.py [--port 8000]
"""

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import collect  # noqa: E402


def manage(*args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def collectstatic():
    """The first time (or after the static sources changed) a minute or two: every file is
    stored gzipped and brotli-compressed."""
    current, error = collect.fingerprint({"DJANGO_SETTINGS_MODULE": "governance.settings", **os.environ})
    if current is None:
        sys.exit(f"could not list the static files:\n{error}")
    static_root = Path(
        os.environ.get("STATIC_ROOT") or Path(os.environ.get("DATA_DIR") or ROOT / "data") / "static"
    )
    if collect.up_to_date(static_root, current):
        return
    collect.forget(static_root)
    print("collectstatic: compressing the static files, a minute or two the first time …", flush=True)
    manage("collectstatic", "--noinput", "--verbosity", "0", *collect.ignore_args())
    collect.remember(static_root, current)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    port = parser.parse_args().port
    # The settings keep DEBUG off unless asked (production); the quick start on this machine
    # asks, for Django's error pages and the development key. manage.py, beat and the web
    # server inherit it.
    os.environ.setdefault("DJANGO_DEBUG", "1")
    data = Path(os.environ.get("DATA_DIR") or ROOT / "data")  # as the settings read it
    data.mkdir(parents=True, exist_ok=True)
    manage("migrate", "--noinput")
    manage("seed_demo")
    collectstatic()
    beat = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "governance",
            "beat",
            "--scheduler",
            "governance.quickstart:QuickStartScheduler",
            "--schedule",
            str(data / "celerybeat-schedule"),
            "--loglevel",
            "INFO",
            "--logfile",
            str(data / "beat.log"),
        ],
        cwd=ROOT,
    )
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
        cwd=ROOT,
        # runserver's autoreloader restarts its child: its own process group is stopped whole.
        start_new_session=True,
    )
    print(
        f"開啟 http://127.0.0.1:{port} ，以上列示範帳號登入。提醒與排程工作的紀錄：data/beat.log", flush=True
    )

    def stop(*_args):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    status = 0
    try:
        status = server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        for process, group in ((server, True), (beat, False)):
            if process.poll() is None:
                if group:
                    os.killpg(process.pid, signal.SIGTERM)
                else:
                    process.terminate()
        for process in (server, beat):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    return status


if __name__ == "__main__":
    sys.exit(main())
