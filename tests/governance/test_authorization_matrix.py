"""The authorization matrix: every URL pattern of the site, requested as every demo role and
anonymously, on objects of the readers unit and of another unit, answers as
tests/authorization_table.py says.

The URL patterns come from Django's resolver, so a page added later is checked as soon as the
table has its row (and fails, naming the row to add, until it does). Each pattern is one test:
its parameters are filled with real objects of the demo data (seed_demo's proposals and audits,
plus a plan, its quarterly reports, meetings and evidence batches made here through the
services), it is requested with GET and, where the table says the page changes something, with
an empty POST. Every answer is compared with the table; a 500 always fails; a 200 must not show
a case the person may not open (the readers and other-unit cases' titles are looked for in the
body). Known bugs are marked in the table and make the test xfail until they are fixed.

The data is built once for the module in a transaction rolled back at the end; each request runs
in a savepoint rolled back after it, so a POST that did change something leaves nothing behind.
"""

import copy
import datetime
import re
from dataclasses import dataclass, field

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import NoReverseMatch, Resolver404

from governance.demo import seed_organisation
from tests import authorization_table as table
from tests.helpers import ROOT, admin_user_form, default_configuration, user

TAIPEI = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 8, 20, 10, 0, tzinfo=TAIPEI)  # 115/08/20: third quarter of 115
PERIOD = "115Q2"  # the quarter the practice reports are written for
REPORT_TEXTS = {
    "readers": "閱覽組季報：讀者辦證線上服務已上線",
    "planning": "企劃組季報：滿意度問卷已完成設計",
}

# ---------------------------------------------------------------- the URL patterns


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", "namespace:[route]" when unnamed, "…@route" when the key repeats
    route: str  # the whole route, e.g. "proposals/<int:pk>/"
    name: str | None  # the qualified name, for reverse()
    pattern: URLPattern
    params: tuple  # the URL's parameter names


def _walk(resolver, prefix="", local="", namespaces=()):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace:
                yield from _walk(p, prefix + str(p.pattern), "", namespaces + (p.namespace,))
            else:
                yield from _walk(p, prefix + str(p.pattern), local + str(p.pattern), namespaces)
        else:
            yield p, prefix + str(p.pattern), local + str(p.pattern), namespaces


def url_patterns():
    seen, result = set(), []
    for p, route, local, namespaces in _walk(get_resolver()):
        ns = ":".join(namespaces)
        name = f"{ns}:{p.name}" if ns and p.name else p.name
        key = name if name else f"{ns}:[{local}]"
        if key in seen:
            key = f"{key}@{route}"
        seen.add(key)
        result.append(Pattern(key, route, name, p, tuple(p.pattern.regex.groupindex)))
    return result


PATTERNS = url_patterns()
CHECKED = [p for p in PATTERNS if not table.skip_reason(p.key) and p.key not in table.SHADOWED]

# ---------------------------------------------------------------- the data


