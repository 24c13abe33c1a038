"""The personal-data access log (個資存取紀錄, governance.access_log): every read of a person's
evidence and rewards and every change of their roles is one record, once per request, in one
hash chain that verifies and shows tampering; who may read it; separation of duties in the admin
and on the evidence and reward pages."""

import datetime
import importlib
import io

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from evidence.models import EvidenceBatch
from governance import access_log, services
from governance.access_log import Action, verify_access_log
from governance.models import Membership, PersonalDataAccess, Unit
from governance.roles import AgencyRole, UnitRole, group_name
from tests.helpers import READERS, admin_user_form, read_csv

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 10, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture
def proposal(frozen, closed_proposal, client):
    """Closed at NOW: readers-staff1 with readers-staff2 (40 %); nobody logged in."""
    client.logout()
    return closed_proposal


def records(**filters):
    return list(PersonalDataAccess.objects.filter(**filters).order_by("sequence"))


def superuser(person, login="admin"):
    """The demo administrator made a superuser (through the command, as it must be)."""
    call_command("grant_superuser", login, reason="測試", stdout=io.StringIO())
    return person(login)


# ---------------------------------------------------------------- reads, once per request


def test_own_evidence_page_is_one_record_with_origin_and_request_id(org, client, person):
    staff = person("readers-staff1")
    client.force_login(staff)
    response = client.get(reverse("evidence:mine") + "?year=115", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    (record,) = records()
    assert (record.actor, record.subject, record.action) == (staff, staff, Action.EVIDENCE_PAGE)
    assert record.ip_address == "10.1.2.3" and record.detail == "期間 115"
    assert record.request_id == response["X-Request-ID"]
    assert record.subject_name == "許志偉（readers-staff1）"
    assert "誰查閱了我的考績佐證與獎勵" in response.content.decode()


def test_origin_follows_the_login_lockouts_client_address(org, person, settings):
    """The address django-axes would lock out (whatever its settings say: here a proxy's header
    through AXES_CLIENT_IP_CALLABLE, else REMOTE_ADDR); IPv6 in one spelling, so the chain
    verifies on any database."""
    hr, staff = person("hr"), person("readers-staff1")
    settings.AXES_CLIENT_IP_CALLABLE = lambda request: request.META["HTTP_X_REAL_IP"]
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.7")
    request.user = hr
    (record,) = access_log.record_reads(request, Action.EVIDENCE_PDF, [staff])
    assert record.ip_address == "203.0.113.7"
    settings.AXES_CLIENT_IP_CALLABLE = None
    request = RequestFactory().get("/", REMOTE_ADDR="2001:0DB8:0000::0001")
    request.user = hr
    (record,) = access_log.record_reads(request, Action.EVIDENCE_PDF, [staff])
    assert record.ip_address == "2001:db8::1"
    assert PersonalDataAccess.objects.get(pk=record.pk).ip_address == "2001:db8::1"
    assert verify_access_log().ok


def test_hr_pdf_is_one_record_and_a_refusal_none(proposal, client, person):
    staff2, hr = person("readers-staff2"), person("hr")
    url = reverse("evidence:pdf", args=[staff2.pk]) + "?year=115"
    client.force_login(person("readers-head"))  # a unit head reads no staff member's evidence
    assert client.get(url).status_code == 403
    assert records() == []
    client.force_login(hr)
    assert client.get(url).status_code == 200
    (record,) = records()
    assert (record.actor, record.subject, record.action) == (hr, staff2, Action.EVIDENCE_PDF)


def test_a_read_asked_twice_in_one_request_is_one_record(org, person):
    hr, staff = person("hr"), person("readers-staff1")
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9")
    request.user = hr
    access_log.record_reads(request, Action.EVIDENCE_PDF, [staff, staff], detail="期間 115")
    access_log.record_reads(request, Action.EVIDENCE_PDF, [staff], detail="期間 115")
    assert len(records()) == 1
    # Another request is another read.
    again = RequestFactory().get("/")
    again.user = hr
    access_log.record_reads(again, Action.EVIDENCE_PDF, [staff], detail="期間 115")
    assert len(records()) == 2


def test_batch_zip_is_one_record_per_person_in_it(
    proposal, client, person, django_capture_on_commit_callbacks
):
    hr = person("hr")
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("evidence:batch_start"), {"year": "115", "unit": "readers", "submission_token": "t1"}
        )
    batch = EvidenceBatch.objects.get()
    assert records() == []  # making the PDFs is not reading them
    for download in (1, 2):
        response = client.get(reverse("evidence:batch_zip", args=[batch.pk]))
        assert response.status_code == 200
        b"".join(response.streaming_content)
        assert len(records(action=Action.EVIDENCE_BATCH_ZIP)) == 4 * download
    assert {r.subject.username for r in records()} == set(READERS)
    assert all(r.actor == hr and r.detail.startswith(f"批次 {batch.pk}") for r in records())


