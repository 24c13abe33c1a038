"""URLs of the plan app; see governance/plan_site.py. Included at /plan/meetings/ ("plan" namespace)."""

from django.urls import path

from . import meeting_views, plan_documents

urlpatterns = [
    path("", meeting_views.meeting_list, name="meetings"),
    path("new/", meeting_views.meeting_new, name="meeting_new"),
    path("<int:pk>/", meeting_views.meeting_detail, name="meeting"),
    path("<int:pk>/agenda/", meeting_views.meeting_agenda, name="meeting_agenda"),
    path("<int:pk>/record/", meeting_views.meeting_record, name="meeting_record"),
    path("actions/<int:pk>/complete/", meeting_views.action_complete, name="meeting_action_complete"),
    path("plan-versions/<int:pk>/self-assessment.pdf", meeting_views.plan_document_pdf,
         {"kind": plan_documents.SELF_ASSESSMENT}, name="self_assessment_pdf"),
    path("plan-versions/<int:pk>/execution-report.pdf", meeting_views.plan_document_pdf,
         {"kind": plan_documents.EXECUTION_REPORT}, name="execution_report_pdf"),
]
