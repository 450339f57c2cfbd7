"""KoboToolbox submissions taken one at a time (`receive_submission`: the row checks and the
duplicate search, among the registered persons that can share a blocking key with the row)
against a registry of a city's informal workers spread over its kelurahan, next to its floor:
a one-row spreadsheet uploaded and staged, which searches the whole registry.
RENTAN_BENCH_FIELD_PERSONS and RENTAN_BENCH_FIELD_SUBMISSIONS override the counts."""

import os
from datetime import date, timedelta
from pathlib import Path

import openpyxl

from bench.harness import Report, timer
from bench.population import bench_person, bench_programme

PERSONS = int(os.environ.get("RENTAN_BENCH_FIELD_PERSONS", "50000"))
SUBMISSIONS = int(os.environ.get("RENTAN_BENCH_FIELD_SUBMISSIONS", "20"))


def _nik(i: int) -> str:
    from rentan.registry.nik import Sex, compose_nik

    return compose_nik(district_code="33.75.02", birth_date=_born(i), sex=Sex.FEMALE, serial=i + 1)


def _name(i: int) -> str:
    # A name holds no digits: the number written in letters.
    return "Warga " + "".join("abcdefghij"[int(d)] for d in str(i)).title()


def _born(i: int) -> date:
    return date(1980, 1, 1) + timedelta(days=i)


def run(db: str, report: Report, workdir: Path) -> None:
    from django.conf import settings

    from rentan.accounts.models import Role, User
    from rentan.imports import services
    from rentan.imports.field_form_services import receive_submission, register_field_form
    from rentan.registry.models import Occupation, Person
    from rentan.registry.selectors import programme_kelurahan

    settings.MEDIA_ROOT = workdir / "media"
    with timer() as setup:
        bench_programme(name="Bench", sponsor="-", legal_basis="-", insurer_branch="-")
        occupation = Occupation.objects.order_by("id")[0]
        # Spread over the city's kelurahan, as a registry is: a submission is compared with
        # its own kelurahan's people (and the NIKs like its own), not with the whole city.
        kelurahan = [area.code for area in programme_kelurahan()]
        Person.objects.bulk_create(
            (
                bench_person(
                    i,
                    name=f"Pekerja {i}",
                    kelurahan_id=kelurahan[i % len(kelurahan)],
                    occupation=occupation,
                )
                for i in range(PERSONS)
            ),
            batch_size=5000,
        )
        admin = User.objects.create_user(username="admin", role=Role.ADMIN)
        form = register_field_form(actor=admin, name="Bench", xform_id="aBench").field_form
    report.value("setup (persons)", f"{setup[0]:8.2f} s")

    def answers(i: int) -> dict[str, object]:
        return {
            "data_pekerja/nik": _nik(i),
            "data_pekerja/nama_lengkap": _name(i),
            "data_pekerja/tanggal_lahir": _born(i).isoformat(),
            "data_pekerja/jenis_kelamin": "P",
            "data_pekerja/kelurahan": "33.75.02.1004",
            "data_pekerja/jenis_pekerjaan": occupation.code,
        }

    path = workdir / "satu-baris.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["NIK", "Nama", "Tanggal Lahir", "L/P", "Kelurahan", "Pekerjaan"])
    sheet.append(
        [
            _nik(SUBMISSIONS),
            "Warga Berkas",
            _born(SUBMISSIONS).isoformat(),
            "P",
            "Kauman",
            occupation.name,
        ]
    )
    workbook.save(path)
    with timer() as floor:
        batch = services.upload_batch(actor=admin, path=path, original_name=path.name)
        services.stage_batch(batch_id=batch.pk)
    report.floor("a one-row file uploaded and staged", floor[0])

    with timer() as took:
        for i in range(SUBMISSIONS):
            receipt = receive_submission(
                field_form=form, submission={"_uuid": f"u{i}", **answers(i)}
            )
            assert receipt.row_status == "ready", receipt
    per_submission = took[0] / SUBMISSIONS
    report.figure(
        f"one submission (registry of {PERSONS:,})",
        per_submission,
        floor="a one-row file uploaded and staged",
    )
    report.peak_memory()
