from viewflow import jsonstore
from viewflow.workflow.models import Process


class BenchProcess(Process):
    """A bare process: its data lives in viewflow's JSON column, no table of its own."""

    unit_id = jsonstore.IntegerField(default=0)
    title = jsonstore.CharField(max_length=200, default="")

    class Meta:
        proxy = True