def upload(name="說明.txt", text="佐證資料：辦理情形說明。"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


def build_extras():
    """What the demo lacks for some pages: proposals with attachments, a draft, attachments of
    audits and findings, the 115 plan with two versions and quarterly reports, a held and a
    scheduled meeting with follow-up actions, and HR's evidence batches."""
    from audits.models import Audit, AuditAttachment, Finding, FindingAttachment
    from evidence import batches as evidence_batches
    from governance.attachments import describe_upload
    from governance.models import Unit
    from meetings import services as meetings
    from plan import practice_reports
    from plan import services as plan_services
    from proposals import services as proposal_services
    from proposals.models import Attachment, ProgressReport, Proposal, ScopeCategory
    from tests.support.plan_factory import add_version, make_plan, practice

    category = ScopeCategory.objects.first()

    def content(title):
        return proposal_services.ProposalContent(
            title, "讀者反映等候時間過長。", "建置線上系統並訂定作業流程。", "縮短等候時間一半。", category
        )

    made = {}
    for login, title in [
        ("readers-staff1", "閱覽組附件測試提案：書庫溫溼度自動記錄"),
        ("planning-staff1", "企劃組附件測試提案：推廣活動線上報名"),
    ]:
        draft = proposal_services.save_draft(actor=user(login), content=content(title), uploads=[upload()])
        proposal_services.submit_proposal(actor=user(login), proposal=draft)
        made[f"attached:{login}"] = draft.pk
    made["draft:readers-staff1"] = proposal_services.save_draft(
        actor=user("readers-staff1"), content=content("閱覽組草稿：館際互借線上申請")
    ).pk

    tracking = user("tracking")

    def attach(model, owner_field, owner, **links):
        described = describe_upload(upload())
        return model.objects.create(
            **{owner_field: owner},
            **links,
            file=upload(),
            name=described.name,
            size=described.size,
            content_type=described.content_type,
            sha256=described.sha256,
            uploaded_by=tracking,
        )

    for audit in Audit.objects.all():
        attach(AuditAttachment, "audit", audit)
    for finding in Finding.objects.all():
        attach(FindingAttachment, "finding", finding)
    # Files that may still be removed: of a pending progress report of a proposal in execution
    # led by the readers unit and by the planning unit, and of the latest progress report of a
    # readers finding and of another unit's, nothing asked or decided on them since.
    for code in ("readers", "planning"):
        report = (
            ProgressReport.objects.filter(
                proposal__lead_unit__code=code,
                proposal__state=Proposal.State.EXECUTING,
                approval=ProgressReport.Approval.PENDING,
            )
            .order_by("pk")
            .first()
        )
        made[f"progress_file:{code}"] = attach(
            Attachment,
            "proposal",
            report.proposal,
            purpose=Attachment.Purpose.PROGRESS,
            progress_report=report,
        ).pk
    open_findings = Finding.objects.filter(state=Finding.State.IN_PROGRESS, progress_rounds__isnull=False)
    for label, finding in [
        ("readers", Finding.objects.get(lead_unit__code="readers", supporting_units__code="acquisitions")),
        (
            "other",
            next(
                f
                for code in OTHER_UNITS
                for f in open_findings.filter(lead_unit__code=code).distinct().order_by("pk")
                if not f.removal_requests.filter(round=f.round).exists()
            ),
        ),
    ]:
        latest = finding.progress_rounds.latest("reported_at", "pk")
        made[f"round_file:{label}"] = attach(FindingAttachment, "finding", finding, progress_round=latest).pk
    # A finding being remedied with the readers unit supporting: its liaison reports (協辦填報).
    supported = (
        Finding.objects.filter(state=Finding.State.IN_PROGRESS, supporting_units=None)
        .exclude(lead_unit__code__in=["readers", "planning"])
        .order_by("pk")
        .first()
    )
    supported.supporting_units.add(Unit.objects.get(code="readers"))
    made["supported_by_readers"] = supported.pk

    v1 = make_plan(115)
    v2 = add_version(v1)
    made["plan_versions"] = (v1.pk, v2.pk)
    # Next year's plan as a draft (116, from 115's version 2): not a plan, only 管考 sees it.
    made["plan_draft"] = plan_services.start_next_year_draft(actor=tracking, plan=v2.plan).pk
    for code, key in [("readers", "1-1-1.1"), ("planning", "3-1-1.1")]:
        report = practice_reports.submit_practice_report(
            actor=user(f"{code}-liaison"),
            practice=practice(v2, key),
            unit=Unit.objects.get(code=code),
            period=PERIOD,
            status="on_track",
            text=REPORT_TEXTS[code],
            uploads=[upload()],
        )
        made[f"report:{code}"] = report.pk

    director = user("director")
    with time_machine.travel(NOW - datetime.timedelta(days=30), tick=False):
        held = meetings.schedule_meeting(
            actor=tracking,
            scheduled_for=NOW - datetime.timedelta(days=10),
            location="本館第一會議室",
            chair=director,
        )
    meetings.record_meeting(
        actor=tracking,
        meeting=held,
        attendees=[director, tracking],
        minutes="討論各組季報。",
        decisions=[
            meetings.DecisionInput(
                text=f"{code} 組檢討流程",
                action_unit=Unit.objects.get(code=code),
                action_due=NOW.date() + datetime.timedelta(days=30),
            )
            for code in ("readers", "planning")
        ],
    )
    scheduled = meetings.schedule_meeting(
        actor=tracking,
        scheduled_for=NOW + datetime.timedelta(days=20),
        location="本館第一會議室",
        chair=director,
    )
    made["meetings"] = (scheduled.pk, held.pk)

    hr = user("hr")
    for code in ("readers", "planning"):
        batch = evidence_batches.start_evidence_batch(
            actor=hr,
            start=datetime.date(2026, 1, 1),
            end=datetime.date(2026, 12, 31),
            unit=Unit.objects.get(code=code),
        )
        for item in batch.items.all():
            evidence_batches.render_item(item.pk)
        made[f"batch:{code}"] = batch.pk
    return made


# ---------------------------------------------------------------- the objects a URL names


@dataclass
class Target:
    label: str  # "閱覽組" (the readers unit's object), "他組" (another unit's) or what it is
    kwargs: dict
    facts: dict = field(default_factory=dict)  # what the table's rules read
    query: str = ""  # added to the URL's query string (a list filtered on another unit)
    post: dict | None = None  # the body POSTed instead of the page's post_data (a form tried as it is)


def proposal_facts(p):
    from proposals.models import Proposal

    units = {p.unit.code, *(u.code for u in p.supporting_units.all())}
    if p.lead_unit_id:
        units.add(p.lead_unit.code)
    people = {p.submitter.username, *p.proposers.values_list("person__username", flat=True)}
    return {
        "units": units,
        "people": people,
        "draft": p.state == Proposal.State.DRAFT,
        "reviewers": set(p.reviewer_assignments.values_list("member__username", flat=True)),
        "submitter": p.submitter.username,
        "needle": p.title[:14],
        "number": p.case_number,
        "case": f"proposal {p.case_number or 'draft'} {p.title[:14]}",
    }


def finding_facts(f):
    return {
        "units": {f.lead_unit.code, *(u.code for u in f.supporting_units.all())},
        "needle": f.text[:14],
        "number": f.tracking_number,
        "case": f"finding {f.tracking_number} {f.text[:14]}",
    }


def task_facts(task, units):
    from viewflow.workflow.status import STATUS

    return {
        "units": units,
        "owner": task.owner.username if task.owner_id else None,
        "status": task.status,
        "open": task.status in (STATUS.NEW, STATUS.ASSIGNED),
    }


def process_units(process):
    from audits.models import Finding
    from governance.models import Unit

    data = process.data or {}
    if "finding_id" in data:
        return finding_facts(Finding.objects.get(pk=data["finding_id"]))["units"]
    ids = {data.get("unit_id"), data.get("lead_unit_id")} - {None}
    return set(Unit.objects.filter(pk__in=ids).values_list("code", flat=True))


def flow_class_of(flow):
    from django.utils.module_loading import import_string

    return import_string(
        {
            "proposal": "proposals.flows.ProposalFlow",
            "remediation": "audits.flows.RemediationFlow",
            "reply": "audits.flows.ReplyFlow",
        }[flow]
    )


OTHER_UNITS = ["planning", "acquisitions", "accounting", "chungshan", "reference"]  # preferred in this order


def task_targets(flow, node):
    """The node's task in a readers case and in another unit's case, open ones first; for the
    reply flow (no unit: an audit's reply), an open and a done one."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    flow_class = flow_class_of(flow)
    tasks = list(
        Task.objects.filter(process__flow_class=flow_class, flow_task=getattr(flow_class, node))
        .select_related("process", "owner")
        .order_by("pk")
    )
    opened = {STATUS.NEW: 0, STATUS.ASSIGNED: 0}

    def rank(t):
        return (0 if t.status in opened else 1, t.pk)

    def target(label, task):
        # The unit the step's permission is held on: the proposer's or lead unit.
        units = primary_units(task.process)
        return Target(label, {"process_pk": task.process_id, "task_pk": task.pk}, task_facts(task, units))

    if flow == "reply":
        result = []
        open_tasks = [t for t in tasks if t.status in opened]
        done = [t for t in tasks if t.status not in opened]
        if open_tasks:
            result.append(target("待辦", open_tasks[0]))
        if done:
            result.append(target("已完成", done[0]))
        return result
    result = []
    readers = sorted((t for t in tasks if "readers" in primary_units(t.process)), key=rank)
    if readers:
        result.append(target("閱覽組", readers[0]))
    for code in OTHER_UNITS:
        others = sorted((t for t in tasks if primary_units(t.process) == {code}), key=rank)
        if others:
            result.append(target("他組", others[0]))
            break
    return result


def primary_units(process):
    """The unit a process is about: the proposer's (or lead) unit, the finding's lead unit."""
    from audits.models import Finding
    from governance.models import Unit

    data = process.data or {}
    if "finding_id" in data:
        return {Finding.objects.select_related("lead_unit").get(pk=data["finding_id"]).lead_unit.code}
    ids = {data.get("unit_id"), data.get("lead_unit_id")} - {None}
    return set(Unit.objects.filter(pk__in=ids).values_list("code", flat=True))


def process_targets(flow):
    from viewflow.workflow.models import Process

    flow_class = flow_class_of(flow)
    processes = list(Process.objects.filter(flow_class=flow_class).order_by("pk"))
    result = []
    if flow == "reply":
        return [Target("回復", {"process_pk": processes[0].pk}, {})]
    for label, codes in [("閱覽組", ["readers"]), ("他組", OTHER_UNITS)]:
        for code in codes:
            match = [p for p in processes if primary_units(p) == {code}]
            if match:
                result.append(Target(label, {"process_pk": match[0].pk}, {"units": process_units(match[0])}))
                break
    return result


def build_targets(made):
    """kind → [Target]: the objects each kind of URL parameter is filled with."""
    from audits.models import Audit, Finding, FindingAttachment, ReviewMeeting
    from governance.models import Membership, TrailEvent, Unit
    from meetings.models import MeetingDecision
    from plan.models import PlanVersion, PracticeReport
    from proposals.models import Attachment as ProposalAttachment
    from proposals.models import Proposal

    def proposal(**filters):
        return Proposal.objects.select_related("unit", "lead_unit", "submitter").get(**filters)

    planning = Unit.objects.get(code="planning")
    readers_p = proposal(unit__code="readers", state=Proposal.State.SECOND_REVIEW)
    other_p = proposal(unit__code="planning", state=Proposal.State.FIRST_REVIEW, attachments__isnull=True)
    readers_f = Finding.objects.select_related("lead_unit").get(
        lead_unit__code="readers", supporting_units__code="acquisitions"
    )
    other_f = Finding.objects.select_related("lead_unit").get(
        lead_unit__code="planning", state=Finding.State.CLOSED
    )

    def audit_facts(audit):
        units = set(Finding.objects.filter(audit=audit).values_list("lead_unit__code", flat=True))
        units |= set(Finding.objects.filter(audit=audit).values_list("supporting_units__code", flat=True)) - {
            None
        }
        return {"units": units, "needle": audit.title, "case": f"audit {audit.title}"}

    readers_audit = Audit.objects.get(findings=other_f)  # holds readers and planning findings
    other_audit = (
        Audit.objects.exclude(findings__lead_unit__code__in=["readers", "planning"])
        .exclude(findings__supporting_units__code__in=["readers", "planning"])
        .order_by("pk")
        .first()
    )

    targets = {
        None: [Target("—", {})],
        # A list as it opens, and filtered on the planning unit: a filter must not widen it.
        "unit_filter": [Target("—", {}), Target("篩選他組", {}, query=f"unit={planning.pk}")],
        "unit_code_filter": [Target("—", {}), Target("篩選他組", {}, query="unit=planning")],
        "proposal": [
            Target("閱覽組", {"pk": readers_p.pk}, proposal_facts(readers_p)),
            Target("他組", {"pk": other_p.pk}, proposal_facts(other_p)),
        ],
        "draft": [
            Target(label, {"pk": p.pk}, proposal_facts(p))
            for label, p in [
                ("閱覽組", proposal(pk=made["draft:readers-staff1"])),
                ("他組", proposal(unit__code="planning", state=Proposal.State.DRAFT)),
            ]
        ],
        "submitted": [
            Target(label, {"pk": p.pk}, proposal_facts(p))
            for label, p in [
                (
                    "閱覽組",
                    proposal(
                        unit__code="readers",
                        state=Proposal.State.FIRST_REVIEW,
                        submitter__username="readers-staff1",
                        case_number__isnull=False,
                        attachments__isnull=True,
                    ),
                ),
                ("他組", other_p),
            ]
        ],
        "proposal_attachment": [],
        "executing": [],
        "progress_attachment": [],
        "finding": [
            Target("閱覽組", {"pk": readers_f.pk}, finding_facts(readers_f)),
            Target("他組", {"pk": other_f.pk}, finding_facts(other_f)),
        ],
        "finding_supporting": [
            Target(
                label, {"pk": f.pk}, {**finding_facts(f), "units": {u.code for u in f.supporting_units.all()}}
            )
            for label, f in [
                ("閱覽組協辦", Finding.objects.get(pk=made["supported_by_readers"])),
                ("他組", other_f),
            ]
        ],
        "finding_attachment": [
            Target(label, {"pk": f.pk, "attachment_pk": f.attachments.first().pk}, finding_facts(f))
            for label, f in [("閱覽組", readers_f), ("他組", other_f)]
        ],
        "open_finding": [],
        "round_attachment": [],
        "audit": [
            Target("閱覽組", {"pk": readers_audit.pk}, audit_facts(readers_audit)),
            Target("他組", {"pk": other_audit.pk}, audit_facts(other_audit)),
        ],
        "audit_attachment": [
            Target(label, {"pk": a.pk, "attachment_pk": a.attachments.first().pk}, audit_facts(a))
            for label, a in [("閱覽組", readers_audit), ("他組", other_audit)]
        ],
        # A review meeting that covered a finding of the audit; crossed: one that covered none.
        "audit_meeting": [
            Target(label, {"pk": a.pk, "meeting_pk": m.pk}, audit_facts(a))
            for label, a in [("閱覽組", readers_audit), ("他組", other_audit)]
            for m in [ReviewMeeting.objects.filter(findings__audit=a).order_by("pk").first()]
            if m is not None
        ],
        "person": [
            Target("閱覽組", {"pk": user("readers-staff1").pk}, {"person": "readers-staff1"}),
            Target("他組", {"pk": user("planning-staff1").pk}, {"person": "planning-staff1"}),
        ],
        "batch": [
            Target("閱覽組", {"pk": made["batch:readers"]}, {"units": {"readers"}}),
            Target("他組", {"pk": made["batch:planning"]}, {"units": {"planning"}}),
        ],
        "meeting": [
            Target("已排定", {"pk": made["meetings"][0]}, {}),
            Target("已召開", {"pk": made["meetings"][1]}, {"held": True}),
        ],
        "decision": [
            Target(label, {"pk": MeetingDecision.objects.get(action_unit__code=code).pk}, {"units": {code}})
            for label, code in [("閱覽組", "readers"), ("他組", "planning")]
        ],
        "plan_year": [Target("115", {"roc_year": 115}, {})],
        "plan_draft_year": [Target("116", {"roc_year": 116}, {})],
        "plan_version_number": [Target(f"v{n}", {"roc_year": 115, "number": n}, {}) for n in (1, 2)],
        "plan_version": [
            Target(f"v{v.number}", {"pk": v.pk}, {})
            for v in PlanVersion.objects.filter(pk__in=made["plan_versions"]).order_by("number")
        ],
        "practice_period": [],
        "practice_report": [],
        "report_attachment": [],
        "admin:view_on_site": [
            Target(
                "—",
                {
                    "content_type_id": ContentType.objects.get_for_model(Unit).pk,
                    "object_id": Unit.objects.get(code="readers").pk,
                },
            )
        ],
        "admin:app_list": [Target("governance", {"app_label": "governance"})],
        "admin:user_id": [Target("—", {"id": user("readers-staff1").pk})],
        # The access log as it opens, and narrowed to one person (HR must name one).
        "access_log_filter": [
            Target("—", {}),
            Target("指定當事人", {}, {"subject": True}, query="subject=readers-staff1"),
        ],
        # Self-escalation in the admin: a staff member's whole change form with 超級使用者 ticked,
        # and a membership of the readers unit for the administrator themself.
        "admin:user_superuser": [
            Target(
                "勾選超級使用者",
                {"object_id": user("readers-staff1").pk},
                post=admin_user_form(user("readers-staff1"), is_superuser=True),
            )
        ],
        "admin:membership_for_self": [
            Target(
                "授予自己",
                {},
                post={
                    "user": user("admin").pk,
                    "unit": Unit.objects.get(code="readers").pk,
                    "role": "head",
                    "valid_from": NOW.date().isoformat(),
                },
            )
        ],
    }
    for label, code in [("閱覽組", "readers"), ("他組", "planning")]:
        p = proposal(pk=made[f"attached:{code}-staff1"])
        targets["proposal_attachment"].append(
            Target(label, {"pk": p.pk, "attachment_pk": p.attachments.first().pk}, proposal_facts(p))
        )
        report = PracticeReport.objects.select_related("unit").get(pk=made[f"report:{code}"])
        facts = {"units": {code}, "needle": REPORT_TEXTS[code], "case": f"{code}'s quarterly report"}
        targets["practice_period"].append(
            Target(
                label, {"practice_pk": report.practice_id, "unit_pk": report.unit_id, "period": PERIOD}, facts
            )
        )
        targets["practice_report"].append(Target(label, {"pk": report.pk}, facts))
        targets["report_attachment"].append(
            Target(label, {"pk": report.pk, "attachment_pk": report.attachments.first().pk}, facts)
        )
    # Files that may still be removed (build_extras), of a case in execution or still tracked.
    for label, code, finding_label in [("閱覽組", "readers", "readers"), ("他組", "planning", "other")]:
        attachment = ProposalAttachment.objects.get(pk=made[f"progress_file:{code}"])
        p = proposal(pk=attachment.proposal_id)
        targets["executing"].append(Target(label, {"pk": p.pk}, proposal_facts(p)))
        # The lead unit's: its liaison reports the progress.
        facts = {**proposal_facts(p), "units": {p.lead_unit.code}}
        targets["progress_attachment"].append(
            Target(label, {"pk": p.pk, "attachment_pk": attachment.pk}, facts)
        )
        attachment = FindingAttachment.objects.select_related("finding__lead_unit").get(
            pk=made[f"round_file:{finding_label}"]
        )
        f = attachment.finding
        targets["open_finding"].append(Target(label, {"pk": f.pk}, finding_facts(f)))
        facts = {**finding_facts(f), "units": {f.lead_unit.code}}
        targets["round_attachment"].append(Target(label, {"pk": f.pk, "attachment_pk": attachment.pk}, facts))
    # An attachment asked for under another case than its own: never served (IDOR).
    kinds = ("proposal_attachment", "finding_attachment", "audit_attachment", "report_attachment")
    for kind in (*kinds, "progress_attachment", "round_attachment"):
        readers, other = targets[kind]
        targets[kind].append(
            Target(
                "交叉",
                {**readers.kwargs, "attachment_pk": other.kwargs["attachment_pk"]},
                {**readers.facts, "mismatched": True},
            )
        )
    elsewhere = ReviewMeeting.objects.exclude(findings__audit=readers_audit).order_by("pk").first()
    targets["audit_meeting"].append(
        Target(
            "交叉",
            {"pk": readers_audit.pk, "meeting_pk": elsewhere.pk},
            {**audit_facts(readers_audit), "mismatched": True},
        )
    )
    # Printed documents' verification codes: HR's batch of readers evidence (build_extras), a
    # readers proposal's trail, and a code never issued.
    from governance.models import IssuedDocument
    from governance.verification import grouped
    from proposals.documents import proposal_trail

    proposal_trail(readers_p, issued_by=user("auditor"))
    targets["verification_code"] = [
        Target(label, {"code": grouped(document.code)}, {})
        for label, document in [
            ("考績佐證", IssuedDocument.objects.filter(kind=IssuedDocument.Kind.APPRAISAL_EVIDENCE).first()),
            ("案件軌跡", IssuedDocument.objects.get(kind=IssuedDocument.Kind.CASE_TRAIL)),
        ]
    ] + [Target("查無", {"code": "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ"}, {})]
    # Someone who does not exist: HR learns it, nobody else does.
    targets["person"].append(Target("不存在", {"pk": 999999}, {"person": None, "missing": True}))
    for flow, (_zh, nodes) in table.FLOWS.items():
        targets[f"process:{flow}"] = process_targets(flow)
        for node in nodes:
            targets[f"task:{flow}:{node}"] = task_targets(flow, node)

    # One object of each admin model (None: the model has no rows: a made-up id).
    from django.apps import apps

    for model_key in table.ADMIN_MODELS:
        app_label, model_name = model_key.split("_", 1)
        model = apps.get_model(app_label, model_name)
        obj = {
            "governance_user": lambda: user("readers-staff1"),
            "governance_unit": lambda: Unit.objects.get(code="readers"),
            "governance_membership": lambda: Membership.objects.filter(unit__code="readers").first(),
            "governance_trailevent": lambda: TrailEvent.objects.first(),
        }.get(model_key, model.objects.first)()
        targets[f"admin:{model_key}"] = [Target("—", {"object_id": obj.pk if obj else 999999})]
    return targets


def sensitive_cases(targets):
    """The cases whose titles a page may show only to those who may open them: a readers and a planning proposal, finding, draft and quarterly report, and an audit
    with readers findings and one without."""
    return [
        t.facts
        for kind in ("proposal", "finding", "draft", "audit", "practice_report")
        for t in targets[kind]
    ]


# ---------------------------------------------------------------- requests


@dataclass
class World:
    targets: dict
    clients: dict
    cases: list


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo data and one logged-in client per role, built once for the module in a
    transaction rolled back at the end; each test runs in a savepoint within it."""
    from audits.demo import seed_audits
    from proposals.demo import seed_proposals

    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False), transaction.atomic():
        default_configuration()
        # The notices each step sends as it commits are part of the demo (the notification pages).
        with TestCase.captureOnCommitCallbacks(execute=True):
            seed_organisation()
            seed_proposals()
            seed_audits()
            made = build_extras()
        targets = build_targets(made)
        clients = {}
        for role in table.ROLES:
            client = Client(raise_request_exception=True)
            if not role.anonymous:
                client.force_login(user(role.login))
            clients[role.login] = client
        yield World(targets, clients, sensitive_cases(targets))
        transaction.set_rollback(True)


