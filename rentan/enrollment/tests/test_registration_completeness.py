"""The registration file carries the mother's maiden name, and the export warns about the
members the branch would refuse for a missing field before writing anything."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from rentan.core.models import AuditAction, AuditEvent
from rentan.enrollment.bpjs_files import DEFAULT_COLUMNS, Column, Field, missing_for_registration
from rentan.enrollment.models import ExchangeFile, Membership
from rentan.enrollment.services import exchange_files as file_services
from rentan.enrollment.services import memberships as membership_services
from rentan.enrollment.states import MembershipStatus
from rentan.enrollment.tests.helpers import fixed_cycle
from rentan.registry.models import Person

TODAY = date(2023, 1, 5)


@pytest.mark.parametrize(
    ("values", "missing"),
    [
        ({"mother_name": "Tumini", "birth_place": "Batang", "street_address": "Gg. 3"}, []),
        ({"mother_name": " ", "birth_place": "Batang", "street_address": "Gg. 3"}, ["mother"]),
        (
            {"mother_name": "", "birth_place": "", "street_address": ""},
            ["mother", "place", "address"],
        ),
    ],
)
def test_missing_for_registration_names_each_required_field_left_empty(values, missing):
    names = {Field.MOTHER_NAME: "mother", Field.BIRTH_PLACE: "place", Field.ADDRESS: "address"}
    found = missing_for_registration(DEFAULT_COLUMNS, **values)
    assert [names[f] for f in found] == missing


def test_a_mapping_without_the_column_does_not_ask_for_its_field():
    columns = [Column("NIK", Field.NIK), Column("NAMA", Field.NAME)]
    assert (
        missing_for_registration(columns, mother_name="", birth_place="", street_address="") == []
    )


def _cycle_with_one_incomplete(admin_user):
    cycle = fixed_cycle()
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY)
    Person.objects.filter(name="Siti Aminah").update(mother_name="")
    return cycle


def _rows(exchange: ExchangeFile) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(bytes(exchange.content))).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


@pytest.mark.django_db
def test_the_registration_file_fills_the_mother_name_column(admin_user):
    cycle = fixed_cycle()
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY)
    rows = _rows(file_services.export_registration(actor=admin_user, cycle=cycle, today=TODAY))
    column = rows[0].index("NAMA IBU KANDUNG")
    assert sorted(row[column] for row in rows[1:]) == ["KHOTIJAH", "SUMIYATI", "TUMINI"]


@pytest.mark.django_db
def test_complete_only_leaves_the_incomplete_member_approved_for_a_later_file(admin_user):
    cycle = _cycle_with_one_incomplete(admin_user)
    exchange = file_services.export_registration(
        actor=admin_user, cycle=cycle, today=TODAY, complete_only=True
    )
    assert sorted(row[1] for row in _rows(exchange)[1:]) == ["BAMBANG SUTRISNO", "SLAMET RIYADI"]
    siti = Membership.objects.get(person__name="Siti Aminah")
    assert siti.status == MembershipStatus.APPROVED
    assert siti.registration_file is None
    export = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert siti.person_id not in set(export.subjects.values_list("person_id", flat=True))


@pytest.mark.django_db
def test_export_warns_with_the_incomplete_members_before_writing(client, admin_user):
    cycle = _cycle_with_one_incomplete(admin_user)
    siti = Person.objects.get(name="Siti Aminah")
    client.force_login(admin_user)
    response = client.post(reverse("enrollment:export", args=[cycle.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 peserta belum lengkap" in page
    assert siti.masked_nik in page
    assert siti.nik not in page
    assert "Nama ibu kandung" in page
    assert reverse("registry:person_edit", args=[siti.pk]) in page
    assert "Buat berkas untuk 2 peserta yang lengkap" in page
    assert not ExchangeFile.objects.exists()
    assert not Membership.objects.filter(status=MembershipStatus.REGISTERED).exists()
    shown = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert list(shown.subjects.values_list("person_id", flat=True)) == [siti.pk]


@pytest.mark.django_db
def test_confirmed_export_writes_the_complete_members_only(client, admin_user):
    cycle = _cycle_with_one_incomplete(admin_user)
    client.force_login(admin_user)
    response = client.post(
        reverse("enrollment:export", args=[cycle.pk]), {"lengkap_saja": "1"}, follow=True
    )
    assert response.status_code == 200
    exchange = ExchangeFile.objects.get()
    assert exchange.rows == 2
    assert Membership.objects.filter(status=MembershipStatus.REGISTERED).count() == 2
    assert Membership.objects.get(person__name="Siti Aminah").status == MembershipStatus.APPROVED


@pytest.mark.django_db
def test_once_completed_the_member_goes_in_the_next_file(client, admin_user):
    cycle = _cycle_with_one_incomplete(admin_user)
    client.force_login(admin_user)
    client.post(reverse("enrollment:export", args=[cycle.pk]), {"lengkap_saja": "1"})
    Person.objects.filter(name="Siti Aminah").update(mother_name="Khotijah")
    response = client.post(reverse("enrollment:export", args=[cycle.pk]))
    assert response.status_code == 302
    assert ExchangeFile.objects.count() == 2
    assert Membership.objects.filter(status=MembershipStatus.REGISTERED).count() == 3


@pytest.mark.django_db
def test_when_no_member_is_complete_the_page_offers_no_file(client, admin_user):
    cycle = fixed_cycle()
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY)
    Person.objects.update(mother_name="")
    client.force_login(admin_user)
    page = client.post(reverse("enrollment:export", args=[cycle.pk])).content.decode()
    assert "3 peserta belum lengkap" in page
    assert "lengkap_saja" not in page


@pytest.mark.django_db(transaction=True)
def test_a_large_confirmed_file_made_by_the_worker_leaves_the_incomplete_out(
    client, admin_user, settings
):
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.RENTAN_BACKGROUND_EXPORT_ROWS = 1
    cycle = _cycle_with_one_incomplete(admin_user)
    client.force_login(admin_user)
    assert client.post(reverse("enrollment:export", args=[cycle.pk])).status_code == 200
    response = client.post(reverse("enrollment:export", args=[cycle.pk]), {"lengkap_saja": "1"})
    assert response["Location"] == reverse("enrollment:export_progress", args=[cycle.pk])
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    assert ExchangeFile.objects.get().rows == 2
    assert Membership.objects.get(person__name="Siti Aminah").status == MembershipStatus.APPROVED


@pytest.mark.django_db
def test_the_export_command_writes_nothing_while_a_member_lacks_a_required_field(
    admin_user, tmp_path
):
    cycle = _cycle_with_one_incomplete(admin_user)
    siti = Person.objects.get(name="Siti Aminah")
    out = tmp_path / "pendaftaran.xlsx"

    with pytest.raises(CommandError) as refused:
        call_command("export_bpjs", str(cycle.pk), "--out", str(out), stdout=io.StringIO())

    said = str(refused.value)
    assert "1 peserta belum lengkap" in said
    assert f"NIK {siti.masked_nik}" in said
    assert "Nama ibu kandung" in said
    assert "Siti" not in said  # the terminal shows the masked NIK, not the name
    assert "2 peserta yang lengkap dengan --lengkap-saja" in said
    assert not out.exists()
    assert not ExchangeFile.objects.exists()
    assert not Membership.objects.exclude(status=MembershipStatus.APPROVED).exists()
    read = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert list(read.subjects.values_list("person_id", flat=True)) == [siti.pk]

    printed = io.StringIO()
    call_command("export_bpjs", str(cycle.pk), "--out", str(out), "--lengkap-saja", stdout=printed)
    assert printed.getvalue().startswith("2 peserta ditulis")
    assert len(_rows(ExchangeFile.objects.get())) == 3  # the header and the two complete
    assert Membership.objects.get(person=siti).status == MembershipStatus.APPROVED
