from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Capability, UnitRole


class User(AbstractUser):
    """A person of the agency. Chinese names are one string, not first/last."""

    full_name = models.CharField(_("姓名"), max_length=100, blank=True)
    job_title = models.CharField(_("職稱"), max_length=100, blank=True)
    language = models.CharField(
        _("介面語言"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    # Set for people whose account comes from the agency's directory (governance.directory):
    # the nightly sync keeps them as the directory says. Empty for local accounts (external
    # committee members, the administrator), which the sync never touches.
    directory_dn = models.CharField(_("目錄識別名稱（DN）"), max_length=500, blank=True, editable=False)

    class Meta:
        verbose_name = _("人員")
        verbose_name_plural = _("人員")

    def get_full_name(self):
        return self.full_name or self.username

    def get_short_name(self):
        return self.full_name or self.username

    def __str__(self):
        return self.get_full_name()


class UnitQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(valid_from__lte=day).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day)
        )


class Unit(models.Model):
    """An organisational unit (組室). Data with effective dates: agencies reorganise."""

    class Kind(models.TextChoices):
        DIVISION = "division", _("組")
        OFFICE = "office", _("室")
        BRANCH = "branch", _("所")

    code = models.SlugField(_("代碼"), max_length=30, unique=True)
    name = models.CharField(_("名稱"), max_length=100)
    short_name = models.CharField(_("簡稱"), max_length=30, blank=True)
    kind = models.CharField(_("類型"), max_length=20, choices=Kind.choices)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    valid_from = models.DateField(_("生效日"), default=timezone.localdate)
    valid_until = models.DateField(_("失效日"), null=True, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("組室")
        verbose_name_plural = _("組室")
        # Capabilities, held per unit (guardian) or agency-wide (groups).
        default_permissions = ("add", "change", "delete", "view")
        permissions = [(cap.value, cap.label) for cap in Capability]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="unit_valid_range",
            )
        ]

    def __str__(self):
        return self.name


class MembershipQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(valid_from__lte=day).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day)
        )


class Membership(models.Model):
    """A person's role in a unit, for a period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("人員"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("組室")
    )
    role = models.CharField(_("單位角色"), max_length=20, choices=UnitRole.choices)
    valid_from = models.DateField(_("生效日"), default=timezone.localdate)
    valid_until = models.DateField(_("失效日"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["unit__sort_order", "role", "user__username"]
        verbose_name = _("單位成員")
        verbose_name_plural = _("單位成員")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role", "valid_from"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="membership_valid_range",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class AppendOnlyQuerySet(models.QuerySet):
    """Append-only records: bulk updates and deletes are refused, in the model's words."""

    def update(self, **kwargs):
        raise TrailImmutableError(self.model.UPDATE_REFUSED)

    def delete(self):
        raise TrailImmutableError(self.model.DELETE_REFUSED)

    _raw_delete = delete


class TrailImmutableError(Exception):
    pass


class AppendOnlyRecord(models.Model):
    """A record that is written once: changing or deleting one, alone or in bulk, is refused.
    (On PostgreSQL, triggers refuse it in the database as well.)"""

    UPDATE_REFUSED = ""
    DELETE_REFUSED = ""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TrailImmutableError(self.UPDATE_REFUSED)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TrailImmutableError(self.DELETE_REFUSED)