def url_of(p, kwargs):
    if p.name and not p.key.count("@"):
        try:
            return reverse(p.name, kwargs=kwargs)
        except NoReverseMatch:
            pass
    url = "/" + p.route
    for name, value in kwargs.items():
        url = re.sub(rf"<(?:\w+:)?{name}>", str(value), url)
    return url


def classify(response):
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if location.startswith(reverse("login")):
            return table.LOGIN
        if location.startswith(reverse("admin:login")):
            return table.ADMIN_LOGIN
        return table.REDIRECT
    return response.status_code


def request(client, method, url, data=None):
    """(outcome, response or exception): in a savepoint rolled back after it, the client's
    cookies (its session) kept as they were, so a logout or a POST leaves nothing behind."""
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            response = client.get(url) if method == "GET" else client.post(url, data or {})
            transaction.set_rollback(True)
    except Exception as error:  # a 500: the view raised
        return 500, error
    finally:
        client.cookies = cookies
    return classify(response), response


TEXT_TYPES = ("text/html", "text/csv", "text/plain", "application/json")


def body_text(response):
    content_type = response.get("Content-Type", "")
    if not content_type.startswith(TEXT_TYPES):
        return None
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(response.charset or "utf-8", errors="replace")


# ---------------------------------------------------------------- the tests


