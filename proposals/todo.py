"""The proposals' duties in the to-do list (settings.TODO_SOURCES): a committee member's scores.

Score tasks are inbox tasks: this source lists them, with the day each score is due
(selectors.score_due_date, through the flow's `inbox_task_dues`), and the inbox source
leaves them out (`lists_tasks`), so none is listed twice.
"""

import datetime

from django.utils.translation import gettext as _

from governance import inbox
from governance.models import User
from governance.todo import TodoItem, TodoSection, lists_tasks

from .flows import ProposalFlow
from .models import ReviewerAssignment


def _score_tasks(user):
    return inbox.inbox_tasks(user).filter(flow_task=ProposalFlow.score)


@lists_tasks(ProposalFlow.score)
def score_todos(user: User, *, limit: int, today: datetime.date) -> TodoSection:
    """The person's score tasks, first assigned (so first due) first, with who assigned them."""
    tasks = _score_tasks(user)
    label = _("複審評分")
    count = inbox.bounded_count(tasks)
    if not limit or not count:
        return TodoSection(label, [], count)
    page = list(tasks.select_related("process").order_by("created", "pk")[:limit])
    rows = inbox.task_rows(page)
    assigners = {
        pk: f"{last}{first}"
        for pk, first, last in ReviewerAssignment.objects.filter(
            pk__in=[task.data.get("assignment_id") for task in page if task.data.get("assignment_id")]
        ).values_list("pk", "assigned_by__first_name", "assigned_by__last_name")
    }
    return TodoSection(
        label,
        [
            TodoItem(
                kind="score",
                kind_label=label,
                reference=row.case_number,
                title=_("評分：%(title)s") % {"title": row.case_title},
                asked_by=assigners.get(row.task.data.get("assignment_id"), ""),
                due=row.due,
                url=row.url,
                key=f"task:{row.task.pk}",
            )
            for row in rows
        ],
        count,
    )
