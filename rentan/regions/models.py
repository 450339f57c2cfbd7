"""The Kemendagri areas: provinsi > kabupaten/kota > kecamatan > kelurahan/desa, every one of
the country (loaded by migration 0002_load_areas, see `loading`). The programme's own
kabupaten/kota is the setting RENTAN_REGION_CODE; the registry, the reports and the map work
within it."""

from django.db import connections, models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.IntegerChoices):
    PROVINCE = 1, _("Provinsi")
    REGENCY = 2, _("Kabupaten/Kota")
    DISTRICT = 3, _("Kecamatan")
    VILLAGE = 4, _("Kelurahan/Desa")


class AreaQuerySet(models.QuerySet["Area"]):
    def villages_of(self, region_code: str) -> "AreaQuerySet":
        return self.filter(level=AreaLevel.VILLAGE).within(region_code)

    def districts_of(self, region_code: str) -> "AreaQuerySet":
        return self.filter(level=AreaLevel.DISTRICT).within(region_code)

    def within(self, region_code: str) -> "AreaQuerySet":
        """The areas whose code starts with the region's ("33.75" holds "33.75.01.1001")."""
        prefix = f"{region_code}."
        inside = self.filter(code__startswith=prefix)
        if connections[self.db].vendor == "sqlite":
            # SQLite's LIKE ignores case, so it reads all 90,000 areas of the country; the
            # codes compare byte by byte there, so the same rows are a range of the primary
            # key, which its index finds (each list page asks for the region's kelurahan).
            inside = inside.filter(code__gte=prefix, code__lt=f"{region_code}/")
        return inside


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
