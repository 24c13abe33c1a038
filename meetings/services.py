"""The execution group's meetings (執行小組會議): services and selectors.

The group meets at least every two months (the interval is settings.
GROUP_MEETING_INTERVAL_MONTHS, default 2). The 管考 office (MANAGE_TRACKING) schedules a
meeting (numbered 第 N 次 by its date within its ROC year: `_renumber`), builds its agenda
from what is due, overdue or decided (`propose_agenda`, then edits it), and records the
minutes and the decisions; a decision may open a follow-up action (追蹤事項) on a unit with a
due date, which that unit's liaison or head completes. Everyone who reads unit cases reads the
meetings. Every change writes an event on the meeting's trail (case kind "meeting").
"""

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from audits.models import Finding
from audits.selectors import overdue_q
from governance import notifications
from governance.models import TrailEvent, Unit, User
from governance.notifications import DueItem
from governance.permissions import can, require, units_where
from governance.rocdate import (
    TAIPEI,
    format_roc,
    format_roc_datetime,
    format_roc_short,
    quarter_label,
    today_taipei,
)
from governance.rocdate import roc_year as roc_year_of
from governance.roles import AgencyRole, Capability, UnitRole, group_name
from governance.selectors import unit_people_ids
from governance.trail import case_events, record_event
from plan.models import PlanDeadline, PlanPractice, PlanVersion, PracticeReport
from proposals.selectors import executions_due_by

from .models import AgendaItem, GroupMeeting, MeetingDecision

CASE_KIND = "meeting"
State = GroupMeeting.State
Kind = AgendaItem.Kind

# Agenda reasons are stored with the item, so they are data (fixed Chinese), not interface text.
OVERDUE = "逾期"
FOLLOW_UP = "決議追蹤"
# A finding registered after an audit waits for the group's review meeting (檢討會議), which
# confirms its lead unit and due date: Finding.State.AWAITING_MEETING's label, as data.
AWAITING_REVIEW = "待檢討會議"


def interval_months() -> int:
    """How often the group must meet at least, in months (also the agenda's horizon)."""
    return int(getattr(settings, "GROUP_MEETING_INTERVAL_MONTHS", 2))


def due_soon_reason() -> str:
    months = interval_months()
    return "兩個月內到期" if months == 2 else f"{months} 個月內到期"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def meeting_day(meeting: GroupMeeting) -> datetime.date:
    return timezone.localtime(meeting.scheduled_for, TAIPEI).date()


def _start_of(day):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=TAIPEI)


def meeting_label(meeting: GroupMeeting, *, translate: bool = False) -> str:
    """115 年第 3 次會議: as stored in trails, reminders and agenda items; `translate` gives
    the reader's language (for a message on a page)."""
    if translate:
        return _("%(year)s 年第 %(number)s 次會議") % {"year": meeting.roc_year, "number": meeting.number}
    return f"{meeting.roc_year} 年第 {meeting.number} 次會議"


# ---------------------------------------------------------------- who may do what


def may_view_meetings(user: User) -> bool:
    """Everyone who reads unit cases (on any unit), and the 管考 office."""
    return can(user, Capability.MANAGE_TRACKING) or units_where(user, Capability.VIEW_UNIT_CASES).exists()


def may_manage_meetings(user: User) -> bool:
    return can(user, Capability.MANAGE_TRACKING)


def may_complete_action(user: User, decision: MeetingDecision) -> bool:
    """The action unit's liaison (REPORT_UNIT_PROGRESS) or head (REVIEW_UNIT_CASES)."""
    if decision.action_unit_id is None or decision.action_done_at is not None:
        return False
    unit = Unit(pk=decision.action_unit_id)
    return can(user, Capability.REPORT_UNIT_PROGRESS, unit) or can(user, Capability.REVIEW_UNIT_CASES, unit)


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class AgendaInput:
    """One agenda item, proposed by `propose_agenda` or added by the 管考 office."""

    kind: str
    title: str
    ref_id: int | None = None
    reference: str = ""
    reason: str = ""
    due_date: datetime.date | None = None

    @property
    def key(self):
        """Identifies a proposed item in the agenda form; items typed in have none."""
        return f"{self.kind}:{self.ref_id}" if self.ref_id else ""


@dataclass(frozen=True)
class DecisionInput:
    text: str
    agenda_item: AgendaItem | None = None
    action_unit: Unit | None = None
    action_due: datetime.date | None = None


# ---------------------------------------------------------------- services


def _checked_details(scheduled_for, location, chair):
    """A meeting's time (Taipei when naive) and place as kept, or the reason they cannot be."""
    if timezone.is_naive(scheduled_for):
        scheduled_for = scheduled_for.replace(tzinfo=TAIPEI)
    location = (location or "").strip()
    if len(location) > 200:
        raise ValidationError(_("地點不可超過 200 字。"))
    if chair is not None and not chair.is_active:
        raise ValidationError(_("主席須為在職人員。"))
    return scheduled_for, location


