import io
from datetime import date, datetime

import openpyxl
import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from rentan.core import background
from rentan.core.models import AuditAction, AuditEvent
from rentan.programmes import lampiran, tasks
from rentan.programmes.lampiran import group_by_kelurahan
from rentan.registry.nik import mask_nik
from rentan.testing.documents import pdf_text


def _row(kecamatan: str, kelurahan: str, name: str, occupation: str = "Becak") -> dict[str, object]:
    return {"kecamatan": kecamatan, "kelurahan": kelurahan, "name": name, "occupation": occupation}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([], []),
        (
            [_row("Barat", "Bendan", "Ani")],
            [("Barat", "Bendan", 1, ["Ani"])],
        ),
        (
            [
                _row("Barat", "Bendan", "Ani"),
                _row("Barat", "Bendan", "Budi"),
                _row("Barat", "Tirto", "Citra"),
                _row("Selatan", "Kuripan", "Dedi"),
                _row("Selatan", "Kuripan", "Eka"),
            ],
            [
                ("Barat", "Bendan", 1, ["Ani", "Budi"]),
                ("Barat", "Tirto", 3, ["Citra"]),
                ("Selatan", "Kuripan", 4, ["Dedi", "Eka"]),
            ],
        ),
        # Same kelurahan name in two kecamatan: two groups, not one.
        (
            [_row("Barat", "Sokorejo", "Ani"), _row("Timur", "Sokorejo", "Budi")],
            [("Barat", "Sokorejo", 1, ["Ani"]), ("Timur", "Sokorejo", 2, ["Budi"])],
        ),
    ],
)
def test_lampiran_groups_consecutive_rows_by_kelurahan_numbering_across_the_list(rows, expected):
    groups = group_by_kelurahan(rows)
    assert [
        (g.kecamatan, g.kelurahan, g.first_number, [r["name"] for r in g.rows]) for g in groups
    ] == expected
    assert [number for g in groups for number, _row in g.numbered] == list(range(1, len(rows) + 1))


def test_totals_count_people_per_kelurahan_in_order_and_per_job_type_most_first():
    rows = [
        _row("Barat", "Bendan", "Ani", "Kuli"),
        _row("Barat", "Bendan", "Budi", "Becak"),
        _row("Barat", "Tirto", "Citra", "Becak"),
        _row("Selatan", "Kuripan", "Dedi", ""),
    ]
    summary = lampiran.totals(rows)
    assert summary.by_kelurahan == [
        ("Barat", "Bendan", 2),
        ("Barat", "Tirto", 1),
        ("Selatan", "Kuripan", 1),
    ]
    assert summary.by_occupation == [("Becak", 2), ("-", 1), ("Kuli", 1)]
    assert summary.total == 4


@pytest.mark.parametrize(
    ("sizes", "part_rows", "expected"),
    [
        ([], 3, [[]]),
        ([1, 1, 1], 3, [[1, 1, 1]]),
        ([2, 2, 2], 3, [[2, 2], [2]]),
        ([5, 1, 1, 4], 3, [[5], [1, 1, 4]]),
    ],
)
def test_parts_hold_whole_kelurahan_until_they_reach_the_size(sizes, part_rows, expected):
    groups = [
        lampiran.KelurahanGroup("K", f"L{i}", rows=[{}] * size) for i, size in enumerate(sizes)
    ]
    chunks = lampiran.parts(groups, part_rows)
    assert [[len(g.rows) for g in chunk] for chunk in chunks] == expected


def _approve(cycle, admin_user):
    cycle.status = "approved"
    cycle.decree_reference = "SK Wali Kota 560/12/2023"
    cycle.approved_at = timezone.make_aware(datetime(2023, 1, 10, 9))
    cycle.approved_by = admin_user
    cycle.save()


