"""An import: the uploaded file and its state (`ImportBatch`), its rows staged and checked
(`StagedRow`), and the link from each person it brought in to its file and row
(`ImportedPerson`). A field form (KoboToolbox/ODK, `FieldForm`) sends its submissions one
at a time instead of a file: each one taken in is a `FieldSubmission`, a row of the batch of
its form, kelurahan and day. Only the import's services write the two row tables, up to a
million rows at a time, so neither has a per-row foreign-key check in the database (see each
model)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rentan.core.choices import ChoiceLabels
from rentan.registry.nik import mask_nik


class BatchStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Diunggah")
    NEEDS_MAPPING = "needs_mapping", _("Perlu pemetaan kolom")
    VALIDATING = "validating", _("Sedang diperiksa")
    REVIEW = "review", _("Siap ditinjau")
    COMMITTING = "committing", _("Sedang disimpan")
    COMMITTED = "committed", _("Sudah disimpan")
    FAILED = "failed", _("Gagal")
    DISCARDED = "discarded", _("Dibatalkan")


class BatchStep(models.TextChoices):
    """The two pieces of background work on a batch; a failed one is run again from scratch."""

    STAGE = "stage", _("Pemeriksaan berkas")
    COMMIT = "commit", _("Penyimpanan ke daftar pekerja")


class RowStatus(models.TextChoices):
    READY = "ready", _("Siap disimpan")
    ERROR = "error", _("Ada kesalahan")
    DUPLICATE = "duplicate", _("Mungkin data ganda")
    ALREADY_REGISTERED = "registered", _("Sudah terdaftar")


class ImportBatch(ChoiceLabels, models.Model):
    """One uploaded file: staged, reviewed, then committed whole or not at all."""

    # Names the batch's progress in the shared cache (ids are reused after a rollback).
    token = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    file = models.FileField(_("berkas"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("nama berkas"), max_length=255)
    checksum = models.CharField(_("sidik berkas (SHA-256)"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="import_batches",
    )
    uploaded_at = models.DateTimeField(_("diunggah pada"), auto_now_add=True)
    # Filled into rows whose kelurahan column is missing or empty (an operator's own).
    default_kelurahan = models.ForeignKey(
        "regions.Area",
        verbose_name=_("kelurahan bawaan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Whose batch it is: the one kelurahan all its rows (and the default) lie in, worked out
    # once when the rows are staged, so that lists are scoped on an indexed column however
    # many rows a batch holds. Empty when the rows span several kelurahan or one of them is
    # unknown (only the Dinas roles see it then); before staging, the uploader's kelurahan or
    # the default one.
    rows_kelurahan = models.ForeignKey(
        "regions.Area",
        verbose_name=_("kelurahan baris"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.UPLOADED
    )
    header_row = models.PositiveIntegerField(_("baris judul kolom"), null=True, blank=True)
    # {"<column index>": "<ImportField value>"}, as guessed and as the user corrected it.
    column_map = models.JSONField(_("pemetaan kolom"), default=dict, blank=True)
    headers = models.JSONField(_("judul kolom"), default=list, blank=True)
    household_rule = models.BooleanField(_("satu peserta per keluarga (KK)"), default=True)
    problem = models.TextField(_("masalah berkas"), blank=True)
    # Which work failed (the retry runs it again), and the background task doing the batch's
    # current work (its status tells the page when a worker died or the task failed).
    failed_step = models.CharField(
        _("gagal saat"), max_length=10, choices=BatchStep.choices, blank=True
    )
    task_id = models.CharField(max_length=64, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(_("baris data"), default=0)
    rows_ready = models.PositiveIntegerField(_("baris siap"), default=0)
    rows_error = models.PositiveIntegerField(_("baris salah"), default=0)
    rows_duplicate = models.PositiveIntegerField(_("baris mungkin ganda"), default=0)
    rows_registered = models.PositiveIntegerField(_("baris sudah terdaftar"), default=0)
    rows_created = models.PositiveIntegerField(_("pekerja ditambahkan"), default=0)
    # A field form's batch gathers its submissions of one kelurahan and day, and has no file.
    field_form = models.ForeignKey(
        "FieldForm",
        verbose_name=_("formulir lapangan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="batches",
    )
    collected_on = models.DateField(_("tanggal pendataan"), null=True, blank=True)
    committed_at = models.DateTimeField(_("disimpan pada"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("disimpan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("impor berkas")
        verbose_name_plural = _("impor berkas")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    @property
    def is_busy(self) -> bool:
        return self.status in (BatchStatus.VALIDATING, BatchStatus.COMMITTING)


class StagedRowQuerySet(models.QuerySet["StagedRow"]):
    def imported(self) -> "StagedRowQuerySet":
        """Rows that reached the registry: the accepted ones of committed batches."""
        return self.filter(
            batch__status=BatchStatus.COMMITTED,
            is_accepted=True,
            status__in=[RowStatus.READY, RowStatus.DUPLICATE],
        )


class StagedRow(ChoiceLabels, models.Model):
    """One data row of a batch, parsed and checked; cleaned values ready for the registry."""

    # A staging table filled by COPY a million rows at a time: no per-row foreign-key check
    # (only stage_batch writes here, under a batch it has just read; rows go with their batch
    # through Django's cascade), and no index of its own on the batch, which the unique
    # (batch, row_number) index already serves.
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.CASCADE,
        related_name="rows",
        db_constraint=False,
        db_index=False,
    )
    row_number = models.PositiveIntegerField(_("baris"))
    status = models.CharField(_("status"), max_length=12, choices=RowStatus.choices)
    # Only rows the user accepts are committed; probable duplicates wait for a decision.
    is_accepted = models.BooleanField(_("diterima"), default=True)
    # Not indexed: the commit joins on the registry's NIK index, never on this one.
    nik = models.CharField(max_length=32, blank=True)
    kk_number = models.CharField(max_length=32, blank=True)
    name = models.CharField(max_length=150, blank=True)
    birth_place = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    street_address = models.CharField(max_length=200, blank=True)
    rt = models.CharField(max_length=3, blank=True)
    rw = models.CharField(max_length=3, blank=True)
    kelurahan_code = models.CharField(max_length=13, blank=True)
    phone = models.CharField(max_length=16, blank=True)
    occupation_code = models.CharField(max_length=40, blank=True)
    monthly_income = models.BigIntegerField(null=True, blank=True)
    dependents = models.PositiveSmallIntegerField(default=0)
    has_disability = models.BooleanField(default=False)
    disability_note = models.CharField(max_length=200, blank=True)
    mother_name = models.CharField(max_length=150, blank=True)
    # The row as it was in the file (for the error file), and what is wrong with it.
    cells = models.JSONField(default=list)
    issues = models.JSONField(default=list, blank=True)
    # Probable duplicates: [{"other": "row:12" | "person:345", "score": .., "reasons": [..]}]
    matches = models.JSONField(default=list, blank=True)

    objects = StagedRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("baris impor")
        verbose_name_plural = _("baris impor")
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="staged_row_once")
        ]
        indexes = [models.Index(fields=["batch", "status"])]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number}"

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)


class ImportedPerson(models.Model):
    """Where an imported person came from: the batch (file) and the row in it."""

    # Written only by commit_batch, in one INSERT ... SELECT that takes each person from the
    # registry and the batch it holds locked: the rows refer to existing records by
    # construction. A database foreign-key check would run twice per imported person (two
    # trigger queries each, a million at a time); Django's PROTECT still guards deletion.
    person = models.OneToOneField(
        "registry.Person",
        on_delete=models.PROTECT,
        related_name="import_origin",
        db_constraint=False,
    )
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, related_name="persons", db_constraint=False
    )
    row_number = models.PositiveIntegerField(_("baris"))

    class Meta:
        verbose_name = _("asal impor pekerja")
        verbose_name_plural = _("asal impor pekerja")

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number} -> {self.person_id}"


class FieldForm(models.Model):
    """A field form on KoboToolbox (or another ODK server) whose submissions come to Rentan
    through its REST service. It proves itself by a secret shown once when the form is
    registered; only the secret's SHA-256 is kept (a long random secret needs no slow hash,
    and the hash is what a submission is looked up by)."""

    name = models.CharField(_("nama"), max_length=100)
    # KoboToolbox's `_xform_id_string` of the deployed form (its asset uid, e.g. aBc123...).
    # Registered again, deactivated first, when its secret is lost or given away.
    xform_id = models.CharField(_("kode formulir (xform id)"), max_length=100)
    secret_hash = models.CharField(max_length=64, unique=True)
    # A form for one kelurahan: its submissions are that kelurahan's, and a submission
    # naming another is refused row by row.
    kelurahan = models.ForeignKey(
        "regions.Area",
        verbose_name=_("kelurahan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("didaftarkan oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("didaftarkan pada"), auto_now_add=True)
    deactivated_at = models.DateTimeField(_("dinonaktifkan pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("formulir lapangan")
        verbose_name_plural = _("formulir lapangan")
        ordering = ["-is_active", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["xform_id"],
                condition=models.Q(is_active=True),
                name="field_form_active_once",
            )
        ]

    def __str__(self) -> str:
        return self.name


class FieldSubmission(models.Model):
    """One submission of a field form taken in: the same submission sent again (KoboToolbox
    retries until it is answered), to this registration of the form or a later one, is
    recognised by its uuid and taken once."""

    field_form = models.ForeignKey(FieldForm, on_delete=models.PROTECT, related_name="submissions")
    uuid = models.CharField(max_length=100)
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="submissions")
    # None for a submission that held no answer about a person.
    row_number = models.PositiveIntegerField(_("baris"), null=True, blank=True)
    received_at = models.DateTimeField(_("diterima pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("kiriman formulir lapangan")
        verbose_name_plural = _("kiriman formulir lapangan")
        constraints = [
            models.UniqueConstraint(fields=["field_form", "uuid"], name="field_submission_once")
        ]

    def __str__(self) -> str:
        return f"{self.field_form_id}:{self.uuid}"
