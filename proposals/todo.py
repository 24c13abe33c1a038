"""The proposals' duties in the to-do list (settings.TODO_SOURCES): a committee member's scores.

Score tasks are inbox tasks: this source lists them from the member's open assignments (a
member's own rows, indexed, however many tasks the inbox holds), each due on
selectors.score_due_date, and the inbox source leaves them out (`lists_tasks`), so none is
listed twice.
"""

import datetime

from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance import inbox, todo
from governance.models import User
from governance.todo import TodoItem, TodoSection, lists_tasks

from .flows import ProposalFlow
from .models import Proposal, ReviewerAssignment
from .selectors import score_due_date


@lists_tasks(ProposalFlow.score)
def score_todos(user: User, *, limit: int, today: datetime.date) -> TodoSection:
    """The person's scores still to give, first assigned (so first due) first, with who
    assigned them and a link to the score task; and, for the 管考 office, the score tasks of
    members who declared 迴避, to name another member for."""
    owed = ReviewerAssignment.objects.filter(
        member_id=user.pk,
        scored_at__isnull=True,
        recused_at__isnull=True,
        proposal__state=Proposal.State.SECOND_REVIEW,
    )
    handed_back = inbox.inbox_tasks(user).filter(flow_task=ProposalFlow.score, data__recused=True)
    label = _("複審評分")
    count = todo.bounded_count(owed) + todo.bounded_count(handed_back)
    if not limit or not count:
        return TodoSection(label, [], count)
    return TodoSection(
        label, (_replacements(handed_back, label, limit) + _scores(user, owed, label, limit))[:limit], count
    )


def _replacements(tasks, label, limit):
    rows = inbox.task_rows(tasks.select_related("process").order_by("created", "pk")[:limit], with_urls=True)
    return [
        TodoItem(
            kind="score",
            kind_label=label,
            reference=row.case_number,
            title=_("改派委員（原委員迴避）：%(title)s") % {"title": row.case_title},
            asked_by=row.unit_name,
            due=row.due,
            url=row.url,
            key=f"task:{row.task.pk}",
        )
        for row in rows
    ]


def _scores(user, owed, label, limit):
    rows = list(
        owed.order_by("assigned_at", "pk").values_list(
            "pk",
            "assigned_at",
            "proposal__process_id",
            "proposal__case_number",
            "proposal__title",
            "assigned_by__full_name",
        )[:limit]
    )
    tasks = {
        task.data.get("assignment_id"): task
        for task in Task.objects.filter(
            process_id__in=[row[2] for row in rows],
            owner_id=user.pk,
            status=STATUS.ASSIGNED,
            flow_task=ProposalFlow.score,
        )
    }
    return [
        TodoItem(
            kind="score",
            kind_label=label,
            reference=number,
            title=_("評分：%(title)s") % {"title": title},
            asked_by=assigned_by,
            due=score_due_date(assigned_at),
            url=inbox.task_url(tasks[pk]) if pk in tasks else "",
            key=f"task:{tasks[pk].pk}" if pk in tasks else f"score:{pk}",
        )
        for pk, assigned_at, _process, number, title, assigned_by in rows
    ]
