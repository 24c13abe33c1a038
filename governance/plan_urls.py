"""URLs of the plan app; see governance/plan_site.py."""

from django.urls import path

from . import plan_views

urlpatterns = [
    path("", plan_views.plan_list, name="index"),
    path("import/", plan_views.plan_import, name="import"),
    path("<int:roc_year>/", plan_views.plan_current, name="plan"),
    path("<int:roc_year>/v<int:number>/", plan_views.plan_version, name="version"),
    path("<int:roc_year>/v<int:number>/changes/", plan_views.plan_changes, name="changes"),
    path("<int:roc_year>/v<int:number>/plan.xlsx", plan_views.plan_xlsx, name="xlsx"),
]
