"""The plan app (服務品質計畫): the plan and its versions, xlsx and ODS import and export, and the
quarterly tracking of its practices. Each part keeps its own URL module."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from governance.site import SiteApplication


class PlanApp(SiteApplication):
    app_name = "plan"
    title = _("服務品質計畫")
    icon = "event_note"

    @property
    def plan_path(self):
        # The plan, its versions and their differences, xlsx and ODS import and export.
        return path("", include("plan.urls"))

    @property
    def practice_reports_path(self):
        # Quarterly tracking of the practices: units report, heads confirm, 管考 sees all.
        return path("reports/", include("plan.practice_report_urls"))
