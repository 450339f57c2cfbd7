"""Every hostile file of rentan.testing.hostile_files through every reader that takes uploads:
the import page (operator), the BPJS reply and bill pages (admin), the exclusion list page
(admin) and `rentan dedup_file`. Each ends in a clear Indonesian message, nothing crashes and
no stored data changes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from rentan.enrollment.models import Bill, ExchangeFile, Membership
from rentan.enrollment.tests.helpers import fixed_cycle
from rentan.imports.models import BatchStatus, ImportBatch, RowStatus, StagedRow
from rentan.programmes.models import ExcludedNik
from rentan.registry.models import Person
from rentan.testing import hostile_files

pytestmark = pytest.mark.django_db
NAMES = sorted(hostile_files.FILES)

# What the import says of each file: the batch fails with the reason, or the file is read and
# the bad row is an error of its row.
IMPORT_FAILS = {
    "sel-jauh-XFD1048576.xlsx": "sampai baris 1.048.576 dan kolom XFD (16.384 kolom)",
    "sel-jauh-N1048576.xlsx": "hampir kosong tetapi sangat luas",
    "sel-jauh-Z999999.xlsx": "terpakai sampai baris 999.999 kolom Z",
    "sejuta-baris-kosong.xlsx": "sel kosong yang diformat ikut terhitung",
    "ukuran-tercatat-XFD1048576.xlsx": "batas 1.100.000 baris dan 200 kolom",
    "20000-kolom.xlsx": "batas 1.100.000 baris dan 200 kolom",
    "sel-berulang.ods": "batas 1.100.000 baris dan 200 kolom",
    "bom-zip-2GB.xlsx": "terlalu besar setelah dibuka: 2 GB; batas 500 MB",
    "terpotong.xlsx": "tidak dapat dibaca: bukan lembar kerja yang utuh",
    "ukuran-zip-palsu.xlsx": "tidak dapat dibaca: bukan lembar kerja yang utuh",
    "gambar.png.xlsx": "tidak dapat dibaca: bukan lembar kerja yang utuh",
    "utf16.csv": "berkode UTF-16; simpan ulang sebagai CSV UTF-8",
    "utf16-tanpa-bom.csv": "berkode UTF-16; simpan ulang sebagai CSV UTF-8",
    "shift-jis.csv": "berkode Shift-JIS (dugaan)",
    "sel-raksasa.csv": "baris 3: isi satu sel lebih dari 131.072 karakter",
}
IMPORT_ROW_ERRORS = {
    "sel-raksasa.xlsx": "Isian terlalu panjang: 5000000 karakter; batas 150",
    "nul.csv": "Sel berisi karakter kendali (mis. NUL): karakter U+0000",
}


def _upload(name):
    return SimpleUploadedFile(name, hostile_files.build(name))


def test_the_corpus_has_an_expected_ending_for_every_file():
    assert set(NAMES) == set(IMPORT_FAILS) | set(IMPORT_ROW_ERRORS)


@pytest.mark.parametrize("name", NAMES)
def test_import_page_ends_each_hostile_file_with_its_reason(
    name, client, import_media, operator_user
):
    client.force_login(operator_user)
    response = client.post(reverse("imports:batch_list"), {"file": _upload(name)})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert batch.status not in (BatchStatus.UPLOADED, BatchStatus.VALIDATING)
    if name in IMPORT_FAILS:
        assert batch.status == BatchStatus.FAILED
        assert IMPORT_FAILS[name] in batch.problem
        assert IMPORT_FAILS[name] in page
        assert not StagedRow.objects.exists()
    else:
        assert batch.status == BatchStatus.REVIEW
        issues = [
            issue["message"]
            for row in StagedRow.objects.filter(status=RowStatus.ERROR)
            for issue in row.issues
        ]
        assert any(IMPORT_ROW_ERRORS[name] in message for message in issues), issues
        assert IMPORT_ROW_ERRORS[name] in page
    assert not Person.objects.exists()


@pytest.mark.parametrize("name", NAMES)
def test_bpjs_reply_and_bill_pages_refuse_each_hostile_file(name, client, admin_user):
    cycle = fixed_cycle()
    client.force_login(admin_user)
    statuses = list(Membership.objects.values_list("status", flat=True))
    reply = client.post(
        reverse("enrollment:import_reply"),
        {"periode": cycle.pk, "file": _upload(name)},
        follow=True,
    )
    bill = client.post(
        reverse("enrollment:import_bill"),
        {"periode": cycle.pk, "month": "2023-02", "file": _upload(name)},
        follow=True,
    )
    for response in (reply, bill):
        assert response.status_code == 200
        messages = [str(m) for m in response.context["messages"]]
        assert messages
        assert all("tidak" in m.lower() or "bukan" in m.lower() for m in messages), messages
    assert not ExchangeFile.objects.exists()
    assert not Bill.objects.exists()
    assert list(Membership.objects.values_list("status", flat=True)) == statuses


@pytest.mark.parametrize("name", NAMES)
def test_exclusion_list_page_refuses_each_hostile_file(name, client, admin_user):
    programme = fixed_cycle().programme
    client.force_login(admin_user)
    response = client.post(
        reverse("programmes:exclusion_import", args=[programme.code]),
        {"list_kind": "PKH", "file": _upload(name), "source": "PKH 2023"},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert "Tidak ada NIK yang disimpan." in messages
    assert not ExcludedNik.objects.exists()


@pytest.mark.parametrize("name", NAMES)
def test_dedup_file_refuses_each_hostile_file_or_reads_its_rows(name, tmp_path):
    path = hostile_files.write(tmp_path, name)
    out = tmp_path / "pasangan.csv"
    if name in IMPORT_FAILS:
        with pytest.raises(CommandError) as refused:
            call_command("dedup_file", str(path), "--out", str(out))
        assert IMPORT_FAILS[name].lower() in str(refused.value).lower()
    elif name == "nul.csv":
        with pytest.raises(CommandError, match="Baris 1, kolom 7: sel berisi karakter kendali"):
            call_command("dedup_file", str(path), "--out", str(out))
    else:
        # The rows are read (the huge cell is a long name).
        call_command("dedup_file", str(path), "--out", str(out))
        assert out.exists()


def test_every_upload_form_refuses_a_file_over_its_limit_before_storing_it(
    settings, client, import_media, admin_user
):
    settings.RENTAN_UPLOAD_MAX_BYTES = 1000
    settings.RENTAN_BPJS_UPLOAD_MAX_BYTES = 2000
    cycle = fixed_cycle()
    client.force_login(admin_user)
    big = hostile_files._csv([hostile_files.HEADER] + [hostile_files.ROW] * 60).encode()
    page = client.post(
        reverse("imports:batch_list"), {"file": SimpleUploadedFile("besar.csv", big)}
    ).content.decode()
    assert "Berkas terlalu besar: 3,6 KB; batas 1 KB." in page
    assert not ImportBatch.objects.exists()
    reply = client.post(
        reverse("enrollment:import_reply"),
        {"periode": cycle.pk, "file": SimpleUploadedFile("balasan.xlsx", big)},
        follow=True,
    )
    assert [str(m) for m in reply.context["messages"]] == [
        "Berkas terlalu besar: 3,6 KB; batas 2 KB."
    ]
    exclusion = client.post(
        reverse("programmes:exclusion_import", args=[cycle.programme.code]),
        {"list_kind": "PKH", "file": SimpleUploadedFile("pkh.csv", big), "source": "PKH"},
        follow=True,
    )
    assert "Berkas terlalu besar: 3,6 KB; batas 1 KB." in [
        str(m) for m in exclusion.context["messages"]
    ]
    assert not ExchangeFile.objects.exists()
    assert not ExcludedNik.objects.exists()
