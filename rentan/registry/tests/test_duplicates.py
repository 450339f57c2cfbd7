"""Duplicate pairs in the registry: detection, merge, mark distinct, and the review queue."""

import io
import time
from datetime import date
from io import StringIO
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks.signals import task_enqueued

from rentan.core import background
from rentan.core.audit import events_for
from rentan.core.models import AuditAction, AuditEvent
from rentan.registry import services, tasks
from rentan.registry.match_model import MatchModel, default_model
from rentan.registry.models import (
    DeactivationReason,
    DuplicatePair,
    DuplicateStatus,
    Household,
    MatchWeights,
    Person,
)
from rentan.registry.selectors import current_match_model
from rentan.registry.services import (
    MergeRefused,
    detect_registry_duplicates,
    mark_distinct,
    merge_persons,
)
from rentan.testing.factories import TEST_PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db


def twins_by_typo():
    """One man registered twice: once as Muhammad Rizki, once as M. Rizky with the
    kabupaten digit of his NIK mistyped."""
    first = PersonFactory(name="Muhammad Rizki", street_address="Jl. Merdeka No. 5", rt="003")
    second = PersonFactory(
        nik=first.nik[:3] + "6" + first.nik[4:],
        name="M. Rizky",
        phone="+6281234567890",
        monthly_income=1_500_000,
        birth_place="",
    )
    return first, second


def test_detection_queues_probable_pair_once():
    first, second = twins_by_typo()
    PersonFactory(name="Aminah Lestari", birth_date=date(1990, 3, 5))
    result = detect_registry_duplicates()
    assert (result.found, result.created) == (1, 1)
    pair = DuplicatePair.objects.get()
    assert {pair.left_id, pair.right_id} == {first.pk, second.pk}
    assert pair.left_id < pair.right_id
    assert pair.status == DuplicateStatus.OPEN
    assert not pair.is_exact
    assert {"nik_one_digit", "same_birth_date", "similar_name"} <= set(pair.reasons)
    assert detect_registry_duplicates().created == 0
    assert DuplicatePair.objects.count() == 1


def test_a_pair_is_out_of_the_queue_while_either_side_is_inactive():
    twins_by_typo()
    detect_registry_duplicates()
    pair = DuplicatePair.objects.get()
    assert list(DuplicatePair.objects.open()) == [pair]
    for side in (pair.left_id, pair.right_id):
        Person.objects.filter(pk=side).update(is_active=False)
        assert not DuplicatePair.objects.open().exists()
        Person.objects.filter(pk=side).update(is_active=True)
        assert list(DuplicatePair.objects.open()) == [pair]


def test_pair_marked_distinct_never_comes_back(verifier_user):
    twins_by_typo()
    detect_registry_duplicates()
    pair = DuplicatePair.objects.get()
    mark_distinct(actor=verifier_user, pair=pair, note="Kakak beradik, KTP berbeda")
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.DISTINCT
    assert pair.decided_by == verifier_user
    assert pair.decided_at is not None
    (event,) = events_for(pair)
    assert event.action == AuditAction.PAIR_DISTINCT
    assert event.actor == verifier_user
    assert event.changes["after"]["status"] == DuplicateStatus.DISTINCT
    assert detect_registry_duplicates().created == 0
    assert not DuplicatePair.objects.open().exists()
    with pytest.raises(MergeRefused):
        mark_distinct(actor=verifier_user, pair=pair)


def test_merge_keeps_both_histories_and_fills_missing_fields(verifier_user):
    keep, remove = twins_by_typo()
    remove.household = Household.objects.create(kk_number="3375011203100005")
    remove.save()
    detect_registry_duplicates()
    merged = merge_persons(actor=verifier_user, keep=keep, remove=remove, note="Data ganda")

    merged.refresh_from_db()
    remove.refresh_from_db()
    assert merged.is_active
    assert merged.phone == "+6281234567890"
    assert merged.monthly_income == 1_500_000
    assert merged.household.kk_number == "3375011203100005"
    assert merged.street_address == "Jl. Merdeka No. 5"  # its own values stay
    assert merged.birth_place == "Pekalongan"
    assert not remove.is_active
    assert remove.deactivation_reason == DeactivationReason.DUPLICATE
    assert remove.merged_into == merged
    assert remove.deactivated_on is not None
    kept_event = events_for(merged).get(action=AuditAction.MERGE)
    assert kept_event.changes["after"]["digabung_dari"] == remove.pk
    assert set(kept_event.changes["before"]) == {"phone", "monthly_income", "household"}
    assert kept_event.changes["after"]["household"] == "3375********0005"
    removed_event = events_for(remove).get(action=AuditAction.MERGE)
    assert removed_event.changes["after"]["merged_into"] == merged.pk
    assert removed_event.actor == verifier_user
    assert removed_event.note == "Data ganda"
    pair = DuplicatePair.objects.get()
    assert pair.status == DuplicateStatus.MERGED
    assert pair.decided_by == verifier_user


