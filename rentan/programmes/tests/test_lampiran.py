import hashlib
from datetime import date

import pytest
from django.core.cache import cache

from rentan.programmes import selectors
from rentan.programmes.lampiran import group_by_kelurahan
from rentan.programmes.views import lampiran_html


def _row(kecamatan: str, kelurahan: str, name: str) -> dict[str, object]:
    return {"kecamatan": kecamatan, "kelurahan": kelurahan, "name": name}


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


def test_lampiran_pdf_prints_one_table_per_kelurahan_under_its_heading(
    client, allocated, admin_user
):
    cycle, (budi, agus) = allocated
    cache.clear()
    client.force_login(admin_user)
    response = client.get("/program/uji/2023/lampiran.pdf")
    assert response.content.startswith(b"%PDF")

    # The view laid out exactly this HTML (the PDF is kept under the HTML's digest).
    rows = selectors.lampiran_rows(cycle)
    for row in rows:
        row["nik_shown"] = row["nik"]
    html = lampiran_html(cycle, rows)
    key = "programmes:lampiran-pdf:" + hashlib.sha256(html.encode()).hexdigest()
    assert cache.get(key) == response.content

    barat = html.index("Kecamatan Pekalongan Barat — Kelurahan")
    selatan = html.index("Kecamatan Pekalongan Selatan — Kelurahan")
    assert barat < html.index(budi.nik) < selatan < html.index(agus.nik)
    assert html.count("<table>") == 2
    assert html.index('<td class="num">1</td>') < html.index('<td class="num">2</td>')


def test_lampiran_pdf_is_laid_out_again_when_the_list_changes(client, allocated, admin_user):
    cycle, (budi, _agus) = allocated
    cache.clear()
    client.force_login(admin_user)
    first = client.get("/program/uji/2023/lampiran.pdf").content
    budi.name = "Budi Santoso"
    budi.birth_date = date(1980, 2, 3)
    budi.save()
    rows = selectors.lampiran_rows(cycle)
    for row in rows:
        row["nik_shown"] = row["nik"]
    html = lampiran_html(cycle, rows)
    assert "Budi Santoso" in html
    second = client.get("/program/uji/2023/lampiran.pdf").content
    key = "programmes:lampiran-pdf:" + hashlib.sha256(html.encode()).hexdigest()
    assert cache.get(key) == second
    assert second != first
