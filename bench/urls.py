"""The project's URLs plus viewflow's stock workflow app under /stock/, for comparison.

Used only by the benchmark (bench/settings_stock.py): the stock inbox and queue
are measured against ours on the same data.
"""

from django.urls import include, path
from viewflow.urls import Site
from viewflow.workflow.flow.viewset import FlowViewset, WorkflowAppViewset

from bench.benchflow.flows import BenchFlow

stock_site = Site(
    title="viewflow stock",
    viewsets=[WorkflowAppViewset(flow_viewsets=[FlowViewset(BenchFlow)])],
)
stock_site.app_name = stock_site.namespace = "stock"

urlpatterns = [
    path("stock/", stock_site.urls),
    path("", include("governance.urls")),
]
