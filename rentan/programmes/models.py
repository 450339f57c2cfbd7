"""Programmes, their yearly cycles, the dated rules they apply, and the allocation results."""

from calendar import monthrange
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rentan.core.choices import ChoiceLabels
from rentan.programmes import lifecycle
from rentan.programmes.allocation import QuotaBasis


class Benefit(models.TextChoices):
    JKK = "JKK", _("Jaminan Kecelakaan Kerja (JKK)")
    JKM = "JKM", _("Jaminan Kematian (JKM)")
    JHT = "JHT", _("Jaminan Hari Tua (JHT)")


class Programme(models.Model):
    """A local government's programme paying BPJS Ketenagakerjaan premiums for workers.

    Everything that differs between kabupaten/kota is a field here or a dated record
    elsewhere: the region, the legal basis, the rules and their parameters, the weights.
    """

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama program"), max_length=200)
    sponsor = models.CharField(_("penyelenggara"), max_length=200)
    legal_basis = models.CharField(_("dasar hukum"), max_length=200)
    insurer_branch = models.CharField(_("kantor cabang BPJS Ketenagakerjaan"), max_length=200)
    benefits = models.JSONField(_("program jaminan"), default=list)  # Benefit values
    region = models.ForeignKey(
        "regions.Area", verbose_name=_("wilayah"), on_delete=models.PROTECT, related_name="+"
    )
    # Which eligibility rules apply and with which parameters, e.g.
    # {"age": {"min": 18, "max": 65}, "one_per_household": {}, "no_social_assistance":
    #  {"schemes": ["PKH", "BPNT"]}, ...}; the rule codes are defined in eligibility.py.
    eligibility_rules = models.JSONField(_("aturan kelayakan"), default=dict)
    # Vulnerability score weights, e.g. {"low_income": 30, "dependents": 5, ...}; the factor
    # codes are defined in scoring.py.
    score_weights = models.JSONField(_("bobot skor kerentanan"), default=dict)
    # The last change of the rules or weights (programmes.services.change_programme_rules;
    # every change is kept in the audit trail with its before and after): the day the
    # decision takes effect, what it rests on, and who entered it when.
    rules_effective_on = models.DateField(_("aturan berlaku sejak"), null=True, blank=True)
    rules_reference = models.CharField(_("dasar perubahan aturan"), max_length=200, blank=True)
    rules_changed_at = models.DateTimeField(_("aturan diubah pada"), null=True, blank=True)
    rules_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aturan diubah oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("program")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RateTable(models.Model):
    """Premium rules for BPU (non-wage) participants in force from a date, per regulation."""

    name = models.CharField(_("nama"), max_length=200)
    regulation = models.CharField(_("dasar peraturan"), max_length=200)
    effective_on = models.DateField(_("berlaku sejak"), unique=True)
    jkk_rate = models.DecimalField(_("tarif JKK (pecahan)"), max_digits=6, decimal_places=4)
    minimum_declared_income = models.PositiveIntegerField(_("penghasilan terendah dilaporkan"))
    jkm_amount = models.PositiveIntegerField(_("iuran JKM per bulan (Rp)"))
    discount_percent = models.DecimalField(
        _("potongan iuran (%)"), max_digits=5, decimal_places=2, default=0
    )
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("tabel tarif iuran")
        verbose_name_plural = _("tabel tarif iuran")
        ordering = ["-effective_on"]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_on:%Y-%m-%d})"


class CycleStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    ALLOCATED = "allocated", _("Sudah dialokasikan")
    APPROVED = "approved", _("Ditetapkan")
    RUNNING = "running", _("Berjalan")
    CLOSED = "closed", _("Ditutup")


