"""URLs of the meetings app (/meetings/, "meetings" namespace); see meetings/site.py."""

from django.urls import path

from . import documents, meeting_documents, views

urlpatterns = [
    path("new/", views.meeting_new, name="new"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/agenda/", views.meeting_agenda, name="agenda"),
    path("<int:pk>/record/", views.meeting_record, name="record"),
    path("<int:pk>/change/", views.meeting_change, name="change"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="cancel"),
    # The meeting's papers (開會通知單, 議程, 會議紀錄), each as PDF/A and as ODT.
    *(
        path(
            f"<int:pk>/{kind}.{fmt}",
            views.meeting_paper,
            {"kind": kind, "fmt": fmt},
            name=f"{kind}_{fmt}",
        )
        for kind in meeting_documents.TITLES
        for fmt in (meeting_documents.PDF, meeting_documents.ODT)
    ),
    path("actions/<int:pk>/complete/", views.action_complete, name="action_complete"),
    # The plan's two documents, which the execution group writes.
    path(
        "plan-versions/<int:pk>/self-assessment.pdf",
        views.plan_document_pdf,
        {"kind": documents.SELF_ASSESSMENT},
        name="self_assessment_pdf",
    ),
    path(
        "plan-versions/<int:pk>/execution-report.pdf",
        views.plan_document_pdf,
        {"kind": documents.EXECUTION_REPORT},
        name="execution_report_pdf",
    ),
]
