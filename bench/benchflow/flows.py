"""A minimal flow with ten human steps and no business logic.

Used by the benchmarks (and the inbox tests until real flows exist) as the
bare baseline: each step is queued for the heads of the process's unit.
"""

from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.flow.views import UpdateProcessView

from governance.models import Unit

from .models import BenchProcess

STEPS = 10


def unit_of(process):
    # An unsaved instance with the pk is enough for the owner-permission object.
    return Unit(pk=process.data.get("unit_id"))


def _step(next_node):
    return (
        flow.View(UpdateProcessView.as_view(fields=[]))
        .Permission("governance.review_unit_cases", obj=unit_of)
        .Next(next_node)
    )


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
        return {
            p.pk: {"case_number": f"B-{p.pk}", "title": p.data.get("title", "")}
            for p in processes
        }