@pytest.fixture
def checked_world(world, db):
    with time_machine.travel(NOW, tick=False):
        yield world


@pytest.mark.parametrize("pattern", CHECKED, ids=[p.key for p in CHECKED])
def test_page_answers_as_the_table_says(checked_world, pattern):
    world = checked_world
    entry = table.PAGES.get(pattern.key)
    if entry is None:
        pytest.fail(
            f"URL pattern {pattern.key!r} (/{pattern.route}) is not in tests/authorization_table.py: add a "
            f"page(...) row saying who may GET and POST it (or a SKIPPED prefix with the reason), then run "
            f"`make permissions-doc`."
        )
    targets = world.targets[entry.targets]
    assert targets, f"no object in the data for {entry.targets!r} ({pattern.key})"
    methods = ["GET"] + (["POST"] if entry.post is not None else [])
    wrong, known_hit = [], set()
    for target in targets:
        missing = set(pattern.params) - set(target.kwargs)
        assert entry.url or not missing, (
            f"{pattern.key}: the table's targets {entry.targets!r} do not fill {missing}"
        )
        kwargs = {k: v for k, v in target.kwargs.items() if k in pattern.params}
        url = (entry.url or url_of(pattern, kwargs)) + entry.query
        if target.query:
            url += ("&" if "?" in url else "?") + target.query
        try:
            match = resolve(url.split("?")[0])
        except Resolver404:
            pytest.fail(f"{pattern.key}: {url} does not resolve")
        assert match.func == pattern.pattern.callback, f"{pattern.key}: {url} is answered by another pattern"
        for method in methods:
            for role in table.ROLES:
                want = table.expected(entry, method, role, target.facts)
                data = target.post if target.post is not None else entry.post_data
                got, response = request(world.clients[role.login], method, url, data)
                problem = None
                if got == 500:
                    problem = f"500 ({type(response).__name__}: {str(response)[:200]})"
                elif not table.matches(want, got):
                    problem = f"expected {want}, got {got}"
                elif method == "GET" and got == 200 and not entry.shows_cases:
                    problem = leak(world, role, response)
                if problem:
                    line = f"{method} {url} as {role.login} [{target.label}]: {problem}"
                    known = known_failure(entry, method, role.login, target.label)
                    if known:
                        known_hit.add(known)
                    else:
                        wrong.append(line)
    fixed = set(entry.known) - known_hit
    assert not wrong, f"{pattern.key}:\n  " + "\n  ".join(wrong)
    assert not fixed, (
        f"{pattern.key}: known failures no longer fail (fixed? remove them from the table): {sorted(fixed)}"
    )
    if known_hit:
        pytest.xfail("; ".join(f"{' '.join(key)}: {entry.known[key]}" for key in sorted(known_hit)))


