import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from rentan.enrollment.models import Bill, Membership
from rentan.enrollment.services import memberships as membership_services
from rentan.enrollment.states import MembershipStatus
from rentan.enrollment.tests.helpers import accepted, bill_file, fixed_cycle, reply_file

pytestmark = pytest.mark.django_db


def test_export_reply_and_bill_commands_run_a_month(admin_user, tmp_path, settings):
    # A terminal waits for its file, however large: the command never queues it.
    settings.RENTAN_BACKGROUND_EXPORT_ROWS = 1
    cycle = fixed_cycle()
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=date(2023, 1, 2))
    out = tmp_path / "daftar.xlsx"
    call_command(
        "export_bpjs", f"{cycle.programme.code}-2023", "--out", str(out), stdout=io.StringIO()
    )
    assert out.read_bytes()[:2] == b"PK"
    assert Membership.objects.filter(status=MembershipStatus.REGISTERED).count() == 3

    niks = sorted(Membership.objects.values_list("person__nik", flat=True))
    reply = tmp_path / "balasan.xlsx"
    reply.write_bytes(reply_file(*[accepted(n, f"2300000000{i}") for i, n in enumerate(niks)]))
    printed = io.StringIO()
    call_command("import_bpjs_reply", str(reply), stdout=printed)
    assert "Aktif: 3" in printed.getvalue()

    bill = tmp_path / "tagihan.xlsx"
    bill.write_bytes(bill_file({n: 16_800 for n in niks}, month=date(2023, 3, 1)))
    printed = io.StringIO()
    call_command("import_bpjs_bill", str(bill), "--month", "2023-03", stdout=printed)
    assert "0 selisih" in printed.getvalue()
    assert Bill.objects.get().month == date(2023, 3, 1)


def test_export_command_names_a_missing_cycle(tmp_path):
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("export_bpjs", "tidak-ada-2030", "--out", str(tmp_path / "x.xlsx"))


def test_reply_command_refuses_a_file_that_is_no_reply(admin_user, tmp_path):
    fixed_cycle()
    bogus = tmp_path / "x.xlsx"
    bogus.write_bytes(b"bukan excel")
    with pytest.raises(CommandError, match="tidak dapat dibaca"):
        call_command("import_bpjs_reply", str(bogus))


def test_mapping_command_stores_the_branch_template_as_data(tmp_path):
    from rentan.enrollment.models import RegistrationMapping

    cycle = fixed_cycle()
    source = tmp_path / "kolom.json"
    source.write_text('[{"header": "No KTP", "field": "nik"}, {"header": "Nama", "field": "name"}]')
    call_command("bpjs_mapping", cycle.programme.code, "--set", str(source), stdout=io.StringIO())
    assert [c["header"] for c in RegistrationMapping.objects.get().columns] == ["No KTP", "Nama"]
    source.write_text('[{"header": "X", "field": "gaji"}]')
    with pytest.raises(CommandError, match="tidak dikenal"):
        call_command("bpjs_mapping", cycle.programme.code, "--set", str(source))
    assert len(RegistrationMapping.objects.get().columns) == 2
    source.write_text('[{"header": "Nama", "field": "name"}, {"header": "NAMA", "field": "nik"}]')
    with pytest.raises(CommandError, match="lebih dari sekali"):
        call_command("bpjs_mapping", cycle.programme.code, "--set", str(source))
    source.write_text('[{"header": "Nama", "field": "name"}]')
    with pytest.raises(CommandError, match="Nama lembar"):
        call_command("bpjs_mapping", cycle.programme.code, "--set", str(source), "--sheet", "A/B")
    mapping = RegistrationMapping.objects.get()
    assert len(mapping.columns) == 2
    assert mapping.sheet_name == "Pendaftaran"
