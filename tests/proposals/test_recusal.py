"""迴避: a committee member who declares a conflict scores nothing; the 管考 officer who
assigned them is told and assigns another member, whose score counts instead."""

import pytest
from django.core.exceptions import ValidationError

from governance.models import Notification, TrailEvent
from proposals import services
from proposals.models import Proposal, ReviewerAssignment
from proposals.selectors import criteria_for_year
from tests.helpers import open_task
from tests.support.proposal_http import HIGH

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_second_review(drive, django_capture_on_commit_callbacks):
    # Each request's notices go out as it commits (the test's transaction never does).
    with django_capture_on_commit_callbacks(execute=True):
        proposal = drive.submit("readers-staff1")
        drive.first_review("readers-head", proposal, "accepted")
        drive.assign_reviewers(proposal, ["committee1", "external1"])
    return proposal


def recuse(drive, login, proposal, reason, expect=302):
    task = open_task(proposal, "score", owner=drive.person(login))
    response = drive.as_(login).post(task.reverse("execute"), {"recuse": "1", "reason": reason})
    assert response.status_code == expect
    return response


def test_a_recusal_hands_the_task_to_the_officer_who_assigned_with_the_reason(
    drive, in_second_review, django_capture_on_commit_callbacks
):
    proposal = in_second_review
    with django_capture_on_commit_callbacks(execute=True):
        recuse(drive, "committee1", proposal, "提案人為本人配偶")

    assignment = ReviewerAssignment.objects.get(proposal=proposal, member=drive.person("committee1"))
    assert assignment.recused_at is not None and assignment.recusal_reason == "提案人為本人配偶"
    task = open_task(proposal, "score", owner=drive.person("tracking"))
    assert task.owner_permission.endswith("manage_tracking") and task.data["recused"]
    notice = Notification.objects.get(recipient=drive.person("tracking"), key__contains=":recusal:")
    assert "馬振宇" in notice.body and "提案人為本人配偶" in notice.body
    event = TrailEvent.objects.filter(case_ref=str(proposal.pk)).latest("sequence")
    assert event.action == "委員申請迴避" and event.comment == "提案人為本人配偶"
    # Nothing is owed by the member any more: their to-do no longer lists the score.
    html = drive.as_("committee1").get("/todo/").content.decode()
    assert proposal.title not in html
    # The officer's to-do has it, linked to the task where they name another member.
    html = drive.as_("tracking").get("/todo/").content.decode()
    assert f"改派委員（原委員迴避）：{proposal.title}" in html and task.reverse("index") in html


def test_a_recusal_needs_a_reason_and_changes_nothing_without_one(drive, in_second_review):
    response = recuse(drive, "committee1", in_second_review, "  ", expect=200)
    html = response.content.decode()
    assert 'class="errorlist"' in html and "申請迴避" in html
    assert not ReviewerAssignment.objects.filter(recused_at__isnull=False).exists()


def test_a_member_who_has_scored_cannot_recuse(drive, in_second_review):
    proposal = in_second_review
    drive.score("committee1", proposal, HIGH)
    assignment = ReviewerAssignment.objects.get(member=drive.person("committee1"))
    assert assignment.scored_at is not None
    task = open_task(proposal, "score", owner=drive.person("external1"))
    # Only the task's owner may recuse from it: the member who scored owns no score task now.
    with pytest.raises(Exception):  # noqa: B017 — PermissionDenied from the task check
        services.run_task(drive.person("committee1"), task, services.declare_recusal, reason="晚了")


def test_the_officer_assigns_another_member_and_the_grade_waits_for_their_score(
    drive, in_second_review, django_capture_on_commit_callbacks
):
    proposal = in_second_review
    with django_capture_on_commit_callbacks(execute=True):  # each request commits
        recuse(drive, "committee1", proposal, "曾參與本案構想")
    drive.score("external1", proposal, HIGH)
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SECOND_REVIEW  # a replacement is still owed

    task = open_task(proposal, "score", owner=drive.person("tracking"))
    client = drive.as_("tracking")
    html = client.get(task.reverse("execute")).content.decode()
    assert "改派委員" in html and "曾參與本案構想" in html
    # The member who recused, and the proposer, are not offered.
    assert "馬振宇" not in html.split("改派委員", 2)[-1].split("</select>")[0]
    refused = client.post(task.reverse("execute"), {"member": drive.person("committee1").pk})
    assert refused.status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(task.reverse("execute"), {"member": drive.person("committee2").pk})
    assert response.status_code == 302
    task = open_task(proposal, "score", owner=drive.person("committee2"))
    assert not task.data["recused"]
    assert Notification.objects.filter(
        recipient=drive.person("committee2"), key=f"task:{task.pk}:assigned"
    ).exists()
    event = TrailEvent.objects.filter(case_ref=str(proposal.pk)).latest("sequence")
    assert event.action == "改派複審委員" and "袁美君" in event.comment

    drive.score("committee2", proposal, {**HIGH, "創意性": 80})
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.AWAITING_DECISION
    # The mean of the two who scored: the recused member counts for nothing.
    scored = ReviewerAssignment.objects.filter(proposal=proposal, recused_at__isnull=True)
    assert sorted(a.member.username for a in scored) == ["committee2", "external1"]
    totals = [a.weighted_total for a in scored]
    assert proposal.weighted_total == (sum(totals) / 2).quantize(proposal.weighted_total)


def test_a_replacement_must_be_a_committee_member_not_yet_assigned(drive, in_second_review):
    proposal = in_second_review
    recuse(drive, "committee1", proposal, "利害關係")
    task = open_task(proposal, "score", owner=drive.person("tracking"))
    for login in ("committee1", "external1", "readers-staff1", "readers-head"):
        with pytest.raises(ValidationError):
            services.run_task(
                drive.person("tracking"), task, services.replace_recused_reviewer, member=drive.person(login)
            )


def test_the_score_page_offers_recusal_and_the_criteria_stay_as_configured(drive, in_second_review):
    proposal = in_second_review
    task = open_task(proposal, "score", owner=drive.person("committee1"))
    html = drive.as_("committee1").get(task.reverse("execute")).content.decode()
    assert "申請迴避" in html and 'name="recuse"' in html
    for c in criteria_for_year(proposal.roc_year):
        assert f"權重 {c.weight}%" in html