def _refuse_same_time(scheduled_for, other_than=None):
    """Two meetings never at the same time (a cancelled one leaves its time free)."""
    same_time = GroupMeeting.objects.filter(scheduled_for=scheduled_for).exclude(state=State.CANCELLED)
    if other_than is not None:
        same_time = same_time.exclude(pk=other_than.pk)
    same_time = same_time.first()
    if same_time is not None:
        raise ValidationError(
            _("%(time)s 已排定 %(meeting)s，請勿重複排定。")
            % {
                "time": format_roc_datetime(scheduled_for),
                "meeting": meeting_label(same_time, translate=True),
            }
        )


def _refuse_before_held(scheduled_for, year):
    """The number of a held meeting is printed on its minutes and never changes, so no meeting
    is scheduled or moved before the last one held in its year (docs/domain.md, 執行小組)."""
    last_held = (
        GroupMeeting.objects.filter(roc_year=year, state=State.HELD).order_by("-scheduled_for").first()
    )
    if last_held is not None and scheduled_for <= last_held.scheduled_for:
        raise ValidationError(
            _(
                "%(meeting)s已於 %(time)s 召開，次別已載於會議紀錄；會議依開會日期編次，"
                "不能排在已召開的會議之前。"
            )
            % {
                "meeting": meeting_label(last_held, translate=True),
                "time": format_roc_datetime(last_held.scheduled_for),
            }
        )


def _free_number(year):
    """A number no counted meeting of the year has: the new meeting's until it takes its place."""
    counted = GroupMeeting.objects.filter(roc_year=year).exclude(state=State.CANCELLED)
    return (counted.aggregate(n=Max("number"))["n"] or 0) + 1


def _renumber(year: int) -> list[tuple[GroupMeeting, int]]:
    """Number the year's meetings by their date: the held ones keep the numbers on their minutes
    (they come first: `_refuse_before_held`, `record_meeting`), the others follow in date order;
    a cancelled meeting is not counted and keeps the number it had. Returns each meeting whose
    number changed, with its new number, and its old one."""
    counted = list(
        GroupMeeting.objects.select_for_update()
        .filter(roc_year=year)
        .exclude(state=State.CANCELLED)
        .order_by("scheduled_for", "pk")
    )
    first = max((m.number for m in counted if m.state == State.HELD), default=0) + 1
    waiting = [m for m in counted if m.state == State.SCHEDULED]
    wanted = {m.pk: number for number, m in enumerate(waiting, start=first)}
    moved = [m for m in waiting if m.number != wanted[m.pk]]
    if not moved:
        return []
    # The unique key is checked row by row: the moving meetings first step aside to numbers
    # no meeting has or is about to take.
    aside = max([m.number for m in counted] + list(wanted.values())) + 1
    for offset, m in enumerate(moved):
        GroupMeeting.objects.filter(pk=m.pk).update(number=aside + offset)
    changed = []
    for m in moved:
        old = m.number
        m.number = wanted[m.pk]
        GroupMeeting.objects.filter(pk=m.pk).update(number=m.number)
        changed.append((m, old))
    return changed


def _tell_renumbered(changed, *, actor, cause, besides=None):
    """Each meeting whose number changed says so on its trail and to the group, but `besides`
    (the meeting whose own change caused it, which says so itself)."""
    for meeting, old in changed:
        if besides is not None and meeting.pk == besides.pk:
            continue
        was = meeting_label(GroupMeeting(roc_year=meeting.roc_year, number=old))
        event = record_event(
            case_kind=CASE_KIND,
            case_ref=str(meeting.pk),
            actor=actor,
            action=f"次別改為 {meeting_label(meeting)}",
            from_state=meeting.state,
            to_state=meeting.state,
            comment=f"原 {was}；會議依開會日期編次，因{cause}",
        )
        with translation.override(settings.LANGUAGE_CODE):
            _tell_group(
                meeting,
                f"renumbered:{event.pk}",
                _("【會議次別變更】"),
                _("原%(was)s（%(time)s）依開會日期改為%(meeting)s，開會時間與地點不變。")
                % {
                    "was": was,
                    "time": format_roc_datetime(meeting.scheduled_for),
                    "meeting": meeting_label(meeting),
                },
            )


