"""Selectors for the inbox, queue and archive shared by every flow.

viewflow's own list pages do not scale (see shared/VIEWFLOW.md): they count
whole tables, join processes on an unindexed column and list every process in
a filter. These read only indexed columns, page by keyset (no OFFSET), cap
their counts, and load the process data of a page in one query per flow.

Queue rule: a NEW human task is in a person's queue when its owner permission
is one they hold globally, or one they hold on the task's unit (a guardian
object permission on that Unit). Tasks without an owner permission are never
queued: every human task of ours names one.
"""

import base64
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import NoReverseMatch
from guardian.models import UserObjectPermission
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .models import Unit
from .rocdate import today_taipei

PAGE_SIZE = 25
COUNT_CAP = 999


@dataclass
class TaskRow:
    task: Task
    flow_title: str
    task_title: str
    case_number: str = ""
    case_title: str = ""
    unit_name: str = ""
    due: object = None
    overdue: bool = False
    url: str = ""


@dataclass
class TaskPage:
    rows: list
    next_cursor: str | None
    cursor: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Grants:
    """What a person may be queued for: global permission names and (permission, unit pk) pairs."""

    global_perms: frozenset
    unit_perms: dict  # "app.codename" -> [unit pk strings]


def user_grants(user):
    """Two queries, cached on the user object for the request."""
    cached = getattr(user, "_inbox_grants", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        global_perms = frozenset(
            f"{app}.{codename}"
            for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
        )
    else:
        global_perms = frozenset(
            f"{app}.{codename}"
            for app, codename in Permission.objects.filter(Q(user=user) | Q(group__user=user))
            .values_list("content_type__app_label", "codename")
            .distinct()
        )
    unit_perms = {}
    unit_type = ContentType.objects.get_for_model(Unit)
    for codename, object_pk in UserObjectPermission.objects.filter(
        user=user, content_type=unit_type
    ).values_list("permission__codename", "object_pk"):
        unit_perms.setdefault(f"{unit_type.app_label}.{codename}", []).append(object_pk)
    grants = Grants(global_perms, unit_perms)
    user._inbox_grants = grants
    return grants


def _human_tasks():
    return Task.objects.filter(flow_task_type="HUMAN")


def inbox_tasks(user):
    return _human_tasks().filter(owner=user, status=STATUS.ASSIGNED)


def queue_tasks(user):
    grants = user_grants(user)
    condition = Q(pk__in=[])
    if grants.global_perms:
        condition |= Q(owner_permission__in=sorted(grants.global_perms))
    unit_type_id = ContentType.objects.get_for_model(Unit).pk
    for perm, unit_pks in sorted(grants.unit_perms.items()):
        if perm in grants.global_perms:
            continue
        condition |= Q(
            owner_permission=perm,
            owner_permission_content_type_id=unit_type_id,
            owner_permission_obj_pk__in=sorted(unit_pks),
        )
    return _human_tasks().filter(condition, status=STATUS.NEW, owner__isnull=True)


def claimers(task) -> list[int]:
    """The active people whose queue holds this task (the queue rule above, read the other way):
    those holding its owner permission globally, or on its unit. An administrator sees every
    queue but is not told of each task; they are not counted unless they hold the permission."""
    if not task.owner_permission or "." not in task.owner_permission:
        return []
    app_label, codename = task.owner_permission.split(".", 1)
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    if permission is None:
        return []
    holders = Q(user_permissions=permission) | Q(groups__permissions=permission)
    unit_type = ContentType.objects.get_for_model(Unit)
    if task.owner_permission_obj_pk and task.owner_permission_content_type_id == unit_type.pk:
        holders |= Q(
            pk__in=UserObjectPermission.objects.filter(
                permission=permission, content_type=unit_type, object_pk=str(task.owner_permission_obj_pk)
            ).values("user_id")
        )
    return list(
        get_user_model()
        .objects.filter(holders, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def archive_tasks(user):
    return _human_tasks().filter(owner=user, status=STATUS.DONE)


def bounded_count(queryset, cap=COUNT_CAP):
    """Count at most cap + 1 rows: a sidebar badge never scans a whole table."""
    return queryset.order_by().values("pk")[: cap + 1].count()


def format_count(count, cap=COUNT_CAP):
    return f"{cap}+" if count > cap else str(count)


def encode_cursor(moment, pk):
    raw = f"{moment.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor):
    """None for a missing or malformed cursor: a bad link shows the first page."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        moment, pk = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        return datetime.fromisoformat(moment), int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


def _page(queryset, order_field, cursor, size):
    position = decode_cursor(cursor)
    if position is not None:
        moment, pk = position
        queryset = queryset.filter(
            Q(**{f"{order_field}__lt": moment}) | Q(**{order_field: moment, "pk__lt": pk})
        )
    ids = list(queryset.order_by(f"-{order_field}", "-pk").values_list("pk", order_field)[: size + 1])
    next_cursor = encode_cursor(ids[size - 1][1], ids[size - 1][0]) if len(ids) > size else None
    ids = [pk for pk, _ in ids[:size]]
    tasks = {t.pk: t for t in Task.objects.filter(pk__in=ids).select_related("process")}
    rows = [_row(tasks[pk]) for pk in ids if pk in tasks]
    _attach_case_data(rows)
    return TaskPage(rows=rows, next_cursor=next_cursor, cursor=cursor)


def _row(task):
    flow_class = task.process.flow_class
    node = task.flow_task
    return TaskRow(
        task=task,
        flow_title=str(flow_class.process_title) if flow_class else "",
        task_title=str(getattr(node, "task_title", "") or node.name) if node else "",
    )


def _attach_case_data(rows, with_urls=True):
    """Each flow summarises its cases from the loaded processes, in at most one query.

    A flow class may define `inbox_summaries(processes) -> {process pk: {...}}`
    with keys case_number, title, unit, due and overdue, and `inbox_task_dues(tasks) ->
    {task pk: date}`, the dates by which those tasks themselves are due (before the case's
    own), in at most one query.
    """
    by_flow = {}
    for row in rows:
        flow_class = row.task.process.flow_class
        if flow_class is not None:
            by_flow.setdefault(flow_class, []).append(row)
    for flow_class, flow_rows in by_flow.items():
        summarise = getattr(flow_class, "inbox_summaries", None)
        summaries = summarise([r.task.process for r in flow_rows]) if summarise else {}
        task_dues = getattr(flow_class, "inbox_task_dues", None)
        dues = task_dues([r.task for r in flow_rows]) if task_dues else {}
        for row in flow_rows:
            summary = summaries.get(row.task.process_id, {})
            row.case_number = summary.get("case_number", f"#{row.task.process_id}")
            row.case_title = summary.get("title", "")
            row.unit_name = summary.get("unit", "")
            row.due = summary.get("due")
            row.overdue = summary.get("overdue", False)
            due = dues.get(row.task.pk)
            if due is not None:
                row.due, row.overdue = due, due < today_taipei()
            if with_urls:
                row.url = task_url(row.task)


def task_rows(tasks, with_urls=True):
    """Rows (title, case number and title, due date, link) for these tasks, as the inbox shows
    them; their processes must be loaded with them (select_related("process")). Without URLs
    (each is a reverse): for rows sorted and cut first, whose links `task_url` gives after."""
    rows = [_row(task) for task in tasks]
    _attach_case_data(rows, with_urls=with_urls)
    return rows


def case_page(process):
    """The page of the case a process is about (its flow's `case_url`), or None."""
    flow_case_url = getattr(process.flow_class, "case_url", None)
    return flow_case_url(process) if flow_case_url else None


def task_url(task):
    if task.status == STATUS.DONE:
        # A finished task's own page is closed to its doer (viewflow shows it to administrators):
        # the archive leads to the case it was part of.
        return case_page(task.process) or ""
    try:
        return task.reverse("index")
    except NoReverseMatch:  # a flow not mounted in this site's URLs: show the row without a link
        return ""


def inbox_page(user, cursor=None, size=PAGE_SIZE):
    return _page(inbox_tasks(user), "created", cursor, size)


def queue_page(user, cursor=None, size=PAGE_SIZE):
    return _page(queue_tasks(user), "created", cursor, size)


def archive_page(user, cursor=None, size=PAGE_SIZE):
    return _page(archive_tasks(user), "finished", cursor, size)


def task_counts(user):
    """Badge counts for the menu and the home page, each capped."""
    return {
        "inbox": format_count(bounded_count(inbox_tasks(user))),
        "queue": format_count(bounded_count(queue_tasks(user))),
    }


def open_tasks_for(user, process_ids):
    """The open tasks of these processes the person may do now or claim, with their links.

    One query for all the processes (a case page lists the tasks of one or many); where the
    tasks are of several cases (an audit's findings), each names its case's number, read
    with the flow's inbox summaries (one query per flow).
    """
    rows = []
    tasks = (
        Task.objects.filter(
            process_id__in=[pk for pk in process_ids if pk], status__in=[STATUS.NEW, STATUS.ASSIGNED]
        )
        .select_related("process")
        .order_by("created", "pk")
    )
    for task in tasks:
        node = task.flow_task
        if task.owner_id == user.pk:
            rows.append(
                {"task": task, "title": node.task_title, "url": task.reverse("index"), "claim": False}
            )
        elif task.owner_id is None and node.can_assign(user, task):
            rows.append(
                {"task": task, "title": node.task_title, "url": task.reverse("assign"), "claim": True}
            )
    if len({row["task"].process_id for row in rows}) > 1:
        by_flow = {}
        for row in rows:
            by_flow.setdefault(row["task"].process.flow_class, []).append(row)
        for flow_class, flow_rows in by_flow.items():
            summarise = getattr(flow_class, "inbox_summaries", None)
            summaries = summarise([r["task"].process for r in flow_rows]) if summarise else {}
            for row in flow_rows:
                row["case_number"] = summaries.get(row["task"].process_id, {}).get("case_number", "")
    return rows
