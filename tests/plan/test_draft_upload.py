"""Editing next year's draft (/plan/drafts/<year>/upload/): the 管考 office downloads it as xlsx
or ODS, adds, removes and edits practices, deadlines and units, and uploads it back to replace
the draft; a bad file lists its bad rows and leaves the draft as it was."""

import datetime
import io
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from governance import ods
from governance.models import TrailEvent
from plan.models import PlanDraft
from plan.selectors import draft_rows
from plan.services import DRAFT_KIND, start_next_year_draft
from plan.xlsx import HEADERS
from tests.helpers import user
from tests.support.plan_factory import add_version, make_plan

pytestmark = pytest.mark.django_db
D = datetime.date
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMN = {name: index for index, name in enumerate(HEADERS)}


@pytest.fixture
def draft(org):
    version = add_version(make_plan(115))
    return start_next_year_draft(actor=user("tracking"), plan=version.plan)


def downloaded(client, fmt="xlsx"):
    response = client.get(f"/plan/drafts/116/draft.{fmt}")
    assert response.status_code == 200
    return response.content


def edited(data, edit):
    book = load_workbook(io.BytesIO(data))
    edit(book.active)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def set_cell(sheet, line, name, value):
    sheet.cell(row=line, column=COLUMN[name] + 1).value = value


def upload(client, data, name="116草案.xlsx"):
    return client.post(
        "/plan/drafts/116/upload/", {"file": SimpleUploadedFile(name, data, content_type=XLSX)}
    )


def the_edit(sheet):
    """Line 3 (1-2-2.1) reworded, line 4 (2-1-1.1) given to the readers, line 5 (3-1-1.1)
    dropped, and a new practice 1.2 of 三（一） added."""
    set_cell(sheet, 3, "推動作法", "線上申辦服務（含行動裝置）")
    set_cell(sheet, 4, "承辦單位", "閱覽組")
    sheet.delete_rows(5)
    sheet.append(
        [
            "三、顧客關係",
            "（一）民眾滿意度",
            "",
            "機關服務滿意度",
            "1.2",
            "辦理網路滿意度調查",
            "116 年 6 月",
            "116/06/30",
            "企劃組",
        ]
    )


def test_the_download_is_the_draft_and_reads_back(login_as, draft):
    client = login_as("tracking")
    book = load_workbook(io.BytesIO(downloaded(client)))
    lines = list(book.active.iter_rows(values_only=True))
    assert list(lines[0]) == HEADERS and len(lines) == 5
    assert lines[1][COLUMN["完成期限日期"]] == "116/03/31、116/06/30、116/09/30、116/12/31"
    assert lines[1][COLUMN["完成期限"]] == "116 年 3 月、6 月、9 月、12 月"
    about = dict(book["說明"].iter_rows(values_only=True))
    assert about["版次"] == "草案" and "依 115 年度計畫第 2 版複製" in about["說明"]
    assert ods.spreadsheet_kind(io.BytesIO(downloaded(client, "ods"))) == "ods"
    response = client.get("/plan/drafts/116/draft.ods")
    assert response["Content-Disposition"].endswith(quote("-草案.ods"))


def test_uploading_the_edited_file_replaces_the_draft_keeping_keys(login_as, draft):
    client = login_as("tracking")
    before = {row.key: row for row in draft_rows(draft)}
    response = upload(client, edited(downloaded(client), the_edit))
    assert response.status_code == 302 and response["Location"] == "/plan/drafts/116/"
    rows = {row.practice_text: row for row in draft_rows(PlanDraft.objects.get())}
    assert len(rows) == 4
    # Same places, same keys: what was edited is still the same practice.
    assert rows["線上申辦服務（含行動裝置）"].key == "1-2-2.1"
    assert rows["每季辦理電話禮貌測試"].key == "2-1-1.1"
    assert rows["每季辦理電話禮貌測試"].unit_codes == ("readers",)
    assert rows["讀者辦證服務單一窗口服務，提供讀者網路辦證及線上申辦的便捷服務"].key == "1-1-1.1"
    new = rows["辦理網路滿意度調查"]
    assert new.key and new.key not in before and new.deadlines == (D(2027, 6, 30),)
    assert new.unit_codes == ("planning",)
    assert "3-1-1.1" not in {row.key for row in rows.values()}
    event = TrailEvent.objects.filter(case_kind=DRAFT_KIND).latest("sequence")
    assert event.action == "修改計畫草案" and "新增 1 項、刪除 1 項" in event.comment
    assert event.attachments[0]["name"] == "116草案.xlsx"
    page = client.get("/plan/drafts/116/").content.decode()
    assert "已以上傳的檔案取代草案內容" in page and "辦理網路滿意度調查" in page


def test_a_bad_file_lists_its_rows_and_leaves_the_draft(login_as, draft):
    client = login_as("tracking")
    rows_before = PlanDraft.objects.get().rows

    def mistakes(sheet):
        set_cell(sheet, 2, "完成期限日期", "115/03/31")  # last year's date
        set_cell(sheet, 4, "承辦單位", "不存在組")
        set_cell(sheet, 5, "推動作法", None)

    response = upload(client, edited(downloaded(client), mistakes))
    assert response.status_code == 200
    page = response.content.decode()
    assert "檔案有 3 個問題，草案未變更" in page
    assert "第 2 列：完成期限 115年3月31日 不在 116 年度內。" in page
    assert "第 4 列：承辦單位「不存在組」不存在。" in page
    assert "第 5 列：推動作法「1.1」缺少內容。" in page
    assert PlanDraft.objects.get().rows == rows_before
    assert not TrailEvent.objects.filter(case_kind=DRAFT_KIND, action="修改計畫草案").exists()


def test_an_upload_that_is_not_a_spreadsheet_is_turned_away(login_as, draft):
    client = login_as("tracking")
    response = upload(client, b"not a workbook", name="draft.txt")
    assert response.status_code == 200 and "不是" in response.content.decode()
    response = upload(client, b"not a workbook", name="draft.xlsx")
    assert "檔案無法讀取" in response.content.decode()
