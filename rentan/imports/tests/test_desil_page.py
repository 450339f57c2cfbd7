"""The desil page refuses every hostile file with its reason and stores nothing; only the
admin Dinas opens it; a large list is imported by the worker and followed on its own page."""

import time
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rentan.core import background
from rentan.imports import forms, services, tasks
from rentan.imports.forms import INLINE_MAX_BYTES
from rentan.imports.tests.test_desil_file import xlsx
from rentan.registry.models import DesilImport, DesilRanking
from rentan.testing import hostile_files
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", sorted(hostile_files.FILES))
def test_the_desil_page_refuses_each_hostile_file(name, client, admin_user, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(admin_user)
    content = hostile_files.build(name)
    response = client.post(
        reverse("imports:desil_lists"),
        {"file": SimpleUploadedFile(name, content), "source": "DTSEN"},
        follow=True,
    )
    assert response.status_code == 200
    if len(content) <= INLINE_MAX_BYTES:
        # Refused while the page loads, on the form.
        assert response.context["form"].errors["file"]
    else:
        # Refused by the worker: the progress page says why, and the kept file is gone.
        assert response.redirect_chain == [(reverse("imports:desil_progress"), 302)]
        assert response.context["state"]["state"] == "failed"
        assert "Tidak ada data yang diubah." in response.content.decode()
        assert not any(path.is_file() for path in tmp_path.rglob("*"))
    assert not DesilImport.objects.exists()
    assert not DesilRanking.objects.exists()


def test_only_the_admin_opens_the_desil_page(client, operator_user, verifier_user):
    for user in (operator_user, verifier_user):
        client.force_login(user)
        assert client.get(reverse("imports:desil_lists")).status_code == 403
    client.force_login(operator_user)
    assert "Impor desil DTSEN" not in client.get(reverse("imports:batch_list")).content.decode()


def _desil_list(nik: str) -> bytes:
    return xlsx(
        [
            ["Daftar desil DTSEN"],
            ["NIK", "Desil", "Periode"],
            [nik, 2, "September 2022"],
            ["3375014501850999", 3, "September 2022"],
        ]
    )


def test_a_large_desil_list_is_imported_by_the_worker_and_followed_on_its_page(
    client, admin_user, tmp_path, settings, monkeypatch
):
    # Above the size a page reads at once: kept for the worker (run at once in tests).
    monkeypatch.setattr(forms, "INLINE_MAX_BYTES", 0)
    settings.MEDIA_ROOT = tmp_path
    budi = PersonFactory(name="Budi Santoso")
    client.force_login(admin_user)

    response = client.post(
        reverse("imports:desil_lists"),
        {
            "file": SimpleUploadedFile("desil-september.xlsx", _desil_list(budi.nik)),
            "source": "DTSEN September 2022",
        },
        follow=True,
    )

    assert response.redirect_chain == [(reverse("imports:desil_progress"), 302)]
    page = response.content.decode()
    assert "DTSEN September 2022" in page
    assert "Baris 4, kolom NIK: NIK 3375********0999 tidak ada di registri." in page
    ranking = DesilRanking.objects.get()
    assert (ranking.person_id, ranking.desil) == (budi.pk, 2)
    assert DesilImport.objects.get().imported_by == admin_user
    assert not any(path.is_file() for path in tmp_path.rglob("*"))
    # The page polled by htmx answers with its part only.
    part = client.get(reverse("imports:desil_progress"), headers={"HX-Request": "true"})
    assert "<html" not in part.content.decode()
    assert 'data-testid="desil-result"' in part.content.decode()


def test_a_second_large_list_waits_for_the_one_being_imported(
    client, admin_user, tmp_path, settings, monkeypatch
):
    monkeypatch.setattr(forms, "INLINE_MAX_BYTES", 0)
    settings.MEDIA_ROOT = tmp_path
    assert background.claim(tasks.DESIL_KEY)  # a list waiting for the worker
    client.force_login(admin_user)

    page = client.get(reverse("imports:desil_lists")).content.decode()
    assert 'data-testid="desil-progress-link"' in page
    response = client.post(
        reverse("imports:desil_lists"),
        {"file": SimpleUploadedFile("desil.xlsx", _desil_list("3375014501850001")), "source": "X"},
    )

    assert response.status_code == 200
    assert "sedang diimpor di latar belakang" in str(response.context["form"].errors["file"])
    assert not any(path.is_file() for path in tmp_path.rglob("*"))
    assert not DesilImport.objects.exists()
    assert "Menunggu giliran" in client.get(reverse("imports:desil_progress")).content.decode()


def test_a_list_the_worker_lost_is_said_to_have_stopped(client, admin_user, monkeypatch):
    background.note_running(tasks.DESIL_KEY, 0, 0, phase="save")
    later = time.time() + background.STALE_SECONDS + 1
    monkeypatch.setattr(background, "time", SimpleNamespace(time=lambda: later))
    client.force_login(admin_user)

    page = client.get(reverse("imports:desil_progress")).content.decode()

    assert "Pemroses latar belakang berhenti" in page


def test_a_list_the_worker_failed_on_says_no_desil_changed(
    client, admin_user, tmp_path, settings, monkeypatch
):
    monkeypatch.setattr(forms, "INLINE_MAX_BYTES", 0)
    settings.MEDIA_ROOT = tmp_path

    def broken(**_kwargs):
        raise RuntimeError("NIK 3375014501850001 rusak")  # text that may hold personal data

    monkeypatch.setattr(services, "import_desil_list", broken)
    client.force_login(admin_user)

    # The worker logs the error and fails the task; the page follows the note.
    client.post(
        reverse("imports:desil_lists"),
        {"file": SimpleUploadedFile("d.xlsx", _desil_list("3375014501850001")), "source": "X"},
    )

    page = client.get(reverse("imports:desil_progress")).content.decode()
    assert "Kesalahan tak terduga (RuntimeError). Tidak ada desil yang berubah" in page
    assert "3375014501850001" not in page
    assert not any(path.is_file() for path in tmp_path.rglob("*"))
