"""Settings come from the environment; production mode passes `check --deploy` cleanly."""

import os
import subprocess
import sys

import pytest
from viewflow.workflow import flow, lock

from governance.site import workflow_flows
from tests.helpers import ROOT

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-" + "x9Qz" * 12,
    "ALLOWED_HOSTS": "governance.example.gov.tw",
    "DATABASE_URL": "postgres://governance@db.internal:5432/governance",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "governance.settings", **env},
        capture_output=True,
        text=True,
    )


def test_production_mode_passes_check_deploy_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_settings_read_the_environment():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG,"
        " s.SESSION_COOKIE_SECURE, s.TIME_ZONE, s.LANGUAGE_CODE)"
    )
    result = manage("shell", "--no-imports", "-c", code, env=PRODUCTION)
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "False",
        "False",
        "True",
        "Asia/Taipei",
        "zh-hant",
    ], result.stderr
    result = manage("shell", "--no-imports", "-c", code, env={})
    assert result.stdout.split()[:3] == ["django.db.backends.sqlite3", "True", "True"], result.stderr


def all_flow_classes():
    seen, pending = set(), list(flow.Flow.__subclasses__())
    while pending:
        cls = pending.pop()
        if cls not in seen:
            seen.add(cls)
            pending.extend(cls.__subclasses__())
    return seen


def test_every_flow_uses_the_select_for_update_lock():
    """Row locks on PostgreSQL; the project's flows wait for the holder (governance.workflow)."""
    from governance.workflow import PROCESS_LOCK

    flows = all_flow_classes() | set(workflow_flows())
    assert flows, "no flow is registered"
    for flow_class in flows:
        assert isinstance(flow_class.lock_impl, lock.SelectForUpdateLock), flow_class
        if not flow_class.__module__.startswith("bench."):
            assert flow_class.lock_impl is PROCESS_LOCK, flow_class


def test_every_human_task_names_an_owner_permission():
    """A human task without .Permission would be open to every signed-in person."""
    for flow_class in all_flow_classes():
        for node in flow_class.instance.nodes():
            if getattr(node, "task_type", "") == "HUMAN":
                assert node._owner_permission, f"{flow_class.__name__}.{node.name}"


@pytest.mark.parametrize("path", ["README.md"])
def test_readme_starts_with_the_two_commands(path):
    first_lines = (ROOT / path).read_text(encoding="utf-8").splitlines()[:8]
    text = "\n".join(first_lines)
    assert "make run" in text and "make test" in text
    assert (ROOT / ".ci" / "run").read_text().strip().endswith("make test")
