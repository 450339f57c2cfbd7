"""A registration file larger than RENTAN_BACKGROUND_EXPORT_ROWS is made by the worker: the
page follows it, then offers the file; a failure says why and offers to try again."""

import io
import time
from datetime import date
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from rentan.core import background
from rentan.core.models import AuditAction, AuditEvent
from rentan.enrollment import tasks
from rentan.enrollment.models import ExchangeFile, Membership
from rentan.enrollment.services import memberships as membership_services
from rentan.enrollment.states import MembershipStatus
from rentan.enrollment.tests.helpers import fixed_cycle
from rentan.registry.models import Person

TODAY = date(2023, 1, 5)
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _approved_cycle(admin_user, settings, *, threshold: int = 2):
    """Three people approved; more than `threshold`, so their file goes to the worker."""
    settings.RENTAN_BACKGROUND_EXPORT_ROWS = threshold
    cycle = fixed_cycle()
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY)
    return cycle


def _run_worker() -> None:
    call_command(
        "db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO()
    )


def _poll(client, cycle) -> str:
    url = reverse("enrollment:export_progress", args=[cycle.pk])
    return client.get(url, headers={"HX-Request": "true"}).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_queued_followed_made_by_the_worker_and_recorded(
    client, admin_user, settings
):
    settings.TASKS = DATABASE_QUEUE
    cycle = _approved_cycle(admin_user, settings)
    client.force_login(admin_user)

    response = client.post(reverse("enrollment:export", args=[cycle.pk]))
    assert response["Location"] == reverse("enrollment:export_progress", args=[cycle.pk])
    # Only queued: nothing sent, nothing recorded yet.
    assert DBTaskResult.objects.count() == 1
    assert not ExchangeFile.objects.exists()
    assert Membership.objects.filter(status=MembershipStatus.APPROVED).count() == 3
    page = client.get(response["Location"]).content.decode()
    assert "Menunggu giliran dibuat" in page
    assert 'hx-trigger="every 1s"' in page

    # A second click while it waits queues nothing more.
    again = client.post(reverse("enrollment:export", args=[cycle.pk]), follow=True)
    assert "sudah sedang dibuat" in again.content.decode()
    assert DBTaskResult.objects.count() == 1

    _run_worker()
    polled = _poll(client, cycle)
    assert "<html" not in polled
    assert "hx-trigger" not in polled
    exchange = ExchangeFile.objects.get()
    assert "3 peserta siap diunduh" in polled
    assert reverse("enrollment:exchange_download", args=[exchange.pk]) in polled
    assert Membership.objects.filter(status=MembershipStatus.REGISTERED).count() == 3

    download = client.get(reverse("enrollment:exchange_download", args=[exchange.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    niks = sorted(Membership.objects.values_list("person__nik", flat=True))
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == niks

    # Recorded as when the file is made at once: sent and exported by the admin who asked,
    # naming the three persons; the download is an export of its own.
    sent = AuditEvent.objects.get(action=AuditAction.REGISTRATION_SENT)
    assert sent.actor == admin_user
    assert sent.changes["after"]["rows"] == 3
    assert sent.changes["after"]["newly_registered"] == 3
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("id")
    assert [e.actor for e in exports] == [admin_user, admin_user]
    persons = sorted(Person.objects.values_list("pk", flat=True))
    for event in exports:
        assert sorted(event.subjects.values_list("person_id", flat=True)) == persons


@pytest.mark.django_db(transaction=True)
def test_a_file_that_fails_in_the_worker_says_why_and_is_made_when_tried_again(
    client, admin_user, settings
):
    settings.TASKS = DATABASE_QUEUE
    cycle = _approved_cycle(admin_user, settings)
    client.force_login(admin_user)
    client.post(reverse("enrollment:export", args=[cycle.pk]))
    # While it waits, every person leaves the registry: nobody is left to send.
    Person.objects.update(is_active=False)
    _run_worker()

    polled = _poll(client, cycle)
    assert "Berkas pendaftaran gagal dibuat: Tidak ada peserta periode" in polled
    assert "hx-trigger" not in polled
    assert reverse("enrollment:export", args=[cycle.pk]) in polled  # the retry button
    assert not ExchangeFile.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.REGISTRATION_SENT).exists()
    assert Membership.objects.filter(status=MembershipStatus.APPROVED).count() == 3

    Person.objects.update(is_active=True)
    client.post(reverse("enrollment:export", args=[cycle.pk]))  # "Coba lagi"
    assert "Menunggu giliran dibuat" in _poll(client, cycle)
    _run_worker()
    assert "3 peserta siap diunduh" in _poll(client, cycle)
    assert Membership.objects.filter(status=MembershipStatus.REGISTERED).count() == 3


@pytest.mark.django_db
def test_a_worker_running_tasks_at_once_leaves_the_file_ready_on_the_progress_page(
    client, admin_user, settings
):
    cycle = _approved_cycle(admin_user, settings)
    client.force_login(admin_user)
    page = client.post(reverse("enrollment:export", args=[cycle.pk]), follow=True)
    text = page.content.decode()
    assert page.templates[0].name == "enrollment/export_progress.html"
    assert "3 peserta siap diunduh" in text
    assert "hx-trigger" not in text
    # Made again later (people added, or a re-send): a new file, not the last one's page.
    client.post(reverse("enrollment:export", args=[cycle.pk]))
    assert ExchangeFile.objects.count() == 2


@pytest.mark.django_db
def test_up_to_the_threshold_the_file_is_made_in_the_request(client, admin_user, settings):
    cycle = _approved_cycle(admin_user, settings, threshold=3)
    client.force_login(admin_user)
    response = client.post(reverse("enrollment:export", args=[cycle.pk]))
    exchange = ExchangeFile.objects.get()
    assert response["Location"] == reverse("enrollment:exchange_detail", args=[exchange.pk])
    assert background.state(tasks.registration_key(cycle.pk)) is None


@pytest.mark.django_db
def test_progress_shows_the_rows_written_and_a_stopped_worker_as_a_failure(
    client, admin_user, settings, monkeypatch
):
    cycle = _approved_cycle(admin_user, settings)
    client.force_login(admin_user)
    key = tasks.registration_key(cycle.pk)
    background.note_running(key, 50_000, 100_000, phase="write")
    polled = _poll(client, cycle)
    assert "Menulis berkas: 50.000 dari 100.000 baris" in polled
    assert 'aria-valuenow="50000"' in polled
    assert 'hx-trigger="every 1s"' in polled
    # Twenty minutes without a word from the worker: it stopped.
    later = time.time() + 20 * 60
    monkeypatch.setattr(background, "time", SimpleNamespace(time=lambda: later))
    polled = _poll(client, cycle)
    assert "Pemroses latar belakang berhenti sebelum berkas selesai" in polled
    assert "hx-trigger" not in polled
    assert reverse("enrollment:export", args=[cycle.pk]) in polled


@pytest.mark.django_db
def test_the_memberships_page_points_to_a_file_being_made(client, admin_user, settings):
    cycle = _approved_cycle(admin_user, settings)
    client.force_login(admin_user)
    url = reverse("enrollment:memberships") + f"?periode={cycle.pk}"
    assert b"export-progress-link" not in client.get(url).content
    background.claim(tasks.registration_key(cycle.pk))
    assert b"export-progress-link" in client.get(url).content


def test_an_unexpected_error_is_named_by_its_kind_never_by_its_text():
    reason = tasks.describe_failure(ValueError("NIK 3375014501850001 Siti Aminah"))
    assert "ValueError" in reason
    assert "Tidak ada kepesertaan yang berubah" in reason
    assert "3375014501850001" not in reason
    assert "Siti" not in reason
