"""Second-review arithmetic: weighted means with the year's criteria, grades by configured bands."""

from decimal import Decimal

import pytest

from proposals import selectors
from proposals.models import GradeBand, ScoringCriterion
from proposals.services import weighted_total

pytestmark = pytest.mark.django_db


def test_default_criteria_and_bands_come_from_the_domain_defaults():
    criteria = selectors.criteria_for_year(114)
    assert [(c.name, c.weight) for c in criteria] == [
        ("創意性", 30),
        ("可行性", 25),
        ("效益性", 30),
        ("完整性", 15),
    ]
    assert [(b.name, b.min_score) for b in selectors.grade_bands_for_year(114)] == [
        ("特優", 90),
        ("優等", 85),
        ("甲等", 80),
    ]


def test_weighted_mean_with_default_weights():
    criteria = selectors.criteria_for_year(114)
    values = {"創意性": 95, "可行性": 80, "效益性": 90, "完整性": 70}
    # (95×30 + 80×25 + 90×30 + 70×15) / 100 = 86.00
    assert weighted_total(values, criteria) == Decimal("86.00")


def test_weights_need_not_sum_to_100_and_results_round_half_up():
    criteria = [ScoringCriterion(name="a", weight=1), ScoringCriterion(name="b", weight=2)]
    # (80 + 2×85) / 3 = 83.333… → 83.33; (81 + 2×80) / 3 = 80.333… ; (80 + 2×81)/3 = 80.666… → 80.67
    assert weighted_total({"a": 80, "b": 85}, criteria) == Decimal("83.33")
    assert weighted_total({"a": 80, "b": 81}, criteria) == Decimal("80.67")


@pytest.mark.parametrize(
    "total, grade",
    [
        (Decimal("100"), "特優"),
        (Decimal("90.00"), "特優"),
        (Decimal("89.99"), "優等"),
        (Decimal("85"), "優等"),
        (Decimal("84.99"), "甲等"),
        (Decimal("80"), "甲等"),
        (Decimal("79.99"), None),
    ],
)
def test_grade_bands_boundaries(total, grade):
    band = selectors.grade_for(total, 114)
    assert (band.name if band else None) == grade


def test_a_year_with_its_own_configuration_uses_it_and_later_years_inherit_it():
    ScoringCriterion.objects.create(roc_year=115, name="創意性", weight=50)
    ScoringCriterion.objects.create(roc_year=115, name="效益性", weight=50)
    GradeBand.objects.create(roc_year=115, name="優良", min_score=75, reward_amount=1000, commendations=1)
    assert [c.name for c in selectors.criteria_for_year(115)] == ["創意性", "效益性"]
    assert [c.name for c in selectors.criteria_for_year(116)] == ["創意性", "效益性"]
    assert len(selectors.criteria_for_year(114)) == 4  # an earlier year keeps the defaults
    assert selectors.grade_for(Decimal("76"), 115).name == "優良"
    assert selectors.grade_for(Decimal("76"), 114) is None
    values = {"創意性": 80, "效益性": 71}
    assert weighted_total(values, selectors.criteria_for_year(115)) == Decimal("75.50")


def test_zero_total_weight_is_a_clear_error():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="權重合計為 0"):
        weighted_total({"a": 1}, [ScoringCriterion(name="a", weight=0)])


def test_proposal_total_is_the_mean_of_members_and_waits_for_all(client, person, org):
    from proposals.models import Proposal
    from tests.support.proposal_http import Driver

    drive = Driver(client, person)
    proposal = drive.submit("reference-staff1")
    drive.first_review("reference-head", proposal, "accepted")
    drive.assign_reviewers(proposal, ["committee1", "committee2", "external1"])
    drive.score("committee1", proposal, {"創意性": 90, "可行性": 90, "效益性": 90, "完整性": 90})  # 90.00
    drive.score("external1", proposal, {"創意性": 80, "可行性": 80, "效益性": 80, "完整性": 80})  # 80.00
    assert proposal.state == Proposal.State.SECOND_REVIEW and proposal.weighted_total is None
    drive.score("committee2", proposal, {"創意性": 85, "可行性": 86, "效益性": 84, "完整性": 88})
    # committee2: (85×30 + 86×25 + 84×30 + 88×15) / 100 = 85.40; mean (90 + 80 + 85.40) / 3 = 85.13
    assert proposal.state == Proposal.State.AWAITING_DECISION
    assert proposal.weighted_total == Decimal("85.13")
    assert proposal.grade == "優等"


def test_administrator_edits_the_configuration_in_the_admin_site(client, person, org):
    client.force_login(person("admin"))
    assert client.get("/admin/proposals/scoringcriterion/").status_code == 200
    criterion = ScoringCriterion.objects.get(roc_year=0, name="創意性")
    response = client.post(
        "/admin/proposals/scoringcriterion/add/",
        {"roc_year": 115, "name": "創意性", "weight": 40, "sort_order": 0},
    )
    assert response.status_code == 302
    assert ScoringCriterion.objects.filter(roc_year=115).count() == 1
    assert criterion.weight == 30
    client.force_login(person("readers-head"))
    assert client.get("/admin/proposals/scoringcriterion/").status_code == 302
