"""The human task node our flows use: viewflow's View with our own claim page.

viewflow's stock assign page lists the process's raw fields (internal ids,
English names, AD dates) and speaks of "assign"; people here claim (認領) a
task from their unit's queue, and see the case they are taking.
"""

from django.utils.translation import gettext_lazy as _
from viewflow.workflow import flow
from viewflow.workflow.flow.views import AssignTaskView


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