class TrailEvent(AppendOnlyRecord):
    """One state change of one case, chained to the case's previous event.

    `content_hash` is the SHA-256 of this event's content and `previous_hash`
    (see `scheme`), so editing or deleting any event breaks the chain at the
    next one; `TrailHead` holds the last hash so removing the tail is found too.
    """

    case_kind = models.CharField(_("案件類別"), max_length=30)
    case_ref = models.CharField(_("案號"), max_length=60)
    sequence = models.PositiveIntegerField(_("序號"))
    occurred_at = models.DateTimeField(_("時間"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("執行人"),
    )
    # The name as it was at the time: people change names and leave.
    actor_name = models.CharField(_("執行人姓名"), max_length=150)
    action = models.CharField(_("動作"), max_length=60)
    from_state = models.CharField(_("原狀態"), max_length=60, blank=True)
    to_state = models.CharField(_("新狀態"), max_length=60, blank=True)
    comment = models.TextField(_("意見"), blank=True)
    attachments = models.JSONField(_("附件指紋"), default=list, blank=True)
    previous_hash = models.CharField(_("前一事件雜湊"), max_length=64)
    content_hash = models.CharField(_("本事件雜湊"), max_length=64)
    # How content_hash is computed (governance.trail.compute_hash): 1 over the whole content
    # with previous_hash; 2 over previous_hash, sequence and the body's own hash.
    scheme = models.PositiveSmallIntegerField(_("雜湊方式"), default=2)

    UPDATE_REFUSED = _("事件軌跡只能新增，不能修改。")
    DELETE_REFUSED = _("事件軌跡只能新增，不能刪除。")

    class Meta:
        ordering = ["case_kind", "case_ref", "sequence"]
        verbose_name = _("事件軌跡")
        verbose_name_plural = _("事件軌跡")
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["case_kind", "case_ref", "sequence"], name="trail_event_sequence")
        ]

    def __str__(self):
        return f"{self.case_kind}:{self.case_ref} #{self.sequence} {self.action}"


class TrailHead(models.Model):
    """The last event of each case's chain; the row locked while appending."""

    case_kind = models.CharField(max_length=30)
    case_ref = models.CharField(max_length=60)
    last_sequence = models.PositiveIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
    # The hash before the last event's: the one-statement append returns it as the new
    # event's previous_hash.
    previous_hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["case_kind", "case_ref"], name="trail_head_case")]


class FailedTask(models.Model):
    """A background task that failed for good (retries used up, or an error not worth
    retrying): kept for the administrator, so nothing is lost silently."""

    task_name = models.CharField(_("工作"), max_length=200)
    task_id = models.CharField(_("工作代號"), max_length=100, blank=True)
    arguments = models.TextField(_("參數"), blank=True)
    error = models.TextField(_("錯誤"))
    traceback = models.TextField(_("追蹤資訊"), blank=True)
    failed_at = models.DateTimeField(_("失敗時間"), default=timezone.now)
    retries = models.PositiveIntegerField(_("已重試次數"), default=0)
    resolved = models.BooleanField(_("已處理"), default=False)

    class Meta:
        ordering = ["-failed_at", "-pk"]
        verbose_name = _("失敗的背景工作")
        verbose_name_plural = _("失敗的背景工作")

    def __str__(self):
        return f"{self.task_name} {self.failed_at:%Y-%m-%d %H:%M}"


class ReminderOffset(models.Model):
    """When reminders go out, in days from the due date (−7: a week before; +1: a day
    late), and how far up they reach. The defaults are docs/domain.md's (「到期提醒與逾期陳報」); an administrator edits
    them. Reminders after the due date escalate: liaison, then unit head, then director."""

    class Level(models.IntegerChoices):
        RESPONSIBLE = 0, _("承辦人（連絡窗口）")
        HEAD = 1, _("加送組室主管")
        DIRECTOR = 2, _("加送館長")

    days = models.SmallIntegerField(
        _("相對期限日數"), unique=True, help_text=_("負數為期限前，正數為逾期後，0 為當天。")
    )
    level = models.PositiveSmallIntegerField(_("通知層級"), choices=Level.choices, default=Level.RESPONSIBLE)

    class Meta:
        ordering = ["days"]
        verbose_name = _("提醒時點")
        verbose_name_plural = _("提醒時點")

    def __str__(self):
        return f"{self.days:+d}"


