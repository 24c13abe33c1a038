"""The to-do list's committee scores (proposals.todo.score_todos): each member sees their own
score tasks with the day each is due (selectors.score_due_date) and who assigned them; the
inbox source leaves those tasks out, so none is listed twice."""

import datetime

import pytest

from governance import todo
from proposals.todo import score_todos
from tests.helpers import frozen_at

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 10, 5)


@pytest.fixture
def assigned(drive, settings):
    settings.SCORING_DAYS = 10
    with frozen_at(DAY):
        proposal = drive.submit("readers-staff1")
        drive.first_review("readers-head", proposal, "accepted")
        drive.assign_reviewers(proposal, ["committee1", "external1"])
    return proposal


def test_each_member_sees_their_score_with_its_due_date(assigned, person):
    with frozen_at(DAY, hour=11):
        section = score_todos(person("committee1"), limit=10, today=DAY)
    assert section.count == 1
    (item,) = section.items
    assert item.kind == "score" and item.reference == assigned.case_number
    assert item.due == datetime.date(2026, 10, 15) and assigned.title in item.title
    tracking = person("tracking")
    assert item.asked_by == tracking.get_full_name() == "孫立群"
    assert item.url and item.claim_url is None


@pytest.mark.parametrize("login", ["committee2", "readers-head", "tracking"])
def test_others_have_no_score_to_give(assigned, person, login):
    assert score_todos(person(login), limit=10, today=DAY).count == 0


def test_the_whole_list_shows_a_score_task_once(assigned, person):
    with frozen_at(DAY, hour=11):
        page = todo.todo_page(person("committee1"), today=DAY)
    assert [item.kind for item in page.items] == ["score"] and page.count == 1
