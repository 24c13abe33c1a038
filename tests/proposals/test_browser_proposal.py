"""A staff member proposes through a real browser; the unit head accepts it at first review.

Headless Debian chromium via Playwright, against Django's live server: the pages, the
menu, the file upload and the workflow inbox as a person uses them, in Traditional Chinese.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.helpers import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "自助借書機增設中文語音導引"
SITUATION = "高齡讀者使用自助借書機時常不知道下一步，需請館員協助，尖峰時段櫃檯大排長龍。"
IMPROVEMENT = "於自助借書機加入中文語音導引與放大字體模式，並於機台旁張貼圖解步驟。"
BENEFIT = "預估可減少三成櫃檯協助量，提高高齡讀者自行借書的比例。"
CATEGORY = "讀者服務"


def open_new_proposal_form(page, base_url):
    """Through the menu to 我的提案, then its link 新增創意提案."""
    page.get_by_role("link", name="我的提案").first.click()
    expect(page).to_have_url(f"{base_url}/proposals/")
    expect(page.get_by_role("heading", name="我的提案", level=1)).to_be_visible()
    page.get_by_role("link", name="新增創意提案").click()
    expect(page).to_have_url(f"{base_url}/proposals/new/")
    expect(page.get_by_role("heading", name="新增創意提案", level=1)).to_be_visible()


def test_staff_proposes_and_unit_head_accepts_at_first_review(
    page, new_context, live_org, demo_password, tmp_path
):
    base_url = live_org.url
    attachment = tmp_path / "現況照片說明.txt"
    attachment.write_text("自助借書機操作步驟與尖峰時段排隊情形紀錄。\n", encoding="utf-8")

    # ---- the staff member writes and sends the proposal
    log_in_browser(page, base_url, "readers-staff1", demo_password)
    open_new_proposal_form(page, base_url)

    page.get_by_label("提案名稱").fill(TITLE)
    page.get_by_label("現況說明／問題分析").fill(SITUATION)
    page.get_by_label("改進意見／具體作法").fill(IMPROVEMENT)
    page.get_by_label("預期效益").fill(BENEFIT)
    page.get_by_label("提案類別").select_option(label=CATEGORY)
    page.get_by_label("附件").set_input_files(str(attachment))
    page.screenshot(path=str(tmp_path / "1-form.png"), full_page=True)
    page.get_by_role("button", name="送出提案").click()

    status = page.get_by_role("status")
    expect(status).to_contain_text(re.compile(r"提案已送出，案號 提\d{3}-\d{4}。"))
    case_number = re.search(r"提\d{3}-\d{4}", status.inner_text()).group(0)
    expect(page).to_have_url(re.compile(rf"{re.escape(base_url)}/proposals/\d+/$"))
    detail_url = page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{case_number} {TITLE}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("初審中")
    expect(page.get_by_role("link", name=attachment.name)).to_be_visible()
    page.screenshot(path=str(tmp_path / "2-submitted.png"), full_page=True)

    # ---- the unit head, in a browser of their own, accepts it at first review
    # new_context: a second browser context, with the same arguments, closed after the test.
    head = new_context().new_page()
    log_in_browser(head, base_url, "readers-head", demo_password)
    head.get_by_role("link", name="收件匣").first.click()
    expect(head).to_have_url(f"{base_url}/workflow/inbox/")
    row = head.get_by_role("row").filter(has_text=case_number)
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("初審（受理審查）")
    head.screenshot(path=str(tmp_path / "3-inbox.png"), full_page=True)
    row.get_by_role("link", name=case_number).click()

    expect(head.get_by_role("heading", level=1)).to_contain_text(f"初審（受理審查）：{case_number} {TITLE}")
    expect(head.get_by_text(IMPROVEMENT)).to_be_visible()
    expect(head.get_by_role("link", name=attachment.name)).to_be_visible()
    head.get_by_role("radio", name="受理", exact=True).check()
    head.get_by_label("理由／說明").fill("具體可行，送複審。")
    head.screenshot(path=str(tmp_path / "head-task.png"), full_page=True)
    head.get_by_role("button", name="送出", exact=True).click()

    expect(head).to_have_url(detail_url)
    expect(head.get_by_role("status")).to_contain_text("已完成：初審（受理審查）")
    expect(head.get_by_role("heading", level=1)).to_contain_text("複審中")
    history = head.get_by_role("region", name="歷程（案件軌跡）")
    expect(history.get_by_role("listitem").filter(has_text="初審受理")).to_have_count(1)
    expect(history).to_contain_text("具體可行，送複審。")
    head.screenshot(path=str(tmp_path / "4-accepted.png"), full_page=True)

    # ---- back in the staff member's browser, the proposal shows the new state
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text("複審中")


def test_form_with_a_missing_field_says_what_to_fix_and_to_attach_again(
    page, live_org, demo_password, tmp_path
):
    base_url = live_org.url
    attachment = tmp_path / "說明.pdf"
    attachment.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    log_in_browser(page, base_url, "readers-staff1", demo_password)
    open_new_proposal_form(page, base_url)
    expect(page.get_by_text("標示 * 者為必填欄位。")).to_be_visible()
    page.get_by_label("提案名稱").fill(TITLE)
    page.get_by_label("現況說明／問題分析").fill(SITUATION)
    page.get_by_label("改進意見／具體作法").fill(IMPROVEMENT)
    page.get_by_label("預期效益").fill(BENEFIT)
    page.get_by_label("附件").set_input_files(str(attachment))
    page.get_by_role("button", name="送出提案").click()  # no category chosen

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("提案尚未儲存")
    expect(alert).to_contain_text("先前選擇的檔案未保留，請重新選擇檔案。")
    expect(page.get_by_label("提案類別")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("這個欄位是必須的。")).to_have_count(1)
    expect(page.get_by_label("提案名稱")).to_have_value(TITLE)  # what was typed is kept
    page.screenshot(path=str(tmp_path / "form-error.png"), full_page=True)

    page.get_by_label("提案類別").select_option(label=CATEGORY)
    page.get_by_label("附件").set_input_files(str(attachment))
    page.get_by_role("button", name="送出提案").click()
    expect(page.get_by_role("status")).to_contain_text("提案已送出，案號")
    expect(page.get_by_role("link", name=attachment.name)).to_be_visible()
