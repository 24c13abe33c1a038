"""The README's systemd units (### Several machines) run what `make stack` runs.

scripts/stack.py's app_commands is the one definition; the units in the README are copies a
person reads and pastes, so this holds them to it: the same program and arguments, except the
paths, the address and the numbers (workers, timeouts), which are each machine's own.
"""

import importlib.util
import re
import shlex

import pytest

from tests.helpers import ROOT

# The unit file named in the comment above each example -> the stack's process of that name.
UNITS = {
    "governance-web.service": "gunicorn",
    "governance-worker.service": "celery-worker",
    "governance-beat.service": "celery-beat",
}
REQUIRED = ("User=", "WorkingDirectory=", "EnvironmentFile=", "Restart=", "ExecStart=")


def load_stack():
    spec = importlib.util.spec_from_file_location("governance_scripts_stack", ROOT / "scripts" / "stack.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def several_machines_section():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("### Several machines")
    end = text.index("\n## ", start)
    return text[start:end]


def readme_units():
    """{unit file name: its lines}, continuation lines (ending in a backslash) joined."""
    units, current = {}, None
    lines = iter(several_machines_section().splitlines())
    for line in lines:
        if not line.strip():  # a blank line inside or after a code block
            continue
        if not line.startswith("    "):  # text: the end of an indented code block
            current = None
            continue
        line = line[4:]
        named = re.fullmatch(r"# /etc/systemd/system/(\S+\.service)", line)
        if named:
            current = units.setdefault(named[1], [])
            continue
        if current is None:
            continue
        while line.endswith("\\"):
            line = line[:-1].rstrip() + " " + next(lines).strip()
        current.append(line)
    return units


def normalized(command):
    """Program and arguments, each machine's own values replaced by what they stand for."""
    program, *arguments = command
    words = ["<python>" if re.fullmatch(r"python[\d.]*", program.rsplit("/", 1)[-1]) else program]
    for word in arguments:
        if re.fullmatch(r"[\d.:]+", word):  # a number, an address:port
            words.append("<number>")
        elif word.startswith("/"):
            words.append("<path>")
        else:
            words.append(word)
    return words


def stack_commands():
    return load_stack().app_commands(
        "/usr/bin/python3",
        bind="127.0.0.1:8000",
        web_workers=3,
        graceful_timeout=25,
        schedule="/tmp/data/stack/celerybeat-schedule",
    )


def test_the_readme_has_a_unit_for_each_process_of_the_stack():
    assert set(readme_units()) == set(UNITS)
    assert set(UNITS.values()) == set(load_stack().APP_CHILDREN)


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_each_unit_names_its_user_folder_environment_and_restart(unit):
    lines = readme_units()[unit]
    for key in REQUIRED:
        assert [line for line in lines if line.startswith(key)], f"{unit} has no {key}"
    [environment_file] = [line for line in lines if line.startswith("EnvironmentFile=")]
    assert environment_file == "EnvironmentFile=/etc/governance/governance.env"


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_each_unit_runs_the_command_the_stack_runs(unit):
    [exec_start] = [line for line in readme_units()[unit] if line.startswith("ExecStart=")]
    readme = shlex.split(exec_start.removeprefix("ExecStart="))
    assert normalized(readme) == normalized(stack_commands()[UNITS[unit]]), (
        f"the README's {unit} and scripts/stack.py ({UNITS[unit]}) differ:\n"
        f"  README: {shlex.join(readme)}\n  stack:  {shlex.join(stack_commands()[UNITS[unit]])}"
    )


def test_a_changed_argument_is_noticed():
    """The comparison is not blind: an option the stack does not pass shows."""
    command = stack_commands()["celery-worker"]
    assert normalized([*command, "--autoscale=8,2"]) != normalized(command)
    assert normalized([c.replace("prefork", "solo") for c in command]) != normalized(command)
