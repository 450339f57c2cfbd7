"""The Audit page (admin): who did or saw what, filtered by user, person, kind and period,
and its xlsx export: the answer to "whose data did this account see between these two
dates" that a breach report under UU 27/2022 must give within 3 x 24 hours.

A person is named by NIK or id; a period is whole days in the server's time zone
(Asia/Jakarta); the list pages by event id (`newest_events`), never by OFFSET. The export
writes one row per person each event showed or exported, NIK masked, with the name (itself
recorded as an export). A person's own page lists their latest viewers to the same role
(`views.person_detail`)."""

import io
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rentan.accounts.access import Capability, requires
from rentan.core.audit import record_export
from rentan.core.exports import attachment_disposition, xlsx_workbook
from rentan.core.formatting import format_datetime
from rentan.core.models import AuditAction, AuditEvent, AuditSubject
from rentan.registry.models import Person
from rentan.registry.nik import mask_nik

PAGE_SIZE = 50
# An xlsx sheet holds 1,048,576 rows; an export that would pass this says so in its last row.
EXPORT_MAX_ROWS = 1_000_000
EXPORT_CHUNK = 2000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERSON_TYPE = Person._meta.label_lower


class AuditFilterForm(forms.Form):
    pengguna = forms.ModelChoiceField(
        queryset=get_user_model().objects.order_by("username"),
        required=False,
        label=gettext_lazy("Pengguna"),
        empty_label=gettext_lazy("Semua pengguna"),
    )
    pekerja = forms.CharField(
        required=False,
        max_length=16,
        label=gettext_lazy("Pekerja (NIK atau ID)"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    jenis = forms.ChoiceField(
        required=False,
        choices=[("", gettext_lazy("Semua jenis")), *AuditAction.choices],
        label=gettext_lazy("Jenis"),
    )
    dari = forms.DateField(
        required=False,
        label=gettext_lazy("Dari tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sampai = forms.DateField(
        required=False,
        label=gettext_lazy("Sampai tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_pekerja(self) -> list[int]:
        value = self.cleaned_data["pekerja"].strip()
        if not value:
            return []
        if value.isdigit() and len(value) == 16:
            ids = list(Person.objects.filter(nik=value).values_list("pk", flat=True))
            if not ids:
                raise ValidationError(_("Tidak ada pekerja dengan NIK ini."))
            return ids
        if value.isdigit() and len(value) <= 12:
            if not Person.objects.filter(pk=int(value)).exists():
                raise ValidationError(_("Tidak ada pekerja dengan ID ini."))
            return [int(value)]
        raise ValidationError(_("Isi NIK lengkap (16 angka) atau ID pekerja."))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("dari"), cleaned.get("sampai")
        if since and until and since > until:
            self.add_error("sampai", _("Tanggal akhir sebelum tanggal awal."))
        return cleaned


def filtered_events(cleaned: dict[str, Any]) -> QuerySet[AuditEvent]:
    """Events matching the user, kind and period filters, newest first."""
    events = AuditEvent.objects.select_related("actor").order_by("-id")
    if cleaned.get("pengguna"):
        events = events.filter(actor=cleaned["pengguna"])
    if cleaned.get("jenis"):
        events = events.filter(action=cleaned["jenis"])
    zone = timezone.get_current_timezone()
    if cleaned.get("dari"):
        events = events.filter(at__gte=datetime.combine(cleaned["dari"], time.min, tzinfo=zone))
    if cleaned.get("sampai"):
        end = cleaned["sampai"] + timedelta(days=1)
        events = events.filter(at__lt=datetime.combine(end, time.min, tzinfo=zone))
    return events


def newest_events(cleaned: dict[str, Any], *, before: int | None, limit: int) -> list[AuditEvent]:
    """Up to `limit` matching events older than `before`, newest first. A person's events
    are those that showed or exported their data (subjects) and those done to their record:
    two index lookups merged here, since one OR across them makes the database scan every
    event."""
    events = filtered_events(cleaned)
    if before is not None:
        events = events.filter(pk__lt=before)
    person_ids = cleaned.get("pekerja") or []
    if not person_ids:
        return list(events[:limit])
    seen = events.filter(
        pk__in=AuditSubject.objects.filter(person_id__in=person_ids).values("event_id")
    )
    done_to = events.filter(target_type=PERSON_TYPE, target_id__in=[str(pk) for pk in person_ids])
    merged = {event.pk: event for event in [*seen[:limit], *done_to[:limit]]}
    return [merged[pk] for pk in sorted(merged, reverse=True)[:limit]]


def _target_label(event: AuditEvent) -> str:
    if not event.target_type:
        return ""
    try:
        name = capfirst(str(apps.get_model(event.target_type)._meta.verbose_name))
    except (LookupError, ValueError):
        name = event.target_type
    return f"{name} #{event.target_id}" if event.target_id else name


def _filter_form(request: HttpRequest) -> tuple[AuditFilterForm, dict[str, Any]]:
    form = AuditFilterForm(request.GET or None)
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, cleaned


@requires(Capability.READ_AUDIT)
def event_list(request: HttpRequest) -> HttpResponse:
    form, cleaned = _filter_form(request)
    before = request.GET.get("sebelum", "")
    shown = (
        newest_events(
            cleaned, before=int(before) if before.isdigit() else None, limit=PAGE_SIZE + 1
        )
        if not form.errors
        else []
    )
    has_more = len(shown) > PAGE_SIZE
    shown = shown[:PAGE_SIZE]
    counts = dict(
        AuditSubject.objects.filter(event_id__in=[event.pk for event in shown])
        .values("event_id")
        .annotate(n=Count("id"))
        .values_list("event_id", "n")
    )
    query = request.GET.copy()
    query.pop("sebelum", None)
    return render(
        request,
        "registry/audit_list.html",
        {
            "form": form,
            "rows": [
                {
                    "event": event,
                    "target": _target_label(event),
                    "is_person": event.target_type == PERSON_TYPE,
                    "page": event.changes.get("halaman", "") if event.action == "view" else "",
                    "persons": counts.get(event.pk, 0),
                }
                for event in shown
            ],
            "next_before": shown[-1].pk if has_more else None,
            "is_first_page": not before,
            "query": query.urlencode(),
            "since": cleaned.get("dari"),
            "until": cleaned.get("sampai"),
        },
    )


EXPORT_HEADERS = [
    "Waktu (WIB)",
    "Pengguna",
    "Nama pengguna",
    "Tindakan",
    "Data",
    "Keterangan",
    "Halaman",
    "ID pekerja",
    "NIK (tersamar)",
    "Nama pekerja",
]


def _export_rows(
    cleaned: dict[str, Any], exported: set[int], written: list[int]
) -> Iterator[list[object]]:
    """One row per person an event showed or exported (one row for an event without any),
    read a chunk of events at a time. Fills `exported` with the persons and `written` with
    the events written."""
    last: int | None = None
    while True:
        batch = newest_events(cleaned, before=last, limit=EXPORT_CHUNK)
        if not batch:
            return
        last = batch[-1].pk
        subjects: dict[int, list[int]] = {}
        for event_id, person_id in (
            AuditSubject.objects.filter(event_id__in=[event.pk for event in batch])
            .order_by("event_id", "person_id")
            .values_list("event_id", "person_id")
        ):
            subjects.setdefault(event_id, []).append(person_id)
        wanted = {pk for ids in subjects.values() for pk in ids}
        persons = {
            pk: (nik, name)
            for pk, nik, name in Person.objects.filter(pk__in=wanted).values_list(
                "pk", "nik", "name"
            )
        }
        for event in batch:
            written.append(event.pk)
            head: list[object] = [
                format_datetime(timezone.localtime(event.at)),
                event.actor.username if event.actor else "sistem",
                event.actor.display_name if event.actor else "",
                str(event.get_action_display()),
                _target_label(event),
                event.note,
                event.changes.get("halaman", "") if event.action == "view" else "",
            ]
            ids = subjects.get(event.pk, [])
            if not ids:
                yield [*head, "", "", ""]
            for pk in ids:
                nik, name = persons.get(pk, ("", ""))
                exported.add(pk)
                yield [*head, pk, mask_nik(nik) if nik else "", name]


def write_xlsx(headers: list[str], rows: Iterator[list[object]], *, limit: int) -> bytes:
    """A one-sheet table. User text stays text: no formulas, no links, whatever a name or
    note starts with."""
    buffer = io.BytesIO()
    book = xlsx_workbook(buffer, {"constant_memory": True, "in_memory": False})
    sheet = book.add_worksheet("Audit")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, headers, bold)
    sheet.freeze_panes(1, 0)
    number = 0
    for number, row in enumerate(rows, start=1):
        if number > limit:
            sheet.write(number, 0, _("Terpotong: persempit periode atau saringan."))
            break
        sheet.write_row(number, 0, row)
    book.close()
    return buffer.getvalue()


@requires(Capability.READ_AUDIT)
def event_export(request: HttpRequest) -> HttpResponse:
    form, cleaned = _filter_form(request)
    if form.errors:
        return event_list(request)
    exported: set[int] = set()
    written: list[int] = []
    content = write_xlsx(
        EXPORT_HEADERS, _export_rows(cleaned, exported, written), limit=EXPORT_MAX_ROWS
    )
    filters = request.GET.urlencode()
    record_export(
        actor=request.user,
        target_type=AuditEvent._meta.label_lower,
        target_ids=written,
        note=f"Ekspor jejak audit ({filters or 'tanpa saringan'})",
        persons=exported,
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return HttpResponse(
        content,
        content_type=XLSX,
        headers={"Content-Disposition": attachment_disposition(f"jejak-audit-{stamp}.xlsx")},
    )
