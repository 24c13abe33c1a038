"""The execution group's meetings, as an application of the viewflow Site (執行小組會議)."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from governance.site import SiteApplication

from . import views


class MeetingsApp(SiteApplication):
    app_name = "meetings"
    title = _("執行小組會議")
    icon = "groups_2"

    @property
    def index_path(self):
        return path("", views.meeting_list, name="index")

    @property
    def meetings_path(self):
        return path("", include("meetings.urls"))
