"""The plan's internal self-assessment (內部自評) and execution report (執行報告): their data,
their PDFs read back, when the execution report may be made, and who may download them."""

import datetime
from urllib.parse import quote

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.rocdate import TAIPEI
from meetings import documents as plan_documents
from meetings.models import GroupMeeting
from plan.models import PracticeReport
from tests.helpers import flat, pdf_pages, pdf_text
from tests.support.meeting_factory import held, meeting, plan_version, practice_spec, report
from tests.support.plan_factory import practice

pytestmark = pytest.mark.django_db
D = datetime.date
Q = [D(2026, 3, 31), D(2026, 6, 30), D(2026, 9, 30), D(2026, 12, 31)]
NOW = datetime.datetime(2026, 5, 20, 10, 30, tzinfo=TAIPEI)  # 115 年第 2 季
Status = PracticeReport.Status

SECOND_AREA = {
    "area": ("二", "機關形象"),
    "item": ("1.", "服務親和程度"),
    "dimension": "（二）服務行為友善性與專業性",
}


@pytest.fixture
def version(org):
    """Version 2 of the 115 plan (version 1 had the reports of 1.1's first quarter)."""
    first = plan_version(115, [practice_spec("k1", "1.1", "讀者辦證單一窗口服務", ["readers"], Q)])
    report(
        practice(first, "k1"),
        "readers",
        Q[0],
        Status.ON_TRACK,
        "已開辦網路辦證",
        confirmed_at=datetime.datetime(2026, 4, 2, tzinfo=TAIPEI),
    )
    second = plan_version(
        115,
        [
            practice_spec("k1", "1.1", "讀者辦證單一窗口服務", ["readers"], Q),
            practice_spec("k2", "2.1", "線上申辦服務", ["readers", "acquisitions"], [Q[1]]),
            practice_spec("k3", "1.1", "每季辦理電話禮貌測試", ["secretariat"], Q, **SECOND_AREA),
        ],
        number=2,
        plan=first.plan,
        approved_on=D(2026, 3, 8),
    )
    report(
        practice(second, "k1"),
        "readers",
        Q[1],
        Status.DONE,
        "網路辦證全面上線",
        confirmed_at=datetime.datetime(2026, 5, 18, tzinfo=TAIPEI),
    )
    report(practice(second, "k2"), "readers", Q[0], Status.DONE, "完成線上申辦")
    report(practice(second, "k2"), "acquisitions", Q[0], Status.BEHIND, "人力不足進度落後")
    # Submitted but not confirmed: never printed.
    report(practice(second, "k2"), "acquisitions", Q[1], Status.DONE, "尚未確認的季報", confirmed=False)
    held(
        D(2026, 3, 8),
        decisions=[
            ("請閱覽組於 6 月底前完成讀者動線調整", "readers", D(2026, 6, 30), None),
            ("請秘書室辦理教育訓練", "secretariat", D(2026, 4, 30), "已於 4 月 20 日辦理"),
            ("洽悉", None, None, None),
        ],
    )
    meeting(D(2026, 5, 25))  # scheduled, not held: not in the documents
    held(D(2025, 11, 20), decisions=[("去年的決議", None, None, None)])  # 114 年: another plan year
    return second


