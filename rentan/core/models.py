from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("Dibuat")
    UPDATE = "update", _("Diubah")
    DEACTIVATE = "deactivate", _("Dinonaktifkan")
    REACTIVATE = "reactivate", _("Diaktifkan kembali")
    VIEW_NIK = "view_nik", _("NIK dilihat utuh")
    EXPORT = "export", _("Data pribadi diekspor")
    MERGE = "merge", _("Digabung")
    IMPORT = "import", _("Diimpor")
    VIEW = "view", _("Data pribadi dilihat")
    LOGIN = "login", _("Masuk")
    LOGIN_FAILED = "login_failed", _("Gagal masuk")
    LOCKOUT = "lockout", _("Akun dikunci sementara")
    LOGOUT = "logout", _("Keluar")
    PASSWORD_CHANGE = "password_change", _("Kata sandi diganti")
    RETRY = "retry", _("Dicoba ulang")
    DISCARD = "discard", _("Dibatalkan")
    FAIL = "fail", _("Gagal")


class AuditEvent(models.Model):
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
    action = models.CharField(_("tindakan"), max_length=20, choices=AuditAction.choices)
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
