"""Proposal lists as xlsx and CSV (proposals.views.proposal_export): the rows of the list page
with its filters, only what the person may see, ROC dates, formula text neutralised."""

import datetime
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance import exports
from governance.models import Unit
from governance.rocdate import format_roc_short
from proposals.models import Proposal, Proposer
from tests.helpers import ROC_SHORT, download_name, read_csv, read_ods, read_xlsx, user
from tests.support import meeting_factory
from tests.support.proposal_http import proposal_form

pytestmark = pytest.mark.django_db

HEADERS = [
    "案號",
    "提案名稱",
    "提案單位",
    "提案人（貢獻比例）",
    "狀態",
    "等第",
    "採行決定",
    "送出日期",
    "決定日期",
    "主辦單位",
    "預定完成日",
    "結案日期",
    "對應計畫推動作法",
]
EVIL = '=HYPERLINK("http://evil","點我")'
SCRIPT = "<script>alert('x')</script>閱覽室公告"


@pytest.fixture
def cases(drive):
    a = drive.submit("readers-staff1", title=EVIL, co_proposers="readers-staff2 30")
    b = drive.submit("readers-staff2", title="+1-2 期刊架位標示改善")
    c = drive.submit("acquisitions-staff1", title="@SUM(A1) 編目作業抽檢機制")
    d = drive.submit("acquisitions-staff2", title=SCRIPT)
    drive.first_review("readers-head", a, "accepted")
    return a, b, c, d


def export(client, url, fmt, **filters):
    response = client.get(url, {**filters, "format": fmt})
    return read_xlsx(response) if fmt == "xlsx" else read_csv(response)


def listed_numbers(client, url, **filters):
    """The case numbers the list page shows for the same filters."""
    response = client.get(url, filters)
    assert response.status_code == 200
    return [p.case_number for p in response.context["proposals"]]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_all_proposals_export_has_chinese_headers_and_the_lists_rows(drive, cases, fmt):
    client = drive.as_("tracking")
    rows = export(client, "/proposals/all/export/", fmt)
    assert rows[0] == HEADERS
    assert [r[0] for r in rows[1:]] == listed_numbers(client, "/proposals/all/") and len(rows) == 5


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_filters_give_the_same_rows_as_the_list_page(drive, cases, fmt):
    client = drive.as_("director")
    acquisitions = Unit.objects.get(code="acquisitions").pk
    for filters in (
        {"state": "first_review"},
        {"q": "編目"},
        {"unit": acquisitions},
        {"year": 1},
        {"state": "second_review", "q": "HYPERLINK"},
    ):
        rows = export(client, "/proposals/all/export/", fmt, **filters)
        expected = listed_numbers(client, "/proposals/all/", **filters)
        assert [r[0] for r in rows[1:]] == expected, filters
        assert len(expected) < 4, filters  # each filter leaves some out
    assert len(listed_numbers(client, "/proposals/all/", q="編目")) == 1


def test_a_row_holds_the_proposal_with_roc_dates(drive, cases):
    a = cases[0]
    a.refresh_from_db()
    client = drive.as_("tracking")
    [row] = [r for r in export(client, "/proposals/all/export/", "xlsx") if r[0] == a.case_number]
    record = dict(zip(HEADERS, row, strict=False))
    assert record["提案單位"] == "閱覽典藏組"
    assert record["提案人（貢獻比例）"] == "許志偉 70%、鄭雅雯 30%"
    assert record["狀態"] == "複審中" and record["採行決定"] == ""
    assert ROC_SHORT.match(record["送出日期"]) and record["送出日期"] == format_roc_short(a.submitted_at)
    assert record["決定日期"] == record["結案日期"] == ""
    assert record["對應計畫推動作法"] == ""


def test_a_row_names_the_plan_practice(drive, org):
    from plan.models import PlanPractice
    from plan.services import load_seed_plan

    version = load_seed_plan()
    practice = PlanPractice.objects.filter(item__area__version=version, number="1.2").first()
    proposal = drive.submit("readers-staff1", plan_practice=practice.pk)
    rows = export(drive.as_("tracking"), "/proposals/all/export/", "csv")
    [row] = [r for r in rows if r[0] == proposal.case_number]
    # Where it sits in the plan's table (numbers repeat across areas and items), then its words.
    assert dict(zip(HEADERS, row, strict=False))["對應計畫推動作法"] == "一（一）1. 1.2 分齡分眾全功能服務臺"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formula_looking_titles_are_text_and_script_tags_plain(drive, cases, fmt):
    client = drive.as_("tracking")
    titles = {r[1] for r in export(client, "/proposals/all/export/", fmt)[1:]}
    assert titles == {"'" + EVIL, "'+1-2 期刊架位標示改善", "'@SUM(A1) 編目作業抽檢機制", SCRIPT}


def test_staff_export_only_what_they_may_see(drive, cases):
    a, b, c, d = cases
    response = drive.as_("readers-staff2").post("/proposals/new/", proposal_form(title="鄭雅雯的草稿"))
    assert response.status_code == 302  # saved as a draft: not submitted
    client = drive.as_("readers-staff1")
    unit_rows = export(client, "/proposals/unit/export/", "csv")
    assert {r[0] for r in unit_rows[1:]} == {a.case_number, b.case_number}
    assert {r[1] for r in unit_rows[1:]} == {
        "'" + EVIL,
        "'+1-2 期刊架位標示改善",
    }  # no draft, no other unit's
    mine = export(client, "/proposals/export/", "xlsx")
    assert [r[0] for r in mine[1:]] == listed_numbers(client, "/proposals/") == [a.case_number]


