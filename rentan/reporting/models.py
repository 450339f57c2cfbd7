from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class KelurahanBoundary(models.Model):
    """A kelurahan's outline as uploaded by the Dinas (GeoJSON polygons, WGS 84 degrees):
    only for drawing the coverage map."""

    area = models.OneToOneField(
        "regions.Area",
        verbose_name=_("kelurahan"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    polygons = models.JSONField(_("poligon"))  # [[[[lon, lat], ...], hole...], ...]
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("diunggah pada"), auto_now=True)

    class Meta:
        verbose_name = _("batas kelurahan")
        verbose_name_plural = _("batas kelurahan")

    def __str__(self) -> str:
        return str(self.area_id)
