"""The plan's internal self-assessment (內部自評) and execution report (執行報告): their data,
the self-assessment's grade rule, their PDFs read back (and laid out), when the execution
report may be made, and who may download them."""

import datetime
from urllib.parse import quote

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.rocdate import TAIPEI
from meetings import documents as plan_documents
from meetings.models import AgendaItem, GroupMeeting, MeetingDecision
from plan.models import PracticeReport
from tests.helpers import assert_laid_out, flat, pdf_pages, pdf_text, unit
from tests.support.meeting_factory import held, meeting, plan_version, practice_spec, report
from tests.support.plan_factory import practice

pytestmark = pytest.mark.django_db
D = datetime.date
Q = [D(2026, 3, 31), D(2026, 6, 30), D(2026, 9, 30), D(2026, 12, 31)]
NOW = datetime.datetime(2026, 5, 20, 10, 30, tzinfo=TAIPEI)  # 115 年第 2 季
JULY = datetime.datetime(2026, 7, 1, 0, 30, tzinfo=TAIPEI)  # 115 年第 3 季
Status = PracticeReport.Status
SELF, EXECUTION = plan_documents.SELF_ASSESSMENT, plan_documents.EXECUTION_REPORT

SECOND_AREA = {
    "area": ("二", "機關形象"),
    "item": ("1.", "服務親和程度"),
    "dimension": "（二）服務行為友善性與專業性",
}


def at(month, day):
    return datetime.datetime(2026, month, day, 9, 0, tzinfo=TAIPEI)


def on_practice(held_meeting, practice_, decisions):
    """An agenda item about the practice at the held meeting, with its decisions:
    (text, unit code or None, due date or None, done note or None)."""
    item = AgendaItem.objects.create(
        meeting=held_meeting,
        kind=AgendaItem.Kind.PRACTICE,
        ref_id=practice_.pk,
        reference=practice_.number,
        title=practice_.text,
    )
    for text, unit_code, due, done in decisions:
        MeetingDecision.objects.create(
            meeting=held_meeting,
            agenda_item=item,
            text=text,
            action_unit=unit(unit_code) if unit_code else None,
            action_due=due,
            action_done_at=at(6, 1) if done else None,
            action_done_note=done or "",
        )


@pytest.fixture
def version(org):
    """Version 2 of the 115 plan (version 1 had the reports of 1.1's first quarter)."""
    first = plan_version(115, [practice_spec("k1", "1.1", "讀者辦證單一窗口服務", ["readers"], Q)])
    report(practice(first, "k1"), "readers", Q[0], Status.ON_TRACK, "已開辦網路辦證", confirmed_at=at(4, 2))
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
    report(practice(second, "k1"), "readers", Q[1], Status.DONE, "網路辦證全面上線", confirmed_at=at(5, 18))
    report(practice(second, "k2"), "readers", Q[0], Status.DONE, "完成線上申辦", confirmed_at=at(3, 20))
    report(
        practice(second, "k2"),
        "acquisitions",
        Q[0],
        Status.BEHIND,
        "人力不足進度落後",
        confirmed_at=at(3, 30),
    )
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
    # The second meeting discusses 2.1 (behind) and, by its version-1 row, 1.1.
    second_meeting = held(D(2026, 5, 12))
    on_practice(
        second_meeting,
        practice(second, "k2"),
        [("請採編組增派人力於第 3 季趕上進度", "acquisitions", D(2026, 8, 31), None)],
    )
    on_practice(second_meeting, practice(first, "k1"), [("1.1 辦證流程維持現行作法", None, None, None)])
    meeting(D(2026, 5, 25))  # scheduled, not held: not in the documents
    held(D(2025, 11, 20), decisions=[("去年的決議", None, None, None)])  # 114 年: another plan year
    return second


# ---------------------------------------------------------------- the grade rule


