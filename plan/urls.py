"""URLs of the plan app (/plan/, "plan" namespace); see plan/site.py."""

from django.urls import path

from . import draft_views, export_views, views

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
    # Next year's plan as a draft (管考 office only) until it is approved as its version 1.
    path("<int:roc_year>/next-year/", draft_views.draft_start, name="draft_start"),
    path("drafts/<int:roc_year>/", draft_views.draft_detail, name="draft"),
    path("drafts/<int:roc_year>/draft.xlsx", draft_views.draft_file, {"fmt": "xlsx"}, name="draft_xlsx"),
    path("drafts/<int:roc_year>/draft.ods", draft_views.draft_file, {"fmt": "ods"}, name="draft_ods"),
    path("drafts/<int:roc_year>/upload/", draft_views.draft_upload, name="draft_upload"),
    path("drafts/<int:roc_year>/changes/", draft_views.draft_changes, name="draft_changes"),
    path("drafts/<int:roc_year>/approve/", draft_views.draft_approve, name="draft_approve"),
    path("drafts/<int:roc_year>/discard/", draft_views.draft_discard, name="draft_discard"),
]
