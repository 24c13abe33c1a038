"""`seed_demo` loads the organisation of the plan and changes nothing when run again."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from guardian.models import UserObjectPermission

from governance.demo import DEMO_PASSWORD, demo_logins
from governance.models import Membership, Unit
from tests.helpers import ROOT

pytestmark = pytest.mark.django_db


def snapshot():
    User = get_user_model()
    return {
        "units": list(Unit.objects.values_list("code", "name", "short_name", "kind", "valid_from")),
        "users": list(
            User.objects.order_by("username").values_list(
                "username", "full_name", "password", "is_staff", "is_superuser"
            )
        ),
        "memberships": list(
            Membership.objects.order_by("pk").values_list(
                "user__username", "unit__code", "role", "valid_from"
            )
        ),
        "groups": sorted(
            (g.name, sorted(g.user_set.values_list("username", flat=True)), g.permissions.count())
            for g in Group.objects.all()
        ),
        "object_perms": sorted(
            UserObjectPermission.objects.values_list("user__username", "permission__codename", "object_pk")
        ),
    }


def test_seed_is_idempotent(capsys):
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out and "planning-head" in out and "director" in out


def test_seed_has_the_eight_units_and_the_people(capsys):
    call_command("seed_demo", "--quiet")
    assert list(Unit.objects.values_list("name", flat=True)) == [
        "企劃推廣組",
        "採訪編目組",
        "閱覽典藏組",
        "參考特藏組",
        "秘書室",
        "會計室",
        "人事室",
        "陽明山中山樓管理所",
    ]
    for unit in Unit.objects.all():
        roles = sorted(
            Membership.objects.filter(unit=unit, user__username__startswith=unit.code).values_list(
                "role", flat=True
            )
        )
        assert roles == ["head", "liaison", "staff", "staff"], unit
    logins = {login for login, _, _ in demo_logins()}
    assert logins == set(get_user_model().objects.values_list("username", flat=True))
    assert {
        "director",
        "deputy",
        "tracking",
        "hr",
        "committee1",
        "committee2",
        "external1",
        "auditor",
        "admin",
    } <= logins
    assert not get_user_model().objects.filter(is_superuser=True).exists()


def test_readme_lists_every_demo_login():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for login, name, _ in demo_logins():
        assert f"`{login}`" in readme and name in readme, login


# ---------------------------------------------------------------- demo proposals


def proposal_snapshot():
    from viewflow.workflow.models import Task

    from governance.models import TrailEvent
    from proposals.models import ProgressReport, Proposal, Reward

    return {
        "proposals": Proposal.objects.count(),
        "trail_events": TrailEvent.objects.count(),
        "tasks": Task.objects.count(),
        "reports": ProgressReport.objects.count(),
        "rewards": Reward.objects.count(),
    }


def test_demo_proposals_cover_every_state_with_real_flows_and_trails(capsys):
    from governance.inbox import inbox_page, queue_page
    from governance.trail import verify_case
    from proposals.models import ProgressReport, Proposal, ReviewerAssignment, Reward
    from proposals.selectors import similar_proposals

    call_command("seed_demo")
    State = Proposal.State
    assert set(Proposal.objects.values_list("state", flat=True)) == set(State.values)
    assert "示範創意提案" in capsys.readouterr().out
    # Spread over the eight units.
    assert Proposal.objects.values("unit").distinct().count() == Unit.objects.count() == 8
    # Most name a practice of the 102 plan the demo loads first.
    linked = Proposal.objects.exclude(plan_practice=None)
    assert linked.count() >= 15
    assert set(linked.values_list("plan_practice__item__area__version__plan__roc_year", flat=True)) == {102}

    for proposal in Proposal.objects.all():
        check = verify_case("proposal", str(proposal.pk))
        assert check.ok and check.events >= 1, (proposal.title, check)
        if proposal.state != State.DRAFT:
            assert proposal.process_id and proposal.case_number

    # Second review with some scores in and some not.
    assert any(
        0 < p.reviewer_assignments.exclude(scored_at=None).count() < p.reviewer_assignments.count()
        for p in Proposal.objects.filter(state=State.SECOND_REVIEW)
    )
    # Executing: a plan, approved quarterly reports, and one awaiting the head.
    executing = Proposal.objects.filter(state=State.EXECUTING)
    assert executing.exclude(execution_plan="").filter(milestones__isnull=False).exists()
    assert ProgressReport.objects.filter(
        proposal__state=State.EXECUTING, approval=ProgressReport.Approval.APPROVED
    ).exists()
    assert ProgressReport.objects.filter(
        proposal__state=State.EXECUTING, approval=ProgressReport.Approval.PENDING
    ).exists()
    # Closed with rewards, shared among co-proposers.
    for proposal in Proposal.objects.filter(state=State.CLOSED):
        rewards = list(Reward.objects.filter(proposal=proposal))
        assert rewards and sum(r.share for r in rewards) == 100
    assert Reward.objects.filter(role="共同提案人").exists()
    assert ReviewerAssignment.objects.filter(external=True).exclude(scored_at=None).exists()
    # The first reviewer sees an earlier, similar proposal.
    assert any(similar_proposals(p) for p in Proposal.objects.filter(state=State.FIRST_REVIEW))

    # Heads find work in their inbox; the 管考 office and the director in their queues.
    User = get_user_model()
    head = User.objects.get(username="readers-head")
    titles = {str(row.task_title) for row in inbox_page(head).rows}
    assert {"初審（受理審查）", "主管核定進度"} <= titles
    assert inbox_page(User.objects.get(username="director")).rows
    assert queue_page(User.objects.get(username="tracking")).rows

    before = proposal_snapshot()
    call_command("seed_demo", "--quiet")
    assert proposal_snapshot() == before


# ---------------------------------------------------------------- demo audits


def audit_snapshot():
    from viewflow.workflow.models import Process, Task

    from audits.models import (
        Audit,
        Contribution,
        Finding,
        ProgressRound,
        RemediationPlan,
        RemovalRequest,
        ReviewMeeting,
        TrackingDecision,
    )
    from governance.models import TrailEvent

    return {
        "audits": Audit.objects.count(),
        "findings": list(
            Finding.objects.order_by("pk").values_list("tracking_number", "state", "round", "due_date")
        ),
        "meetings": ReviewMeeting.objects.count(),
        "plans": RemediationPlan.objects.count(),
        "reports": ProgressRound.objects.count(),
        "contributions": Contribution.objects.count(),
        "requests": RemovalRequest.objects.count(),
        "decisions": TrackingDecision.objects.count(),
        "trail_events": TrailEvent.objects.count(),
        "processes": Process.objects.count(),
        "tasks": Task.objects.count(),
    }


def test_demo_audits_cover_every_finding_state_with_real_flows_and_trails(capsys):
    from audits.models import Audit, Finding, RemediationPlan, TrackingDecision
    from audits.selectors import is_overdue
    from governance.docnumber import parse_document_number
    from governance.inbox import queue_page
    from governance.trail import verify_case

    call_command("seed_demo")
    assert "示範上級機關考核" in capsys.readouterr().out
    State = Finding.State
    assert set(Finding.objects.values_list("state", flat=True)) == set(State.values)
    assert Audit.objects.count() >= 2
    # Spread over several units, some with supporting units that contributed.
    assert Finding.objects.values("lead_unit").distinct().count() >= 5
    assert Finding.objects.filter(supporting_units__isnull=False, contributions__isnull=False).exists()

    for audit in Audit.objects.all():
        parse_document_number(audit.document_number)
        check = verify_case("audit", str(audit.pk))
        assert check.ok and check.events >= 1, (audit, check)
    for finding in Finding.objects.all():
        assert finding.process_id
        check = verify_case("finding", str(finding.pk))
        assert check.ok and check.events >= 1, (finding, check)

    # Continued twice (繼續列管), then removed or still being worked on.
    twice = [
        f
        for f in Finding.objects.all()
        if f.decisions.filter(outcome=TrackingDecision.Outcome.CONTINUE).count() == 2
    ]
    assert twice and all(f.state in (State.IN_PROGRESS, State.CLOSED) and f.round == 3 for f in twice)
    # A returned plan, a self-tracked recommendation or observation, overdue findings.
    assert RemediationPlan.objects.filter(approval=RemediationPlan.Approval.RETURNED).exists()
    assert Finding.objects.filter(
        self_tracked=True, kind__in=[Finding.Kind.RECOMMENDATION, Finding.Kind.OBSERVATION]
    ).exists()
    assert sum(is_overdue(f) for f in Finding.objects.all()) >= 2
    # One audit closed: every finding closed and its reply recorded.
    closed = Audit.objects.exclude(replied_on=None)
    assert closed.exists()
    for audit in closed:
        assert audit.reply_document_number
        assert not audit.findings.exclude(state=State.CLOSED).exists()
    assert (
        Audit.objects.filter(replied_on=None)
        .filter(findings__state__in=[s for s in State.values if s != State.CLOSED])
        .exists()
    )

    # The 管考 office finds the meeting, review, decision and reply steps waiting in its queue.
    User = get_user_model()
    assert queue_page(User.objects.get(username="tracking")).rows

    before = audit_snapshot()
    call_command("seed_demo")
    assert audit_snapshot() == before
    assert "未載入示範考核" in capsys.readouterr().out


def test_demo_has_the_102_plan_as_written(capsys):
    from plan.models import Plan, PlanPractice

    call_command("seed_demo")
    assert "已載入 102 年度提升服務品質執行計畫" in capsys.readouterr().out.replace(" ", " ")
    plan = Plan.objects.get(roc_year=102)
    assert plan.versions.count() == 1
    assert PlanPractice.objects.filter(item__area__version__plan=plan).count() == 76
    call_command("seed_demo")
    assert Plan.objects.count() == 1
