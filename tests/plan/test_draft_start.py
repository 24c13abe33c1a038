"""Starting next year's plan as a draft (/plan/<year>/next-year/, plan.services.start_next_year_draft):
copied from the current version of this year's plan with keys, units and texts kept and the
deadlines a year on; only the 管考 office starts or sees it, and until it is approved no unit
reports against it or finds it in its to-do list."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from governance.models import TrailEvent
from plan.models import Plan, PlanDraft
from plan.selectors import draft_rows, practices_to_link, version_tree
from plan.services import DRAFT_KIND, DraftRefused, next_year_date, next_year_text, start_next_year_draft
from plan.todo import report_todos
from tests.helpers import frozen_at, user
from tests.support.plan_factory import add_version, make_plan

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def current(org):
    """115's plan, revised once: version 2 is current."""
    return add_version(make_plan(115), note="第二次會議修正")


@pytest.fixture
def draft(current):
    with frozen_at(D(2026, 11, 20)):
        return start_next_year_draft(actor=user("tracking"), plan=current.plan)


def test_next_year_dates_and_texts():
    assert next_year_date(D(2026, 3, 31)) == D(2027, 3, 31)
    assert next_year_date(D(2026, 3, 8)) == D(2027, 3, 8)
    assert next_year_date(D(2015, 2, 28)) == D(2016, 2, 29)  # a month's end stays its end
    assert next_year_date(D(2016, 2, 29)) == D(2017, 2, 28)
    assert next_year_text("115 年 3 月、6 月", 115) == "116 年 3 月、6 月"
    assert next_year_text("115/03/31、2026 年 6 月", 115) == "116/03/31、2027 年 6 月"
    assert next_year_text("每季 1115 次", 115) == "每季 1115 次"  # not a year


def test_the_draft_copies_the_current_version_a_year_on(current, draft):
    assert draft.roc_year == 116 and draft.title == "116 年度提升服務品質執行計畫"
    assert draft.source == current
    assert "依 115 年度計畫第 2 版複製" in draft.note and "完成期限移至 116 年" in draft.note
    before = {row.key: row for row in version_tree(current).rows()}
    after = {row.key: row for row in draft_rows(draft)}
    assert set(after) == set(before) == {"1-1-1.1", "1-2-2.1", "2-1-1.1", "3-1-1.1"}
    for key, row in after.items():
        old = before[key]
        assert (row.practice_number, row.practice_text, row.item_title, row.area_title) == (
            old.practice_number,
            old.practice_text,
            old.item_title,
            old.area_title,
        )
        assert row.unit_codes == old.unit_codes and row.unit_text == old.unit_text
        assert row.deadlines == tuple(next_year_date(d) for d in old.deadlines)
    assert after["1-1-1.1"].deadlines == (D(2027, 3, 31), D(2027, 6, 30), D(2027, 9, 30), D(2027, 12, 31))
    assert after["1-1-1.1"].deadline_text == "116 年 3 月、6 月、9 月、12 月"
    assert after["1-2-2.1"].unit_codes == ("acquisitions", "readers", "reference")
    # Not a plan: 116 has none, and the draft's trail says where it came from.
    assert not Plan.objects.filter(roc_year=116).exists()
    event = TrailEvent.objects.get(case_kind=DRAFT_KIND, case_ref=str(draft.pk))
    assert (
        event.action == "建立下年度計畫草案"
        and "第 2 版" in event.comment
        and "4 項推動作法" in event.comment
    )


def test_only_the_tracking_office_starts_a_draft(current):
    for login in ("readers-head", "director", "auditor"):
        with pytest.raises(PermissionDenied):
            start_next_year_draft(actor=user(login), plan=current.plan)
    assert not PlanDraft.objects.exists()


def test_a_second_draft_is_refused(current, draft):
    with pytest.raises(DraftRefused, match="116 年度已有計畫草案.*每個年度只能有一份草案"):
        start_next_year_draft(actor=user("tracking"), plan=current.plan)
    assert PlanDraft.objects.get() == draft