@pytest.mark.parametrize(
    "latest, passed, missing, last_passed, grade",
    [
        (Status.DONE, 2, 1, True, "達成"),  # done answers every deadline
        (Status.ON_TRACK, 1, 0, False, "達成"),
        (Status.ON_TRACK, 0, 0, False, "達成"),
        (Status.ON_TRACK, 2, 1, False, "部分達成"),  # a passed quarter not reported
        (Status.ON_TRACK, 1, 0, True, "部分達成"),  # the last deadline passed, not done
        (Status.BEHIND, 0, 0, False, "部分達成"),
        (Status.BEHIND, 1, 0, False, "部分達成"),
        (None, 1, 1, False, "未達成"),
        (Status.NOT_STARTED, 1, 0, False, "未達成"),
        (None, 0, 0, False, "未屆期"),
        (Status.NOT_STARTED, 0, 0, False, "未屆期"),
    ],
)
def test_the_grade_rule(latest, passed, missing, last_passed, grade):
    assert plan_documents.GRADES[plan_documents.assess(latest, passed, missing, last_passed)] == grade


def test_the_grades_on_constructed_data(org):
    two = [D(2026, 3, 31), D(2026, 6, 30)]
    version = plan_version(
        115,
        [
            practice_spec("a", "1.1", "依進度辦理且準時", ["readers"], two),
            practice_spec("b", "1.2", "最後期限已過仍未完成", ["planning"], [D(2026, 3, 31)]),
            practice_spec("c", "1.3", "期限已過無季報", ["reference"], two),
            practice_spec("d", "1.4", "期限未到", ["secretariat"], [D(2026, 6, 30)]),
            practice_spec("e", "1.5", "漏報第一季", ["acquisitions"], two),
            practice_spec("f", "1.6", "兩單位一完成一落後", ["readers", "personnel"], two),
            practice_spec("g", "1.7", "期限已過尚未開始", ["accounting"], two),
        ],
    )
    report(practice(version, "a"), "readers", Q[0], Status.ON_TRACK, "a", confirmed_at=at(3, 20))
    report(practice(version, "b"), "planning", Q[0], Status.ON_TRACK, "b", confirmed_at=at(3, 25))
    report(practice(version, "e"), "acquisitions", Q[1], Status.ON_TRACK, "e", confirmed_at=at(5, 1))
    report(practice(version, "f"), "readers", Q[0], Status.DONE, "f", confirmed_at=at(4, 10))
    report(practice(version, "f"), "personnel", Q[0], Status.BEHIND, "f2", confirmed_at=at(3, 31))
    report(practice(version, "g"), "accounting", Q[0], Status.NOT_STARTED, "g", confirmed_at=at(3, 31))
    data = plan_documents.self_assessment_data(version, D(2026, 5, 20))
    practices = [p for i in data["areas"][0]["items"] for p in i["practices"]]
    assert [(p["number"], p["grade"]) for p in practices] == [
        ("1.1", "達成"),
        ("1.2", "部分達成"),
        ("1.3", "未達成"),
        ("1.4", "未屆期"),
        ("1.5", "部分達成"),
        ("1.6", "部分達成"),  # the worst of its units
        ("1.7", "未達成"),
    ]
    f = practices[5]
    assert [(r["name"], r["grade"]) for r in f["rows"]] == [("閱覽典藏組", "達成"), ("人事室", "部分達成")]
    # 1.6 readers: Q1 confirmed 04/10, after 03/31: late, which does not lower the grade.
    assert [(c["due"], c["label"], c["confirmed_on"]) for c in f["rows"][0]["checks"]] == [
        ("115/03/31", "逾期確認", "115/04/10"),
        ("115/06/30", "未屆期", ""),
    ]
    assert data["grade_columns"] == ["達成", "部分達成", "未達成", "未屆期"]
    assert data["practice_grades"] == [("達成", 1), ("部分達成", 3), ("未達成", 2), ("未屆期", 1)]
    # Each unit's grades counted: 閱覽典藏組 has 1.1 and 1.6, both 達成.
    rows = {row["name"]: row["cells"] for row in data["unit_rows"]}
    assert rows["閱覽典藏組"] == [2, 0, 0, 0] and rows["人事室"] == [0, 1, 0, 0]
    assert rows["參考特藏組"] == [0, 0, 1, 0] and rows["秘書室"] == [0, 0, 0, 1]
    assert data["totals"] == [2, 3, 2, 1] and data["grand_total"] == 8
    reasons = {(p["number"], f["unit"]): f["reasons"] for p in data["review"] for f in p["findings"]}
    assert reasons == {
        ("1.2", "企劃推廣組"): "最後完成期限 115/03/31 已過，尚未完成",
        ("1.3", "參考特藏組"): "尚無已確認季報；已屆期未填報：115/03/31",
        ("1.5", "採訪編目組"): "未填報：115 年第 1 季（期限 115/03/31）",
        ("1.6", "人事室"): "最近季報（115 年第 1 季）進度落後",
        ("1.7", "會計室"): "最近季報（115 年第 1 季）尚未開始",
    }


