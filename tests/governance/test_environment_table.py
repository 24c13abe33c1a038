"""Every environment variable the project reads is in the README's configuration table.

The settings are read from the environment only, so the table is the whole of what an
operator can set. The variables are found in the source (ast): the names passed to
os.environ.get / os.getenv / os.environ[...] / os.environ.setdefault / `in os.environ` and to
the settings' helpers env_bool, env_list and scripts/stack.py's env_int, in governance/, the
apps, scripts/ and manage.py.

Not looked at: tests/ and bench/. Their variables (EMAIL_FILE_PATH, STACK_TEST_START_TIMEOUT,
the benchmarks' own) tune the test and benchmark runs, not an installation.
"""

import ast
import re

from tests.helpers import ROOT

SOURCES = [
    "governance",
    "plan",
    "proposals",
    "audits",
    "meetings",
    "evidence",
    "dashboard",
    "scripts",
    "manage.py",
]
ENV_HELPERS = {"env_bool", "env_list", "env_int"}
# Read by Django itself, chosen by the entry points (manage.py, wsgi.py, celery.py) and by
# the scripts: not the operator's to set.
NOT_CONFIGURATION = {"DJANGO_SETTINGS_MODULE": "which settings module Django loads"}


def is_os_environ(node):
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def constant_name(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def names_read(tree):
    """The variable names a module reads from the environment (constant names only)."""
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr in {"get", "setdefault"}
                and is_os_environ(func.value)
            ):
                name = constant_name(node.args[0])
            elif (
                isinstance(func, ast.Attribute)
                and func.attr == "getenv"
                and isinstance(func.value, ast.Name)
                and func.value.id == "os"
            ):
                name = constant_name(node.args[0])
            elif isinstance(func, ast.Name) and func.id in ENV_HELPERS:
                name = constant_name(node.args[0])
        elif isinstance(node, ast.Subscript) and is_os_environ(node.value):
            name = constant_name(node.slice)
        elif (
            isinstance(node, ast.Compare)
            and len(node.ops) == 1
            and isinstance(node.ops[0], (ast.In, ast.NotIn))
            and is_os_environ(node.comparators[0])
        ):
            name = constant_name(node.left)
        if name:
            yield name, node.lineno


def variables_in_the_code():
    found = {}
    for source in SOURCES:
        path = ROOT / source
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for file in files:
            if "migrations" in file.parts:
                continue
            tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
            for name, line in names_read(tree):
                found.setdefault(name, []).append(f"{file.relative_to(ROOT)}:{line}")
    return found


def readme_table_names(heading):
    """The `NAME` entries of the first column of the table under a README heading."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(heading)
    names = set()
    in_table = False
    for line in text[start:].splitlines()[1:]:
        if line.startswith("#"):
            break
        if line.startswith("| variable |"):
            in_table = True
            continue
        if in_table and not line.startswith("|"):
            break
        if in_table:
            first_column = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_column))
    return names


CONFIGURATION = "## Configuration: environment variables only"
# `make stack`'s own variables have their table in the stack's section.
STACK = "## 完整服務組合 `make stack`"


def test_the_code_reads_variables_and_the_readme_has_tables():
    found = variables_in_the_code()
    assert {"SECRET_KEY", "DJANGO_DEBUG", "DATABASE_URL", "STACK_PORT", "LOG_FORMAT"} <= set(found)
    assert {"SECRET_KEY", "DJANGO_DEBUG"} <= readme_table_names(CONFIGURATION)
    assert "STACK_PORT" in readme_table_names(STACK)


def test_every_variable_read_is_in_the_readme():
    documented = readme_table_names(CONFIGURATION)
    stack_documented = readme_table_names(STACK)
    missing = []
    for name, places in sorted(variables_in_the_code().items()):
        if name in NOT_CONFIGURATION or name in documented:
            continue
        only_the_stack = all(place.startswith("scripts/stack.py:") for place in places)
        if only_the_stack and name in stack_documented:
            continue
        missing.append(f"{name} (read at {', '.join(places)})")
    assert not missing, (
        "read from the environment but not in README.md's configuration table:\n  " + "\n  ".join(missing)
    )


def test_every_variable_in_the_table_is_read():
    """A row for a variable nothing reads any more misleads whoever sets it."""
    found = set(variables_in_the_code())
    stale = sorted((readme_table_names(CONFIGURATION) | readme_table_names(STACK)) - found)
    assert not stale, f"in README.md but read nowhere: {stale}"
