"""The director opens the dashboard in a real browser: six charts (SVG images with their
titles) and, after each, the same figures as a table.

Headless Debian chromium via Playwright, against Django's live server, in Traditional
Chinese. The data is made over HTTP as the real roles do (the test client), the plan as rows.
"""

import datetime

import pytest
from playwright.sync_api import expect

from audits.models import Finding
from governance.models import Unit
from governance.rocdate import roc_year, today_taipei
from plan.models import Plan, PlanArea, PlanDeadline, PlanItem, PlanPractice, PlanVersion
from tests.helpers import log_in_browser, user
from tests.support.audit_http import AuditDriver, finding_fields
from tests.support.proposal_http import Driver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = [
    "各單位提案件數（依狀態）",
    "各單位採行率",
    "複審等第分布",
    "各單位考核意見列管情形",
    "各單位平均結案天數",
    "各單位推動作法辦理進度",
]


def make_data(client):
    drive = Driver(client, user)
    readers = Unit.objects.get(code="readers")
    adopted = drive.submit("readers-staff1", title="自助借書機中文語音導引")
    drive.first_review("readers-head", adopted, "accepted")
    drive.assign_reviewers(adopted, ["committee1"])
    drive.score("committee1", adopted, {"創意性": 92, "可行性": 88, "效益性": 90, "完整性": 85})
    due = (today_taipei() + datetime.timedelta(days=200)).isoformat()
    drive.decide(adopted, "adopt", lead_unit=readers, due=due)
    drive.submit("acquisitions-staff1", title="編目作業抽檢機制")

    audits = AuditDriver(client, user)
    audit = audits.register(
        [
            finding_fields(0, lead="readers", due=5),
            finding_fields(1, kind="recommendation", lead="reference", due=60, self_tracked=True),
        ]
    )
    late, light = audits.findings(audit)
    # Due yesterday, so overdue today (the way tests/audits/test_overdue.py moves a due date).
    Finding.objects.filter(pk=late.pk).update(due_date=today_taipei() - datetime.timedelta(days=1))
    audits.plan(light)
    audits.approve_plan(light)
    audits.progress(light, 100, "改善完成", propose=True)
    audits.request_removal(light)
    assert light.state == Finding.State.CLOSED

    year = roc_year(today_taipei())
    version = PlanVersion.objects.create(
        plan=Plan.objects.create(roc_year=year, title=f"{year} 年提升服務品質執行計畫"), number=1
    )
    item = PlanItem.objects.create(
        area=PlanArea.objects.create(version=version, number="一", title="服務流程"),
        title="單一窗口服務全功能程度",
    )
    practice = PlanPractice.objects.create(item=item, key="1.1", number="1.1", text="簡化申辦流程")
    practice.units.set(Unit.objects.filter(code__in=["readers", "planning"]))
    for month, day in ((3, 31), (6, 30), (9, 30), (12, 31)):
        PlanDeadline.objects.create(practice=practice, due_date=datetime.date(year + 1911, month, day))
    client.logout()


def test_director_sees_the_charts_and_their_tables(page, live_org, client, demo_password, tmp_path):
    make_data(client)
    log_in_browser(page, live_org.url, "director", demo_password)
    page.goto(f"{live_org.url}/dashboard/")
    expect(page.get_by_role("heading", name="管考儀表板", exact=True).first).to_be_visible()

    charts = page.locator("svg[role=img]")
    expect(charts).to_have_count(len(CHARTS))
    for index, title in enumerate(CHARTS):
        chart = page.get_by_role("img", name=title)
        expect(chart).to_be_visible()
        expect(charts.nth(index).locator("title").first).to_have_text(title)
        box = chart.bounding_box()
        assert box["width"] > 300 and box["height"] > 40, (title, box)

    findings = page.get_by_role("table", name="資料表：考核意見：列管中、逾期、已解除列管")
    expect(findings).to_be_visible()
    expect(findings.get_by_role("row", name="閱覽典藏組 1 0 0 1")).to_be_visible()
    expect(findings.get_by_role("row", name="參考特藏組 0 0 1 1")).to_be_visible()
    expect(
        page.get_by_role("table", name="資料表：採行率：採行件數／已作採行決定件數").get_by_role(
            "row", name="閱覽典藏組 1 1 100%"
        )
    ).to_be_visible()
    for caption in (
        "資料表：提案件數：各單位、各狀態",
        "資料表：等第分布",
        "資料表：平均結案天數：自考核至解除列管",
        "資料表：服務品質計畫推動作法：如期與落後",
    ):
        expect(page.get_by_role("table", name=caption)).to_be_visible()
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)

    # The figures narrow to a quarter and a unit from the form.
    page.locator("select[name=unit]").select_option(label="參考特藏組")
    page.get_by_role("button", name="查詢").click()
    expect(page.get_by_role("heading", name="參考特藏組")).to_be_visible()
    rows = page.get_by_role("table", name="資料表：考核意見：列管中、逾期、已解除列管").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("參考特藏組")
