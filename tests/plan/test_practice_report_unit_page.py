"""The unit's page (/plan/reports/): the practices the person's units answer for in the current
plan with this quarter's report state; the liaison reports from it, the head confirms or
returns from it, staff read it."""

import datetime

import pytest
from django.urls import reverse

from governance.rocdate import TAIPEI
from plan.models import PracticeReport
from tests.helpers import unit
from tests.support.plan_factory import add_version, make_plan, many_practices, practice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
NOW = datetime.datetime(2026, 8, 15, 10, 0, tzinfo=TAIPEI)
URL = "/plan/reports/"
State = PracticeReport.State


@pytest.fixture
def version(org):
    return make_plan(115)


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def submit_url(version, key, code, period="115Q3"):
    return reverse("plan:report_submit", args=[practice(version, key).pk, unit(code).pk, period])


def test_liaison_sees_the_units_practices_and_reports_from_the_page(login_as, version):
    client = login_as("readers-liaison")
    page = html(client.get(URL))
    assert "本單位計畫季報 115 年第 3 季" in page and "現行第 1 版" in page
    for text in ("讀者辦證服務單一窗口服務", "線上申辦服務", "辦理讀者滿意度調查"):
        assert text in page
    assert "每季辦理電話禮貌測試" not in page  # 秘書室's practice
    assert page.count('class="gov-overdue">未填報</strong>') == 3 and "送出季報" in page
    assert "115/09/30" in page  # deadlines in ROC form
    back = f"{URL}?plan={version.plan_id}&period=115Q3"
    response = client.post(
        submit_url(version, "1-2-2.1", "readers"), {"status": "behind", "text": "系統測試延宕", "next": back}
    )
    assert response.status_code == 302 and response.url == back
    page = html(client.get(back))
    assert (
        "待主管確認" in page and "進度落後" in page and page.count('class="gov-overdue">未填報</strong>') == 2
    )
    assert "修改季報" in page
    assert "各單位季報總覽" not in page  # the 管考 link is for the office


def test_head_confirms_and_returns_from_the_page(client, person, version):
    client.force_login(person("readers-liaison"))
    for key in ("1-1-1.1", "1-2-2.1"):
        client.post(submit_url(version, key, "readers"), {"status": "on_track", "text": f"{key} 辦理中"})
    client.force_login(person("readers-head"))
    page = html(client.get(URL))
    assert page.count('value="confirm"') == 2 and "送出季報" not in page
    first, second = PracticeReport.objects.order_by("practice__sort_order")
    response = client.post(
        reverse("plan:report_review", args=[first.pk]), {"decision": "confirm", "comment": "", "next": URL}
    )
    assert response.status_code == 302 and response.url == URL
    client.post(
        reverse("plan:report_review", args=[second.pk]),
        {"decision": "return", "comment": "請補數據", "next": URL},
    )
    assert [r.state for r in PracticeReport.objects.order_by("practice__sort_order")] == [
        State.CONFIRMED,
        State.RETURNED,
    ]
    page = html(client.get(URL))
    assert 'value="confirm"' not in page and "主管已確認" in page and "請補數據" in page


def test_a_next_address_elsewhere_is_ignored(login_as, version):
    client = login_as("readers-liaison")
    response = client.post(
        submit_url(version, "1-1-1.1", "readers"),
        {"status": "on_track", "text": "辦理中", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.url == reverse(
        "plan:report_practice", args=[practice(version, "1-1-1.1").pk, unit("readers").pk, "115Q3"]
    )


def test_staff_read_only_and_other_units_do_not_show(login_as, version, person, client):
    client.force_login(person("readers-liaison"))
    client.post(submit_url(version, "1-1-1.1", "readers"), {"status": "on_track", "text": "閱覽組辦理中"})
    page = html(login_as("readers-staff1").get(URL))
    assert "待主管確認" in page and "送出季報" not in page and 'value="confirm"' not in page
    page = html(login_as("acquisitions-liaison").get(URL))
    assert "線上申辦服務" in page and "讀者辦證服務單一窗口服務" not in page and "閱覽組辦理中" not in page
    page = html(login_as("personnel-liaison").get(URL))
    assert "本單位在現行計畫中沒有承辦的推動作法" in page


def test_quarters_the_office_link_and_no_unit(login_as, version):
    client = login_as("readers-liaison")
    page = html(client.get(URL, {"period": "115Q4"}))
    assert "115 年第 4 季 尚未開始" in page and "送出季報" not in page
    page = html(client.get(URL, {"period": "115Q1"}))
    assert "本單位計畫季報 115 年第 1 季" in page and "送出季報" in page
    assert "本單位計畫季報 115 年第 3 季" in html(client.get(URL, {"period": "nonsense"}))
    page = html(login_as("director").get(URL))
    assert "您不屬於任何組室" in page and reverse("plan:report_quarter") in page
    assert "各單位季報總覽" in html(login_as("tracking").get(URL))


def test_the_current_version_and_an_earlier_years_plan(login_as, version):
    add_version(version, drop_keys=["1-1-1.1"])
    make_plan(114, title="114 年度提升服務品質執行計畫")
    client = login_as("readers-liaison")
    page = html(client.get(URL))
    assert "現行第 2 版" in page and "讀者辦證服務單一窗口服務" not in page and "線上申辦服務" in page
    older = version.plan.__class__.objects.get(roc_year=114)
    page = html(client.get(URL, {"plan": older.pk}))
    assert "114 年度提升服務品質執行計畫" in page and "本單位計畫季報 114 年第 4 季" in page
    assert "送出季報" in page  # a past quarter can still be reported late
    assert client.get(URL, {"plan": 99999}).status_code == 404


def test_without_a_plan(login_as, org):
    assert "尚無服務品質執行計畫" in html(login_as("readers-liaison").get(URL))


@pytest.mark.parametrize("login", ["readers-liaison", "readers-head"])
def test_the_page_reads_the_same_whatever_the_practices(login_as, org, login):
    """Each practice's row has its 承辦人 boxes: they offer the unit's people read once, not
    a query per row (a ministry's unit answers for dozens of practices)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from plan.models import PlanPractice

    make_plan(115, practices=many_practices(30))
    client = login_as(login)
    counts = []
    for n in (30, 5):
        PlanPractice.objects.exclude(key__in=[f"k{i}" for i in range(n)]).delete()
        with CaptureQueriesContext(connection) as queries:
            page = html(client.get(URL))
        assert page.count('name="people"') >= n // 5  # readers' rows' 承辦人 boxes
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
