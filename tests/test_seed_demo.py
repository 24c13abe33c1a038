"""`seed_demo` loads the organisation of the plan and changes nothing when run again."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from guardian.models import UserObjectPermission

from governance.demo import DEMO_PASSWORD, demo_logins
from governance.models import Membership, Unit

pytestmark = pytest.mark.django_db


def snapshot():
    User = get_user_model()
    return {
        "units": list(Unit.objects.values_list("code", "name", "short_name", "kind", "valid_from")),
        "users": list(User.objects.order_by("username").values_list("username", "full_name", "password", "is_staff", "is_superuser")),
        "memberships": list(Membership.objects.order_by("pk").values_list("user__username", "unit__code", "role", "valid_from")),
        "groups": sorted((g.name, sorted(g.user_set.values_list("username", flat=True)), g.permissions.count()) for g in Group.objects.all()),
        "object_perms": sorted(UserObjectPermission.objects.values_list("user__username", "permission__codename", "object_pk")),
    }


def test_seed_is_idempotent(capsys):
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out and "planning-head" in out and "director" in out


def test_seed_has_the_eight_units_and_the_people(capsys):
    call_command("seed_demo", "--quiet")
    assert list(Unit.objects.values_list("name", flat=True)) == [
        "企劃推廣組", "採訪編目組", "閱覽典藏組", "參考特藏組",
        "秘書室", "會計室", "人事室", "陽明山中山樓管理所",
    ]
    for unit in Unit.objects.all():
        roles = sorted(Membership.objects.filter(unit=unit, user__username__startswith=unit.code).values_list("role", flat=True))
        assert roles == ["head", "liaison", "staff", "staff"], unit
    logins = {login for login, _, _ in demo_logins()}
    assert logins == set(get_user_model().objects.values_list("username", flat=True))
    assert {"director", "deputy", "tracking", "hr", "committee1", "committee2", "external1", "auditor", "admin"} <= logins
    assert not get_user_model().objects.filter(is_superuser=True).exists()


def test_readme_lists_every_demo_login():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for login, name, _ in demo_logins():
        assert f"`{login}`" in readme and name in readme, login
