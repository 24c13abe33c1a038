"""Each step refuses the wrong person with 403 (or a login redirect) and changes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.models import TrailEvent, Unit
from proposals import services
from proposals.models import Proposal, ReviewerAssignment
from tests.helpers import open_task

pytestmark = pytest.mark.django_db
State = Proposal.State


def snapshot(proposal):
    proposal.refresh_from_db()
    return proposal.state, TrailEvent.objects.filter(case_ref=proposal.trail_ref).count()


def test_other_units_head_cannot_review(drive):
    proposal = drive.submit("readers-staff1")
    before = snapshot(proposal)
    task = open_task(proposal, "first_review")
    for login in ("acquisitions-head", "readers-staff2", "readers-liaison", "director"):
        client = drive.as_(login)
        assert client.post(task.reverse("execute"), {"outcome": "accepted"}).status_code == 403, login
        assert client.post(task.reverse("assign")).status_code == 403, login
    assert snapshot(proposal) == before


def test_first_review_waits_in_the_inbox_of_the_units_head(drive, person):
    from governance import inbox

    proposal = drive.submit("readers-staff1")
    rows = inbox.inbox_page(person("readers-head")).rows
    assert [(r.case_number, r.case_title) for r in rows] == [(proposal.case_number, proposal.title)]
    assert inbox.inbox_page(person("acquisitions-head")).rows == []
    html = drive.as_("readers-head").get("/workflow/inbox/").content.decode()
    assert proposal.case_number in html and "初審（受理審查）" in html


def test_anonymous_is_sent_to_login_and_nothing_changes(client, drive):
    proposal = drive.submit("readers-staff1")
    before = snapshot(proposal)
    task = open_task(proposal, "first_review")
    client.logout()
    for url in (task.reverse("execute"), f"/proposals/{proposal.pk}/", "/proposals/new/", "/proposals/all/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    response = client.post(task.reverse("execute"), {"outcome": "accepted"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(f"/proposals/{proposal.pk}/withdraw/").status_code == 302
    assert snapshot(proposal) == before


def test_staff_of_another_unit_cannot_open_the_proposal(drive):
    proposal = drive.submit("readers-staff1")
    assert drive.as_("acquisitions-staff1").get(f"/proposals/{proposal.pk}/").status_code == 403
    assert drive.as_("readers-staff2").get(f"/proposals/{proposal.pk}/").status_code == 200
    assert drive.as_("auditor").get(f"/proposals/{proposal.pk}/").status_code == 200
    attachment_url = f"/proposals/{proposal.pk}/files/1/"
    assert drive.as_("acquisitions-staff1").get(attachment_url).status_code == 403


def test_a_co_proposer_is_never_offered_nor_accepted_as_reviewer(drive, person):
    proposal = drive.submit("readers-staff1", co_proposers="committee1 20")
    drive.first_review("readers-head", proposal, "accepted")
    before = snapshot(proposal)
    task = open_task(proposal, "assign_reviewers")
    client = drive.as_("tracking")
    client.post(task.reverse("assign"))
    response = client.post(task.reverse("execute"), {"members": [person("committee1").pk]})
    assert response.status_code == 200  # the form refuses: committee1 is not a choice
    assert snapshot(proposal) == before
    # The service refuses too, whatever the form offers.
    task.refresh_from_db()
    with pytest.raises(ValidationError, match="提案人"):
        services.run_task(person("tracking"), task, services.assign_reviewers, members=[person("committee1")])
    assert not ReviewerAssignment.objects.filter(proposal=proposal).exists()


def test_a_proposer_cannot_score_even_when_handed_the_task(drive, person):
    proposal = drive.submit("readers-staff1")
    drive.first_review("readers-head", proposal, "accepted")
    drive.assign_reviewers(proposal, ["committee1", "committee2"])
    # Suppose committee2 became a co-proposer afterwards (data fixed by hand): still refused.
    proposal.proposers.create(person=person("committee2"), share=1, position=5)
    task = open_task(proposal, "score", owner=person("committee2"))
    with pytest.raises(Exception, match="提案人不能評審"):
        services.run_task(
            person("committee2"),
            task,
            services.score_proposal,
            values={"創意性": 90, "可行性": 90, "效益性": 90, "完整性": 90},
        )
    assert not ReviewerAssignment.objects.filter(member=person("committee2")).exclude(scored_at=None).exists()


def test_members_cannot_score_for_each_other(drive, person):
    proposal = drive.submit("readers-staff1")
    drive.first_review("readers-head", proposal, "accepted")
    drive.assign_reviewers(proposal, ["committee1", "external1"])
    task = open_task(proposal, "score", owner=person("committee1"))
    before = snapshot(proposal)
    for login in ("external1", "committee2", "tracking"):
        assert drive.as_(login).post(task.reverse("execute"), {}).status_code == 403, login
    assert snapshot(proposal) == before


def test_external_member_sees_only_assigned_proposals(drive, person):
    assigned = drive.submit("readers-staff1", title="外部委員受指派案")
    other = drive.submit("readers-staff2", title="外部委員未受指派案")
    for p in (assigned, other):
        drive.first_review("readers-head", p, "accepted")
    drive.assign_reviewers(assigned, ["external1"])
    client = drive.as_("external1")
    assert client.get(f"/proposals/{assigned.pk}/").status_code == 200
    assert client.get(f"/proposals/{other.pk}/").status_code == 403
    assert client.get("/proposals/all/").status_code == 403
    score_task = open_task(assigned, "score", owner=person("external1"))
    html = client.get(score_task.reverse("execute")).content.decode()
    assert "外部委員受指派案" in html and "外部委員未受指派案" not in html
    # The external member's task is queued under the external permission, not the internal one.
    assert score_task.owner_permission == "governance.score_assigned_only"


def test_only_the_director_or_deputy_decides(drive, person):
    proposal = drive.submit("planning-staff1")
    drive.first_review("planning-head", proposal, "accepted")
    drive.assign_reviewers(proposal, ["committee1"])
    drive.score("committee1", proposal, {"創意性": 80, "可行性": 80, "效益性": 80, "完整性": 80})
    task = open_task(proposal, "decide")
    before = snapshot(proposal)
    for login in ("planning-head", "tracking", "committee1", "hr", "auditor"):
        assert drive.as_(login).post(task.reverse("assign")).status_code == 403, login
    assert snapshot(proposal) == before
    due = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    drive.decide(proposal, "adopt", lead_unit=Unit.objects.get(code="planning"), due=due, login="deputy")
    assert proposal.state == State.EXECUTING and proposal.decided_by.username == "deputy"


def test_progress_is_reported_only_by_the_lead_units_liaison(drive, person):
    proposal = drive.submit("planning-staff1")
    drive.first_review("planning-head", proposal, "accepted")
    drive.assign_reviewers(proposal, ["committee1"])
    drive.score("committee1", proposal, {"創意性": 90, "可行性": 90, "效益性": 90, "完整性": 90})
    due = (timezone.localdate() + datetime.timedelta(days=120)).isoformat()
    drive.decide(proposal, "adopt", lead_unit=Unit.objects.get(code="reference"), due=due)
    task = open_task(proposal, "execution_plan")
    before = snapshot(proposal)
    for login in ("planning-liaison", "reference-staff1", "planning-head"):
        assert drive.as_(login).post(task.reverse("assign")).status_code == 403, login
    assert snapshot(proposal) == before
    drive.execution_plan("reference-liaison", proposal, "執行計畫", f"{due} 完成")
    assert proposal.execution_plan == "執行計畫"


def test_with_two_heads_the_review_waits_in_their_queue_and_one_claims_it(drive, person):
    from governance import inbox
    from governance.roles import UnitRole
    from governance.services import add_membership

    # 閱覽典藏組 gets an acting second head (e.g. a 代理主管).
    add_membership(
        actor=person("admin"),
        user=person("reference-head"),
        unit=Unit.objects.get(code="readers"),
        role=UnitRole.HEAD,
    )
    proposal = drive.submit("readers-staff1")
    task = open_task(proposal, "first_review")
    assert task.owner_id is None
    for login in ("readers-head", "reference-head"):
        assert [r.task.pk for r in inbox.queue_page(person(login)).rows] == [task.pk], login
    assert inbox.queue_page(person("acquisitions-head")).rows == []
    drive.execute("reference-head", proposal, "first_review", {"outcome": "accepted"}, claim=True)
    assert proposal.state == State.SECOND_REVIEW
    assert proposal.review_rounds.get().reviewer.username == "reference-head"
