"""An import never undoes what a person decided about a record already in the registry: a
file that holds a deactivated person again does not bring them back, and a file that holds a
verified person with other values does not overwrite what the verifikator vouched for. The
row is reported as already registered (to correct a verified record, a change request)."""

from datetime import date

import pytest
from django.utils import timezone

from rentan.imports import services
from rentan.imports.models import RowStatus, StagedRow
from rentan.imports.tests.files import write_xlsx
from rentan.registry.models import DeactivationReason, Person
from rentan.registry.services import deactivate_person
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

HEAD = ["NIK", "No KK", "Nama", "Tgl Lahir", "JK", "Kelurahan", "Pekerjaan", "No HP"]


def _row(person, name, job):
    """The person's NIK with the birth date and sex it encodes, and other values."""
    born = person.birth_date.strftime("%d-%m-%Y")
    return [person.nik, "", name, born, person.sex, "Medono", job, ""]


def test_an_import_neither_revives_a_deactivated_person_nor_overwrites_a_verified_one(
    tmp_path, import_media, admin_user
):
    gone = PersonFactory(name="Slamet Riyadi", birth_date=date(1975, 3, 14))
    deactivate_person(
        actor=admin_user, person=gone, reason=DeactivationReason.DIED, on=date(2023, 2, 1)
    )
    verified = PersonFactory(name="Siti Aminah", verified_at=timezone.now())
    fields = ("name", "birth_date", "occupation_id", "phone", "is_active", "verified_at")
    before = {p.pk: [getattr(p, f) for f in fields] for p in Person.objects.all()}
    path = write_xlsx(
        tmp_path / "medono.xlsx",
        [
            HEAD,
            _row(gone, "SLAMET R", "Kuli bangunan"),
            _row(verified, "Siti Aminah Baru", "Buruh batik"),
        ],
    )
    batch = services.upload_batch(actor=admin_user, path=path, original_name=path.name)
    batch = services.stage_batch(batch_id=batch.pk)
    assert set(StagedRow.objects.filter(batch=batch).values_list("status", flat=True)) == {
        RowStatus.ALREADY_REGISTERED
    }
    result = services.commit_batch(batch_id=batch.pk, actor=admin_user)

    assert (result.created, result.already_registered) == (0, 2)
    assert {p.pk: [getattr(p, f) for f in fields] for p in Person.objects.all()} == before
    gone.refresh_from_db()
    assert not gone.is_active
    assert gone.deactivation_reason == DeactivationReason.DIED
