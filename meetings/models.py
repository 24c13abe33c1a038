"""The execution group's meetings (執行小組會議): agenda, minutes, decisions and their follow-up actions."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class GroupMeeting(models.Model):
    """A meeting of the execution group (執行小組會議): at least every two months."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("已排定")
        HELD = "held", _("已召開")
        CANCELLED = "cancelled", _("已取消")

    roc_year = models.PositiveSmallIntegerField(_("年度"))
    # 第 N 次 by date among the year's meetings not cancelled (meetings.services._renumber); a
    # cancelled meeting keeps the number it had, which the next meeting may then take.
    number = models.PositiveSmallIntegerField(_("次別"))
    scheduled_for = models.DateTimeField(_("開會時間"))
    location = models.CharField(_("地點"), max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("主席"),
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="group_meetings", verbose_name=_("出席人員")
    )
    state = models.CharField(_("狀態"), max_length=20, choices=State.choices, default=State.SCHEDULED)
    minutes = models.TextField(_("會議紀錄"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "governance_groupmeeting"  # kept from before the move to meetings/
        ordering = ["-scheduled_for", "-pk"]
        verbose_name = _("執行小組會議")
        verbose_name_plural = _("執行小組會議")
        constraints = [
            models.UniqueConstraint(
                fields=["roc_year", "number"],
                condition=~models.Q(state="cancelled"),
                name="group_meeting_number_counted",
            )
        ]


class AgendaItem(models.Model):
    """What the meeting discusses: a plan practice, a proposal in execution, a finding, or other."""

    class Kind(models.TextChoices):
        PRACTICE = "practice", _("計畫推動作法")
        PROPOSAL = "proposal", _("創意提案")
        FINDING = "finding", _("考核意見列管事項")
        OTHER = "other", _("其他")

    meeting = models.ForeignKey(GroupMeeting, on_delete=models.CASCADE, related_name="agenda")
    kind = models.CharField(_("類別"), max_length=20, choices=Kind.choices)
    ref_id = models.PositiveIntegerField(null=True, blank=True)  # the practice, proposal or finding
    reference = models.CharField(_("案號"), max_length=50, blank=True)  # as shown: 1.1, 提115-0003
    title = models.TextField(_("案由"))
    reason = models.CharField(_("列入原因"), max_length=100, blank=True)  # 逾期, 本季到期, 決議追蹤
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "governance_agendaitem"  # kept from before the move to meetings/
        ordering = ["meeting", "sort_order", "pk"]


class MeetingDecision(models.Model):
    """A decision (決議); with a unit and a due date it opens a follow-up action (追蹤事項)."""

    meeting = models.ForeignKey(GroupMeeting, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    text = models.TextField(_("決議"))
    action_unit = models.ForeignKey(
        "governance.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_actions",
        verbose_name=_("追蹤單位"),
    )
    action_due = models.DateField(_("追蹤期限"), null=True, blank=True)
    action_done_at = models.DateTimeField(_("辦結時間"), null=True, blank=True)
    action_done_note = models.TextField(_("辦理情形"), blank=True)

    class Meta:
        db_table = "governance_meetingdecision"  # kept from before the move to meetings/
        ordering = ["meeting", "pk"]
        indexes = [
            # The open actions of a unit by due date (the to-do list, meetings.todo): as small
            # as what is still open.
            models.Index(
                fields=["action_unit", "action_due", "id"],
                name="meeting_action_open",
                condition=models.Q(action_done_at__isnull=True, action_unit__isnull=False),
            )
        ]
        verbose_name = _("會議決議")
        verbose_name_plural = _("會議決議")
