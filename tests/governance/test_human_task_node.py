"""governance.nodes.HumanTask: a flow that routes a step two ways, or enters parallel
instances from a node that cannot make them, is refused when the flow class is defined."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.flow.views import UpdateProcessView

from bench.benchflow.models import BenchProcess
from governance.nodes import HumanTask, outcome_is


def step():
    return HumanTask(UpdateProcessView.as_view(fields=[])).Permission("governance.manage_tracking")


def test_a_step_routes_by_next_or_by_cases_not_both():
    with pytest.raises(ImproperlyConfigured, match="either .Next or .Case"):

        class Both(flow.Flow):  # noqa: F841
            process_class = BenchProcess
            start = flow.StartHandle().Next(this.review)
            review = step().Next(this.end).Case(this.end, outcome_is("accepted"))
            end = flow.End()


def test_parallel_instances_are_entered_from_a_human_task():
    with pytest.raises(ImproperlyConfigured, match="entered from a HumanTask"):

        class FromStart(flow.Flow):  # noqa: F841
            process_class = BenchProcess
            start = flow.StartHandle().Next(this.score)
            score = step().ForEach(lambda activation: [{}]).Next(this.end)
            end = flow.End()