def schedule_meeting(
    *, actor: User, scheduled_for: datetime.datetime, location: str | None, chair: User | None
) -> GroupMeeting:
    """Schedule a meeting: 第 N 次 of the ROC year of `scheduled_for` (Taipei time) by its date,
    so the year's later meetings not yet held move one number on."""
    require(actor, Capability.MANAGE_TRACKING)
    scheduled_for, location = _checked_details(scheduled_for, location, chair)
    _refuse_same_time(scheduled_for)
    year = roc_year_of(scheduled_for)
    _refuse_before_held(scheduled_for, year)
    # Two people scheduling at once may pick the same free number: the unique key refuses the
    # second, which tries again.
    for attempt in range(5):
        try:
            with transaction.atomic():
                meeting = GroupMeeting.objects.create(
                    roc_year=year,
                    number=_free_number(year),
                    scheduled_for=scheduled_for,
                    location=location,
                    chair=chair,
                    created_by=actor,
                )
                changed = _renumber(year)
                meeting.refresh_from_db(fields=["number"])
                _tell_renumbered(
                    changed,
                    actor=actor,
                    cause=f"排定 {meeting_label(meeting)}（{format_roc_datetime(scheduled_for)}）",
                    besides=meeting,
                )
                details = [format_roc_datetime(scheduled_for)]
                if location:
                    details.append(f"地點：{location}")
                if chair is not None:
                    details.append(f"主席：{chair.get_full_name()}")
                record_event(
                    case_kind=CASE_KIND,
                    case_ref=str(meeting.pk),
                    actor=actor,
                    action=f"排定 {meeting_label(meeting)}",
                    to_state=State.SCHEDULED,
                    comment="；".join(details),
                )
                _tell_group(
                    meeting,
                    "scheduled",
                    _("【開會通知】"),
                    _("%(meeting)s訂於 %(time)s 召開%(details)s，請準時出席。")
                    % {
                        "meeting": meeting_label(meeting),
                        "time": format_roc_datetime(scheduled_for),
                        "details": f"（{'；'.join(details[1:])}）" if details[1:] else "",
                    },
                )
                return meeting
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def group_member_ids(meeting: GroupMeeting) -> list[int]:
    """Who a meeting is called for (docs/domain.md, 執行小組): the director who convenes it,
    the unit heads and liaisons, and its chair."""
    directors = User.objects.filter(is_active=True, groups__name=group_name(AgencyRole.DIRECTOR))
    people = set(directors.values_list("pk", flat=True))
    people |= set(
        unit_people_ids(Unit.objects.values_list("pk", flat=True), (UnitRole.HEAD, UnitRole.LIAISON))
    )
    if meeting.chair_id:
        people.add(meeting.chair_id)
    return sorted(people)


def _tell_group(meeting, key, subject, text, dated=True):
    """The group's members hear of their meeting once the change commits
    (governance.notifications.notify). Kept texts, in the agency's language."""
    with translation.override(settings.LANGUAGE_CODE):
        notifications.notify(
            recipient_ids=group_member_ids(meeting),
            key=f"meeting:{meeting.pk}:{key}",
            subject=_("%(subject)s%(meeting)s") % {"subject": subject, "meeting": meeting_label(meeting)},
            text=text,
            url=reverse("meetings:detail", args=[meeting.pk]),
            due_date=meeting_day(meeting) if dated else None,
        )


def _tell_action_units(meeting, decisions):
    """Each follow-up action's unit (its liaison and head) hears what it must do, and by when."""
    with translation.override(settings.LANGUAGE_CODE):
        for decision in decisions:
            if decision.action_unit_id is None:
                continue
            notifications.notify(
                recipient_ids=unit_people_ids([decision.action_unit_id], (UnitRole.LIAISON, UnitRole.HEAD)),
                key=f"meeting-action:{decision.pk}",
                subject=_("【會議追蹤事項】%(meeting)s，期限 %(date)s")
                % {"meeting": meeting_label(meeting), "date": format_roc(decision.action_due)},
                text=_("%(meeting)s決議請貴單位（%(unit)s）辦理，於 %(date)s 前辦結：%(text)s")
                % {
                    "meeting": meeting_label(meeting),
                    "unit": decision.action_unit.name,
                    "date": format_roc(decision.action_due),
                    "text": decision.text,
                },
                url=reverse("meetings:detail", args=[meeting.pk]),
                due_date=decision.action_due,
            )


def _locked_meeting(meeting):
    return GroupMeeting.objects.select_for_update().get(pk=meeting.pk)


def _still_to_hold(meeting):
    """A meeting is changed or cancelled only before it is held: say why not, otherwise."""
    if meeting.state == State.HELD:
        raise ValidationError(_("本次會議已召開並登錄會議紀錄，不能再變更或取消。"))
    if meeting.state == State.CANCELLED:
        raise ValidationError(_("本次會議已取消。"))


