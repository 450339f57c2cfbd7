"""The pages: who may see and do what, and that each shows what it should."""

from datetime import date

import pytest
from django.urls import reverse

from rentan.core.models import AuditAction, AuditEvent
from rentan.enrollment.models import Bill, Claim, ClaimKind, Membership, Payment
from rentan.enrollment.services import exchange_files as file_services
from rentan.enrollment.services import memberships as membership_services
from rentan.enrollment.states import MembershipStatus
from rentan.enrollment.tests.helpers import accepted, bill_file, fixed_cycle, reply_file
from rentan.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
TODAY = date(2023, 1, 5)


def _login(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def _running(admin_user):
    cycle = fixed_cycle()
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY)
    file_services.export_registration(actor=admin_user, cycle=cycle, today=TODAY)
    members = list(Membership.objects.order_by("person__nik").select_related("person"))
    file_services.import_bpjs_reply(
        actor=admin_user,
        content=reply_file(accepted(members[0].person.nik, "23000000001")),
        filename="r.xlsx",
        today=TODAY,
    )
    return cycle, members


@pytest.mark.parametrize(
    ("name", "fixture", "status"),
    [
        ("enrollment:memberships", "admin_user", 200),
        ("enrollment:memberships", "bpjs_user", 200),
        ("enrollment:memberships", "operator_user", 403),
        ("enrollment:billing", "admin_user", 200),
        ("enrollment:billing", "bpjs_user", 403),
        ("enrollment:claims", "bpjs_user", 200),
        ("enrollment:claims", "leader_user", 403),
    ],
)
def test_pages_open_only_to_their_roles(client, request, name, fixture, status):
    user = request.getfixturevalue(fixture)
    assert _login(client, user).get(reverse(name)).status_code == status


def test_bpjs_officer_sees_only_the_enrolled_roster_with_masked_niks(client, admin_user, bpjs_user):
    _cycle, members = _running(admin_user)
    page = _login(client, bpjs_user).get(reverse("enrollment:memberships")).content.decode()
    assert members[0].person.name in page
    assert members[1].person.name not in page  # didaftarkan, not yet on the roster
    assert members[0].person.nik not in page
    assert members[0].person.masked_nik in page
    assert client.post(reverse("enrollment:export", args=[_cycle.pk])).status_code == 403


def test_admin_export_downloads_the_file_and_records_the_export(client, admin_user):
    cycle = fixed_cycle()
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY)
    _login(client, admin_user)
    response = client.post(reverse("enrollment:export", args=[cycle.pk]), follow=True)
    assert response.status_code == 200
    download = client.get(
        reverse("enrollment:exchange_download", args=[response.context["exchange"].pk])
    )
    assert download["Content-Disposition"].startswith("attachment;")
    assert bytes(download.content)[:2] == b"PK"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 2
    assert Membership.objects.filter(status=MembershipStatus.REGISTERED).count() == 3


def test_importing_something_that_is_no_reply_shows_the_reason(client, admin_user):
    cycle, _members = _running(admin_user)
    _login(client, admin_user)
    upload = bill_file({"3375011403750001": 16800}, month=date(2023, 1, 1))
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("enrollment:import_reply"),
        {"periode": cycle.pk, "file": SimpleUploadedFile("x.xlsx", upload)},
        follow=True,
    )
    assert "bukan balasan pendaftaran" in response.content.decode()


