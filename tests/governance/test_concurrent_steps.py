"""Many people (or many clicks) acting on the same step at the same moment, on PostgreSQL.

Exactly one succeeds; the others get a clear "already done" answer, not an error page; the
case, its process and its trail stay consistent; nothing deadlocks.
"""

import datetime

import pytest
from django.db import connection
from django.test import Client
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audits.models import Finding
from governance.trail import verify_case
from governance.workflow import TaskNotOpen
from proposals import services
from proposals.models import Proposal
from tests.helpers import open_task
from tests.support.audit_http import AuditDriver, finding_fields
from tests.support.proposal_http import Driver
from tests.threads import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; this runs on the PostgreSQL pass")


@pytest.fixture
def submitted(org, client, person):
    drive = Driver(client, person)
    return drive, drive.submit("readers-staff1")


def test_twenty_calls_of_one_step_through_the_service(submitted, person):
    _drive, proposal = submitted
    task = open_task(proposal, "first_review")
    head = person("readers-head")
    step = lambda: services.run_task(head, task, services.first_review, outcome="accepted")  # noqa: E731
    results, errors = at_once([step] * THREADS)
    assert len(results) == 1
    assert len(errors) == THREADS - 1 and all(isinstance(e, TaskNotOpen) for e in errors), errors[:3]
    assert "已完成" in str(errors[0])
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SECOND_REVIEW and proposal.review_rounds.count() == 1
    assert verify_case(services.CASE_KIND, proposal.trail_ref).ok
    assert (
        Task.objects.filter(
            process_id=proposal.process_id, flow_task_type="HUMAN", status=STATUS.DONE
        ).count()
        == 1
    )


def test_twenty_posts_of_one_task_page(submitted, person):
    _drive, proposal = submitted
    task = open_task(proposal, "first_review")
    url = task.reverse("execute")
    head = person("readers-head")

    def post():
        client = Client()
        client.force_login(head)
        response = client.post(url, {"outcome": "accepted"})
        return response.status_code, response.get("Location", ""), response.content.decode()

    results, errors = at_once([post] * THREADS)
    assert errors == []
    statuses = sorted(code for code, _loc, _body in results)
    assert 500 not in statuses
    done = [r for r in results if r[0] == 302 and r[1] == f"/proposals/{proposal.pk}/"]
    assert len(done) == THREADS, statuses  # the winner and the others all land on the case page
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SECOND_REVIEW and proposal.review_rounds.count() == 1
    assert verify_case(services.CASE_KIND, proposal.trail_ref).ok
    # The others were told it was already done.
    client = Client()
    client.force_login(head)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "已完成" in page


def test_two_heads_approving_one_plan(org, client, person):
    from governance.models import Unit
    from governance.roles import UnitRole
    from governance.services import add_membership

    readers = Unit.objects.get(code="readers")
    # A second head (an acting head), so the step waits in the heads' shared queue.
    add_membership(
        actor=person("admin"),
        user=person("readers-staff2"),
        unit=readers,
        role=UnitRole.HEAD,
        valid_from=datetime.date(2020, 1, 1),
    )
    drive = AuditDriver(client, person)
    audit = drive.register([finding_fields(0, lead="readers")])
    finding = drive.findings(audit)[0]
    drive.meeting(finding)
    drive.plan(finding)
    from audits import services as audit_services

    task = open_task(finding, "approve_plan")
    assert task.owner_id is None  # queued for both heads

    def approve(login):
        return lambda: audit_services.run_task(
            person(login), task, audit_services.review_plan, approve=True, comment=f"{login} 核定"
        )

    results, errors = at_once([approve("readers-head"), approve("readers-staff2")] * 5)
    assert len(results) == 1
    assert all(isinstance(e, TaskNotOpen) for e in errors), errors[:3]
    finding.refresh_from_db()
    assert finding.state == Finding.State.IN_PROGRESS
    assert verify_case("finding", finding.trail_ref).ok


def test_two_members_scoring_at_the_same_moment(submitted, person):
    drive, proposal = submitted
    drive.first_review("readers-head", proposal, "accepted")
    drive.assign_reviewers(proposal, ["committee1", "committee2"])
    from proposals.selectors import criteria_for_year

    def score(login):
        member = person(login)
        task = open_task(proposal, "score", owner=member)
        values = {c.name: 90 for c in criteria_for_year(proposal.roc_year)}
        return lambda: services.run_task(member, task, services.score_proposal, values=values, comment="")

    results, errors = at_once([score("committee1"), score("committee2")])
    assert errors == [] and len(results) == 2
    proposal.refresh_from_db()
    # Both scores in, the join passed once: one decision task, the total computed once.
    assert proposal.state == Proposal.State.AWAITING_DECISION
    assert (
        Task.objects.filter(
            process_id=proposal.process_id, flow_task_type="HUMAN", status__in=[STATUS.NEW, STATUS.ASSIGNED]
        ).count()
        == 1
    )
    assert proposal.reviewer_assignments.filter(scored_at__isnull=False).count() == 2
    assert verify_case(services.CASE_KIND, proposal.trail_ref).ok
