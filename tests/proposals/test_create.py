"""The new-proposal form: its optional link to a practice of the service-quality plan."""

from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError

from plan.models import PlanPractice
from plan.selectors import practice_label, version_tree
from plan.services import load_seed_plan, revise_plan
from proposals import services
from proposals.models import ScopeCategory
from tests.support.proposal_http import proposal_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(org):
    return load_seed_plan()


def practice(version, area, number):
    """The first practice so numbered in the area (numbers repeat under its dimensions)."""
    return (
        PlanPractice.objects.filter(item__area__version=version, item__area__number=area, number=number)
        .order_by("item__sort_order", "sort_order")
        .first()
    )


def test_the_form_offers_the_current_plans_practices_by_area_and_item(drive, plan):
    import html as html_lib
    import re

    page = drive.as_("readers-staff1").get("/proposals/new/").content.decode()
    select = page[page.index('name="plan_practice"') :]
    select = select[: select.index("</select>")]
    groups = {
        html_lib.unescape(label): [
            html_lib.unescape(o) for o in re.findall(r"<option[^>]*>([^<]*)</option>", body)
        ]
        for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S)
    }
    # Numbers repeat across areas, dimensions and items: each practice is under its item,
    # which names where it sits and its area.
    assert "1.2 分齡分眾全功能服務臺" in groups["一（一）1. 服務流程／單一窗口服務全功能程度"]
    same_number = [label for label, options in groups.items() if any(o.startswith("1.2 ") for o in options)]
    assert len(same_number) >= 3 and len(set(same_number)) == len(same_number)
    assert (
        sum(len(options) for options in groups.values())
        == PlanPractice.objects.filter(item__area__version=plan).count()
    )


def test_a_proposal_links_the_chosen_practice_and_shows_it(drive, plan):
    chosen = practice(plan, "二", "1.2")
    proposal = drive.submit("readers-staff1", plan_practice=chosen.pk)
    assert proposal.plan_practice == chosen
    # Where it sits: area 二 has three practices numbered 1.2.
    assert practice_label(chosen).startswith("二（") and f" 1.2 {chosen.text[:20]}" in practice_label(chosen)
    assert proposal.review_rounds.get().submitted_content["plan_practice"] == practice_label(chosen)
    html = drive.as_("readers-staff1").get(f"/proposals/{proposal.pk}/").content.decode()
    assert f"{practice_label(chosen)}（{chosen.item.area.title}）" in html


def test_no_practice_is_fine(drive, plan):
    proposal = drive.submit("readers-staff1", plan_practice="")
    assert proposal.plan_practice is None


def test_a_practice_of_a_replaced_version_is_refused_for_new_proposals(drive, plan, person):
    old = practice(plan, "一", "1.2")
    revise_plan(actor=person("tracking"), plan=plan.plan, rows=version_tree(plan).rows(), note="修正")
    response = drive.as_("readers-staff1").post(
        "/proposals/new/", proposal_form(plan_practice=old.pk, submit="1")
    )
    assert response.status_code == 200
    assert "選擇有效的選項" in response.content.decode()
    with pytest.raises(ValidationError, match="現行服務品質計畫"):
        services.save_draft(
            actor=person("readers-staff1"),
            content=services.ProposalContent(
                "標題", "現況", "作法", "效益", ScopeCategory.objects.first(), old
            ),
        )


def test_a_draft_keeps_its_link_when_the_plan_is_revised(drive, plan, person):
    staff = person("readers-staff1")
    linked = practice(plan, "一", "1.3")
    draft = services.save_draft(
        actor=staff,
        content=services.ProposalContent(
            "標題", "現況", "作法", "效益", ScopeCategory.objects.first(), linked
        ),
    )
    rows = version_tree(plan).rows()
    rows[2] = replace(rows[2], practice_text="線上整合服務（含行動裝置）")
    revise_plan(actor=person("tracking"), plan=plan.plan, rows=rows, note="修正")
    client = drive.as_("readers-staff1")
    form = client.get(f"/proposals/{draft.pk}/edit/").content.decode()
    assert f'value="{linked.pk}" selected' in form
    response = client.post(f"/proposals/{draft.pk}/edit/", proposal_form(plan_practice=linked.pk))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.plan_practice == linked
