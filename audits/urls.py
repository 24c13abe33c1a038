"""The audits pages, as an application of the viewflow Site (menu entry 缺失改善)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from governance.site import SiteApplication

from . import views


class AuditsApp(SiteApplication):
    app_name = "audits"
    title = _("缺失改善")
    icon = "fact_check"

    @property
    def index_path(self):
        return path("", views.audit_list, name="index")

    @property
    def register_path(self):
        return path("new/", views.audit_register, name="register")

    @property
    def audit_path(self):
        return path("<int:pk>/", views.audit_detail, name="audit")

    @property
    def correct_path(self):
        return path("<int:pk>/correct/", views.audit_correct, name="correct")

    @property
    def withdraw_path(self):
        return path("<int:pk>/withdraw/", views.audit_withdraw, name="withdraw")

    @property
    def audit_attachment_path(self):
        return path("<int:pk>/files/<int:attachment_pk>/", views.audit_attachment, name="audit_attachment")

    # The audit's 公文 papers: the 缺失改善辦理情形表 (PDF, ODT), the 函稿 replying to the
    # superior agency (ODT), and each review meeting's record (PDF, ODT).
    @property
    def status_table_pdf_path(self):
        return path(
            "<int:pk>/status-table.pdf",
            views.audit_status_table,
            {"document_format": "pdf"},
            name="status_table_pdf",
        )

    @property
    def status_table_odt_path(self):
        return path(
            "<int:pk>/status-table.odt",
            views.audit_status_table,
            {"document_format": "odt"},
            name="status_table_odt",
        )

    @property
    def reply_letter_path(self):
        return path("<int:pk>/reply-letter.odt", views.audit_reply_letter, name="reply_letter")

    @property
    def meeting_record_pdf_path(self):
        return path(
            "<int:pk>/meetings/<int:meeting_pk>/record.pdf",
            views.audit_meeting_record,
            {"document_format": "pdf"},
            name="meeting_record_pdf",
        )

    @property
    def meeting_record_odt_path(self):
        return path(
            "<int:pk>/meetings/<int:meeting_pk>/record.odt",
            views.audit_meeting_record,
            {"document_format": "odt"},
            name="meeting_record_odt",
        )

    @property
    def findings_path(self):
        return path("findings/", views.all_findings, name="findings")

    @property
    def unit_findings_path(self):
        return path("findings/unit/", views.unit_findings, name="unit_findings")

    # Each findings list as xlsx, ODS or CSV (?format=xlsx|ods|csv), with the page's filters.
    @property
    def findings_export_path(self):
        return path("findings/export/", views.finding_export, {"list_name": "all"}, name="findings_export")

    @property
    def unit_findings_export_path(self):
        return path(
            "findings/unit/export/", views.finding_export, {"list_name": "unit"}, name="unit_findings_export"
        )

    @property
    def finding_path(self):
        return path("findings/<int:pk>/", views.finding_detail, name="finding")

    @property
    def contribute_path(self):
        return path("findings/<int:pk>/contribute/", views.finding_contribute, name="contribute")

    @property
    def finding_attachment_path(self):
        return path(
            "findings/<int:pk>/files/<int:attachment_pk>/",
            views.finding_attachment,
            name="finding_attachment",
        )

    @property
    def finding_trail_pdf_path(self):
        return path("findings/<int:pk>/trail.pdf", views.finding_trail_pdf, name="finding_trail_pdf")

    @property
    def finding_file_remove_path(self):
        return path(
            "findings/<int:pk>/files/<int:attachment_pk>/remove/",
            views.finding_file_remove,
            name="finding_file_remove",
        )

    @property
    def finding_correct_due_date_path(self):
        return path(
            "findings/<int:pk>/due-date/", views.finding_correct_due_date, name="finding_correct_due_date"
        )
