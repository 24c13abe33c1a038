"""URLs of the plan app (/plan/, "plan" namespace); see plan/site.py."""

from django.urls import path

from . import export_views, views

urlpatterns = [
    path("", views.plan_list, name="index"),
    path("import/", views.plan_import, name="import"),
    path("<int:roc_year>/", views.plan_current, name="plan"),
    path("<int:roc_year>/v<int:number>/", views.plan_version, name="version"),
    path("<int:roc_year>/v<int:number>/changes/", views.plan_changes, name="changes"),
    # The version as a workbook to edit and import again.
    path("<int:roc_year>/v<int:number>/plan.xlsx", views.plan_file, {"fmt": "xlsx"}, name="xlsx"),
    path("<int:roc_year>/v<int:number>/plan.ods", views.plan_file, {"fmt": "ods"}, name="ods"),
    # The practices of a version as xlsx, ODS or CSV (?format=xlsx|ods|csv).
    path("<int:roc_year>/v<int:number>/practices/", export_views.practices_export, name="export_practices"),
]
