"""Users, each with one `Role` and, for an operator, the kelurahan they work in. What a role
may do and which records it sees is decided in `access.py`, nowhere else."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rentan.core.choices import ChoiceLabels


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin Dinas")
    OPERATOR = "operator", _("Operator kelurahan")
    VERIFIER = "verifikator", _("Verifikator Dinas")
    BPJS_OFFICER = "bpjs", _("Petugas BPJS")
    LEADER = "pimpinan", _("Pimpinan")


class User(ChoiceLabels, AbstractUser):
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices, default=Role.LEADER)
    kelurahan = models.ForeignKey(
        "regions.Area",
        verbose_name=_("kelurahan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="operators",
        help_text=_("Wajib untuk operator kelurahan: hanya data kelurahan ini yang terlihat."),
    )

    # `rentan createsuperuser` asks for the role (or takes --role admin): a first admin left
    # with the default role would be a pimpinan who cannot manage anything.
    REQUIRED_FIELDS = ["email", "role"]

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def clean(self) -> None:
        super().clean()
        if self.role == Role.OPERATOR and self.kelurahan_id is None:
            raise ValidationError({"kelurahan": _("Operator kelurahan harus punya kelurahan.")})

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
