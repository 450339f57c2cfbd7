from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rentan.accounts.access import kelurahan_scope
from rentan.core.safe_files import checked_upload, format_size, limits_for
from rentan.imports.cells import FIELD_LABELS, ImportField
from rentan.imports.reading import SUFFIXES
from rentan.registry.selectors import programme_kelurahan

# A file above this size is checked in the background with a progress bar; smaller ones
# (a kelurahan's usual few hundred rows) are checked while the page loads.
INLINE_MAX_BYTES = 256 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas (.xlsx, .xls, .ods, .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUFFIXES)}),
    )
    kelurahan = forms.ChoiceField(
        label=_("Kelurahan untuk baris tanpa kolom kelurahan"), required=False
    )
    household_rule = forms.BooleanField(
        label=_("Satu peserta per keluarga (KK): tandai anggota KK yang sama"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("Paling besar %(limit)s.") % {
            "limit": format_size(limits_for("import").max_bytes)
        }
        if kelurahan_scope(user) is not None:  # an operator imports into their own only
            del self.fields["kelurahan"]
        else:
            field: Any = self.fields["kelurahan"]
            field.choices = [("", _("(tidak ada)"))] + [
                (area.code, area.name) for area in programme_kelurahan()
            ]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(
                _("Jenis berkas tidak didukung: unggah .xlsx, .xls, .ods atau .csv.")
            )
        return checked_upload(upload, "import")


class MappingForm(forms.Form):
    """One drop-down per column the import did not recognise."""

    def __init__(self, *args: Any, columns: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("(abaikan kolom ini)"))] + [
            (field.value, FIELD_LABELS[field])
            for field in ImportField
            if field is not ImportField.IGNORE
        ]
        for index, header in columns:
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header, choices=choices, required=False
            )

    def mapping(self) -> dict[int, ImportField]:
        return {
            int(name[4:]): ImportField(value or ImportField.IGNORE.value)
            for name, value in self.cleaned_data.items()
        }


class DesilListForm(forms.Form):
    """A DTSEN desil list as the Dinas received it, with where it came from."""

    file = forms.FileField(
        label=_("Daftar desil (.xlsx, .xls, .ods, .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUFFIXES)}),
        help_text=_("Kolom: NIK atau No. KK, Desil (1-10), Tanggal pemeringkatan atau Periode."),
    )
    source = forms.CharField(
        label=_("Sumber"),
        max_length=200,
        help_text=_("Seperti tertulis pada surat pengantar, mis. DTSEN Maret 2026."),
    )
    ranked_on = forms.DateField(
        label=_("Tanggal pemeringkatan (bila tidak ada di berkas)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(
                _("Jenis berkas tidak didukung: unggah .xlsx, .xls, .ods atau .csv.")
            )
        return checked_upload(upload, "desil")


class FieldFormForm(forms.Form):
    """A KoboToolbox form whose submissions Rentan is to take."""

    name = forms.CharField(label=_("Nama formulir"), max_length=100)
    xform_id = forms.CharField(
        label=_("Kode formulir di KoboToolbox (xform id)"),
        max_length=100,
        help_text=_(
            "Tertulis sebagai _xform_id_string pada setiap kiriman; di KoboToolbox, kode aset "
            "formulir (mis. aBcD1234EfGh5678)."
        ),
    )
    kelurahan = forms.ChoiceField(
        label=_("Hanya untuk kelurahan"),
        required=False,
        help_text=_("Kosongkan bila formulir dipakai di banyak kelurahan."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["kelurahan"]
        field.choices = [("", _("(semua kelurahan)"))] + [
            (area.code, area.name) for area in programme_kelurahan()
        ]
