"""A plan version's practices as xlsx, ODS and CSV (plan.export_views.practices_export):
area, item, number, text, deadlines in ROC, responsible units; in the plan's order."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.models import Unit
from plan.models import Plan, PlanArea, PlanDeadline, PlanItem, PlanPractice, PlanVersion
from tests.helpers import download_name, read_csv, read_ods, read_xlsx

pytestmark = pytest.mark.django_db

HEADERS = ["實施要項", "構面", "執行項目", "編號", "推動作法", "完成期限", "完成期限（原文）", "承辦單位"]


def practice(item, number, text, units, deadlines, order, deadline_text="", unit_text=""):
    p = PlanPractice.objects.create(
        item=item,
        key=f"k{number}",
        number=number,
        text=text,
        sort_order=order,
        deadline_text=deadline_text,
        unit_text=unit_text,
    )
    p.units.set([Unit.objects.get(code=c) for c in units])
    PlanDeadline.objects.bulk_create([PlanDeadline(practice=p, due_date=d) for d in deadlines])
    return p


@pytest.fixture
def version(org):
    plan = Plan.objects.create(roc_year=102, title="國立臺灣圖書館102年度提升服務品質執行計畫")
    old = PlanVersion.objects.create(plan=plan, number=1)
    current = PlanVersion.objects.create(plan=plan, number=2, note="102 年 3 月 8 日第一次會議修正通過")
    # The earlier version has a practice of its own, which the current one's export must not hold.
    old_area = PlanArea.objects.create(version=old, number="一", title="服務流程")
    practice(
        PlanItem.objects.create(area=old_area, number="1.", title="舊項目"),
        "9.9",
        "舊版作法",
        ["readers"],
        [],
        0,
    )
    # Created out of order: the export follows sort_order, not creation.
    second = PlanArea.objects.create(version=current, number="二", title="服務品質", sort_order=2)
    first = PlanArea.objects.create(version=current, number="一", title="服務流程", sort_order=1)
    item = PlanItem.objects.create(
        area=first,
        dimension="（一）服務流程便捷性",
        number="1.",
        title="單一窗口服務全功能程度",
        sort_order=1,
    )
    later = PlanItem.objects.create(area=second, dimension="", number="1.", title="服務場所")
    practice(
        item,
        "1.2",
        '=HYPERLINK("http://evil") 設置服務台',
        ["readers", "reference"],
        [datetime.date(2013, 6, 30)],
        2,
        deadline_text="102年6月",
    )
    practice(
        item,
        "1.1",
        "定期檢討申辦流程，每季召開檢討會議。",
        ["planning"],
        [datetime.date(2013, m, d) for m, d in ((3, 31), (6, 30), (9, 30), (12, 31))],
        1,
        deadline_text="102年3、6、9、12月",
    )
    practice(
        later,
        "1.1",
        "<script>alert(1)</script>館舍標示改善",
        [],
        [datetime.date(2013, 12, 31)],
        1,
        unit_text="各組室",
    )
    return current


def url(version):
    return f"/plan/{version.plan.roc_year}/v{version.number}/practices/"


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv"])
def test_practices_in_plan_order_with_roc_deadlines_and_units(client, person, version, fmt):
    client.force_login(person("readers-staff1"))
    response = client.get(url(version), {"format": fmt})
    rows = {"xlsx": read_xlsx, "ods": read_ods, "csv": read_csv}[fmt](response)
    assert rows == [
        HEADERS,
        [
            "一、服務流程",
            "（一）服務流程便捷性",
            "1. 單一窗口服務全功能程度",
            "1.1",
            "定期檢討申辦流程，每季召開檢討會議。",
            "102/03/31、102/06/30、102/09/30、102/12/31",
            "102年3、6、9、12月",
            "企劃推廣組",
        ],
        [
            "一、服務流程",
            "（一）服務流程便捷性",
            "1. 單一窗口服務全功能程度",
            "1.2",
            '\'=HYPERLINK("http://evil") 設置服務台',
            "102/06/30",
            "102年6月",
            "閱覽典藏組、參考特藏組",
        ],
        [
            "二、服務品質",
            "",
            "1. 服務場所",
            "1.1",
            "<script>alert(1)</script>館舍標示改善",
            "102/12/31",
            "",
            "各組室",
        ],
    ]
    assert download_name(response).startswith("國立臺灣圖書館102年度提升服務品質執行計畫第2版推動作法_")


def test_one_units_practices(client, person, version):
    client.force_login(person("tracking"))
    response = client.get(url(version), {"format": "csv", "unit": Unit.objects.get(code="reference").pk})
    rows = read_csv(response)
    assert [r[3] for r in rows[1:]] == ["1.2"] and rows[1][7] == "閱覽典藏組、參考特藏組"
    assert "第2版推動作法_參考特藏組_" in download_name(response)


def test_queries_do_not_grow_with_the_practices(client, person, version):
    client.force_login(person("director"))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(version), {"format": "xlsx"}).status_code == 200
        return len(queries)

    before = count()
    item = PlanItem.objects.filter(area__version=version).first()
    for n in range(5):
        practice(
            item, f"1.{n + 3}", f"作法 {n}", ["readers", "planning"], [datetime.date(2013, 9, 30)], n + 3
        )
    assert count() == before


@pytest.mark.parametrize(
    "login",
    [
        "readers-staff1",
        "chungshan-liaison",
        "director",
        "auditor",
        "tracking",
        "hr",
        "committee1",
        "external1",
    ],
)
def test_everyone_logged_in_may_export_the_plan_as_they_may_read_it(client, person, version, login):
    # The plan's own pages are open to everyone logged in (an agency-wide document).
    client.force_login(person(login))
    assert client.get(f"/plan/{version.plan.roc_year}/v{version.number}/").status_code == 200
    assert client.get(url(version), {"format": "csv"}).status_code == 200


def test_bad_requests_are_explained(client, person, version):
    client.force_login(person("readers-staff1"))
    response = client.get(url(version), {"format": "odt"})
    assert response.status_code == 400 and "不支援的匯出格式「odt」" in response.content.decode()
    response = client.get(url(version), {"format": "csv", "unit": "999999"})
    assert response.status_code == 400 and "匯出條件有誤" in response.content.decode()
    assert client.get(f"/plan/{version.plan.roc_year}/v9/practices/").status_code == 404
    assert client.get(f"/plan/{version.plan.roc_year + 1}/v2/practices/").status_code == 404


def test_anonymous_people_go_to_the_login_page(client, version):
    response = client.get(url(version), {"format": "csv"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
