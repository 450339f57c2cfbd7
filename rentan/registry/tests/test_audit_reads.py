"""Every read of a person's data is on record, and the Audit page answers "whose data did this
account see between these two dates"."""

import io
from datetime import datetime, timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from rentan.core.audit import record_event, record_read
from rentan.core.models import AuditAction, AuditEvent, AuditSubject
from rentan.registry.models import Household
from rentan.registry.services import detect_registry_duplicates
from rentan.registry.tests.test_duplicates import twins_by_typo
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _subjects(event):
    return sorted(event.subjects.values_list("person_id", flat=True))


def _reads(user):
    return AuditEvent.objects.filter(actor=user, action=AuditAction.VIEW)


def test_person_page_records_the_person_and_the_household_shown(client, operator_user):
    family = Household.objects.create(kk_number="3375010101200001")
    person = PersonFactory(household=family)
    sister = PersonFactory(household=family)
    PersonFactory()  # not in the family: not shown, not recorded
    client.force_login(operator_user)
    assert client.get(reverse("registry:person_detail", args=[person.pk])).status_code == 200
    event = _reads(operator_user).get()
    assert _subjects(event) == sorted([person.pk, sister.pk])
    assert event.changes["halaman"] == f"/pekerja/{person.pk}/"
    assert (event.target_type, event.target_id) == ("registry.person", str(person.pk))


def test_a_refused_person_page_records_nothing(client, operator_user):
    outside = PersonFactory(kelurahan_id="33.75.04.1010")
    client.force_login(operator_user)
    assert client.get(reverse("registry:person_detail", args=[outside.pk])).status_code == 404
    assert not AuditSubject.objects.exists()


def test_revealed_nik_names_its_person(client, verifier_user):
    person = PersonFactory()
    client.force_login(verifier_user)
    client.post(reverse("registry:person_reveal_nik", args=[person.pk]))
    event = AuditEvent.objects.get(action=AuditAction.VIEW_NIK)
    assert (event.actor, _subjects(event)) == (verifier_user, [person.pk])


def test_duplicate_queue_records_both_persons_of_each_pair_shown(client, verifier_user):
    left, right = twins_by_typo()
    detect_registry_duplicates()
    client.force_login(verifier_user)
    assert client.get(reverse("registry:duplicate_list")).status_code == 200
    event = _reads(verifier_user).get()
    assert _subjects(event) == sorted([left.pk, right.pk])
    assert event.changes["halaman"] == "/pekerja/duplikat/"


def test_duplicate_search_leads_to_the_queue_which_is_recorded(client, verifier_user):
    left, right = twins_by_typo()
    client.force_login(verifier_user)
    client.post(reverse("registry:duplicate_search"), follow=True)
    assert _subjects(_reads(verifier_user).get()) == sorted([left.pk, right.pk])


def test_person_page_shows_its_viewers_to_the_admin_only(client, admin_user, verifier_user):
    person = PersonFactory()
    client.force_login(verifier_user)
    client.get(reverse("registry:person_detail", args=[person.pk]))
    page = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert 'data-testid="viewers"' not in page
    client.force_login(admin_user)
    page = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert 'data-testid="viewers"' in page
    assert verifier_user.display_name in page
    assert f"{reverse('audit:event_list')}?pekerja={person.pk}" in page


def test_person_audit_page_lists_the_reads(client, admin_user, verifier_user):
    person = PersonFactory()
    record_read(actor=verifier_user, persons=[person.pk], page="/x/", note="Dilihat uji")
    client.force_login(admin_user)
    response = client.get(reverse("registry:person_audit", args=[person.pk]))
    assert [event.note for event in response.context["reads"]][-1] == "Dilihat uji"
    assert "Dilihat uji" in response.content.decode()


# --- the Audit page -----------------------------------------------------------------------------


@pytest.fixture
def trail(admin_user, verifier_user, operator_user):
    """Three reads: the verifier saw Budi last month and Siti today, the operator saw Siti."""
    budi = PersonFactory(name="Budi")
    siti = PersonFactory(name="Siti")
    old = record_read(actor=verifier_user, persons=[budi.pk], page="/b/", note="Lama")
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=30))
    today = record_read(actor=verifier_user, persons=[siti.pk], page="/s/", note="Hari ini")
    other = record_read(actor=operator_user, persons=[siti.pk], page="/s/", note="Operator")
    return {"budi": budi, "siti": siti, "old": old, "today": today, "other": other}


def _listed(client, **query):
    response = client.get(reverse("audit:event_list"), query)
    assert response.status_code == 200
    return [row["event"] for row in response.context["rows"]]


