"""A person logs in through a real browser and sees the home page in Traditional Chinese."""

import pytest
from playwright.sync_api import expect

from tests.helpers import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_member_logs_in_and_sees_home_in_traditional_chinese(page, live_org, demo_password, tmp_path):
    log_in_browser(page, live_org.url, "readers-staff1", demo_password)
    page.wait_for_url(f"{live_org.url}/home/")
    assert page.locator("html").get_attribute("lang") == "zh-hant"
    assert page.get_by_role("heading", name="許志偉，您好").is_visible()
    assert page.get_by_text("閱覽典藏組 · 同仁").is_visible()
    assert page.get_by_role("link", name="收件匣").first.is_visible()
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    page.get_by_role("link", name="收件匣").first.click()
    page.wait_for_url(f"{live_org.url}/workflow/inbox/")
    assert page.get_by_text("目前沒有指派給您的待辦任務。").is_visible()


def test_wrong_password_stays_on_login_page(page, live_org):
    log_in_browser(page, live_org.url, "readers-staff1", "not-the-password", home=False)
    # expect() waits for the response to the POST: the form comes back with Django's error.
    expect(page.get_by_text("請輸入正確的使用者名稱和密碼（英文大小寫有別）。")).to_be_visible()
    assert "/accounts/login/" in page.url
    expect(page.get_by_role("button", name="登入")).to_be_visible()


def test_the_first_tab_offers_to_skip_to_the_main_content(page, live_org, demo_password):
    log_in_browser(page, live_org.url, "readers-staff1", demo_password)
    page.wait_for_url(f"{live_org.url}/home/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳至主要內容")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # shown while it has the focus
    page.keyboard.press("Enter")
    expect(page.locator("#gov-main")).to_be_focused()
    # The next Tab goes on inside the main content, past the menu.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('gov-main').contains(document.activeElement)")


def test_the_password_toggle_is_named_for_screen_readers(page, live_org):
    page.goto(f"{live_org.url}/accounts/login/")
    show = page.get_by_role("button", name="顯示密碼")
    expect(show).to_be_visible()
    expect(show).to_have_attribute("aria-pressed", "false")
    show.click()
    expect(page.locator("input[name=password]")).to_have_attribute("type", "text")
    expect(page.get_by_role("button", name="隱藏密碼")).to_have_attribute("aria-pressed", "true")
