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


def test_postgresql_connections_run_without_jit_unless_the_url_says():
    code = "from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS'])"
    result = manage("shell", "--no-imports", "-c", code, env=PRODUCTION)
    assert result.stdout.strip() == "{'options': '-c jit=off'}", result.stderr
    own = {**PRODUCTION, "DATABASE_URL": PRODUCTION["DATABASE_URL"] + "?options=-c%20work_mem%3D64MB"}
    result = manage("shell", "--no-imports", "-c", code, env=own)
    assert result.stdout.strip() == "{'options': '-c work_mem=64MB'}", result.stderr


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
    result = manage("shell", "--no-imports", "-c", code, env={"DJANGO_DEBUG": "1"})
    assert result.stdout.split()[:3] == ["django.db.backends.sqlite3", "True", "True"], result.stderr


def settings_in_a_clean_process(env, code="print(settings.DEBUG, settings.SECRET_KEY == DEV_KEY)"):
    """The settings imported by a fresh interpreter with only `env` set (and PATH)."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings\n"
            "from governance.settings import DEVELOPMENT_SECRET_KEY as DEV_KEY\n" + code,
        ],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "governance.settings", **env},
        capture_output=True,
        text=True,
    )


def refusal(result):
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr, result.stderr
    return result.stderr.strip().splitlines()[-1]


def test_debug_is_off_unless_the_environment_turns_it_on():
    result = settings_in_a_clean_process({"SECRET_KEY": PRODUCTION["SECRET_KEY"]})
    assert result.stdout.split() == ["False", "False"], result.stderr
    for value in ("1", "true", "on"):
        result = settings_in_a_clean_process({"DJANGO_DEBUG": value})
        assert result.stdout.split() == ["True", "True"], result.stderr


def test_with_nothing_set_the_settings_ask_for_a_secret_key():
    message = refusal(settings_in_a_clean_process({}))
    assert "SECRET_KEY must be set" in message and "DJANGO_DEBUG is off" in message
    assert 'python -c "import secrets; print(secrets.token_urlsafe(50))"' in message


def test_the_development_key_is_refused_with_debug_off_even_when_given():
    from governance.settings import DEVELOPMENT_SECRET_KEY

    message = refusal(
        settings_in_a_clean_process({"DJANGO_DEBUG": "0", "SECRET_KEY": DEVELOPMENT_SECRET_KEY})
    )
    assert "SECRET_KEY must be set" in message and "DJANGO_DEBUG is off" in message


def test_the_development_key_is_refused_when_a_public_host_is_allowed():
    env = {"DJANGO_DEBUG": "1", "ALLOWED_HOSTS": "127.0.0.1,governance.example.gov.tw"}
    message = refusal(settings_in_a_clean_process(env))
    assert "ALLOWED_HOSTS names governance.example.gov.tw" in message and "SECRET_KEY" in message
    message = refusal(settings_in_a_clean_process({"DJANGO_DEBUG": "1", "ALLOWED_HOSTS": "*"}))
    assert "ALLOWED_HOSTS names *" in message
    # With a key of its own, DEBUG on a public name is the operator's choice.
    env["SECRET_KEY"] = PRODUCTION["SECRET_KEY"]
    assert settings_in_a_clean_process(env).stdout.split() == ["True", "False"]


def test_the_development_key_is_accepted_on_loopback_with_debug_on():
    env = {"DJANGO_DEBUG": "1", "ALLOWED_HOSTS": "127.0.0.1,::1,[::1],localhost,testserver"}
    result = settings_in_a_clean_process(env)
    assert result.stdout.split() == ["True", "True"], result.stderr


def test_a_short_secret_key_is_refused_in_production():
    message = refusal(settings_in_a_clean_process({**PRODUCTION, "SECRET_KEY": "changeme"}))
    assert "SECRET_KEY has 8 characters" in message and "at least 50" in message


def test_an_unknown_log_format_is_refused():
    message = refusal(settings_in_a_clean_process({"DJANGO_DEBUG": "1", "LOG_FORMAT": "xml"}))
    assert 'LOG_FORMAT must be "text" or "json"' in message


def test_the_tests_run_with_debug_as_the_quick_start_does(settings):
    """tests/settings.py reads the settings with DJANGO_DEBUG=1 (pytest-django then turns
    settings.DEBUG off while each test runs, as Django's own runner does)."""
    assert settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY
    assert settings.STORAGES["staticfiles"]["BACKEND"].endswith(".StaticFilesStorage")


def test_make_run_turns_debug_on_and_the_stack_gets_a_long_key(tmp_path):
    """scripts/run.py sets DJANGO_DEBUG=1 unless given; scripts/stack.py makes a key the
    production settings accept (its processes run with DEBUG off)."""
    import importlib.util
    import types

    from governance.settings import SECRET_KEY_MIN_LENGTH

    run_source = (ROOT / "scripts" / "run.py").read_text()
    assert 'os.environ.setdefault("DJANGO_DEBUG", "1")' in run_source
    spec = importlib.util.spec_from_file_location("governance_scripts_stack", ROOT / "scripts" / "stack.py")
    stack = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stack)
    key = stack.Stack.secret_key(types.SimpleNamespace(dir=tmp_path))
    assert len(key) >= SECRET_KEY_MIN_LENGTH
    assert stack.Stack.secret_key(types.SimpleNamespace(dir=tmp_path)) == key  # kept


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
