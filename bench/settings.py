"""Benchmark settings: the project's settings plus the minimal benchmark flow.

The bare flow is the baseline the benchmarks compare against.
"""

from governance.settings import *  # noqa: F401,F403
from governance.settings import INSTALLED_APPS, WORKFLOW_FLOWS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.benchflow"]
WORKFLOW_FLOWS = [*WORKFLOW_FLOWS, "bench.benchflow.flows.BenchFlow", "bench.benchflow.flows.TimerBareFlow"]
