"""Appraisal evidence (考績佐證): each PDF as issued, and HR's batches of them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models import Unit


class EvidenceDocument(models.Model):
    """One appraisal evidence PDF as it was issued: whose, which period, its data fingerprint.

    Written each time a document is generated, so a fingerprint printed on paper can be
    looked up: who it belongs to, when and by whom it was made.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="evidence_documents",
        verbose_name=_("人員"),
    )
    start = models.DateField(_("期間起日"))
    end = models.DateField(_("期間迄日"))
    fingerprint = models.CharField(_("資料指紋（SHA-256）"), max_length=64, db_index=True)
    generated_at = models.DateTimeField(_("產製時間"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("產製人"),
        help_text=_("空白表示由系統指令產製。"),
    )

    class Meta:
        db_table = "governance_evidencedocument"  # kept from before the move to evidence/
        ordering = ["-generated_at", "-pk"]
        verbose_name = _("考績佐證產製紀錄")
        verbose_name_plural = _("考績佐證產製紀錄")
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.person} {self.start}–{self.end} {self.fingerprint[:12]}"


class EvidenceBatch(models.Model):
    """HR's request for the evidence PDFs of a unit (or everyone) for a period.

    Each person is one item, rendered by its own background task; the batch is finished
    when every item is done or has failed for good, and its ZIP is made from the items.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申請人")
    )
    requested_at = models.DateTimeField(_("申請時間"), default=timezone.now)
    start = models.DateField(_("期間起日"))
    end = models.DateField(_("期間迄日"))
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("單位"),
        help_text=_("空白表示全部人員。"),
    )
    with_items = models.BooleanField(_("只含有紀錄者"), default=False)

    class Meta:
        db_table = "governance_evidencebatch"  # kept from before the move to evidence/
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("考績佐證批次")
        verbose_name_plural = _("考績佐證批次")


class EvidenceBatchItem(models.Model):
    """One person's PDF in a batch. Kept in the database, so any worker on any machine
    can write it and any web process can put it in the ZIP."""

    batch = models.ForeignKey(EvidenceBatch, on_delete=models.CASCADE, related_name="items")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    filename = models.CharField(max_length=200, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    content = models.BinaryField(null=True, editable=False)
    done_at = models.DateTimeField(null=True, blank=True)
    # Done without a PDF: the batch asked only for people with items, and this one has none.
    skipped = models.BooleanField(default=False)
    failed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # When its task was last handed to the broker: an item not done long after is queued
    # again (evidence_batches.requeue_stalled_items), since a broker can lose a message.
    queued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "governance_evidencebatchitem"  # kept from before the move to evidence/
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "person"], name="evidence_batch_item_once"),
        ]