# ---------------------------------------------------------------- the data


def test_the_self_assessment_data(version):
    with CaptureQueriesContext(connection) as queries:
        data = plan_documents.self_assessment_data(version, D(2026, 5, 20))
    assert len(queries) <= 8
    [first_area, second_area] = data["areas"]
    assert (first_area["number"], first_area["title"], second_area["title"]) == ("一", "服務流程", "機關形象")
    p11, p21 = first_area["items"][0]["practices"]
    [readers] = p11["rows"]
    assert (readers["name"], readers["period"], readers["status"], readers["text"], readers["grade"]) == (
        "閱覽典藏組",
        "115Q2",
        "已完成",
        "網路辦證全面上線",
        "達成",
    )
    assert p11["deadlines"] == "115/03/31、115/06/30、115/09/30、115/12/31"
    # Q1 confirmed on 04/02 (version 1's row, followed by the key): late; Q2 already confirmed.
    assert [(c["label"], c["confirmed_on"]) for c in readers["checks"]] == [
        ("逾期確認", "115/04/02"),
        ("已確認", "115/05/18"),
        ("未屆期", ""),
        ("未屆期", ""),
    ]
    assert [(r["name"], r["status"], r["grade"]) for r in p21["rows"]] == [
        ("採訪編目組", "進度落後", "部分達成"),
        ("閱覽典藏組", "已完成", "達成"),
    ]
    assert p21["grade"] == "部分達成"
    [p_phone] = second_area["items"][0]["practices"]
    assert [(r["name"], r["status"], r["grade"]) for r in p_phone["rows"]] == [
        ("秘書室", "尚無已確認季報", "未達成")
    ]
    assert [(row["name"], row["cells"], row["total"]) for row in data["unit_rows"]] == [
        ("採訪編目組", [0, 1, 0, 0], 1),
        ("閱覽典藏組", [2, 0, 0, 0], 2),
        ("秘書室", [0, 0, 1, 0], 1),
    ]
    # The review: what fell behind, with the execution group's decisions on it.
    assert [(p["number"], p["grade"], [f["unit"] for f in p["findings"]]) for p in data["review"]] == [
        ("2.1", "部分達成", ["採訪編目組"]),
        ("1.1", "未達成", ["秘書室"]),
    ]
    [decision] = data["review"][0]["improvements"]
    assert decision["meeting"] == "115 年第 2 次會議（115/05/12）"
    assert decision["text"] == "請採編組增派人力於第 3 季趕上進度"
    assert decision["action"] == "採訪編目組，期限 115/08/31，追蹤中"
    assert data["review"][1]["improvements"] == []
    # A decision on the version-1 row of 1.1 is found by the practice's key.
    assert [d["text"] for d in plan_documents._improvements(version, D(2026, 5, 20))["k1"]] == [
        "1.1 辦證流程維持現行作法"
    ]


def test_the_execution_report_data(version):
    with CaptureQueriesContext(connection) as queries:
        data = plan_documents.execution_report_data(version, D(2026, 7, 1))
    assert len(queries) <= 8
    assert data["category_columns"] == ["已完成", "依進度辦理", "落後", "未填報"]
    assert [(a["title"], a["total"], a["cells"], a["percent"]) for a in data["area_rows"]] == [
        ("服務流程", 2, [1, 0, 1, 0], "50.0%"),
        ("機關形象", 1, [0, 0, 0, 1], "0.0%"),
    ]
    assert data["totals"] == [1, 0, 1, 1] and data["percent"] == "33.3%"
    assert data["summary"] == (
        "本計畫共 3 項推動作法，已完成 1 項（33.3%），依進度辦理 0 項、落後 1 項、未填報 1 項。"
    )
    [result] = data["results"]
    assert (result["number"], result["units"][0]["text"]) == ("1.1", "網路辦證全面上線")
    assert [
        (m["label"], m["date"], m["decisions"], m["actions"], m["actions_done"]) for m in data["meetings"]
    ] == [
        ("第 1 次會議", "115年3月8日", 3, 2, 1),
        ("第 2 次會議", "115年5月12日", 2, 1, 0),
    ]
    assert [(p["label"], p["count"], p["ended"]) for p in data["periods"]] == [
        ("1–2 月", 0, True),
        ("3–4 月", 1, True),
        ("5–6 月", 1, True),
        ("7–8 月", 0, False),
        ("9–10 月", 0, False),
        ("11–12 月", 0, False),
    ]
    assert data["meeting_line"] == (
        "本年度執行小組已召開 2 次會議；計畫規定每兩個月至少召開一次（全年至少 6 次），"
        "已屆滿之 3 個期間中，2 個有召開，1–2 月 未召開。"
    )


