from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from rentan.accounts.access import Capability, can, kelurahan_open_to, kelurahan_scope
from rentan.core import forms as number_fields
from rentan.core.kept import kept
from rentan.core.widgets import RememberedSelect
from rentan.registry.job_names import MAX_NAME_LENGTH, JobNames
from rentan.registry.models import DeactivationReason, Occupation
from rentan.registry.nik import Sex
from rentan.registry.person_fields import PERSON_FIELDS
from rentan.registry.selectors import job_names, programme_kelurahan
from rentan.registry.validation import PersonDraft, RegistryContext, check_person


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


DATE_INPUTS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


class DatalistInput(forms.TextInput):
    """A text box that offers values as one types (the browser's own datalist): the typing
    stays free, so a job may be written as the person says it."""

    template_name = "registry/widgets/datalist.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", **(attrs or {})})
        self.options: list[tuple[str, str]] = []  # (value, what it stands for)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["list_id"] = f"{widget['attrs'].get('id') or name}-pilihan"
        widget["attrs"]["list"] = widget["list_id"]
        widget["options"] = self.options
        return context


class OccupationField(forms.CharField):
    """A job type typed by its name or any other name people use for it ("tukang becak");
    cleans to the job type's code. Call :meth:`use` with the names when the form is made."""

    widget = DatalistInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_NAME_LENGTH)
        super().__init__(**kwargs)
        self.names = JobNames([])

    def use(self, names: JobNames) -> None:
        self.names = names
        options: list[tuple[str, str]] = []
        for job in sorted(names.job_types.values(), key=lambda job: job.name):
            options.append((job.name, ""))
            options += [(alias, job.name) for alias in job.aliases]
        cast(DatalistInput, self.widget).options = options

    def prepare_value(self, value: Any) -> Any:
        # A stored code is shown by its name.
        return self.names.name_of(value) if value in self.names.job_types else value

    def to_python(self, value: Any) -> str:
        typed = super().to_python(value)
        if not typed:
            return ""
        code = self.names.code_for(typed)
        if code is None:
            raise forms.ValidationError(self.names.unknown_message(typed), code="unknown")
        return code


class PersonForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    kk_number = forms.CharField(
        label=_("Nomor KK"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    birth_place = forms.CharField(label=_("Tempat lahir"), max_length=100, required=False)
    birth_date = forms.DateField(
        label=_("Tanggal lahir"),
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=Sex.choices)
    mother_name = forms.CharField(
        label=_("Nama ibu kandung"),
        max_length=150,
        required=False,
        help_text=_("Boleh dilengkapi nanti; wajib untuk pendaftaran BPJS Ketenagakerjaan."),
    )
    street_address = forms.CharField(label=_("Alamat (jalan, gang)"), required=False)
    rt = forms.CharField(label=_("RT"), max_length=3, required=False)
    rw = forms.CharField(label=_("RW"), max_length=3, required=False)
    kelurahan = forms.ChoiceField(label=_("Kelurahan"))
    phone = forms.CharField(
        label=_("Nomor HP"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    occupation = OccupationField(label=_("Jenis pekerjaan"))
    monthly_income = number_fields.IntegerField(
        label=_("Perkiraan penghasilan per bulan (Rp)"), required=False, min_value=0
    )
    dependents = number_fields.IntegerField(
        label=_("Jumlah tanggungan"), min_value=0, max_value=20, initial=0
    )
    has_disability = forms.BooleanField(label=_("Penyandang disabilitas"), required=False)
    disability_note = forms.CharField(
        label=_("Keterangan disabilitas"), max_length=200, required=False
    )

    def __init__(
        self,
        *args: Any,
        user: Any,
        context: RegistryContext,
        asks_request: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.context = context
        if asks_request:
            # A verified record: what waits for the verifikator is marked, and the
            # verifikator reads why it is asked.
            for spec in PERSON_FIELDS:
                if spec.needs_request and spec.form_field in self.fields:
                    self.fields[spec.form_field].widget.attrs["data-needs-request"] = "1"
            self.fields["change_note"] = forms.CharField(
                label=_("Alasan perubahan (dibaca verifikator)"),
                required=False,
                max_length=1000,
                widget=forms.Textarea({"rows": 2}),
            )
        villages = kelurahan_open_to(user, programme_kelurahan())
        _choices(self, "kelurahan").choices = [("", "—")] + [
            (v.code, f"{v.name} ({v.parent.name if v.parent else ''})") for v in villages
        ]
        cast(OccupationField, self.fields["occupation"]).use(job_names())
        if not can(user, Capability.SEE_SENSITIVE):
            del self.fields["has_disability"]
            del self.fields["disability_note"]
        self.draft: PersonDraft | None = None
        self.warnings: list[str] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        draft = PersonDraft(
            **{
                spec.name: value
                for spec in PERSON_FIELDS
                if (value := data.get(spec.form_field)) is not None
            }
        )
        checked = check_person(draft, self.context)
        for issue in checked.errors:
            if issue.field.value not in self.errors:
                self.add_error(
                    issue.field.value if issue.field.value in self.fields else None, issue.message
                )
        self.warnings = [issue.message for issue in checked.warnings]
        self.draft = draft
        return data


class DeactivateForm(forms.Form):
    reason = forms.ChoiceField(label=_("Alasan"), choices=DeactivationReason.choices)
    on = forms.DateField(
        label=_("Tanggal"),
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea({"rows": 2}))


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Cari nama atau NIK"), required=False)
    # Areas and job types only: their rendered lists are kept and shared (RememberedSelect).
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False, widget=RememberedSelect)
    kelurahan = forms.ChoiceField(label=_("Kelurahan"), required=False, widget=RememberedSelect)
    occupation = forms.ChoiceField(
        label=_("Jenis pekerjaan"), required=False, widget=RememberedSelect
    )
    nonaktif = forms.BooleanField(label=_("Termasuk nonaktif"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An operator's list is their own kelurahan: area filters and columns would offer
        # a choice of one.
        self.shows_areas = kelurahan_scope(user) is None
        # The same lists for every search: kept a few seconds, not read on every request.
        villages = kelurahan_open_to(user, kept("search:kelurahan", programme_kelurahan))
        districts = sorted({(v.parent_id, v.parent.name) for v in villages if v.parent})
        _choices(self, "kecamatan").choices = [("", _("Semua kecamatan")), *districts]
        _choices(self, "kelurahan").choices = [("", _("Semua kelurahan"))] + [
            (v.code, v.name) for v in sorted(villages, key=lambda v: v.name)
        ]
        _choices(self, "occupation").choices = [
            ("", _("Semua pekerjaan")),
            *kept(
                "search:occupations", lambda: list(Occupation.objects.values_list("code", "name"))
            ),
        ]


class OccupationAliasesForm(forms.Form):
    aliases = forms.CharField(
        label=_("Nama lain"),
        required=False,
        max_length=5000,
        widget=forms.Textarea({"rows": 8}),
        help_text=_(
            "Satu nama per baris, sebagaimana ditulis warga dan kelurahan, mis. "
            "“tukang becak”. Huruf besar-kecil, spasi dan tanda baca tidak dibedakan."
        ),
    )
