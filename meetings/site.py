"""The execution group's meetings, as an application of the viewflow Site (執行小組會議)."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from . import views


class MeetingsApp(Application):
    app_name = "meetings"
    title = _("執行小組會議")
    icon = "groups_2"
    menu_template_name = "governance/home_menu.html"

    def has_view_permission(self, user, obj=None):
        # Each view checks its own rules; anonymous people go to the login page.
        return True

    @property
    def index_path(self):
        return path("", views.meeting_list, name="index")

    @property
    def meetings_path(self):
        return path("", include("meetings.urls"))
