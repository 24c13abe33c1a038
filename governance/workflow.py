"""Acting on a viewflow task from code (services, commands, the benchmark, tests).

What viewflow's task views do for a request, for any flow: lock the process,
claim the task when it is queued and the person may claim it, check that the
person owns it, and start it. The step function then changes the case and
executes the task, all in one transaction.
"""

import functools
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from viewflow.workflow import lock
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from . import notifications

# Every flow's lock: SELECT … FOR UPDATE on the process row, waiting for the holder rather
# than failing at once (viewflow's default NOWAIT gives up under a burst of clicks). One row
# per process, taken first in every step, so waiting cannot deadlock.
PROCESS_LOCK = lock.SelectForUpdateLock(nowait=False, attempts=3)

OPEN = (STATUS.NEW, STATUS.ASSIGNED)


class TaskNotOpen(PermissionDenied):
    """The task was done (or cancelled) by someone else a moment ago."""

    def __init__(self, task):
        who = task.owner.get_full_name() if task.owner_id else ""
        when = timezone.localtime(task.finished).strftime("%H:%M:%S") if task.finished else ""
        detail = _("（%(who)s %(when)s）") % {"who": who, "when": when} if who or when else ""
        super().__init__(_("此任務已完成，不需再處理%(detail)s。") % {"detail": detail})


def _claim(actor, task, activation):
    if not task.flow_task.can_assign(actor, task):
        raise PermissionDenied(_("您無法認領此任務"))
    task.assigned = timezone.now()  # viewflow's open-source code never sets it
    activation.assign(actor)  # saves the task


def require_task_owner(actor, activation):
    # viewflow's can_execute loads the owner row to compare; the ids are enough.
    if actor is None or not actor.is_authenticated or activation.task.owner_id != actor.pk:
        raise PermissionDenied(_("此任務未指派給您"))


def _open_under_lock(task):
    """The task and its process, read after the flow's lock on the process row is taken.

    Not one joined statement: a join locking the process row re-reads only that row after
    waiting, so the task's status would be the one from before the wait (a double click
    would run the step twice); locking the task row too would take the two locks in the
    other order from viewflow's views, which can deadlock."""
    return Task.objects.select_related("process").get(pk=task.pk)


@contextmanager
def started_task(actor, task):
    """The started activation of `task` for `actor`, under the process lock."""
    # The flow lock runs in a transaction already: no savepoint of our own.
    with task.process.flow_class.lock(task.process_id), transaction.atomic(savepoint=False):
        task = _open_under_lock(task)
        if task.status not in OPEN:
            raise TaskNotOpen(task)
        activation = task.flow_task.activation_class(task)
        if task.owner_id is None:
            _claim(actor, task, activation)
        require_task_owner(actor, activation)
        activation.start(None)
        yield activation


def run_task(actor, task, step, **kwargs):
    """Run a task step (a service taking actor and activation) as `actor`."""
    with started_task(actor, task) as activation:
        return step(actor=actor, activation=activation, **kwargs)


def claim_task(actor, task):
    """Take a queued task into one's inbox."""
    with task.process.flow_class.lock(task.process_id), transaction.atomic(savepoint=False):
        task = _open_under_lock(task)
        if task.status not in OPEN or task.owner_id is not None:
            raise (
                TaskNotOpen(task) if task.status not in OPEN else PermissionDenied(_("此任務已由他人認領。"))
            )
        _claim(actor, task, task.flow_task.activation_class(task))
        return task


@functools.cache
def flow_of(process_model):
    """The flow class (from settings.WORKFLOW_FLOWS) whose process model is `process_model`.

    A service starts or locks its process through this registry: the flow module names the
    services as its handlers, so the services cannot import the flow module in turn."""
    for dotted in settings.WORKFLOW_FLOWS:
        flow_class = import_string(dotted)
        if flow_class.process_class is process_model:
            return flow_class
    raise LookupError(f"no flow in WORKFLOW_FLOWS runs {process_model.__name__}")


def cancel_process(process) -> int:
    """Cancel a process and its open tasks, as a case is withdrawn: they leave every inbox and
    queue, and the notices of them are marked read. Call inside the case's transaction, under
    its flow's lock. Returns how many tasks were cancelled."""
    now = timezone.now()
    tasks = Task.objects.filter(
        process_id=process.pk, status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED, STATUS.SCHEDULED]
    )
    cancelled = list(tasks.values_list("pk", flat=True))
    tasks.update(status=STATUS.CANCELED, finished=now)
    process.status, process.finished = STATUS.CANCELED, now
    process.save(update_fields=["status", "finished"])
    for pk in cancelled:
        notifications.settle(f"task:{pk}:")
    return len(cancelled)


def hand_over(task, *, owner, owner_permission: str, told: bool) -> None:
    """Give an open task, unfinished, to someone else, under another permission (a member who
    declares 迴避 hands their score task to the 管考 office, which hands it to the member who
    replaces them). With no owner it waits in the queue of those holding the permission.
    `told`: the service tells the new owner itself, so the task's own notice says nothing
    (as of a claim, governance.notifications.task_notice). Call under the process lock."""
    notifications.settle(f"task:{task.pk}:")  # the notices of the task as it was are handled
    task.owner = owner
    task.status = STATUS.ASSIGNED if owner else STATUS.NEW
    task.assigned = timezone.now() if owner and told else None
    task.started = None
    task.owner_permission = owner_permission
    task.owner_permission_content_type = None
    task.owner_permission_obj_pk = None
    task.save()
