"""The to-do list's contributions (audits.todo.contribution_todos): a supporting unit's liaison
sees the finding its unit must contribute to in the current round, until it has."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits import services
from audits.models import Finding
from audits.todo import contribution_todos
from tests.helpers import unit, user
from tests.support.meeting_factory import finding

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 6, 1)


@pytest.fixture
def supported(org):
    later = finding("planning", "借閱流程說明不清", due=D(2026, 9, 30), state=Finding.State.IN_PROGRESS)
    sooner = finding("reference", "網站無障礙標章逾期", due=D(2026, 7, 31))
    for one in (later, sooner):
        one.supporting_units.add(unit("readers"))
    return sooner, later


def test_the_supporting_units_liaison_sees_each_finding_by_due_date(supported):
    sooner, later = supported
    section = contribution_todos(user("readers-liaison"), limit=10, today=TODAY)
    assert section.count == 2
    assert [item.reference for item in section.items] == [sooner.tracking_number, later.tracking_number]
    item = section.items[0]
    assert item.kind == "contribution" and item.due == D(2026, 7, 31)
    assert item.asked_by == "參考特藏組" and "閱覽典藏組" in item.title
    assert item.url == f"/audits/findings/{sooner.pk}/"


@pytest.mark.parametrize("login", ["planning-liaison", "acquisitions-liaison", "readers-staff1", "tracking"])
def test_other_units_people_do_not(supported, login):
    assert contribution_todos(user(login), limit=10, today=TODAY).count == 0


def test_written_contribution_or_closed_finding_is_no_longer_owed(supported):
    sooner, later = supported
    liaison = user("readers-liaison")
    services.contribute(actor=liaison, finding=sooner, unit=unit("readers"), text="已更新標章申請")
    Finding.objects.filter(pk=later.pk).update(state=Finding.State.CLOSED)
    assert contribution_todos(liaison, limit=10, today=TODAY).count == 0


def test_a_new_round_asks_again(supported):
    sooner, _later = supported
    liaison = user("readers-liaison")
    services.contribute(actor=liaison, finding=sooner, unit=unit("readers"), text="第一輪")
    Finding.objects.filter(pk=sooner.pk).update(round=2)
    assert [i.reference for i in contribution_todos(liaison, limit=10, today=TODAY).items][
        0
    ] == sooner.tracking_number


def test_queries_do_not_grow_with_rows(supported):
    liaison = user("readers-liaison")
    contribution_todos(liaison, limit=1, today=TODAY)
    with CaptureQueriesContext(connection) as few:
        contribution_todos(liaison, limit=1, today=TODAY)
    for n in range(15):
        finding("planning", f"缺失 {n}", due=D(2026, 8, n + 1)).supporting_units.add(unit("readers"))
    with CaptureQueriesContext(connection) as many:
        section = contribution_todos(liaison, limit=5, today=TODAY)
    assert section.count == 17 and len(section.items) == 5 and len(many) == len(few)
