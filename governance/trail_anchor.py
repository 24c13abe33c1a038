"""The trail's heads anchored outside the database: a signed daily digest.

The hash chains find an edited or deleted event, but whoever can write the database freely (the
table owner, a superuser: they can drop the append-only triggers) could rewrite a case's events
and recompute every hash after them and its head, and the chain would verify again. So once a
day every chain's head (case kind, case ref, last hash, number of events) goes into a digest:
their Merkle root and the hash of the previous digest (digests chain too), signed with an
Ed25519 key that lives in a file (settings.TRAIL_DIGEST_KEY_FILE), never in the database. The
digest is written to settings.TRAIL_DIGEST_DIR, one JSON file per day with the heads, so a later
check can name the case that changed, and e-mailed to the auditors, whose mailboxes hold each
day's root and digest hash out of the server's reach. `manage.py verify_trail --against FILE`
compares the database with a digest (compare_with_digest).

Ed25519 rather than an HMAC: an auditor checks a digest with the public key alone; an HMAC
secret would let everyone able to check a digest forge one as well.
"""

import base64
import datetime
import hashlib
import json
import logging
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification, TrailEvent, TrailHead
from .rocdate import today_taipei
from .roles import AgencyRole, group_name
from .trail import verify_all

logger = logging.getLogger(__name__)

FORMAT = "governance-trail-digest/1"
ALGORITHM = "Ed25519"
# The "previous digest" of the first digest.
NO_PREVIOUS = "0" * 64
FILE_NAME = "trail-digest-{day}.json"
FILE_PATTERN = re.compile(r"^trail-digest-(\d{4}-\d{2}-\d{2})\.json$")


class AnchorError(Exception):
    """A digest that cannot be made, read or trusted; the message says why, for the operator."""


# ---------------------------------------------------------------- the digest's content


@dataclass(frozen=True)
class Head:
    """One case chain's head as a digest records it."""

    case_kind: str
    case_ref: str
    last_hash: str
    events: int

    def as_row(self) -> list:
        return [self.case_kind, self.case_ref, self.last_hash, self.events]


