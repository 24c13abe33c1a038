"""The annual service-quality plan (提升服務品質執行計畫) as data, its quarterly tracking and
the execution group's meetings. Imported by governance.models.

Shape of the plan (as the seed document's table): a plan per ROC year, revised on a
rolling basis (each revision a PlanVersion; earlier ones stay readable); a version has
areas (實施要項), each with items (執行項目) under an optional dimension heading
(（一）服務流程便捷性), each with practices (推動作法, numbered 1.1, 1.2 …) that have
deadlines and responsible units. A practice keeps its `key` across versions, so its
reports and its changes can be followed from one version to the next.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    roc_year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("計畫名稱"), max_length=200)
    created_at = models.DateTimeField(_("建立時間"), default=timezone.now)

    class Meta:
        db_table = "governance_plan"  # kept from before the move to plan/
        ordering = ["-roc_year"]
        verbose_name = _("服務品質執行計畫")
        verbose_name_plural = _("服務品質執行計畫")

    def __str__(self):
        return self.title


class PlanVersion(models.Model):
    """One version of a plan. The highest number is current; earlier ones are never changed."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版次"))
    note = models.TextField(_("修正說明"), blank=True)  # e.g. 102 年 3 月 8 日第一次會議修正通過
    approved_on = models.DateField(_("通過日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("建立時間"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("建立人"),
    )

    class Meta:
        db_table = "governance_planversion"  # kept from before the move to plan/
        ordering = ["plan", "number"]
        verbose_name = _("計畫版次")
        verbose_name_plural = _("計畫版次")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_once")]

    def __str__(self):
        return _("%(plan)s 第 %(number)s 版") % {"plan": self.plan, "number": self.number}


class PlanArea(models.Model):
    """實施要項, e.g. 一、服務流程."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="areas")
    number = models.CharField(_("編號"), max_length=10)  # 一
    title = models.CharField(_("實施要項"), max_length=200)  # 服務流程
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "governance_planarea"  # kept from before the move to plan/
        ordering = ["version", "sort_order", "pk"]
        verbose_name = _("實施要項")
        verbose_name_plural = _("實施要項")


class PlanItem(models.Model):
    """執行項目, under a dimension heading of its area, e.g. （一）服務流程便捷性 / 1. 單一窗口服務全功能程度."""

    area = models.ForeignKey(PlanArea, on_delete=models.CASCADE, related_name="items")
    dimension = models.CharField(_("構面"), max_length=200, blank=True)  # （一）服務流程便捷性
    number = models.CharField(_("編號"), max_length=10, blank=True)  # 1.
    title = models.TextField(_("執行項目"))
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "governance_planitem"  # kept from before the move to plan/
        ordering = ["area", "sort_order", "pk"]
        verbose_name = _("執行項目")
        verbose_name_plural = _("執行項目")


class PlanPractice(models.Model):
    """推動作法: what is done, by when, by whom."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="practices")
    key = models.CharField(max_length=40, db_index=True)  # stable across versions
    number = models.CharField(_("編號"), max_length=10)  # 1.1
    text = models.TextField(_("推動作法"))
    deadline_text = models.CharField(_("完成期限（原文）"), max_length=200, blank=True)
    unit_text = models.CharField(_("承辦單位（原文）"), max_length=200, blank=True)
    units = models.ManyToManyField(
        "governance.Unit", related_name="plan_practices", verbose_name=_("承辦單位")
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "governance_planpractice"  # kept from before the move to plan/
        ordering = ["item", "sort_order", "pk"]
        verbose_name = _("推動作法")
        verbose_name_plural = _("推動作法")

    def __str__(self):
        return f"{self.number} {self.text}"


class PlanDeadline(models.Model):
    """One deadline of a practice (a quarterly practice has four)."""

    practice = models.ForeignKey(PlanPractice, on_delete=models.CASCADE, related_name="deadlines")
    due_date = models.DateField(_("完成期限"))

    class Meta:
        db_table = "governance_plandeadline"  # kept from before the move to plan/
        ordering = ["practice", "due_date"]
        constraints = [models.UniqueConstraint(fields=["practice", "due_date"], name="plan_deadline_once")]


class PlanDraft(models.Model):
    """Next year's plan while the 管考 office prepares it (plan.drafts).

    Copied from a version of this year's plan, edited as a whole (its rows are replaced by an
    uploaded xlsx or ODS), then approved as version 1 of the year's plan. Until then it is not
    a Plan: nothing that reports, reminds or counts against plans sees it. Its rows are the
    plan table's rows (plan.rows.PlanRow as JSON, dates in ISO form), each practice with the
    key it will keep, so next year's practices can be followed back to this year's.
    """

    roc_year = models.PositiveSmallIntegerField(_("年度"), unique=True)  # one draft per year
    title = models.CharField(_("計畫名稱"), max_length=200)
    source = models.ForeignKey(
        PlanVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("複製自")
    )
    rows = models.JSONField(default=list)
    note = models.TextField(_("說明"), blank=True)  # where it came from
    created_at = models.DateTimeField(_("建立時間"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("建立人")
    )
    updated_at = models.DateTimeField(_("最後修改時間"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("最後修改人")
    )
    # Version 1 of the year's plan once approved; the draft is then only a record.
    approved_version = models.OneToOneField(
        PlanVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="draft"
    )

    class Meta:
        ordering = ["-roc_year"]
        verbose_name = _("計畫草案")
        verbose_name_plural = _("計畫草案")

    def __str__(self):
        return self.title

    @property
    def trail_ref(self):
        return str(self.pk)


class PracticeReport(models.Model):
    """A responsible unit's quarterly report on a practice, confirmed by its head."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("尚未開始")
        ON_TRACK = "on_track", _("依進度辦理")
        DONE = "done", _("已完成")
        BEHIND = "behind", _("進度落後")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("待主管確認")
        CONFIRMED = "confirmed", _("主管已確認")
        RETURNED = "returned", _("主管退回")

    practice = models.ForeignKey(PlanPractice, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey("governance.Unit", on_delete=models.PROTECT, related_name="practice_reports")
    period = models.CharField(_("季別"), max_length=10)  # 102Q1
    status = models.CharField(_("執行狀況"), max_length=20, choices=Status.choices)
    text = models.TextField(_("辦理情形"))
    state = models.CharField(_("狀態"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("填報時間"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("確認時間"), null=True, blank=True)
    head_comment = models.TextField(_("主管意見"), blank=True)

    class Meta:
        db_table = "governance_practicereport"  # kept from before the move to plan/
        ordering = ["period", "practice", "unit"]
        verbose_name = _("推動作法季報")
        verbose_name_plural = _("推動作法季報")
        constraints = [
            models.UniqueConstraint(fields=["practice", "unit", "period"], name="practice_report_once"),
        ]

    @property
    def trail_ref(self):
        """The report's trail is named by its pk (plan.practice_reports.CASE_KIND)."""
        return str(self.pk)


class PracticeReportAttachment(models.Model):
    report = models.ForeignKey(PracticeReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="plan/%Y/")
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "governance_practicereportattachment"  # kept from before the move to plan/
        ordering = ["pk"]


class PracticeOfficer(models.Model):
    """A person of a responsible unit named as the practice's 承辦人 (業務承辦人員) for a quarter
    of the plan's year: whoever carries it out well may have it counted in the year-end
    appraisal (the seed plan, 柒、三).

    One row per person, practice, unit and quarter. Like a report, the quarter's officers of a
    unit answer for the practice's `key` in any version of its plan; naming them again moves
    them to the current version's practice row. A person who leaves the unit stays named on
    the quarters they carried (plan.practice_officers).
    """

    practice = models.ForeignKey(PlanPractice, on_delete=models.PROTECT, related_name="officers")
    unit = models.ForeignKey(
        "governance.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("承辦單位")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="practice_duties",
        verbose_name=_("承辦人"),
    )
    quarter = models.PositiveSmallIntegerField(_("季"))
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("指定人")
    )
    named_at = models.DateTimeField(_("指定時間"), default=timezone.now)

    class Meta:
        ordering = ["practice", "unit", "quarter", "person"]
        verbose_name = _("推動作法承辦人")
        verbose_name_plural = _("推動作法承辦人")
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "unit", "quarter", "person"], name="practice_officer_once"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1) & models.Q(quarter__lte=4), name="practice_officer_quarter"
            ),
        ]
        indexes = [models.Index(fields=["person", "quarter"], name="practice_officer_person")]