def test_hr_list_records_each_person_listed(proposal, client, person):
    client.force_login(person("hr"))
    assert client.get(reverse("evidence:index") + "?year=115&unit=readers").status_code == 200
    assert sorted(r.subject.username for r in records(action=Action.EVIDENCE_LIST)) == sorted(READERS)


def test_a_lists_reads_are_one_append_whatever_their_number(org, person):
    """One request's reads take the head's lock once and are one INSERT (the hashes are
    chained in Python under the lock), so a list of 40 people costs what a list of 3 does;
    the chain still verifies, in the order the people were given."""
    from django.contrib.auth import get_user_model
    from django.test.utils import CaptureQueriesContext

    people = list(get_user_model().objects.order_by("username"))
    assert len(people) >= 40
    queries = {}
    for size in (1, 3, 40):  # the first read ever makes the head row: not counted
        request = RequestFactory().get("/")
        request.user = person("hr")
        with CaptureQueriesContext(connection) as captured:
            access_log.record_reads(request, Action.EVIDENCE_LIST, people[:size], detail="期間 115")
        queries[size] = [q["sql"].split()[0] for q in captured]
    assert queries[3] == queries[40]
    assert queries[40].count("INSERT") == 1
    listed = records(action=Action.EVIDENCE_LIST)
    assert [r.subject_id for r in listed] == [p.pk for p in people[:1] + people[:3] + people[:40]]
    check = verify_access_log()
    assert check.ok and check.records == 44, check.describe()


def test_rewards_on_the_proposal_page(proposal, client, person):
    url = reverse("proposals:detail", args=[proposal.pk])
    # HR: everyone's reward shown, one record per person.
    client.force_login(person("hr"))
    page = client.get(url).content.decode()
    assert "40%" in page and "鄭雅雯" in page
    hr_reads = records(action=Action.REWARD_VIEW)
    assert sorted(r.subject.username for r in hr_reads) == ["readers-staff1", "readers-staff2"]
    assert hr_reads[0].detail == f"提案 {proposal.case_number}"
    # A co-proposer: their own reward only.
    client.force_login(person("readers-staff2"))
    page = client.get(url).content.decode()
    rewards_section = page[page.index('id="rewards"') :]
    assert "鄭雅雯" in rewards_section and "許志偉" not in rewards_section.split("</table>")[0]
    assert records(actor=person("readers-staff2"))[0].subject == person("readers-staff2")
    # A supporting unit's staff: the case, but no rewards and nothing logged; the closure's
    # event in the history does not list them either.
    proposal.supporting_units.add(Unit.objects.get(code="planning"))
    before = PersonalDataAccess.objects.count()
    client.force_login(person("planning-staff1"))
    page = client.get(url).content.decode()
    assert 'id="rewards"' not in page and "獎金 " not in page.split('id="history"')[1]
    assert PersonalDataAccess.objects.count() == before


