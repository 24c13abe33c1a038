"""The innovation proposal lifecycle (創意提案), as DOMAIN.md draws it.

submit ─▶ first review ─┬─ returned ─▶ revise ─▶ first review …
                        ├─ not accepted ─▶ end
                        └─ accepted ─▶ assign reviewers ─▶ one score task per member (the last
  computes the grade) ─▶ adoption decision ─┬─ reference / reject ─▶ end
                                            └─ adopt ─▶ execution plan ─▶ quarterly report ─▶
  head approves ─┬─ returned / not yet complete ─▶ next report …
                 └─ complete ─▶ effectiveness evaluation (closes with rewards) ─▶ end

Each node's handler is a service of proposals/services.py; the flow only routes.
A decision step routes on the outcome its service records (`.Case`); scoring is
one node with a task per member (`.ForEach`), left when the last is done.
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from governance import workflow
from governance.models import Unit, User
from governance.nodes import HumanTask, outcome_is
from governance.roles import UnitRole
from governance.selectors import sole_person

from . import selectors, services, views
from .models import ProposalProcess


# viewflow passes the base Process to these in its assign check: read the JSON data,
# which the proxy and the base class share. An unsaved Unit with its pk is all
# guardian needs for the object-permission check.
def proposer_unit(process):
    return Unit(pk=process.data.get("unit_id"))


def lead_unit(process):
    return Unit(pk=process.data.get("lead_unit_id"))


class ProposalFlow(flow.Flow):
    process_class = ProposalProcess
    lock_impl = workflow.PROCESS_LOCK
    process_title = _("創意提案")
    process_description = _("提案、初審、複審、採行、執行、追蹤與獎勵")

    start = flow.StartHandle(this.start_process).Next(this.first_review)

    first_review = (
        HumanTask(views.first_review_task)
        .Annotation(title=_("初審（受理審查）"))
        .Permission("governance.review_unit_cases", obj=proposer_unit)
        .Assign(lambda activation: sole_person(activation.process.unit_id, UnitRole.HEAD))
        .Case(this.assign_reviewers, outcome_is("accepted"))
        .Case(this.revise, outcome_is("returned"))
        .Default(this.not_accepted)
    )
    revise = (
        HumanTask(views.revise_task)
        .Annotation(title=_("修正提案"))
        .Permission("governance.submit_for_unit", obj=proposer_unit)
        .Assign(lambda activation: services.submitter_of(activation.process))
        .Next(this.first_review)
    )
    not_accepted = flow.End()

    assign_reviewers = (
        HumanTask(views.assign_reviewers_task)
        .Annotation(title=_("指派複審委員"))
        .Permission("governance.manage_tracking")
        .Next(this.score)
    )
    # One task per assigned member; the last score in computes the grade (its service).
    score = (
        HumanTask(views.score_task)
        .Annotation(title=_("複審評分"))
        .ForEach(services.scoring_tasks_data)
        .Permission(lambda activation: _scoring_permission(activation))
        # The member's id is all the new task's owner column needs (as for the units above).
        .Assign(lambda activation: User(pk=activation.task.data["member_id"]))
        .Next(this.decide)
    )

    decide = (
        HumanTask(views.decide_task)
        .Annotation(title=_("採行決定"))
        .Permission("governance.decide_for_agency")
        .Case(this.execution_plan, outcome_is("adopt"))
        .Default(this.not_adopted)
    )
    not_adopted = flow.End()

    execution_plan = (
        HumanTask(views.execution_plan_task)
        .Annotation(title=_("提報執行計畫"))
        .Permission("governance.report_unit_progress", obj=lead_unit)
        .Assign(lambda activation: sole_person(activation.process.lead_unit_id, UnitRole.LIAISON))
        .Next(this.progress_report)
    )
    progress_report = (
        HumanTask(views.progress_report_task)
        .Annotation(title=_("季進度回報"))
        .Permission("governance.report_unit_progress", obj=lead_unit)
        .Assign(lambda activation: sole_person(activation.process.lead_unit_id, UnitRole.LIAISON))
        .Next(this.approve_progress)
    )
    approve_progress = (
        HumanTask(views.approve_progress_task)
        .Annotation(title=_("主管核定進度"))
        .Permission("governance.review_unit_cases", obj=lead_unit)
        .Assign(lambda activation: sole_person(activation.process.lead_unit_id, UnitRole.HEAD))
        .Case(this.evaluate, outcome_is("completed"))
        .Default(this.progress_report)
    )
    # Its service closes the case and records the rewards.
    evaluate = (
        HumanTask(views.evaluate_task)
        .Annotation(title=_("成效評估"))
        .Permission("governance.manage_tracking")
        .Next(this.end)
    )
    end = flow.End()

    def start_process(self, activation, proposal):
        activation.process.proposal_id = proposal.pk
        activation.process.unit_id = proposal.unit_id
        return activation.process

    @classmethod
    def inbox_summaries(cls, processes):
        return selectors.inbox_summaries(processes)

    @classmethod
    def inbox_task_due(cls, task):
        """A committee member's score is due SCORING_DAYS after it was asked for (the
        reminders say so too: proposals.selectors.due_for_reminders)."""
        if task.flow_task == cls.score:
            return timezone.localdate(task.created) + datetime.timedelta(days=settings.SCORING_DAYS)
        return None

    @classmethod
    def case_url(cls, process):
        proposal_id = process.data.get("proposal_id")
        return reverse("proposals:detail", args=[proposal_id]) if proposal_id else None


def _scoring_permission(activation):
    external = activation.task.data.get("external")
    return "governance.score_assigned_only" if external else "governance.score_proposals"
