"""The event trail is append-only and any edit or deletion is found by verify_trail."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from governance import trail
from governance.models import TrailEvent, TrailImmutableError
from tests.support.trail_tamper import tamper, triggers_dropped

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(person):
    staff, head = person("planning-staff1"), person("planning-head")
    events = [
        trail.record_event(
            case_kind="proposal",
            case_ref="114-0001",
            actor=staff,
            action="submit",
            from_state="draft",
            to_state="submitted",
        ),
        trail.record_event(
            case_kind="proposal",
            case_ref="114-0001",
            actor=head,
            action="return",
            from_state="submitted",
            to_state="returned",
            comment="請補充具體作法",
        ),
        trail.record_event(
            case_kind="proposal",
            case_ref="114-0001",
            actor=staff,
            action="resubmit",
            from_state="returned",
            to_state="submitted",
            attachments=[{"name": "方案.pdf", "sha256": "ab" * 32}],
        ),
    ]
    # A second case, to show chains are per case.
    trail.record_event(
        case_kind="finding", case_ref="114-F001", actor=head, action="register", to_state="registered"
    )
    return events


def sql(statement, params=()):
    # Raw SQL, past the models' refusal and (on PostgreSQL) with the triggers dropped.
    tamper(statement, params)


def test_events_chain_per_case(case):
    assert [e.sequence for e in case] == [1, 2, 3]
    assert case[0].previous_hash == trail.GENESIS_HASH
    assert case[1].previous_hash == case[0].content_hash
    assert case[2].previous_hash == case[1].content_hash
    assert case[2].attachments == [{"name": "方案.pdf", "sha256": "ab" * 32}]
    assert case[1].actor_name == "林志明"
    assert all(check.ok for check in trail.verify_all())
    assert len(list(trail.verify_all())) == 2


def test_orm_refuses_update_and_delete(case):
    event = case[1]
    event.comment = "改寫"
    with pytest.raises(TrailImmutableError):
        event.save()
    with pytest.raises(TrailImmutableError):
        event.delete()
    with pytest.raises(TrailImmutableError):
        TrailEvent.objects.filter(pk=event.pk).update(comment="改寫")
    with pytest.raises(TrailImmutableError):
        TrailEvent.objects.filter(case_ref="114-0001").delete()
    assert TrailEvent.objects.get(pk=event.pk).comment == "請補充具體作法"


def test_verify_trail_passes_on_an_untouched_trail(case, capsys):
    call_command("verify_trail")
    assert "驗證無誤" in capsys.readouterr().out


def test_edited_comment_is_found(case):
    sql("UPDATE governance_trailevent SET comment = %s WHERE id = %s", ["同意", case[1].pk])
    with pytest.raises(CommandError, match="114-0001 第 2 筆事件.*內容與其雜湊不符"):
        call_command("verify_trail")


def test_edited_hash_is_found_at_the_next_event(case):
    # Recomputing the edited event's own hash moves the break to the next link.
    event = TrailEvent.objects.get(pk=case[1].pk)
    event.comment = "同意"
    forged = trail.compute_hash(event)
    sql(
        "UPDATE governance_trailevent SET comment = %s, content_hash = %s WHERE id = %s",
        ["同意", forged, event.pk],
    )
    with pytest.raises(CommandError, match="第 3 筆事件.*與前一事件的雜湊不符"):
        call_command("verify_trail")


def test_deleted_middle_event_is_found(case):
    sql("DELETE FROM governance_trailevent WHERE id = %s", [case[1].pk])
    with pytest.raises(CommandError, match="第 2 筆事件.*序號不連續"):
        call_command("verify_trail")


def test_deleted_last_event_is_found(case):
    sql("DELETE FROM governance_trailevent WHERE id = %s", [case[2].pk])
    with pytest.raises(CommandError, match="114-0001 第 3 筆事件.*尾端"):
        call_command("verify_trail")


def test_deleted_whole_case_is_found(case):
    sql("DELETE FROM governance_trailevent WHERE case_ref = %s", ["114-0001"])
    with pytest.raises(CommandError, match="114-0001 第 1 筆事件"):
        call_command("verify_trail")


@pytest.mark.django_db(transaction=True)
def test_verify_trail_exits_non_zero(case):
    import subprocess
    import sys

    # Through the real command line: CommandError is exit status 1.
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        pytest.skip("the in-memory test database is not visible to a child process")
    with triggers_dropped():
        sql("UPDATE governance_trailevent SET action = %s WHERE id = %s", ["accept", case[1].pk])
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "verify_trail"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "114-0001 第 2 筆事件" in result.stderr


def test_events_of_the_first_hash_scheme_still_verify_and_chain_on(person):
    """Events written before scheme 2 keep their hashes; new events chain onto them."""
    from django.utils import timezone

    from governance.models import TrailHead

    staff = person("readers-staff1")
    old = TrailEvent(
        case_kind="proposal",
        case_ref="113-0001",
        sequence=1,
        occurred_at=timezone.now().replace(microsecond=0),
        actor=staff,
        actor_name=staff.get_full_name(),
        action="送出提案",
        previous_hash=trail.GENESIS_HASH,
        scheme=1,
    )
    old.content_hash = trail.compute_hash(old)
    old.save()
    TrailHead.objects.create(
        case_kind="proposal", case_ref="113-0001", last_sequence=1, last_hash=old.content_hash
    )
    new = trail.record_event(case_kind="proposal", case_ref="113-0001", actor=staff, action="撤回提案")
    assert (new.sequence, new.previous_hash, new.scheme) == (2, old.content_hash, 2)
    assert trail.verify_case("proposal", "113-0001").ok

    sql("UPDATE governance_trailevent SET action = %s WHERE id = %s", ["竄改", old.pk])
    check = trail.verify_case("proposal", "113-0001")
    assert (check.ok, check.broken_sequence) == (False, 1)


def test_appends_keep_one_chain(person):
    staff = person("readers-staff1")
    for i in range(20):
        trail.record_event(case_kind="proposal", case_ref="114-0099", actor=staff, action=f"a{i}")
    check = trail.verify_case("proposal", "114-0099")
    assert check.ok and check.events == 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_on_postgresql_keep_one_chain(person):
    """Eight writers on one case at once: the head row lock serialises them."""
    import threading

    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; this runs on the PostgreSQL pass")
    staff = person("readers-staff1")
    errors = []
    barrier = threading.Barrier(8)

    def writer(n):
        try:
            barrier.wait()
            for i in range(10):
                trail.record_event(case_kind="proposal", case_ref="114-0100", actor=staff, action=f"w{n}-{i}")
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    check = trail.verify_case("proposal", "114-0100")
    assert check.ok and check.events == 80


def test_file_fingerprint_is_sha256():
    import hashlib
    import io

    data = "創意提案附件".encode() * 10000
    assert trail.file_fingerprint(io.BytesIO(data)) == hashlib.sha256(data).hexdigest()