def test_rewards_export_is_one_record_per_person(proposal, client, person):
    client.force_login(person("hr"))
    rows = read_csv(client.get(reverse("proposals:rewards_export") + "?year=115&format=csv"))
    assert len(rows) == 3
    assert sorted(r.subject.username for r in records(action=Action.REWARD_EXPORT)) == [
        "readers-staff1",
        "readers-staff2",
    ]
    # A format refused sends nobody's data and logs nothing.
    assert client.get(reverse("proposals:rewards_export") + "?year=115&format=pdf").status_code == 400
    assert len(records(action=Action.REWARD_EXPORT)) == 2


# ---------------------------------------------------------------- separation of duties


def test_a_superuser_without_hr_reads_no_evidence_nor_rewards(proposal, client, person):
    admin = superuser(person)
    client.force_login(admin)
    staff2 = person("readers-staff2")
    assert client.get(reverse("evidence:pdf", args=[staff2.pk]) + "?year=115").status_code == 403
    assert client.get(reverse("evidence:index")).status_code == 302  # to their own
    assert client.get(reverse("proposals:rewards_export") + "?format=csv").status_code == 403
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert 'id="rewards"' not in page
    assert client.get(reverse("access_log:index")).status_code == 403
    assert records(actor=admin) == []


def test_grant_superuser_needs_a_reason_and_is_recorded(org, person):
    with pytest.raises(CommandError):
        call_command("grant_superuser", "readers-staff1", reason=" ", stdout=io.StringIO())
    call_command("grant_superuser", "readers-staff1", reason="簽奉核可 1150001", stdout=io.StringIO())
    staff = person("readers-staff1")
    assert staff.is_superuser and staff.is_staff
    granted = records(subject=staff)
    assert [r.action for r in granted] == [Action.STAFF_GRANTED, Action.SUPERUSER_GRANTED]
    record = granted[1]
    assert record.actor is None and record.detail == "簽奉核可 1150001"
    assert record.actor_name.startswith("管理指令 grant_superuser")
    call_command("grant_superuser", "readers-staff1", reason="任務結束", revoke=True, stdout=io.StringIO())
    staff = person("readers-staff1")
    assert not staff.is_superuser and not staff.is_staff
    assert [r.action for r in records(subject=staff)][-2:] == [Action.STAFF_REVOKED, Action.SUPERUSER_REVOKED]


def test_admin_cannot_tick_superuser_on_anyone(org, client, person):
    client.force_login(person("admin"))
    staff = person("readers-staff1")
    url = reverse("admin:governance_user_change", args=[staff.pk])
    assert client.post(url, admin_user_form(staff, is_superuser=True)).status_code == 403
    assert not person("readers-staff1").is_superuser
    admin = person("admin")
    own = reverse("admin:governance_user_change", args=[admin.pk])
    assert client.post(own, admin_user_form(admin, is_superuser=True)).status_code == 403
    assert not person("admin").is_superuser
    # Nor is it offered: the field is shown read-only.
    assert 'name="is_superuser"' not in client.get(url).content.decode()


def test_admin_cannot_give_themselves_roles(org, client, person):
    admin = person("admin")
    client.force_login(admin)
    hr_group = Group.objects.get(name=group_name(AgencyRole.HR))
    own = reverse("admin:governance_user_change", args=[admin.pk])
    data = admin_user_form(admin)
    data["groups"] = [*data["groups"], str(hr_group.pk)]
    assert client.post(own, data).status_code == 403
    assert not person("admin").groups.filter(pk=hr_group.pk).exists()
    add = reverse("admin:governance_membership_add")
    readers = Unit.objects.get(code="readers")
    membership = {"user": admin.pk, "unit": readers.pk, "role": UnitRole.HEAD, "valid_from": "2026-01-01"}
    assert client.post(add, membership).status_code == 403
    assert not Membership.objects.filter(user=admin).exists()
    with pytest.raises(PermissionDenied):
        services.add_membership(actor=admin, user=admin, unit=readers, role=UnitRole.HEAD)
    with pytest.raises(PermissionDenied):
        services.set_agency_roles(actor=admin, user=admin, roles=[AgencyRole.HR])


