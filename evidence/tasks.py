"""Background tasks of appraisal evidence. Thin: each calls evidence.batches, which holds the rules."""

import logging

from celery import shared_task

from governance.background import RecordedTask

from . import batches as evidence_batches

logger = logging.getLogger(__name__)


class EvidenceItemTask(RecordedTask):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        super().on_failure(exc, task_id, args, kwargs, einfo)
        try:
            evidence_batches.mark_item_failed(args[0] if args else kwargs["item_id"], exc)
        except Exception:  # the FailedTask record (or the log) already tells the administrator
            logger.exception("could not mark evidence item %s failed", args)


# Named as before the move to evidence/: messages already queued keep finding their task.
@shared_task(base=EvidenceItemTask, name="governance.render_evidence_item")
def render_evidence_item(item_id):
    evidence_batches.render_item(item_id)


@shared_task(base=RecordedTask, name="governance.requeue_stalled_evidence_items")
def requeue_stalled_evidence_items():
    return evidence_batches.requeue_stalled_items()
