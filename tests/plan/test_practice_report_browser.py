"""A quarter of the plan in a browser: the readers' liaison reports a practice with an evidence
file from the unit's page, the head confirms it there, the 管考 officer sees every unit side
by side with what is missing.

Headless Debian chromium via Playwright, against Django's live server, in Traditional Chinese.
"""

import pytest
from playwright.sync_api import expect

from governance.rocdate import quarter_label, quarter_name, roc_year, today_taipei
from plan.models import PracticeReport
from tests.helpers import log_in_browser
from tests.support.plan_factory import make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRACTICE = "讀者辦證服務單一窗口服務"


def test_liaison_reports_head_confirms_office_sees_the_quarter(page, live_org, demo_password, tmp_path):
    base = live_org.url
    make_plan(roc_year(today_taipei()))  # this year's plan: this quarter is open
    period = quarter_name(quarter_label(today_taipei()))  # 115 年第 4 季, as people read it
    evidence = tmp_path / "辦證統計.pdf"
    evidence.write_bytes(b"%PDF-1.4 statistics")

    log_in_browser(page, base, "readers-liaison", demo_password)
    page.goto(f"{base}/plan/reports/")
    expect(page.get_by_role("heading", name=f"本單位計畫季報 {period}")).to_be_visible()
    row = page.locator("tr", has_text=PRACTICE)
    expect(row).to_contain_text("未填報")
    row.get_by_text("填報", exact=True).click()
    row.get_by_label("依進度辦理").check()
    row.get_by_label("辦理情形").fill("網路辦證本季受理 1,204 件，臨櫃填單減少四成。")
    row.get_by_label("佐證檔案").set_input_files(str(evidence))
    row.get_by_role("button", name="送出季報").click()
    expect(page.get_by_text(f"已送出 {period} 推動作法 1.1 的季報，待主管確認。")).to_be_visible()
    expect(page.locator("tr", has_text=PRACTICE)).to_contain_text("待主管確認")
    report = PracticeReport.objects.get()
    assert report.attachments.get().name == "辦證統計.pdf"

    page.context.clear_cookies()
    log_in_browser(page, base, "readers-head", demo_password)
    page.goto(f"{base}/plan/reports/")
    page.locator("tr", has_text=PRACTICE).get_by_role("button", name="確認").click()
    expect(page.locator("tr", has_text=PRACTICE)).to_contain_text("主管已確認")

    page.context.clear_cookies()
    log_in_browser(page, base, "tracking", demo_password)
    page.goto(f"{base}/plan/reports/quarter/")
    expect(page.get_by_role("heading", name=f"各單位計畫季報總覽 {period}")).to_be_visible()
    expect(page.get_by_text("未填報 6 件")).to_be_visible()
    expect(page.get_by_role("row", name=PRACTICE)).to_contain_text("主管已確認")