def change_meeting(
    *,
    actor: User,
    meeting: GroupMeeting,
    scheduled_for: datetime.datetime,
    location: str | None,
    chair: User | None,
    reason: str | None,
) -> GroupMeeting:
    """Change the time, place or chair of a meeting not yet held, with the reason: on its
    trail, and told to the group. It stays in its ROC year; a new time renumbers the year's
    meetings not yet held by their date (`_renumber`)."""
    require(actor, Capability.MANAGE_TRACKING)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("請說明變更的理由。"))
    scheduled_for, location = _checked_details(scheduled_for, location, chair)
    with transaction.atomic():
        locked = _locked_meeting(meeting)
        _still_to_hold(locked)
        if roc_year_of(scheduled_for) != locked.roc_year:
            raise ValidationError(
                _("會議不能改到其他年度（本次為 %(year)s 年的會議）；請取消本次會議，再排定新的會議。")
                % {"year": locked.roc_year}
            )
        _refuse_same_time(scheduled_for, other_than=locked)
        _refuse_before_held(scheduled_for, locked.roc_year)
        changes = []
        if scheduled_for != locked.scheduled_for:
            changes.append(
                f"開會時間 {format_roc_datetime(locked.scheduled_for)} → {format_roc_datetime(scheduled_for)}"
            )
        if location != locked.location:
            changes.append(f"地點 {locked.location or '（未定）'} → {location or '（未定）'}")
        if (chair.pk if chair else None) != locked.chair_id:
            before = locked.chair.get_full_name() if locked.chair_id else "（未定）"
            changes.append(f"主席 {before} → {chair.get_full_name() if chair else '（未定）'}")
        if not changes:
            raise ValidationError(_("開會時間、地點與主席都沒有變更。"))
        was = meeting_label(locked)
        locked.scheduled_for, locked.location, locked.chair = scheduled_for, location, chair
        locked.save(update_fields=["scheduled_for", "location", "chair"])
        changed = _renumber(locked.roc_year)
        locked.refresh_from_db(fields=["number"])
        if meeting_label(locked) != was:
            changes.append(f"次別 {was} → {meeting_label(locked)}")
        _tell_renumbered(
            changed, actor=actor, cause=f"{was}改於 {format_roc_datetime(scheduled_for)} 召開", besides=locked
        )
        event = record_event(
            case_kind=CASE_KIND,
            case_ref=str(locked.pk),
            actor=actor,
            action=f"變更 {was}",
            from_state=State.SCHEDULED,
            to_state=State.SCHEDULED,
            comment="；".join(changes) + f"。理由：{reason}",
        )
        _tell_group(
            locked,
            f"changed:{event.pk}",
            _("【會議變更】"),
            _("%(meeting)s有所變更：%(changes)s。理由：%(reason)s")
            % {"meeting": was, "changes": "；".join(changes), "reason": reason},
        )
    return locked


def cancel_meeting(*, actor: User, meeting: GroupMeeting, reason: str | None) -> GroupMeeting:
    """Cancel a meeting not yet held, with the reason: on its trail, and told to the group.
    It stays in the list as 已取消 with the number it had; it is no longer counted, so the
    year's later meetings not yet held move one number back (`_renumber`)."""
    require(actor, Capability.MANAGE_TRACKING)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("請說明取消的理由。"))
    with transaction.atomic():
        locked = _locked_meeting(meeting)
        _still_to_hold(locked)
        locked.state = State.CANCELLED
        locked.save(update_fields=["state"])
        record_event(
            case_kind=CASE_KIND,
            case_ref=str(locked.pk),
            actor=actor,
            action=f"取消 {meeting_label(locked)}",
            from_state=State.SCHEDULED,
            to_state=State.CANCELLED,
            comment=f"理由：{reason}",
        )
        _tell_group(
            locked,
            "cancelled",
            _("【會議取消】"),
            _("原訂 %(time)s 召開的%(meeting)s已取消。理由：%(reason)s")
            % {
                "time": format_roc_datetime(locked.scheduled_for),
                "meeting": meeting_label(locked),
                "reason": reason,
            },
            dated=False,
        )
        _tell_renumbered(_renumber(locked.roc_year), actor=actor, cause=f"取消 {meeting_label(locked)}")
    return locked


def set_agenda(*, actor: User, meeting: GroupMeeting, items: Iterable[AgendaInput]) -> GroupMeeting:
    """Replace the agenda of a scheduled meeting with `items` (AgendaInput), in that order."""
    require(actor, Capability.MANAGE_TRACKING)
    items = list(items)
    for item in items:
        if item.kind not in Kind.values:
            raise ValidationError(_("議程類別不正確。"))
        if not item.title.strip():
            raise ValidationError(_("每一項議程都須填寫案由。"))
        if len(item.reference) > 50:
            raise ValidationError(_("案號不可超過 50 字。"))
        if len(item.reason) > 100:
            raise ValidationError(_("列入原因不可超過 100 字。"))
    with transaction.atomic():
        locked = _locked_meeting(meeting)
        if locked.state != State.SCHEDULED:
            raise ValidationError(_("只有尚未召開的會議可以修改議程。"))
        locked.agenda.all().delete()
        AgendaItem.objects.bulk_create(
            [
                AgendaItem(
                    meeting=locked,
                    kind=item.kind,
                    ref_id=item.ref_id,
                    reference=item.reference.strip(),
                    title=item.title.strip(),
                    reason=item.reason,
                    sort_order=order,
                )
                for order, item in enumerate(items, start=1)
            ]
        )
        lines = [
            f"{order}. {'［' + item.reason + '］' if item.reason else ''}"
            f"{item.reference.strip() + ' ' if item.reference.strip() else ''}{Truncator(item.title.strip()).chars(40)}"
            for order, item in enumerate(items, start=1)
        ]
        record_event(
            case_kind=CASE_KIND,
            case_ref=str(locked.pk),
            actor=actor,
            action="排定議程",
            comment=f"議程 {len(items)} 項" + ("：\n" + "\n".join(lines) if lines else ""),
        )
    return locked


