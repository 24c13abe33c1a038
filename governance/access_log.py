"""The personal-data access log (個資存取紀錄): every read of a person's appraisal evidence or
rewards, and every change of their roles, memberships or account status, as one append-only
hash chain.

Who (actor), whom (subject), what (action and detail), when, from where (the client address as
django-axes reads it, and the request id). Views record reads with `record_reads` (the request
gives the actor and the origin; a read is recorded once per request however many times the page
renders it); services record changes with `record_change` (the origin comes from the request
being handled, if any: AccessOriginMiddleware).

The chain is separate from the case trails (governance.trail) but built the same way: each
record's hash covers its previous hash, its sequence and the hash of its fields; the head row
holds the last hash, and is the row locked while appending, so writers take turns on SQLite and
PostgreSQL alike.
"""

import contextvars
import hashlib
import ipaddress
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timezone as dt_timezone

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from .models import PersonalDataAccess, PersonalDataAccessHead, User
from .request_id import NONE as NO_REQUEST_ID
from .request_id import current_request_id

GENESIS_HASH = "0" * 64
HEAD_PK = 1
# Who changed something when nobody logged in did: the directory sync, a management command.
SYSTEM_NAME = "系統"

Action = PersonalDataAccess.Action

# The request being handled, for services that record a change without being handed it.
current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "access_log_request", default=None
)


class AccessOriginMiddleware:
    """Keeps the request at hand while it is handled, for the origin of changes services record."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address as django-axes reads it (its AXES_* proxy settings, else
    REMOTE_ADDR), so the access log and the login lockout name the same address."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    address = get_client_ip_address(request)
    try:
        # One spelling of it (IPv6 compressed), and nothing that is not an address: the
        # column is an address type, and a read must not fail on a proxy's odd header.
        return ipaddress.ip_address(str(address)).compressed if address else None
    except ValueError:
        return None


def _request_id(request: HttpRequest | None) -> str:
    value = getattr(request, "request_id", None) or current_request_id.get()
    return "" if value == NO_REQUEST_ID else value


# ---------------------------------------------------------------- hashing


def _body(record: PersonalDataAccess) -> dict:
    """What the record says: every field but the chain's."""
    return {
        "occurred_at": record.occurred_at.astimezone(dt_timezone.utc).isoformat(),
        "actor_id": record.actor_id,
        "actor_name": record.actor_name,
        "subject_id": record.subject_id,
        "subject_name": record.subject_name,
        "action": record.action,
        "detail": record.detail,
        "ip_address": _canonical_address(record.ip_address),
        "request_id": record.request_id,
    }


def _canonical_address(value) -> str:
    # The database may hand an address back spelt otherwise than it was given (PostgreSQL's
    # inet, Django's IPv6 clean-up): hash one spelling of it.
    if not value:
        return ""
    try:
        return ipaddress.ip_address(str(value)).compressed
    except ValueError:
        return str(value)