def test_audit_page_filters_by_user_person_kind_and_period(client, admin_user, trail):
    client.force_login(admin_user)
    verifier = trail["today"].actor
    assert _listed(client, pengguna=verifier.pk) == [trail["today"], trail["old"]]
    assert _listed(client, pekerja=trail["siti"].nik) == [trail["other"], trail["today"]]
    assert _listed(client, pekerja=str(trail["budi"].pk)) == [trail["old"]]
    assert _listed(client, jenis=AuditAction.VIEW, pengguna=trail["other"].actor.pk) == [
        trail["other"]
    ]
    assert _listed(client, jenis=AuditAction.EXPORT) == []
    today = timezone.localdate()
    since = (today - timedelta(days=31)).isoformat()
    until = (today - timedelta(days=29)).isoformat()
    assert _listed(client, dari=since, sampai=until) == [trail["old"]]
    assert _listed(client, pengguna=verifier.pk, dari=today.isoformat()) == [trail["today"]]


def test_audit_page_refuses_a_nik_nobody_has(client, admin_user, trail):
    client.force_login(admin_user)
    response = client.get(reverse("audit:event_list"), {"pekerja": "3375010101019999"})
    assert response.context["form"].errors["pekerja"] == ["Tidak ada pekerja dengan NIK ini."]
    assert response.context["rows"] == []


def test_audit_page_pages_newest_first(client, admin_user, monkeypatch):
    from rentan.registry import audit_views

    monkeypatch.setattr(audit_views, "PAGE_SIZE", 2)
    client.force_login(admin_user)  # the sign-in is on record too, before the reads
    events = [record_read(actor=admin_user, persons=[1], page="/", note=str(n)) for n in range(5)]
    first = client.get(reverse("audit:event_list"))
    assert [row["event"] for row in first.context["rows"]] == [events[4], events[3]]
    assert first.context["next_before"] == events[3].pk
    second = _listed(client, sebelum=events[3].pk)
    assert second == [events[2], events[1]]


@pytest.mark.parametrize("fixture", ["operator_user", "verifier_user", "bpjs_user", "leader_user"])
def test_audit_page_and_export_are_for_the_admin_only(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("audit:event_list")).status_code == 403
    assert client.get(reverse("audit:event_export")).status_code == 403
    assert "/audit/" not in client.get(reverse("home")).content.decode()


def test_audit_menu_shows_to_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert reverse("audit:event_list") in client.get(reverse("home")).content.decode()


def test_export_holds_the_filtered_reads_with_masked_niks_and_is_recorded(
    client, admin_user, trail
):
    siti = trail["siti"]
    siti.name = '=HYPERLINK("http://evil.example/","Klik")'
    siti.save()
    client.force_login(admin_user)
    verifier = trail["today"].actor
    response = client.get(
        reverse("audit:event_export"),
        {"pengguna": verifier.pk, "dari": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="jejak-audit-')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Waktu (WIB)", "Pengguna", "Nama pengguna")
    assert len(rows) == 2  # only today's read by the verifier
    row = rows[1]
    assert row[1:4] == (verifier.username, verifier.display_name, "Data pribadi dilihat")
    assert row[7:] == (siti.pk, siti.masked_nik, siti.name)
    assert siti.nik not in str(rows)
    assert book.active["J2"].data_type == "s"  # the name is text, never a formula
    local = timezone.localtime(trail["today"].at)
    assert row[0].startswith(f"{local.day} ")
    assert row[0].endswith(f"{local:%H.%M}")

    export = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (export.actor, export.target_type) == (admin_user, "core.auditevent")
    assert export.changes["ids"] == [str(trail["today"].pk)]
    assert _subjects(export) == [siti.pk]


def test_period_is_read_in_jakarta_time(client, admin_user):
    event = record_read(actor=admin_user, persons=[1], page="/", note="malam")
    # 23:30 in Jakarta on 1 March is 16:30 UTC the same day: it belongs to 1 March.
    at = datetime(2026, 3, 1, 23, 30, tzinfo=timezone.get_current_timezone())
    AuditEvent.objects.filter(pk=event.pk).update(at=at)
    client.force_login(admin_user)
    assert _listed(client, dari="2026-03-01", sampai="2026-03-01") == [event]
    # The sign-in above is today's event, of another kind.
    assert _listed(client, dari="2026-03-02", jenis=AuditAction.VIEW) == []


def test_person_filter_also_finds_what_was_done_to_the_record(client, admin_user, trail):
    change = record_event(actor=admin_user, action=AuditAction.UPDATE, target=trail["budi"])
    client.force_login(admin_user)
    assert _listed(client, pekerja=str(trail["budi"].pk)) == [change, trail["old"]]


def test_export_reads_every_chunk_of_events(client, admin_user, trail, monkeypatch):
    from rentan.registry import audit_views

    monkeypatch.setattr(audit_views, "EXPORT_CHUNK", 1)
    client.force_login(admin_user)
    response = client.get(reverse("audit:event_export"), {"pekerja": trail["siti"].nik})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[5] for row in rows[1:]] == ["Operator", "Hari ini"]