def test_admin_changes_of_others_are_recorded(org, client, person):
    admin, staff = person("admin"), person("readers-staff1")
    client.force_login(admin)
    url = reverse("admin:governance_user_change", args=[staff.pk])
    hr_group = Group.objects.get(name=group_name(AgencyRole.HR))
    data = admin_user_form(staff, is_active=False)
    data["groups"] = [*data["groups"], str(hr_group.pk)]
    response = client.post(url, data, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 302, response.content.decode()[:2000]
    changes = {r.action: r for r in records(subject=staff)}
    assert set(changes) == {Action.DEACTIVATED, Action.AGENCY_ROLES_CHANGED}
    assert changes[Action.AGENCY_ROLES_CHANGED].detail.startswith("無 → 人事室")
    assert all(r.actor == admin and r.ip_address == "10.9.8.7" for r in changes.values())
    add = reverse("admin:governance_membership_add")
    planning = Unit.objects.get(code="planning")
    response = client.post(
        add, {"user": staff.pk, "unit": planning.pk, "role": UnitRole.LIAISON, "valid_from": "2026-01-01"}
    )
    assert response.status_code == 302
    assert records(subject=staff)[-1].action == Action.MEMBERSHIP_ADDED
    # A new account made in the admin is an account activated.
    response = client.post(
        reverse("admin:governance_user_add"), {"username": "new-colleague", "usable_password": "false"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [r.action for r in records(subject=person("new-colleague"))] == [Action.ACTIVATED]


def test_service_changes_are_recorded(org, person):
    admin, staff = person("admin"), person("planning-staff2")
    membership = services.add_membership(
        actor=admin, user=staff, unit=Unit.objects.get(code="readers"), role=UnitRole.HEAD
    )
    services.end_membership(actor=admin, membership=membership)
    services.set_agency_roles(actor=admin, user=staff, roles=[AgencyRole.COMMITTEE])
    assert [r.action for r in records(subject=staff)] == [
        Action.MEMBERSHIP_ADDED,
        Action.MEMBERSHIP_ENDED,
        Action.AGENCY_ROLES_CHANGED,
    ]
    assert records(subject=staff)[0].detail.startswith("閱覽典藏組 組室主管")


# ---------------------------------------------------------------- the chain


def _some_records(person):
    hr = person("hr")
    for login in READERS:
        request = RequestFactory().get("/")
        request.user = hr
        access_log.record_reads(request, Action.EVIDENCE_PDF, [person(login)], detail="期間 115")


def test_the_chain_verifies(org, person):
    assert verify_access_log().ok
    _some_records(person)
    check = verify_access_log()
    assert check.ok and check.records == 4
    out = io.StringIO()
    call_command("verify_access_log", stdout=out)
    assert "共 4 筆，驗證無誤" in out.getvalue()
    # Append-only through the ORM.
    record = records()[0]
    with pytest.raises(Exception, match="只能新增"):
        record.save()
    with pytest.raises(Exception, match="只能新增"):
        PersonalDataAccess.objects.all().delete()


def _raw(sql, params=()):
    """Raw SQL as an attacker holding the database's owner would run it: on PostgreSQL the
    append-only triggers (governance migration 0021) are dropped first (rolled back with the test)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            migration = importlib.import_module("governance.migrations.0021_personal_data_access")
            cursor.execute(migration.DROP_TRIGGERS_SQL)
        cursor.execute(sql, params)


@pytest.mark.postgres
def test_postgresql_refuses_to_rewrite_the_log(org, person):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no such triggers")
    _some_records(person)
    table, head = PersonalDataAccess._meta.db_table, "governance_personaldataaccesshead"
    for statement in (
        f"UPDATE {table} SET detail = 'x' WHERE sequence = 2",
        f"DELETE FROM {table} WHERE sequence = 4",
        f"DELETE FROM {head}",
        f"UPDATE {head} SET last_sequence = 3",
        f"UPDATE {head} SET last_sequence = 5, last_hash = 'f'",
    ):
        with pytest.raises(DatabaseError, match="access log|append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
    assert verify_access_log().ok


def test_a_tampered_record_is_found(org, person):
    _some_records(person)
    second = records()[1]
    _raw(f"UPDATE {PersonalDataAccess._meta.db_table} SET detail = %s WHERE id = %s", ["期間 114", second.pk])
    check = verify_access_log()
    assert not check.ok and check.broken_sequence == 2 and "內容" in check.reason
    with pytest.raises(CommandError, match="第 2 筆"):
        call_command("verify_access_log", stdout=io.StringIO())


def test_a_deleted_record_or_tail_is_found(org, person):
    _some_records(person)
    table = PersonalDataAccess._meta.db_table
    last = records()[-1]
    _raw(f"DELETE FROM {table} WHERE id = %s", [last.pk])
    check = verify_access_log()
    assert not check.ok and check.broken_sequence == 4 and "尾端" in check.reason
    _raw(f"DELETE FROM {table} WHERE id = %s", [records()[1].pk])
    check = verify_access_log()
    assert not check.ok and check.broken_sequence == 2


# ---------------------------------------------------------------- reading the log


def shown(response):
    """The rows of the page's log table (the filter's list of actions is not counted)."""
    page = response.content.decode()
    start = page.find('<caption class="gov-skip">個資存取紀錄</caption>')
    return page[start : page.index("</table>", start)] if start >= 0 else ""


def test_auditor_reads_and_exports_the_log_with_filters(org, client, person):
    _some_records(person)
    client.force_login(person("auditor"))
    index = reverse("access_log:index")
    assert shown(client.get(index)).count("下載考績佐證 PDF") == 4
    rows = shown(client.get(index + "?subject=readers-head&action=evidence_pdf"))
    assert rows.count("下載考績佐證 PDF") == 1 and "readers-head" in rows
    assert shown(client.get(index + "?actor=readers-head")) == ""
    assert shown(client.get(index + "?actor=hr&start=115/1/1&end=2026/12/31")).count("下載") == 4
    assert shown(client.get(index + "?start=2099-01-01")) == ""
    rows = read_csv(client.get(reverse("access_log:export") + "?format=csv&subject=readers-staff1"))
    assert rows[0][:5] == ["序號", "時間", "存取者", "動作", "當事人"]
    assert len(rows) == 2 and rows[1][4] == "許志偉（readers-staff1）" and len(rows[1][8]) == 64


def test_hr_reads_the_log_one_person_at_a_time(org, client, person):
    _some_records(person)
    client.force_login(person("hr"))
    response = client.get(reverse("access_log:index"))
    assert "人事室請先選擇當事人" in response.content.decode() and shown(response) == ""
    assert (
        shown(client.get(reverse("access_log:index") + "?subject=readers-staff2")).count("下載考績佐證") == 1
    )
    assert client.get(reverse("access_log:export") + "?format=csv").status_code == 400
    assert len(read_csv(client.get(reverse("access_log:export") + "?format=csv&subject=readers-staff2"))) == 2


def test_everyone_sees_who_read_their_own_data(org, client, person):
    _some_records(person)
    client.force_login(person("readers-staff1"))
    assert client.get(reverse("access_log:index")).status_code == 403
    rows = shown(client.get(reverse("access_log:mine")))
    assert rows.count("下載考績佐證 PDF") == 1 and "（hr）" in rows


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_readers_take_turns_on_one_chain(org, person):
    """Eight requests recording at once (PostgreSQL): the head row's lock makes them append one
    after the other, so the chain has no gap, no fork, and verifies."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; this runs on the PostgreSQL pass")
    from tests.threads import at_once

    hr, people = person("hr"), [person(login) for login in READERS]

    def read(subject):
        def run():
            request = RequestFactory().get("/")
            request.user = hr
            return access_log.record_reads(request, Action.EVIDENCE_PDF, [subject, *people])

        return run

    results, errors = at_once([read(p) for p in people * 2])
    assert errors == []
    assert PersonalDataAccess.objects.count() == 8 * 4
    check = verify_access_log()
    assert check.ok and check.records == 32
