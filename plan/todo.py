"""The plan's duties in the to-do list (settings.TODO_SOURCES): quarterly practice reports."""

import datetime

from django.db.models import F
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from governance import todo
from governance.models import Unit, User
from governance.permissions import unit_ids_where
from governance.rocdate import quarter_end, quarter_label, quarter_name
from governance.roles import Capability
from governance.todo import TodoItem, TodoSection

from .models import PlanDeadline, PracticeReport
from .practice_reports import current_versions

State = PracticeReport.State
LOOK_BACK = datetime.timedelta(days=366)


def report_todos(user: User, *, limit: int, today: datetime.date) -> TodoSection:
    """Quarterly reports the person's units owe (for their liaisons): a deadline of a current
    version's practice, from a year back to the end of this quarter, with no report submitted
    or confirmed for its quarter (a returned report is owed again). And the reports waiting for
    the confirmation of a head. Three queries; a unit's deadlines of a year are few."""

    label = _("計畫季報")
    items = []
    reporting = unit_ids_where(user, Capability.REPORT_UNIT_PROGRESS)
    if reporting is None:  # agency-wide: every unit's
        reporting = list(Unit.objects.values_list("pk", flat=True))
    if reporting:
        end = quarter_end(today)
        rows = list(
            PlanDeadline.objects.filter(
                due_date__gt=end - LOOK_BACK,
                due_date__lte=end,
                practice__item__area__version__in=current_versions(),
                practice__units__in=reporting,
            )
            .values_list(
                "due_date",
                "practice_id",
                "practice__key",
                "practice__number",
                "practice__text",
                "practice__units",
                "practice__units__name",
                "practice__item__area__version__plan_id",
            )
            .order_by("due_date", "practice_id")
        )
        written = set(
            PracticeReport.objects.filter(
                state__in=[State.SUBMITTED, State.CONFIRMED],
                unit_id__in=reporting,
                period__in={quarter_label(due) for due, *_rest in rows},
                practice__key__in={key for _d, _p, key, *_rest in rows},
            ).values_list("practice__item__area__version__plan_id", "practice__key", "unit_id", "period")
        )
        seen = set()
        for due, practice_id, key, number, text, unit_id, unit_name, plan_id in rows:
            period = quarter_label(due)
            if (plan_id, key, unit_id, period) in written or (practice_id, unit_id, period) in seen:
                continue
            seen.add((practice_id, unit_id, period))
            items.append(
                TodoItem(
                    kind="practice_report",
                    kind_label=label,
                    reference=number,
                    title=_("填報%(period)s計畫推動作法季報（%(unit)s）：%(text)s")
                    % {"period": quarter_name(period), "unit": unit_name, "text": Truncator(text).chars(60)},
                    asked_by=_("管考單位"),
                    due=due,
                    url=reverse("plan:report_practice", args=[practice_id, unit_id, period]),
                    key=f"practice_report:{practice_id}:{unit_id}:{period}",
                )
            )
    owed_count = len(items)
    heading = unit_ids_where(user, Capability.REVIEW_UNIT_CASES)
    waiting = PracticeReport.objects.filter(state=State.SUBMITTED)
    if heading is not None:
        waiting = waiting.filter(unit_id__in=heading)
    waiting_count = todo.bounded_count(waiting)
    if limit and waiting_count:
        for pk, practice_id, unit_id, period, number, text, by_first, by_last in waiting.order_by(
            F("submitted_at").asc(), "pk"
        ).values_list(
            "pk",
            "practice_id",
            "unit_id",
            "period",
            "practice__number",
            "practice__text",
            "submitted_by__first_name",
            "submitted_by__last_name",
        )[:limit]:
            items.append(
                TodoItem(
                    kind="practice_report",
                    kind_label=label,
                    reference=number,
                    title=_("確認%(period)s計畫推動作法季報：%(text)s")
                    % {"period": quarter_name(period), "text": Truncator(text).chars(60)},
                    asked_by=f"{by_last}{by_first}",
                    due=None,
                    url=reverse("plan:report_practice", args=[practice_id, unit_id, period]),
                    key=f"practice_confirm:{pk}",
                )
            )
    items.sort(key=lambda item: (item.due is None, item.due or datetime.date.min))
    return TodoSection(label, items[:limit], owed_count + waiting_count)