@pytest.mark.parametrize("login", ["readers-staff1", "readers-head", "committee1", "external1"])
def test_export_of_all_is_refused_where_the_list_is(drive, cases, login):
    client = drive.as_(login)
    assert client.get("/proposals/all/").status_code == 403
    assert client.get("/proposals/all/export/", {"format": "csv"}).status_code == 403
    assert client.get("/proposals/all/export/", {"format": "pdf"}).status_code == 403


def test_external_member_exports_only_assigned_proposals(drive, cases):
    a = cases[0]
    drive.assign_reviewers(a, ["committee1", "external1"])
    rows = export(drive.as_("external1"), "/proposals/export/", "csv")
    assert rows == [HEADERS]  # their own list: they propose nothing
    assert export(drive.as_("external1"), "/proposals/unit/export/", "csv") == [HEADERS]


def test_unknown_format_is_a_400_in_chinese(drive, cases):
    response = drive.as_("tracking").get("/proposals/all/export/", {"format": "pdf"})
    assert response.status_code == 400 and "不支援的匯出格式「pdf」" in response.content.decode()


def test_missing_format_is_xlsx_with_a_chinese_file_name(drive, cases):
    response = drive.as_("tracking").get("/proposals/all/export/")
    assert read_xlsx(response)[0] == HEADERS
    assert download_name(response).startswith("全部提案_") and download_name(response).endswith(".xlsx")


def test_anonymous_people_go_to_the_login_page(client, cases):
    client.logout()
    response = client.get("/proposals/all/export/", {"format": "csv"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_list_page_links_to_its_export_with_its_filters(drive, cases):
    html = (
        drive.as_("tracking").get("/proposals/all/", {"state": "first_review", "q": "期刊"}).content.decode()
    )
    assert 'href="/proposals/all/export/?state=first_review&amp;q=%E6%9C%9F%E5%88%8A&amp;format=xlsx"' in html
    assert 'href="/proposals/all/export/?state=first_review&amp;q=%E6%9C%9F%E5%88%8A&amp;format=csv"' in html
    assert "匯出 Excel" in html and "匯出 CSV" in html
    html = drive.as_("readers-staff1").get("/proposals/unit/").content.decode()
    assert 'href="/proposals/unit/export/?format=xlsx"' in html


def test_queries_do_not_grow_with_the_rows(drive, cases):
    client = drive.as_("tracking")

    def count():
        # The CSV streams: its rows are read as the body is, inside the count.
        with CaptureQueriesContext(connection) as queries:
            assert len(read_csv(client.get("/proposals/all/export/", {"format": "csv"}))) > 1
        return len(queries)

    before = count()
    for n in range(3):
        drive.submit("planning-staff1", title=f"新提案 {n}", co_proposers="planning-staff2 20")
    client = drive.as_("tracking")
    assert count() == before


# ---------------------------------------------------------------- long lists, in chunks

CHUNK = 7


def add_proposals(count):
    """`count` proposals in execution of the readers' unit, each with its proposer (of 114:
    the drive numbers its own in 115)."""
    for n in range(count):
        proposal = meeting_factory.proposal(
            "readers", f"長清單提案 {n}", due=datetime.date(2026, 12, 31), year=114
        )
        Proposer.objects.create(proposal=proposal, person=user("readers-staff1"), share=100)


def read(response, fmt):
    return {"xlsx": read_xlsx, "ods": read_ods, "csv": read_csv}[fmt](response)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_a_list_of_many_chunks_holds_every_row_once(drive, cases, fmt, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", CHUNK)
    add_proposals(40)
    client = drive.as_("tracking")
    rows = read(client.get("/proposals/all/export/", {"format": fmt}), fmt)
    numbers = [r[0] for r in rows[1:]]
    assert len(numbers) == Proposal.objects.count() == 44 > 6 * CHUNK
    assert len(set(numbers)) == len(numbers)
    assert numbers[:5] == listed_numbers(client, "/proposals/all/")[:5]
    long_list = [r for r in rows if r[1].startswith("長清單提案")]
    proposer = f"{user('readers-staff1').get_full_name()} 100%"
    assert len(long_list) == 40 and all(r[3] == proposer for r in long_list), long_list[0]


def test_queries_grow_by_at_most_one_per_chunk(drive, cases, monkeypatch):
    """20 rows and 200 rows: the proposers come in one query per chunk, nothing per row."""
    monkeypatch.setattr(exports, "CHUNK_SIZE", CHUNK)
    client = drive.as_("tracking")

    def count(fmt):
        with CaptureQueriesContext(connection) as queries:
            rows = read(client.get("/proposals/all/export/", {"format": fmt}), fmt)
        return len(rows) - 1, len(queries)

    add_proposals(20 - len(cases))
    small = {fmt: count(fmt) for fmt in ("csv", "xlsx", "ods")}
    add_proposals(180)
    large = {fmt: count(fmt) for fmt in ("csv", "xlsx", "ods")}
    more_chunks = math.ceil(200 / CHUNK) - math.ceil(20 / CHUNK)
    for fmt in small:
        assert (small[fmt][0], large[fmt][0]) == (20, 200)
        # More than nothing: the rows are read a chunk at a time, not in one go.
        assert 0 < large[fmt][1] - small[fmt][1] <= more_chunks, (fmt, small[fmt], large[fmt])