def test_bill_page_explains_the_difference(client, admin_user):
    cycle, members = _running(admin_user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    lines = {members[0].person.nik: 16_800, members[1].person.nik: 16_800}
    _login(client, admin_user)
    response = client.post(
        reverse("enrollment:import_bill"),
        {
            "periode": cycle.pk,
            "month": "2023-02",
            "file": SimpleUploadedFile("t.xlsx", bill_file(lines, month=date(2023, 2, 1))),
        },
        follow=True,
    )
    page = response.content.decode()
    assert Bill.objects.count() == 1
    assert "Ditagih padahal tidak aktif di sini" in page
    assert members[1].person.name in page


def test_admin_records_a_payment_and_a_claim(client, admin_user):
    cycle, _members = _running(admin_user)
    _login(client, admin_user)
    client.post(
        reverse("enrollment:record_payment", args=[cycle.pk, "2023-01"]),
        {"amount": 16800, "paid_on": "2023-01-10", "reference": "SP2D-1"},
    )
    assert Payment.objects.get().month == date(2023, 1, 1)
    response = client.post(
        reverse("enrollment:claims"),
        {"membership": _members[0].pk, "kind": ClaimKind.JKK_MEDICAL, "event_on": "2023-02-03"},
        follow=True,
    )
    assert Claim.objects.get().was_active_on_event
    assert "Laporan kecelakaan kerja tahap I" in response.content.decode()


def _mapping_post(rows, sheet_name="Template Cabang", extra=0):
    data = {
        "sheet_name": sheet_name,
        "form-TOTAL_FORMS": str(len(rows) + extra),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "60",
    }
    for n, (header, field, fmt, order) in enumerate(rows):
        data |= {
            f"form-{n}-header": header,
            f"form-{n}-field": field,
            f"form-{n}-format": fmt,
            f"form-{n}-order": order,
        }
    for n in range(len(rows), len(rows) + extra):
        data |= {f"form-{n}-header": "", f"form-{n}-field": "nik", f"form-{n}-format": "text"}
    return data


def test_the_admin_matches_the_branch_template_on_a_page_and_the_next_file_follows_it(
    client, admin_user
):
    from rentan.enrollment.models import RegistrationMapping
    from rentan.enrollment.tests.test_bpjs_files import _sheet

    cycle = fixed_cycle()
    url = reverse("enrollment:mapping", args=[cycle.programme_id])
    page = _login(client, admin_user).get(url).content.decode()
    assert "NAMA LENGKAP" in page
    assert "Kembalikan ke susunan bawaan" in page
    rows = [
        ("No. KTP", "nik", "text", "2"),
        ("Nama Tenaga Kerja", "name", "text", "1"),
        ("Tgl Lahir", "birth_date", "dd/mm/yyyy", ""),
        ("", "phone", "text", ""),  # no header: dropped
    ]
    response = client.post(url, _mapping_post(rows, extra=2))
    assert response.status_code == 302
    mapping = RegistrationMapping.objects.get()
    assert [c["header"] for c in mapping.columns] == ["Nama Tenaga Kerja", "No. KTP", "Tgl Lahir"]
    assert mapping.sheet_name == "Template Cabang"
    assert AuditEvent.objects.filter(
        action=AuditAction.MAPPING_SAVED, target_id=str(mapping.pk)
    ).exists()
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY)
    exported = file_services.export_registration(actor=admin_user, cycle=cycle, today=TODAY)
    content = bytes(exported.content)
    assert _sheet(content)[0] == ("Nama Tenaga Kerja", "No. KTP", "Tgl Lahir")
    client.post(url, {"reset": "1"})
    assert RegistrationMapping.objects.get().columns[0]["header"] == "NIK"


@pytest.mark.parametrize(
    ("rows", "sheet_name", "message"),
    [
        ([("NIK", "nik", "text", "")], "Data/2023", "Nama lembar tidak boleh"),
        ([("NIK", "nik", "text", ""), ("nik", "name", "text", "")], "Lembar", "lebih dari sekali"),
        ([("", "nik", "text", "")], "Lembar", "Susunan kolom kosong"),
        ([("NIK", "gaji", "text", "")], "Lembar", "gaji bukan salah satu dari pilihan"),
        ([("NIK", "nik", "text", "0")], "Lembar", "Tidak boleh kurang dari 1"),
    ],
)
def test_a_mapping_with_a_mistake_is_shown_back_and_nothing_changes(
    client, admin_user, rows, sheet_name, message
):
    from rentan.enrollment.models import RegistrationMapping

    cycle = fixed_cycle()
    url = reverse("enrollment:mapping", args=[cycle.programme_id])
    response = _login(client, admin_user).post(url, _mapping_post(rows, sheet_name))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert not RegistrationMapping.objects.exists()


def test_only_who_manages_enrollment_may_change_the_columns(client, bpjs_user, leader_user):
    cycle = fixed_cycle()
    url = reverse("enrollment:mapping", args=[cycle.programme_id])
    assert _login(client, bpjs_user).get(url).status_code == 403
    assert _login(client, leader_user).post(url, {"reset": "1"}).status_code == 403