@pytest.mark.django_db
def test_lampiran_pdf_prints_the_list_its_totals_and_the_signature_block(
    client, allocated, admin_user, settings
):
    settings.RENTAN_SIGNATORY_NAME = "Drs. Sutarno, M.Si."
    settings.RENTAN_SIGNATORY_NIP = "196805121990031004"
    cycle, (budi, agus) = allocated
    _approve(cycle, admin_user)
    client.force_login(admin_user)
    response = client.get(reverse("programmes:lampiran_pdf", args=["uji", 2023]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Lampiran SK Wali Kota 560/12/2023" in text
    assert "Perwal 19 B/2022" in text  # the programme's legal basis
    # One block per kelurahan, Barat before Selatan, full NIKs for the admin.
    barat = text.index("Kecamatan Pekalongan Barat — Kelurahan")
    selatan = text.index("Kecamatan Pekalongan Selatan — Kelurahan")
    assert barat < text.index(budi.nik) < selatan < text.index(agus.nik)
    assert "Rekapitulasi per kelurahan" in text
    assert "Rekapitulasi per jenis pekerjaan" in text
    assert "Pekalongan, 10 Januari 2023" in text  # place and the decree's day
    assert "Kepala Dinas" in text
    assert "Drs. Sutarno, M.Si." in text
    assert "NIP 196805121990031004" in text
    assert "Halaman 1" in text


@pytest.mark.django_db
def test_lampiran_pdf_prints_masked_niks_when_asked_and_records_the_masking(
    client, allocated, admin_user
):
    cycle, (budi, agus) = allocated
    _approve(cycle, admin_user)
    client.force_login(admin_user)
    url = reverse("programmes:lampiran_pdf", args=["uji", 2023]) + "?nik=tersamar"
    response = client.get(url)
    text = pdf_text(response.content)
    assert mask_nik(budi.nik) in text
    assert mask_nik(agus.nik) in text
    assert budi.nik not in text
    assert agus.nik not in text
    assert "NIK disamarkan" in text
    assert response["Content-Disposition"].endswith('nik-tersamar.pdf"')
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert "NIK tersamar" in event.note
    assert sorted(event.subjects.values_list("person_id", flat=True)) == sorted([budi.pk, agus.pk])


REAL_TASK = tasks.make_lampiran_pdf


class _Queue:
    def __init__(self, asked: list) -> None:
        self.asked = asked

    def enqueue(self, *args: object) -> None:
        self.asked.append(args)


def _hold_the_worker(monkeypatch, asked: list) -> None:
    """Tasks wait in a list instead of running at once, as with a worker that is busy."""
    monkeypatch.setattr(tasks, "make_lampiran_pdf", _Queue(asked))


@pytest.mark.django_db
def test_lampiran_pdf_not_yet_laid_out_shows_its_progress_and_asks_the_worker_once(
    client, allocated, admin_user, monkeypatch
):
    cycle, _people = allocated
    asked = []
    _hold_the_worker(monkeypatch, asked)
    client.force_login(admin_user)
    url = reverse("programmes:lampiran_pdf", args=["uji", 2023])
    page = client.get(url)
    assert page["Content-Type"].startswith("text/html")
    assert b"Menunggu giliran disusun" in page.content
    assert b'hx-trigger="every 1s"' in page.content
    # Polling while it waits asks nobody again.
    polled = client.get(url, headers={"HX-Request": "true"})
    assert b"lampiran-progress" in polled.content
    assert b"<html" not in polled.content
    assert len(asked) == 1
    cycle_id, masked, key = asked[0]
    assert (cycle_id, masked) == (cycle.pk, False)

    # The worker lays it out: the poll offers the download, the URL gives the PDF.
    REAL_TASK.call(cycle_id, masked, key)
    assert background.state(key)["state"] == "done"
    ready = client.get(url, headers={"HX-Request": "true"})
    assert b"lampiran-pdf-ready" in ready.content
    assert client.get(url).content.startswith(b"%PDF")


@pytest.mark.django_db
def test_a_list_changed_while_waiting_is_laid_out_as_it_is_now(
    client, allocated, admin_user, monkeypatch
):
    _cycle, (budi, _agus) = allocated
    asked = []
    _hold_the_worker(monkeypatch, asked)
    client.force_login(admin_user)
    url = reverse("programmes:lampiran_pdf", args=["uji", 2023])
    client.get(url)
    budi.name = "Budi Santoso"
    budi.birth_date = date(1980, 2, 3)
    budi.save()
    REAL_TASK.call(*asked[0])  # lays out the list as it is now
    text = pdf_text(client.get(url).content)
    assert "Budi Santoso" in text


@pytest.mark.django_db
def test_approval_asks_for_both_pdfs(client, allocated, admin_user, monkeypatch):
    _cycle, _people = allocated
    asked = []
    _hold_the_worker(monkeypatch, asked)
    client.force_login(admin_user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            reverse("programmes:cycle_approve", args=["uji", 2023]),
            {"decree_reference": "SK 1/2023"},
        )
    assert sorted(masked for _cycle_id, masked, _key in asked) == [False, True]


@pytest.mark.django_db
def test_lampiran_xlsx_has_dates_as_dates_a_frozen_filtered_header_and_totals(
    client, allocated, admin_user
):
    cycle, (budi, _agus) = allocated
    _approve(cycle, admin_user)
    client.force_login(admin_user)
    response = client.get(reverse("programmes:lampiran_xlsx", args=["uji", 2023]) + "?nik=tersamar")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["Lampiran"]
    assert [c.value for c in sheet[4]][:3] == ["No", "NIK", "Nama"]
    assert sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref == "A4:I6"
    first = [c.value for c in sheet[5]]
    assert first[0] == 1
    assert first[1] == mask_nik(budi.nik)
    assert first[3] == datetime.combine(budi.birth_date, datetime.min.time())
    recap = [[c.value for c in row] for row in book["Rekap"].iter_rows()]
    assert ["Pekalongan Barat", budi.kelurahan.name, 1] in [r[:3] for r in recap]
    assert ["Jumlah", None, 2] in [r[:3] for r in recap]
    assert any(r[3] == "Pekalongan, 10 Januari 2023" for r in recap)


@pytest.mark.django_db
def test_a_failed_pdf_says_why_and_is_asked_for_again_on_reload_not_by_the_poll(
    client, allocated, admin_user, monkeypatch
):
    asked: list = []
    _hold_the_worker(monkeypatch, asked)
    client.force_login(admin_user)
    url = reverse("programmes:lampiran_pdf", args=["uji", 2023])
    client.get(url)
    key = asked[0][2]
    background.note_failed(key, "pustaka Pango tidak ditemukan")
    polled = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "PDF gagal disusun: pustaka Pango tidak ditemukan" in polled
    assert 'hx-trigger="every 1s"' not in polled  # the poll stops
    assert len(asked) == 1
    client.get(url)
    assert len(asked) == 2
