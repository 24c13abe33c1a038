"""Accounts from the agency's directory: a real OpenLDAP (tests/support/ldap_server.py) shaped
like Active Directory, the login page, and the nightly membership sync (governance.directory)."""

import datetime
import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from governance import directory, services, tasks
from governance.directory_settings import directory_settings
from governance.models import Membership
from governance.permissions import agency_roles_of, can
from governance.roles import AgencyRole, Capability, UnitRole
from governance.trail import case_events, verify_case
from tests.support.ldap_server import BASE, ldap_directory, needs_ldap  # noqa: F401 (a fixture)

pytestmark = [*needs_ldap, pytest.mark.django_db]

PLANNING_OU = f"OU=企劃推廣組,{BASE}"
READERS_OU = f"OU=閱覽典藏組,{BASE}"
GROUPS = f"OU=Groups,{BASE}"
# As an agency would set them (README: "Directory (Active Directory or LDAP)"). Spelled in
# another case on purpose: DNs compare without it.
UNIT_MAP = {
    PLANNING_OU.lower(): "planning",
    READERS_OU: "readers",
    f"CN=中山樓同仁,{GROUPS}": "chungshan",
}
ROLE_MAP = {
    f"CN=組室主管,{GROUPS}": "head",
    f"CN=連絡窗口,{GROUPS}": "liaison",
    f"CN=評審委員,{GROUPS}": "committee",
}


@pytest.fixture
def ldap(ldap_directory, settings, org):
    """The directory switched on as a deployment's environment would, with the demo units."""
    values = directory_settings(
        ldap_directory.env(
            LDAP_USERNAME_ATTR="sAMAccountName",
            LDAP_USER_FILTER="(&(objectClass=inetOrgPerson)(sAMAccountName=%(user)s))",
            LDAP_GROUP_BASE=GROUPS,
            LDAP_UNIT_MAP=json.dumps(UNIT_MAP, ensure_ascii=False),
            LDAP_ROLE_MAP=json.dumps(ROLE_MAP, ensure_ascii=False),
        )
    )
    for name, value in values.items():
        setattr(settings, name, value)
    backends = list(settings.AUTHENTICATION_BACKENDS)
    backends.insert(1, "governance.directory.DirectoryBackend")
    settings.AUTHENTICATION_BACKENDS = backends
    yield ldap_directory
    ldap_directory.reset()


