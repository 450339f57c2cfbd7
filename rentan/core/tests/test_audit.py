"""Reads of personal data on record: one event and its persons, written together."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rentan.core.audit import reads_of, record_export, record_read
from rentan.core.models import AuditAction, AuditEvent, AuditSubject

pytestmark = pytest.mark.django_db


def test_a_read_names_its_user_page_and_persons(admin_user):
    event = record_read(actor=admin_user, persons=[7, 3, 7], page="/pekerja/3/", note="Halaman")
    assert (event.actor, event.action, event.changes["halaman"]) == (
        admin_user,
        AuditAction.VIEW,
        "/pekerja/3/",
    )
    assert sorted(event.subjects.values_list("person_id", flat=True)) == [3, 7]


def test_a_page_of_500_rows_costs_two_statements(admin_user):
    with CaptureQueriesContext(connection) as queries:
        record_read(actor=admin_user, persons=range(1, 501), page="/x/", note="500 baris")
    assert len(queries) == 2  # the event, then every subject in one INSERT
    assert AuditSubject.objects.count() == 500


def test_an_export_names_its_persons_too(admin_user):
    record_export(
        actor=admin_user, target_type="registry.person", target_ids=[1, 2], note="x", persons=[1, 2]
    )
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert sorted(event.subjects.values_list("person_id", flat=True)) == [1, 2]


def test_reads_of_a_person_are_newest_first_and_only_theirs(admin_user, verifier_user):
    first = record_read(actor=admin_user, persons=[5], page="/a/", note="a")
    record_read(actor=admin_user, persons=[6], page="/b/", note="b")
    last = record_read(actor=verifier_user, persons=[5, 6], page="/c/", note="c")
    assert list(reads_of(5)) == [last, first]
