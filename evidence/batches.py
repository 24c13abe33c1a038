"""Evidence batches: HR asks for the PDFs of a unit (or everyone) for a period; each person
is rendered by a background task (evidence.tasks.render_evidence_item), and the ZIP is
made from the finished items when HR downloads it.

Rendering an item is idempotent: a task delivered twice (a worker killed mid-way, a retry)
finds the item done and does nothing, and the PDF with its issue record (EvidenceDocument)
is written in one transaction with the item, so a crash leaves neither. A task the broker
lost altogether is queued again by the beat (requeue_stalled_items).
"""

import datetime
import tempfile
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import Unit, User
from governance.periods import period_label

from . import documents
from . import tasks as evidence_tasks
from .models import EvidenceBatch, EvidenceBatchItem
from .selectors import appraisal_evidence, people_in_period


def _require_hr(actor):
    if not documents.may_read_all_evidence(actor):
        raise PermissionDenied(_("只有人事室可以產製全部人員的考績佐證。"))


# ---------------------------------------------------------------- services


def start_evidence_batch(
    *,
    actor: User,
    start: datetime.date,
    end: datetime.date,
    unit: Unit | None = None,
    with_items: bool = False,
) -> EvidenceBatch:
    """Create the batch with one item per person, and queue their rendering once committed."""
    _require_hr(actor)
    if start > end:
        raise ValueError("期間起日晚於迄日。")
    with transaction.atomic():
        batch = EvidenceBatch.objects.create(
            requested_by=actor, start=start, end=end, unit=unit, with_items=with_items
        )
        EvidenceBatchItem.objects.bulk_create(
            EvidenceBatchItem(
                batch=batch,
                person=person,
                position=position,
                filename=documents.evidence_filename(person, start, end),
            )
            for position, (person, _unit) in enumerate(people_in_period(start, end, unit), start=1)
        )
        item_ids = list(batch.items.values_list("pk", flat=True))
        transaction.on_commit(lambda: _queue(item_ids))
    return batch


def _queue(item_ids):
    for item_id in item_ids:
        evidence_tasks.render_evidence_item.delay(item_id)


def render_item(item_id: int) -> None:
    """Render one person's PDF of a batch, unless it is already done."""
    with transaction.atomic():
        item = (
            # Only the item's row: locking the joined batch row too would make every worker
            # wait for the one rendering (measured: two workers no faster than one).
            EvidenceBatchItem.objects.select_for_update(of=("self",))
            .select_related("batch__requested_by", "person")
            .filter(pk=item_id, done_at__isnull=True)
            .first()
        )
        if item is None:  # done already (a redelivered task), or the batch was deleted
            return
        batch = item.batch
        evidence = appraisal_evidence(item.person, batch.start, batch.end)
        item.fingerprint = evidence.fingerprint
        if batch.with_items and not evidence.has_items:
            item.skipped = True
        else:
            item.content = documents.appraisal_evidence_pdf(evidence, generated_by=batch.requested_by)
        item.done_at = timezone.now()
        item.failed_at, item.error = None, ""
        item.save(update_fields=["fingerprint", "skipped", "content", "done_at", "failed_at", "error"])


def requeue_stalled_items(now: datetime.datetime | None = None) -> int:
    """Queue again every item neither done nor failed long after it was queued.

    The broker may lose a task (see EVIDENCE_REQUEUE_AFTER_SECONDS); rendering is idempotent,
    so a task queued twice renders once. Returns how many items were queued again."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.EVIDENCE_REQUEUE_AFTER_SECONDS)
    with transaction.atomic():
        # skip_locked: an item being rendered right now is not stalled.
        item_ids = list(
            EvidenceBatchItem.objects.select_for_update(skip_locked=True)
            .filter(done_at__isnull=True, failed_at__isnull=True, queued_at__lt=cutoff)
            .values_list("pk", flat=True)
        )
        if item_ids:
            EvidenceBatchItem.objects.filter(pk__in=item_ids).update(queued_at=now)
            transaction.on_commit(lambda: _queue(item_ids))
    return len(item_ids)


def mark_item_failed(item_id: int, error: BaseException | str) -> None:
    """A task that failed for good: the batch shows it, so HR sees who is missing."""
    EvidenceBatchItem.objects.filter(pk=item_id, done_at__isnull=True).update(
        failed_at=timezone.now(), error=str(error)[:2000]
    )


# ---------------------------------------------------------------- selectors


@dataclass(frozen=True)
class BatchProgress:
    total: int
    done: int
    skipped: int
    failed: int

    @property
    def finished(self):
        return self.done + self.failed >= self.total

    @property
    def files(self):
        return self.done - self.skipped


def progress(batch: EvidenceBatch) -> BatchProgress:
    """Counts of the batch's items, in one query."""
    counts = batch.items.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(done_at__isnull=False)),
        skipped=Count("pk", filter=Q(skipped=True)),
        failed=Count("pk", filter=Q(done_at__isnull=True, failed_at__isnull=False)),
    )
    return BatchProgress(**counts)


def batch_for(actor: User, pk: int) -> EvidenceBatch:
    """A batch HR may read; anyone else is refused."""
    _require_hr(actor)
    return EvidenceBatch.objects.select_related("unit", "requested_by").get(pk=pk)


def recent_batches(actor: User, limit: int = 10) -> list[EvidenceBatch]:
    _require_hr(actor)
    batches = list(
        EvidenceBatch.objects.select_related("unit", "requested_by").annotate(
            total=Count("items"),
            done=Count("items", filter=Q(items__done_at__isnull=False)),
            failed=Count("items", filter=Q(items__done_at__isnull=True, items__failed_at__isnull=False)),
        )[:limit]
    )
    for batch in batches:
        batch.finished = batch.done + batch.failed >= batch.total
    return batches


def failed_items(batch: EvidenceBatch) -> list[EvidenceBatchItem]:
    return list(
        batch.items.filter(done_at__isnull=True, failed_at__isnull=False)
        .select_related("person")
        .only("person__full_name", "person__username", "error")
    )


def zip_filename(batch: EvidenceBatch) -> str:
    who = batch.unit.name if batch.unit else "全部人員"
    return f"考績佐證-{period_label(batch.start, batch.end)}-{who}.zip"


def people_in_zip(batch: EvidenceBatch) -> list[User]:
    """The people whose PDFs the batch's ZIP holds (done, not skipped), in its order."""
    # Not the items themselves: their PDFs are large and not needed here.
    in_zip = batch.items.filter(done_at__isnull=False, skipped=False).values("person_id")
    return list(User.objects.filter(pk__in=in_zip).order_by("pk"))


def write_zip(batch: EvidenceBatch) -> tempfile.SpooledTemporaryFile:
    """The finished items' PDFs as a ZIP in a temporary file (in memory while small)."""
    archive_file = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
    rows = (
        batch.items.filter(done_at__isnull=False, skipped=False)
        .order_by("position")
        .values_list("filename", "content")
        .iterator(chunk_size=20)
    )
    with zipfile.ZipFile(archive_file, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, content in rows:
            archive.writestr(filename, bytes(content))
    archive_file.seek(0)
    return archive_file
