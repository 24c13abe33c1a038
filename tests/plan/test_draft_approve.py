"""Approving next year's draft (/plan/drafts/<year>/approve/) as version 1 of the year's plan,
comparing the draft and that version 1 with last year's plan (/plan/drafts/<year>/changes/,
/plan/<year>/v1/changes/), and deleting a draft to start over."""

import datetime
from dataclasses import replace

import pytest

from governance.models import TrailEvent
from plan.models import Plan, PlanDraft, PlanPractice, PlanVersion
from plan.practice_officers import eligible_people, name_practice_officers, quarter_officers
from plan.selectors import draft_rows, draft_tree, tree_changes, version_tree
from plan.services import (
    DRAFT_KIND,
    PLAN_KIND,
    DraftRefused,
    approve_draft,
    replace_draft_rows,
    start_next_year_draft,
)
from plan.todo import report_todos
from tests.helpers import user
from tests.support.plan_factory import add_version, make_plan

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def last_year(org):
    return add_version(make_plan(115))


@pytest.fixture
def draft(last_year):
    return start_next_year_draft(actor=user("tracking"), plan=last_year.plan)


@pytest.fixture
def edited(draft):
    """1-2-2.1 reworded, 2-1-1.1 given to the readers, 3-1-1.1 dropped, a new 1.2 of 三（一）."""
    rows = {row.key: row for row in draft_rows(draft)}
    new = replace(rows["3-1-1.1"], practice_number="1.2", practice_text="辦理網路滿意度調查", key="")
    return replace_draft_rows(
        actor=user("tracking"),
        draft=draft,
        rows=[
            rows["1-1-1.1"],
            replace(rows["1-2-2.1"], practice_text="線上申辦服務（含行動裝置）"),
            replace(rows["2-1-1.1"], unit_codes=("readers",), unit_text="閱覽組"),
            new,
        ],
    )


def test_the_draft_compared_with_last_year(last_year, edited):
    changes = tree_changes(version_tree(last_year), draft_tree(edited))
    assert [p.practice.text for p in changes.added] == ["辦理網路滿意度調查"]
    assert [p.key for p in changes.removed] == ["3-1-1.1"]
    # Deadlines a year on are not a change; the rewording and the new unit are.
    assert [(c.new.key, c.fields) for c in changes.changed] == [("1-2-2.1", ["text"]), ("2-1-1.1", ["units"])]


def test_the_changes_page_of_the_draft(login_as, edited):
    page = login_as("tracking").get("/plan/drafts/116/changes/").content.decode()
    assert "比較 115 年度計畫現行的第 2 版與草案的推動作法" in page
    assert "新增 1 項、刪除 1 項、修改 2 項。" in page
    assert "辦理網路滿意度調查" in page and "<del>辦理讀者滿意度調查據以檢討改善服務</del>" in page
    assert "線上申辦服務（含行動裝置）" in page and "115 年度第 2 版" in page


def test_approval_makes_version_1_and_the_draft_is_done(login_as, edited):
    client = login_as("tracking")
    page = client.get("/plan/drafts/116/approve/").content.decode()
    assert "依 115 年度計畫第 2 版複製" in page  # the note to start from
    response = client.post(
        "/plan/drafts/116/approve/",
        {"approved_on": "116/1/10", "note": "計畫經 116 年 1 月 10 日執行小組會議通過"},
    )
    assert response.status_code == 302 and response["Location"] == "/plan/116/v1/"
    version = PlanVersion.objects.get(plan__roc_year=116)
    assert version.number == 1 and version.approved_on == D(2027, 1, 10)
    assert version.note == "計畫經 116 年 1 月 10 日執行小組會議通過" and version.created_by == user(
        "tracking"
    )
    assert version.plan.title == "116 年度提升服務品質執行計畫"
    practices = {p.text: p for p in PlanPractice.objects.filter(item__area__version=version)}
    keys = {p.key for p in practices.values()}
    assert {"1-1-1.1", "1-2-2.1", "2-1-1.1"} <= keys and len(keys) == 4
    assert [d.due_date for d in practices["辦理網路滿意度調查"].deadlines.all()] == [D(2027, 12, 31)]
    assert [u.code for u in practices["每季辦理電話禮貌測試"].units.all()] == ["readers"]
    draft = PlanDraft.objects.get()
    assert draft.approved_version == version
    event = TrailEvent.objects.get(case_kind=PLAN_KIND, case_ref=str(version.plan.pk))
    assert (event.action, event.from_state, event.to_state) == ("核定計畫草案", "草案", "第 1 版")
    assert "依 115 年度計畫第 2 版複製" in event.comment
    assert TrailEvent.objects.filter(case_kind=DRAFT_KIND, action="核定計畫草案").count() == 1
    # The draft is gone from the list and its pages lead to version 1.
    assert "/plan/drafts/116/" not in client.get("/plan/").content.decode()
    assert client.get("/plan/drafts/116/")["Location"] == "/plan/116/v1/"
    assert client.get("/plan/drafts/116/changes/")["Location"] == "/plan/116/v1/changes/"
    # Version 1 compares with last year's plan, as the draft did.
    page = client.get("/plan/116/v1/changes/").content.decode()
    assert "比較 115 年度計畫現行的第 2 版與本年度第 1 版的推動作法" in page
    assert "新增 1 項、刪除 1 項、修改 2 項。" in page
    assert "與去年計畫比較" in client.get("/plan/116/v1/").content.decode()
    # Now it is the plan the units report against.
    dues = {i.due for i in report_todos(user("readers-liaison"), limit=50, today=D(2027, 4, 15)).items}
    assert D(2027, 3, 31) in dues


