"""A proposer (the submitter or a co-proposer) never reviews their own proposal: the rule is
said once (proposals.selectors.conflicted_reviewer_ids / has_conflict_of_interest) and the
assignment form, the assignment service and the score step all ask it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from governance.models import User
from proposals import selectors, services
from proposals.forms import AssignReviewersForm
from proposals.models import ReviewerAssignment
from tests.helpers import open_task

pytestmark = pytest.mark.django_db

HIGH = {"創意性": 90, "可行性": 90, "效益性": 90, "完整性": 90}


def test_the_proposers_conflict_and_their_unit_does_not(drive, person):
    proposal = drive.submit("readers-staff1", co_proposers="committee1 20")
    assert selectors.has_conflict_of_interest(person("readers-staff1"), proposal)  # submitter
    assert selectors.has_conflict_of_interest(person("committee1"), proposal)  # co-proposer
    # Not a proposer: a colleague of the proposing unit, its head, another member.
    for login in ("readers-staff2", "readers-head", "committee2", "external1"):
        assert not selectors.has_conflict_of_interest(person(login), proposal), login
    assert set(selectors.conflicted_reviewer_ids(proposal)) == {
        person("readers-staff1").pk,
        person("committee1").pk,
    }


@pytest.fixture
def widened(monkeypatch, person):
    """The rule as if it also excluded committee2: every place that asks it must follow."""
    rule = selectors.conflicted_reviewer_ids
    also = person("committee2")

    def conflicted(proposal):
        return User.objects.filter(Q(pk__in=rule(proposal)) | Q(pk=also.pk)).values_list("pk", flat=True)

    def widen():
        monkeypatch.setattr(selectors, "conflicted_reviewer_ids", conflicted)

    return widen


def test_the_form_the_service_and_the_score_step_follow_the_one_rule(drive, person, widened):
    proposal = drive.submit("readers-staff1")
    drive.first_review("readers-head", proposal, "accepted")
    other = drive.submit("readers-staff2", title="另一件提案")
    drive.first_review("readers-head", other, "accepted")
    # committee2 is assigned to `other` while the rule is the real one.
    drive.assign_reviewers(other, ["committee1", "committee2"])
    widened()

    offered = AssignReviewersForm(proposal=proposal).fields["members"].queryset
    assert person("committee1") in offered and person("committee2") not in offered

    task = open_task(proposal, "assign_reviewers")
    with pytest.raises(ValidationError, match="提案人"):
        services.run_task(person("tracking"), task, services.assign_reviewers, members=[person("committee2")])
    assert not ReviewerAssignment.objects.filter(proposal=proposal).exists()

    score = open_task(other, "score", owner=person("committee2"))
    with pytest.raises(PermissionDenied, match="提案人不能評審"):
        services.run_task(person("committee2"), score, services.score_proposal, values=HIGH)
    assert not ReviewerAssignment.objects.filter(proposal=other).exclude(scored_at=None).exists()
    # Whom the rule leaves alone still scores.
    drive.score("committee1", other, HIGH)
    assert ReviewerAssignment.objects.filter(proposal=other).exclude(scored_at=None).count() == 1