def test_the_meeting_interval_is_configured(version, settings):
    settings.GROUP_MEETING_INTERVAL_MONTHS = 3
    data = plan_documents.execution_report_data(version, D(2026, 7, 1))
    assert [(p["label"], p["count"], p["ended"]) for p in data["periods"]] == [
        ("1–3 月", 1, True),
        ("4–6 月", 1, True),
        ("7–9 月", 0, False),
        ("10–12 月", 0, False),
    ]
    assert data["interval_text"] == "每 3 個月"
    assert data["meeting_line"].endswith(
        "計畫規定每 3 個月至少召開一次（全年至少 4 次），已屆滿之 2 個期間均有召開。"
    )


# ---------------------------------------------------------------- the PDFs


def test_the_self_assessment_pdf(version):
    with time_machine.travel(NOW, tick=False):
        content = plan_documents.plan_document_pdf(SELF, version)
    text = pdf_text(content)
    joined = flat(text)
    assert "國立臺灣圖書館" in text
    assert "115 年度提升服務品質執行計畫 內部自評" in joined
    assert "第 2 版（115年3月8日通過）" in joined
    assert "資料基準日 115年5月20日" in joined
    assert "115/05/20 10:30:00" in joined  # generated, Taipei time
    pages = pdf_pages(content)
    assert f"第 1 頁／共 {pages} 頁" in text and f"第 {pages} 頁／共 {pages} 頁" in text
    compact = joined.replace(" ", "")  # narrow cells wrap anywhere
    for expected in (
        # the rule
        "自評等第評定方式",
        "最近一次確認季報為「已完成」",
        # each practice, its deadlines, its quarters and its latest report
        "讀者辦證單一窗口服務",
        "線上申辦服務",
        "每季辦理電話禮貌測試",
        "115/03/31、115/06/30",
        "115/03/31 逾期確認（115/04/02）",
        "已屆期 1：準時 0、逾期 1、未填報 0",
        "115/03/31 未填報",
        "網路辦證全面上線",
        "人力不足進度落後",
        "尚無已確認季報",
        "（115 年第 2 季，115/05/18 確認）",
        "（二）服務行為友善性與專業性",
        # grades
        "作法自評：部分達成",
        "未達成",
        # the review and the improvement
        "檢討與改進措施",
        "二、1.1 每季辦理電話禮貌測試",  # numbers repeat across areas: the review names the area
        "採訪編目組：部分達成，最近季報（115 年第 1 季）進度落後",
        "秘書室：未達成，尚無已確認季報；已屆期未填報：115/03/31",
        "115 年第 2 次會議（115/05/12）決議：請採編組增派人力於第 3 季趕上進度",
        "追蹤：採訪編目組，期限 115/08/31，追蹤中",
        "尚無執行小組會議決議",
    ):
        assert expected.replace(" ", "") in compact, expected
    assert "尚未確認的季報" not in joined and "已開辦網路辦證" not in joined  # superseded by 115Q2
    # Grades per unit: 採訪編目組 0 1 0 0, total 1; 閱覽典藏組 2 0 0 0, total 2.
    assert "採訪編目組01001" in compact and "閱覽典藏組20002" in compact and "總計21104" in compact
    # Not the execution report's: no meeting list, no figures by area.
    assert "去年的決議" not in joined and "洽悉" not in joined and "完成率" not in joined