def _canonical(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def current_heads() -> list[Head]:
    """Every chain's head, in case order."""
    rows = TrailHead.objects.order_by("case_kind", "case_ref").values_list(
        "case_kind", "case_ref", "last_hash", "last_sequence"
    )
    return [Head(*row) for row in rows.iterator(chunk_size=2000)]


def leaf_hash(row: list) -> bytes:
    # RFC 6962's leaf prefix 0x00 (and 0x01 for inner nodes): no leaf can pass for a node.
    return hashlib.sha256(b"\x00" + _canonical(row)).digest()


def merkle_root(rows: list[list]) -> str:
    """RFC 6962's Merkle tree hash over the heads' rows, in hex (SHA-256 of nothing for none)."""

    def tree(leaves):
        if len(leaves) == 1:
            return leaves[0]
        split = 1 << ((len(leaves) - 1).bit_length() - 1)  # the largest power of two below n
        return hashlib.sha256(b"\x01" + tree(leaves[:split]) + tree(leaves[split:])).digest()

    if not rows:
        return hashlib.sha256(b"").hexdigest()
    return tree([leaf_hash(row) for row in rows]).hex()


def signed_bytes(document: dict) -> bytes:
    """What the signature covers: every field but the signature, as canonical JSON."""
    return _canonical({k: v for k, v in document.items() if k != "signature"})


def digest_hash(document: dict) -> str:
    """The digest's own hash, signature included: the next digest's `previous_digest`."""
    return hashlib.sha256(_canonical(document)).hexdigest()


def signature_fingerprint(document: dict) -> str:
    """SHA-256 of the signature's bytes: short enough to print and compare with the e-mail."""
    return hashlib.sha256(base64.b64decode(document.get("signature", ""))).hexdigest()


# ---------------------------------------------------------------- keys


def key_fingerprint(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def load_private_key(path: str | os.PathLike | None = None) -> Ed25519PrivateKey:
    path = path or settings.TRAIL_DIGEST_KEY_FILE
    if not path:
        raise AnchorError("未設定 TRAIL_DIGEST_KEY_FILE：沒有簽署事件軌跡摘要的金鑰。")
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise AnchorError(f"無法讀取摘要簽章私鑰 {path}：{error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise AnchorError(f"{path} 不是 Ed25519 私鑰。")
    return key


def load_public_key(path: str | os.PathLike) -> Ed25519PublicKey:
    """An Ed25519 public key in PEM (an auditor's copy), or the public half of a private key."""
    data = Path(path).read_bytes()
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        try:
            key = serialization.load_pem_private_key(data, password=None).public_key()
        except (ValueError, TypeError) as error:
            raise AnchorError(f"無法讀取公鑰 {path}：{error}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise AnchorError(f"{path} 不是 Ed25519 金鑰。")
    return key


def trusted_public_key(path: str | os.PathLike | None = None) -> Ed25519PublicKey:
    """The key a digest must be signed with: the file given, else the configured key's public
    half. Never the key a digest names: a forger would name their own."""
    if path:
        return load_public_key(path)
    return load_private_key().public_key()


# ---------------------------------------------------------------- making, reading, checking


def sign(document: dict, private_key: Ed25519PrivateKey) -> dict:
    signed = {
        **document,
        "algorithm": ALGORITHM,
        "public_key_fingerprint": key_fingerprint(private_key.public_key()),
    }
    signed.pop("signature", None)
    signature = private_key.sign(signed_bytes(signed))
    return {**signed, "signature": base64.b64encode(signature).decode("ascii")}


def build_digest(
    *,
    day: datetime.date,
    heads: list[Head],
    previous: str,
    findings: list[str],
    created_at: datetime.datetime,
) -> dict:
    rows = [head.as_row() for head in heads]
    return {
        "format": FORMAT,
        "date": day.isoformat(),
        "created_at": created_at.astimezone(datetime.timezone.utc).isoformat(),
        "agency": settings.AGENCY_NAME,
        "cases": len(rows),
        "events": sum(head.events for head in heads),
        "root": merkle_root(rows),
        "previous_digest": previous,
        "heads": rows,
        # What the day's run found wrong (against the previous digest, or a broken chain):
        # signed with the rest, so the warning itself cannot be taken out of the file.
        "findings": findings,
    }


def read_digest(path: str | os.PathLike) -> dict:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise AnchorError(f"無法讀取摘要 {path}：{error}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise AnchorError(f"{path} 不是事件軌跡摘要（format 應為 {FORMAT}）。")
    return document


def check_digest(document: dict, public_key: Ed25519PublicKey) -> None:
    """Raise AnchorError unless the digest is signed by that key and its root and counts are
    those of its heads."""
    try:
        signature = base64.b64decode(document["signature"], validate=True)
        public_key.verify(signature, signed_bytes(document))
    except (KeyError, ValueError, TypeError, InvalidSignature):
        raise AnchorError(
            f"{document.get('date', '?')} 摘要的簽章驗證失敗：摘要遭偽造或更動，或不是以此金鑰簽署；不予採信。"
        ) from None
    heads = document.get("heads") or []
    if (
        merkle_root(heads) != document.get("root")
        or len(heads) != document.get("cases")
        or sum(row[3] for row in heads) != document.get("events")
    ):
        raise AnchorError(f"{document.get('date', '?')} 摘要的根雜湊或筆數與其軌跡頭清單不符。")


def digest_path(day: datetime.date, directory: str | os.PathLike | None = None) -> Path:
    return Path(directory or settings.TRAIL_DIGEST_DIR) / FILE_NAME.format(day=day.isoformat())


def digest_files(directory: str | os.PathLike | None = None) -> list[tuple[datetime.date, Path]]:
    """(day, path) of every digest in the folder, oldest first."""
    folder = Path(directory or settings.TRAIL_DIGEST_DIR)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = FILE_PATTERN.match(path.name)
        if match:
            found.append((datetime.date.fromisoformat(match.group(1)), path))
    return sorted(found)


def _write_once(path: Path, data: bytes) -> None:
    """Write a new file whole, never over an existing one: a second writer the same day, or a
    crash half-way, leaves the first complete file (or none) in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    try:
        os.link(temporary, path)  # fails if the day's digest exists
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: exclusive create, then write
        with open(path, "xb") as stream:
            stream.write(data)
    finally:
        temporary.unlink(missing_ok=True)


# ---------------------------------------------------------------- comparing with a digest


@dataclass(frozen=True)
class Finding:
    """One case's difference from a digest: a problem (tampering) or news (appends since)."""

    case_kind: str
    case_ref: str
    problem: bool
    message: str

    def describe(self) -> str:
        return f"{self.case_kind}:{self.case_ref} {self.message}"


def _events_now(anchored: dict) -> tuple[Counter, dict]:
    """(events per case now, {case: hash of the event at the digest's count}), in one pass."""
    counts, at_anchor = Counter(), {}
    rows = TrailEvent.objects.order_by().values_list("case_kind", "case_ref", "sequence", "content_hash")
    for kind, ref, sequence, content_hash in rows.iterator(chunk_size=5000):
        key = (kind, ref)
        counts[key] += 1
        anchor = anchored.get(key)
        if anchor is not None and anchor[1] == sequence:
            at_anchor[key] = content_hash
    return counts, at_anchor


def compare_with_digest(document: dict) -> list[Finding]:
    """What changed since the digest, per case: broken chains, anchored events rewritten or
    deleted, heads rewritten or moved back, whole cases deleted (problems); events and cases
    added since (news). Check the digest's signature first (check_digest)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # the chains, heads and events of one moment
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        broken = [check for check in verify_all() if not check.ok]
        heads_now = {(h.case_kind, h.case_ref): h for h in current_heads()}
        anchored = {(kind, ref): (last_hash, events) for kind, ref, last_hash, events in document["heads"]}
        counts, at_anchor = _events_now(anchored)

    findings = [
        Finding(
            check.case_kind,
            check.case_ref,
            True,
            f"鏈驗證失敗：第 {check.broken_sequence} 筆事件，{check.reason}",
        )
        for check in broken
    ]
    for key, (anchored_hash, anchored_events) in sorted(anchored.items()):
        head, events = heads_now.get(key), counts.get(key, 0)
        if head is None and events == 0:
            findings.append(
                Finding(
                    *key,
                    True,
                    f"案件已被刪除：摘要時有 {anchored_events} 筆事件，現在事件與軌跡頭記錄都不存在",
                )
            )
            continue
        problem = False
        if anchored_events and key not in at_anchor:
            findings.append(
                Finding(
                    *key, True, f"摘要時的第 {anchored_events} 筆事件已不存在（事件被刪除），現有 {events} 筆"
                )
            )
            problem = True
        elif anchored_events and at_anchor[key] != anchored_hash:
            findings.append(
                Finding(
                    *key,
                    True,
                    f"鏈已被改寫：第 {anchored_events} 筆事件的雜湊與摘要不符，其前的事件內容已被更動並重算雜湊",
                )
            )
            problem = True
        if head is None:
            findings.append(Finding(*key, True, "軌跡頭記錄已不存在"))
            problem = True
        elif head.events < anchored_events:
            findings.append(
                Finding(
                    *key,
                    True,
                    f"軌跡頭記錄退回到第 {head.events} 筆（摘要時為第 {anchored_events} 筆）",
                )
            )
            problem = True
        elif head.events == anchored_events and head.last_hash != anchored_hash and not problem:
            findings.append(Finding(*key, True, "軌跡頭記錄遭改寫：最後雜湊與摘要不符"))
            problem = True
        if not problem and events > anchored_events:
            findings.append(
                Finding(
                    *key,
                    False,
                    f"摘要後新增 {events - anchored_events} 筆事件（{anchored_events} → {events}）",
                )
            )
    for key in sorted((set(heads_now) | set(counts)) - set(anchored)):
        findings.append(Finding(*key, False, f"摘要後新增的案件（{counts.get(key, 0)} 筆事件）"))
    return findings


# ---------------------------------------------------------------- the daily run


@dataclass(frozen=True)
class AnchorResult:
    path: Path
    document: dict
    created: bool  # False: the day's digest was there already (a second run the same day)


def anchor(
    day: datetime.date | None = None,
    *,
    directory: str | os.PathLike | None = None,
    private_key: Ed25519PrivateKey | None = None,
) -> AnchorResult:
    """Write the day's signed digest (once per day), chained on the latest earlier one, which
    is checked first: what changed since it is written into the new digest's findings."""
    day = day or today_taipei()
    path = digest_path(day, directory)
    if path.exists():
        return AnchorResult(path, read_digest(path), False)
    private_key = private_key or load_private_key()
    earlier = [(d, p) for d, p in digest_files(directory) if d < day]
    previous, findings = NO_PREVIOUS, []
    if earlier:
        previous_day, previous_path = earlier[-1]
        try:
            last = read_digest(previous_path)
            check_digest(last, private_key.public_key())
        except AnchorError as error:
            findings.append(f"前一份摘要（{previous_day}）不可採信：{error}")
            last = None
            previous = hashlib.sha256(previous_path.read_bytes()).hexdigest()
        if last is not None:
            previous = digest_hash(last)
            findings += [f.describe() for f in compare_with_digest(last) if f.problem]
    else:
        findings += [
            f"{c.case_kind}:{c.case_ref} 鏈驗證失敗：第 {c.broken_sequence} 筆事件，{c.reason}"
            for c in verify_all()
            if not c.ok
        ]
    heads = current_heads()
    document = sign(
        build_digest(day=day, heads=heads, previous=previous, findings=findings, created_at=timezone.now()),
        private_key,
    )
    try:
        _write_once(path, json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))
    except FileExistsError:  # another run wrote the day's digest meanwhile: keep that one
        return AnchorResult(path, read_digest(path), False)
    if findings:
        logger.error("trail digest %s: %d finding(s): %s", day, len(findings), "; ".join(findings[:20]))
    return AnchorResult(path, document, True)


def auditors():
    return get_user_model().objects.filter(is_active=True, groups__name=group_name(AgencyRole.AUDITOR))


def notify_auditors(document: dict) -> int:
    """The digest's root, hashes and signature to every auditor, by e-mail whatever their
    preferences (it is a control, like an escalation), once per day. Returns how many notices
    were new."""
    people = list(auditors().order_by("pk"))
    if not people:
        logger.warning("trail digest %s: no active auditor to send it to", document["date"])
        return 0
    context = {
        "date": document["date"],
        "cases": document["cases"],
        "events": document["events"],
        "root": document["root"],
        "previous_digest": document["previous_digest"],
        "digest_hash": digest_hash(document),
        "signature": document["signature"],
        "signature_fingerprint": signature_fingerprint(document),
        "key_fingerprint": document["public_key_fingerprint"],
        "findings": document["findings"],
        "file_name": FILE_NAME.format(day=document["date"]),
        "agency_name": settings.AGENCY_NAME,
    }
    with translation.override("zh-hant"):
        subject = render_to_string("governance/email/trail_digest_subject.txt", context).strip()
        body = render_to_string("governance/email/trail_digest.txt", context)
    key = f"trail-digest:{document['date']}"
    already = set(Notification.objects.filter(key=key).values_list("recipient_id", flat=True))
    notices = [
        Notification(
            recipient_id=person.pk,
            kind=Notification.Kind.TRAIL_DIGEST,
            key=key,
            subject=subject[:300],
            body=body,
            email_wanted=True,
        )
        for person in people
        if person.pk not in already
    ]
    Notification.objects.bulk_create(notices, ignore_conflicts=True)
    return len(notices)


# ---------------------------------------------------------------- for the quarterly report


@dataclass(frozen=True)
class DigestSummary:
    date: str
    root: str
    signature_fingerprint: str
    key_fingerprint: str
    verified: bool | None  # None: no key configured here to check it with
    findings: int


def latest_summary(directory: str | os.PathLike | None = None) -> DigestSummary | None:
    """The latest digest's date, root and fingerprints, checked with the configured key."""
    files = digest_files(directory)
    if not files:
        return None
    try:
        document = read_digest(files[-1][1])
    except AnchorError:
        return DigestSummary(files[-1][0].isoformat(), "", "", "", False, 0)
    verified = None
    if settings.TRAIL_DIGEST_KEY_FILE:
        try:
            check_digest(document, trusted_public_key())
            verified = True
        except AnchorError:
            verified = False
    try:
        fingerprint = signature_fingerprint(document)
    except ValueError:
        fingerprint = ""
    return DigestSummary(
        date=document.get("date", files[-1][0].isoformat()),
        root=document.get("root", ""),
        signature_fingerprint=fingerprint,
        key_fingerprint=document.get("public_key_fingerprint", ""),
        verified=verified,
        findings=len(document.get("findings") or []),
    )
