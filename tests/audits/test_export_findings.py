"""Findings lists as xlsx and CSV (audits.views.finding_export): the rows of the list page with
its filters, only what the person may see, ROC due dates, overdue, formula text neutralised."""

import datetime

import pytest
import time_machine

from audits.models import Finding
from tests.helpers import ROC_SHORT, download_name, read_csv, read_xlsx, unit
from tests.support.audit_http import finding_fields

pytestmark = pytest.mark.django_db
UTC = datetime.timezone.utc

HEADERS = [
    "列管編號",
    "上級機關",
    "考核名稱",
    "類別",
    "內容",
    "主辦單位",
    "改善期限",
    "輪次",
    "狀態",
    "逾期",
    "解除列管日期",
]


@pytest.fixture
def audits(drive):
    first = drive.register(
        [
            finding_fields(0, lead="readers", text="=1+1 無障礙坡道標示不足", supporting=("reference",)),
            finding_fields(1, lead="acquisitions", text="-館藏盤點逾期"),
            finding_fields(2, lead="acquisitions", text="@cmd 採購驗收紀錄不全", supporting=("readers",)),
        ],
        title="服務品質考核",
    )
    second = drive.register(
        [
            finding_fields(
                0,
                lead="readers",
                text="<script>x</script>個資檔案未加密",
                kind="observation",
                self_tracked=True,
            )
        ],
        agency="審計部",
        kind="inspection",
        title="+財務查核",
    )
    # One of the acquisitions unit's findings is overdue.
    Finding.objects.filter(text="-館藏盤點逾期").update(due_date=datetime.date(2026, 1, 5))
    return first, second


def export(client, url, fmt, **filters):
    response = client.get(url, {**filters, "format": fmt})
    return read_xlsx(response) if fmt == "xlsx" else read_csv(response)


def listed_numbers(client, url, **filters):
    response = client.get(url, filters)
    assert response.status_code == 200
    return [f.tracking_number for f in response.context["findings"]]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_all_findings_export_has_chinese_headers_and_the_lists_rows(drive, audits, fmt):
    first, second = audits
    client = drive.as_("tracking")
    rows = export(client, "/audits/findings/export/", fmt)
    assert rows[0] == HEADERS
    assert [r[0] for r in rows[1:]] == listed_numbers(client, "/audits/findings/") and len(rows) == 5
    for filters in (
        {"overdue": "on"},
        {"unit": unit("acquisitions").pk},
        {"audit": second.pk},
        {"state": "planning"},
        {"q": "盤點"},
        {"year": 1},
    ):
        expected = listed_numbers(client, "/audits/findings/", **filters)
        assert [r[0] for r in export(client, "/audits/findings/export/", fmt, **filters)[1:]] == expected, (
            filters
        )
        assert len(expected) < 4, filters


def test_a_row_holds_the_finding_with_roc_dates_and_overdue(drive, audits):
    client = drive.as_("tracking")
    rows = {
        r[0]: dict(zip(HEADERS, r, strict=False))
        for r in export(client, "/audits/findings/export/", "xlsx")[1:]
    }
    late = Finding.objects.get(text="-館藏盤點逾期")
    record = rows[late.tracking_number]
    assert record["上級機關"] == "教育部" and record["考核名稱"] == "服務品質考核"
    assert record["類別"] == "缺失" and record["主辦單位"] == "採訪編目組"
    assert record["改善期限"] == "115/01/05" and record["逾期"] == "是"
    assert record["輪次"] == 1 and record["狀態"] == "待檢討會議" and record["解除列管日期"] == ""
    light = Finding.objects.get(kind="observation")
    record = rows[light.tracking_number]
    assert record["類別"] == "觀察（自行列管）" and record["逾期"] == "否"
    assert ROC_SHORT.match(record["改善期限"])


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formula_looking_text_is_neutralised_and_script_tags_plain(drive, audits, fmt):
    rows = export(drive.as_("tracking"), "/audits/findings/export/", fmt)[1:]
    assert {r[4] for r in rows} == {
        "'=1+1 無障礙坡道標示不足",
        "'-館藏盤點逾期",
        "'@cmd 採購驗收紀錄不全",
        "<script>x</script>個資檔案未加密",
    }
    assert {r[2] for r in rows} == {"服務品質考核", "'+財務查核"}


def test_overdue_follows_the_taipei_day(drive, audits):
    late = Finding.objects.get(text="-館藏盤點逾期")
    client = drive.as_("tracking")
    # 2026-01-05 23:30 in Taipei: due today, not yet overdue; 00:30 on the 6th: overdue.
    for moment, overdue in (
        (datetime.datetime(2026, 1, 5, 15, 30, tzinfo=UTC), "否"),
        (datetime.datetime(2026, 1, 5, 16, 30, tzinfo=UTC), "是"),
    ):
        with time_machine.travel(moment, tick=False):
            rows = {r[0]: r for r in export(client, "/audits/findings/export/", "csv")}
            assert rows[late.tracking_number][9] == overdue
            only_overdue = export(client, "/audits/findings/export/", "csv", overdue="on")
            assert (late.tracking_number in {r[0] for r in only_overdue}) == (overdue == "是")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_staff_export_their_units_findings_only(drive, audits, fmt):
    client = drive.as_("readers-staff1")
    rows = export(client, "/audits/findings/unit/export/", fmt)
    texts = {r[4] for r in rows[1:]}
    # Led by the unit or supported by it; the acquisitions unit's own finding is absent.
    assert texts == {"'=1+1 無障礙坡道標示不足", "'@cmd 採購驗收紀錄不全", "<script>x</script>個資檔案未加密"}
    assert [r[0] for r in rows[1:]] == listed_numbers(client, "/audits/findings/unit/")


@pytest.mark.parametrize("login", ["readers-staff1", "acquisitions-head", "committee1", "external1", "hr"])
def test_export_of_all_is_refused_where_the_list_is(drive, audits, login):
    client = drive.as_(login)
    assert client.get("/audits/findings/").status_code == 403
    assert client.get("/audits/findings/export/", {"format": "xlsx"}).status_code == 403


def test_outsiders_export_an_empty_unit_list(drive, audits):
    assert export(drive.as_("external1"), "/audits/findings/unit/export/", "csv") == [HEADERS]


def test_unknown_format_is_a_400_in_chinese(drive, audits):
    response = drive.as_("tracking").get("/audits/findings/unit/export/", {"format": "docx"})
    assert response.status_code == 400 and "不支援的匯出格式「docx」" in response.content.decode()


def test_file_name_is_the_lists_name(drive, audits):
    response = drive.as_("readers-head").get("/audits/findings/unit/export/", {"format": "csv"})
    assert download_name(response).startswith("本單位列管事項_") and download_name(response).endswith(".csv")


def test_list_page_links_to_its_export_with_its_filters(drive, audits):
    first, second = audits
    html = (
        drive.as_("tracking").get("/audits/findings/", {"audit": first.pk, "overdue": "on"}).content.decode()
    )
    assert f'href="/audits/findings/export/?audit={first.pk}&amp;overdue=on&amp;format=xlsx"' in html
    assert f'href="/audits/findings/export/?audit={first.pk}&amp;overdue=on&amp;format=csv"' in html
    html = drive.as_("readers-staff1").get("/audits/findings/unit/").content.decode()
    assert 'href="/audits/findings/unit/export/?format=csv"' in html and "匯出 Excel" in html