def test_the_data_takes_the_latest_confirmed_report_per_unit(version):
    with CaptureQueriesContext(connection) as queries:
        data = plan_documents.plan_document_data(version, D(2026, 5, 20))
    assert len(queries) <= 8
    [first_area, second_area] = data["areas"]
    assert (first_area["number"], first_area["title"], second_area["title"]) == ("一", "服務流程", "機關形象")
    p11, p21 = first_area["items"][0]["practices"]
    assert [(r["unit"], r["period"], r["status"], r["text"]) for r in p11["reports"]] == [
        ("閱覽典藏組", "115Q2", "已完成", "網路辦證全面上線")
    ]
    assert p11["deadlines"] == "115/03/31、115/06/30、115/09/30、115/12/31"
    assert [(r["unit"], r["status"], r["text"]) for r in p21["reports"]] == [
        ("採訪編目組", "進度落後", "人力不足進度落後"),
        ("閱覽典藏組", "已完成", "完成線上申辦"),
    ]
    [p_phone] = second_area["items"][0]["practices"]
    assert [(r["unit"], r["status"], r["text"]) for r in p_phone["reports"]] == [
        ("秘書室", "尚無已確認季報", "")
    ]
    assert data["status_columns"] == ["尚未開始", "依進度辦理", "已完成", "進度落後", "未填報"]
    assert [(row["name"], row["cells"], row["total"]) for row in data["unit_rows"]] == [
        ("採訪編目組", [0, 0, 0, 1, 0], 1),
        ("閱覽典藏組", [0, 0, 2, 0, 0], 2),
        ("秘書室", [0, 0, 0, 0, 1], 1),
    ]
    assert data["totals"] == [0, 0, 2, 1, 1] and data["grand_total"] == 4
    [m] = data["meetings"]
    assert (m["label"], m["date"], m["chair"]) == ("第 1 次會議", "115年3月8日", "陳德光")
    open_action, done_action, noted = [d["action"] for d in m["decisions"]]
    assert open_action == "閱覽典藏組，期限 115/06/30，追蹤中" and noted == ""
    assert done_action.startswith("秘書室，期限 115/04/30，") and done_action.endswith(
        "辦結：已於 4 月 20 日辦理"
    )
    assert (
        plan_documents.plan_document_data(version, D(2026, 7, 1))["meetings"][0]["decisions"][0]["action"]
        == "閱覽典藏組，期限 115/06/30，追蹤中（逾期）"
    )


def test_the_self_assessment_pdf(version):
    with time_machine.travel(NOW, tick=False):
        content = plan_documents.plan_document_pdf(plan_documents.SELF_ASSESSMENT, version)
    text = pdf_text(content)
    joined = flat(text)
    assert "國立臺灣圖書館" in text
    assert "115 年度提升服務品質執行計畫 內部自評" in joined
    assert "第 2 版（115年3月8日通過）" in joined
    assert "資料基準日 115年5月20日" in joined
    assert "115/05/20 10:30:00" in joined  # generated, Taipei time
    pages = pdf_pages(content)
    assert f"第 1 頁／共 {pages} 頁" in text and f"第 {pages} 頁／共 {pages} 頁" in text
    for expected in (
        "讀者辦證單一窗口服務",
        "線上申辦服務",
        "每季辦理電話禮貌測試",
        "115/03/31、115/06/30",
        "網路辦證全面上線",
        "人力不足進度落後",
        "進度落後",
        "尚無已確認季報",
        "115 年第 2 季（115/05/18）",
        "（二）服務行為友善性與專業性",
    ):
        assert expected in joined, expected
    assert "尚未確認的季報" not in joined and "已開辦網路辦證" not in joined  # superseded by 115Q2
    # Counts: 採訪編目組 0 0 0 1 0 1.
    assert "採訪編目組000101" in joined.replace(" ", "")
    assert (
        "第 1 次會議" in joined
        and "115年3月8日" in joined
        and "請閱覽組於 6 月底前完成讀者動線調整" in joined
    )
    assert "去年的決議" not in joined


def test_the_execution_report_is_refused_before_the_third_quarter(version):
    # 2026-06-30 23:30 in Taipei is still the second quarter.
    with time_machine.travel(datetime.datetime(2026, 6, 30, 23, 30, tzinfo=TAIPEI), tick=False):
        with pytest.raises(ValidationError) as refused:
            plan_documents.plan_document_pdf(plan_documents.EXECUTION_REPORT, version)
    assert "執行報告自計畫年度第 3 季起（115年7月1日起）才能產製" in refused.value.messages[0]
    with time_machine.travel(datetime.datetime(2026, 7, 1, 0, 30, tzinfo=TAIPEI), tick=False):
        content = plan_documents.plan_document_pdf(plan_documents.EXECUTION_REPORT, version)
    joined = flat(pdf_text(content))
    assert "115 年度提升服務品質執行計畫 執行報告" in joined
    assert "執行期間 115年1月1日至115年7月1日" in joined
    assert "網路辦證全面上線" in joined and "第 1 頁／共" in joined
    assert "追蹤中（逾期）" in joined


