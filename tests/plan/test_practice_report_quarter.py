"""The 管考 office's quarter page (/plan/reports/quarter/?plan=<id>&period=115Q3): practices ×
units, each cell the unit's report state, what is missing highlighted and counted; the office
and the director only; a constant number of queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.rocdate import TAIPEI
from plan.models import PlanDeadline, PlanPractice
from plan.practice_reports import confirm_practice_report, submit_practice_report
from tests.helpers import unit
from tests.support.plan_factory import make_plan, practice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
NOW = datetime.datetime(2026, 10, 5, 10, 0, tzinfo=TAIPEI)
URL = "/plan/reports/quarter/"


@pytest.fixture
def version(org, person):
    version = make_plan(115)
    for key, code, confirm in (("1-1-1.1", "readers", True), ("1-2-2.1", "acquisitions", None)):
        written = submit_practice_report(
            actor=person(f"{code}-liaison"),
            practice=practice(version, key),
            unit=unit(code),
            period="115Q3",
            status="done",
            text="已完成",
        )
        if confirm:
            confirm_practice_report(actor=person(f"{code}-head"), report=written, approve=True, comment="")
    return version


def cells(html):
    """The body rows of the matrix as lists of cell texts."""
    table = html.split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", c).split())
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)
        ]
        for r in rows
    ]


def test_the_office_sees_every_unit_side_by_side(login_as, version):
    response = login_as("tracking").get(URL, {"plan": version.plan_id, "period": "115Q3"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "各單位計畫季報總覽 115 年第 3 季" in html and "未填報 5 件" in html
    assert "待主管確認 1" in html and "主管已確認 1" in html
    header = re.search(r"<thead><tr>(.*?)</tr></thead>", html, re.S)[1]
    assert re.findall(r'<th scope="col">(.*?)</th>', header) == [
        "編號",
        "推動作法",
        "企劃組",
        "採編組",
        "閱覽組",
        "參考組",
        "秘書室",
    ]
    rows = [r for r in cells(html) if len(r) == 7]
    assert rows[0][:2] == ["1.1", "讀者辦證服務單一窗口服務，提供讀者網路辦證及線上申辦的便捷服務"]
    assert rows[0][2:] == ["—", "—", "主管已確認 已完成", "—", "—"]
    assert rows[1][2:] == ["—", "待主管確認 已完成 逾期", "未填報 逾期", "未填報 逾期", "—"]
    assert rows[2][6] == "未填報 逾期"  # 秘書室's telephone courtesy test
    assert rows[3][2:] == ["未填報", "—", "未填報", "—", "—"]  # due in December: missing, not late
    footer = re.search(r"<tfoot>(.*?)</tfoot>", html, re.S)[1]
    assert re.findall(r"<td>(?:<strong[^>]*>)?(\d+)", footer) == ["1", "0", "2", "1", "1"]
    assert "未填報清單" in html and html.count('class="gov-overdue">未填報</strong>') == 5
    # Each cell opens that unit's report page.
    assert (
        f"/plan/reports/practices/{practice(version, '1-2-2.1').pk}/units/{unit('reference').pk}/115Q3/"
        in html
    )


def test_another_quarter_and_a_bad_period(login_as, version):
    client = login_as("director")
    html = client.get(URL, {"plan": version.plan_id, "period": "115Q2"}).content.decode()
    assert "未填報 7 件" in html
    html = client.get(URL, {"plan": version.plan_id, "period": "115Q9"}).content.decode()
    assert "季別須為 115 年度的一季" in html and "各單位計畫季報總覽 115 年第 4 季" in html
    html = client.get(URL).content.decode()  # this year's plan, this quarter
    assert "各單位計畫季報總覽 115 年第 4 季" in html
    assert client.get(URL, {"plan": 99999}).status_code == 404
    assert client.get(URL, {"plan": "x"}).status_code == 404


def test_only_the_office_and_the_director_see_all_units(client, person, version):
    for login in ("tracking", "director", "deputy", "auditor"):
        client.force_login(person(login))
        assert client.get(URL).status_code == 200, login
    for login in ("readers-liaison", "readers-head", "readers-staff1", "hr", "committee1"):
        client.force_login(person(login))
        assert client.get(URL).status_code == 403, login


def test_without_a_plan(login_as, org):
    assert "尚無服務品質執行計畫" in login_as("tracking").get(URL).content.decode()


def test_queries_do_not_grow_with_the_plan(login_as, version):
    client = login_as("tracking")
    params = {"plan": version.plan_id, "period": "115Q3"}
    client.get(URL, params)  # warm the session and the content types

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, params).status_code == 200
        return len(queries)

    before = count()
    item = practice(version, "1-1-1.1").item
    for n in range(20):
        added = PlanPractice.objects.create(
            item=item, key=f"x{n}", number=f"1.{n + 5}", text=f"新增作法 {n}", sort_order=10 + n
        )
        added.units.set([unit("readers"), unit("personnel")])
        PlanDeadline.objects.create(practice=added, due_date=datetime.date(2026, 9, 30))
    assert count() == before
