"""A committee member's score is due SCORING_DAYS after their assignment (docs/domain.md,
「複審」): one date (proposals.selectors.score_due_date), the same in the inbox, the new-task
notice and the reminders."""

import datetime

import pytest

from governance import inbox
from governance.models import Notification
from governance.notifications import task_notice
from proposals import selectors
from proposals.models import ReviewerAssignment
from tests.helpers import frozen_at, taipei

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 5)


def test_a_score_is_due_scoring_days_after_the_taipei_day_of_the_assignment(settings):
    settings.SCORING_DAYS = 10
    # 00:30 in Taipei is still the day before in UTC: the Taipei day counts.
    assert selectors.score_due_date(taipei(DAY, 0, 30)) == datetime.date(2026, 10, 15)
    assert selectors.score_due_date(taipei(DAY, 23, 59)) == datetime.date(2026, 10, 15)
    assert selectors.assigned_on_for_score_due(datetime.date(2026, 10, 15)) == DAY


def test_the_inbox_the_notice_and_the_reminders_count_from_the_assignment(drive, person, settings):
    settings.SCORING_DAYS = 10
    with frozen_at(DAY):
        proposal = drive.submit("readers-staff1")
        drive.first_review("readers-head", proposal, "accepted")
        drive.assign_reviewers(proposal, ["committee1"])
    # Suppose the assignment was recorded two days before its score task was made: the
    # assignment's day is the starting point, not the task's.
    assignment = ReviewerAssignment.objects.get(proposal=proposal)
    ReviewerAssignment.objects.filter(pk=assignment.pk).update(
        assigned_at=taipei(DAY - datetime.timedelta(days=2), 9)
    )
    due = datetime.date(2026, 10, 13)

    with frozen_at(DAY, hour=11):
        [row] = inbox.inbox_page(person("committee1")).rows
        assert (row.due, row.overdue) == (due, False)
        assert task_notice(row.task.pk) == 1
    notice = Notification.objects.get(recipient=person("committee1"))
    assert notice.due_date == due and "期限 115年10月13日" in notice.body

    [item] = [i for i in selectors.due_for_reminders([due]) if i.key.startswith("score:")]
    assert item.due_date == due and item.responsible_ids == (person("committee1").pk,)
    assert not [
        i for i in selectors.due_for_reminders([datetime.date(2026, 10, 15)]) if i.key.startswith("score:")
    ]
