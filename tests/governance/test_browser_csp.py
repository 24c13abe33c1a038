"""Under the Content-Security-Policy every page still works in a real browser: no script or
style is blocked, the Material components render, Turbo navigates, forms submit."""

import pytest
from playwright.sync_api import expect

from tests.helpers import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def proposal_in_first_review(live_org):
    from django.contrib.auth import get_user_model

    from proposals import services
    from proposals.models import ScopeCategory

    staff = get_user_model().objects.get(username="readers-staff1")
    draft = services.save_draft(
        actor=staff,
        content=services.ProposalContent(
            "館內指標雙語化",
            "指標僅有中文",
            "新增英文與圖示",
            "外籍讀者易找到服務",
            ScopeCategory.objects.first(),
        ),
    )
    services.submit_proposal(actor=staff, proposal=draft)
    draft.refresh_from_db()
    return draft


def test_pages_work_under_the_policy(page, live_org, proposal_in_first_review, demo_password):
    violations, errors = [], []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    base_url = live_org.url
    response = page.goto(f"{base_url}/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    log_in_browser(page, base_url, "readers-head", demo_password)
    page.get_by_role("link", name="收件匣").first.click()
    expect(page).to_have_url(f"{base_url}/workflow/inbox/")
    number = proposal_in_first_review.case_number
    page.get_by_role("row").filter(has_text=number).get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    # The task form works: accept at first review.
    page.get_by_role("radio", name="受理", exact=True).check()
    page.get_by_role("button", name="送出", exact=True).click()
    expect(page).to_have_url(f"{base_url}/proposals/{proposal_in_first_review.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("複審中")
    for path in ("/home/", "/notifications/", "/notifications/settings/", "/evidence/mine/", "/audits/"):
        page.goto(f"{base_url}{path}")
        expect(page.locator("vf-page-menu, .vf-page__menu").first).to_be_attached()
    assert violations == [] and errors == [], (violations, errors)
