"""Complaints and appeals (pengaduan): each with its receipt number, its deadline from the
dated days per category, who handles it, its decision and what was done after it. States and
refusals are in `lifecycle.py`; changes go through `services.py` only."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rentan.complaints.lifecycle import (
    Category,
    Channel,
    ComplaintStatus,
    Decision,
    FollowUp,
    Reporter,
)
from rentan.core.choices import ChoiceLabels


class ComplaintDeadline(ChoiceLabels, models.Model):
    """Days allowed to answer a complaint of one category, from a date on: a change is a new
    row, so a complaint is judged by the days in force when it was received."""

    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    days = models.PositiveSmallIntegerField(_("batas waktu (hari)"))
    effective_on = models.DateField(_("berlaku sejak"))
    reference = models.CharField(_("dasar"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("batas waktu pengaduan")
        verbose_name_plural = _("batas waktu pengaduan")
        ordering = ["category", "-effective_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "effective_on"], name="complaint_deadline_once_per_day"
            ),
            models.CheckConstraint(condition=models.Q(days__gte=1), name="complaint_days_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.days} hari sejak {self.effective_on}"


class ReceiptCounter(models.Model):
    """The last receipt serial given in a year. Taken by an UPDATE that adds one, so two desks
    recording at once wait for each other's row and never get the same number."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("nomor tanda terima terakhir")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Complaint(ChoiceLabels, models.Model):
    number = models.CharField(_("nomor tanda terima"), max_length=20, unique=True)
    received_on = models.DateField(_("diterima pada"))
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    reporter = models.CharField(_("pelapor"), max_length=10, choices=Reporter.choices)
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("pekerja"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    reporter_name = models.CharField(_("nama pelapor"), max_length=200, blank=True)
    reporter_contact = models.CharField(_("kontak pelapor"), max_length=200, blank=True)
    # Whose desk answers it and who may see it: the person's kelurahan when it was recorded,
    # or the one the desk named for a reporter not in the registry.
    kelurahan = models.ForeignKey(
        "regions.Area",
        verbose_name=_("kelurahan"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    cycle = models.ForeignKey(
        "programmes.Cycle",
        verbose_name=_("periode"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    appeals = models.ForeignKey(
        "self",
        verbose_name=_("banding atas"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appealed_by",
    )
    text = models.TextField(_("isi pengaduan"))
    lapor_reference = models.CharField(_("nomor rujukan SP4N-LAPOR!"), max_length=60, blank=True)
    due_on = models.DateField(_("batas waktu"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.RECEIVED,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ditangani oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_complaints",
    )
    decision = models.CharField(_("putusan"), max_length=12, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("alasan putusan"), blank=True)
    decided_on = models.DateField(_("diputus pada"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputus oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What the explanation said when the complaint was decided, for a complaint about the
    # selection: the re-check the decision rests on.
    recheck_verdict = models.TextField(_("hasil pemeriksaan ulang"), blank=True)
    follow_up = models.CharField(
        _("tindak lanjut"), max_length=20, choices=FollowUp.choices, blank=True
    )
    follow_up_note = models.TextField(_("catatan tindak lanjut"), blank=True)
    closed_on = models.DateField(_("selesai pada"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("pengaduan")
        verbose_name_plural = _("pengaduan")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["kelurahan", "status", "due_on"], name="complaint_area_due"),
            models.Index(fields=["status", "due_on"], name="complaint_due"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in (ComplaintStatus.RECEIVED, ComplaintStatus.IN_REVIEW)

    @property
    def is_upheld(self) -> bool:
        return self.decision in (Decision.UPHELD, Decision.PARTLY_UPHELD)

    @property
    def complainant(self) -> str:
        """Who brought it, as the pages and the receipt name them."""
        if self.reporter == Reporter.ANONYMOUS:
            return str(_("Anonim"))
        if self.reporter == Reporter.OTHER:
            return self.reporter_name
        return self.person.name if self.person else ""