def test_the_execution_report_pdf(version):
    with time_machine.travel(JULY, tick=False):
        content = plan_documents.plan_document_pdf(EXECUTION, version)
    joined = flat(pdf_text(content))
    compact = joined.replace(" ", "")  # narrow cells wrap anywhere
    for expected in (
        "115 年度提升服務品質執行計畫 執行報告",
        "執行期間 115年1月1日至115年7月1日",
        "本計畫共 3 項推動作法，已完成 1 項（33.3%）",
        "本年度執行小組已召開 2 次會議",
        "1–2 月 未召開",
        "各實施要項執行成果",
        "一、服務流程2101050.0%",
        "二、機關形象100010.0%",
        "總計3101133.3%",
        "重要成果",
        "閱覽典藏組（115 年第 2 季）：網路辦證全面上線",
        "第 1 次會議115年3月8日",
        "共召開 2 次會議，作成決議 5 項，其中列管追蹤事項 3 項、已辦結 1 項",
        "合計 2 次51／3",
    ):
        assert expected.replace(" ", "") in compact, expected
    # Not the self-assessment's: no report of a practice not completed, no decisions, no review.
    for absent in (
        "人力不足進度落後",
        "每季辦理電話禮貌測試",
        "請採編組增派人力",
        "檢討與改進措施",
        "去年的決議",
    ):
        assert absent not in joined, absent


def test_a_key_result_is_shortened(org):
    text = "本季完成網路辦證系統全面上線，" * 12  # 180 characters
    version = plan_version(115, [practice_spec("k1", "1.1", "讀者辦證", ["readers"], [D(2026, 6, 30)])])
    report(practice(version, "k1"), "readers", Q[1], Status.DONE, text, confirmed_at=at(6, 20))
    with time_machine.travel(JULY, tick=False):
        execution = flat(pdf_text(plan_documents.plan_document_pdf(EXECUTION, version)))
        assessment = flat(pdf_text(plan_documents.plan_document_pdf(SELF, version)))
    assert text[:60] in execution and text not in execution
    assert text in assessment


@pytest.mark.parametrize("kind", [SELF, EXECUTION])
def test_both_documents_are_laid_out(version, kind):
    with time_machine.travel(JULY, tick=False):
        content = plan_documents.plan_document_pdf(kind, version)
    assert assert_laid_out(content, ["網路辦證全面上線", "服務流程"]) >= 1


def test_the_execution_report_is_refused_before_the_third_quarter(version):
    # 2026-06-30 23:30 in Taipei is still the second quarter.
    with time_machine.travel(datetime.datetime(2026, 6, 30, 23, 30, tzinfo=TAIPEI), tick=False):
        with pytest.raises(ValidationError) as refused:
            plan_documents.plan_document_pdf(EXECUTION, version)
    assert "執行報告自計畫年度第 3 季起（115年7月1日起）才能產製" in refused.value.messages[0]
    with time_machine.travel(JULY, tick=False):
        content = plan_documents.plan_document_pdf(EXECUTION, version)
    assert "115 年度提升服務品質執行計畫 執行報告" in flat(pdf_text(content))


def test_an_earlier_years_execution_report_is_available(org):
    old = plan_version(114, [practice_spec("k1", "1.1", "舊計畫作法", ["readers"], [D(2025, 12, 31)])])
    with time_machine.travel(NOW, tick=False):
        joined = flat(pdf_text(plan_documents.plan_document_pdf(EXECUTION, old)))
    assert "執行期間 114年1月1日至114年12月31日" in joined and "一、服務流程" in joined
    assert "去年" not in joined and "本年度尚未召開執行小組會議" in joined
    assert "已屆滿之 6 個期間中，0 個有召開" in joined


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
        joined = flat(pdf_text(plan_documents.plan_document_pdf(SELF, version)))
    assert "共 3 項推動作法，其中 2 項已指定承辦單位、1 項尚未指定" in joined
    assert "各單位各計一次，故合計為 3" in joined
    assert "尚未指定承辦單位" in joined  # in the review too


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
    assert "內部自評逐項評定各推動作法之自評等第，並列檢討與改進措施" in body
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
    with time_machine.travel(JULY, tick=False):
        assessment = flat(pdf_text(plan_documents.plan_document_pdf(SELF, empty)))
        execution = flat(pdf_text(plan_documents.plan_document_pdf(EXECUTION, empty)))
    assert "本版計畫尚無推動作法" in assessment and "無落後或未填報之推動作法" in assessment
    assert "本版計畫尚無推動作法" in execution and "尚無已完成之推動作法" in execution
    assert "共召開 1 次會議，作成決議 0 項" in execution
