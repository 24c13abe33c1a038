"""The plan's pages: list, a version's table, changes from the previous version, xlsx download
and upload (管考 office only)."""

import io
import re
from dataclasses import replace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from plan.models import Plan, PlanPractice, PlanVersion
from plan.selectors import version_tree
from plan.services import load_seed_plan, revise_plan
from plan.xlsx import export_version
from tests.support.plan_factory import a_year_later, make_plan

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def seeded(org):
    return load_seed_plan()


@pytest.fixture
def revised(seeded, person):
    rows = version_tree(seeded).rows()
    rows[2] = replace(rows[2], practice_text="線上整合服務（含行動裝置）")
    del rows[1]
    return revise_plan(actor=person("tracking"), plan=seeded.plan, rows=rows, note="第二次會議修正")


def upload(data, name="plan.xlsx"):
    return SimpleUploadedFile(name, data, content_type=XLSX)


def test_list_for_everyone_logged_in(client, login_as, seeded):
    assert client.get("/plan/").status_code == 302  # to the login page
    html = login_as("readers-staff1").get("/plan/").content.decode()
    assert "102 年度提升服務品質執行計畫" in html and 'href="/plan/102/"' in html
    assert "匯入計畫" not in html
    assert "匯入計畫" in login_as("tracking").get("/plan/").content.decode()


def test_version_page_shows_the_whole_table(login_as, seeded):
    response = login_as("chungshan-staff2").get("/plan/102/")
    assert response.status_code == 200
    html = response.content.decode()
    text_only = re.sub(r"<[^>]+>", "", html)
    for text in (
        "讀者辦證服務單一窗口服務",
        "102 年 3 月、6 月、9 月、12 月",
        "102/03/31、102/06/30、102/09/30、102/12/31",
        "採編組、閱覽組、參考組",  # the organisation's order
        "（三）組織內部創新機制及運作情形",
        "審核各組室提報年度創新工作計畫執行進度",
        "6 項實施要項、18 項執行項目、76 項推動作法",
        "計畫經 102 年 3 月 8 日執行小組第一次會議修正通過",
        "102年3月8日",
        "（本項目未列推動作法）",
    ):
        assert text in text_only, text
    assert 'rowspan="25"' in html  # 一、服務流程 over its 25 practices
    assert 'rowspan="4"' in html  # 1. 單一窗口服務全功能程度 over 1.1–1.4
    assert "現行版本" in html and "匯入修正版" not in html
    assert "匯入修正版" in login_as("tracking").get("/plan/102/v1/").content.decode()


def test_version_page_queries_do_not_grow_with_the_plan(login_as, seeded, org):
    small = make_plan(115)
    client = login_as("readers-staff1")
    client.get("/plan/102/v1/")  # warm the session and permission caches
    with CaptureQueriesContext(connection) as big_page:
        client.get("/plan/102/v1/")
    with CaptureQueriesContext(connection) as small_page:
        client.get(f"/plan/115/v{small.number}/")
    assert len(big_page) == len(small_page)


def test_earlier_versions_stay_readable_with_links(login_as, revised):
    client = login_as("readers-liaison")
    current = client.get("/plan/102/").content.decode()
    assert "線上整合服務（含行動裝置）" in current and "分齡分眾全功能服務臺" not in current
    assert 'href="/plan/102/v1/"' in current and 'href="/plan/102/v2/changes/"' in current
    old = client.get("/plan/102/v1/").content.decode()
    assert "分齡分眾全功能服務臺" in old and "已有較新的版本" in old and 'href="/plan/102/v2/"' in old


def test_changes_page(login_as, revised):
    client = login_as("readers-staff1")
    html = client.get("/plan/102/v2/changes/").content.decode()
    assert "新增 0 項、刪除 1 項、修改 1 項" in html
    assert "分齡分眾全功能服務臺" in html  # removed
    assert "線上整合服務（含行動裝置）" in html and "一（一）1. 1.3" in html
    assert "第二次會議修正" in html
    first = client.get("/plan/102/v1/changes/").content.decode()
    assert "沒有前一版可比較" in first
    assert client.get("/plan/102/v3/changes/").status_code == 404
    assert client.get("/plan/101/").status_code == 404


