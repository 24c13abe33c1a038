"""The apps import one another in one direction only (docs/architecture.md).

Every module of every app is parsed (not imported) and each of its imports of a project app
is checked against the layers: an app imports its own layer's core and the layers below it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# app → the apps it may import (itself always).
MAY_IMPORT = {
    "governance": set(),
    "plan": {"governance"},
    "proposals": {"governance", "plan"},
    "audits": {"governance", "plan"},
    "meetings": {"governance", "plan", "proposals", "audits"},
    "evidence": {"governance", "plan", "proposals", "audits"},
    "dashboard": {"governance", "plan", "proposals", "audits", "meetings", "evidence"},
}
APPS = set(MAY_IMPORT)


def modules():
    for app in sorted(APPS):
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


def imported_apps(source, package):
    """(line, app imported) for each import of a project app in a module's `source`;
    `package` is the module's package as a list (["governance", "templatetags"])."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: within the module's own package, so its own app
                base = package[: len(package) - node.level + 1]
                names = [".".join([*base, node.module] if node.module else base)]
            else:
                names = [node.module or ""]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in APPS:
                yield node.lineno, top


def package_of(path):
    return list(path.relative_to(ROOT).with_suffix("").parts[:-1])


def test_every_app_is_checked():
    found = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()}
    assert found == APPS, "a new app needs its place in MAY_IMPORT and docs/architecture.md"


@pytest.mark.parametrize(("app", "path"), list(modules()), ids=lambda v: str(v) if isinstance(v, str) else "")
def test_imports_point_one_way(app, path):
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {other}"
        for line, other in imported_apps(path.read_text(encoding="utf-8"), package_of(path))
        if other != app and other not in MAY_IMPORT[app]
    ]
    assert not wrong, "imports against the direction of docs/architecture.md:\n" + "\n".join(wrong)


def test_the_walker_sees_absolute_relative_and_nested_imports():
    source = "import audits.models\nfrom proposals import selectors\nfrom .models import Unit\nfrom .. import roles\n"
    found = list(imported_apps(source, ["governance", "templatetags"]))
    assert found == [(1, "audits"), (2, "proposals"), (3, "governance"), (4, "governance")]


def test_a_function_level_import_is_seen_too():
    source = "def f():\n    from dashboard import selectors\n"
    assert list(imported_apps(source, ["governance"])) == [(2, "dashboard")]
