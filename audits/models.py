"""Superior-agency audits, their findings, and the remediation record of each finding.

Every round of a finding stays: plans (returned ones too), progress reports,
supporting units' contributions, removal requests with the 管考 opinion, and
the 館務會議 decisions; each carries the tracking round it belongs to.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow import jsonstore
from viewflow.workflow.models import Process

from governance.docnumber import DocumentNumberModelField, document_key
from governance.models import KeptRecord, Unit

# The trail and notices name an audit or a finding by its kind and its trail_ref.
AUDIT_KIND = "audit"
FINDING_KIND = "finding"
# 列115-0019 (docs/domain.md, 案號與季別). Part of the number as stored, printed and searched, so
# it is never translated.
FINDING_NUMBER_PREFIX = "列"


class Audit(KeptRecord):
    class Kind(models.TextChoices):
        APPRAISAL = "appraisal", _("考核")
        SITE_VISIT = "site_visit", _("實地訪視")
        INSPECTION = "inspection", _("查核")
        OTHER = "other", _("其他")

    agency = models.CharField(_("上級機關"), max_length=100)
    kind = models.CharField(_("類別"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("名稱"), max_length=200)
    held_on = models.DateField(_("考核日期"))
    document_number = DocumentNumberModelField(_("來文文號"))
    # The number as compared for duplicates (governance.docnumber: full- and half-width, spaces,
    # 台 and 臺 alike), kept so the check is one indexed lookup.
    document_key = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    replied_on = models.DateField(_("回復日期"), null=True, blank=True)
    reply_document_number = DocumentNumberModelField(_("回復文號"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Registered by mistake (a duplicate, a wrong letter): withdrawn with the reason, kept and
    # readable as 已撤銷, out of statistics, agendas and reminders.
    withdrawn_at = models.DateTimeField(_("撤銷時間"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(_("撤銷理由"), blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("上級機關考核")
        verbose_name_plural = _("上級機關考核")

    def __str__(self):
        return f"{self.agency} {self.title}"

    @property
    def trail_ref(self):
        return str(self.pk)

    def save(self, *args, **kwargs):
        self.document_key = document_key(self.document_number)
        if kwargs.get("update_fields") is not None and "document_number" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "document_key"}
        super().save(*args, **kwargs)

    @property
    def withdrawn(self):
        return self.withdrawn_at is not None

    @property
    def closed(self):
        return self.replied_on is not None


class AuditAttachment(models.Model):
    audit = models.ForeignKey(Audit, models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="audits/%Y/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)


class Finding(KeptRecord):
    class Kind(models.TextChoices):
        DEFICIENCY = "deficiency", _("缺失")
        RECOMMENDATION = "recommendation", _("建議")
        OBSERVATION = "observation", _("觀察")

    class Severity(models.TextChoices):
        HIGH = "high", _("高")
        MEDIUM = "medium", _("中")
        LOW = "low", _("低")

    class State(models.TextChoices):
        AWAITING_MEETING = "awaiting_meeting", _("待檢討會議")
        PLANNING = "planning", _("研擬改善措施")
        PLAN_REVIEW = "plan_review", _("改善措施待核定")
        IN_PROGRESS = "in_progress", _("改善中")
        REMOVAL_REQUESTED = "removal_requested", _("申請解除列管")
        AWAITING_DECISION = "awaiting_decision", _("待館務會議決定")
        CLOSED = "closed", _("已解除列管")
        WITHDRAWN = "withdrawn", _("已撤銷")  # its audit was registered by mistake

    # No longer tracked: closed, or withdrawn with its audit.
    ENDED = (State.CLOSED, State.WITHDRAWN)

    audit = models.ForeignKey(Audit, models.PROTECT, related_name="findings")
    tracking_number = models.CharField(_("列管編號"), max_length=20, unique=True)
    roc_year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField()
    kind = models.CharField(_("類別"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("內容"))
    severity = models.CharField(_("嚴重程度"), max_length=10, choices=Severity.choices)
    root_cause = models.TextField(_("原因分析"), blank=True)
    lead_unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="led_findings", verbose_name=_("主辦單位")
    )
    supporting_units = models.ManyToManyField(
        Unit, blank=True, related_name="supported_findings", verbose_name=_("協辦單位")
    )
    due_date = models.DateField(_("改善期限"))
    self_tracked = models.BooleanField(_("單位自行列管"), default=False)
    state = models.CharField(
        _("狀態"), max_length=20, choices=State.choices, default=State.AWAITING_MEETING, db_index=True
    )
    round = models.PositiveSmallIntegerField(_("列管輪次"), default=1)
    process = models.OneToOneField(Process, models.SET_NULL, null=True, blank=True, related_name="finding")
    registered_at = models.DateTimeField(auto_now_add=True)
    closed_on = models.DateField(_("解除列管日期"), null=True, blank=True)

    class Meta:
        ordering = ["-roc_year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["roc_year", "sequence"], name="finding_number_per_year")
        ]
        indexes = [
            # Lists are ordered by due date and show the first rows: walk this index, stop early.
            models.Index(fields=["due_date", "id"], name="audits_finding_due_id"),
            models.Index(fields=["state", "due_date"]),
            models.Index(fields=["lead_unit", "state"]),
            models.Index(fields=["audit", "state"]),
        ]
        verbose_name = _("考核意見")
        verbose_name_plural = _("考核意見")

    def __str__(self):
        return f"{self.tracking_number} {self.text[:30]}"

    @property
    def trail_ref(self):
        return str(self.pk)


class ReviewMeeting(models.Model):
    """The execution group's meeting (檢討會議); one meeting covers many findings."""

    held_on = models.DateField(_("會議日期"))
    attendees = models.TextField(_("出席人員"))
    decisions = models.TextField(_("會議決議"))
    findings = models.ManyToManyField(Finding, related_name="review_meetings")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)


