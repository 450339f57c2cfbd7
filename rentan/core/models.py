"""Audit events: who did or saw what (`AuditEvent`, one `AuditAction` per kind), and whose
data each one showed or exported (`AuditSubject`). Written only through `core.audit`."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rentan.core.choices import ChoiceLabels


class AuditAction(models.TextChoices):
    """One member per kind of event, as an auditor asks for it ("who ended this membership"),
    each with one payload: `{"before": …, "after": …}` for a change of state (see
    `core.audit.record_change`); what was seen for reads and exports.

    CREATE, UPDATE, IMPORT, DISCARD, RETRY and FAIL are no longer written: events recorded
    before each kind had its own member still carry them, so they stay to be shown and
    filtered on."""

    # Persons
    PERSON_REGISTERED = "person_registered", _("Pekerja didaftarkan")
    PERSONS_LOADED = "persons_loaded", _("Pekerja dimuat sekaligus")
    PERSON_UPDATED = "person_updated", _("Data pekerja diubah")
    PERSON_VERIFIED = "person_verified", _("Pekerja diverifikasi")
    DEACTIVATE = "deactivate", _("Dinonaktifkan")
    REACTIVATE = "reactivate", _("Diaktifkan kembali")
    MERGE = "merge", _("Digabung")
    DUPLICATES_DETECTED = "duplicates_detected", _("Pencarian data ganda dijalankan")
    PAIR_DISTINCT = "pair_distinct", _("Pasangan ditandai orang berbeda")
    # The duplicate finder's weights, estimated again from the registry.
    MATCH_WEIGHTS_ESTIMATED = "match_weights_estimated", _("Bobot pencarian data ganda dihitung")
    # Change requests on verified persons: asked by the kelurahan, decided by the
    # verifikator (an approval also writes the change itself, naming the request).
    CHANGE_REQUESTED = "change_requested", _("Usulan perubahan diajukan")
    CHANGE_APPROVED = "change_approved", _("Usulan perubahan disetujui")
    CHANGE_REJECTED = "change_rejected", _("Usulan perubahan ditolak")
    CHANGE_WITHDRAWN = "change_withdrawn", _("Usulan perubahan ditarik")
    # DTSEN desil lists received from BPS through the Dinas
    DESIL_IMPORTED = "desil_imported", _("Daftar desil DTSEN diimpor")
    # Imports
    BATCH_UPLOADED = "batch_uploaded", _("Berkas impor diunggah")
    BATCH_COLUMNS_MAPPED = "batch_columns_mapped", _("Kolom impor dipasangkan")
    BATCH_STAGED = "batch_staged", _("Impor selesai diperiksa")
    BATCH_ROW_DECIDED = "batch_row_decided", _("Baris mungkin ganda diputuskan")
    BATCH_COMMITTED = "batch_committed", _("Impor disimpan ke data pekerja")
    BATCH_DISCARDED = "batch_discarded", _("Impor dibatalkan")
    BATCH_FAILED = "batch_failed", _("Impor gagal")
    BATCH_RETRIED = "batch_retried", _("Impor dicoba ulang")
    # Field forms (KoboToolbox/ODK Collect) and the submissions they send into imports
    FIELD_FORM_REGISTERED = "field_form_registered", _("Formulir lapangan didaftarkan")
    FIELD_FORM_DEACTIVATED = "field_form_deactivated", _("Formulir lapangan dinonaktifkan")
    FIELD_SUBMISSION_STAGED = "field_submission_staged", _("Kiriman formulir lapangan diperiksa")
    # Programmes and selection
    CYCLE_CREATED = "cycle_created", _("Periode dibuat")
    CYCLE_ALLOCATED = "cycle_allocated", _("Kuota periode dialokasikan")
    CYCLE_APPROVED = "cycle_approved", _("Daftar peserta ditetapkan")
    CYCLE_STARTED = "cycle_started", _("Masa perlindungan dimulai")
    CYCLE_CLOSED = "cycle_closed", _("Periode ditutup")
    OCCUPATION_DECIDED = "occupation_decided", _("Keputusan jenis pekerjaan dicatat")
    EXCLUSIONS_IMPORTED = "exclusions_imported", _("Daftar NIK pengecualian diimpor")
    PROGRAMME_RULES_CHANGED = "programme_rules_changed", _("Aturan dan bobot program diubah")
    OCCUPATION_ALIASES_CHANGED = "occupation_aliases_changed", _("Nama lain jenis pekerjaan diubah")
    # A person left out of one cycle by hand, and that decision lifted: both read by every
    # later allocation of the cycle.
    PLACEMENT_EXCLUDED_BY_HAND = (
        "placement_excluded_by_hand",
        _("Pekerja dikecualikan dari periode"),
    )
    PLACEMENT_EXCLUSION_LIFTED = "placement_exclusion_lifted", _("Pengecualian pekerja dibatalkan")
    # Memberships, exchange files, bills and claims
    MEMBERSHIPS_CREATED = "memberships_created", _("Kepesertaan dibuat untuk daftar tetap")
    MEMBERSHIP_CHANGED = "membership_changed", _("Status kepesertaan diubah")
    MEMBERSHIP_ENDED = "membership_ended", _("Kepesertaan dihentikan")
    MEMBER_REPLACED = "member_replaced", _("Peserta diganti dari daftar cadangan")
    MEMBERS_CARRIED_OVER = "members_carried_over", _("Peserta dilanjutkan ke periode berikutnya")
    REGISTRATION_SENT = "registration_sent", _("Berkas pendaftaran BPJS dibuat")
    BPJS_REPLY_IMPORTED = "bpjs_reply_imported", _("Balasan BPJS diimpor")
    BILL_IMPORTED = "bill_imported", _("Tagihan BPJS diimpor")
    PAYMENT_RECORDED = "payment_recorded", _("Pembayaran iuran dicatat")
    CLAIM_RECORDED = "claim_recorded", _("Klaim dicatat")
    CLAIM_UPDATED = "claim_updated", _("Status klaim diubah")
    MAPPING_SAVED = "mapping_saved", _("Susunan kolom berkas disimpan")
    # Complaints and appeals: the pengaduan register
    COMPLAINT_RECORDED = "complaint_recorded", _("Pengaduan dicatat")
    COMPLAINT_ASSIGNED = "complaint_assigned", _("Pengaduan ditugaskan")
    COMPLAINT_MOVED = "complaint_moved", _("Pengaduan mulai ditinjau")
    COMPLAINT_DECIDED = "complaint_decided", _("Pengaduan diputus")
    COMPLAINT_CLOSED = "complaint_closed", _("Pengaduan selesai")
    COMPLAINT_FOLLOWED_UP = "complaint_followed_up", _("Tindak lanjut pengaduan dicatat")
    COMPLAINT_DEADLINE_SET = "complaint_deadline_set", _("Batas waktu pengaduan diubah")
    # Reports
    BOUNDARIES_LOADED = "boundaries_loaded", _("Batas kelurahan untuk peta diunggah")
    REPORT_DOWNLOADED = "report_downloaded", _("Tabel laporan (angka saja) diunduh")
    # Reads and exports of personal data
    VIEW_NIK = "view_nik", _("NIK dilihat utuh")
    VIEW = "view", _("Data pribadi dilihat")
    EXPORT = "export", _("Data pribadi diekspor")
    # Accounts
    LOGIN = "login", _("Masuk")
    LOGIN_FAILED = "login_failed", _("Gagal masuk")
    LOCKOUT = "lockout", _("Akun dikunci sementara")
    LOGOUT = "logout", _("Keluar")
    PASSWORD_CHANGE = "password_change", _("Kata sandi diganti")
    # Personal API tokens: each acts as its user, so who made or ended one is on record.
    API_TOKEN_CREATED = "api_token_created", _("Token API dibuat")
    API_TOKEN_REVOKED = "api_token_revoked", _("Token API dicabut")
    # Written before each kind of change had its own member (see above).
    CREATE = "create", _("Dibuat")
    UPDATE = "update", _("Diubah")
    IMPORT = "import", _("Diimpor")
    RETRY = "retry", _("Dicoba ulang")
    DISCARD = "discard", _("Dibatalkan")
    FAIL = "fail", _("Gagal")


class AuditEvent(ChoiceLabels, models.Model):
    """One thing someone did to, or saw of, a record. Written in the same transaction."""

    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    action = models.CharField(_("tindakan"), max_length=30, choices=AuditAction.choices)
    target_type = models.CharField(_("jenis data"), max_length=50)
    target_id = models.CharField(_("ID data"), max_length=50)
    changes = models.JSONField(_("perubahan"), default=dict, blank=True)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("jejak audit")
        verbose_name_plural = _("jejak audit")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"

    @property
    def changed_fields(self) -> list[tuple[str, Any, Any]]:
        """(name, before, after) for each value a change set, for the history pages. Events
        written before the `before`/`after` payload held `{name: {"lama": …, "baru": …}}`."""
        changes = self.changes if isinstance(self.changes, dict) else {}
        if "after" in changes:
            before = changes.get("before") or {}
            return [(name, before.get(name), value) for name, value in changes["after"].items()]
        return [
            (name, change.get("lama"), change.get("baru"))
            for name, change in changes.items()
            if isinstance(change, dict) and "baru" in change
        ]


class AuditSubject(models.Model):
    """One person whose data an event showed or exported: "whose data did this account see"
    is a lookup by person on this table, then the events it points to."""

    event = models.ForeignKey(AuditEvent, on_delete=models.CASCADE, related_name="subjects")
    # The registry's person id as a plain integer: core sits below the registry and never
    # imports it. Persons are never deleted, so the id stays meaningful.
    person_id = models.BigIntegerField(_("ID pekerja"))

    class Meta:
        verbose_name = _("subjek audit")
        verbose_name_plural = _("subjek audit")
        # By person, newest event first: the person page and the Audit page's person filter.
        indexes = [models.Index(fields=["person_id", "-event"], name="audit_subject_person")]

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.person_id}"
