"""The innovation proposal lifecycle (創意提案), as docs/domain.md draws it (「創意提案」).

submit ─▶ first review ─┬─ returned ─▶ revise ─▶ first review …
                        ├─ not accepted ─▶ end
                        └─ accepted ─▶ assign reviewers ─▶ one score task per member (the last
  computes the grade) ─▶ adoption decision ─┬─ reference / reject ─▶ end
                                            └─ adopt ─▶ execution plan ─▶ quarterly report ─▶
  head approves ─┬─ returned ─▶ the report again, at once …
                 ├─ approved, not yet complete ─▶ wait for the next quarter (a timer) ─▶ next report …
                 └─ complete ─▶ effectiveness evaluation (closes with rewards) ─▶ end

Each node's handler is a service of proposals/services.py; the flow only routes.
A decision step routes on the outcome its service records (`.Case`); scoring is
one node with a task per member (`.ForEach`), left when the last is done.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from governance import workflow
from governance.models import Unit, User
from governance.nodes import HumanTask, outcome_is
from governance.roles import Capability, UnitRole, permission_name
from governance.selectors import sole_person

from . import selectors, services, views
from .models import CASE_KIND, ProposalProcess


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
        .Annotation(
            title=_("初審（受理審查）"),
            description=_(
                "請判斷本提案是否受理：內容是否完整、是否屬創意提案範圍、是否與先前提案重複（請看下方相似的先前提案）。受理後由管考單位指派複審委員；內容須補正時請退回修正並寫明須補正之處；不予受理時請選擇理由並說明。"
            ),
        )
        .Permission(permission_name(Capability.REVIEW_UNIT_CASES), obj=proposer_unit)
        .Assign(lambda activation: sole_person(activation.process.unit_id, UnitRole.HEAD))
        .Case(this.assign_reviewers, outcome_is("accepted"))
        .Case(this.revise, outcome_is("returned"))
        .Default(this.not_accepted)
    )
    revise = (
        HumanTask(views.revise_task)
        .Annotation(
            title=_("修正提案"),
            description=_(
                "單位主管將提案退回修正。請依上方主管的意見修改提案內容後重新送出；主管審查時會看到本次修改前後的差異。"
            ),
        )
        .Permission(permission_name(Capability.SUBMIT_FOR_UNIT), obj=proposer_unit)
        .Assign(lambda activation: services.submitter_of(activation.process))
        .Next(this.first_review)
    )
    not_accepted = flow.End()

    assign_reviewers = (
        HumanTask(views.assign_reviewers_task)
        .Annotation(
            title=_("指派複審委員"),
            description=_(
                "請指派複審委員（可含外部委員）。提案人及共同提案人不得評審本案。每位委員會收到一件評分任務，評分期限自指派日起算。"
            ),
        )
        .Permission(permission_name(Capability.MANAGE_TRACKING))
        .Next(this.score)
    )
    # One task per assigned member; the last score in computes the grade (its service).
    score = (
        HumanTask(views.score_task)
        .Annotation(
            title=_("複審評分"),
            description=_(
                "請依各評分項目給 0 到 100 分，系統依權重計算加權總分，可先按「試算」確認再送出；評語供採行決定參考。與本案有利害關係時，請申請迴避並寫明理由，由管考單位改派其他委員。"
            ),
        )
        .ForEach(services.scoring_tasks_data)
        .Permission(lambda activation: _scoring_permission(activation))
        # The member's id is all the new task's owner column needs (as for the units above).
        .Assign(lambda activation: User(pk=activation.task.data["member_id"]))
        .Next(this.decide)
    )

    decide = (
        HumanTask(views.decide_task)
        .Annotation(
            title=_("採行決定"),
            description=_(
                "請參考各委員的評分、加權總分與等第，決定採行、列為參考或不採行，並寫明理由。採行時請指定主辦單位、協辦單位與預定完成日。"
            ),
        )
        .Permission(permission_name(Capability.DECIDE_FOR_AGENCY))
        .Case(this.execution_plan, outcome_is("adopt"))
        .Default(this.not_adopted)
    )
    not_adopted = flow.End()

    execution_plan = (
        HumanTask(views.execution_plan_task)
        .Annotation(
            title=_("提報執行計畫"),
            description=_(
                "本案已決定採行。請依上方的預定完成日擬訂執行計畫，並列出查核點；查核點的日期不得晚於預定完成日。"
            ),
        )
        .Permission(permission_name(Capability.REPORT_UNIT_PROGRESS), obj=lead_unit)
        .Assign(lambda activation: sole_person(activation.process.lead_unit_id, UnitRole.LIAISON))
        .Next(this.progress_report)
    )
    progress_report = (
        HumanTask(views.progress_report_task)
        .Annotation(
            title=_("季進度回報"),
            description=_(
                "請回報本季的執行進度：完成百分比與辦理情形，並上傳佐證資料；全部完成時請勾選「宣告完成」。"
            ),
        )
        .Permission(permission_name(Capability.REPORT_UNIT_PROGRESS), obj=lead_unit)
        .Assign(lambda activation: sole_person(activation.process.lead_unit_id, UnitRole.LIAISON))
        .Next(this.approve_progress)
    )
    approve_progress = (
        HumanTask(views.approve_progress_task)
        .Annotation(
            title=_("主管核定進度"),
            description=_(
                "請審核本季進度回報：核定，或退回並寫明須補充之處。回報宣告完成而您核定時，本案進入成效評估。"
            ),
        )
        .Permission(permission_name(Capability.REVIEW_UNIT_CASES), obj=lead_unit)
        .Assign(lambda activation: sole_person(activation.process.lead_unit_id, UnitRole.HEAD))
        .Case(this.evaluate, outcome_is("completed"))
        .Case(this.progress_report, outcome_is("returned", "approved_next_due"))
        .Default(this.progress_wait)
    )
    # After an approved report the next is due at the next quarter: no task until it opens
    # (fired by Celery beat's governance.fire_due_timers).
    progress_wait = (
        flow.Timer(services.progress_report_opens)
        .Annotation(title=_("等待下一季回報"))
        .Next(this.progress_report)
    )
    # Its service closes the case and records the rewards.
    evaluate = (
        HumanTask(views.evaluate_task)
        .Annotation(
            title=_("成效評估"),
            description=_(
                "本案已執行完成。請評估執行成效並評定成效等第；送出後本案結案，並依各提案人的貢獻比例記錄獎勵。"
            ),
        )
        .Permission(permission_name(Capability.MANAGE_TRACKING))
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
    def inbox_task_dues(cls, tasks):
        """A committee member's score task is due when their score is (selectors.score_due_date,
        from their assignment, as the reminders count it)."""
        assignment_of = {
            task.pk: task.data.get("assignment_id") for task in tasks if task.flow_task == cls.score
        }
        if not assignment_of:
            return {}
        due_on = selectors.score_due_dates(assignment_of.values())
        return {pk: due_on[a] for pk, a in assignment_of.items() if a in due_on}

    @classmethod
    def case_url(cls, process):
        proposal_id = process.data.get("proposal_id")
        return reverse("proposals:detail", args=[proposal_id]) if proposal_id else None

    @classmethod
    def case_trail(cls, process):
        """The proposal's trail, whose last event a task's notice quotes (a return's reasons)."""
        proposal_id = process.data.get("proposal_id")
        return (CASE_KIND, str(proposal_id)) if proposal_id else None


def _scoring_permission(activation):
    external = activation.task.data.get("external")
    return permission_name(Capability.SCORE_ASSIGNED_ONLY if external else Capability.SCORE_PROPOSALS)