def record_meeting(
    *,
    actor: User,
    meeting: GroupMeeting,
    attendees: Iterable[User],
    minutes: str | None,
    decisions: Iterable[DecisionInput],
) -> GroupMeeting:
    """Record a meeting that took place: attendees, minutes, decisions (DecisionInput).

    A decision with a unit and a due date opens a follow-up action; one without either is
    recorded as said. All or nothing.
    """
    require(actor, Capability.MANAGE_TRACKING)
    attendees = list(attendees)
    minutes = (minutes or "").strip()
    decisions = list(decisions)
    if not attendees:
        raise ValidationError(_("請選擇出席人員。"))
    if not minutes:
        raise ValidationError(_("請填寫會議紀錄。"))
    day = meeting_day(meeting)
    for number, decision in enumerate(decisions, start=1):
        if not decision.text.strip():
            raise ValidationError(_("第 %(n)s 項決議未填寫內容。") % {"n": number})
        if (decision.action_unit is None) != (decision.action_due is None):
            raise ValidationError(
                _("第 %(n)s 項決議：追蹤單位與追蹤期限須同時填寫或同時空白。") % {"n": number}
            )
        if decision.action_due is not None and decision.action_due < day:
            raise ValidationError(
                _("第 %(n)s 項決議：追蹤期限不可早於開會日期 %(d)s。") % {"n": number, "d": format_roc(day)}
            )
        if decision.agenda_item is not None and decision.agenda_item.meeting_id != meeting.pk:
            raise ValidationError(_("第 %(n)s 項決議對應的議程不屬於本次會議。") % {"n": number})
    with transaction.atomic():
        locked = _locked_meeting(meeting)
        if locked.state == State.HELD:
            raise ValidationError(_("本次會議已登錄會議紀錄。"))
        if locked.state != State.SCHEDULED:
            raise ValidationError(_("本次會議已取消，不能登錄會議紀錄。"))
        if meeting_day(locked) > today_taipei():
            raise ValidationError(
                _("會議尚未召開（開會日期 %(d)s），召開後才能登錄會議紀錄。")
                % {"d": format_roc(meeting_day(locked))}
            )
        # Its number goes on its minutes: only final once no earlier meeting of the year can
        # still be cancelled (which would move it back).
        earlier = (
            GroupMeeting.objects.filter(
                roc_year=locked.roc_year, state=State.SCHEDULED, scheduled_for__lt=locked.scheduled_for
            )
            .order_by("scheduled_for")
            .first()
        )
        if earlier is not None:
            raise ValidationError(
                _(
                    "%(meeting)s（%(time)s）尚未登錄會議紀錄或取消；會議依開會日期編次，"
                    "請先登錄或取消該次會議。"
                )
                % {
                    "meeting": meeting_label(earlier, translate=True),
                    "time": format_roc_datetime(earlier.scheduled_for),
                }
            )
        locked.state = State.HELD
        locked.minutes = minutes
        locked.save(update_fields=["state", "minutes"])
        locked.attendees.set(attendees)
        created = MeetingDecision.objects.bulk_create(
            [
                MeetingDecision(
                    meeting=locked,
                    agenda_item=d.agenda_item,
                    text=d.text.strip(),
                    action_unit=d.action_unit,
                    action_due=d.action_due,
                )
                for d in decisions
            ]
        )
        if any(d.pk is None for d in created):  # a database that does not return ids (none of ours)
            created = list(locked.decisions.select_related("action_unit").order_by("pk"))
        _tell_action_units(locked, created)
        actions = sum(1 for d in decisions if d.action_unit is not None)
        record_event(
            case_kind=CASE_KIND,
            case_ref=str(locked.pk),
            actor=actor,
            action="登錄會議紀錄",
            from_state=State.SCHEDULED,
            to_state=State.HELD,
            comment=f"出席 {len(attendees)} 人；決議 {len(decisions)} 項，其中追蹤事項 {actions} 項",
        )
    return locked


