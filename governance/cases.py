"""A case's step: its state moves, its trail event is appended, its files are kept.

Proposals, audit findings (and their audits) and quarterly practice reports are cases: each
has a trail (`case_kind`, `trail_ref`) and, but for an audit, a `state` field. Their services
call these inside their own transaction, so the change, its files and its event are stored
together or not at all (governance.trail.record_event).
"""

from collections.abc import Iterable, Sequence

from django.core.files import File
from django.db import models

from .attachments import StoredFile, describe_upload
from .models import TrailEvent
from .trail import record_event

# Left as it is: the case's current state (a note, not a move).
CURRENT = object()


def store_attachments(
    model: type[models.Model], uploads: Iterable[File | tuple[File, StoredFile]], *, actor, **links
) -> list[models.Model]:
    """One `model` row per upload, linked by `links` (proposal=…, purpose=…), with what is kept
    of the file (governance.attachments.StoredFile; a model without a content_type field does
    not keep it). Each upload is checked and described here (describe_upload), or comes as an
    (upload, StoredFile) pair its caller described before its transaction."""
    keeps_content_type = any(f.name == "content_type" for f in model._meta.concrete_fields)
    stored = []
    for item in uploads:
        upload, kept = item if isinstance(item, tuple) else (item, describe_upload(item))
        extra = {"content_type": kept.content_type} if keeps_content_type else {}
        stored.append(
            model.objects.create(
                file=upload,
                name=kept.name,
                size=kept.size,
                sha256=kept.sha256,
                uploaded_by=actor,
                **extra,
                **links,
            )
        )
    return stored


def record_case_event(
    case,
    *,
    kind: str,
    actor,
    action: str,
    from_state=CURRENT,
    to_state=CURRENT,
    comment: str = "",
    attachments: Sequence = (),
) -> TrailEvent:
    """Append an event to the case's trail (`kind`, `case.trail_ref`), naming the stored
    `attachments` (rows with a name and a sha256). Both states are the case's current one
    unless given (a new case: from_state=""); a case without a state (an audit) has none."""
    current = getattr(case, "state", "")
    return record_event(
        case_kind=kind,
        case_ref=case.trail_ref,
        actor=actor,
        action=action,
        from_state=current if from_state is CURRENT else from_state,
        to_state=current if to_state is CURRENT else to_state,
        comment=comment,
        attachments=[{"name": a.name, "sha256": a.sha256} for a in attachments],
    )


def move_case(
    case,
    *,
    kind: str,
    actor,
    action: str,
    to_state: str,
    fields: Iterable[str] = (),
    comment: str = "",
    attachments: Sequence = (),
) -> TrailEvent:
    """Move the case to `to_state`, saving its state with `fields` (the other fields the step
    changed), and append the event from its former state to the new one."""
    from_state = case.state
    case.state = to_state
    case.save(update_fields=["state", *fields])
    return record_case_event(
        case,
        kind=kind,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        attachments=attachments,
    )
