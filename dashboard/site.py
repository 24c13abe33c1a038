"""The home page and the 管考 dashboard, as applications of the viewflow Site."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from governance.site import SiteApplication

from . import views


class HomeApp(SiteApplication):
    """The landing page: what this person has to do, by role."""

    app_name = "home"
    title = _("首頁")
    icon = "home"

    @property
    def index_path(self):
        return path("", views.home, name="index")

    @property
    def tracking_report_path(self):
        return path("tracking-report.pdf", views.tracking_report_pdf_view, name="tracking_report")


class DashboardApp(SiteApplication):
    """The 管考 dashboard: figures of every process, each one click from its list."""

    app_name = "dashboard"
    title = _("管考儀表板")
    icon = "insights"

    @property
    def index_path(self):
        return path("", views.dashboard, name="index")