def complete_action(*, actor: User, decision: MeetingDecision, note: str | None) -> MeetingDecision:
    """The action unit reports its follow-up action done (辦結), with what was done."""
    if decision.action_unit_id is None:
        raise ValidationError(_("這項決議沒有追蹤事項。"))
    unit = Unit(pk=decision.action_unit_id)
    if not (
        can(actor, Capability.REPORT_UNIT_PROGRESS, unit) or can(actor, Capability.REVIEW_UNIT_CASES, unit)
    ):
        raise PermissionDenied(_("只有追蹤單位的連絡窗口或主管可以辦結追蹤事項。"))
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("請填寫辦理情形。"))
    with transaction.atomic():
        locked = (
            MeetingDecision.objects.select_for_update(of=("self",))
            .select_related("meeting", "action_unit")
            .get(pk=decision.pk)
        )
        if locked.action_done_at is not None:
            raise ValidationError(_("這項追蹤事項已辦結。"))
        locked.action_done_at = timezone.now()
        locked.action_done_note = note
        locked.save(update_fields=["action_done_at", "action_done_note"])
        record_event(
            case_kind=CASE_KIND,
            case_ref=str(locked.meeting_id),
            actor=actor,
            action="追蹤事項辦結",
            comment=f"{locked.action_unit.name}：{locked.text[:80]}；辦理情形：{note}",
        )
    return locked


# ---------------------------------------------------------------- the two-month rule


@dataclass(frozen=True)
class MeetingWarning:
    """The group has not met, or will not meet, within the interval.

    `due_by`: the last day the next meeting may be held; `last_held`: the meeting it counts
    from (None when none was ever held: then from 1 January); `upcoming`: the next scheduled
    meeting, when there is one (later than `due_by`).
    """

    today: datetime.date
    due_by: datetime.date
    last_held: GroupMeeting | None
    upcoming: GroupMeeting | None

    @property
    def overdue(self):
        return self.today > self.due_by

    @property
    def held_this_year(self):
        return self.last_held is not None and meeting_day(self.last_held).year == self.today.year

    @property
    def message(self):
        months = interval_months()
        if self.last_held is None:
            first = _(
                "執行小組本年度尚未召開會議，依規定每 %(m)s 個月至少開會一次，第 1 次會議最遲應於 %(d)s 召開。"
            )
        elif not self.held_this_year:
            first = _(
                "執行小組本年度尚未召開會議（上次會議為 %(last)s），依規定每 %(m)s 個月至少開會一次，"
                "下次會議最遲應於 %(d)s 召開。"
            )
        else:
            first = _(
                "執行小組上次會議為 %(last)s，依規定每 %(m)s 個月至少開會一次，下次會議最遲應於 %(d)s 召開。"
            )
        parts = [
            first
            % {
                "m": months,
                "d": format_roc(self.due_by),
                "last": format_roc(meeting_day(self.last_held)) if self.last_held else "",
            }
        ]
        if self.overdue:
            parts.append(_("已逾期 %(n)s 天。") % {"n": (self.today - self.due_by).days})
        if self.upcoming is not None:
            parts.append(
                _("已排定的下次會議（%(d)s）晚於期限，請提前召開。")
                % {"d": format_roc(meeting_day(self.upcoming))}
            )
        else:
            parts.append(_("目前尚未排定會議，請儘速排定。"))
        return "".join(parts)


def next_meeting_warning(today: datetime.date | None = None) -> MeetingWarning | None:
    """A MeetingWarning when no meeting is held or scheduled within the interval after the
    last held one (or, none ever held, within the interval from 1 January), else None.

    A scheduled meeting counts while it is still ahead (today or later) and on or before the
    deadline; a scheduled date that has passed without minutes does not count.
    """
    today = today or today_taipei()
    last_held = GroupMeeting.objects.filter(state=State.HELD).order_by("-scheduled_for", "-pk").first()
    anchor = meeting_day(last_held) if last_held else datetime.date(today.year, 1, 1)
    due_by = add_months(anchor, interval_months())
    upcoming = (
        GroupMeeting.objects.filter(state=State.SCHEDULED, scheduled_for__gte=_start_of(today))
        .order_by("scheduled_for", "pk")
        .first()
    )
    if today <= due_by and upcoming is not None and meeting_day(upcoming) <= due_by:
        return None
    return MeetingWarning(today=today, due_by=due_by, last_held=last_held, upcoming=upcoming)


# ---------------------------------------------------------------- the agenda


def _reason(due, day):
    return OVERDUE if due < day else due_soon_reason()


def _rank(item):
    # Overdue first, then by due date.
    return (item.reason != OVERDUE, item.due_date or datetime.date.max, item.reference)


