"""Two officers registering audits at once on real PostgreSQL: tracking numbers never collide."""

import datetime

import pytest
from django.db import connection

from audits import services
from audits.models import Finding
from governance.models import Unit
from tests.threads import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_registrations_get_distinct_consecutive_numbers(org, person):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; this runs on the PostgreSQL pass")
    from governance.roles import AgencyRole
    from governance.services import set_agency_roles

    # A second 管考 officer.
    set_agency_roles(
        actor=person("admin"), user=person("secretariat-staff1"), roles=[AgencyRole.TRACKING_OFFICE]
    )
    readers = Unit.objects.get(code="readers")
    today = datetime.date.today()

    def register(login, n):
        findings = [
            services.FindingInput(
                "deficiency", f"{login} 第 {i} 項", "medium", readers, today + datetime.timedelta(days=30)
            )
            for i in range(n)
        ]
        return lambda: services.register_audit(
            actor=person(login),
            agency="教育部",
            kind="appraisal",
            title=f"{login} 考核",
            held_on=today,
            document_number="臺教綜（一）字第1150012345號",
            findings=findings,
        )

    results, errors = at_once([register("tracking", 5), register("secretariat-staff1", 7)])
    assert errors == []
    assert sorted(Finding.objects.values_list("sequence", flat=True)) == list(range(1, 13))
    assert Finding.objects.exclude(process=None).count() == 12
