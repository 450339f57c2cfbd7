"""Memberships with BPJS Ketenagakerjaan, the files exchanged with the branch, bills, claims."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rentan.core.choices import ChoiceLabels
from rentan.enrollment.states import BADGE, EndReason, MembershipStatus, may_move
from rentan.programmes.models import Benefit
from rentan.registry.models import ROSTER_NAME_ORDER
from rentan.registry.nik import mask_nik


class ExchangeKind(models.TextChoices):
    REGISTRATION = "registration", _("Berkas pendaftaran ke BPJS")
    REPLY = "reply", _("Balasan pendaftaran dari BPJS")
    BILL = "bill", _("Surat tagihan iuran dari BPJS")


class ExchangeFile(ChoiceLabels, models.Model):
    """A file sent to or received from the BPJS branch, with what happened to each row."""

    kind = models.CharField(_("jenis berkas"), max_length=12, choices=ExchangeKind.choices)
    cycle = models.ForeignKey(
        "programmes.Cycle",
        verbose_name=_("periode"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exchange_files",
    )
    filename = models.CharField(_("nama berkas"), max_length=255)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("jumlah baris"))
    # Per row: {"row": 2, "nik": "3375********0001", "outcome": "...", "message": "..."}.
    results = models.JSONField(_("hasil per baris"), default=list, blank=True)
    summary = models.JSONField(_("ringkasan"), default=dict, blank=True)
    content = models.BinaryField(_("isi berkas"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("berkas pertukaran BPJS")
        verbose_name_plural = _("berkas pertukaran BPJS")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename

    def row_results(self) -> list[dict[str, object]]:
        """Each row's result with its label and badge in the words the membership uses
        ("Didaftarkan", "Aktif", "Ditolak"), never the stored code."""
        shown = []
        for result in self.results:
            outcome = result.get("outcome", "")
            status = ROW_OUTCOME_STATUS.get(outcome)
            if status is not None:
                label, badge = status.label, BADGE.get(status, "")
            elif outcome == "problem":
                label, badge = _("Bermasalah, tidak diproses"), "off"
            elif "amount" in result:
                label, badge = _("Ditagih"), ""
            else:
                label, badge = outcome, ""
            # A list shows NIKs masked; a problem row kept the NIK as the file wrote it.
            nik = mask_nik(str(result.get("nik", "")))
            shown.append({**result, "nik": nik, "label": label, "badge": badge})
        return shown


# What a row of an exchanged file did to its membership: sent to the branch, made a
# member, or refused (the reason kept beside it).
ROW_OUTCOME_STATUS = {
    "sent": MembershipStatus.REGISTERED,
    "accepted": MembershipStatus.ACTIVE,
    "rejected": MembershipStatus.REJECTED,
}


class RegistrationMapping(models.Model):
    """The columns of the branch's registration template for one programme (data, not code).

    `columns` is a list of {"header": "NIK", "field": "nik", "format": "text"}; the fields and
    formats are those of bpjs_files.FIELDS and bpjs_files.FORMATS.
    """

    programme = models.OneToOneField(
        "programmes.Programme",
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="registration_mapping",
    )
    sheet_name = models.CharField(_("nama lembar"), max_length=31, default="Pendaftaran")
    columns = models.JSONField(_("kolom"), default=list)

    class Meta:
        verbose_name = _("susunan kolom berkas pendaftaran")
        verbose_name_plural = _("susunan kolom berkas pendaftaran")

    def __str__(self) -> str:
        return f"{self.programme}: {len(self.columns)} kolom"


class Membership(ChoiceLabels, models.Model):
    """A person's membership (kepesertaan) in one cycle; its status changes only through
    services.memberships.change_membership_status, which keeps the history in MembershipChange."""

    cycle = models.ForeignKey(
        "programmes.Cycle",
        verbose_name=_("periode"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("pekerja"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    placement = models.OneToOneField(
        "programmes.Placement",
        verbose_name=_("penempatan"),
        on_delete=models.PROTECT,
        related_name="membership",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=MembershipStatus.choices,
        default=MembershipStatus.APPROVED,
    )
    # The month cover is asked to begin: the cycle's start, or for a replacement the month
    # after it was approved. Part of the registration file, so fixed at creation.
    requested_start_on = models.DateField(_("diminta mulai"))
    kpj_number = models.CharField(_("nomor KPJ"), max_length=11, blank=True, db_index=True)
    start_on = models.DateField(_("mulai kepesertaan"), null=True, blank=True)
    rejection_reason = models.CharField(_("alasan penolakan"), max_length=255, blank=True)
    ended_on = models.DateField(_("berhenti pada"), null=True, blank=True)
    end_reason = models.CharField(
        _("alasan berhenti"), max_length=12, choices=EndReason.choices, blank=True
    )
    registration_file = models.ForeignKey(
        ExchangeFile,
        verbose_name=_("berkas pendaftaran"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status_changed_on = models.DateField(_("status berubah pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("kepesertaan")
        verbose_name_plural = _("kepesertaan")
        ordering = ["cycle", ROSTER_NAME_ORDER, "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "person"], name="one_membership_per_cycle")
        ]
        indexes = [models.Index(fields=["cycle", "status"])]

    def __str__(self) -> str:
        return f"{self.cycle} {self.person_id} {self.status}"

    @property
    def may_end(self) -> bool:
        return may_move(MembershipStatus(self.status), MembershipStatus.ENDED)

    @property
    def status_badge(self) -> str:
        return BADGE.get(MembershipStatus(self.status), "")


class MembershipChange(ChoiceLabels, models.Model):
    """One status change of a membership: from, to, on which date, why, and who."""

    membership = models.ForeignKey(
        Membership, verbose_name=_("kepesertaan"), on_delete=models.CASCADE, related_name="changes"
    )
    from_status = models.CharField(
        _("dari"), max_length=12, choices=MembershipStatus.choices, blank=True
    )
    to_status = models.CharField(_("menjadi"), max_length=12, choices=MembershipStatus.choices)
    on = models.DateField(_("tanggal"))
    reason = models.CharField(_("alasan"), max_length=255, blank=True)
    exchange_file = models.ForeignKey(
        ExchangeFile,
        verbose_name=_("berkas"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("perubahan status kepesertaan")
        verbose_name_plural = _("perubahan status kepesertaan")
        ordering = ["membership", "at", "id"]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.from_status} > {self.to_status}"


class Bill(models.Model):
    """The branch's bill (surat tagihan) for one month of one cycle, as imported."""

    cycle = models.ForeignKey(
        "programmes.Cycle", verbose_name=_("periode"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("bulan tagihan"))  # always the 1st
    stated_total = models.PositiveBigIntegerField(_("total tertulis di tagihan"), null=True)
    file = models.ForeignKey(
        ExchangeFile, verbose_name=_("berkas"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("surat tagihan")
        verbose_name_plural = _("surat tagihan")
        ordering = ["cycle", "month"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "month"], name="one_bill_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.cycle} {self.month:%Y-%m}"


class BillLine(models.Model):
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="lines")
    nik = models.CharField(_("NIK"), max_length=16)
    kpj_number = models.CharField(_("nomor KPJ"), max_length=11, blank=True)
    name = models.CharField(_("nama"), max_length=150, blank=True)
    amount = models.PositiveIntegerField(_("iuran (Rp)"))

    class Meta:
        verbose_name = _("baris tagihan")
        verbose_name_plural = _("baris tagihan")

    def __str__(self) -> str:
        return f"{self.bill_id} {self.nik[:4]}… {self.amount}"


class Payment(models.Model):
    """The city's payment of one month's premiums; due by the 15th of that month."""

    cycle = models.ForeignKey(
        "programmes.Cycle", verbose_name=_("periode"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("bulan iuran"))
    amount = models.PositiveBigIntegerField(_("jumlah dibayar (Rp)"))
    paid_on = models.DateField(_("dibayar pada"))
    reference = models.CharField(_("nomor bukti bayar (SP2D)"), max_length=100, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("pembayaran iuran")
        verbose_name_plural = _("pembayaran iuran")
        ordering = ["cycle", "month"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "month"], name="one_payment_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.cycle} {self.month:%Y-%m}"


class ClaimKind(models.TextChoices):
    JKM_DEATH = "jkm_death", _("JKM: meninggal dunia")
    JKK_MEDICAL = "jkk_medical", _("JKK: perawatan dan pengobatan")
    JKK_TEMPORARY = "jkk_temporary", _("JKK: sementara tidak mampu bekerja (STMB)")
    JKK_DISABILITY = "jkk_disability", _("JKK: cacat total tetap")
    JKK_DEATH = "jkk_death", _("JKK: meninggal karena kecelakaan kerja")


class BenefitRate(ChoiceLabels, models.Model):
    """A dated benefit rule: a fixed amount plus a multiple of the declared monthly income."""

    claim_kind = models.CharField(_("jenis klaim"), max_length=16, choices=ClaimKind.choices)
    effective_on = models.DateField(_("berlaku sejak"))
    fixed_amount = models.PositiveBigIntegerField(_("jumlah tetap (Rp)"), default=0)
    income_multiple = models.PositiveSmallIntegerField(_("kali penghasilan dilaporkan"), default=0)
    is_ceiling = models.BooleanField(_("batas tertinggi (bukan jumlah pasti)"), default=False)
    regulation = models.CharField(_("dasar peraturan"), max_length=200)

    class Meta:
        verbose_name = _("tabel manfaat")
        verbose_name_plural = _("tabel manfaat")
        ordering = ["claim_kind", "-effective_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim_kind", "effective_on"], name="one_benefit_rate_per_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.claim_kind} {self.effective_on:%Y-%m-%d}"


class ClaimStatus(models.TextChoices):
    REPORTED = "reported", _("Dilaporkan")
    DOCUMENTS_COMPLETE = "complete", _("Berkas lengkap")
    PAID = "paid", _("Dibayar")
    REFUSED = "refused", _("Ditolak")


class Claim(ChoiceLabels, models.Model):
    """A JKK or JKM event of a member, and what the branch paid for it."""

    membership = models.ForeignKey(
        Membership, verbose_name=_("kepesertaan"), on_delete=models.PROTECT, related_name="claims"
    )
    benefit = models.CharField(_("program"), max_length=3, choices=Benefit.choices)
    kind = models.CharField(_("jenis klaim"), max_length=16, choices=ClaimKind.choices)
    event_on = models.DateField(_("tanggal kejadian"))
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.REPORTED
    )
    was_active_on_event = models.BooleanField(_("aktif pada tanggal kejadian"))
    estimated_benefit = models.PositiveBigIntegerField(_("perkiraan manfaat (Rp)"), null=True)
    benefit_paid = models.PositiveBigIntegerField(_("manfaat dibayar (Rp)"), null=True, blank=True)
    note = models.TextField(_("keterangan"), blank=True)
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
        verbose_name = _("klaim")
        verbose_name_plural = _("klaim")
        ordering = ["-event_on", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_on:%Y-%m-%d}"
