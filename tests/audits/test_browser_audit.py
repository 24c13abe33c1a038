"""The 管考 officer registers an audit with two findings; one review meeting covers both;
the lead unit's liaison writes the improvement plan from their inbox.

Headless Debian chromium via Playwright, against Django's live server, in Traditional
Chinese: the menu, the registration form with its blank finding fieldsets, the queue and
the inbox, and the task pages as the people of the 管考 office and a unit use them.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from governance.rocdate import format_roc_short, today_taipei
from tests.helpers import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGENCY = "教育部"
KIND = "考核"
AUDIT_TITLE = "115 年度服務品質考核"
HELD_ON = "115/10/01"  # ROC form, as typed from the letter
DOCUMENT_NUMBER = "臺教綜（一）字第1150012345號"

FIRST = {
    "kind": "缺失",
    "text": "閱覽區動線標示不清，讀者常找不到自修室與期刊區。",
    "severity": "高",
    "unit": "閱覽典藏組",
    "due_in_days": 90,
}
SECOND = {
    "kind": "建議",
    "text": "特藏文獻數位化進度宜定期公告，並提供線上預約調閱。",
    "severity": "中",
    "unit": "參考特藏組",
    "due_in_days": 120,
}

MEETING_ATTENDEES = "館長、副館長、各組室主管、管考人員"
MEETING_DECISIONS = "依考核意見限期改善，主辦單位於兩週內提出改善措施。"
PLAN = "重新設計閱覽區指標系統，於各樓層入口增設導覽圖，並於自修室與期刊區加設懸吊式指標。"
ROOT_CAUSE = "指標系統多年未更新，空間調整後未同步修正。"

TRACKING_NUMBER = re.compile(r"\d{3}-\d{4}")


def roc_in_days(days):
    return format_roc_short(today_taipei() + datetime.timedelta(days=days))


def fill_finding(fieldset, finding):
    fieldset.get_by_label("類別").select_option(label=finding["kind"])
    fieldset.get_by_label("考核意見內容").fill(finding["text"])
    fieldset.get_by_label("嚴重程度").select_option(label=finding["severity"])
    fieldset.get_by_label("主辦單位").select_option(label=finding["unit"])
    fieldset.get_by_label("改善期限").fill(roc_in_days(finding["due_in_days"]))


def test_audit_registered_reviewed_at_one_meeting_and_lead_unit_plans(
    page, new_context, live_org, demo_password, tmp_path
):
    base_url = live_org.url

    # ---- the 管考 officer registers the audit and its two findings
    log_in_browser(page, base_url, "tracking", demo_password)
    page.get_by_role("link", name="缺失改善").first.click()
    expect(page).to_have_url(f"{base_url}/audits/")
    expect(page.get_by_role("heading", name="上級機關考核", level=1)).to_be_visible()
    page.get_by_role("link", name="登錄考核").click()
    expect(page).to_have_url(f"{base_url}/audits/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("登錄上級機關考核與考核意見")

    audit = page.get_by_role("group", name="考核", exact=True)
    audit.get_by_label("上級機關").fill(AGENCY)
    audit.get_by_label("類別").select_option(label=KIND)
    audit.get_by_label("名稱").fill(AUDIT_TITLE)
    audit.get_by_label("考核日期").fill(HELD_ON)
    audit.get_by_label("來文文號").fill(DOCUMENT_NUMBER)

    # Several blank finding fieldsets are offered; those left untouched must not count.
    fieldsets = page.get_by_role("group", name=re.compile(r"^考核意見第 \d+ 項$"))
    expect(fieldsets).to_have_count(4)
    fill_finding(page.get_by_role("group", name="考核意見第 1 項"), FIRST)
    # More are added in place: what was typed stays.
    page.get_by_role("button", name="增加一項").click()
    page.get_by_role("button", name="增加一項").click()
    expect(fieldsets).to_have_count(6)
    expect(page.get_by_role("group", name="考核意見第 1 項").get_by_label("考核意見內容")).to_have_value(
        FIRST["text"]
    )
    expect(page.get_by_role("group", name="考核意見第 6 項").get_by_label("類別")).to_be_focused()
    fill_finding(page.get_by_role("group", name="考核意見第 6 項"), SECOND)
    page.screenshot(path=str(tmp_path / "1-register.png"), full_page=True)
    page.get_by_role("button", name="登錄", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("已登錄考核及 2 項考核意見。")
    expect(page).to_have_url(re.compile(rf"{re.escape(base_url)}/audits/\d+/$"))
    audit_url = page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{AGENCY} {AUDIT_TITLE}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("列管中")
    expect(page.get_by_text(DOCUMENT_NUMBER, exact=True)).to_be_visible()
    expect(page.get_by_text("115年10月1日", exact=True)).to_be_visible()  # the date typed as 115/10/01
    findings = page.get_by_role("region", name="考核意見")
    first_row = findings.get_by_role("row").filter(has_text=FIRST["text"][:20])
    second_row = findings.get_by_role("row").filter(has_text=SECOND["text"][:20])
    expect(first_row).to_contain_text(FIRST["unit"])
    expect(first_row).to_contain_text("待檢討會議")
    expect(second_row).to_contain_text(SECOND["unit"])
    expect(second_row).to_contain_text("待檢討會議")
    first_number = first_row.get_by_role("link", name=TRACKING_NUMBER).inner_text()
    second_number = second_row.get_by_role("link", name=TRACKING_NUMBER).inner_text()
    assert first_number != second_number
    page.screenshot(path=str(tmp_path / "2-audit.png"), full_page=True)

    # ---- the meeting comes first: the officer claims the first finding's task from the queue
    page.get_by_role("link", name="待認領任務").first.click()
    expect(page).to_have_url(f"{base_url}/workflow/queue/")
    queued = page.get_by_role("row").filter(has_text=first_number)
    expect(queued).to_contain_text("召開檢討會議")
    expect(page.get_by_role("row").filter(has_text=second_number)).to_contain_text("召開檢討會議")
    page.screenshot(path=str(tmp_path / "3-queue.png"), full_page=True)
    queued.get_by_role("link", name=first_number).click()
    claim = page.get_by_role("button", name="認領並辦理")
    expect(claim).to_be_visible()
    page.screenshot(path=str(tmp_path / "4-claim.png"), full_page=True)
    claim.click()  # 認領並辦理: take the task and go straight to its form
    expect(page).to_have_url(re.compile(r"/review_meeting/\d+/execute/$"))

    expect(page.get_by_role("heading", level=1)).to_contain_text(f"召開檢討會議：{first_number}")
    page.get_by_label("會議日期").fill(roc_in_days(-1))
    page.get_by_label("出席人員").fill(MEETING_ATTENDEES)
    page.get_by_label("會議決議").fill(MEETING_DECISIONS)
    expect(page.get_by_label("確認主辦單位").locator("option:checked")).to_have_text(FIRST["unit"])
    expect(page.get_by_label("確認改善期限")).to_have_value(roc_in_days(FIRST["due_in_days"]))
    also = page.get_by_role("group", name="本次會議一併檢討的其他考核意見")
    also.get_by_role("checkbox", name=re.compile(rf"^{re.escape(second_number)}（")).check()
    page.screenshot(path=str(tmp_path / "5-meeting.png"), full_page=True)
    page.get_by_role("button", name="送出", exact=True).click()

    expect(page).to_have_url(re.compile(rf"{re.escape(base_url)}/audits/findings/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("已完成：召開檢討會議")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"列管事項 {first_number}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("研擬改善措施")
    page.goto(audit_url)
    findings = page.get_by_role("region", name="考核意見")
    expect(findings.get_by_role("row").filter(has_text=first_number)).to_contain_text("研擬改善措施")
    expect(findings.get_by_role("row").filter(has_text=second_number)).to_contain_text("研擬改善措施")
    page.screenshot(path=str(tmp_path / "6-after-meeting.png"), full_page=True)

    # ---- the lead unit's liaison, in a browser of their own, writes the plan from the inbox
    liaison = new_context().new_page()
    log_in_browser(liaison, base_url, "readers-liaison", demo_password)
    liaison.get_by_role("link", name="收件匣").first.click()
    expect(liaison).to_have_url(f"{base_url}/workflow/inbox/")
    expect(liaison.get_by_role("heading", name="收件匣", level=1)).to_be_visible()
    row = liaison.get_by_role("row").filter(has_text=first_number)
    expect(row).to_contain_text("研擬改善措施")
    expect(row).to_contain_text(FIRST["unit"])
    expect(liaison.get_by_role("row").filter(has_text=second_number)).to_have_count(0)  # another unit's
    liaison.screenshot(path=str(tmp_path / "7-liaison-inbox.png"), full_page=True)
    row.get_by_role("link", name=first_number).click()

    expect(liaison).to_have_url(re.compile(r"/plan/\d+/execute/$"))  # assigned to them: straight to the form
    expect(liaison.get_by_role("heading", level=1)).to_contain_text(f"研擬改善措施：{first_number}")
    expect(liaison.get_by_text(FIRST["text"], exact=True)).to_be_visible()
    liaison.get_by_label("改善措施").fill(PLAN)
    liaison.get_by_label("原因分析").fill(ROOT_CAUSE)
    liaison.screenshot(path=str(tmp_path / "8-plan.png"), full_page=True)
    liaison.get_by_role("button", name="送出", exact=True).click()

    expect(liaison).to_have_url(re.compile(rf"{re.escape(base_url)}/audits/findings/\d+/$"))
    expect(liaison.get_by_role("status")).to_contain_text("已完成：研擬改善措施")
    expect(liaison.get_by_role("heading", level=1)).to_contain_text(f"列管事項 {first_number}")
    expect(liaison.get_by_role("heading", level=1)).to_contain_text("改善措施待核定")
    expect(liaison.get_by_text(PLAN, exact=True)).to_be_visible()
    history = liaison.get_by_role("region", name="歷程（案件軌跡）")
    expect(history.get_by_role("listitem").filter(has_text="提報改善措施")).to_have_count(1)
    liaison.screenshot(path=str(tmp_path / "9-planned.png"), full_page=True)