def test_merge_refuses_inactive_person_and_changes_nothing(verifier_user):
    keep, remove = twins_by_typo()
    merge_persons(actor=verifier_user, keep=keep, remove=remove)
    events_before = AuditEvent.objects.count()
    with pytest.raises(MergeRefused):
        merge_persons(actor=verifier_user, keep=remove, remove=keep)
    keep.refresh_from_db()
    assert keep.is_active
    assert AuditEvent.objects.count() == events_before
    with pytest.raises(MergeRefused):
        merge_persons(actor=verifier_user, keep=keep, remove=keep)


def test_find_duplicates_command_reports_counts():
    twins_by_typo()
    out = StringIO()
    call_command("find_duplicates", stdout=out)
    assert "1 pasangan duplikat ditemukan, 1 baru masuk antrean" in out.getvalue()
    assert DuplicatePair.objects.count() == 1


# --- views -----------------------------------------------------------------------------------


def login(client, user):
    client.login(username=user.username, password=TEST_PASSWORD)
    return client


def queued_pair():
    twins_by_typo()
    detect_registry_duplicates()
    return DuplicatePair.objects.get()


def test_queue_shows_pair_with_masked_niks_and_reasons(client, verifier_user):
    pair = queued_pair()
    response = login(client, verifier_user).get(reverse("registry:duplicate_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Muhammad Rizki" in html
    assert "M. Rizky" in html
    assert "Tanggal lahir sama" in html
    assert pair.left.nik not in html
    assert pair.right.nik not in html
    assert 'class="nik-diff"' in html


def test_queue_shows_the_probability_and_each_fields_weight_as_found(client, verifier_user):
    pair = queued_pair()
    assert 0.9 <= pair.score < 1.0
    kinds = {(comparison, level) for comparison, level, _weight in pair.evidence}
    assert {("nik", "one_digit"), ("birth_date", "exact")} <= kinds
    # Weights estimated later do not rewrite why this pair was proposed.
    DuplicatePair.objects.filter(pk=pair.pk).update(
        evidence=[["nik", "one_digit", 8.06], ["birth_date", "swapped", 4.2]]
    )
    html = login(client, verifier_user).get(reverse("registry:duplicate_list")).content.decode()
    assert "NIK beda 1 digit: +8,1; tanggal lahir tertukar hari/bulan: +4,2" in html
    percent = f"{pair.score * 100:.1f}".replace(".", ",")
    assert f"Peluang orang yang sama {percent}%" in html
    assert "Bobot bukti: bawaan Rentan" in html
    # The download says it as the queue does.
    content = client.get(reverse("reporting:export_duplicates")).content
    header, row = (
        openpyxl.load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True)
    )
    assert row[header.index("Bobot bukti per isian")] == (
        "NIK beda 1 digit: +8,1; tanggal lahir tertukar hari/bulan: +4,2"
    )


def test_estimated_weights_are_kept_and_used_by_the_next_search():
    twins_by_typo()
    for number in range(8):
        PersonFactory(name=f"Sri Wahyuni {number}", birth_date=date(1970 + number, 2, 3))
    out = StringIO()
    call_command("estimate_match_weights", stdout=out)
    weights = MatchWeights.objects.get()
    assert weights.record_count == 10
    assert "dari 10 data pekerja" in out.getvalue()
    assert current_match_model() == MatchModel.from_json(weights.parameters)
    assert current_match_model() != default_model()
    (event,) = events_for(weights)
    assert event.action == AuditAction.MATCH_WEIGHTS_ESTIMATED


def test_the_command_can_hand_the_estimate_to_the_background_worker():
    twins_by_typo()
    out = StringIO()
    # The test settings run tasks at once, as the worker would.
    call_command("estimate_match_weights", "--background", stdout=out)
    assert "pekerja latar" in out.getvalue()
    assert MatchWeights.objects.count() == 1


def test_verifier_asks_for_new_weights_from_the_queue(client, verifier_user):
    twins_by_typo()
    response = login(client, verifier_user).post(reverse("registry:duplicate_weights"))
    assert response.status_code == 302
    weights = MatchWeights.objects.get()
    assert weights.estimated_by == verifier_user
    html = client.get(reverse("registry:duplicate_list")).content.decode()
    assert "Bobot bukti dihitung dari data pekerja pada" in html
    assert "Bobot dihitung ulang otomatis setelah impor" in html


def test_new_weights_are_asked_for_once_at_a_time_and_followed_on_the_queue(
    client, verifier_user, monkeypatch
):
    twins_by_typo()
    login(client, verifier_user)
    assert background.claim(tasks.WEIGHTS_KEY)  # an estimation waiting for the worker
    enqueued = []

    def note(sender, task_result, **kwargs):
        enqueued.append(task_result.task.name)

    task_enqueued.connect(note)
    try:
        page = client.post(reverse("registry:duplicate_weights"), follow=True).content.decode()
        out = StringIO()
        call_command("estimate_match_weights", "--background", stdout=out)
    finally:
        task_enqueued.disconnect(note)

    assert enqueued == []
    assert not MatchWeights.objects.exists()
    assert "Bobot yang diminta sebelumnya masih dihitung ulang di latar" in page
    assert "Bobot sedang dihitung ulang di latar; catatan ini diperbarui sendiri." in page
    assert 'type="submit" disabled>Hitung ulang bobot' in page
    assert reverse("registry:duplicate_background") in page
    assert "masih berjalan" in out.getvalue()

    # The worker fails on the next one: the queue says so, and the weights in use stay.
    def broken(**_kwargs):
        raise RuntimeError("gagal")

    background.note_failed(tasks.WEIGHTS_KEY, "")
    monkeypatch.setattr(services, "estimate_match_weights", broken)
    client.post(reverse("registry:duplicate_weights"))
    page = client.get(reverse("registry:duplicate_list")).content.decode()
    assert 'data-testid="weights-job-failed"' in page
    assert "bobot yang dipakai tidak berubah" in page
    assert 'type="submit" disabled' not in page
    assert not MatchWeights.objects.exists()


def test_the_queue_marks_the_digits_where_two_niks_differ_without_showing_hidden_ones():
    from rentan.registry.duplicate_views import nik_cells, nik_markup

    markup = nik_markup(nik_cells("3375010101800001", "3375010101800002"))
    assert markup == '3375********000<mark class="nik-diff" title="berbeda">1</mark>'
    hidden = nik_markup(nik_cells("3375010101800001", "3375019101800001"))
    # The differing digit is hidden by the mask: only its place is marked.
    assert hidden == '3375**<mark class="nik-diff" title="berbeda">*</mark>*****0001'


def test_queue_is_forbidden_to_operator(client, operator_user):
    queued_pair()
    response = login(client, operator_user).get(reverse("registry:duplicate_list"))
    assert response.status_code == 403


def test_merge_without_confirmation_only_says_what_it_would_do(client, verifier_user):
    pair = queued_pair()
    login(client, verifier_user)
    events = AuditEvent.objects.count()
    response = client.post(
        reverse("registry:duplicate_merge", args=[pair.pk]), {"keep": "right", "note": "sama"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    kept, removed = pair.right, pair.left
    assert f"Dipertahankan: {kept.name} (data #{kept.pk}, NIK {kept.masked_nik}" in page
    assert f"{removed.name} (data #{removed.pk}, NIK {removed.masked_nik}" in page
    assert "Catatan: sama" in page
    # The confirmation carries the choice and the note, and adds the confirmation itself.
    assert 'name="keep" value="right"' in page
    assert 'name="note" value="sama"' in page
    assert 'name="konfirmasi" value="ya"' in page
    removed.refresh_from_db()
    assert removed.is_active
    assert DuplicatePair.objects.get().status == DuplicateStatus.OPEN
    assert AuditEvent.objects.count() == events


def test_confirmed_merge_names_kept_and_removed_and_keeps_the_note(client, verifier_user):
    pair = queued_pair()
    kept, removed = pair.right, pair.left
    response = login(client, verifier_user).post(
        reverse("registry:duplicate_merge", args=[pair.pk]),
        {"keep": "right", "note": "KK dan tanggal lahir sama", "konfirmasi": "ya"},
        follow=True,
    )
    removed.refresh_from_db()
    assert not removed.is_active
    assert removed.merged_into_id == kept.pk
    message = str(next(iter(response.context["messages"])))
    assert message == (
        f"Digabung. Dipertahankan: {kept.name} (data #{kept.pk}, NIK {kept.masked_nik}, "
        f"{kept.kelurahan.name}). Dinonaktifkan sebagai data ganda: {removed.name} "
        f"(data #{removed.pk}, NIK {removed.masked_nik}, {removed.kelurahan.name})."
    )
    merges = AuditEvent.objects.filter(action=AuditAction.MERGE)
    assert merges.count() == 2
    assert {event.note for event in merges} == {"KK dan tanggal lahir sama"}


def test_merge_is_forbidden_to_operator(client, operator_user):
    pair = queued_pair()
    response = login(client, operator_user).post(
        reverse("registry:duplicate_merge", args=[pair.pk]), {"keep": "left"}
    )
    assert response.status_code == 403
    pair.right.refresh_from_db()
    assert pair.right.is_active


def test_admin_marks_pair_distinct(client, admin_user):
    pair = queued_pair()
    response = login(client, admin_user).post(
        reverse("registry:duplicate_distinct", args=[pair.pk]), {"note": "beda orang"}
    )
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.DISTINCT
    assert pair.note == "beda orang"


def test_mark_distinct_is_forbidden_to_leader(client, leader_user):
    pair = queued_pair()
    response = login(client, leader_user).post(
        reverse("registry:duplicate_distinct", args=[pair.pk])
    )
    assert response.status_code == 403
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN


def test_verifier_runs_detection_from_the_queue(client, verifier_user):
    twins_by_typo()
    response = login(client, verifier_user).post(reverse("registry:duplicate_search"))
    assert response.status_code == 302
    assert DuplicatePair.objects.count() == 1


def test_detection_in_a_large_registry_is_left_to_the_background_worker(
    client, verifier_user, monkeypatch
):
    twins_by_typo()
    PersonFactory(name="Sri Wahyuni", birth_date=date(1981, 6, 7))
    monkeypatch.setattr(tasks, "INLINE_MAX_SEARCH_PERSONS", 2)
    enqueued = []

    def note(sender, task_result, **kwargs):
        enqueued.append((task_result.task.name, task_result.args))

    task_enqueued.connect(note)
    try:
        response = login(client, verifier_user).post(
            reverse("registry:duplicate_search"), follow=True
        )
    finally:
        task_enqueued.disconnect(note)
    assert enqueued == [("detect_registry_duplicates", [verifier_user.pk])]
    assert "Pencarian duplikat di 3 data pekerja berjalan di latar" in response.content.decode()
    # The test settings run tasks at once, as the worker would: the pair is queued.
    assert DuplicatePair.objects.count() == 1
    (event,) = AuditEvent.objects.filter(action=AuditAction.DUPLICATES_DETECTED)
    assert event.actor == verifier_user


def test_the_queue_says_what_the_search_in_the_worker_found(client, verifier_user, monkeypatch):
    twins_by_typo()
    PersonFactory(name="Sri Wahyuni", birth_date=date(1981, 6, 7))
    monkeypatch.setattr(tasks, "INLINE_MAX_SEARCH_PERSONS", 2)
    login(client, verifier_user)

    # The test settings run tasks at once, as the worker would.
    page = client.post(reverse("registry:duplicate_search"), follow=True).content.decode()

    note = page.split('data-testid="duplicate-search-done">', 1)[1].split("</p>", 1)[0]
    assert "1 pasangan ditemukan, 1 baru masuk antrean" in note
    # Done, it may be asked for again.
    assert 'type="submit" disabled' not in page
    assert background.claim(tasks.SEARCH_KEY, again_if_done=True)


def test_a_second_search_waits_for_the_one_in_the_worker(client, verifier_user, monkeypatch):
    twins_by_typo()
    PersonFactory(name="Sri Wahyuni", birth_date=date(1981, 6, 7))
    monkeypatch.setattr(tasks, "INLINE_MAX_SEARCH_PERSONS", 2)
    assert background.claim(tasks.SEARCH_KEY)  # a search waiting for the worker
    enqueued = []

    def note(sender, task_result, **kwargs):
        enqueued.append(task_result.task.name)

    login(client, verifier_user)
    task_enqueued.connect(note)
    try:
        page = client.post(reverse("registry:duplicate_search"), follow=True).content.decode()
    finally:
        task_enqueued.disconnect(note)

    assert enqueued == []
    assert not DuplicatePair.objects.exists()
    assert "Pencarian duplikat yang diminta sebelumnya masih berjalan di latar" in page
    assert "menunggu giliran" in page
    # The note asks again by itself while the search waits; the button waits with it.
    assert reverse("registry:duplicate_background") in page
    assert 'type="submit" disabled>Cari duplikat di registri' in page
    part = client.get(reverse("registry:duplicate_background")).content.decode()
    assert part.startswith('<div id="duplicate-background"')
    assert "menunggu giliran" in part


def test_a_search_the_worker_stopped_or_failed_on_is_said_and_may_be_asked_again(
    client, verifier_user, monkeypatch
):
    twins_by_typo()
    PersonFactory(name="Sri Wahyuni", birth_date=date(1981, 6, 7))
    monkeypatch.setattr(tasks, "INLINE_MAX_SEARCH_PERSONS", 2)
    login(client, verifier_user)
    background.note_running(tasks.SEARCH_KEY, 0, 0, phase="search")
    later = time.time() + background.STALE_SECONDS + 1

    def broken(**_kwargs):
        raise RuntimeError("gagal")

    with monkeypatch.context() as stopped:
        stopped.setattr(background, "time", SimpleNamespace(time=lambda: later))
        page = client.get(reverse("registry:duplicate_list")).content.decode()
        assert "berhenti sebelum selesai; antrean tidak berubah" in page
        assert 'type="submit" disabled' not in page
        # Asked again, the search is handed to the worker, which fails on it this time.
        monkeypatch.setattr(services, "detect_registry_duplicates", broken)
        client.post(reverse("registry:duplicate_search"))
    page = client.get(reverse("registry:duplicate_list")).content.decode()

    assert 'data-testid="duplicate-search-failed"' in page
    assert "berhenti sebelum selesai; antrean tidak berubah" in page
    assert not DuplicatePair.objects.exists()
    assert 'type="submit" disabled' not in page


def test_detection_from_the_queue_is_forbidden_to_bpjs_officer(client, bpjs_user):
    twins_by_typo()
    response = login(client, bpjs_user).post(reverse("registry:duplicate_search"))
    assert response.status_code == 403
    assert not DuplicatePair.objects.exists()


def test_menu_shows_duplikat_to_verifier_only(client, verifier_user, operator_user):
    assert "Duplikat" in login(client, verifier_user).get("/").content.decode()
    client.logout()
    assert "Duplikat" not in login(client, operator_user).get("/").content.decode()


def test_demo_step_enters_some_workers_twice_and_queues_them():
    from datetime import timedelta
    from io import StringIO

    from faker.providers.person.id_ID import Provider

    from rentan.registry.demo_duplicates import ONE_IN, load
    from rentan.registry.models import Person

    names = [
        f"{given} {last}"
        for given in Provider.first_names_male[:40]
        for last in Provider.last_names_male[:30]
    ]
    for number in range(ONE_IN * 2):
        PersonFactory(name=names[number], birth_date=date(1960, 1, 1) + timedelta(days=number * 13))
    load(out=StringIO(), today=date(2026, 11, 25))
    assert Person.objects.count() == ONE_IN * 2 + 2
    second = set(
        Person.objects.filter(source_detail__startswith="demo: entri kedua").values_list(
            "pk", flat=True
        )
    )
    assert len(second) == 2
    paired = {
        pk
        for pair in DuplicatePair.objects.open()
        if "nik_one_digit" in pair.reasons
        for pk in (pair.left_id, pair.right_id)
    }
    assert second <= paired
    load(out=StringIO(), today=date(2026, 11, 25))
    assert Person.objects.count() == ONE_IN * 2 + 2


def test_removed_person_page_links_to_the_kept_record(client, verifier_user):
    keep, remove = twins_by_typo()
    merge_persons(actor=verifier_user, keep=keep, remove=remove)
    html = (
        login(client, verifier_user)
        .get(reverse("registry:person_detail", args=[remove.pk]))
        .content.decode()
    )
    assert (
        f'href="{reverse("registry:person_detail", args=[keep.pk])}" data-testid="merged-into"'
        in html
    )
