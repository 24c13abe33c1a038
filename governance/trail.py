"""The event trail: append one event per state change, verify the chains.

Services of every app call `record_event` inside their own transaction, so a
state change and its event are stored together or not at all.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import timezone as dt_timezone

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import TrailEvent, TrailHead

GENESIS_HASH = "0" * 64


def file_fingerprint(fileobj):
    """SHA-256 of an uploaded or stored file, read in chunks."""
    digest = hashlib.sha256()
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(65536), b""):
        digest.update(chunk)
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    return digest.hexdigest()


def _body(event):
    """What happened: every field but the chain's."""
    return {
        "case_kind": event.case_kind,
        "case_ref": event.case_ref,
        "occurred_at": event.occurred_at.astimezone(dt_timezone.utc).isoformat(),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "comment": event.comment,
        "attachments": event.attachments,
    }


def _canonical(data):
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_content(event):
    """The canonical text of a scheme-1 event's hash: its content and previous_hash."""
    return _canonical({**_body(event), "sequence": event.sequence, "previous_hash": event.previous_hash})


def body_hash(event):
    """SHA-256 of the canonical text of what happened (scheme 2)."""
    return hashlib.sha256(_canonical(_body(event)).encode("utf-8")).hexdigest()


def chain_hash(previous_hash, sequence, body):
    """Scheme 2: the event's hash over the previous hash, its sequence and its body's hash.

    Plain enough for PostgreSQL to compute in the append statement (_APPEND_SQL)."""
    return hashlib.sha256(f"{previous_hash}:{sequence}:{body}".encode("ascii")).hexdigest()


def compute_hash(event):
    if event.scheme == 1:
        return hashlib.sha256(event_content(event).encode("utf-8")).hexdigest()
    return chain_hash(event.previous_hash, event.sequence, body_hash(event))


# One statement per event on PostgreSQL: create or advance the case's head (its row lock
# orders two writers; SET reads the row's values before the update) and insert the event
# from what it returns.
_NEXT_HASH = (
    "encode(sha256(convert_to({previous} || ':' || ({sequence})::text || ':' || %(body)s, 'UTF8')), 'hex')"
)
_APPEND_SQL = """
WITH head AS (
    INSERT INTO governance_trailhead AS h (case_kind, case_ref, last_sequence, previous_hash, last_hash)
    VALUES (%(case_kind)s, %(case_ref)s, 1, %(genesis)s, {first_hash})
    ON CONFLICT (case_kind, case_ref) DO UPDATE
    SET last_sequence = h.last_sequence + 1, previous_hash = h.last_hash, last_hash = {next_hash}
    RETURNING last_sequence, previous_hash, last_hash
)
INSERT INTO governance_trailevent (
    case_kind, case_ref, sequence, occurred_at, actor_id, actor_name, action, from_state,
    to_state, comment, attachments, previous_hash, content_hash, scheme
)
SELECT %(case_kind)s, %(case_ref)s, head.last_sequence, %(occurred_at)s, %(actor_id)s,
    %(actor_name)s, %(action)s, %(from_state)s, %(to_state)s, %(comment)s,
    %(attachments)s::jsonb, head.previous_hash, head.last_hash, 2
FROM head
RETURNING id, sequence, previous_hash, content_hash
""".format(
    first_hash=_NEXT_HASH.format(previous="%(genesis)s", sequence="1"),
    next_hash=_NEXT_HASH.format(previous="h.last_hash", sequence="h.last_sequence + 1"),
)


def record_event(
    *,
    case_kind,
    case_ref,
    actor,
    action,
    from_state="",
    to_state="",
    comment="",
    attachments=(),
):
    """Append an event to a case's chain.

    `attachments` is a sequence of {"name": ..., "sha256": ...}. The head row
    is locked, so two writers on one case append one after the other.
    """
    event = TrailEvent(
        case_kind=case_kind,
        case_ref=case_ref,
        occurred_at=timezone.now().replace(microsecond=0),
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor.get_full_name() if actor is not None else "系統",
        action=action,
        from_state=from_state or "",
        to_state=to_state or "",
        comment=comment or "",
        attachments=[{"name": a["name"], "sha256": a["sha256"]} for a in attachments],
        scheme=2,
    )
    # No savepoint: an error here must roll back the caller's change with it anyway.
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            _append_in_sql(event)
        else:
            _append_in_python(event)
    return event


def _create_head(case_kind, case_ref):
    # A case's first event (SQLite): of two first writers, one creates the head, the other's
    # insert fails on the unique key; both then append to the one head.
    try:
        with transaction.atomic():
            TrailHead.objects.create(
                case_kind=case_kind, case_ref=case_ref, last_sequence=0, last_hash=GENESIS_HASH
            )
    except IntegrityError:
        pass


