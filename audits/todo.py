"""The findings' duties in the to-do list (settings.TODO_SOURCES): a supporting unit's part."""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from governance import todo
from governance.models import User
from governance.permissions import unit_ids_where
from governance.roles import Capability
from governance.todo import TodoItem, TodoSection

from .models import Contribution, Finding

OPEN_FOR_CONTRIBUTIONS = (Finding.State.PLANNING, Finding.State.PLAN_REVIEW, Finding.State.IN_PROGRESS)


def contribution_todos(user: User, *, limit: int, today: datetime.date) -> TodoSection:
    """The findings on which a unit the person reports for (its liaison) supports the lead unit
    and has not written its part of the current round; due by the finding's due date."""

    units = unit_ids_where(user, Capability.REPORT_UNIT_PROGRESS)
    owed = Finding.supporting_units.through.objects.filter(
        Q() if units is None else Q(unit_id__in=units),  # a list of ids: the planner sees the unit
        finding__state__in=OPEN_FOR_CONTRIBUTIONS,
    ).exclude(
        Exists(
            Contribution.objects.filter(
                finding_id=OuterRef("finding_id"),
                unit_id=OuterRef("unit_id"),
                round=OuterRef("finding__round"),
            )
        )
    )
    label = _("協辦事項")
    count = todo.bounded_count(owed)
    if not limit or not count:
        return TodoSection(label, [], count)
    rows = owed.order_by("finding__due_date", "finding_id", "unit_id").values_list(
        "finding_id",
        "unit_id",
        "unit__name",
        "finding__tracking_number",
        "finding__text",
        "finding__due_date",
        "finding__lead_unit__name",
    )[:limit]
    return TodoSection(
        label,
        [
            TodoItem(
                kind="contribution",
                kind_label=label,
                reference=number,
                title=_("填報協辦辦理情形（%(unit)s）：%(text)s")
                % {"unit": unit_name, "text": Truncator(text).chars(60)},
                asked_by=lead_name or "",
                due=due,
                url=reverse("audits:finding", args=[finding_id]),
                key=f"contribution:{finding_id}:{unit_id}",
            )
            for finding_id, unit_id, unit_name, number, text, due, lead_name in rows
        ],
        count,
    )
