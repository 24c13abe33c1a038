"""The viewflow Site: one inbox, queue and archive across every flow.

Flows are listed in settings.WORKFLOW_FLOWS (dotted paths), so each app adds
its flow in one line and the benchmark can add its own.
"""

from django.conf import settings
from django.urls import path
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from viewflow.urls import Application, Site
from viewflow.workflow.flow.viewset import FlowViewset, NestedFlowsApp, WorkflowAppViewset

from . import access_log_views, notification_views, verification_views, views


class SiteApplication(Application):
    """An app's pages in the site: the site's own menu, and every view checks its own rules.

    viewflow's SiteMiddleware asks has_view_permission for every page of the app, so it lets
    everyone in: each view decides (and anonymous people are sent to the login page)."""

    menu_template_name = "governance/home_menu.html"

    def has_view_permission(self, user, obj=None):
        return True


class NotificationsApp(SiteApplication):
    """A person's own notifications and preferences: every page is about the person asking."""

    app_name = "notifications"
    title = _("通知")
    icon = "notifications"

    @property
    def index_path(self):
        return path("", notification_views.notification_list, name="index")

    @property
    def read_path(self):
        return path("read/", notification_views.notification_read, name="read")

    @property
    def settings_path(self):
        return path("settings/", notification_views.notification_settings, name="settings")


class TodoApp(SiteApplication):
    """待辦事項: the person's own duties from every source (governance.todo)."""

    app_name = "todo"
    title = _("待辦事項")
    icon = "checklist"

    @property
    def index_path(self):
        return path("", views.todo_list, name="index")

    @property
    def count_path(self):
        return path("count/", views.todo_count, name="count")


class VerifyApp(SiteApplication):
    """查驗文件: anyone logged in checks a printed document by its verification code."""

    app_name = "verify"
    title = _("查驗文件")
    icon = "verified"

    @property
    def index_path(self):
        return path("", verification_views.verify, name="index")

    @property
    def code_path(self):
        # The address printed on documents and held by their QR code (governance.verification).
        return path("<str:code>/", verification_views.verify, name="code")


class AccessLogApp(SiteApplication):
    """個資存取紀錄: auditors read and export it, HR per person, everyone their own."""

    app_name = "access-log"  # the address: /access-log/
    namespace = "access_log"
    title = _("個資存取紀錄")
    icon = "policy"

    @property
    def index_path(self):
        return path("", access_log_views.access_log_index, name="index")

    @property
    def export_path(self):
        return path("export/", access_log_views.access_log_export, name="export")

    @property
    def mine_path(self):
        return path("mine/", access_log_views.access_log_mine, name="mine")


class WorkflowApp(WorkflowAppViewset):
    """viewflow's workflow app with our own scalable inbox, queue and archive pages.

    Executing a task still uses viewflow's task views under flows/.
    """

    title = _("工作流程")
    menu_template_name = "governance/workflow_menu.html"

    # viewflow's bulk claim/release pages list every task of every unit on a plain POST; our
    # inbox and queue claim one task at a time, so these pages are not offered.
    tasks_assign_path = None
    tasks_unassign_path = None

    def __init__(self, flow_viewsets, **kwargs):
        super().__init__(flow_viewsets, **kwargs)
        # viewflow's /workflow/flows/ index cannot tell where to go (a 500): it leads to the inbox.
        for viewset in self.viewsets:
            if type(viewset) is NestedFlowsApp:
                viewset.__class__ = FlowsIndexToInbox

    def has_view_permission(self, user, obj=None):
        # Views require login themselves, so anonymous people are sent to the login page.
        return True

    @property
    def index_path(self):
        return path("", views.inbox, name="index")

    @property
    def inbox_path(self):
        return path("inbox/", views.inbox, name="inbox")

    @property
    def queue_path(self):
        return path("queue/", views.queue, name="queue")

    @property
    def archive_path(self):
        return path("archive/", views.archive, name="archive")

    def get_context_data(self, request):
        # The menu badges; viewflow's default counts whole querysets.
        return {}


class FlowsIndexToInbox(NestedFlowsApp):
    # The application of every task page: our list of pages, not viewflow's "back" link.
    menu_template_name = "governance/workflow_menu.html"

    @property
    def index_path(self):
        return path("", RedirectView.as_view(pattern_name="workflow:inbox"), name="index")


class FlowPages(FlowViewset):
    """A flow's task pages, with the site's own menu.

    viewflow's flow menu counts the person's whole inbox and queue on every task
    page (unbounded queries) and offers its stock lists; ours links to the
    scalable pages instead.
    """

    menu_template_name = "governance/workflow_menu.html"

    def get_context_data(self, request):
        return {}


def workflow_flows():
    return [import_string(dotted) for dotted in settings.WORKFLOW_FLOWS]


def build_site():
    return Site(
        title=settings.SITE_TITLE,
        # Our one list of pages (nav_links.html), checked per person, where an application
        # has not shown it already; viewflow's list of applications repeated it, unchecked.
        menu_template_name="governance/site_menu.html",
        viewsets=[
            import_string(settings.HOME_APPLICATION)(),
            NotificationsApp(),
            TodoApp(),
            VerifyApp(),
            AccessLogApp(),
            WorkflowApp(flow_viewsets=[FlowPages(flow) for flow in workflow_flows()]),
            *(import_string(dotted)() for dotted in settings.SITE_APPLICATIONS),
        ],
    )
