"""Who oversees every unit's work (the director, the deputy, the 管考 office) is said once,
in governance.permissions.is_overseer; every page that admits them asks it."""

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from dashboard.selectors import may_view_dashboard, scope_of
from dashboard.tracking_report import may_download_tracking_report
from governance.permissions import can, can_anywhere, is_overseer
from governance.roles import Capability
from meetings.documents import may_download_plan_documents
from plan.practice_reports import may_see_all
from plan.templatetags.plan_menu import plan_menu

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = ("governance", "plan", "proposals", "audits", "meetings", "evidence", "dashboard")

# Every demo person: the agency roles, then the unit roles (docs/domain.md, 「角色」).
OVERSEERS = ("director", "deputy", "tracking")
OTHERS = (
    "hr",
    "committee1",
    "external1",
    "auditor",
    "admin",
    "readers-head",
    "readers-liaison",
    "readers-staff1",
)


@pytest.mark.parametrize("login", OVERSEERS + OTHERS)
def test_the_director_the_deputy_and_the_tracking_office_oversee_and_no_one_else(person, login):
    assert is_overseer(person(login)) == (login in OVERSEERS)


def test_nobody_logged_out_oversees():
    assert not is_overseer(AnonymousUser())
    assert not is_overseer(None)


@pytest.mark.parametrize("login", OVERSEERS + OTHERS)
def test_each_page_of_the_overseers_admits_exactly_them_plus_its_own_extra(person, login, rf):
    user = person(login)
    overseer = is_overseer(user)
    assert may_download_plan_documents(user) == overseer
    assert may_download_tracking_report(user) == (overseer or can(user, Capability.READ_TRAILS))
    assert may_see_all(user) == (overseer or can(user, Capability.VIEW_UNIT_CASES))
    assert may_view_dashboard(user) == (overseer or can_anywhere(user, Capability.REVIEW_UNIT_CASES))
    scope = scope_of(user)
    assert (scope is not None and scope.agency) == overseer
    request = rf.get("/")
    request.user = user
    assert plan_menu({"request": request}).get("quarter", False) == overseer


def _capability(node):
    """The Capability member a `Capability.X` expression names, else None."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Capability":
        return node.attr
    return None


def _capabilities_or_ed(node):
    """The capabilities of the `can(…, Capability.X…)` calls joined by one `or`."""
    found = set()
    for value in node.values:
        if isinstance(value, ast.Call) and getattr(value.func, "id", None) == "can" and len(value.args) >= 2:
            name = _capability(value.args[1])
            if name:
                found.add(name)
    return found


def test_the_rule_is_written_out_nowhere_else():
    """A new `can(DECIDE_FOR_AGENCY) or can(MANAGE_TRACKING)` would split the rule again."""
    home = ROOT / "governance" / "permissions.py"
    offenders = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if path == home or "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
                    if {"DECIDE_FOR_AGENCY", "MANAGE_TRACKING"} <= _capabilities_or_ed(node):
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == [], "use governance.permissions.is_overseer"