def body_hash(record: PersonalDataAccess) -> str:
    text = json.dumps(_body(record), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compute_hash(record: PersonalDataAccess) -> str:
    """As the trail's scheme 2: over the previous hash, the sequence and the body's hash."""
    return hashlib.sha256(
        f"{record.previous_hash}:{record.sequence}:{body_hash(record)}".encode("ascii")
    ).hexdigest()


# ---------------------------------------------------------------- appending


def _person_name(person: User) -> str:
    return f"{person.get_full_name()}（{person.username}）"


def _locked_head() -> PersonalDataAccessHead:
    head = PersonalDataAccessHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is None:
        # The first record ever: of two first writers, one creates the head, the other's
        # insert fails on the key; both then lock the one head.
        try:
            with transaction.atomic():
                PersonalDataAccessHead.objects.create(pk=HEAD_PK, last_sequence=0, last_hash=GENESIS_HASH)
        except IntegrityError:
            pass
        head = PersonalDataAccessHead.objects.select_for_update().get(pk=HEAD_PK)
    return head


def _append(
    *,
    actor: User | None,
    actor_name: str,
    subjects: list[User],
    action: str,
    detail: str,
    request: HttpRequest | None,
) -> list[PersonalDataAccess]:
    if not subjects:
        return []
    occurred_at = timezone.now().replace(microsecond=0)
    address = client_address(request)
    request_id = _request_id(request)
    records = [
        PersonalDataAccess(
            occurred_at=occurred_at,
            actor=actor,
            actor_name=actor_name[:150],
            subject=subject,
            subject_name=_person_name(subject)[:150],
            action=Action(action).value,
            detail=detail[:500],
            ip_address=address,
            request_id=request_id[:64],
        )
        for subject in subjects
    ]
    # No savepoint: a failure here must roll back the caller's change (or refuse the read).
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        sequence, previous = head.last_sequence, head.last_hash
        for record in records:
            sequence += 1
            record.sequence, record.previous_hash = sequence, previous
            record.hash = previous = compute_hash(record)
        PersonalDataAccess.objects.bulk_create(records)
        head.last_sequence, head.last_hash = sequence, previous
        head.save(update_fields=["last_sequence", "last_hash"])
    return records


def record_reads(
    request: HttpRequest, action: str, subjects: Iterable[User], detail: str = ""
) -> list[PersonalDataAccess]:
    """The person logged in read these people's data: one record per person, once per request
    (a page that renders the same evidence twice, or asks twice, records it once).

    Call before the data is sent: if the record cannot be written, the read fails with it."""
    actor = request.user
    seen = request.__dict__.setdefault("_personal_data_reads", set())
    fresh, keys = [], set()
    for subject in subjects:
        key = (Action(action).value, subject.pk, detail)
        if key in seen or key in keys:
            continue
        keys.add(key)
        fresh.append(subject)
    records = _append(
        actor=actor,
        actor_name=_person_name(actor),
        subjects=fresh,
        action=action,
        detail=detail,
        request=request,
    )
    seen |= keys
    return records


def record_change(
    *, actor: User | None, subject: User, action: str, detail: str = "", actor_name: str = ""
) -> PersonalDataAccess:
    """A change of the person's roles, memberships or status, by `actor` (None: the system,
    named `actor_name` when given). Inside the caller's transaction, so the change and its
    record are stored together or not at all."""
    if actor is not None and not actor.pk:
        actor = None
    name = _person_name(actor) if actor is not None else (actor_name or SYSTEM_NAME)
    return _append(
        actor=actor,
        actor_name=name,
        subjects=[subject],
        action=action,
        detail=detail,
        request=current_request.get(),
    )[0]


# ---------------------------------------------------------------- verifying


@dataclass(frozen=True)
class AccessLogCheck:
    records: int
    ok: bool
    broken_sequence: int | None = None
    reason: str = ""

    def describe(self) -> str:
        if self.ok:
            return f"個資存取紀錄共 {self.records} 筆，驗證無誤"
        return f"個資存取紀錄第 {self.broken_sequence} 筆遭竄改或缺漏：{self.reason}"


def verify_access_log() -> AccessLogCheck:
    """Walk the whole chain in order, in one pass (memory stays flat however long the log)."""
    expected_previous, expected_sequence, count = GENESIS_HASH, 1, 0
    for record in PersonalDataAccess.objects.order_by("sequence").iterator(chunk_size=2000):
        count += 1
        if record.sequence != expected_sequence:
            return AccessLogCheck(count, False, expected_sequence, "序號不連續（有紀錄被刪除）")
        if record.previous_hash != expected_previous:
            return AccessLogCheck(count, False, record.sequence, "與前一筆的雜湊不符")
        if compute_hash(record) != record.hash:
            return AccessLogCheck(count, False, record.sequence, "紀錄內容與其雜湊不符")
        expected_previous = record.hash
        expected_sequence += 1
    head = PersonalDataAccessHead.objects.filter(pk=HEAD_PK).first()
    if head is None:
        if count:
            return AccessLogCheck(count, False, 1, "找不到存取紀錄的頭記錄")
        return AccessLogCheck(0, True)
    if head.last_sequence != count or head.last_hash != expected_previous:
        return AccessLogCheck(
            count,
            False,
            count + 1 if head.last_sequence > count else head.last_sequence,
            "最後一筆與頭記錄不符（尾端紀錄被刪除或竄改）",
        )
    return AccessLogCheck(count, True)