def _current_versions(years):
    """{plan id: version id} of the highest-numbered version of each plan of `years`."""

    current = {}
    for plan_id, version_id, _number in (
        PlanVersion.objects.filter(plan__roc_year__in=years)
        .order_by("plan_id", "number")
        .values_list("plan_id", "pk", "number")
    ):
        current[plan_id] = version_id
    return current


def _practice_items(day, horizon):
    """Practices of the current plan versions with a deadline on or before `horizon` for which
    not every responsible unit has a confirmed report for the deadline's quarter.

    One item per practice, for its earliest such deadline. Four queries.
    """

    versions = _current_versions({roc_year_of(day), roc_year_of(horizon)})
    if not versions:
        return []
    plan_of_version = {v: p for p, v in versions.items()}
    deadlines = list(
        PlanDeadline.objects.filter(
            practice__item__area__version_id__in=versions.values(), due_date__lte=horizon
        )
        .order_by("due_date")
        .values_list(
            "practice_id",
            "due_date",
            "practice__key",
            "practice__number",
            "practice__text",
            "practice__item__area__version_id",
        )
    )
    if not deadlines:
        return []
    practice_ids = {row[0] for row in deadlines}
    units = {}
    for practice_id, unit_id, name, _order in (
        PlanPractice.units.through.objects.filter(planpractice_id__in=practice_ids)
        .order_by("unit__sort_order", "unit__code")
        .values_list("planpractice_id", "unit_id", "unit__name", "unit__sort_order")
    ):
        units.setdefault(practice_id, []).append((unit_id, name))
    # Reports follow a practice across versions by its key.
    confirmed = {}  # (plan, key, period) → the units with a confirmed report
    for plan_id, key, unit_id, period in PracticeReport.objects.filter(
        state=PracticeReport.State.CONFIRMED,
        practice__key__in={row[2] for row in deadlines},
        practice__item__area__version__plan_id__in=versions.keys(),
        period__in={quarter_label(row[1]) for row in deadlines},
    ).values_list("practice__item__area__version__plan_id", "practice__key", "unit_id", "period"):
        confirmed.setdefault((plan_id, key, period), set()).add(unit_id)
    items, seen = [], set()
    for practice_id, due, key, number, text, version_id in deadlines:  # earliest deadline first
        if practice_id in seen:
            continue
        plan_id, period = plan_of_version[version_id], quarter_label(due)
        responsible = units.get(practice_id, [])
        reported = confirmed.get((plan_id, key, period), set())
        settled = reported >= {u for u, _n in responsible} if responsible else bool(reported)
        if settled:
            continue
        seen.add(practice_id)
        names = "、".join(n for u, n in responsible if u not in reported) or "未指定"
        items.append(
            AgendaInput(
                kind=Kind.PRACTICE,
                ref_id=practice_id,
                reference=number,
                reason=_reason(due, day),
                due_date=due,
                title=f"{text}（完成期限 {format_roc_short(due)}；尚未確認季報：{names}）",
            )
        )
    return sorted(items, key=_rank)


def _proposal_items(day, horizon):
    items = [
        AgendaInput(
            kind=Kind.PROPOSAL,
            ref_id=row["pk"],
            reference=row["case_number"],
            reason=_reason(row["due_date"], day),
            due_date=row["due_date"],
            title=f"{row['title']}（預定完成日 {format_roc_short(row['due_date'])}；主辦單位：{row['unit_name']}）",
        )
        # Only execution has a deadline: a proposal under evaluation has finished its work.
        for row in executions_due_by(horizon)
    ]
    return sorted(items, key=_rank)


def _finding_items(day, horizon):
    """Findings still awaiting the review meeting (待檢討會議, whatever their due date) first,
    then findings under tracking overdue or due within the interval. One query."""
    awaiting = Finding.State.AWAITING_MEETING
    rows = (
        Finding.objects.filter(
            overdue_q(day) | Q(due_date__gte=day, due_date__lte=horizon) | Q(state=awaiting)
        )
        .exclude(state__in=Finding.ENDED)
        .order_by("due_date", "tracking_number")
        .values_list("pk", "tracking_number", "text", "due_date", "lead_unit__name", "state")
    )
    items = [
        AgendaInput(
            kind=Kind.FINDING,
            ref_id=pk,
            reference=number,
            reason=AWAITING_REVIEW if state == awaiting else _reason(due, day),
            due_date=due,
            title=f"{text}（改善期限 {format_roc_short(due)}；主辦單位：{unit}）",
        )
        for pk, number, text, due, unit, state in rows
    ]
    return sorted(items, key=lambda item: (item.reason != AWAITING_REVIEW, *_rank(item)))


