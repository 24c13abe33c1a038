"""The signed daily digest of the trail's heads, and `verify_trail --against` a digest.

An attacker here writes the database freely: on PostgreSQL the append-only triggers are
dropped first, as a superuser could (tests/support/trail_tamper.py); SQLite has none. Each
tampering the chains alone cannot see — a chain rewritten with its hashes and head recomputed,
a head rewritten, a whole case deleted — is found against the digest, per case; a forged
digest is refused before any comparison.
"""

import datetime
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core import mail
from django.core.management import CommandError, call_command

from governance import tasks, trail, trail_anchor
from governance.models import Notification, TrailEvent
from tests.support.trail_tamper import tamper

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 6)


def write_key(path, key):
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return path


@pytest.fixture
def key(tmp_path, settings):
    private = Ed25519PrivateKey.generate()
    settings.TRAIL_DIGEST_KEY_FILE = str(write_key(tmp_path / "trail-digest.key", private))
    settings.TRAIL_DIGEST_DIR = tmp_path / "digests"
    return private


@pytest.fixture
def public_key_file(key, tmp_path):
    """The auditors' copy: the public key alone."""
    path = tmp_path / "trail-digest.pub.pem"
    path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return path


@pytest.fixture
def cases(person):
    """Three cases: a proposal of three events, a finding of two, a proposal of one."""
    staff, head = person("planning-staff1"), person("planning-head")
    for n, (actor, comment) in enumerate([(staff, ""), (head, "請補充具體作法"), (staff, "已補充")]):
        trail.record_event(
            case_kind="proposal", case_ref="115-0001", actor=actor, action=f"a{n}", comment=comment
        )
    for n in range(2):
        trail.record_event(case_kind="finding", case_ref="115-F001", actor=head, action=f"f{n}")
    trail.record_event(case_kind="proposal", case_ref="115-0002", actor=staff, action="submit")


@pytest.fixture
def digest(key, cases):
    """The day's digest, written before any tampering."""
    return trail_anchor.anchor(DAY).path


def verify_against(path, *extra):
    call_command("verify_trail", "--against", str(path), *extra)


def rewrite_chain(case_ref, sequence, comment):
    """Change one event's text, then recompute every hash after it and the head, as an attacker
    who knows the scheme would: the chain alone verifies again."""
    events = list(TrailEvent.objects.filter(case_ref=case_ref).order_by("sequence"))
    previous = events[sequence - 2].content_hash if sequence > 1 else trail.GENESIS_HASH
    for event in events[sequence - 1 :]:
        if event.sequence == sequence:
            event.comment = comment
        event.previous_hash = previous
        event.content_hash = trail.compute_hash(event)
        tamper(
            "UPDATE governance_trailevent SET comment = %s, previous_hash = %s, content_hash = %s WHERE id = %s",
            [event.comment, event.previous_hash, event.content_hash, event.pk],
        )
        previous = event.content_hash
    tamper(
        "UPDATE governance_trailhead SET previous_hash = %s, last_hash = %s WHERE case_ref = %s",
        [events[-2].content_hash if len(events) > 1 else trail.GENESIS_HASH, previous, case_ref],
    )


# ---------------------------------------------------------------- the digest itself


def test_merkle_root_is_rfc_6962():
    import hashlib

    rows = [["proposal", f"115-000{n}", "ab" * 32, n] for n in range(1, 4)]
    leaves = [trail_anchor.leaf_hash(row) for row in rows]
    node = lambda left, right: hashlib.sha256(b"\x01" + left + right).digest()  # noqa: E731
    assert trail_anchor.merkle_root(rows) == node(node(leaves[0], leaves[1]), leaves[2]).hex()
    assert trail_anchor.merkle_root(rows[:1]) == leaves[0].hex()
    assert trail_anchor.merkle_root([]) == hashlib.sha256(b"").hexdigest()