def known_failure(entry, method, login, label):
    """The table's known-failure key that covers this request ("*" matches any logged-in role, or
    any object)."""
    logins = [login] if login == table.ANONYMOUS else [login, "*"]
    for key in [(method, who, what) for who in logins for what in (label, "*")]:
        if key in entry.known:
            return key
    return None


def leak(world, role, response):
    """The title of a case the person may not open, found in the page."""
    text = body_text(response)
    if text is None:
        return None
    for case in world.cases:
        if table.may_see_case(role, case):
            continue
        # Titles, not case numbers: proposals and findings are numbered alike (115-0003 is both
        # a proposal and a finding), so a number alone would not say which case shows.
        if case["needle"] in text:
            return f"shows the title of {case['case']}…, which {role.login} may not open"
    return None


def test_leak_check_finds_the_titles_it_looks_for(checked_world):
    """The case titles the leak check looks for are on the case pages of those who may open
    them: a check that could never find them would pass for nothing."""
    world = checked_world
    director = world.clients["director"]
    for kind, name in [("proposal", "proposals:detail"), ("finding", "audits:finding")]:
        for target in world.targets[kind]:
            outcome, response = request(director, "GET", reverse(name, kwargs=target.kwargs))
            assert outcome == 200 and target.facts["needle"] in body_text(response), target.facts["case"]
    for target in world.targets["practice_report"]:
        _outcome, response = request(
            director,
            "GET",
            reverse(
                "plan:report_practice",
                kwargs={
                    k: v
                    for k, v in world.targets["practice_period"][
                        world.targets["practice_report"].index(target)
                    ].kwargs.items()
                },
            ),
        )
        assert target.facts["needle"] in body_text(response)
    readers = world.clients["readers-staff1"]
    _outcome, response = request(readers, "GET", reverse("audits:index"))
    assert world.targets["audit"][0].facts["needle"] in body_text(response)
    _outcome, response = request(readers, "GET", reverse("proposals:unit"))
    assert world.targets["proposal"][0].facts["needle"] in body_text(response)
    _outcome, response = request(director, "GET", reverse("proposals:all_export") + "?format=csv")
    exported = body_text(response)  # a stream: read once
    assert all(t.facts["needle"] in exported for t in world.targets["proposal"])