def test_an_earlier_years_execution_report_is_available(org):
    old = plan_version(114, [practice_spec("k1", "1.1", "舊計畫作法", ["readers"], [D(2025, 12, 31)])])
    with time_machine.travel(NOW, tick=False):
        joined = flat(pdf_text(plan_documents.plan_document_pdf(plan_documents.EXECUTION_REPORT, old)))
    assert "執行期間 114年1月1日至114年12月31日" in joined and "舊計畫作法" in joined
    assert "去年" not in joined and "本年度尚未召開執行小組會議" in joined


def test_the_counts_say_what_the_unit_table_counts(org):
    # One practice with two units, one with one, one not yet assigned: the table counts 3.
    version = plan_version(
        115,
        [
            practice_spec("k1", "1.1", "兩單位合辦", ["readers", "reference"], [D(2026, 6, 30)]),
            practice_spec("k2", "1.2", "一單位承辦", ["planning"], [D(2026, 6, 30)]),
            practice_spec("k3", "1.3", "尚未指定", [], [D(2026, 6, 30)]),
        ],
    )
    with time_machine.travel(NOW, tick=False):
        joined = flat(pdf_text(plan_documents.plan_document_pdf(plan_documents.SELF_ASSESSMENT, version)))
    assert "共 3 項推動作法，其中 2 項已指定承辦單位" in joined
    assert "各單位各計一次，故合計為 3" in joined


# ---------------------------------------------------------------- downloads


def url(version, kind):
    name = "self-assessment" if kind == "self" else "execution-report"
    return f"/meetings/plan-versions/{version.pk}/{name}.pdf"


@pytest.mark.parametrize("login", ["tracking", "director", "deputy"])
def test_the_tracking_office_and_the_director_download(login_as, version, login):
    with time_machine.travel(NOW, tick=False):
        response = login_as(login).get(url(version, "self"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert quote("內部自評-115年度-第2版.pdf") in response["Content-Disposition"]
    assert "115 年度提升服務品質執行計畫 內部自評" in flat(pdf_text(response.content))


@pytest.mark.parametrize("login", ["auditor", "readers-head", "readers-liaison", "hr", "external1"])
def test_others_may_not(login_as, version, login):
    client = login_as(login)
    assert client.get(url(version, "self")).status_code == 403
    assert client.get(url(version, "execution")).status_code == 403


def test_the_execution_report_before_july_says_why(login_as, version):
    client = login_as("tracking")
    with time_machine.travel(NOW, tick=False):
        response = client.get(url(version, "execution"), follow=True)
        assert response.redirect_chain == [("/meetings/", 302)]
        body = response.content.decode()
    assert "執行報告自計畫年度第 3 季起（115年7月1日起）才能產製" in body
    with time_machine.travel(datetime.datetime(2026, 7, 2, 9, 0, tzinfo=TAIPEI), tick=False):
        response = client.get(url(version, "execution"))
    assert (
        response.status_code == 200 and quote("執行報告-115年度-第2版.pdf") in response["Content-Disposition"]
    )


def test_the_meetings_page_links_the_current_version(login_as, version):
    with time_machine.travel(NOW, tick=False):
        body = login_as("director").get("/meetings/").content.decode()
    assert f'href="{url(version, "self")}"' in body
    assert url(version, "execution") not in body and "執行報告自 115年7月1日 起提供" in body
    assert "/plan-versions/" not in login_as("readers-staff1").get("/meetings/").content.decode()
    with time_machine.travel(datetime.datetime(2026, 7, 2, 9, 0, tzinfo=TAIPEI), tick=False):
        assert (
            f'href="{url(version, "execution")}"' in login_as("director").get("/meetings/").content.decode()
        )


def test_an_unknown_version_is_404(login_as, org):
    assert login_as("tracking").get("/meetings/plan-versions/999/self-assessment.pdf").status_code == 404


def test_a_held_meeting_without_decisions_and_an_empty_version_render(org):
    empty = plan_version(115, [])
    GroupMeeting.objects.all().delete()
    held(D(2026, 3, 8))
    with time_machine.travel(NOW, tick=False):
        joined = flat(pdf_text(plan_documents.plan_document_pdf(plan_documents.SELF_ASSESSMENT, empty)))
    assert "本版計畫尚無推動作法" in joined and "本次會議無決議事項" in joined
