"""Innovation proposals (創意提案): the case, its people, rounds, scores, reports and rewards.

Numbers and lists an administrator may change (criteria and weights, grade
bands and their rewards, not-accepted reasons, scope categories) are rows, not
constants: a data migration loads the defaults of docs/domain.md (「設定而非常數」) as the
rows of ROC year 0, used for any year that has none of its own.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow import jsonstore
from viewflow.workflow.models import Process

from governance.models import KeptRecord, Unit

# The trail and notices name a proposal by this kind and its trail_ref.
CASE_KIND = "proposal"
# 提115-0004 (docs/domain.md, 案號與季別). Part of the number as stored, printed and searched, so
# it is never translated.
CASE_NUMBER_PREFIX = "提"


class ScopeCategory(models.Model):
    name = models.CharField(_("名稱"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("使用中"), default=True)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("提案類別")
        verbose_name_plural = _("提案類別")

    def __str__(self):
        return self.name


class NotAcceptedReason(models.Model):
    code = models.SlugField(_("代碼"), max_length=30, unique=True)
    label = models.CharField(_("理由"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("使用中"), default=True)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("不予受理理由")
        verbose_name_plural = _("不予受理理由")

    def __str__(self):
        return self.label


class ScoringCriterion(models.Model):
    """A criterion of the second review for one ROC year (0: the defaults)."""

    roc_year = models.PositiveSmallIntegerField(_("民國年度"), help_text=_("0 表示預設值"))
    name = models.CharField(_("評分項目"), max_length=50)
    weight = models.PositiveSmallIntegerField(_("權重（%）"), validators=[MaxValueValidator(100)])
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["roc_year", "sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["roc_year", "name"], name="criterion_unique_per_year")]
        verbose_name = _("評分項目")
        verbose_name_plural = _("評分項目")

    def __str__(self):
        return f"{self.name}（{self.weight}%）"


class GradeBand(models.Model):
    """A grade for weighted totals at or above min_score, with its reward (0: defaults)."""

    roc_year = models.PositiveSmallIntegerField(_("民國年度"), help_text=_("0 表示預設值"))
    name = models.CharField(_("等第"), max_length=20)
    min_score = models.DecimalField(_("最低分"), max_digits=5, decimal_places=2)
    reward_amount = models.PositiveIntegerField(_("獎金（元）"), default=0)
    commendations = models.PositiveSmallIntegerField(
        _("建議敘獎（嘉獎次數）"), default=0, help_text=_("3 次嘉獎 = 記功 1 次")
    )

    class Meta:
        ordering = ["roc_year", "-min_score"]
        constraints = [models.UniqueConstraint(fields=["roc_year", "name"], name="grade_unique_per_year")]
        verbose_name = _("等第級距")
        verbose_name_plural = _("等第級距")

    def __str__(self):
        return f"{self.name}（≧{self.min_score}）"


class Proposal(KeptRecord):
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        FIRST_REVIEW = "first_review", _("初審中")
        RETURNED = "returned", _("退回修正")
        WITHDRAWN = "withdrawn", _("已撤回")
        NOT_ACCEPTED = "not_accepted", _("不予受理")
        SECOND_REVIEW = "second_review", _("複審中")
        AWAITING_DECISION = "awaiting_decision", _("待採行決定")
        REFERENCE = "reference", _("列為參考")
        REJECTED = "rejected", _("不採行")
        EXECUTING = "executing", _("執行中")
        EVALUATING = "evaluating", _("成效評估中")
        CLOSED = "closed", _("已結案")

    class Decision(models.TextChoices):
        ADOPT = "adopt", _("採行")
        REFERENCE = "reference", _("參考")
        REJECT = "reject", _("不採行")

    case_number = models.CharField(_("案號"), max_length=20, unique=True, null=True, blank=True)
    roc_year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(
        _("狀態"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="proposals", verbose_name=_("提案單位"))
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="submitted_proposals",
        verbose_name=_("提案人"),
    )
    title = models.CharField(_("提案名稱"), max_length=200)
    situation = models.TextField(_("現況說明／問題分析"))
    improvement = models.TextField(_("改進意見／具體作法"))
    benefit = models.TextField(_("預期效益"))
    category = models.ForeignKey(
        ScopeCategory, models.PROTECT, verbose_name=_("提案類別"), related_name="proposals"
    )
    # A practice of a plan version: versions are never changed, so the link keeps meaning
    # what the proposer chose after the plan is revised.
    plan_practice = models.ForeignKey(
        "plan.PlanPractice",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("對應服務品質計畫推動作法"),
    )
    created_at = models.DateTimeField(_("建立時間"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("送出時間"), null=True, blank=True)
    process = models.OneToOneField(Process, models.SET_NULL, null=True, blank=True, related_name="proposal")

    not_accepted_reason = models.ForeignKey(
        NotAcceptedReason, models.PROTECT, null=True, blank=True, verbose_name=_("不予受理理由")
    )
    not_accepted_text = models.TextField(_("不予受理說明"), blank=True)

    weighted_total = models.DecimalField(_("加權總分"), max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("等第"), max_length=20, blank=True)
    # The band the grade came from: its reward is the one the adoption decision records.
    grade_band = models.ForeignKey(
        GradeBand, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("等第級距")
    )
    decision = models.CharField(_("採行決定"), max_length=20, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("決定理由"), blank=True)
    decided_at = models.DateTimeField(_("決定時間"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("決定人"),
    )
    reward_amount = models.PositiveIntegerField(_("獎金（元）"), null=True, blank=True)
    reward_commendations = models.PositiveSmallIntegerField(_("建議敘獎（嘉獎次數）"), null=True, blank=True)

    lead_unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="led_proposals",
        verbose_name=_("主辦單位"),
    )
    supporting_units = models.ManyToManyField(
        Unit, blank=True, related_name="supported_proposals", verbose_name=_("協辦單位")
    )
    due_date = models.DateField(_("預定完成日"), null=True, blank=True)
    execution_plan = models.TextField(_("執行計畫"), blank=True)
    completed_at = models.DateTimeField(_("完成時間"), null=True, blank=True)
    evaluation = models.TextField(_("成效評估"), blank=True)
    evaluation_rating = models.CharField(_("成效評等"), max_length=20, blank=True)
    closed_at = models.DateTimeField(_("結案時間"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["roc_year", "sequence"], name="proposal_number_per_year")
        ]
        indexes = [
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["roc_year", "state"]),
            # The lists' order, newest sent first, a page at a time (governance.paging); read
            # backwards it also gives the drafts (NULL) first, as PostgreSQL sorts them.
            models.Index(fields=["submitted_at", "id"], name="proposal_list_order"),
            # The dashboard's periods of decisions (a year or a quarter); its periods of
            # submissions use the list order's index.
            models.Index(fields=["decided_at"], name="proposal_decided_at"),
        ]
        verbose_name = _("創意提案")
        verbose_name_plural = _("創意提案")

    def __str__(self):
        return f"{self.case_number or _('草稿')} {self.title}"

    @property
    def trail_ref(self):
        return str(self.pk)


class ProposalGram(models.Model):
    """One word piece (a character or a character bigram) of a submitted proposal's title and
    body: the index the duplicate check (proposals.similarity) reads, so it looks only at the
    proposals that share rarer words with the new one instead of reading every earlier text."""

    proposal = models.ForeignKey("Proposal", models.CASCADE, related_name="grams")
    gram = models.CharField(max_length=2)

    class Meta:
        indexes = [models.Index(fields=["gram", "proposal"], name="proposal_gram_lookup")]
        constraints = [models.UniqueConstraint(fields=["proposal", "gram"], name="proposal_gram_once")]


class GramFrequency(models.Model):
    """In how many submitted proposals a word piece occurs: its weight in the duplicate check
    (rarer, heavier), kept up to date as proposals are indexed."""

    gram = models.CharField(max_length=2, primary_key=True)
    proposals = models.PositiveIntegerField(default=0)


class Proposer(models.Model):
    """One of the proposal's people; the submitter is position 0. Shares sum to 100."""

    proposal = models.ForeignKey(Proposal, models.CASCADE, related_name="proposers")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="proposer_roles")
    share = models.PositiveSmallIntegerField(
        _("貢獻比例（%）"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["proposal", "person"], name="proposer_once")]

    @property
    def role_label(self):
        return _("提案人") if self.position == 0 else _("共同提案人")


