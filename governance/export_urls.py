"""URLs of the plan app; see governance/plan_site.py. Exports: ?format=xlsx (default) or csv."""

from django.urls import path

from . import export_views

urlpatterns = [
    path("<int:roc_year>/v<int:number>/practices/", export_views.practices_export, name="export_practices"),
    path("rewards/", export_views.rewards_export, name="export_rewards"),
]
