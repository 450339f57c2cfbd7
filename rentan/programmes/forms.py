from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rentan.core import forms as number_fields
from rentan.core.safe_files import checked_upload
from rentan.programmes.allocation import QuotaBasis
from rentan.programmes.eligibility import (
    RULE_EXPLANATIONS,
    SOCIAL_ASSISTANCE_LISTS,
    RuleCode,
    RulesInvalid,
    parse_rules,
    rule_params,
)
from rentan.programmes.models import DecisionAction, ExclusionList
from rentan.programmes.scoring import (
    DEFAULT_DESIL_THRESHOLD,
    DEFAULT_WEIGHTS,
    DEPENDENTS_CAP_EXPLANATION,
    DEPENDENTS_CAP_LABEL,
    DESIL_THRESHOLD_EXPLANATION,
    DESIL_THRESHOLD_LABEL,
    FACTOR_EXPLANATIONS,
    MAX_DEPENDENTS_CAP,
    MAX_RISK_LEVEL,
    MAX_WEIGHT,
    Factor,
)
from rentan.registry.forms import OccupationField
from rentan.registry.models import Occupation
from rentan.registry.selectors import job_names

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
    # Typed by its name or any other name the city uses for it, as the import reads it.
    occupation = OccupationField(label=_("Jenis pekerjaan"))
    action = forms.ChoiceField(label=_("Keputusan"), choices=DecisionAction.choices)
    effective_on = forms.DateField(label=_("Berlaku sejak"), widget=DATE_WIDGET)
    reference = forms.CharField(label=_("Dasar (SK/notulen)"), max_length=200)
    note = forms.CharField(label=_("Catatan"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(OccupationField, self.fields["occupation"]).use(job_names())

    def clean_occupation(self) -> Occupation:
        return Occupation.objects.get(code=self.cleaned_data["occupation"])


class ExclusionForm(forms.Form):
    list_kind = forms.ChoiceField(label=_("Daftar"), choices=ExclusionList.choices)
    file = forms.FileField(label=_("Berkas NIK (.txt/.csv, satu NIK per baris)"))
    source = forms.CharField(label=_("Sumber"), max_length=255)

    def clean_file(self) -> Any:
        return checked_upload(self.cleaned_data["file"], "exclusion")


class HandDecisionForm(forms.Form):
    """The reason for leaving one person out of a cycle, or for lifting that decision."""

    reason = forms.CharField(
        label=_("Alasan"),
        max_length=300,
        help_text=_("Misalnya: sudah menerima dari pemberi kerja lain."),
    )


RISK_LEVELS = [(str(level), str(level)) for level in range(MAX_RISK_LEVEL + 1)]


class ProgrammeRulesForm(forms.Form):
    """A programme's eligibility rules and score weights, in words, with the date and the
    basis of the decision that changes them.

    The rules are switched on and off one by one; the age limits and the excluded social
    assistance lists are the rules' parameters. Job risk levels are asked for the job types
    the programme has decided on and any already given a level."""

    effective_on = forms.DateField(
        label=_("Berlaku sejak"),
        widget=DATE_WIDGET,
        help_text=_("Tanggal keputusan berlaku; tidak boleh setelah hari ini."),
    )
    reference = forms.CharField(
        label=_("Dasar perubahan (SK/notulen)"),
        max_length=200,
    )
    age_min = number_fields.IntegerField(label=_("Usia paling muda"), min_value=0, max_value=120)
    age_max = number_fields.IntegerField(label=_("Usia paling tua"), min_value=0, max_value=120)
    schemes = forms.MultipleChoiceField(
        label=_("Bansos yang dikecualikan"),
        choices=[(code, code) for code in SOCIAL_ASSISTANCE_LISTS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    dependents_cap = number_fields.IntegerField(
        label=DEPENDENTS_CAP_LABEL,
        help_text=DEPENDENTS_CAP_EXPLANATION,
        min_value=0,
        max_value=MAX_DEPENDENTS_CAP,
    )
    desil_max = number_fields.IntegerField(
        label=_("Desil paling tinggi"), min_value=1, max_value=10
    )
    desil_unknown_allowed = forms.BooleanField(
        label=_("Pekerja yang desilnya belum diketahui boleh ikut"), required=False
    )
    desil_threshold = number_fields.IntegerField(
        label=DESIL_THRESHOLD_LABEL,
        help_text=DESIL_THRESHOLD_EXPLANATION,
        min_value=2,
        max_value=11,
    )

    def __init__(
        self, *args: Any, programme: Any, occupations: dict[str, str], **kwargs: Any
    ) -> None:
        rules = programme.eligibility_rules or {}
        weights = programme.score_weights or DEFAULT_WEIGHTS
        try:
            ruleset = parse_rules(rules)
        except RulesInvalid:  # data broken outside the form: start from the defaults
            ruleset = parse_rules({})
        levels = dict(weights.get("job_risk_levels") or {})
        initial: dict[str, Any] = {
            "age_min": ruleset.age.minimum,
            "age_max": ruleset.age.maximum,
            "schemes": list(ruleset.excluded_schemes),
            "dependents_cap": weights.get("dependents_cap", 4),
            "desil_max": ruleset.desil_max,
            "desil_unknown_allowed": ruleset.is_unknown_desil_allowed,
            "desil_threshold": weights.get("desil_threshold", DEFAULT_DESIL_THRESHOLD),
            "effective_on": timezone.localdate(),
        }
        kwargs["initial"] = initial | kwargs.get("initial", {})
        super().__init__(*args, **kwargs)
        self.levels_before = levels
        for code in RuleCode:
            self.fields[f"rule_{code.value}"] = forms.BooleanField(
                label=code.label,
                help_text=RULE_EXPLANATIONS[code] % rule_params(ruleset),
                required=False,
                initial=code.value in rules,
            )
        for factor in Factor:
            self.fields[f"w_{factor.value}"] = number_fields.DecimalField(
                label=factor.label,
                help_text=FACTOR_EXPLANATIONS[factor]
                % {
                    "cap": weights.get("dependents_cap", DEFAULT_WEIGHTS["dependents_cap"]),
                    "threshold": weights.get("desil_threshold", DEFAULT_DESIL_THRESHOLD),
                },
                min_value=0,
                max_value=MAX_WEIGHT,
                max_digits=7,
                decimal_places=2,
                initial=Decimal(str(weights.get(factor.value, 0))),
            )
        self.risk_codes = sorted(
            set(occupations) | set(levels), key=lambda c: occupations.get(c, c)
        )
        for occupation in self.risk_codes:
            self.fields[f"risk_{occupation}"] = forms.TypedChoiceField(
                label=occupations.get(occupation, occupation),
                choices=RISK_LEVELS,
                coerce=int,
                initial=str(levels.get(occupation, 0)),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", _("Usia paling tua harus sama atau lebih dari yang muda."))
        return data

    def rule_fields(self) -> list[Any]:
        return [self[f"rule_{code.value}"] for code in RuleCode]

    def weight_fields(self) -> list[Any]:
        return [self[f"w_{factor.value}"] for factor in Factor]

    def risk_fields(self) -> list[Any]:
        return [self[f"risk_{code}"] for code in self.risk_codes]

    def eligibility_rules(self) -> dict[str, Any]:
        data = self.cleaned_data
        rules: dict[str, Any] = {}
        for code in RuleCode:
            if not data.get(f"rule_{code.value}"):
                continue
            params: dict[str, Any] = {}
            if code == RuleCode.AGE:
                params = {"min": data["age_min"], "max": data["age_max"]}
            elif code == RuleCode.NO_SOCIAL_ASSISTANCE:
                params = {"schemes": list(data["schemes"])}
            elif code == RuleCode.DESIL:
                params = {
                    "max": data["desil_max"],
                    "unknown_allowed": bool(data.get("desil_unknown_allowed")),
                }
            rules[code.value] = params
        return rules

    def score_weights(self) -> dict[str, Any]:
        data = self.cleaned_data
        weights: dict[str, Any] = {}
        for factor in Factor:
            value: Decimal = data[f"w_{factor.value}"]
            # Whole points stay numbers in the stored data (30), others keep their decimals.
            whole = value == value.to_integral_value()
            weights[factor.value] = int(value) if whole else str(value.normalize())
        weights["dependents_cap"] = data["dependents_cap"]
        weights["desil_threshold"] = data["desil_threshold"]
        weights["job_risk_levels"] = {
            code: level for code in self.risk_codes if (level := data[f"risk_{code}"])
        }
        return weights
