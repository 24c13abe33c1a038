"""URLs of the plan app's dashboards; see governance/plan_site.py."""

from django.urls import path

from . import dashboard_views

urlpatterns = [
    path("", dashboard_views.dashboard, name="dashboard"),
]
