from datetime import date
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rentan.core import forms as number_fields
from rentan.core.safe_files import checked_upload
from rentan.enrollment.bpjs_files import (
    FIELD_LABELS,
    FORMAT_LABELS,
    Column,
    Field,
    Format,
    MappingError,
    SheetNameError,
    check_columns,
    check_sheet_name,
)
from rentan.enrollment.models import ClaimKind, ClaimStatus, Membership
from rentan.enrollment.states import EndReason

DATE_INPUTS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Berkas .xlsx"))

    def clean_file(self) -> object:
        return checked_upload(self.cleaned_data["file"], "bpjs")


class BillUploadForm(UploadForm):
    month = forms.CharField(
        label=_("Bulan tagihan"), widget=forms.DateInput(attrs={"type": "month"})
    )

    def clean_month(self) -> date:
        text = self.cleaned_data["month"].strip()
        try:
            year, month = (int(part) for part in text.split("-"))
            return date(year, month, 1)
        except ValueError as bad:
            raise forms.ValidationError(_("Tulis bulan sebagai TTTT-BB, mis. 2023-03.")) from bad


class EndForm(forms.Form):
    reason = forms.ChoiceField(label=_("Alasan berhenti"), choices=EndReason.choices)
    on = _date_field(_("Tanggal berhenti"))
    note = forms.CharField(label=_("Keterangan"), max_length=255, required=False)


class ReplacementForm(forms.Form):
    reason = forms.CharField(label=_("Alasan penggantian"), max_length=255)


class PaymentForm(forms.Form):
    amount = number_fields.IntegerField(label=_("Jumlah dibayar (Rp)"), min_value=0)
    paid_on = _date_field(_("Tanggal bayar"))
    reference = forms.CharField(label=_("Nomor SP2D / bukti"), max_length=100, required=False)


class ClaimForm(forms.Form):
    """A claim for a member found by the search and picked from its results; only the
    members the user may claim for (`claimable_memberships`) can be picked."""

    membership = forms.ModelChoiceField(
        label=_("Peserta"),
        queryset=Membership.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Cari peserta dengan nama, NIK atau nomor KPJ, lalu pilih."),
            "invalid_choice": _("Peserta ini tidak dapat dipilih; cari lagi lalu pilih."),
        },
    )
    kind = forms.ChoiceField(label=_("Jenis klaim"), choices=ClaimKind.choices)
    event_on = _date_field(_("Tanggal kejadian"))
    note = forms.CharField(
        label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, members: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["membership"]).queryset = members


class ClaimUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ClaimStatus.choices)
    benefit_paid = number_fields.IntegerField(
        label=_("Manfaat dibayar (Rp)"), min_value=0, required=False
    )


class MappingColumnForm(forms.Form):
    """One column of the registration file; a row left without a header is dropped."""

    header = forms.CharField(label=_("Judul kolom"), max_length=100, required=False)
    field = forms.ChoiceField(label=_("Isi"), choices=list(FIELD_LABELS.items()))
    format = forms.ChoiceField(label=_("Bentuk"), choices=list(FORMAT_LABELS.items()))
    order = number_fields.IntegerField(
        label=_("Urutan"), min_value=1, max_value=999, required=False
    )

    def column(self) -> Column | None:
        header = (self.cleaned_data.get("header") or "").strip()
        if not header:
            return None
        return Column(
            header, Field(self.cleaned_data["field"]), Format(self.cleaned_data["format"])
        )


class BaseMappingFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        try:
            check_columns(self.columns())
        except MappingError as refused:
            raise forms.ValidationError(str(refused)) from refused

    def columns(self) -> list[Column]:
        """The columns in the chosen order (rows without an order keep their place)."""
        numbered = [
            (form.cleaned_data.get("order") or position, position, column)
            for position, form in enumerate(self.forms, start=1)
            if (column := form.column()) is not None
        ]
        return [column for _order, _position, column in sorted(numbered, key=lambda n: n[:2])]


MappingFormSet = cast(
    type[BaseMappingFormSet],
    forms.formset_factory(
        MappingColumnForm, formset=BaseMappingFormSet, extra=3, max_num=60, validate_max=True
    ),
)


class SheetForm(forms.Form):
    sheet_name = forms.CharField(label=_("Nama lembar (sheet)"), max_length=31)

    def clean_sheet_name(self) -> str:
        try:
            return check_sheet_name(self.cleaned_data["sheet_name"])
        except SheetNameError as refused:
            raise forms.ValidationError(str(refused)) from refused