def test_the_digest_lists_every_head_signed_and_chained(key, cases, public_key_file):
    first = trail_anchor.anchor(DAY)
    assert first.created and first.path.name == "trail-digest-2026-12-06.json"
    document = json.loads(first.path.read_text(encoding="utf-8"))
    assert document["heads"] == [
        ["finding", "115-F001", TrailEvent.objects.get(case_ref="115-F001", sequence=2).content_hash, 2],
        ["proposal", "115-0001", TrailEvent.objects.get(case_ref="115-0001", sequence=3).content_hash, 3],
        ["proposal", "115-0002", TrailEvent.objects.get(case_ref="115-0002").content_hash, 1],
    ]
    assert (document["cases"], document["events"], document["findings"]) == (3, 6, [])
    assert document["previous_digest"] == trail_anchor.NO_PREVIOUS
    # Checked with the public key alone.
    trail_anchor.check_digest(document, trail_anchor.load_public_key(public_key_file))
    # Once a day: a second run keeps the first file.
    again = trail_anchor.anchor(DAY)
    assert not again.created and again.document == document
    # The next day's digest chains on this one.
    trail.record_event(case_kind="proposal", case_ref="115-0002", actor=None, action="withdraw")
    second = trail_anchor.anchor(DAY + datetime.timedelta(days=1))
    assert second.document["previous_digest"] == trail_anchor.digest_hash(document)
    assert second.document["events"] == 7 and second.document["findings"] == []


def test_an_untouched_trail_matches_and_additions_are_reported(digest, person, capsys):
    trail.record_event(case_kind="proposal", case_ref="115-0001", actor=None, action="accept")
    trail.record_event(case_kind="proposal", case_ref="115-0003", actor=None, action="submit")
    verify_against(digest)
    out = capsys.readouterr().out
    assert "摘要簽章有效" in out
    assert "proposal:115-0001 摘要後新增 1 筆事件（3 → 4）" in out
    assert "proposal:115-0003 摘要後新增的案件（1 筆事件）" in out
    assert "比對無誤" in out


# ---------------------------------------------------------------- a forged digest


def test_a_digest_edited_after_signing_is_refused(digest, tmp_path):
    document = json.loads(digest.read_text(encoding="utf-8"))
    document["heads"][1][2] = "0" * 64  # an attacker "updates" the anchored head of 115-0001
    document["root"] = trail_anchor.merkle_root(document["heads"])
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError, match="簽章驗證失敗"):
        verify_against(forged)


def test_a_digest_signed_with_another_key_is_refused(digest, key, tmp_path):
    document = json.loads(digest.read_text(encoding="utf-8"))
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(trail_anchor.sign(document, Ed25519PrivateKey.generate())), encoding="utf-8")
    with pytest.raises(CommandError, match="簽章驗證失敗"):
        verify_against(forged)
    # …even when it names the forger's key: only the configured (or given) key is trusted.
    with pytest.raises(CommandError, match="簽章驗證失敗"):
        verify_against(forged, "--public-key", str(write_key(tmp_path / "own.key", key)))


# ---------------------------------------------------------------- tampering found against it


def test_a_rewritten_chain_is_found(digest, capsys):
    rewrite_chain("115-0001", 2, "同意")
    # The chains alone verify again: only the digest can tell.
    assert all(check.ok for check in trail.verify_all())
    with pytest.raises(CommandError, match="1 件案件遭竄改或刪除"):
        verify_against(digest)
    err = capsys.readouterr().err
    assert "proposal:115-0001 鏈已被改寫：第 3 筆事件的雜湊與摘要不符" in err
    assert "115-F001" not in err and "115-0002" not in err


def test_a_rewritten_head_is_found(digest, capsys):
    tamper("UPDATE governance_trailhead SET last_hash = %s WHERE case_ref = %s", ["c" * 64, "115-F001"])
    with pytest.raises(CommandError, match="1 件案件遭竄改或刪除"):
        verify_against(digest)
    err = capsys.readouterr().err
    assert "finding:115-F001 軌跡頭記錄遭改寫：最後雜湊與摘要不符" in err
    assert "finding:115-F001 鏈驗證失敗：第 2 筆事件，最後事件與軌跡頭記錄不符" in err


