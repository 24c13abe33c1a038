"""Minimal flows of human steps with no business logic: the benchmarks' bare baselines.

BenchFlow (ten steps) is used by the inbox benchmark and the inbox tests: each
step is queued for the heads of the process's unit. LifecycleBareFlow (eleven
steps) is the baseline of bench/lifecycle.py: as many human tasks as a complete
proposal lifecycle, the same ones assigned on creation, the others queued.
"""

from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.flow.views import UpdateProcessView

from governance.models import Unit, User
from governance.roles import Capability, permission_name

from .models import BenchProcess

STEPS = 10


def unit_of(process):
    # An unsaved instance with the pk is enough for the owner-permission object.
    return Unit(pk=process.data.get("unit_id"))


def owner_if_listed(activation):
    """The process's owner for the steps its data lists as assigned on creation, else queued."""
    data = activation.process.data
    if activation.flow_task.name in data.get("assigned_steps", ()):
        # As for the unit: an unsaved instance with the pk is all task.owner needs.
        return User(pk=data["owner_id"])
    return None


def _step(next_node, owner=None):
    node = flow.View(UpdateProcessView.as_view(fields=[])).Permission(
        permission_name(Capability.REVIEW_UNIT_CASES), obj=unit_of
    )
    if owner is not None:
        node = node.Assign(owner)
    return node.Next(next_node)


class BenchFlow(flow.Flow):
    process_class = BenchProcess
    lock_impl = lock.select_for_update_lock
    process_title = "基準測試流程"

    start = flow.StartHandle(this.start_process).Next(this.step_1)
    step_1 = _step(this.step_2)
    step_2 = _step(this.step_3)
    step_3 = _step(this.step_4)
    step_4 = _step(this.step_5)
    step_5 = _step(this.step_6)
    step_6 = _step(this.step_7)
    step_7 = _step(this.step_8)
    step_8 = _step(this.step_9)
    step_9 = _step(this.step_10)
    step_10 = _step(this.end)
    end = flow.End()

    def start_process(self, activation, unit_id, title):
        activation.process.data = {"unit_id": unit_id, "title": title}
        return activation.process

    @classmethod
    def inbox_summaries(cls, processes):
        return {p.pk: {"case_number": f"B-{p.pk}", "title": p.data.get("title", "")} for p in processes}


class LifecycleBareFlow(flow.Flow):
    """Eleven human steps in a row, the baseline of a complete proposal lifecycle.

    A proposal's complete lifecycle in bench/lifecycle.py has eleven human tasks:
    first review, assign reviewers, two scores, decision, execution plan, two
    progress reports each approved by the head, evaluation. Some are assigned on
    creation, the others wait in a queue and are claimed first. The benchmark
    starts each process with the steps to assign on creation (those of our
    lifecycle, as it measured them) in process.data["assigned_steps"].
    """

    process_class = BenchProcess
    lock_impl = lock.select_for_update_lock
    process_title = "基準測試流程（案件生命週期）"

    start = flow.StartHandle(this.start_process).Next(this.step_1)
    step_1 = _step(this.step_2, owner_if_listed)
    step_2 = _step(this.step_3, owner_if_listed)
    step_3 = _step(this.step_4, owner_if_listed)
    step_4 = _step(this.step_5, owner_if_listed)
    step_5 = _step(this.step_6, owner_if_listed)
    step_6 = _step(this.step_7, owner_if_listed)
    step_7 = _step(this.step_8, owner_if_listed)
    step_8 = _step(this.step_9, owner_if_listed)
    step_9 = _step(this.step_10, owner_if_listed)
    step_10 = _step(this.step_11, owner_if_listed)
    step_11 = _step(this.end, owner_if_listed)
    end = flow.End()

    def start_process(self, activation, unit_id, title, owner_id, assigned_steps=()):
        activation.process.data = {
            "unit_id": unit_id,
            "title": title,
            "owner_id": owner_id,
            "assigned_steps": list(assigned_steps),
        }
        return activation.process

    @classmethod
    def inbox_summaries(cls, processes):
        return BenchFlow.inbox_summaries(processes)


def _timer_delay(activation):
    import datetime

    return datetime.timedelta(seconds=activation.process.data.get("wait_seconds", 60))


class TimerBareFlow(flow.Flow):
    """Start, wait (a viewflow Timer), end: the tests' check that Celery beat's
    governance.fire_due_timers fires viewflow's database timers."""

    process_class = BenchProcess
    lock_impl = lock.select_for_update_lock
    process_title = "計時測試流程"

    start = flow.StartHandle(this.start_process).Next(this.wait)
    wait = flow.Timer(_timer_delay).Next(this.end)
    end = flow.End()

    def start_process(self, activation, wait_seconds):
        activation.process.data = {"wait_seconds": wait_seconds, "title": "計時"}
        return activation.process