class Notification(models.Model):
    """One message to one person: shown in the app, and e-mailed unless they opted out.

    `key` names what it is about (a case, its due date and the reminder's offset; a digest's
    week): unique per person, so a job that runs twice never makes a second one.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("到期提醒")
        ESCALATION = "escalation", _("逾期陳報")
        DIGEST = "digest", _("每週待辦摘要")
        EVENT = "event", _("案件動態")
        TASK = "task", _("新任務")
        # The signed daily digest of every trail chain's head, for the auditors
        # (governance.trail_anchor): sent whatever their preferences, like escalations.
        TRAIL_DIGEST = "trail_digest", _("事件軌跡每日摘要")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("收件人"),
    )
    kind = models.CharField(_("類別"), max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=200)
    subject = models.CharField(_("主旨"), max_length=300)
    body = models.TextField(_("內容"))
    url = models.CharField(_("連結"), max_length=500, blank=True)
    due_date = models.DateField(_("期限"), null=True, blank=True)
    created_at = models.DateTimeField(_("通知時間"), default=timezone.now)
    read_at = models.DateTimeField(_("已讀時間"), null=True, blank=True)
    # E-mail: wanted when the person takes this kind by e-mail (escalations always);
    # emailed_at is set in the same transaction as the sending, one notification at a time.
    email_wanted = models.BooleanField(default=True)
    emailed_at = models.DateTimeField(_("寄出時間"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.TextField(_("寄送錯誤"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            # A person's list, a page at a time in its order (governance.paging).
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_list"),
            # The outbox: the e-mails still to send, walked in key order (a partial index stays
            # as small as the day's pending mail, however long the history).
            models.Index(
                fields=["id"],
                name="notification_outbox",
                condition=models.Q(emailed_at__isnull=True, email_wanted=True),
            ),
            # Case and task notices still unread, which settle() looks through: as small as
            # what people have not read yet.
            models.Index(
                fields=["key"],
                name="notification_unread_event",
                condition=models.Q(read_at__isnull=True, kind__in=["event", "task"]),
            ),
        ]

    def __str__(self):
        return self.subject


class NotificationPreference(models.Model):
    """What a person wants to be told. Escalations are not optional."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    tasks = models.BooleanField(_("新任務"), default=True)
    events = models.BooleanField(_("案件動態"), default=True)
    reminders = models.BooleanField(_("到期提醒"), default=True)
    digest = models.BooleanField(_("每週待辦摘要"), default=True)
    email = models.BooleanField(_("同時寄送電子郵件"), default=True)

    class Meta:
        verbose_name = _("通知設定")
        verbose_name_plural = _("通知設定")


