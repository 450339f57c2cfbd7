"""rentan import_persons: reports without --commit, saves with it, fills --kelurahan."""

import io

import pytest
from django.core.management import CommandError, call_command

from rentan.imports.models import ImportBatch
from rentan.imports.tests.files import write_csv, write_xlsx
from rentan.registry.models import Person

pytestmark = pytest.mark.django_db

HEAD = ["NIK", "Nama", "Tgl Lahir", "JK", "Pekerjaan"]
ROWS = [
    ["3375044501850001", "Siti Aminah", "05-01-1985", "P", "Buruh batik"],
    ["3375041205750002", "Budi", "12-05-1975", "X", "Buruh batik"],
]


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_persons", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_without_commit_it_only_reports(tmp_path, import_media):
    path = write_xlsx(tmp_path / "sokoduwet.xlsx", [HEAD, *ROWS])
    out, err = _run(str(path), "--kelurahan", "33.75.04.1010")
    assert "siap disimpan       : 1" in out
    assert "baris 3, kolom JK (X): Jenis kelamin" in out
    assert "--commit" in out
    assert "100%" in err  # the progress bar
    assert not Person.objects.exists()


def test_with_commit_it_saves_and_fills_the_missing_kelurahan(tmp_path, import_media):
    path = write_csv(tmp_path / "sokoduwet.csv", [HEAD, *ROWS])
    out, _ = _run(str(path), "--kelurahan", "33.75.04.1010", "--commit")
    assert "1 pekerja ditambahkan" in out
    person = Person.objects.get()
    assert person.kelurahan_id == "33.75.04.1010"
    assert person.import_origin.row_number == 2


def test_without_kelurahan_the_rows_are_refused(tmp_path, import_media):
    path = write_xlsx(tmp_path / "tanpa.xlsx", [HEAD, ROWS[0]])
    out, _ = _run(str(path), "--commit")
    assert "kolom Kelurahan" in out
    assert "0 pekerja ditambahkan" in out
    assert not Person.objects.exists()


def test_second_run_on_the_same_file_says_nothing_new(tmp_path, import_media):
    path = write_xlsx(tmp_path / "sokoduwet.xlsx", [HEAD, ROWS[0]])
    _run(str(path), "--kelurahan", "33.75.04.1010", "--commit")
    out, _ = _run(str(path), "--kelurahan", "33.75.04.1010", "--commit")
    assert "sudah pernah diimpor" in out
    assert Person.objects.count() == 1
    assert ImportBatch.objects.count() == 1


def test_unknown_kelurahan_code_is_an_error(tmp_path, import_media):
    path = write_xlsx(tmp_path / "x.xlsx", [HEAD, ROWS[0]])
    with pytest.raises(CommandError):
        _run(str(path), "--kelurahan", "99.99")
