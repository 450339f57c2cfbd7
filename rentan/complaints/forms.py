from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from rentan.complaints.lifecycle import (
    Category,
    Channel,
    ComplaintStatus,
    Decision,
    FollowUp,
    Reporter,
)
from rentan.core.forms import IntegerField
from rentan.programmes.lifecycle import DRAFT
from rentan.programmes.models import Cycle
from rentan.regions.models import Area

DATE_INPUTS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


def _date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


class ComplaintForm(forms.Form):
    received_on = _date_field(_("Tanggal diterima"))
    channel = forms.ChoiceField(label=_("Saluran"), choices=Channel.choices)
    category = forms.ChoiceField(label=_("Kategori"), choices=Category.choices)
    reporter = forms.ChoiceField(
        label=_("Pelapor"), choices=Reporter.choices, widget=forms.RadioSelect
    )
    reporter_name = forms.CharField(label=_("Nama pelapor"), required=False, max_length=200)
    reporter_contact = forms.CharField(
        label=_("Kontak pelapor (HP/alamat)"), required=False, max_length=200
    )
    kelurahan = forms.ChoiceField(
        label=_("Kelurahan (untuk pelapor yang tidak terdaftar)"), required=False
    )
    cycle = forms.ModelChoiceField(
        label=_("Periode yang dipersoalkan"),
        queryset=Cycle.objects.none(),
        required=False,
        empty_label=_("— tidak menyangkut periode —"),
    )
    appeals_number = forms.CharField(
        label=_("Banding atas pengaduan nomor"),
        required=False,
        max_length=20,
        help_text=_("Isi untuk banding atas putusan pengaduan sebelumnya, mis. ADU-2026-000123."),
    )
    lapor_reference = forms.CharField(
        label=_("Nomor rujukan SP4N-LAPOR!"), required=False, max_length=60
    )
    text = forms.CharField(label=_("Isi pengaduan"), widget=forms.Textarea({"rows": 5}))

    def __init__(self, *args: Any, kelurahan: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kelurahan"]).choices = [
            ("", "—"),
            *((a.code, a.name) for a in kelurahan),
        ]
        cast(forms.ModelChoiceField, self.fields["cycle"]).queryset = (
            Cycle.objects.exclude(status=DRAFT).select_related("programme").order_by("-year")
        )


class ComplaintFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari nomor, nama atau NIK"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Semua")), *ComplaintStatus.choices]
    )
    category = forms.ChoiceField(
        label=_("Kategori"), required=False, choices=[("", _("Semua")), *Category.choices]
    )
    kelurahan = forms.ChoiceField(label=_("Kelurahan"), required=False)
    overdue = forms.BooleanField(label=_("Lewat batas waktu saja"), required=False)

    def __init__(self, *args: Any, kelurahan: list[Area] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kelurahan is None:
            # An operator's list is their own kelurahan: no choice to offer.
            del self.fields["kelurahan"]
        else:
            cast(forms.ChoiceField, self.fields["kelurahan"]).choices = [
                ("", _("Semua")),
                *((a.code, a.name) for a in kelurahan),
            ]


class AssigneeField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.get_role_display()})"


class AssignForm(forms.Form):
    assignee = AssigneeField(label=_("Tugaskan kepada"), queryset=None)

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(AssigneeField, self.fields["assignee"]).queryset = users


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Putusan"), choices=Decision.choices)
    reason = forms.CharField(label=_("Alasan putusan"), widget=forms.Textarea({"rows": 4}))
    on = _date_field(_("Tanggal putusan"))


class FollowUpForm(forms.Form):
    follow_up = forms.ChoiceField(label=_("Yang sudah dilakukan"), choices=FollowUp.choices)
    note = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea({"rows": 2}))


class DeadlineForm(forms.Form):
    category = forms.ChoiceField(label=_("Kategori"), choices=Category.choices)
    days = IntegerField(label=_("Batas waktu (hari)"), min_value=1, max_value=365)
    effective_on = _date_field(_("Berlaku sejak"))
    reference = forms.CharField(
        label=_("Dasar (keputusan/catatan)"), required=False, max_length=200
    )