def _append_in_sql(event):
    """Append on PostgreSQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            _APPEND_SQL,
            {
                **_body(event),
                "occurred_at": event.occurred_at,
                "attachments": json.dumps(event.attachments, ensure_ascii=False),
                "genesis": GENESIS_HASH,
                "body": body_hash(event),
            },
        )
        event.pk, event.sequence, event.previous_hash, event.content_hash = cursor.fetchone()
    event._state.adding, event._state.db = False, connection.alias


def _append_in_python(event):
    """Append elsewhere (SQLite): lock the head, insert, move the head."""
    head = (
        TrailHead.objects.select_for_update()
        .filter(case_kind=event.case_kind, case_ref=event.case_ref)
        .first()
    )
    if head is None:
        _create_head(event.case_kind, event.case_ref)
        head = TrailHead.objects.select_for_update().get(case_kind=event.case_kind, case_ref=event.case_ref)
    event.sequence = head.last_sequence + 1
    event.previous_hash = head.last_hash
    event.content_hash = compute_hash(event)
    event.save()
    head.previous_hash, head.last_hash = head.last_hash, event.content_hash
    head.last_sequence = event.sequence
    head.save(update_fields=["last_sequence", "previous_hash", "last_hash"])


@dataclass(frozen=True)
class ChainCheck:
    case_kind: str
    case_ref: str
    events: int
    ok: bool
    broken_sequence: int | None = None
    reason: str = ""

    def describe(self):
        if self.ok:
            return f"{self.case_kind}:{self.case_ref} 共 {self.events} 筆事件，驗證無誤"
        return f"{self.case_kind}:{self.case_ref} 第 {self.broken_sequence} 筆事件遭竄改或缺漏：{self.reason}"


def verify_case(case_kind, case_ref):
    events = TrailEvent.objects.filter(case_kind=case_kind, case_ref=case_ref).order_by("sequence")
    head = TrailHead.objects.filter(case_kind=case_kind, case_ref=case_ref).first()
    return _check_chain(case_kind, case_ref, events.iterator(), head)


def _check_chain(case_kind, case_ref, events, head):
    expected_previous = GENESIS_HASH
    expected_sequence = 1
    count = 0
    for event in events:
        count += 1
        if event.sequence != expected_sequence:
            return ChainCheck(
                case_kind, case_ref, count, False, expected_sequence, "事件序號不連續（有事件被刪除）"
            )
        if event.previous_hash != expected_previous:
            return ChainCheck(case_kind, case_ref, count, False, event.sequence, "與前一事件的雜湊不符")
        if compute_hash(event) != event.content_hash:
            return ChainCheck(case_kind, case_ref, count, False, event.sequence, "事件內容與其雜湊不符")
        expected_previous = event.content_hash
        expected_sequence += 1
    if head is None:
        if count:
            return ChainCheck(case_kind, case_ref, count, False, 1, "找不到案件的軌跡頭記錄")
        return ChainCheck(case_kind, case_ref, 0, True)
    if head.last_sequence != count or head.last_hash != expected_previous:
        return ChainCheck(
            case_kind,
            case_ref,
            count,
            False,
            count + 1 if head.last_sequence > count else head.last_sequence,
            "最後事件與軌跡頭記錄不符（尾端事件被刪除或竄改）",
        )
    return ChainCheck(case_kind, case_ref, count, True)


def verify_all():
    """Check every chain; yields one ChainCheck per case, in case order.

    Reads events in one ordered pass, so memory stays flat however long the trail.
    """
    heads = {(h.case_kind, h.case_ref): h for h in TrailHead.objects.all().iterator()}
    seen = set()
    current_key, current_events = None, []
    for event in TrailEvent.objects.order_by("case_kind", "case_ref", "sequence").iterator(chunk_size=2000):
        key = (event.case_kind, event.case_ref)
        if key != current_key:
            if current_key is not None:
                seen.add(current_key)
                yield _check_chain(*current_key, current_events, heads.get(current_key))
            current_key, current_events = key, []
        current_events.append(event)
    if current_key is not None:
        seen.add(current_key)
        yield _check_chain(*current_key, current_events, heads.get(current_key))
    # A head whose events were all deleted.
    for key, head in sorted(heads.items()):
        if key not in seen:
            yield _check_chain(*key, [], head)


def case_events(case_kind, case_ref):
    """The case's events in order, for history pages and PDF trails."""
    return list(TrailEvent.objects.filter(case_kind=case_kind, case_ref=case_ref).order_by("sequence"))
