from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rentan.enrollment.models import ClaimKind, ClaimStatus
from rentan.enrollment.states import EndReason

DATE_INPUTS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]
MAX_UPLOAD = 50 * 1024 * 1024


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Berkas .xlsx"))

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Berkas lebih dari 50 MB."))
        return upload


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
    amount = forms.IntegerField(label=_("Jumlah dibayar (Rp)"), min_value=0)
    paid_on = _date_field(_("Tanggal bayar"))
    reference = forms.CharField(label=_("Nomor SP2D / bukti"), max_length=100, required=False)


class ClaimForm(forms.Form):
    kpj_number = forms.CharField(
        label=_("Nomor KPJ"), max_length=11, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    kind = forms.ChoiceField(label=_("Jenis klaim"), choices=ClaimKind.choices)
    event_on = _date_field(_("Tanggal kejadian"))
    note = forms.CharField(
        label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ClaimUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ClaimStatus.choices)
    benefit_paid = forms.IntegerField(label=_("Manfaat dibayar (Rp)"), min_value=0, required=False)
