"""The proposals pages, as an application of the viewflow Site (menu entry 創意提案)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from governance.site import SiteApplication

from . import reward_export, views


class ProposalsApp(SiteApplication):
    app_name = "proposals"
    title = _("創意提案")
    icon = "lightbulb"

    @property
    def index_path(self):
        return path("", views.my_proposals, name="index")

    @property
    def unit_path(self):
        return path("unit/", views.unit_proposals, name="unit")

    @property
    def all_path(self):
        return path("all/", views.all_proposals, name="all")

    # Each list as xlsx, ODS or CSV (?format=xlsx|ods|csv), with the page's filters.
    @property
    def export_path(self):
        return path("export/", views.proposal_export, {"list_name": "mine"}, name="export")

    @property
    def unit_export_path(self):
        return path("unit/export/", views.proposal_export, {"list_name": "unit"}, name="unit_export")

    @property
    def all_export_path(self):
        return path("all/export/", views.proposal_export, {"list_name": "all"}, name="all_export")

    @property
    def rewards_export_path(self):
        # 獎勵清冊 for HR and the 管考 office (?year=, ?unit=, ?format=xlsx|ods|csv).
        return path("rewards/export/", reward_export.rewards_export, name="rewards_export")

    @property
    def create_path(self):
        return path("new/", views.proposal_create, name="create")

    @property
    def detail_path(self):
        return path("<int:pk>/", views.proposal_detail, name="detail")

    @property
    def edit_path(self):
        return path("<int:pk>/edit/", views.proposal_edit, name="edit")

    @property
    def submit_path(self):
        return path("<int:pk>/submit/", views.proposal_submit, name="submit")

    @property
    def withdraw_path(self):
        return path("<int:pk>/withdraw/", views.proposal_withdraw, name="withdraw")

    @property
    def attachment_path(self):
        return path("<int:pk>/files/<int:attachment_pk>/", views.attachment_download, name="attachment")

    @property
    def trail_pdf_path(self):
        return path("<int:pk>/trail.pdf", views.proposal_trail_pdf, name="trail_pdf")

    # The 創意提案單, to attach to a 簽: PDF/A to file, ODT to edit.
    @property
    def form_pdf_path(self):
        return path("<int:pk>/form.pdf", views.proposal_form_pdf, name="form_pdf")

    @property
    def form_odt_path(self):
        return path("<int:pk>/form.odt", views.proposal_form_odt, name="form_odt")

    @property
    def progress_file_remove_path(self):
        return path(
            "<int:pk>/files/<int:attachment_pk>/remove/",
            views.progress_file_remove,
            name="progress_file_remove",
        )

    @property
    def correct_due_date_path(self):
        return path("<int:pk>/due-date/", views.proposal_correct_due_date, name="correct_due_date")