class Cycle(ChoiceLabels, models.Model):
    """One programme year (periode): its places, its budget and its months of cover."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("program"), on_delete=models.PROTECT, related_name="cycles"
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    target = models.PositiveIntegerField(_("target peserta"))
    budget_ceiling = models.PositiveBigIntegerField(_("pagu anggaran (Rp)"))
    coverage_start_on = models.DateField(_("awal masa perlindungan"))
    coverage_months = models.PositiveSmallIntegerField(_("lama perlindungan (bulan)"), default=12)
    declared_income = models.PositiveIntegerField(
        _("penghasilan yang dilaporkan ke BPJS (Rp)"), default=1_000_000
    )
    # Records verified after this day do not count for this cycle (the pendataan's cut-off);
    # empty means the start of coverage.
    verification_cutoff_on = models.DateField(_("batas verifikasi data"), null=True, blank=True)
    quota_basis = models.CharField(
        _("kuota per kelurahan"),
        max_length=12,
        choices=QuotaBasis.choices,
        default=QuotaBasis.NONE,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CycleStatus.choices, default=CycleStatus.DRAFT
    )
    decree_reference = models.CharField(_("nomor SK penetapan"), max_length=200, blank=True)
    approved_at = models.DateTimeField(_("ditetapkan pada"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ditetapkan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("periode")
        verbose_name_plural = _("periode")
        ordering = ["programme", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="one_cycle_per_year")
        ]

    def __str__(self) -> str:
        # The one label of a cycle wherever it is shown: the programme's name and the year,
        # as its users call it, never the internal code.
        return f"{self.programme.name} {self.year}"

    @property
    def is_draft(self) -> bool:
        return bool(self.status == lifecycle.DRAFT)

    @property
    def may_allocate(self) -> bool:
        return lifecycle.may_move(self.status, lifecycle.ALLOCATED)

    @property
    def may_approve(self) -> bool:
        return lifecycle.may_move(self.status, lifecycle.APPROVED)

    @property
    def cutoff_on(self) -> date:
        return self.verification_cutoff_on or self.coverage_start_on

    @property
    def coverage_end_on(self) -> date:
        """The last day of cover: the day before the start plus the months."""
        month = self.coverage_start_on.month - 1 + self.coverage_months
        year = self.coverage_start_on.year + month // 12
        first_after = date(year, month % 12 + 1, 1)
        day = min(self.coverage_start_on.day, monthrange(first_after.year, first_after.month)[1])
        return first_after.replace(day=day) - timedelta(days=1)


class DecisionAction(models.TextChoices):
    ADD = "add", _("Ditambahkan ke daftar rentan")
    REMOVE = "remove", _("Dikeluarkan dari daftar rentan")


class OccupationDecision(ChoiceLabels, models.Model):
    """A coordination-team decision about one job type; the list in force is derived."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="occupation_decisions",
    )
    occupation = models.ForeignKey(
        "registry.Occupation",
        verbose_name=_("jenis pekerjaan"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    action = models.CharField(_("keputusan"), max_length=10, choices=DecisionAction.choices)
    effective_on = models.DateField(_("berlaku sejak"))
    reference = models.CharField(_("dasar (SK/notulen)"), max_length=200)
    note = models.TextField(_("catatan"), blank=True)
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
        verbose_name = _("keputusan jenis pekerjaan")
        verbose_name_plural = _("keputusan jenis pekerjaan")
        ordering = ["effective_on", "id"]

    def __str__(self) -> str:
        return f"{self.occupation} {self.action} {self.effective_on:%Y-%m-%d}"


class MinimumWage(models.Model):
    """UMK of a kabupaten/kota for a year: the yardstick for a low income in scoring."""

    region = models.ForeignKey(
        "regions.Area",
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    amount = models.PositiveIntegerField(_("UMK (Rp)"))
    source = models.CharField(_("sumber"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("UMK")
        verbose_name_plural = _("UMK")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="one_umk_per_region_year")
        ]

    def __str__(self) -> str:
        return f"UMK {self.year}: {self.amount}"


class ExclusionList(models.TextChoices):
    PKH = "PKH", _("Penerima PKH")
    BPNT = "BPNT", _("Penerima BPNT")
    BPJS_OTHER_PAYER = "BPJS_OTHER", _("Sudah aktif BPJS Ketenagakerjaan (pembayar lain)")


class ExcludedNik(ChoiceLabels, models.Model):
    """A NIK on an imported list that a programme's rules may exclude (PKH, BPNT, ...)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("program"), on_delete=models.CASCADE, related_name="exclusions"
    )
    list_kind = models.CharField(_("daftar"), max_length=12, choices=ExclusionList.choices)
    nik = models.CharField(_("NIK"), max_length=16)
    source = models.CharField(_("sumber"), max_length=255, blank=True)
    imported_at = models.DateTimeField(_("diimpor pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("NIK dikecualikan")
        verbose_name_plural = _("NIK dikecualikan")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "list_kind", "nik"], name="one_exclusion_per_list"
            )
        ]
        indexes = [models.Index(fields=["programme", "nik"])]

    def __str__(self) -> str:
        return f"{self.list_kind} {self.nik[:4]}…"


class PlacementKind(models.TextChoices):
    CONTINUING = "continuing", _("Peserta lanjutan")
    NEW = "new", _("Peserta baru")
    WAITING = "waiting", _("Cadangan")


class Placement(ChoiceLabels, models.Model):
    """A person's place in a cycle's allocation: continuing, new, or on the waiting list.

    Frozen once the cycle is approved; later changes (replacements) end a placement with a
    reason and add another, so the approved list stays readable as it was.
    """

    # A cycle's list is written whole, a million people's waiting list included: every index
    # and every checked key costs on each row. The unique (person, cycle) index serves
    # lookups by person, the (cycle, kind, rank) one those by cycle; a replacement is rare,
    # so only the rows that have one are indexed. The kelurahan is a copy, made in the same
    # transaction, of the person's own kelurahan, which the database checks on the person.
    # The keys are not checked by the database row by row either: at a million persons the
    # per-row checks of cycle, person and kelurahan cost more than writing the list itself.
    # Every id comes, in the same transaction, from the locked cycle and the person table
    # (persons are never deleted, only deactivated), and deleting a cycle, person or area
    # through the application still cascades or is refused (on_delete, tested).
    cycle = models.ForeignKey(
        Cycle,
        verbose_name=_("periode"),
        on_delete=models.CASCADE,
        related_name="placements",
        db_index=False,
        db_constraint=False,
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("pekerja"),
        on_delete=models.PROTECT,
        related_name="placements",
        db_index=False,
        db_constraint=False,
    )
    kind = models.CharField(_("jenis"), max_length=12, choices=PlacementKind.choices)
    rank = models.PositiveIntegerField(_("peringkat"))
    score = models.DecimalField(_("skor"), max_digits=8, decimal_places=2)
    score_parts = models.JSONField(_("rincian skor"), default=dict)
    kelurahan = models.ForeignKey(
        "regions.Area",
        verbose_name=_("kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("menggantikan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        db_index=False,
    )
    ended_on = models.DateField(_("berakhir pada"), null=True, blank=True)
    end_reason = models.CharField(_("alasan berakhir"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("penempatan")
        verbose_name_plural = _("penempatan")
        ordering = ["cycle", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["person", "cycle"], name="one_placement_per_cycle")
        ]
        indexes = [
            models.Index(fields=["cycle", "kind", "rank"]),
            models.Index(
                fields=["replaces"],
                name="placement_replaces",
                condition=models.Q(replaces__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} #{self.rank} {self.kind}"


class ManualExclusion(models.Model):
    """One person left out of one cycle by a person's decision, with the reason (already
    paid for by another employer, found ineligible at verification). Every allocation of the
    cycle reads it as data, so re-running the allocation never brings the person back; only
    lifting it does, and lifting keeps the record with who lifted it, when and why."""

    cycle = models.ForeignKey(
        Cycle,
        verbose_name=_("periode"),
        on_delete=models.CASCADE,
        related_name="manual_exclusions",
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("pekerja"),
        on_delete=models.PROTECT,
        related_name="manual_exclusions",
    )
    reason = models.CharField(_("alasan"), max_length=300)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dikecualikan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    excluded_at = models.DateTimeField(_("dikecualikan pada"))
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibatalkan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lifted_at = models.DateTimeField(_("dibatalkan pada"), null=True, blank=True)
    lift_reason = models.CharField(_("alasan pembatalan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("pengecualian oleh petugas")
        verbose_name_plural = _("pengecualian oleh petugas")
        ordering = ["-excluded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "person"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_standing_exclusion_per_cycle",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle} #{self.person_id} {self.excluded_at:%Y-%m-%d}"

    @property
    def is_standing(self) -> bool:
        return self.lifted_at is None
