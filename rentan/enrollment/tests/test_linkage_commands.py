import io
from datetime import date

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

from rentan.core.models import AuditAction, AuditEvent
from rentan.enrollment.services import memberships as membership_services
from rentan.enrollment.tests.helpers import FIXED_PEOPLE, fixed_cycle
from rentan.linkage.participants_file import (
    COLUMN_NAMES,
    FileForm,
    check_participants_file,
    hash_nik,
    key_id,
)
from rentan.registry.models import Person
from rentan.registry.names import comparable_name

pytestmark = pytest.mark.django_db

KEY = "kunci-bersama-jawa-tengah-2026-0123456789"


def test_export_writes_the_covered_people_in_the_linking_format(admin_user, tmp_path):
    cycle = fixed_cycle(waiting=2)
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=date(2023, 1, 2))
    out = tmp_path / "peserta.parquet"
    printed = io.StringIO()
    call_command("export_participants", "--out", str(out), stdout=printed)

    assert check_participants_file(out) == FileForm("nik")
    rows = sorted(pq.read_table(out).to_pylist(), key=lambda row: row["name"])
    assert [row["name"] for row in rows] == sorted(name for name, *_ in FIXED_PEOPLE)
    siti = next(row for row in rows if row["name"] == "Siti Aminah")
    person = Person.objects.get(name="Siti Aminah")
    membership = person.memberships.get()
    assert siti == {
        "record_id": f"33.75/jamsos-pekalongan-2023/M{membership.pk}",
        "nik": person.nik,
        "name": "Siti Aminah",
        "name_normal": comparable_name("Siti Aminah"),
        "birth_date": date(1982, 11, 2),
        "sex": "P",
        "kelurahan_code": person.kelurahan_id,
        "region_code": "33.75",
        "programme": "jamsos-pekalongan",
        "payer": "Pemerintah Kota Pekalongan",
        "period_start": date(2023, 1, 1),
        "period_end": date(2023, 12, 31),
    }
    assert set(siti) == set(COLUMN_NAMES)
    assert "3 peserta dari 1 periode" in printed.getvalue()
    # what left the system is in the audit trail, with whose data it held
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.subjects.count() == 3
    assert "pencocokan antarwilayah" in event.note


def test_hashed_export_holds_no_nik_and_never_prints_the_key(tmp_path, monkeypatch):
    fixed_cycle()  # approved, no membership yet: the list's people are written (P records)
    key_file = tmp_path / "kunci.txt"
    key_file.write_text(KEY + "\n")
    out = tmp_path / "peserta.parquet"
    printed = io.StringIO()
    call_command(
        "export_participants", "--out", str(out), "--hash-key-file", str(key_file), stdout=printed
    )

    niks = set(Person.objects.values_list("nik", flat=True))
    table = pq.read_table(out)
    assert check_participants_file(out) == FileForm("hmac-sha256", key_id(KEY.encode()))
    assert sorted(table.column("nik").to_pylist()) == sorted(
        hash_nik(nik, KEY.encode()) for nik in niks
    )
    cells = {str(value) for column in table.columns for value in column.to_pylist()}
    assert not any(nik in cell for nik in niks for cell in cells)
    assert all("/P" in record for record in table.column("record_id").to_pylist())
    assert KEY not in printed.getvalue()
    assert "NIK di-hash" in printed.getvalue()

    # the key may come from the environment instead; a short one is refused
    monkeypatch.setenv("RENTAN_LINKAGE_KEY", "rahasia")
    with pytest.raises(CommandError, match="Kunci hash terlalu pendek"):
        call_command("export_participants", "--out", str(tmp_path / "lain.parquet"))


def test_export_says_when_there_is_nobody_to_write(tmp_path):
    with pytest.raises(CommandError, match="Tidak ada periode"):
        call_command("export_participants", "--out", str(tmp_path / "x.parquet"))
