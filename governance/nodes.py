"""The human task node our flows use: viewflow's View with our own claim page.

viewflow's stock assign page lists the process's raw fields (internal ids,
English names, AD dates) and speaks of "assign"; people here claim (認領) a
task from their unit's queue, and see the case they are taking.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from viewflow.workflow import flow
from viewflow.workflow.flow import utils
from viewflow.workflow.flow.views import AssignTaskView
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS


class ClaimTaskView(AssignTaskView):
    template_name = "governance/task_claim.html"
    success_message = _("已認領任務，請於收件匣辦理。")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        task = self.request.activation.task
        summarise = getattr(task.process.flow_class, "inbox_summaries", None)
        summary = summarise([task.process]).get(task.process_id, {}) if summarise else {}
        context.update(
            task_title=self.request.activation.flow_task.task_title,
            flow_title=task.process.flow_class.process_title,
            summary=summary,
        )
        return context


class HumanTask(flow.View):
    assign_view_class = ClaimTaskView

    @property
    def view_path(self):
        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/execute/",
            _answer_done_tasks(utils.wrap_view(self, self.view)),
            name="execute",
        )


def case_url(process):
    """The page of the case a process is about (the flow's `case_url`), else the inbox."""
    flow_case_url = getattr(process.flow_class, "case_url", None)
    return (flow_case_url(process) if flow_case_url else None) or reverse("workflow:inbox")


def _answer_done_tasks(wrapped):
    """A step already done by someone else (a double click, two heads at once) is answered
    with a message on the case page, not a refusal page: the loser of the race waited for
    the winner's lock and then found the task closed."""

    def view(request, *args, **kwargs):
        try:
            return wrapped(request, *args, **kwargs)
        except PermissionDenied:
            task = Task.objects.filter(pk=kwargs.get("task_pk")).select_related("process").first()
            if task is None or task.status in (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED):
                raise
            messages.info(request, gettext("此任務已完成，不需再處理。"))
            return redirect(case_url(task.process))

    return view