# The plan, its tracking and meetings live in their own module (step 6).
class FormSubmission(models.Model):
    """A form that creates something, posted once: its hidden token is claimed here, so a
    double click or a resent form finds the token taken and shows what the first post made."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    result_url = models.CharField(max_length=500, blank=True)


class CaseDeletionError(Exception):
    """Cases are records: they change state (withdrawn, closed), they are never deleted."""


class KeptQuerySet(models.QuerySet):
    def delete(self):
        raise CaseDeletionError(_("案件不能刪除；請以撤回、結案等狀態處理，並留下事件軌跡。"))

    _raw_delete = delete


class KeptRecord(models.Model):
    """A case model whose rows are never deleted, through the ORM or the admin."""

    objects = KeptQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise CaseDeletionError(_("案件不能刪除；請以撤回、結案等狀態處理，並留下事件軌跡。"))


class StepInstruction(models.Model):
    """What a flow step's task page tells the person doing it, as the administrator words it.

    One row per human step of every flow (made after migrate); a blank text means the
    step's own default (its node's description), so a wording improved in code reaches every
    step the administrator has not reworded."""

    step = models.CharField(_("步驟"), max_length=200, unique=True)
    text = models.TextField(_("辦理說明"), blank=True, help_text=_("留空則使用系統預設說明。"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("步驟辦理說明")
        verbose_name_plural = _("步驟辦理說明")

    def __str__(self):
        return self.step


class IssuedDocument(models.Model):
    """A document the system issued with a verification code (查驗碼) printed on it.

    Apps write a row each time they make such a PDF (governance.verification.issue_pdf), so
    whoever holds the paper can ask /verify/ whether it is genuine, when it was made and for
    which case or person. What is kept is what was printed: the case's number and title, the
    person's name, as they were then.
    """

    class Kind(models.TextChoices):
        CASE_TRAIL = "case_trail", _("案件軌跡")
        APPRAISAL_EVIDENCE = "appraisal_evidence", _("考績佐證資料")

    # Random, 100 bits, in Crockford's base 32 without its dashes (governance.verification).
    code = models.CharField(_("查驗碼"), max_length=20, unique=True)
    kind = models.CharField(_("文件類別"), max_length=30, choices=Kind.choices)
    issued_at = models.DateTimeField(_("產製時間"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("產製人"),
        help_text=_("空白表示由系統指令產製。"),
    )
    # A case trail: the case's kind, trail reference and number; the title is `subject`.
    case_kind = models.CharField(_("案件類別"), max_length=30, blank=True)
    case_ref = models.CharField(max_length=60, blank=True)
    case_number = models.CharField(_("案號"), max_length=30, blank=True)
    # Appraisal evidence: the person; their name as printed is `subject`.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("人員"),
    )
    subject = models.TextField()
    # The file's own fingerprint, computed after it was made: a digital copy can be checked
    # against it (the printed code cannot hold the hash of the file it is printed in).
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("已產製文件")
        verbose_name_plural = _("已產製文件")
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.get_kind_display()} {self.case_number or self.subject} {self.code}"


class PersonalDataAccess(AppendOnlyRecord):
    """One read or change of one person's personal data (個人資料保護法): who, whom, what,
    when, from where.

    The whole log is one hash chain (governance.access_log): `hash` covers this record's
    fields, its sequence and `previous_hash`, so editing or deleting a record breaks the chain
    at the next one, and PersonalDataAccessHead holds the last hash so a removed tail shows too.
    Names are kept as they were at the time: people change names and leave.
    """

    class Action(models.TextChoices):
        # Reads of a person's appraisal evidence and rewards.
        EVIDENCE_PAGE = "evidence_page", _("檢視考績佐證頁面")
        EVIDENCE_LIST = "evidence_list", _("檢視考績佐證人員清單")
        EVIDENCE_PDF = "evidence_pdf", _("下載考績佐證 PDF")
        EVIDENCE_BATCH_ZIP = "evidence_batch_zip", _("下載考績佐證批次 ZIP")
        REWARD_VIEW = "reward_view", _("檢視提案個人獎勵")
        REWARD_EXPORT = "reward_export", _("匯出獎勵清冊")
        # Changes of a person's roles and status.
        MEMBERSHIP_ADDED = "membership_added", _("加入單位職務")
        MEMBERSHIP_CHANGED = "membership_changed", _("修改單位職務")
        MEMBERSHIP_ENDED = "membership_ended", _("結束單位職務")
        AGENCY_ROLES_CHANGED = "agency_roles_changed", _("變更全機關角色")
        PERMISSIONS_CHANGED = "permissions_changed", _("變更個別權限")
        ACTIVATED = "activated", _("啟用帳號")
        DEACTIVATED = "deactivated", _("停用帳號")
        STAFF_GRANTED = "staff_granted", _("授予管理介面權限")
        STAFF_REVOKED = "staff_revoked", _("撤銷管理介面權限")
        SUPERUSER_GRANTED = "superuser_granted", _("授予超級使用者")
        SUPERUSER_REVOKED = "superuser_revoked", _("撤銷超級使用者")

    sequence = models.PositiveBigIntegerField(_("序號"), unique=True)
    occurred_at = models.DateTimeField(_("時間"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("存取者"),
    )
    actor_name = models.CharField(_("存取者姓名"), max_length=150)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("當事人"),
    )
    subject_name = models.CharField(_("當事人姓名"), max_length=150)
    action = models.CharField(_("動作"), max_length=40, choices=Action.choices)
    detail = models.CharField(_("說明"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("來源 IP"), null=True, blank=True)
    request_id = models.CharField(_("請求代號"), max_length=64, blank=True)
    previous_hash = models.CharField(_("前一筆雜湊"), max_length=64)
    hash = models.CharField(_("本筆雜湊"), max_length=64)

    UPDATE_REFUSED = _("個資存取紀錄只能新增，不能修改。")
    DELETE_REFUSED = _("個資存取紀錄只能新增，不能刪除。")

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("個資存取紀錄")
        verbose_name_plural = _("個資存取紀錄")
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["subject", "-sequence"], name="access_subject"),
            models.Index(fields=["actor", "-sequence"], name="access_actor"),
            models.Index(fields=["occurred_at"], name="access_occurred"),
        ]

    def __str__(self):
        return f"#{self.sequence} {self.actor_name} {self.action} {self.subject_name}"


class PersonalDataAccessHead(models.Model):
    """The access log's last record (one row): locked while appending, so writers take turns,
    and compared with the last record when verifying, so a removed tail is found."""

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        default_permissions = ()