def _follow_up_items(meeting):
    rows = (
        MeetingDecision.objects.filter(
            meeting__state=State.HELD, action_unit__isnull=False, action_done_at__isnull=True
        )
        .exclude(meeting=meeting)
        .order_by("meeting__scheduled_for", "pk")
        .values_list("pk", "text", "action_due", "action_unit__name", "meeting__roc_year", "meeting__number")
    )
    return [
        AgendaInput(
            kind=Kind.OTHER,
            ref_id=pk,
            reference=f"{year} 年第 {number} 次",
            reason=FOLLOW_UP,
            due_date=due,
            title=f"{text}（追蹤單位：{unit}；追蹤期限 {format_roc_short(due)}）",
        )
        for pk, text, due, unit, year, number in rows
    ]


def propose_agenda(meeting: GroupMeeting) -> list[AgendaInput]:
    """What the meeting should discuss, counted from its date (Taipei), as AgendaInputs:

    the open follow-up actions of earlier meetings (決議追蹤); plan practices whose deadline is
    past (逾期) or within the interval (兩個月內到期) without a confirmed report of every
    responsible unit for that quarter; proposals in execution and findings under tracking
    overdue or due within the interval; findings still awaiting the review meeting (待檢討會議:
    the group's meeting after an audit is its review meeting). Nothing is saved: the 管考 office edits the list and
    saves it with `set_agenda`. Seven queries.
    """
    day = meeting_day(meeting)
    horizon = add_months(day, interval_months())
    return (
        _follow_up_items(meeting)
        + _practice_items(day, horizon)
        + _proposal_items(day, horizon)
        + _finding_items(day, horizon)
    )


# ---------------------------------------------------------------- reads for pages


def meetings_for_list() -> QuerySet[GroupMeeting]:
    open_actions = Q(decisions__action_unit__isnull=False, decisions__action_done_at__isnull=True)
    return (
        GroupMeeting.objects.select_related("chair")
        .annotate(
            agenda_count=Count("agenda", distinct=True),
            decision_count=Count("decisions", distinct=True),
            open_action_count=Count("decisions", filter=open_actions, distinct=True),
        )
        .order_by("-scheduled_for", "-pk")
    )


def open_actions(today: datetime.date | None = None) -> list[MeetingDecision]:
    """Follow-up actions not yet done, earliest due first, each with `overdue`."""
    today = today or today_taipei()
    actions = list(
        MeetingDecision.objects.filter(
            action_unit__isnull=False, action_done_at__isnull=True, meeting__state=State.HELD
        )
        .select_related("meeting", "action_unit")
        .order_by("action_due", "pk")
    )
    for action in actions:
        action.overdue = action.action_due < today
    return actions


def decisions_of(meeting: GroupMeeting, today: datetime.date | None = None) -> list[MeetingDecision]:
    today = today or today_taipei()
    decisions = list(meeting.decisions.select_related("action_unit", "agenda_item").order_by("pk"))
    for decision in decisions:
        decision.overdue = (
            decision.action_unit_id is not None
            and decision.action_done_at is None
            and decision.action_due < today
        )
    return decisions


def attendees_of(meeting: GroupMeeting) -> list[User]:
    return list(meeting.attendees.order_by("username"))


def meeting_history(meeting: GroupMeeting) -> list[TrailEvent]:
    return case_events(CASE_KIND, str(meeting.pk))


def agenda_of(meeting: GroupMeeting) -> list[AgendaItem]:
    """The meeting's agenda items, each with `url` (the page of the proposal or finding it is
    about, None for the others) and `overdue`."""
    items = list(meeting.agenda.all())
    for item in items:
        item.url = None
        item.overdue = item.reason == OVERDUE
        if item.ref_id is not None and item.kind == Kind.PROPOSAL:
            item.url = reverse("proposals:detail", args=[item.ref_id])
        elif item.ref_id is not None and item.kind == Kind.FINDING:
            item.url = reverse("audits:finding", args=[item.ref_id])
    return items


# ---------------------------------------------------------------- reminders (governance.notifications)


def due_for_reminders(due_dates: Iterable[datetime.date]) -> list[DueItem]:
    """Open follow-up actions due on one of `due_dates`: the action unit's liaisons answer
    for them, its heads and then the director hear when late. One query."""

    rows = MeetingDecision.objects.filter(
        action_due__in=due_dates,
        action_unit__isnull=False,
        action_done_at__isnull=True,
        meeting__state=State.HELD,
    ).values_list(
        "pk", "text", "action_due", "action_unit_id", "meeting_id", "meeting__roc_year", "meeting__number"
    )
    return [
        DueItem(
            key=f"meeting_action:{pk}",
            what=_("執行小組會議決議追蹤事項"),
            case_number=_("%(year)s 年第 %(number)s 次會議") % {"year": year, "number": number},
            title=text[:100],
            due_date=due,
            url=reverse("meetings:detail", args=[meeting_id]),
            unit_id=unit_id,
        )
        for pk, text, due, unit_id, meeting_id, year, number in rows
    ]
