"""Remediation of one audit finding (缺失改善), and the reply that closes an audit.

register ─┬─ 管考列管 ─▶ review meeting ─┐
          └─ 自行列管 ──────────────────┴─▶ plan ─▶ head approves ─┬─ returned ─▶ plan …
                                                                  └─▶ progress round …
  progress ─┬─ not yet ─▶ progress …
            └─ proposes removal ─▶ head requests removal ─┬─ no ─▶ progress …
                                                          ├─ self-tracked ─▶ close
                                                          └─▶ 管考 opinion ─▶ 館務會議 ─┬─ 繼續列管 ─▶ progress (new round)
                                                                                       └─ 解除列管 ─▶ close
  close: when it is the audit's last open finding, ReplyFlow starts: 管考 replies ─▶ end.

Each node's handler is a service of audits/services.py; the flow only routes.
A step routes on the outcome its service records (`.Case`); the start routes on
the finding's tracking (a Switch: it follows no step).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from governance import workflow
from governance.models import Unit
from governance.nodes import HumanTask, outcome_is
from governance.roles import Capability, UnitRole, permission_name
from governance.selectors import sole_person

from . import selectors, services, views
from .models import AUDIT_KIND, FINDING_KIND, RemediationProcess, ReplyProcess


# viewflow passes the base Process to this in its assign check: read the JSON data.
def lead_unit(process):
    return Unit(pk=process.data.get("lead_unit_id"))


class RemediationFlow(flow.Flow):
    process_class = RemediationProcess
    lock_impl = workflow.PROCESS_LOCK
    process_title = _("缺失改善")
    process_description = _("考核意見列管、改善措施、辦理情形、解除列管")

    start = flow.StartHandle(this.start_process).Next(this.route_registration)
    route_registration = (
        flow.Switch().Case(this.plan, lambda a: a.process.self_tracked).Default(this.review_meeting)
    )
    review_meeting = (
        HumanTask(views.review_meeting_task)
        .Annotation(
            title=_("召開檢討會議"),
            description=_(
                "請召開檢討會議，記錄出席人員與決議，並指定主辦單位與改善期限；同一次會議檢討的其他意見可一併勾選。"
            ),
        )
        .Permission(permission_name(Capability.MANAGE_TRACKING))
        .Next(this.plan)
    )
    plan = (
        HumanTask(views.plan_task)
        .Annotation(
            title=_("研擬改善措施"),
            description=_(
                "請分析缺失發生的原因，研擬具體可行的改善措施，送單位主管核定。措施曾被退回時，請依上方主管的意見修正。"
            ),
        )
        .Permission(permission_name(Capability.REPORT_UNIT_PROGRESS), obj=lead_unit)
        .Assign(lambda activation: sole_person(activation.process.lead_unit_id, UnitRole.LIAISON))
        .Next(this.approve_plan)
    )
    approve_plan = (
        HumanTask(views.approve_plan_task)
        .Annotation(
            title=_("核定改善措施"),
            description=_(
                "請審核改善措施能否改善缺失：核定後主辦單位開始填報辦理情形；退回時請寫明須修正之處。"
            ),
        )
        .Permission(permission_name(Capability.REVIEW_UNIT_CASES), obj=lead_unit)
        .Assign(lambda activation: sole_person(activation.process.lead_unit_id, UnitRole.HEAD))
        .Case(this.plan, outcome_is("returned"))
        .Default(this.progress)
    )
    progress = (
        HumanTask(views.progress_task)
        .Annotation(
            title=_("填報辦理情形"),
            description=_(
                "請填報本輪的辦理情形與完成百分比，並上傳佐證資料；協辦單位的填報會併入本次辦理情形。已完成改善時，可建議解除列管。"
            ),
        )
        .Permission(permission_name(Capability.REPORT_UNIT_PROGRESS), obj=lead_unit)
        .Assign(lambda activation: sole_person(activation.process.lead_unit_id, UnitRole.LIAISON))
        .Case(this.request_removal, outcome_is("removal_proposed"))
        .Default(this.progress)
    )
    request_removal = (
        HumanTask(views.request_removal_task)
        .Annotation(
            title=_("申請解除列管"),
            description=_(
                "承辦人建議解除列管。請確認改善已經完成並寫明理由後送出；不同意時請退回繼續填報辦理情形。"
            ),
        )
        .Permission(permission_name(Capability.REVIEW_UNIT_CASES), obj=lead_unit)
        .Assign(lambda activation: sole_person(activation.process.lead_unit_id, UnitRole.HEAD))
        .Case(this.progress, outcome_is("declined"))
        .Case(this.close, lambda a: a.process.self_tracked)
        .Default(this.review_removal)
    )
    review_removal = (
        HumanTask(views.review_removal_task)
        .Annotation(
            title=_("管考審查"),
            description=_("請審查解除列管的申請，提出建議解除列管或繼續列管的意見，提供館務會議決定。"),
        )
        .Permission(permission_name(Capability.MANAGE_TRACKING))
        .Next(this.council_decision)
    )
    council_decision = (
        HumanTask(views.council_decision_task)
        .Annotation(
            title=_("館務會議決定"),
            description=_(
                "請記錄館務會議的決定（解除列管或繼續列管）、會議日期與會議紀錄；繼續列管時請訂定新的改善期限。"
            ),
        )
        .Permission(permission_name(Capability.MANAGE_TRACKING))
        .Case(this.progress, outcome_is("continue"))
        .Default(this.close)
    )
    close = flow.Function(this.close_finding).Next(this.end)
    end = flow.End()

    def start_process(self, activation, finding):
        activation.process.finding_id = finding.pk
        activation.process.lead_unit_id = finding.lead_unit_id
        activation.process.self_tracked = finding.self_tracked
        return activation.process

    def close_finding(self, activation):
        services.close_finding(activation)

    @classmethod
    def inbox_summaries(cls, processes):
        return selectors.inbox_summaries(processes)

    @classmethod
    def case_url(cls, process):
        finding_id = process.data.get("finding_id")
        return reverse("audits:finding", args=[finding_id]) if finding_id else None

    @classmethod
    def case_trail(cls, process):
        """The finding's trail, whose last event a task's notice quotes (a return's reasons)."""
        finding_id = process.data.get("finding_id")
        return (FINDING_KIND, str(finding_id)) if finding_id else None


class ReplyFlow(flow.Flow):
    process_class = ReplyProcess
    lock_impl = workflow.PROCESS_LOCK
    process_title = _("函復上級機關")

    start = flow.StartHandle(this.start_process).Next(this.reply)
    reply = (
        HumanTask(views.reply_task)
        .Annotation(
            title=_("函復上級機關"),
            description=_("本次考核的各項意見都已有結果。請函復上級機關，並記錄函復日期與文號。"),
        )
        .Permission(permission_name(Capability.MANAGE_TRACKING))
        .Next(this.end)
    )
    end = flow.End()

    def start_process(self, activation, audit):
        activation.process.audit_id = audit.pk
        return activation.process

    @classmethod
    def inbox_summaries(cls, processes):
        return selectors.reply_inbox_summaries(processes)

    @classmethod
    def case_url(cls, process):
        audit_id = process.data.get("audit_id")
        return reverse("audits:audit", args=[audit_id]) if audit_id else None

    @classmethod
    def case_trail(cls, process):
        audit_id = process.data.get("audit_id")
        return (AUDIT_KIND, str(audit_id)) if audit_id else None
