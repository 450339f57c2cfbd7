from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.IntegerChoices):
    PROVINCE = 1, _("Provinsi")
    REGENCY = 2, _("Kabupaten/Kota")
    DISTRICT = 3, _("Kecamatan")
    VILLAGE = 4, _("Kelurahan/Desa")


class AreaQuerySet(models.QuerySet["Area"]):
    def villages_of(self, region_code: str) -> "AreaQuerySet":
        return self.filter(level=AreaLevel.VILLAGE, code__startswith=f"{region_code}.")

    def districts_of(self, region_code: str) -> "AreaQuerySet":
        return self.filter(level=AreaLevel.DISTRICT, code__startswith=f"{region_code}.")


class Area(models.Model):
    """A Kemendagri area: provinsi > kabupaten/kota > kecamatan > kelurahan/desa."""

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=100)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    population = models.PositiveIntegerField(_("jumlah penduduk"), null=True, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "name"])]

    def __str__(self) -> str:
        return self.name
