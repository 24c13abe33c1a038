"""The execution group's duties in the to-do list (settings.TODO_SOURCES): follow-up actions."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from governance import todo
from governance.models import User
from governance.permissions import unit_ids_where
from governance.roles import Capability
from governance.todo import TodoItem, TodoSection

from .models import GroupMeeting, MeetingDecision


def action_todos(user: User, *, limit: int, today: datetime.date) -> TodoSection:
    """Open follow-up actions of held meetings given to a unit whose liaison or head the person
    is (who may complete them: meetings.services.may_complete_action), by their due date."""

    reporting = unit_ids_where(user, Capability.REPORT_UNIT_PROGRESS)
    heading = unit_ids_where(user, Capability.REVIEW_UNIT_CASES)
    # The units as a list of ids: the open actions' index (action_unit, action_due) then
    # gives a unit's rows in due order.
    units = (
        Q() if reporting is None or heading is None else Q(action_unit_id__in=sorted({*reporting, *heading}))
    )
    owed = MeetingDecision.objects.filter(
        units,
        action_unit__isnull=False,
        action_done_at__isnull=True,
        meeting__state=GroupMeeting.State.HELD,
    )
    label = _("會議追蹤事項")
    count = todo.bounded_count(owed)
    if not limit or not count:
        return TodoSection(label, [], count)
    rows = owed.order_by("action_due", "pk").values_list(
        "pk", "text", "action_due", "action_unit__name", "meeting_id", "meeting__roc_year", "meeting__number"
    )[:limit]
    asked_by = _("執行小組會議")
    return TodoSection(
        label,
        [
            TodoItem(
                kind="meeting_action",
                kind_label=label,
                reference=_("%(year)s 年第 %(number)s 次會議") % {"year": year, "number": number},
                title=_("辦理會議決議（%(unit)s）：%(text)s")
                % {"unit": unit, "text": Truncator(text).chars(60)},
                asked_by=asked_by,
                due=due,
                url=reverse("meetings:detail", args=[meeting_id]),
                key=f"meeting_action:{pk}",
            )
            for pk, text, due, unit, meeting_id, year, number in rows
        ],
        count,
    )
