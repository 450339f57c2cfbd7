"""The Pengaduan pages through the Django client: the operator's scope in lists, counts and
drop-downs; reads recorded; the desk's form; the receipt; the deadlines page; the person page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rentan.complaints import services
from rentan.complaints.lifecycle import Category, ComplaintStatus, Decision
from rentan.complaints.models import Complaint, ComplaintDeadline
from rentan.complaints.tests.helpers import record
from rentan.core.models import AuditAction, AuditEvent, AuditSubject
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db
SOKODUWET = "33.75.04.1010"


@pytest.fixture
def two_areas(admin_user):
    """An overdue complaint in Medono (the operator's) and two overdue in Sokoduwet."""
    long_ago = timezone.localdate() - timedelta(days=30)
    own = record(admin_user, PersonFactory(name="Slamet Riyadi"), received_on=long_ago)
    others = [
        record(
            admin_user,
            PersonFactory(name=f"Warsini Rahayu {n}", kelurahan_id=SOKODUWET),
            received_on=long_ago,
        )
        for n in range(2)
    ]
    return own, others


def test_an_operator_sees_only_their_kelurahans_complaints_and_counts(
    client, operator_user, two_areas
):
    own, others = two_areas
    client.force_login(operator_user)
    page = client.get(reverse("complaints:complaint_list")).content.decode()
    assert own.number in page
    assert "Slamet Riyadi" in page
    for other in others:
        assert other.number not in page
    assert "Warsini" not in page
    assert "Sokoduwet" not in page
    assert "Lewat batas waktu: <b>1</b>" in page
    # No kelurahan to choose in the filter: the list is their own.
    assert 'name="kelurahan"' not in page
    for name in ("complaint_detail", "complaint_receipt"):
        assert client.get(reverse(f"complaints:{name}", args=[others[0].pk])).status_code == 404


def test_the_dinas_sees_every_kelurahan_and_filters_by_one(client, admin_user, two_areas):
    own, others = two_areas
    client.force_login(admin_user)
    page = client.get(reverse("complaints:complaint_list")).content.decode()
    assert "Lewat batas waktu: <b>3</b>" in page
    assert 'name="kelurahan"' in page
    filtered = client.get(
        reverse("complaints:complaint_list"), {"kelurahan": SOKODUWET, "overdue": "on"}
    ).content.decode()
    assert own.number not in filtered
    assert all(other.number in filtered for other in others)


def test_the_desk_finds_only_people_of_its_own_kelurahan(client, operator_user):
    PersonFactory(name="Budi Santoso")
    PersonFactory(name="Budi Sokoduwet", kelurahan_id=SOKODUWET)
    client.force_login(operator_user)
    page = client.get(reverse("complaints:complaint_create"), {"q": "budi"}).content.decode()
    assert "Budi Santoso" in page
    assert "Budi Sokoduwet" not in page
    # Only the operator's kelurahan to file a reporter not in the registry under.
    assert "Sokoduwet" not in page


def test_the_desk_records_a_complaint_and_is_shown_its_number(client, operator_user):
    person = PersonFactory(name="Budi Santoso")
    client.force_login(operator_user)
    response = client.post(
        reverse("complaints:complaint_create"),
        {
            "pekerja": person.pk,
            "received_on": "2026-11-20",
            "channel": "loket",
            "category": Category.NOT_SELECTED,
            "reporter": "pekerja",
            "text": "Tidak terpilih tahun 2023.",
        },
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:complaint_detail", args=[complaint.pk])
    assert complaint.person == person
    assert complaint.recorded_by == operator_user


def test_a_person_of_another_kelurahan_cannot_be_slipped_into_the_form(client, operator_user):
    elsewhere = PersonFactory(kelurahan_id=SOKODUWET)
    client.force_login(operator_user)
    response = client.post(
        reverse("complaints:complaint_create"),
        {
            "pekerja": elsewhere.pk,
            "received_on": "2026-11-20",
            "channel": "loket",
            "category": Category.NOT_SELECTED,
            "reporter": "pekerja",
            "text": "Tidak terpilih.",
        },
    )
    assert response.status_code == 200
    assert "Pilih pekerja yang mengadu" in response.content.decode()
    assert not Complaint.objects.exists()


def test_opening_a_complaint_about_a_person_is_recorded_as_a_read(client, admin_user):
    person = PersonFactory()
    complaint = record(admin_user, person)
    client.force_login(admin_user)
    for name in ("complaint_detail", "complaint_receipt"):
        client.get(reverse(f"complaints:{name}", args=[complaint.pk]))
    reads = AuditEvent.objects.filter(
        action=AuditAction.VIEW, target_type="complaints.complaint", target_id=str(complaint.pk)
    )
    assert reads.count() == 2
    assert set(
        AuditSubject.objects.filter(event__in=reads).values_list("person_id", flat=True)
    ) == {person.pk}


def test_the_receipt_prints_without_the_toolbar(client, admin_user):
    complaint = record(admin_user, PersonFactory(name="Budi Santoso"))
    client.force_login(admin_user)
    page = client.get(reverse("complaints:complaint_receipt", args=[complaint.pk])).content.decode()
    assert "@media print" in page
    assert complaint.number in page
    assert "4 Desember 2026" in page  # due: 14 days after 20 November 2026


def test_the_person_page_lists_their_complaints_with_the_outcome(client, admin_user):
    person = PersonFactory()
    complaint = record(admin_user, person)
    services.assign_complaint(actor=admin_user, complaint=complaint, assignee=admin_user)
    services.start_review(actor=admin_user, complaint=complaint)
    services.decide_complaint(
        actor=admin_user,
        complaint=complaint,
        decision=Decision.REJECTED,
        reason="Peringkat di bawah batas kuota.",
        on=date(2026, 11, 27),
    )
    client.force_login(admin_user)
    page = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert complaint.number in page
    assert "Ditolak" in page
    assert "Peringkat di bawah batas kuota." in page


def test_the_decision_page_decides_with_a_reason(client, admin_user):
    complaint = record(admin_user, PersonFactory())
    client.force_login(admin_user)
    url = reverse("complaints:complaint_decide", args=[complaint.pk])
    refused = client.post(url, {"decision": "ditolak", "reason": "x", "on": "2026-11-27"})
    assert "belum ditinjau" in refused.content.decode()
    services.assign_complaint(actor=admin_user, complaint=complaint, assignee=admin_user)
    services.start_review(actor=admin_user, complaint=complaint)
    client.post(url, {"decision": "dikabulkan", "reason": "Data benar.", "on": "2026-11-27"})
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.DECIDED
    assert complaint.decision == Decision.UPHELD


def test_the_admin_dates_a_new_deadline(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("complaints:deadlines"),
        {"category": "klaim", "days": "7", "effective_on": "2026-12-01", "reference": "SK"},
    )
    assert response.status_code == 302
    assert ComplaintDeadline.objects.get(category="klaim", effective_on=date(2026, 12, 1)).days == 7


def test_the_assignee_drop_down_names_no_operator_of_another_kelurahan(
    client, admin_user, operator_user, other_operator_user
):
    complaint = record(admin_user, PersonFactory())
    client.force_login(admin_user)
    page = client.get(reverse("complaints:complaint_detail", args=[complaint.pk])).content.decode()
    assert f'value="{operator_user.pk}"' in page
    assert f'value="{other_operator_user.pk}"' not in page
    refused = client.post(
        reverse("complaints:complaint_assign", args=[complaint.pk]),
        {"assignee": other_operator_user.pk},
    )
    assert refused.status_code == 302
    complaint.refresh_from_db()
    assert complaint.assigned_to is None


def test_the_list_puts_what_waits_first_the_soonest_due_on_top(admin_user):
    from rentan.complaints.selectors import listed_complaints

    decided = record(admin_user, PersonFactory(), received_on=date(2026, 11, 1))
    services.assign_complaint(actor=admin_user, complaint=decided, assignee=admin_user)
    services.start_review(actor=admin_user, complaint=decided)
    services.decide_complaint(
        actor=admin_user,
        complaint=decided,
        decision=Decision.REJECTED,
        reason="x",
        on=date(2026, 11, 2),
    )
    later = record(admin_user, PersonFactory(), received_on=date(2026, 11, 25))
    sooner = record(admin_user, PersonFactory(), received_on=date(2026, 11, 10))
    listed = list(listed_complaints(admin_user, None, today=date(2026, 12, 2)))
    assert listed == [sooner, later, decided]
