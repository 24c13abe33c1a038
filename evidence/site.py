"""The evidence pages, as an application of the viewflow Site (menu entry 考績佐證)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from . import views as evidence_views


class EvidenceApp(Application):
    """Appraisal evidence (考績佐證): HR's list of people and PDFs, everyone's own."""

    app_name = "evidence"
    title = _("考績佐證")
    icon = "workspace_premium"
    menu_template_name = "governance/home_menu.html"

    def has_view_permission(self, user, obj=None):
        # viewflow's SiteMiddleware asks this for every page of the app, so it lets everyone
        # in: each view checks its own rules (HR for anyone's, a person for their own; the
        # index sends non-HR people to their own), and anonymous people go to the login page.
        return True

    @property
    def index_path(self):
        return path("", evidence_views.evidence_index, name="index")

    @property
    def mine_path(self):
        return path("mine/", evidence_views.evidence_mine, name="mine")

    @property
    def pdf_path(self):
        return path("people/<int:pk>.pdf", evidence_views.evidence_pdf, name="pdf")

    @property
    def batch_start_path(self):
        return path("batches/", evidence_views.evidence_batch_start, name="batch_start")

    @property
    def batch_path(self):
        return path("batches/<int:pk>/", evidence_views.evidence_batch, name="batch")

    @property
    def batch_progress_path(self):
        return path(
            "batches/<int:pk>/progress", evidence_views.evidence_batch_progress, name="batch_progress"
        )

    @property
    def batch_zip_path(self):
        return path("batches/<int:pk>/evidence.zip", evidence_views.evidence_batch_zip, name="batch_zip")

    @property
    def verify_path(self):
        return path("verify/", evidence_views.evidence_verify, name="verify")
