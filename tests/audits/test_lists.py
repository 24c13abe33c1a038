"""Findings lists by audit, unit, state, overdue and year, with summaries per audit and unit."""

import datetime

import pytest
import time_machine

from audits.models import Finding
from tests.helpers import unit
from tests.support.audit_http import finding_fields

pytestmark = pytest.mark.django_db
UTC = datetime.timezone.utc


@pytest.fixture
def audits(drive):
    first = drive.register(
        [
            finding_fields(0, lead="readers", text="無障礙坡道標示不足"),
            finding_fields(1, lead="acquisitions", text="館藏盤點逾期"),
        ],
        title="服務品質考核",
    )
    second = drive.register(
        [finding_fields(0, lead="readers", text="個資檔案未加密", kind="observation", self_tracked=True)],
        agency="審計部",
        kind="inspection",
        title="財務查核",
    )
    return first, second


def test_all_findings_filter_by_audit_unit_state_and_year(drive, audits):
    first, second = audits
    client = drive.as_("tracking")
    html = client.get("/audits/findings/").content.decode()
    for text in ("無障礙坡道標示不足", "館藏盤點逾期", "個資檔案未加密"):
        assert text in html
    html = client.get("/audits/findings/", {"audit": second.pk}).content.decode()
    assert "個資檔案未加密" in html and "館藏盤點逾期" not in html
    html = client.get("/audits/findings/", {"unit": unit("acquisitions").pk}).content.decode()
    assert "館藏盤點逾期" in html and "無障礙坡道標示不足" not in html
    html = client.get("/audits/findings/", {"state": "planning"}).content.decode()
    assert "個資檔案未加密" in html and "館藏盤點逾期" not in html
    year = Finding.objects.first().roc_year
    assert "沒有符合的列管事項" in client.get("/audits/findings/", {"year": year - 1}).content.decode()
    # The year as ROC or AD, as on every other page.
    for given in (str(year), str(year + 1911), f"民國{year}年"):
        html = client.get("/audits/findings/", {"year": given}).content.decode()
        assert "個資檔案未加密" in html and "沒有符合的列管事項" not in html, given
    html = client.get("/audits/findings/", {"year": "明年"}).content.decode()
    assert "年度「明年」無法辨識" in html


def test_summaries_count_open_closed_overdue_and_days_to_close(drive, audits):
    first, second = audits
    light = drive.findings(second)[0]
    registered = light.registered_at
    with time_machine.travel(registered + datetime.timedelta(days=10), tick=False):
        drive.plan(light)
        drive.approve_plan(light)
        drive.progress(light, 100, "完成", propose=True)
        drive.request_removal(light)
    light.refresh_from_db()
    assert light.state == Finding.State.CLOSED
    Finding.objects.filter(audit=first, lead_unit__code="acquisitions").update(
        due_date=datetime.date(2000, 1, 1)
    )
    from audits import selectors

    by_audit = {r["label"]: r for r in selectors.summary_by_audit(Finding.objects.all())}
    assert (
        by_audit["服務品質考核"]["open"],
        by_audit["服務品質考核"]["closed"],
        by_audit["服務品質考核"]["overdue"],
    ) == (2, 0, 1)
    assert (by_audit["財務查核"]["open"], by_audit["財務查核"]["closed"]) == (0, 1)
    # From the audit (held ten days before it was registered) to the head's decision.
    assert (light.closed_on - second.held_on).days == 20
    assert by_audit["財務查核"]["average_days_to_close"] == 20.0
    by_unit = {r["label"]: r for r in selectors.summary_by_unit(Finding.objects.all())}
    assert by_unit["閱覽典藏組"]["total"] == 2 and by_unit["採訪編目組"]["overdue"] == 1
    html = drive.as_("director").get("/audits/findings/").content.decode()
    assert "依考核統計" in html and "依主辦單位統計" in html


def test_audit_list_shows_open_counts(drive, audits):
    html = drive.as_("tracking").get("/audits/").content.decode()
    assert "服務品質考核" in html and "2/2" in html and "財務查核" in html


def test_search_finds_by_audit_name_and_text(drive, audits):
    client = drive.as_("tracking")
    html = client.get("/audits/findings/", {"q": "審計部"}).content.decode()
    assert "個資檔案未加密" in html and "館藏盤點逾期" not in html
    html = client.get("/audits/findings/", {"q": "盤點"}).content.decode()
    assert "館藏盤點逾期" in html and "個資檔案未加密" not in html


def test_all_findings_in_english(drive, audits, person):
    client = drive.as_("tracking")
    response = client.post("/language/", {"language": "en", "next": "/audits/findings/"})
    assert response.status_code == 302 and response["Location"] == "/audits/findings/"
    assert person("tracking").language == "en"
    client.get("/home/")  # shows, and so clears, the messages queued in Chinese by the registrations
    html = client.get("/audits/findings/").content.decode()
    assert 'lang="en"' in html
    assert "<h1>All tracked items</h1>" in html
    assert ">Statistics by appraisal</h2>" in html and ">Statistics by lead unit</h2>" in html
    for label in (
        "Tracking number",
        "Category",
        "Description",
        "Lead unit",
        "Remediation deadline",
        "Round",
        "Status",
        "Appraisal",
        "Being tracked",
        "Removed from tracking",
        "Overdue",
        "Average days to close",
    ):
        assert f'<th scope="col">{label}</th>' in html, label
    # The two deficiencies wait for the review meeting; the self-tracked observation goes straight to planning.
    assert html.count('<td class="gov-keep">Awaiting review meeting</td>') == 2
    assert '<td class="gov-keep">Drafting remediation plan</td>' in html
    assert (
        '<td class="gov-keep">Deficiency</td>' in html
        and '<td class="gov-keep">Observation' in html
        and "tracked by the unit itself" in html
    )
    for chinese in (
        "全部列管事項",
        "依考核統計",
        "依主辦單位統計",
        "列管編號",
        "類別",
        "主辦單位",
        "改善期限",
        "輪次",
        "狀態",
        "列管中",
        "已解除",
        "平均結案天數",
        "待檢討會議",
        "研擬改善措施",
        "缺失",
        "觀察",
        "自行列管",
    ):
        assert chinese not in html, chinese