class Attachment(models.Model):
    class Purpose(models.TextChoices):
        PROPOSAL = "proposal", _("提案附件")
        PROGRESS = "progress", _("進度佐證")
        EVALUATION = "evaluation", _("成效佐證")

    proposal = models.ForeignKey(Proposal, models.CASCADE, related_name="attachments")
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.PROPOSAL)
    progress_report = models.ForeignKey(
        "ProgressReport", models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to="proposals/%Y/")
    name = models.CharField(_("檔名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（位元組）"))
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]


class ReviewRound(models.Model):
    """One first-review round: what was submitted and what the head decided."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("受理")
        RETURNED = "returned", _("退回修正")
        NOT_ACCEPTED = "not_accepted", _("不予受理")

    proposal = models.ForeignKey(Proposal, models.CASCADE, related_name="review_rounds")
    number = models.PositiveSmallIntegerField(_("輪次"))
    submitted_content = models.JSONField(_("送審內容"))
    submitted_at = models.DateTimeField()
    outcome = models.CharField(_("結果"), max_length=20, choices=Outcome.choices, blank=True)
    reasons = models.TextField(_("理由"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["proposal", "number"], name="review_round_once")]


class ReviewerAssignment(models.Model):
    proposal = models.ForeignKey(Proposal, models.CASCADE, related_name="reviewer_assignments")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="review_assignments")
    external = models.BooleanField(_("外部委員"), default=False)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    weighted_total = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("評語"), blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    # A member who declares 迴避 scores nothing; the 管考 office assigns another in their place.
    recused_at = models.DateTimeField(_("迴避時間"), null=True, blank=True)
    recusal_reason = models.TextField(_("迴避理由"), blank=True)
    replacement = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="replaces", verbose_name=_("改派委員")
    )

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="reviewer_once")]
        indexes = [
            # A member's open scores (the to-do list, the home page): a committee member holds
            # thousands of assignments over the years and a handful open.
            models.Index(
                fields=["member"],
                name="reviewer_open_by_member",
                condition=models.Q(scored_at__isnull=True, recused_at__isnull=True),
            )
        ]


class Score(models.Model):
    """One member's score on one criterion; the criterion's name and weight are copied."""

    assignment = models.ForeignKey(ReviewerAssignment, models.CASCADE, related_name="scores")
    criterion = models.CharField(max_length=50)
    weight = models.PositiveSmallIntegerField()
    value = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])

    class Meta:
        ordering = ["pk"]


class Milestone(models.Model):
    proposal = models.ForeignKey(Proposal, models.CASCADE, related_name="milestones")
    title = models.CharField(_("查核點"), max_length=200)
    due_date = models.DateField(_("預定完成日"))

    class Meta:
        ordering = ["due_date", "pk"]


class ProgressReport(models.Model):
    class Approval(models.TextChoices):
        PENDING = "pending", _("待主管核定")
        APPROVED = "approved", _("主管核定")
        RETURNED = "returned", _("主管退回")

    proposal = models.ForeignKey(Proposal, models.CASCADE, related_name="progress_reports")
    period = models.CharField(_("季別"), max_length=20)  # e.g. 114Q3
    percent_complete = models.PositiveSmallIntegerField(_("完成百分比"), validators=[MaxValueValidator(100)])
    text = models.TextField(_("辦理情形"))
    declares_complete = models.BooleanField(_("宣告完成"), default=False)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)
    approval = models.CharField(max_length=20, choices=Approval.choices, default=Approval.PENDING)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    approval_comment = models.TextField(_("主管意見"), blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["reported_at", "pk"]


class Reward(models.Model):
    """A proposer's reward, by share, recorded at closure: appraisal evidence reads these."""

    proposal = models.ForeignKey(Proposal, models.CASCADE, related_name="rewards")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="proposal_rewards")
    role = models.CharField(_("角色"), max_length=20)
    share = models.PositiveSmallIntegerField(_("貢獻比例（%）"))
    amount = models.PositiveIntegerField(_("獎金（元）"))
    commendations = models.PositiveSmallIntegerField(_("建議敘獎（嘉獎次數）"))
    grade = models.CharField(_("等第"), max_length=20)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal", "pk"]
        constraints = [models.UniqueConstraint(fields=["proposal", "person"], name="reward_once")]


class ProposalProcess(Process):
    """The viewflow process of a proposal: ids in viewflow's JSON column, no table of its own."""

    proposal_id = jsonstore.IntegerField(null=True)
    unit_id = jsonstore.IntegerField(null=True)
    lead_unit_id = jsonstore.IntegerField(null=True)

    class Meta:
        proxy = True
        verbose_name = _("創意提案流程")
        verbose_name_plural = _("創意提案流程")