def test_a_deleted_case_is_found(digest, capsys):
    tamper("DELETE FROM governance_trailevent WHERE case_ref = %s", ["115-0002"])
    tamper("DELETE FROM governance_trailhead WHERE case_ref = %s", ["115-0002"])
    # Gone without a trace in the database: the chains that are left all verify.
    assert all(check.ok for check in trail.verify_all())
    with pytest.raises(CommandError, match="1 件案件遭竄改或刪除"):
        verify_against(digest)
    assert "proposal:115-0002 案件已被刪除：摘要時有 1 筆事件" in capsys.readouterr().err


def test_deleted_tail_with_its_head_moved_back_is_found(digest, capsys):
    last = TrailEvent.objects.get(case_ref="115-0001", sequence=3)
    tamper("DELETE FROM governance_trailevent WHERE id = %s", [last.pk])
    tamper(
        "UPDATE governance_trailhead SET last_sequence = 2, last_hash = previous_hash WHERE case_ref = %s",
        ["115-0001"],
    )
    with pytest.raises(CommandError):
        verify_against(digest)
    err = capsys.readouterr().err
    assert "proposal:115-0001 摘要時的第 3 筆事件已不存在" in err
    assert "proposal:115-0001 軌跡頭記錄退回到第 2 筆（摘要時為第 3 筆）" in err


def test_the_next_digest_records_what_changed_since_the_last(digest):
    rewrite_chain("115-0001", 1, "改寫")
    result = trail_anchor.anchor(DAY + datetime.timedelta(days=1))
    assert [f for f in result.document["findings"] if "115-0001" in f] == [
        "proposal:115-0001 鏈已被改寫：第 3 筆事件的雜湊與摘要不符，其前的事件內容已被更動並重算雜湊"
    ]


# ---------------------------------------------------------------- the daily task, the auditors


def test_the_daily_task_writes_the_digest_and_mails_the_auditors(key, cases, settings):
    outcome = tasks.anchor_trail.apply(kwargs={"today": DAY.isoformat()}).get()
    assert outcome["created"] and outcome["notified"] == 1 and outcome["sent"] == 1
    notice = Notification.objects.get(kind=Notification.Kind.TRAIL_DIGEST)
    assert notice.recipient.username == "auditor" and notice.key == "trail-digest:2026-12-06"
    document = trail_anchor.read_digest(outcome["digest"])
    (message,) = mail.outbox
    assert message.to == ["auditor@demo.invalid"]
    assert message.subject == "【事件軌跡每日摘要】2026-12-06：3 件案件、6 筆事件"
    assert document["root"] in message.body and document["signature"] in message.body
    assert trail_anchor.digest_hash(document) in message.body
    # Run again the same day (a retry): nothing new is written or sent.
    again = tasks.anchor_trail.apply(kwargs={"today": DAY.isoformat()}).get()
    assert (again["created"], again["notified"], again["sent"]) == (False, 0, 0)
    assert settings.CELERY_BEAT_SCHEDULE["trail-digest"]["task"] == "governance.anchor_trail"


def test_without_a_key_no_digest_is_made(settings, tmp_path, cases):
    settings.TRAIL_DIGEST_KEY_FILE = ""
    settings.TRAIL_DIGEST_DIR = tmp_path / "digests"
    assert tasks.anchor_trail.apply().get() == {"digest": None}
    assert not (tmp_path / "digests").exists()
    with pytest.raises(CommandError, match="TRAIL_DIGEST_KEY_FILE"):
        verify_against(tmp_path / "none.json")


def test_the_quarterly_report_prints_the_latest_digest(digest):
    from dashboard.tracking_report import tracking_report_pdf
    from tests.helpers import flat, pdf_text

    document = trail_anchor.read_digest(digest)
    text = flat(pdf_text(tracking_report_pdf(datetime.date(2026, 12, 6))))
    assert "事件軌跡外部錨定" in text and "2026-12-06（簽章驗證有效）" in text
    assert document["root"] in text
    assert trail_anchor.signature_fingerprint(document) in text
