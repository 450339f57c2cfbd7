from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower, Upper
from django.utils.translation import gettext_lazy as _

from rentan.core.choices import ChoiceLabels
from rentan.registry.nik import Sex, mask_nik


class Occupation(models.Model):
    """A job type (jenis pekerjaan). Whether it counts as vulnerable is decided elsewhere,
    by dated decisions of the coordination team, never by a flag edited in place."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=100, unique=True)
    description = models.TextField(_("keterangan"), blank=True)

    class Meta:
        verbose_name = _("jenis pekerjaan")
        verbose_name_plural = _("jenis pekerjaan")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OccupationAlias(models.Model):
    """Another name people of the region use for a job type ("tukang becak" for Pengayuh
    becak), recognised wherever a job is typed (registry.job_names). Kept per installation,
    like the job types themselves: a person's job is read before any programme looks at them.
    """

    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("jenis pekerjaan"),
        on_delete=models.CASCADE,
        related_name="aliases",
    )
    name = models.CharField(_("nama lain"), max_length=100)
    # job_names.name_key(name), unique: one name belongs to one job type.
    key = models.CharField(_("kunci pembanding"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("nama lain jenis pekerjaan")
        verbose_name_plural = _("nama lain jenis pekerjaan")
        ordering = ["occupation", "name"]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    """A family as listed on one Kartu Keluarga (KK)."""

    kk_number = models.CharField(_("nomor KK"), max_length=16, unique=True)

    class Meta:
        verbose_name = _("keluarga (KK)")
        verbose_name_plural = _("keluarga (KK)")

    def __str__(self) -> str:
        return mask_nik(self.kk_number)


class PersonSource(models.TextChoices):
    MANUAL = "manual", _("Diisi lewat formulir")
    IMPORT = "import", _("Impor berkas")
    DEMO = "demo", _("Data demo")


class ProcessingBasis(models.TextChoices):
    # UU 27/2022 Ps. 20(2)(e): a public-service task under a regulation (the Perwal).
    PUBLIC_TASK = "public_task", _("Tugas pelayanan publik (Perwal)")
    CONSENT = "consent", _("Persetujuan yang bersangkutan")


class DeactivationReason(models.TextChoices):
    DIED = "died", _("Meninggal dunia")
    MOVED_AWAY = "moved_away", _("Pindah domisili ke luar daerah")
    FORMAL_WORK = "formal_work", _("Bekerja di sektor formal")
    DUPLICATE = "duplicate", _("Data ganda")
    BY_REQUEST = "by_request", _("Atas permintaan yang bersangkutan")
    INCORRECT = "incorrect", _("Data tidak benar")


# The order of every list of persons: the name in lower case, so that a name typed in
# capitals sorts among the others (SQLite's LOWER folds ASCII letters only, which Indonesian
# names are written in).
LIST_ORDER = Lower("name")


# How a roster (a year's members, its lampiran) sorts by its persons' names: in any case, in
# the person list's order, since letters compare alike in capitals and in small letters and
# names hold nothing that sorts between the two. In capitals rather than in small letters
# because LOWER(name) is the key of the list's sort index: PostgreSQL would walk that index
# from "a" looking for a roster's few members among all persons (186 ms for the first page
# of 2,000 members among 1,000,000), where it now reads each member's name beside its id
# (9 ms).
ROSTER_NAME_ORDER = Upper("person__name")


class PersonQuerySet(models.QuerySet["Person"]):
    def active(self) -> "PersonQuerySet":
        return self.filter(is_active=True)


def still_active(person_id: str) -> models.Q:
    """A filter for rows of another table whose person (the column `person_id`) is active:
    "no inactive person holds this id". A roster of thousands is then checked against the
    few inactive persons (registry_person_inactive_idx) instead of fetching each member's
    row for its flag."""
    return ~models.Q(
        models.Exists(Person.objects.filter(pk=models.OuterRef(person_id), is_active=False))
    )


class Person(ChoiceLabels, models.Model):
    """A worker (pekerja) in the registry. Never deleted: deactivated with a reason."""

    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    household = models.ForeignKey(
        Household,
        verbose_name=_("keluarga (KK)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    name = models.CharField(_("nama lengkap"), max_length=150)
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"))
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    street_address = models.CharField(_("alamat"), max_length=200, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    kelurahan = models.ForeignKey(
        "regions.Area",
        verbose_name=_("kelurahan"),
        on_delete=models.PROTECT,
        related_name="residents",
        db_index=False,  # the (kelurahan, name) index serves it
    )
    phone = models.CharField(_("nomor HP"), max_length=16, blank=True)
    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("jenis pekerjaan"),
        on_delete=models.PROTECT,
        related_name="workers",
    )
    monthly_income = models.PositiveIntegerField(
        _("perkiraan penghasilan per bulan (Rp)"), null=True, blank=True
    )
    dependents = models.PositiveSmallIntegerField(_("jumlah tanggungan"), default=0)
    # Disability is specific (sensitive) personal data under UU 27/2022.
    has_disability = models.BooleanField(_("penyandang disabilitas"), default=False)
    disability_note = models.CharField(_("keterangan disabilitas"), max_length=200, blank=True)
    # Required by BPJS Ketenagakerjaan to register the worker, not by the registry to hold
    # them: the registration export warns about members without it.
    mother_name = models.CharField(_("nama ibu kandung"), max_length=150, blank=True)
    processing_basis = models.CharField(
        _("dasar pemrosesan data"),
        max_length=20,
        choices=ProcessingBasis.choices,
        default=ProcessingBasis.PUBLIC_TASK,
    )
    source = models.CharField(
        _("asal data"), max_length=10, choices=PersonSource.choices, default=PersonSource.MANUAL
    )
    source_detail = models.CharField(_("rincian asal data"), max_length=255, blank=True)
    verified_at = models.DateTimeField(_("diverifikasi pada"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diverifikasi oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # a partial index in Meta: most persons have none
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    deactivation_reason = models.CharField(
        _("alasan nonaktif"), max_length=20, choices=DeactivationReason.choices, blank=True
    )
    deactivated_on = models.DateField(_("tanggal nonaktif"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("digabung ke"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        db_index=False,  # a partial index in Meta: most persons have none
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("pekerja")
        verbose_name_plural = _("pekerja")
        # Names sort as people read them, whatever their case ("ZAINAL" after "Abdul"):
        # by LIST_ORDER, the same expression the list's indexes hold.
        ordering = [LIST_ORDER, "id"]
        # An import writes up to a million persons at once and every index costs on each
        # row: only the indexes the pages use. The name index is declared here, not on the
        # field, so PostgreSQL gets no pattern index that no query uses (name search is
        # "contains", NIK search "starts with"). The occupation's key has its own index.
        # Two more, PostgreSQL's only, are made by migrations: the name search's trigram
        # index (0013) and the rosters' index of the id with name, activity and job type
        # (registry_person_roster_idx, 0014).
        indexes = [
            # An operator's list: their kelurahan, in the list's order.
            models.Index(F("kelurahan"), LIST_ORDER, F("id"), name="registry_person_kel_sort_idx"),
            # The list's order with what its search tests beside it: a page of ids is read
            # from the index alone (no row fetched for the rows it skips). PostgreSQL reads
            # an expression from an index alone only when the column under it is there too,
            # hence `name` beside `is_active`.
            models.Index(
                LIST_ORDER,
                F("id"),
                include=["is_active", "name"],
                name="registry_person_sort_idx",
            ),
            # Who of a roster is no longer active (`still_active`).
            models.Index(
                fields=["id"],
                condition=models.Q(is_active=False),
                name="registry_person_inactive_idx",
            ),
            models.Index(fields=["birth_date"]),
            models.Index(
                fields=["verified_by"],
                condition=models.Q(verified_by__isnull=False),
                name="registry_person_verifier_idx",
            ),
            models.Index(
                fields=["merged_into"],
                condition=models.Q(merged_into__isnull=False),
                name="registry_person_merged_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("Belum diputuskan")
    MERGED = "merged", _("Digabung")
    DISTINCT = "distinct", _("Orang berbeda")


class DuplicatePairQuerySet(models.QuerySet["DuplicatePair"]):
    def open(self) -> "DuplicatePairQuerySet":
        return self.filter(
            still_active("left_id"), still_active("right_id"), status=DuplicateStatus.OPEN
        )


class DuplicatePair(ChoiceLabels, models.Model):
    """Two persons in the registry that are probably one. The verifikator's decision is kept,
    so a pair marked as two different people is never proposed again."""

    left = models.ForeignKey(
        Person, verbose_name=_("pekerja pertama"), on_delete=models.PROTECT, related_name="+"
    )
    right = models.ForeignKey(
        Person, verbose_name=_("pekerja kedua"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.FloatField(_("peluang sama"))
    reasons = models.JSONField(_("yang cocok"), default=list)
    # What each field added to the match weight when the pair was found, kept as it was
    # then: [comparison, level, weight] (see registry.match_model).
    evidence = models.JSONField(_("bukti per isian"), default=list, blank=True)
    is_exact = models.BooleanField(_("pasti sama"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    found_at = models.DateTimeField(_("ditemukan"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)

    objects = DuplicatePairQuerySet.as_manager()

    class Meta:
        verbose_name = _("pasangan duplikat")
        verbose_name_plural = _("pasangan duplikat")
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="duplicate_pair_once"),
            models.CheckConstraint(
                condition=models.Q(left__lt=models.F("right")), name="duplicate_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["status", "-score"])]

    def __str__(self) -> str:
        return f"{self.left_id} ~ {self.right_id} ({self.score:.2f})"


class MatchWeights(models.Model):
    """The duplicate finder's weights as estimated from the registry on a day, without
    labels (`registry.match_estimation`). The latest is used; a new installation, which
    has none, uses the weights shipped with Rentan."""

    parameters = models.JSONField(_("bobot"))  # registry.match_model.MatchModel.to_json()
    record_count = models.PositiveIntegerField(_("jumlah data"))
    prior = models.FloatField(_("peluang awal"))
    estimated_at = models.DateTimeField(_("dihitung pada"), auto_now_add=True)
    estimated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dihitung oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("bobot pencarian data ganda")
        verbose_name_plural = _("bobot pencarian data ganda")
        ordering = ["-estimated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.estimated_at:%Y-%m-%d} ({self.record_count})"


class ChangeRequestKind(models.TextChoices):
    EDIT = "edit", _("Perubahan data")
    HOUSEHOLD = "household", _("Pisah atau gabung KK")
    DEACTIVATION = "deactivation", _("Meninggal atau pindah")


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu verifikator")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")
    # Another request on the same fields was approved first: this one was made against
    # values that are no longer the record's.
    STALE = "stale", _("Usang")
    WITHDRAWN = "withdrawn", _("Ditarik pengusul")


class ChangeRequestQuerySet(models.QuerySet["ChangeRequest"]):
    def pending(self) -> "ChangeRequestQuerySet":
        return self.filter(status=ChangeRequestStatus.PENDING)


class ChangeRequest(ChoiceLabels, models.Model):
    """A change to a verified person that waits for the verifikator (usulan perubahan).

    `before` holds the record's values of the fields it touches when it was made, `proposed`
    the values asked for, both keyed by `person_fields` names; a deactivation holds its
    reason and date instead. Applied only through the registry's services."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("pekerja"),
        on_delete=models.PROTECT,
        related_name="change_requests",
    )
    kind = models.CharField(_("jenis usulan"), max_length=15, choices=ChangeRequestKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ChangeRequestStatus.choices,
        default=ChangeRequestStatus.PENDING,
    )
    before = models.JSONField(_("nilai semula"), default=dict, blank=True)
    proposed = models.JSONField(_("nilai usulan"), default=dict, blank=True)
    deactivation_reason = models.CharField(
        _("alasan nonaktif"), max_length=20, choices=DeactivationReason.choices, blank=True
    )
    deactivated_on = models.DateField(_("tanggal nonaktif"), null=True, blank=True)
    note = models.TextField(_("keterangan pengusul"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diusulkan oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("diusulkan pada"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    decision_reason = models.TextField(_("alasan keputusan"), blank=True)

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("usulan perubahan")
        verbose_name_plural = _("usulan perubahan")
        ordering = ["requested_at", "id"]
        indexes = [
            # The queue and the menu's count: the pending few among every decided one.
            models.Index(
                fields=["requested_at"],
                condition=models.Q(status="pending"),
                name="registry_change_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def fields(self) -> list[str]:
        """The person fields it touches (`is_active` for a deactivation)."""
        if self.kind == ChangeRequestKind.DEACTIVATION:
            return ["is_active"]
        return list(self.proposed)


class DesilImport(models.Model):
    """One desil list received (DTSEN, kept by BPS): which file, from where, what it did.

    A Dinas cannot set a desil, only receive the list and propose corrections through the
    social ministry's channel, so the rankings are never edited here, only imported."""

    source = models.CharField(_("sumber"), max_length=200)
    filename = models.CharField(_("nama berkas"), max_length=255)
    checksum = models.CharField(_("checksum"), max_length=64)
    rows = models.PositiveIntegerField(_("baris data"), default=0)
    # Counts of what the rows did; problems as shown to the user (row, reason), the first few.
    summary = models.JSONField(_("ringkasan"), default=dict)
    problems = models.JSONField(_("baris bermasalah"), default=list)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diimpor oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("diimpor pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("impor desil")
        verbose_name_plural = _("impor desil")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} ({self.filename})"


class DesilRanking(models.Model):
    """A person's desil (1 = the poorest tenth) as ranked on a date; every ranking is kept, so
    a cycle reads the one in force at its cut-off. A family's desil (a row by KK) is stored
    for each member registered on that KK."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("pekerja"),
        on_delete=models.PROTECT,
        related_name="desil_rankings",
        db_index=False,  # the (person, ranked_on) constraint serves it
    )
    desil = models.PositiveSmallIntegerField(_("desil"))
    ranked_on = models.DateField(_("tanggal pemeringkatan"))
    source = models.ForeignKey(
        DesilImport,
        verbose_name=_("impor"),
        on_delete=models.PROTECT,
        related_name="rankings",
    )
    is_by_kk = models.BooleanField(_("dicocokkan lewat KK"), default=False)

    class Meta:
        verbose_name = _("peringkat desil")
        verbose_name_plural = _("peringkat desil")
        constraints = [
            models.UniqueConstraint(fields=["person", "ranked_on"], name="desil_once_per_date"),
            models.CheckConstraint(
                condition=models.Q(desil__gte=1, desil__lte=10), name="desil_between_1_and_10"
            ),
        ]

    def __str__(self) -> str:
        return f"desil {self.desil} ({self.ranked_on})"
