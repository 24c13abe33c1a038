"""On PostgreSQL the database itself refuses to rewrite the trail (governance migration 0019):
events are insert-only; a head is never deleted and only ever advances by one event."""

import pytest
from django.db import DatabaseError, connection, transaction

from governance import trail
from governance.models import TrailEvent, TrailHead

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no triggers here; this runs on the PostgreSQL pass")


@pytest.fixture
def events(person):
    staff = person("readers-staff1")
    return [
        trail.record_event(case_kind="proposal", case_ref="115-0001", actor=staff, action=f"step {n}")
        for n in range(3)
    ]


def refused(statement, params=()):
    """Run raw SQL that the triggers must refuse; the test's transaction stays usable."""
    with pytest.raises(DatabaseError, match="append-only|may only advance"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)


def test_events_cannot_be_updated_or_deleted(events):
    refused("UPDATE governance_trailevent SET comment = %s WHERE id = %s", ["改寫", events[1].pk])
    refused("UPDATE governance_trailevent SET comment = %s", ["全部改寫"])
    refused("DELETE FROM governance_trailevent WHERE id = %s", [events[2].pk])
    refused("DELETE FROM governance_trailevent")
    assert TrailEvent.objects.filter(case_ref="115-0001").count() == 3
    assert trail.verify_case("proposal", "115-0001").ok


def test_heads_cannot_be_deleted_or_moved_but_forward(events):
    head = TrailHead.objects.get(case_ref="115-0001")
    refused("DELETE FROM governance_trailhead WHERE id = %s", [head.pk])
    # Rewritten in place, rolled back a step, or pointed at another case: all refused.
    refused("UPDATE governance_trailhead SET last_hash = %s WHERE id = %s", ["f" * 64, head.pk])
    refused(
        "UPDATE governance_trailhead SET last_sequence = 2, last_hash = previous_hash WHERE id = %s",
        [head.pk],
    )
    refused("UPDATE governance_trailhead SET case_ref = %s WHERE id = %s", ["115-0002", head.pk])
    # Jumping two events ahead, or not chaining on the hash it held.
    refused(
        "UPDATE governance_trailhead SET last_sequence = 5, previous_hash = last_hash WHERE id = %s",
        [head.pk],
    )
    refused(
        "UPDATE governance_trailhead SET last_sequence = 4, previous_hash = %s WHERE id = %s",
        ["e" * 64, head.pk],
    )
    head.refresh_from_db()
    assert (head.last_sequence, head.last_hash) == (3, events[-1].content_hash)


def test_inserts_still_work(events, person):
    # Appending is an insert of the event and an advance of the head: both allowed.
    event = trail.record_event(
        case_kind="proposal", case_ref="115-0001", actor=person("readers-head"), action="accept"
    )
    assert event.sequence == 4
    first = trail.record_event(case_kind="finding", case_ref="115-F001", actor=None, action="register")
    assert first.sequence == 1
    assert trail.verify_case("proposal", "115-0001").ok and trail.verify_case("finding", "115-F001").ok


def test_the_triggers_are_installed():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid IN "
            "('governance_trailevent'::regclass, 'governance_trailhead'::regclass) AND NOT tgisinternal"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {
        "governance_trailevent_append_only",
        "governance_trailhead_no_delete",
        "governance_trailhead_advance_only",
    }
