"""The mayor's one page: its figures from plain values, its text as printed (pdftotext),
and that it is laid out by the worker, never inside the request."""

from datetime import date

import pytest
from django.urls import reverse

from rentan.core import background
from rentan.enrollment.models import ClaimKind, Membership
from rentan.enrollment.services import bills, claims, exchange_files, memberships
from rentan.enrollment.states import EndReason
from rentan.enrollment.tests.helpers import accepted, fixed_cycle, reply_file
from rentan.reporting import mayor_pdf, tasks
from rentan.reporting.mayor_pdf import ClaimLine
from rentan.testing.documents import pdf_pages, pdf_text


def test_month_figures_count_the_month_and_the_months_before_it():
    figures = mayor_pdf.month_figures(
        month=date(2023, 2, 1),
        target=10,
        approved=4,
        ended_on=[None, date(2023, 2, 20), date(2023, 3, 5)],
        budget_ceiling=10 * 16_800 * 12,
        bills=[
            (date(2023, 1, 1), 4, 4 * 16_800),
            (date(2023, 2, 1), 3, 3 * 16_800),
            (date(2023, 3, 1), 2, 2 * 16_800),
        ],
        payments=[(date(2023, 1, 1), 4 * 16_800), (date(2023, 3, 1), 1)],
        claims=[
            ClaimLine(date(2023, 1, 9), 0),
            ClaimLine(date(2023, 2, 28), 42_000_000),
            ClaimLine(date(2023, 3, 1), 5),
        ],
        active_by_kecamatan=[("Pekalongan Barat", 3)],
    )
    assert (figures.active, figures.premium_of_month) == (3, 3 * 16_800)
    assert figures.committed_to_date == 7 * 16_800
    assert figures.paid_to_date == 4 * 16_800
    assert figures.ended_to_date == 1
    assert (figures.claims_of_month, figures.claims_to_date) == (1, 2)
    assert figures.claims_paid_to_date == 42_000_000
    assert figures.active_by_month == [(date(2023, 1, 1), 4), (date(2023, 2, 1), 3)]
    assert figures.realisation_percent == 30


@pytest.mark.parametrize(
    ("values", "heights"),
    [([0, 0], [0, 0]), ([5, 10], [50.0, 100.0]), ([3], [100.0])],
)
def test_bars_fill_the_height_with_the_tallest(values, heights):
    drawn = mayor_pdf.bars([(str(i), v) for i, v in enumerate(values)], width=200, height=100)
    assert [bar.height for bar in drawn] == heights
    assert all(bar.y + bar.height == 100 for bar in drawn)
    assert [bar.x for bar in drawn] == sorted(bar.x for bar in drawn)


@pytest.fixture
def running(admin_user):
    """The three fixed people active from January 2023; one died in February with a paid
    JKM claim; January's premiums paid."""
    cycle = fixed_cycle()
    memberships.create_memberships(actor=admin_user, cycle=cycle, today=date(2022, 12, 20))
    exchange_files.export_registration(actor=admin_user, cycle=cycle, today=date(2022, 12, 20))
    people = list(Membership.objects.filter(cycle=cycle).select_related("person"))
    exchange_files.import_bpjs_reply(
        actor=admin_user,
        content=reply_file(
            *(accepted(m.person.nik, f"2300000000{i}") for i, m in enumerate(people))
        ),
        filename="balasan.xlsx",
        today=date(2022, 12, 28),
    )
    bills.record_payment(
        actor=admin_user,
        cycle=cycle,
        month=date(2023, 1, 1),
        amount=3 * 16_800,
        paid_on=date(2023, 1, 12),
    )
    died = Membership.objects.get(cycle=cycle, person__name="Bambang Sutrisno")
    claim = claims.record_claim(
        actor=admin_user, membership=died, kind=ClaimKind.JKM_DEATH, event_on=date(2023, 2, 10)
    )
    claim.benefit_paid = 42_000_000
    claim.save()
    # A JKM death claim ends the membership itself.
    assert Membership.objects.get(pk=died.pk).end_reason == EndReason.DIED
    return cycle


@pytest.mark.django_db
def test_mayor_pdf_prints_the_months_figures_the_chart_and_the_signature(
    client, leader_user, running, settings
):
    settings.RENTAN_SIGNATORY_NAME = "Drs. Sutarno, M.Si."
    client.force_login(leader_user)
    url = reverse("reporting:mayor_pdf", args=[running.programme.code, 2023, "2023-02"])
    response = client.get(url)  # the test's worker runs tasks at once
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Pemerintah Kota Pekalongan — Kota Pekalongan" in text
    assert "Perwal 19 B/2022" in text
    assert "SK Wali Kota 400/001/2023" in text
    assert "Peserta aktif bulan ini" in text
    assert "Rp 50.400" in text  # February: the three, one of whom died in the month
    assert "Rp 42.000.000" in text  # the JKM benefit paid
    assert "keadaan bulan Februari 2023" in text
    assert "Peserta aktif per bulan" in text  # the chart
    assert "Pekalongan Barat" in text
    assert "Kepala Dinas" in text
    assert "Drs. Sutarno, M.Si." in text
    assert "Pekalongan, " in text
    assert "Slamet" not in text
    assert "Bambang" not in text
    assert pdf_pages(response.content) == 1  # one A4 page


class _Queue:
    def __init__(self) -> None:
        self.asked: list[tuple[object, ...]] = []

    def enqueue(self, *args: object) -> None:
        self.asked.append(args)


@pytest.mark.django_db
def test_mayor_pdf_is_laid_out_by_the_worker_while_the_page_shows_progress(
    client, leader_user, running, monkeypatch
):
    real = tasks.make_mayor_pdf
    queue = _Queue()
    monkeypatch.setattr(tasks, "make_mayor_pdf", queue)
    client.force_login(leader_user)
    url = reverse("reporting:mayor_pdf", args=[running.programme.code, 2023, "2023-03"])
    page = client.get(url)
    assert b"Menunggu giliran disusun" in page.content
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    assert len(queue.asked) == 1
    real.call(*queue.asked[0])
    key = queue.asked[0][2]
    assert background.state(key)["state"] == "done"
    assert b"pdf-ready" in client.get(url, headers={"HX-Request": "true"}).content
    assert client.get(url).content.startswith(b"%PDF")


@pytest.mark.django_db
def test_a_month_outside_the_cycle_is_not_found(client, leader_user, running):
    client.force_login(leader_user)
    for month in ("2024-01", "2023-13", "x"):
        url = reverse("reporting:mayor_pdf", args=[running.programme.code, 2023, month])
        assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_mayor_report_lists_the_months_of_the_approved_cycles(client, leader_user, running):
    client.force_login(leader_user)
    page = client.get(reverse("reporting:mayor_report")).content.decode()
    assert "Januari 2023" in page
    assert "Desember 2023" in page
    assert reverse("reporting:mayor_pdf", args=[running.programme.code, 2023, "2023-01"]) in page
