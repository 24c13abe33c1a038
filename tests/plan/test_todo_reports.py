"""The to-do list's quarterly practice reports (plan.todo.report_todos): a responsible unit's
liaison sees each report its unit owes up to this quarter; a head sees the reports waiting for
their confirmation."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plan.todo import report_todos
from tests.helpers import user
from tests.support.plan_factory import make_plan, many_practices, report

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 8, 15)  # 115Q3


@pytest.fixture
def version(org):
    return make_plan(115)


def test_the_liaison_sees_what_the_unit_owes_up_to_this_quarter_by_due_date(version):
    items = report_todos(user("readers-liaison"), limit=20, today=TODAY).items
    # 1.1 and 2.1 are reported quarterly by the readers: Q1, Q2 (late) and Q3; the December
    # survey (3-1-1.1) is not due before this quarter ends.
    assert [(i.reference, i.due) for i in items] == [
        ("1.1", D(2026, 3, 31)),
        ("2.1", D(2026, 3, 31)),
        ("1.1", D(2026, 6, 30)),
        ("2.1", D(2026, 6, 30)),
        ("1.1", D(2026, 9, 30)),
        ("2.1", D(2026, 9, 30)),
    ]
    assert items[-1].kind == "practice_report" and "115 年第 3 季" in items[-1].title
    assert items[-1].url.endswith("/115Q3/")


def test_a_submitted_or_confirmed_report_is_no_longer_owed_a_returned_one_is(version):
    report(version, "1-1-1.1", "readers", period="115Q3")
    report(version, "2-1-1.1", "secretariat", period="115Q3", confirm=True)
    report(version, "1-2-2.1", "readers", period="115Q2", confirm=False)
    periods = [
        (i.reference, i.due) for i in report_todos(user("readers-liaison"), limit=20, today=TODAY).items
    ]
    assert ("1.1", D(2026, 9, 30)) not in periods and ("2.1", D(2026, 6, 30)) in periods
    secretariat = [i.due for i in report_todos(user("secretariat-liaison"), limit=20, today=TODAY).items]
    assert D(2026, 9, 30) not in secretariat and D(2026, 6, 30) in secretariat


def test_the_head_sees_reports_awaiting_confirmation(version):
    report(version, "1-1-1.1", "readers", period="115Q3")
    section = report_todos(user("readers-head"), limit=20, today=TODAY)
    assert section.count == 1
    (item,) = section.items
    assert (
        "確認" in item.title
        and item.asked_by == user("readers-liaison").last_name + user("readers-liaison").first_name
    )


@pytest.mark.parametrize("login", ["readers-staff1", "planning-head", "tracking", "director"])
def test_others_owe_nothing_for_the_readers(version, login):
    items = report_todos(user(login), limit=20, today=TODAY).items
    assert all("閱覽典藏組" not in i.title for i in items)
    if login != "planning-head":
        assert items == []


def test_limit_and_constant_queries(version):
    liaison = user("readers-liaison")
    report_todos(liaison, limit=2, today=TODAY)
    with CaptureQueriesContext(connection) as few:
        section = report_todos(liaison, limit=2, today=TODAY)
    assert section.count == 6 and len(section.items) == 2
    make_plan(114, practices=many_practices(30))  # its last two quarters are within a year
    with CaptureQueriesContext(connection) as many:
        more = report_todos(liaison, limit=50, today=TODAY)
    assert more.count > 6 and more.items[0].due == D(2025, 9, 30)
    assert len(many) == len(few)
