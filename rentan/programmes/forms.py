from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rentan.core import forms as number_fields
from rentan.core.safe_files import checked_upload
from rentan.programmes.allocation import QuotaBasis
from rentan.programmes.models import DecisionAction, ExclusionList
from rentan.programmes.scoring import Factor
from rentan.registry.models import Occupation

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class WhatIfForm(forms.Form):
    """A different target, budget, quota or weights, computed before anything is saved.

    It starts from the cycle's own target, pagu and quota basis, so changing one of them
    changes only that one."""

    target = number_fields.IntegerField(label=_("Target peserta"), min_value=0, required=False)
    budget_ceiling = number_fields.IntegerField(
        label=_("Pagu anggaran (Rp)"), min_value=0, required=False
    )
    quota_basis = forms.ChoiceField(
        label=_("Kuota per kelurahan"), choices=QuotaBasis.choices, required=False
    )

    def __init__(
        self, *args: Any, weights: dict[str, Any], cycle: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.base_weights = weights
        if cycle is not None:
            self.fields["target"].initial = cycle.target
            self.fields["budget_ceiling"].initial = cycle.budget_ceiling
            self.fields["quota_basis"].initial = cycle.quota_basis
        for factor in Factor:
            self.fields[f"w_{factor.value}"] = number_fields.DecimalField(
                label=factor.label,
                min_value=0,
                max_digits=7,
                decimal_places=2,
                required=False,
                # Stored as text ("12.5"), shown as a number ("12,5").
                initial=Decimal(str(weights.get(factor.value, 0))),
            )

    def weights(self) -> dict[str, Any]:
        data = dict(self.base_weights)
        for factor in Factor:
            value = self.cleaned_data.get(f"w_{factor.value}")
            if value is not None:
                data[factor.value] = str(value)
        return data

    def weight_fields(self) -> list[Any]:
        return [self[f"w_{factor.value}"] for factor in Factor]


class DecreeForm(forms.Form):
    decree_reference = forms.CharField(label=_("Nomor SK penetapan"), max_length=200)


class CycleForm(forms.Form):
    # A year is a name, not an amount: typed and shown without a thousands dot.
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)
    target = number_fields.IntegerField(label=_("Target peserta"), min_value=1)
    budget_ceiling = number_fields.IntegerField(label=_("Pagu anggaran (Rp)"), min_value=0)
    coverage_start_on = forms.DateField(label=_("Awal masa perlindungan"), widget=DATE_WIDGET)
    coverage_months = number_fields.IntegerField(
        label=_("Lama perlindungan (bulan)"), min_value=1, max_value=12, initial=12
    )
    declared_income = number_fields.IntegerField(
        label=_("Penghasilan dilaporkan (Rp)"), min_value=0, initial=1_000_000
    )
    verification_cutoff_on = forms.DateField(
        label=_("Batas verifikasi data"), widget=DATE_WIDGET, required=False
    )
    quota_basis = forms.ChoiceField(label=_("Kuota per kelurahan"), choices=QuotaBasis.choices)


class DecisionForm(forms.Form):
    occupation = forms.ModelChoiceField(
        label=_("Jenis pekerjaan"), queryset=Occupation.objects.order_by("name")
    )
    action = forms.ChoiceField(label=_("Keputusan"), choices=DecisionAction.choices)
    effective_on = forms.DateField(label=_("Berlaku sejak"), widget=DATE_WIDGET)
    reference = forms.CharField(label=_("Dasar (SK/notulen)"), max_length=200)
    note = forms.CharField(label=_("Catatan"), required=False)


class ExclusionForm(forms.Form):
    list_kind = forms.ChoiceField(label=_("Daftar"), choices=ExclusionList.choices)
    file = forms.FileField(label=_("Berkas NIK (.txt/.csv, satu NIK per baris)"))
    source = forms.CharField(label=_("Sumber"), max_length=255)

    def clean_file(self) -> Any:
        return checked_upload(self.cleaned_data["file"], "exclusion")