def log_in(client, username, password, address="10.0.0.5"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def person(username):
    return get_user_model().objects.get(username=username)


def roles(username, day=None):
    """{(unit code, role)} of the person's memberships active on the day (today)."""
    memberships = Membership.objects.active_on(day or timezone.localdate()).filter(user__username=username)
    return {(m.unit.code, m.role) for m in memberships.select_related("unit")}


def test_login_with_the_directory_password_makes_the_person(ldap, client):
    assert log_in(client, "wang", "wang-directory-pw").status_code == 302
    wang = person("wang")
    assert (wang.full_name, wang.email, wang.job_title) == ("王雅婷", "wang@agency.example", "助理編輯")
    assert directory.normalize_dn(wang.directory_dn) == directory.normalize_dn(f"CN=王雅婷,{PLANNING_OU}")
    assert not wang.has_usable_password()  # the directory's password is never kept here
    # The unit from the OU, at the first login: no wait for the nightly sync.
    assert roles("wang") == {("planning", UnitRole.STAFF)}
    assert can(person("wang"), Capability.SUBMIT_FOR_UNIT, org_unit("planning"))
    # The home page opens.
    assert client.get(reverse("home"), follow=True).status_code == 200


def org_unit(code):
    from governance.models import Unit

    return Unit.objects.get(code=code)


def test_directory_changes_reach_the_person_at_the_next_login(ldap, client):
    log_in(client, "wang", "wang-directory-pw")
    client.logout()
    ldap.modify(
        f"dn: CN=王雅婷,{PLANNING_OU}\nchangetype: modify\nreplace: title\ntitle: 編輯\n"
        "-\nreplace: mail\nmail: yating.wang@agency.example\n"
    )
    assert log_in(client, "wang", "wang-directory-pw").status_code == 302
    wang = person("wang")
    assert (wang.job_title, wang.email) == ("編輯", "yating.wang@agency.example")


def test_wrong_directory_passwords_lock_out_as_local_ones_do(ldap, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "chen", "wrong").status_code == 200
    assert log_in(client, "chen", "wrong").status_code == 429
    # The right password is refused too now, from this address; elsewhere it works.
    assert log_in(client, "chen", "chen-directory-pw").status_code == 429
    assert log_in(client, "chen", "chen-directory-pw", address="10.0.0.6").status_code == 302


def test_groups_map_to_roles(ldap, client):
    for login in ("lin", "chen", "huang", "lo"):
        assert log_in(client, login, f"{login}-directory-pw").status_code == 302
        client.logout()
    assert roles("lin") == {("planning", UnitRole.HEAD)}
    assert can(person("lin"), Capability.REVIEW_UNIT_CASES, org_unit("planning"))
    assert roles("chen") == {("readers", UnitRole.LIAISON)}
    assert can(person("chen"), Capability.REPORT_UNIT_PROGRESS, org_unit("readers"))
    # 評審委員 holds 評審委員-館內, which holds huang: a nested group counts.
    assert roles("huang") == {("readers", UnitRole.STAFF)}
    assert agency_roles_of(person("huang")) == [AgencyRole.COMMITTEE]
    assert can(person("huang"), Capability.SCORE_PROPOSALS)
    # A unit from a group (中山樓同仁), the person's own OU mapping to none.
    assert roles("lo") == {("chungshan", UnitRole.STAFF)}


def test_the_nightly_sync_makes_people_the_directory_maps(ldap):
    tasks.sync_memberships()
    assert roles("wang") == {("planning", UnitRole.STAFF)}
    assert roles("lin") == {("planning", UnitRole.HEAD)}
    assert person("lin").full_name == "林志明"
    # Disabled in the directory: no account is made for them.
    assert not get_user_model().objects.filter(username="ma").exists()
    # Running it again changes nothing.
    before = Membership.objects.count()
    assert directory.sync_directory().changed == 0
    assert Membership.objects.count() == before


def yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


def test_a_move_between_units_follows_at_the_nightly_sync(ldap):
    directory.sync_directory(today=yesterday())  # the night before
    huang = person("huang")
    # Moved to 企劃推廣組 and made its liaison.
    ldap.modify(
        f"dn: CN=黃淑芬,{READERS_OU}\nchangetype: modrdn\nnewrdn: CN=黃淑芬\ndeleteoldrdn: 1\n"
        f"newsuperior: {PLANNING_OU}\n\n"
        f"dn: CN=連絡窗口,{GROUPS}\nchangetype: modify\nadd: member\nmember: CN=黃淑芬,{PLANNING_OU}\n\n"
        # Active Directory renames a moved person in their groups itself; OpenLDAP needs telling.
        f"dn: CN=評審委員-館內,{GROUPS}\nchangetype: modify\nreplace: member\nmember: CN=黃淑芬,{PLANNING_OU}\n"
    )
    tasks.sync_memberships()
    today = timezone.localdate()
    assert roles("huang") == {("planning", UnitRole.LIAISON)}
    huang = person("huang")
    assert directory.normalize_dn(huang.directory_dn) == directory.normalize_dn(f"CN=黃淑芬,{PLANNING_OU}")
    assert can(huang, Capability.REPORT_UNIT_PROGRESS, org_unit("planning"))
    assert not can(huang, Capability.VIEW_UNIT_CASES, org_unit("readers"))
    assert agency_roles_of(huang) == [AgencyRole.COMMITTEE]  # unchanged
    # The readers membership is ended (the day before), not deleted: history keeps it.
    ended = Membership.objects.get(user=huang, unit__code="readers")
    assert ended.valid_until == today - datetime.timedelta(days=1)
    assert roles("huang", day=today - datetime.timedelta(days=1)) == {("readers", UnitRole.STAFF)}
    # Each change is in the person's trail, by the system, and the chain holds.
    events = case_events(services.PERSON_KIND, services.person_trail_ref(huang))
    assert [e.action for e in events][-2:] == ["結束單位職務", "加入單位"]
    assert events[-1].actor is None and events[-1].actor_name == "系統"
    assert events[-1].to_state == "企劃推廣組 連絡窗口"
    assert verify_case(services.PERSON_KIND, services.person_trail_ref(huang)).ok


def test_people_who_leave_the_directory_lose_access_and_keep_their_records(ldap, client):
    directory.sync_directory(today=yesterday())  # their memberships began before today
    assert log_in(client, "chen", "chen-directory-pw").status_code == 302
    client.logout()
    assert log_in(client, "lin", "lin-directory-pw").status_code == 302
    client.logout()
    ldap.modify(
        f"dn: CN=陳怡君,{READERS_OU}\nchangetype: delete\n\n"
        f"dn: CN=林志明,{PLANNING_OU}\nchangetype: modify\nreplace: userAccountControl\nuserAccountControl: 514\n"
    )
    result = tasks.sync_memberships()
    assert result["directory"]["removed"] == 2
    for login in ("chen", "lin"):
        gone = person(login)  # kept
        assert not gone.is_active
        assert roles(login) == set()
        assert Membership.objects.filter(user=gone).exists()  # ended, not deleted
        assert log_in(client, login, f"{login}-directory-pw").status_code == 200  # the form again
    # A disabled account is refused at the login, even before a sync has run.
    assert log_in(client, "ma", "ma-directory-pw").status_code == 200
    # Back in the directory: back in.
    ldap.modify(
        f"dn: CN=林志明,{PLANNING_OU}\nchangetype: modify\nreplace: userAccountControl\nuserAccountControl: 512\n"
    )
    directory.sync_directory()
    assert person("lin").is_active and roles("lin") == {("planning", UnitRole.HEAD)}
    # The personal-data access log has each step, by the system: made (activated), placed,
    # deactivated, the head role ended, back (activated), placed again.
    from governance.models import PersonalDataAccess

    Action = PersonalDataAccess.Action
    logged = PersonalDataAccess.objects.filter(subject=person("lin")).order_by("sequence")
    assert [r.action for r in logged] == [
        Action.ACTIVATED,
        Action.MEMBERSHIP_ADDED,
        Action.DEACTIVATED,
        Action.MEMBERSHIP_ENDED,
        Action.ACTIVATED,
        Action.MEMBERSHIP_ADDED,
    ]
    assert all(r.actor is None and r.actor_name == "系統" and "依目錄同步" in r.detail for r in logged)


def test_local_accounts_still_log_in_and_the_sync_leaves_them_alone(ldap, client, demo_password):
    admin = person("admin")
    external = person("external1")
    before = {login: roles(login) for login in ("admin", "external1", "readers-staff1")}
    # The directory's "admin" shares the administrator's login: its password does not open it.
    assert log_in(client, "admin", "admin-directory-pw").status_code == 200
    assert log_in(client, "admin", demo_password).status_code == 302
    client.logout()
    assert log_in(client, "external1", demo_password).status_code == 302
    directory.sync_directory()
    for login, held in before.items():
        assert roles(login) == held
        assert person(login).is_active and person(login).directory_dn == ""
    assert agency_roles_of(person("admin")) == agency_roles_of(admin)
    assert agency_roles_of(person("external1")) == agency_roles_of(external)


def test_local_accounts_log_in_while_the_directory_is_down(ldap, client, settings, demo_password):
    settings.AUTH_LDAP_SERVER_URI = "ldap://127.0.0.1:9"  # nothing listens there
    assert log_in(client, "wang", "wang-directory-pw").status_code == 200
    assert log_in(client, "admin", demo_password).status_code == 302


def test_the_administrator_sees_where_an_account_comes_from(ldap, client, demo_password):
    directory.sync_directory()
    log_in(client, "admin", demo_password)
    page = client.get(reverse("admin:governance_user_change", args=[person("wang").pk]))
    assert page.status_code == 200
    assert "ou=企劃推廣組" in page.content.decode().lower()


def test_the_sync_runs_by_hand(ldap):
    out = StringIO()
    call_command("sync_directory", stdout=out)
    assert "created 5" in out.getvalue()  # wang, lin, huang, chen, lo; not ma (disabled) nor admin


def test_without_a_unit_map_memberships_stay_as_the_administrator_sets_them(ldap, client, settings):
    """A site that takes only the passwords (and perhaps roles) from its directory."""
    settings.LDAP_UNIT_MAP = {}
    admin, wang = person("admin"), get_user_model().objects.create(username="wang")
    wang.set_unusable_password()
    wang.save()
    services.add_membership(actor=admin, user=wang, unit=org_unit("accounting"), role=UnitRole.LIAISON)
    assert log_in(client, "wang", "wang-directory-pw").status_code == 302
    directory.sync_directory()
    assert roles("wang") == {("accounting", UnitRole.LIAISON)}
    assert person("wang").full_name == "王雅婷"  # the rest still follows the directory


def test_moves_back_and_forth_within_a_day_never_stop_a_login(ldap, client):
    """A membership begun today cannot end before today: moved there and back again the same
    day, the person still logs in, and logging in again adds nothing to the trail."""

    def move(frm, to):
        ldap.modify(
            f"dn: CN=王雅婷,{frm}\nchangetype: modrdn\nnewrdn: CN=王雅婷\ndeleteoldrdn: 1\nnewsuperior: {to}\n"
        )
        assert log_in(client, "wang", "wang-directory-pw").status_code == 302
        client.logout()

    assert log_in(client, "wang", "wang-directory-pw").status_code == 302
    client.logout()
    move(PLANNING_OU, READERS_OU)
    move(READERS_OU, PLANNING_OU)
    ref = services.person_trail_ref(person("wang"))
    count = len(case_events(services.PERSON_KIND, ref))
    assert log_in(client, "wang", "wang-directory-pw").status_code == 302
    assert len(case_events(services.PERSON_KIND, ref)) == count
    # Tomorrow night's sync: planning only, as the directory says.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    directory.sync_directory(today=tomorrow)
    assert roles("wang", day=tomorrow) == {("planning", UnitRole.STAFF)}


def test_a_directory_that_lists_nobody_removes_nobody(ldap, settings):
    directory.sync_directory()
    settings.LDAP_USER_BASE = GROUPS  # a mistake: no people there
    with pytest.raises(directory.DirectoryEmpty):
        directory.sync_directory()
    assert person("wang").is_active and roles("wang") == {("planning", UnitRole.STAFF)}
