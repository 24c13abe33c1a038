"""The evidence pages, as an application of the viewflow Site (menu entry 考績佐證)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from governance.site import SiteApplication

from . import views as evidence_views


class EvidenceApp(SiteApplication):
    """Appraisal evidence (考績佐證): HR's list of people and PDFs, everyone's own."""

    app_name = "evidence"
    title = _("考績佐證")
    icon = "workspace_premium"

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