class ReviewMeetingItem(models.Model):
    """What the review meeting confirmed for one finding it covered: the lead unit and the due
    date as they stood after the meeting. The finding's own fields move on (a 館務會議 continues
    the tracking with a new due date, the 管考 office corrects one); the meeting's record prints
    these."""

    meeting = models.ForeignKey(ReviewMeeting, models.CASCADE, related_name="items")
    finding = models.ForeignKey(Finding, models.CASCADE, related_name="+")
    lead_unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("主辦單位"))
    due_date = models.DateField(_("改善期限"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "finding"], name="review_meeting_item_once")
        ]


class RemediationPlan(models.Model):
    class Approval(models.TextChoices):
        PENDING = "pending", _("待主管核定")
        APPROVED = "approved", _("主管核定")
        RETURNED = "returned", _("主管退回")

    finding = models.ForeignKey(Finding, models.CASCADE, related_name="plans")
    round = models.PositiveSmallIntegerField()
    text = models.TextField(_("改善措施"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)
    approval = models.CharField(max_length=20, choices=Approval.choices, default=Approval.PENDING)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    approval_comment = models.TextField(_("主管意見"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["written_at", "pk"]


class ProgressRound(models.Model):
    """The lead unit's 辦理情形 report."""

    finding = models.ForeignKey(Finding, models.CASCADE, related_name="progress_rounds")
    round = models.PositiveSmallIntegerField()
    percent_complete = models.PositiveSmallIntegerField(_("完成百分比"), validators=[MaxValueValidator(100)])
    text = models.TextField(_("辦理情形"))
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reported_at", "pk"]


class Contribution(models.Model):
    """A supporting unit's part, gathered into the lead unit's next progress report."""

    finding = models.ForeignKey(Finding, models.CASCADE, related_name="contributions")
    round = models.PositiveSmallIntegerField()
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+")
    text = models.TextField(_("協辦辦理情形"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)
    progress_round = models.ForeignKey(
        ProgressRound, models.SET_NULL, null=True, blank=True, related_name="contributions"
    )

    class Meta:
        ordering = ["written_at", "pk"]


class FindingAttachment(models.Model):
    finding = models.ForeignKey(Finding, models.CASCADE, related_name="attachments")
    progress_round = models.ForeignKey(
        ProgressRound, models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    contribution = models.ForeignKey(
        Contribution, models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to="findings/%Y/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]


class RemovalRequest(models.Model):
    """申請解除列管 by the lead unit's head, and the 管考 office's review opinion."""

    finding = models.ForeignKey(Finding, models.CASCADE, related_name="removal_requests")
    round = models.PositiveSmallIntegerField()
    reason = models.TextField(_("申請理由"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    opinion = models.TextField(_("審查意見"), blank=True)
    recommends_removal = models.BooleanField(_("建議解除列管"), null=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]


class TrackingDecision(models.Model):
    """The 館務會議 decision on a finding (or the unit head's, when self-tracked)."""

    class Outcome(models.TextChoices):
        REMOVE = "remove", _("解除列管")
        CONTINUE = "continue", _("繼續列管")

    finding = models.ForeignKey(Finding, models.CASCADE, related_name="decisions")
    round = models.PositiveSmallIntegerField()
    outcome = models.CharField(_("決定"), max_length=20, choices=Outcome.choices)
    meeting_date = models.DateField(_("會議日期"))
    minutes_reference = models.CharField(_("會議紀錄"), max_length=200, blank=True)
    new_due_date = models.DateField(_("新改善期限"), null=True, blank=True)
    note = models.TextField(_("說明"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]


class RemediationProcess(Process):
    """The viewflow process of one finding: ids and gateway inputs in viewflow's JSON column."""

    finding_id = jsonstore.IntegerField(null=True)
    lead_unit_id = jsonstore.IntegerField(null=True)
    self_tracked = jsonstore.BooleanField(default=False)

    class Meta:
        proxy = True
        verbose_name = _("缺失改善流程")
        verbose_name_plural = _("缺失改善流程")


class ReplyProcess(Process):
    """The reply to the superior agency, started when an audit's last finding is closed."""

    audit_id = jsonstore.IntegerField(null=True)

    class Meta:
        proxy = True
        verbose_name = _("函復上級機關流程")
        verbose_name_plural = _("函復上級機關流程")