def test_every_table_row_is_a_url_pattern():
    keys = {p.key for p in PATTERNS}
    stale = sorted(set(table.PAGES) - keys)
    assert not stale, (
        f"rows of tests/authorization_table.py without a URL pattern (renamed or removed?): {stale}"
    )
    stale_skips = [prefix for prefix in table.SKIPPED if not any(k.startswith(prefix) for k in keys)]
    assert not stale_skips, f"SKIPPED prefixes that match no URL pattern: {stale_skips}"


@pytest.mark.parametrize("key", sorted(table.SHADOWED))
def test_shadowed_patterns_stay_unreachable(key):
    pattern = next((p for p in PATTERNS if p.key == key), None)
    assert pattern is not None, f"{key} is no longer a URL pattern: remove it from SHADOWED"
    answered_by = resolve("/" + pattern.route)
    assert answered_by.func != pattern.pattern.callback, f"{key} is reachable now: give it a page(...) row"
    by = table.SHADOWED[key].by
    assert answered_by.view_name == by, f"{key} is answered by {answered_by.view_name}, the table says {by}"


def test_permissions_doc_is_up_to_date():
    import importlib.util

    spec = importlib.util.spec_from_file_location("permissions_doc", ROOT / "scripts" / "permissions_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = (ROOT / "docs" / "permissions.md").read_text(encoding="utf-8")
    assert current == module.render(), "docs/permissions.md is out of date: run `make permissions-doc`"
