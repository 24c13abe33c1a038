"""The human task node our flows use: viewflow's View with our own claim page,
conditional outgoing flows and parallel instances.

viewflow's stock assign page lists the process's raw fields (internal ids,
English names, AD dates) and speaks of "assign"; people here claim (認領) a
task from their unit's queue, and see the case they are taking.

A step that ends in a decision routes on it itself (BPMN's conditional
sequence flows, `.Case(...)` / `.Default(...)`), and a step done by several
people at once is one node with parallel instances (BPMN's multi-instance
user task, `.ForEach(...)`): the flow goes on when the last instance is done.
viewflow's Switch, Split and Join would do the same with a task row and a
savepoint each, on every pass; a lifecycle runs eight of them.
"""

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.base import Edge
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.flow import utils
from viewflow.workflow.flow.views import AssignTaskView
from viewflow.workflow.models import Task
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.status import STATUS

from .inbox import case_page
from .permissions import can
from .roles import capability_of_permission

UNFINISHED = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


class ClaimTaskView(AssignTaskView):
    template_name = "governance/task_claim.html"

    def form_valid(self, *args, **kwargs):
        # As services' claims do (governance.workflow._claim): a stamped `assigned` says the
        # owner took the task themselves, so no notice tells them of it (notifications.task_notice).
        self.request.activation.task.assigned = timezone.now()
        return super().form_valid(*args, **kwargs)

    def _goes_on(self):
        return "_continue" in self.request.POST  # 認領並辦理, not 認領

    def get_success_url(self):
        # Not viewflow's process page, which only an administrator may open.
        if self._goes_on():
            task = self.request.activation.task
            return task.flow_task.reverse("execute", args=[task.process_id, task.pk])
        return reverse("workflow:inbox")

    def get_success_message(self, cleaned_data):
        return gettext("已認領任務。") if self._goes_on() else gettext("已認領任務，已放入您的收件匣。")

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


def record_outcome(activation, outcome):
    """A step's service names its outcome; the step's `.Case(...)` conditions read it.

    Kept in the task's data, which completing the task saves anyway."""
    activation.task.data["outcome"] = str(outcome)


def outcome_is(*outcomes):
    """A `.Case(...)` condition: the step's recorded outcome is one of `outcomes`."""
    return lambda activation: activation.task.data.get("outcome") in outcomes


class HumanTaskActivation(ViewActivation):
    @Activation.status.super()
    def create_next(self):
        node = self.flow_task.next_node(self)
        if node is None or not self.flow_task.last_instance_done(self):
            return
        if isinstance(node, HumanTask):
            yield from node.enter(self)
        else:
            yield node._create(self, self.task.token)


class HumanTask(flow.View):
    activation_class = HumanTaskActivation
    assign_view_class = ClaimTaskView

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._cases = []
        self._instances = None

    def Case(self, node, condition):
        """Go on to `node` when `condition(activation)` holds, the first that does."""
        self._cases.append((node, condition))
        return self

    def Default(self, node):
        """Go on to `node` when no `.Case` condition holds."""
        self._cases.append((node, None))
        return self

    def ForEach(self, instances):
        """One task per item of `instances(previous_activation)` (each a dict, the task's
        data), created together when the flow enters this node; the flow leaves it when the
        last of them is done."""
        self._instances = instances
        self._multi_instance = True
        return self

    def _resolve(self, instance):
        super()._resolve(instance)
        self._cases = [
            (this.resolve(instance, node), this.resolve(instance, condition))
            for node, condition in self._cases
        ]
        self._instances = this.resolve(instance, self._instances)

    def _ready(self):
        super()._ready()
        if self._cases and self._next:
            raise ImproperlyConfigured(f"{self.name}: use either .Next or .Case/.Default")
        if self._instances is not None:
            for edge in self._incoming():
                if not isinstance(edge.src, HumanTask):
                    raise ImproperlyConfigured(
                        f"{self.name}: a node with parallel instances is entered from a HumanTask"
                    )

    def _outgoing(self):
        if not self._cases:
            yield from super()._outgoing()
        for node, condition in self._cases:
            yield Edge(src=self, dst=node, edge_class="cond_true" if condition else "default")

    def can_assign(self, user, task):
        """viewflow's check, answered from the person's capabilities (one query, cached for
        the request) when the task's permission is one of ours: Django's has_perm asks the
        user's and the groups' permissions separately, then guardian's."""
        capability = capability_of_permission(task.owner_permission)
        if capability is None:
            return super().can_assign(user, task)
        if task.owner_id or user is None or not user.is_authenticated:
            return False
        unit = self._owner_permission_obj
        return can(user, capability, unit(task.process) if callable(unit) else unit)

    def can_unassign(self, user, task):
        """Only a claimed task not yet done is given back (viewflow's check asks only who
        owns it, so a former owner could open the page of a finished task)."""
        return task.status == STATUS.ASSIGNED and super().can_unassign(user, task)

    def next_node(self, activation):
        if not self._cases:
            return self._next
        for node, condition in self._cases:
            if condition is None or condition(activation):
                return node
        raise FlowRuntimeError(f"{self.name}：沒有符合的下一步（{activation.task.data}）")

    def last_instance_done(self, activation):
        if self._instances is None:
            return True
        return not Task.objects.filter(
            process_id=activation.task.process_id, flow_task=self, status__in=UNFINISHED
        ).exists()

    def enter(self, prev_activation):
        """The activations the flow creates on entering this node."""
        token = prev_activation.task.token
        if self._instances is None:
            return [self._create(prev_activation, token)]
        data = list(self._instances(prev_activation))
        if not data:
            raise FlowRuntimeError(f"{self.name}：沒有要建立的任務")
        return [self._create(prev_activation, token, data=item) for item in data]

    @property
    def view_path(self):
        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/execute/",
            _answer_done_tasks(utils.wrap_view(self, self.view)),
            name="execute",
        )

    @property
    def unassign_path(self):
        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/unassign/",
            _answer_done_tasks(utils.wrap_task_view(self, self.unassign_view, permission=self.can_unassign)),
            name="unassign",
        )


def case_url(process):
    """The page of the case a process is about (the flow's `case_url`), else the inbox."""
    return case_page(process) or reverse("workflow:inbox")


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
