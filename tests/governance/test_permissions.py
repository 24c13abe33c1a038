"""Permissions per role and unit, through the permissions module every later step uses."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from governance import permissions, services
from governance.models import Membership, Unit
from governance.roles import Capability, UnitRole
from tests.helpers import unit

pytestmark = pytest.mark.django_db


def test_staff_acts_for_own_unit_only(person):
    staff = person("acquisitions-staff1")
    assert permissions.can(staff, Capability.SUBMIT_FOR_UNIT, unit("acquisitions"))
    assert permissions.can(staff, Capability.VIEW_UNIT_CASES, unit("acquisitions"))
    assert not permissions.can(staff, Capability.SUBMIT_FOR_UNIT, unit("readers"))
    assert not permissions.can(staff, Capability.VIEW_UNIT_CASES, unit("readers"))
    assert not permissions.can(staff, Capability.REVIEW_UNIT_CASES, unit("acquisitions"))
    assert not permissions.can(staff, Capability.REPORT_UNIT_PROGRESS, unit("acquisitions"))
    with pytest.raises(PermissionDenied):
        permissions.require(staff, Capability.SUBMIT_FOR_UNIT, unit("readers"))


def test_head_reviews_own_unit_only(person):
    head = person("readers-head")
    assert permissions.can(head, Capability.REVIEW_UNIT_CASES, unit("readers"))
    assert not permissions.can(head, Capability.REVIEW_UNIT_CASES, unit("acquisitions"))
    assert not permissions.can(head, Capability.DECIDE_FOR_AGENCY)


def test_liaison_reports_progress_for_own_unit(person):
    liaison = person("planning-liaison")
    assert permissions.can(liaison, Capability.REPORT_UNIT_PROGRESS, unit("planning"))
    assert not permissions.can(liaison, Capability.REPORT_UNIT_PROGRESS, unit("reference"))
    assert not permissions.can(liaison, Capability.REVIEW_UNIT_CASES, unit("planning"))


@pytest.mark.parametrize(
    "login, held, not_held",
    [
        ("director", [Capability.DECIDE_FOR_AGENCY, Capability.READ_TRAILS], [Capability.MANAGE_TRACKING]),
        ("deputy", [Capability.DECIDE_FOR_AGENCY], [Capability.READ_APPRAISAL_EVIDENCE]),
        ("tracking", [Capability.MANAGE_TRACKING, Capability.READ_TRAILS], [Capability.DECIDE_FOR_AGENCY]),
        ("hr", [Capability.READ_APPRAISAL_EVIDENCE, Capability.RECORD_REWARDS], [Capability.READ_TRAILS]),
        ("committee1", [Capability.SCORE_PROPOSALS], [Capability.SCORE_ASSIGNED_ONLY]),
        (
            "external1",
            [Capability.SCORE_ASSIGNED_ONLY],
            [Capability.SCORE_PROPOSALS, Capability.VIEW_UNIT_CASES],
        ),
        (
            "auditor",
            [Capability.READ_TRAILS, Capability.VIEW_UNIT_CASES],
            [Capability.DECIDE_FOR_AGENCY, Capability.SUBMIT_FOR_UNIT],
        ),
        ("admin", [Capability.ADMINISTER], [Capability.VIEW_UNIT_CASES, Capability.DECIDE_FOR_AGENCY]),
    ],
)
def test_agency_roles(person, login, held, not_held):
    user = person(login)
    for capability in held:
        assert permissions.can(user, capability, unit("planning")), capability
    for capability in not_held:
        assert not permissions.can(user, capability, unit("planning")), capability


def test_agency_wide_view_covers_every_unit(person):
    auditor = person("auditor")
    assert set(permissions.units_where(auditor, Capability.VIEW_UNIT_CASES)) == set(Unit.objects.all())
    staff = person("readers-staff2")
    assert list(permissions.units_where(staff, Capability.VIEW_UNIT_CASES)) == [unit("readers")]
    assert not permissions.units_where(staff, Capability.REVIEW_UNIT_CASES).exists()


def test_anonymous_and_inactive_hold_nothing(person):
    assert not permissions.can(AnonymousUser(), Capability.VIEW_UNIT_CASES, unit("planning"))
    staff = person("planning-staff1")
    staff.is_active = False
    staff.save()
    assert not permissions.can(staff, Capability.VIEW_UNIT_CASES, unit("planning"))


def test_permissions_follow_membership_changes(person):
    admin, staff = person("admin"), person("planning-staff2")
    readers = unit("readers")
    membership = services.add_membership(
        actor=admin,
        user=staff,
        unit=readers,
        role=UnitRole.HEAD,
        valid_from=timezone.localdate() - timedelta(days=30),
    )
    staff = person("planning-staff2")
    assert permissions.can(staff, Capability.REVIEW_UNIT_CASES, readers)

    services.end_membership(
        actor=admin, membership=membership, last_day=timezone.localdate() - timedelta(days=1)
    )
    staff = person("planning-staff2")
    assert not permissions.can(staff, Capability.REVIEW_UNIT_CASES, readers)
    assert permissions.can(staff, Capability.SUBMIT_FOR_UNIT, unit("planning"))


def test_future_membership_takes_effect_on_its_day(person):
    admin, staff = person("admin"), person("reference-staff1")
    start = timezone.localdate() + timedelta(days=10)
    services.add_membership(
        actor=admin, user=staff, unit=unit("accounting"), role=UnitRole.LIAISON, valid_from=start
    )
    assert not permissions.can(
        person("reference-staff1"), Capability.REPORT_UNIT_PROGRESS, unit("accounting")
    )
    services.sync_all_unit_permissions(day=start)
    assert permissions.can(person("reference-staff1"), Capability.REPORT_UNIT_PROGRESS, unit("accounting"))


def test_only_administrators_change_memberships(person):
    with pytest.raises(PermissionDenied):
        services.add_membership(
            actor=person("planning-head"),
            user=person("planning-staff1"),
            unit=unit("readers"),
            role=UnitRole.HEAD,
        )
    assert not Membership.objects.filter(user__username="planning-staff1", unit__code="readers").exists()


def test_membership_change_in_admin_resyncs_permissions(client, person):
    admin = person("admin")
    client.force_login(admin)
    staff = person("chungshan-staff1")
    membership = Membership.objects.get(user=staff)
    response = client.post(
        f"/admin/governance/membership/{membership.pk}/change/",
        {
            "user": staff.pk,
            "unit": unit("accounting").pk,
            "role": UnitRole.STAFF,
            "valid_from": "2013-01-01",
            "valid_until": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    staff = person("chungshan-staff1")
    assert permissions.can(staff, Capability.SUBMIT_FOR_UNIT, unit("accounting"))
    assert not permissions.can(staff, Capability.SUBMIT_FOR_UNIT, unit("chungshan"))