def test_download_xlsx(login_as, seeded):
    response = login_as("auditor").get("/plan/102/v1/plan.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert (
        "attachment" in response["Content-Disposition"]
        and "filename*=utf-8''" in response["Content-Disposition"]
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["F2"].value.startswith("讀者辦證服務單一窗口服務")
    assert sheet["H2"].value == "102/03/31、102/06/30、102/09/30、102/12/31"
    assert sheet.max_row == 78  # headers and 77 rows


@pytest.mark.parametrize("login", ["readers-head", "director", "planning-staff1", "auditor"])
def test_upload_is_for_the_tracking_office_only(login_as, seeded, login):
    client = login_as(login)
    assert client.get("/plan/import/").status_code == 403
    response = client.post(
        "/plan/import/", {"year": "102", "note": "x", "file": upload(export_version(seeded))}
    )
    assert response.status_code == 403
    assert PlanVersion.objects.count() == 1


def test_upload_a_revision_and_a_new_year(login_as, seeded):
    client = login_as("tracking")
    assert client.get("/plan/import/?year=102").status_code == 200
    data = export_version(seeded)
    response = client.post(
        "/plan/import/",
        {"year": "102", "note": "第二次會議修正", "approved_on": "102/5/10", "file": upload(data)},
    )
    assert response.status_code == 302 and response["Location"] == "/plan/102/v2/"
    version = PlanVersion.objects.get(plan__roc_year=102, number=2)
    assert version.note == "第二次會議修正" and str(version.approved_on) == "2013-05-10"
    html = client.post(
        "/plan/import/",
        {"year": "2014", "title": "103 年度提升服務品質執行計畫", "note": "新年度", "file": upload(data)},
    ).content.decode()
    assert (
        "第 2 列：完成期限 102年3月31日 不在 103 年度內。" in html
        and "修正檔案後，請重新選擇檔案匯入" in html
    )
    response = client.post(
        "/plan/import/",
        {
            "year": "2014",
            "title": "103 年度提升服務品質執行計畫",
            "note": "新年度",
            "file": upload(a_year_later(data, 102)),
        },
        follow=True,
    )
    assert "已匯入103 年度提升服務品質執行計畫第 1 版" in response.content.decode()
    assert Plan.objects.get(roc_year=103).versions.count() == 1


def test_upload_errors_are_shown_and_nothing_is_imported(login_as, seeded):
    client = login_as("tracking")
    book = load_workbook(io.BytesIO(export_version(seeded)))
    sheet = book.active
    sheet["I3"] = "閱覽組 資訊室"
    sheet["H5"] = "102/02/30"
    sheet["F6"] = None
    buffer = io.BytesIO()
    book.save(buffer)
    practices = PlanPractice.objects.count()
    response = client.post(
        "/plan/import/", {"year": "102", "note": "有誤", "file": upload(buffer.getvalue())}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "檔案有 3 個問題，未匯入任何資料" in html
    assert "第 3 列：承辦單位「資訊室」不存在。" in html
    assert "第 5 列：完成期限日期有誤" in html and "102年2月沒有30日" in html
    assert "第 6 列：推動作法「2.1」缺少內容。" in html
    assert PlanVersion.objects.count() == 1 and PlanPractice.objects.count() == practices

    response = client.post(
        "/plan/import/", {"year": "102", "note": "x", "file": upload(b"hello", name="plan.csv")}
    )
    assert "請上傳 Excel 活頁簿（.xlsx）" in response.content.decode()
    response = client.post("/plan/import/", {"year": "102", "note": "x", "file": upload(b"PK garbage")})
    assert "檔案無法讀取" in response.content.decode()
    response = client.post(
        "/plan/import/", {"year": "abc", "note": "", "file": upload(export_version(seeded))}
    )
    assert "無法辨識" in response.content.decode()
    assert PlanVersion.objects.count() == 1