def test_approval_needs_a_date_and_a_note(login_as, draft):
    response = login_as("tracking").post("/plan/drafts/116/approve/", {"approved_on": "", "note": ""})
    assert response.status_code == 200 and "資料未填妥" in response.content.decode()
    assert not Plan.objects.filter(roc_year=116).exists()


def test_an_approved_draft_cannot_be_approved_or_changed_again(edited):
    tracking = user("tracking")
    approve_draft(actor=tracking, draft=edited, approved_on=D(2027, 1, 10), note="通過")
    with pytest.raises(DraftRefused, match="已核定"):
        approve_draft(actor=tracking, draft=edited, approved_on=D(2027, 1, 11), note="再一次")
    with pytest.raises(DraftRefused, match="已核定"):
        replace_draft_rows(actor=tracking, draft=edited, rows=draft_rows(edited))
    # And next year now has a plan: no second draft.
    with pytest.raises(DraftRefused, match="116 年度已有計畫"):
        start_next_year_draft(actor=tracking, plan=Plan.objects.get(roc_year=115))
    assert PlanVersion.objects.filter(plan__roc_year=116).count() == 1


def test_approval_is_refused_when_the_year_got_a_plan_meanwhile(draft):
    make_plan(116)  # imported the old way after the draft was started
    with pytest.raises(DraftRefused, match="116 年度已有計畫"):
        approve_draft(actor=user("tracking"), draft=draft, approved_on=D(2027, 1, 10), note="通過")
    assert PlanDraft.objects.get().approved_version is None


def test_officers_follow_the_key_into_next_year(last_year, edited):
    """承辦人 kept: version 1 offers last year's last named officers of each practice and unit
    until the unit names the new year's."""
    practice = PlanPractice.objects.get(item__area__version=last_year, key="1-1-1.1")
    unit = practice.units.first()
    person = eligible_people(unit)[0]
    name_practice_officers(
        actor=user("tracking"), practice=practice, unit=unit, period="115Q4", people=[person]
    )
    version = approve_draft(actor=user("tracking"), draft=edited, approved_on=D(2027, 1, 10), note="通過")
    new_practice = PlanPractice.objects.get(item__area__version=version, key="1-1-1.1")
    offered = quarter_officers(new_practice, unit, "116Q1")
    assert offered.people == [person] and not offered.named and offered.source == "115Q4"


def test_a_deleted_draft_can_be_started_again(login_as, draft):
    client = login_as("tracking")
    response = client.post("/plan/drafts/116/discard/")
    assert response["Location"] == "/plan/drafts/116/" and PlanDraft.objects.exists()  # not confirmed
    response = client.post("/plan/drafts/116/discard/", {"confirm": "1"})
    assert response.status_code == 302 and response["Location"] == "/plan/115/"
    assert not PlanDraft.objects.exists()
    assert TrailEvent.objects.filter(
        case_kind=DRAFT_KIND, case_ref=str(draft.pk), action="刪除計畫草案"
    ).exists()
    assert client.get("/plan/drafts/116/").status_code == 404
    assert client.get("/plan/drafts/116/discard/").status_code == 405
    assert client.post("/plan/115/next-year/").status_code == 302
    assert PlanDraft.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_approvals_make_one_version_1(org):
    from django.db import connection

    from tests.threads import at_once

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; this runs on the PostgreSQL pass")
    plan = add_version(make_plan(115)).plan
    draft = start_next_year_draft(actor=user("tracking"), plan=plan)

    def approve():
        return approve_draft(actor=user("tracking"), draft=draft, approved_on=D(2027, 1, 10), note="通過")

    results, errors = at_once([approve, approve])
    assert len(results) == 1 and [type(e) for e in errors] == [DraftRefused]
    assert PlanVersion.objects.filter(plan__roc_year=116).count() == 1
    assert PlanDraft.objects.get().approved_version == results[0]
