"""One to-do list (待辦事項): everything a person owes, from every source.

Each process lists its duties through a source named in settings.TODO_SOURCES
({kind: dotted path}); a source is `source(user, *, limit, today) -> TodoSection`: at most
`limit` rows ordered by due date (rows without a date last), read with a bounded number of
queries whatever the number of duties, and a count capped as the inbox's are
(`bounded_count`, capped at COUNT_CAP). The list merges the sections, sorts them by due date and cuts the
page; its query count depends on the number of sources, not on the rows nor the page size.

The core gives two sources itself: the person's inbox tasks and the queue tasks they may
claim. A source that lists some inbox tasks itself (a committee member's scores) says which
with `lists_tasks(node, ...)`, and the inbox leaves them out.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import inbox
from .rocdate import today_taipei

PAGE_SIZE = 25
HOME_ROWS = 5
# A person's count of one kind stops here ("99+"): nobody needs an exact count past it, and
# the heaviest users' counts stay cheap (each scans at most this many rows).
COUNT_CAP = 99


def bounded_count(queryset) -> int:
    """A source's count, capped at COUNT_CAP + 1 (see inbox.bounded_count)."""
    return inbox.bounded_count(queryset, cap=COUNT_CAP)


def format_count(count) -> str:
    return inbox.format_count(count, cap=COUNT_CAP)


@dataclass(frozen=True)
class TodoItem:
    kind: str  # the source's key in settings.TODO_SOURCES
    kind_label: str
    reference: str  # a case number, a tracking number, a meeting, a practice number
    title: str  # what is asked
    asked_by: str  # the unit or person asking, where known
    due: datetime.date | None
    url: str
    claim_url: str | None = None  # a queue task: POST here to claim and open it
    key: str = ""


@dataclass
class TodoSection:
    label: str  # the kind's name, for the filter
    items: list
    count: int


@dataclass
class TodoPage:
    items: list
    page: int
    has_next: bool
    count: int
    kinds: list = field(default_factory=list)  # [(kind, label, count)] of the sources with rows
    capped: bool = False  # a source counted no further than its cap: `count` is at least that

    @property
    def count_text(self):
        return f"{self.count}+" if self.capped else str(self.count)


def lists_tasks(*nodes):
    """Mark a source that lists these flow nodes' inbox tasks itself: the inbox leaves them out."""

    def mark(source):
        source.todo_task_nodes = nodes
        return source

    return mark


def days_text(due, today):
    """尚有 n 天, 今天到期, 已逾期 n 天: the wording of the reminders."""
    days = (due - today).days
    if days > 0:
        return _("尚有 %(days)s 天") % {"days": days}
    if days == 0:
        return _("今天到期")
    return _("已逾期 %(days)s 天") % {"days": -days}


def sources():
    return {kind: import_string(path) for kind, path in settings.TODO_SOURCES.items()}


def _sort_key(item):
    return (item.due is None, item.due or datetime.date.min, item.reference, item.key)


def todo_page(user, *, kind=None, page=1, size=PAGE_SIZE, today=None):
    """A page of the person's to-do list, every source merged by due date, or one kind's."""
    today = today or today_taipei()
    page = max(1, page)
    chosen = sources()
    if kind in chosen:
        chosen = {kind: chosen[kind]}
    limit = page * size
    sections = {k: source(user, limit=limit, today=today) for k, source in chosen.items()}
    items = sorted((item for section in sections.values() for item in section.items), key=_sort_key)
    count = sum(section.count for section in sections.values())
    start = (page - 1) * size
    kinds = [(k, section.label, section.count) for k, section in sections.items() if section.count]
    return TodoPage(
        items=items[start : start + size],
        page=page,
        has_next=count > start + size,
        count=count,
        kinds=kinds,
        capped=any(section.count > COUNT_CAP for section in sections.values()),
    )


def todo_count(user, today=None) -> tuple[int, bool]:
    """How many things the person owes, every source counted, and whether a source stopped at
    its cap (the inbox's): one bounded count per source."""
    today = today or today_taipei()
    counts = [source(user, limit=0, today=today).count for source in sources().values()]
    return sum(counts), any(count > COUNT_CAP for count in counts)


# ---------------------------------------------------------------- the core's sources


def _elsewhere_nodes():
    return [node for source in sources().values() for node in getattr(source, "todo_task_nodes", ())]


def _row_sort_key(row):
    return (row.due is None, row.due or datetime.date.min, row.case_number, row.task.pk)


def _task_items(kind, label, tasks, *, claim, limit):
    """The first `limit` of these tasks by due date, as to-do rows; only those are linked."""
    rows = sorted(inbox.task_rows(tasks, with_urls=False), key=_row_sort_key)[:limit]
    return [
        TodoItem(
            kind=kind,
            kind_label=label,
            reference=row.case_number,
            title=f"{row.task_title}：{row.case_title}" if row.case_title else row.task_title,
            asked_by=row.unit_name,
            due=row.due,
            url=inbox.task_url(row.task),
            claim_url=row.task.reverse("assign") if claim else None,
            key=f"task:{row.task.pk}",
        )
        for row in rows
    ]


INBOX_LABEL = gettext_lazy("收件匣任務")
# A task's due date is its case's (or its own, a score's), read per page by its flow, not a
# column to sort on: the oldest TASK_WINDOW tasks are read and sorted by due date. For anyone
# with fewer open tasks of a kind (nearly everyone) the order is exact; past it, a task made
# late but due early may come after older ones.
TASK_WINDOW = 50
QUEUE_LABEL = gettext_lazy("待認領任務")


def _task_section(kind, label, tasks, *, limit, claim):
    """The first `limit` of these tasks by due date, read from the oldest TASK_WINDOW."""
    count = bounded_count(tasks)
    if not limit or not count:
        return TodoSection(label, [], count)
    window = list(tasks.select_related("process").order_by("created", "pk")[: max(limit, TASK_WINDOW)])
    return TodoSection(label, _task_items(kind, label, window, claim=claim, limit=limit), count)


def inbox_todos(user, *, limit, today):
    """The person's inbox tasks (those another source lists left out), by due date (see
    TASK_WINDOW)."""
    tasks = inbox.inbox_tasks(user)
    elsewhere = _elsewhere_nodes()
    if elsewhere:
        tasks = tasks.exclude(flow_task__in=elsewhere)
    return _task_section("inbox", str(INBOX_LABEL), tasks, limit=limit, claim=False)


def queue_todos(user, *, limit, today):
    """Queue tasks the person may claim, by due date (see TASK_WINDOW), each with its claim
    form's address."""
    return _task_section("queue", str(QUEUE_LABEL), inbox.queue_tasks(user), limit=limit, claim=True)