def test_a_draft_of_a_year_with_a_plan_is_refused(current):
    make_plan(116)  # imported the old way
    with pytest.raises(DraftRefused, match="116 年度已有計畫，不能再建立草案"):
        start_next_year_draft(actor=user("tracking"), plan=current.plan)
    assert not PlanDraft.objects.exists()


def test_start_page_for_the_tracking_office(login_as, current):
    client = login_as("tracking")
    page = client.get("/plan/115/next-year/").content.decode()
    assert "建立 116 年度計畫草案" in page and "現行的第 2 版" in page and "建立草案" in page
    response = client.post("/plan/115/next-year/")
    assert response.status_code == 302 and response["Location"] == "/plan/drafts/116/"
    page = client.get("/plan/drafts/116/").content.decode()
    assert "116 年度提升服務品質執行計畫" in page and "草案" in page
    assert "讀者辦證服務單一窗口服務" in page and "116/03/31" in page
    assert "依 115 年度計畫第 2 版複製" in page
    # A second start: the page says so, and a POST changes nothing.
    page = client.get("/plan/115/next-year/").content.decode()
    assert "116 年度已有計畫草案" in page and "前往草案" in page
    response = client.post("/plan/115/next-year/", follow=True)
    assert "每個年度只能有一份草案" in response.content.decode()
    assert PlanDraft.objects.count() == 1
    # The plan list and the version page lead to it.
    assert 'href="/plan/drafts/116/"' in client.get("/plan/").content.decode()
    assert 'href="/plan/115/next-year/"' in client.get("/plan/115/").content.decode()


@pytest.mark.parametrize(
    "login", ["readers-head", "readers-liaison", "director", "auditor", "planning-staff1"]
)
def test_nobody_else_starts_or_sees_the_draft(login_as, draft, login):
    client = login_as(login)
    for url in (
        "/plan/115/next-year/",
        "/plan/drafts/116/",
        "/plan/drafts/116/draft.xlsx",
        "/plan/drafts/116/draft.ods",
        "/plan/drafts/116/upload/",
        "/plan/drafts/116/changes/",
        "/plan/drafts/116/approve/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post("/plan/115/next-year/").status_code == 403
    assert (
        client.post("/plan/drafts/116/approve/", {"approved_on": "116/1/10", "note": "x"}).status_code == 403
    )
    assert client.post("/plan/drafts/116/discard/").status_code == 403
    page = client.get("/plan/").content.decode()
    assert "/plan/drafts/116/" not in page and "116 年度" not in page
    assert "以本版建立下年度計畫草案" not in client.get("/plan/115/").content.decode()
    assert client.get("/plan/116/").status_code == 404
    assert PlanDraft.objects.get() == draft


def test_the_draft_is_not_reported_against_nor_in_to_do_lists(login_as, draft):
    # In 116's first quarter the units still report on 115's plan: the draft's deadlines are
    # nowhere, though it has practices of theirs due then.
    today = D(2027, 2, 10)
    for login in ("readers-liaison", "planning-liaison", "secretariat-liaison"):
        items = report_todos(user(login), limit=50, today=today).items
        assert items and all(item.due.year == 2026 for item in items), login
    with frozen_at(today):
        page = login_as("readers-liaison").get("/plan/reports/").content.decode()
    assert "115 年" in page and "116 年" not in page
    assert {p.item.area.version.plan.roc_year for p in practices_to_link()} == {115}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_starts_make_one_draft(org):
    from django.db import connection

    from tests.threads import at_once

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; this runs on the PostgreSQL pass")
    plan = add_version(make_plan(115)).plan

    def start():
        return start_next_year_draft(actor=user("tracking"), plan=plan)

    results, errors = at_once([start, start, start])
    assert len(results) == 1 and len(errors) == 2
    assert all(isinstance(e, DraftRefused) and "每個年度只能有一份草案" in e.messages[0] for e in errors)
    assert PlanDraft.objects.count() == 1
    assert TrailEvent.objects.filter(case_kind=DRAFT_KIND).count() == 1
