"""Every service that changes state writes its own kind of audit event in its transaction,
and the event holds the change as {"before": …, "after": …}. One test per service: the
action it writes and the payload it leaves."""

import io
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone

import rentan
from rentan.core.models import AuditAction, AuditEvent
from rentan.enrollment.bpjs_files import Column, Field
from rentan.enrollment.models import ClaimKind, ClaimStatus, ExchangeFile, Membership
from rentan.enrollment.services import bills as bill_services
from rentan.enrollment.services import claims as claim_services
from rentan.enrollment.services import exchange_files as file_services
from rentan.enrollment.services import memberships as membership_services
from rentan.enrollment.states import EndReason, MembershipStatus
from rentan.enrollment.tests.helpers import accepted, bill_file, fixed_cycle, reply_file
from rentan.imports import services as import_services
from rentan.imports.cells import ImportField
from rentan.imports.models import BatchStatus, BatchStep
from rentan.imports.tests.files import write_xlsx
from rentan.programmes import services as programme_services
from rentan.programmes.models import (
    CycleStatus,
    DecisionAction,
    ExclusionList,
    Placement,
    PlacementKind,
)
from rentan.regions.models import Area
from rentan.registry import change_request_services
from rentan.registry import services as registry_services
from rentan.registry.desil import DesilRow
from rentan.registry.match_model import default_model
from rentan.registry.models import (
    DeactivationReason,
    DuplicatePair,
    Household,
    Occupation,
    Person,
)
from rentan.registry.nik import mask_nik
from rentan.registry.selectors import registry_context
from rentan.registry.validation import PersonDraft
from rentan.testing.factories import (
    CycleFactory,
    PersonFactory,
    PlacementFactory,
    ProgrammeFactory,
    RateTableFactory,
)

pytestmark = pytest.mark.django_db
TODAY = date(2023, 1, 5)

# Written before each kind of change had its own action; kept only to show old events.
NO_LONGER_WRITTEN = {
    AuditAction.CREATE,
    AuditAction.UPDATE,
    AuditAction.IMPORT,
    AuditAction.RETRY,
    AuditAction.DISCARD,
    AuditAction.FAIL,
}


def _event(action: AuditAction, target: models.Model) -> AuditEvent:
    return AuditEvent.objects.get(
        action=action, target_type=target._meta.label_lower, target_id=str(target.pk)
    )


def test_every_kind_of_event_is_written_somewhere_and_the_old_kinds_nowhere():
    package = Path(rentan.__file__).parent
    code = "\n".join(
        path.read_text()
        for path in package.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    )
    written = {action for action in AuditAction if f"AuditAction.{action.name}" in code}
    assert written == set(AuditAction) - NO_LONGER_WRITTEN


def test_every_kind_of_event_can_be_chosen_on_the_audit_page(admin_user, client):
    client.force_login(admin_user)
    page = client.get("/audit/").content.decode()
    for action in set(AuditAction) - NO_LONGER_WRITTEN:
        assert f'value="{action.value}"' in page
        assert str(action.label) in page


def test_the_audit_export_names_the_kind_of_event_in_indonesian(admin_user, client):
    programme_services.create_cycle(
        actor=admin_user,
        programme=ProgrammeFactory(),
        year=2023,
        target=1,
        budget_ceiling=1,
        coverage_start_on=date(2023, 1, 1),
    )
    client.force_login(admin_user)
    response = client.get(reverse("audit:event_export"), {"jenis": AuditAction.CYCLE_CREATED})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert [row[3] for row in rows[1:]] == ["Periode dibuat"]


# --- persons ------------------------------------------------------------------------------


def _draft(**overrides: Any) -> PersonDraft:
    values: dict[str, Any] = {
        "nik": "3375014501850001",
        "kk_number": "",
        "name": "Siti Aminah",
        "birth_date": date(1985, 1, 5),
        "sex": "P",
        "kelurahan_code": "33.75.01.1002",
        "occupation_code": "pedagang-keliling",
    }
    return PersonDraft(**(values | overrides))


def test_register_person(admin_user):
    person = registry_services.register_person(
        actor=admin_user, draft=_draft(), context=registry_context(date(2026, 11, 25))
    )
    event = _event(AuditAction.PERSON_REGISTERED, person)
    assert event.changes["before"] == {}
    assert event.changes["after"]["nik"] == "3375********0001"
    assert event.changes["after"]["name"] == "Siti Aminah"


def test_update_person(admin_user):
    context = registry_context(date(2026, 11, 25))
    person = registry_services.register_person(actor=admin_user, draft=_draft(), context=context)
    registry_services.update_person(
        actor=admin_user, person=person, draft=_draft(name="Siti Rahayu"), context=context
    )
    assert _event(AuditAction.PERSON_UPDATED, person).changes == {
        "before": {"name": "Siti Aminah"},
        "after": {"name": "Siti Rahayu"},
    }


def test_verify_deactivate_and_reactivate_person(admin_user):
    person = PersonFactory(verified_at=None)
    registry_services.verify_person(actor=admin_user, person=person)
    person.refresh_from_db()
    assert _event(AuditAction.PERSON_VERIFIED, person).changes == {
        "before": {"verified_at": None},
        "after": {
            "verified_at": person.verified_at.isoformat(),
            "pemeriksaan": ["nik_valid", "required_fields", "no_open_duplicate"],
        },
    }
    registry_services.deactivate_person(
        actor=admin_user, person=person, reason=DeactivationReason.DIED, on=date(2026, 10, 1)
    )
    assert _event(AuditAction.DEACTIVATE, person).changes == {
        "before": {"is_active": True},
        "after": {"is_active": False, "alasan": "died", "tanggal": "2026-10-01"},
    }
    registry_services.reactivate_person(actor=admin_user, person=person, note="Salah lapor")
    assert _event(AuditAction.REACTIVATE, person).changes == {
        "before": {"is_active": False, "alasan": "died"},
        "after": {"is_active": True},
    }


def test_duplicates_detected_merged_and_marked_distinct(admin_user):
    twins = {"name": "Siti Aminah", "birth_date": date(1985, 1, 5), "sex": "P"}
    keep = PersonFactory(**twins, phone="", kelurahan_id="33.75.01.1002")
    remove = PersonFactory(**twins, phone="081234567890", kelurahan_id="33.75.01.1002")
    result = registry_services.detect_registry_duplicates(actor=admin_user)
    detected = AuditEvent.objects.get(action=AuditAction.DUPLICATES_DETECTED)
    assert detected.actor == admin_user
    assert detected.changes == {
        "before": {"pasangan": 0},
        "after": {"pasangan": result.created, "dibandingkan": result.compared},
    }
    other = PersonFactory()
    distinct = DuplicatePair.objects.create(left=keep, right=other, score=0.9, reasons=[])
    registry_services.mark_distinct(actor=admin_user, pair=distinct)
    assert _event(AuditAction.PAIR_DISTINCT, distinct).changes == {
        "before": {"status": "open"},
        "after": {"status": "distinct", "pekerja": [keep.pk, other.pk]},
    }
    registry_services.merge_persons(actor=admin_user, keep=keep, remove=remove)
    kept = _event(AuditAction.MERGE, keep).changes
    assert "phone" in kept["before"]
    assert set(kept["before"].values()) == {None}
    assert kept["after"]["phone"] == remove.phone
    assert set(kept["after"]) == {*kept["before"], "digabung_dari", "nik_digabung"}
    assert kept["after"]["digabung_dari"] == remove.pk
    assert kept["after"]["nik_digabung"] == mask_nik(remove.nik)
    assert _event(AuditAction.MERGE, remove).changes == {
        "before": {"is_active": True, "merged_into": None},
        "after": {
            "is_active": False,
            "merged_into": keep.pk,
            "alasan": DeactivationReason.DUPLICATE.value,
            "tanggal": timezone.localdate().isoformat(),
        },
    }


def test_match_weights_estimated(admin_user):
    for number in range(6):
        PersonFactory(name=f"Slamet Riyadi {number}", kelurahan_id="33.75.01.1002")
    weights = registry_services.estimate_match_weights(actor=admin_user, today=TODAY)
    assert _event(AuditAction.MATCH_WEIGHTS_ESTIMATED, weights).changes == {
        "before": {
            "bobot": "bawaan",
            "jumlah_data": default_model().record_count,
            "peluang_awal": default_model().prior,
            "tanggal": default_model().estimated_on.isoformat(),
        },
        "after": {
            "bobot": weights.pk,
            "jumlah_data": 6,
            "peluang_awal": weights.prior,
            "tanggal": TODAY.isoformat(),
        },
    }


def test_change_requested_approved_rejected_and_withdrawn(admin_user, operator_user):
    context = registry_context(date(2026, 11, 25))
    person = registry_services.register_person(actor=admin_user, draft=_draft(), context=context)
    Person.objects.filter(pk=person.pk).update(verified_at=timezone.now())
    person = Person.objects.get(pk=person.pk)

    def ask(**changes: Any) -> Any:
        draft = replace(change_request_services.draft_of(person), **changes)
        return change_request_services.save_person_changes(
            actor=operator_user, person=person, draft=draft, context=context
        )[1]

    first = ask(monthly_income=1_250_000)
    asked = AuditEvent.objects.filter(action=AuditAction.CHANGE_REQUESTED).order_by("pk")
    assert asked[0].changes == {
        "before": {"monthly_income": None},
        "after": {"monthly_income": 1_250_000},
        "usulan": first.pk,
        "jenis": "edit",
    }
    change_request_services.approve_change_request(actor=admin_user, request=first, context=context)
    assert _event(AuditAction.PERSON_UPDATED, person).changes == {
        "before": {"monthly_income": None},
        "after": {"monthly_income": 1_250_000},
        "usulan": first.pk,
    }
    assert _event(AuditAction.CHANGE_APPROVED, person).changes == {
        "before": {"status": "pending"},
        "after": {"status": "approved"},
        "usulan": first.pk,
    }
    second = ask(nik="3375014501850002")
    assert asked.last().changes["after"]["nik"] == "3375********0002"  # masked in the trail
    change_request_services.reject_change_request(
        actor=admin_user, request=second, reason="Tidak sesuai KTP"
    )
    assert _event(AuditAction.CHANGE_REJECTED, person).changes == {
        "before": {"status": "pending"},
        "after": {"status": "rejected", "alasan": "Tidak sesuai KTP"},
        "usulan": second.pk,
    }
    third = ask(dependents=3)
    change_request_services.withdraw_change_request(actor=operator_user, request=third)
    assert _event(AuditAction.CHANGE_WITHDRAWN, person).changes == {
        "before": {"status": "pending"},
        "after": {"status": "withdrawn"},
        "usulan": third.pk,
    }


# --- imports ------------------------------------------------------------------------------

HEAD = ["NIK", "No KK", "Nama", "Tgl Lahir", "JK", "Kelurahan", "Pekerjaan", "Catatan"]
ROW = ["3375014501850001", "3375010101100001", "Siti", "05-01-1985", "P", "Medono", "Nelayan", "-"]


def _batch(tmp_path: Path, actor: Any) -> Any:
    path = write_xlsx(tmp_path / "medono.xlsx", [HEAD, ROW])
    return import_services.upload_batch(actor=actor, path=path, original_name=path.name)


def test_upload_stage_map_decide_and_commit_a_batch(tmp_path, import_media, admin_user):
    # A family card already in the registry: the row waits for the user's decision.
    PersonFactory(household=Household.objects.create(kk_number="3375010101100001"))
    batch = _batch(tmp_path, admin_user)
    uploaded = _event(AuditAction.BATCH_UPLOADED, batch).changes
    assert uploaded["before"] == {}
    assert uploaded["after"]["berkas"] == "medono.xlsx"
    assert uploaded["after"]["sidik"] == batch.checksum

    batch = import_services.stage_batch(batch_id=batch.pk)
    staged = _event(AuditAction.BATCH_STAGED, batch).changes
    assert staged["before"] == {"status": BatchStatus.VALIDATING}
    assert staged["after"]["status"] == BatchStatus.REVIEW
    assert (staged["after"]["baris"], staged["after"]["mungkin_ganda"]) == (1, 1)

    before_map = dict(batch.column_map)
    import_services.map_columns(actor=admin_user, batch=batch, mapping={7: ImportField.IGNORE})
    mapped = _event(AuditAction.BATCH_COLUMNS_MAPPED, batch).changes
    assert mapped["before"] == {"kolom": before_map, "status": BatchStatus.REVIEW}
    assert mapped["after"] == {
        "kolom": before_map | {"7": ImportField.IGNORE.value},
        "status": BatchStatus.UPLOADED,
    }
    batch = import_services.stage_batch(batch_id=batch.pk)

    import_services.decide_duplicate(actor=admin_user, batch=batch, row_number=2, accept=True)
    assert _event(AuditAction.BATCH_ROW_DECIDED, batch).changes == {
        "before": {"baris": 2, "diterima": False},
        "after": {"baris": 2, "diterima": True},
    }

    import_services.commit_batch(batch_id=batch.pk, actor=admin_user)
    committed = _event(AuditAction.BATCH_COMMITTED, batch).changes
    assert committed["before"] == {"status": BatchStatus.REVIEW}
    assert committed["after"]["status"] == BatchStatus.COMMITTED
    assert committed["after"]["pekerja_ditambahkan"] == 1
    assert Person.objects.filter(nik=ROW[0]).exists()


def test_fail_retry_and_discard_a_batch(tmp_path, import_media, admin_user):
    batch = _batch(tmp_path, admin_user)
    import_services.fail_batch(batch_id=batch.pk, step=BatchStep.STAGE, reason="Berkas rusak")
    assert _event(AuditAction.BATCH_FAILED, batch).changes == {
        "before": {"status": BatchStatus.UPLOADED},
        "after": {"status": BatchStatus.FAILED, "langkah": "stage", "alasan": "Berkas rusak"},
    }
    import_services.retry_batch(actor=admin_user, batch=batch)
    assert _event(AuditAction.BATCH_RETRIED, batch).changes == {
        "before": {"status": BatchStatus.FAILED, "alasan": "Berkas rusak"},
        "after": {"status": BatchStatus.UPLOADED, "langkah": "stage"},
    }
    import_services.discard_batch(actor=admin_user, batch=batch)
    event = _event(AuditAction.BATCH_DISCARDED, batch)
    assert event.changes == {
        "before": {"status": BatchStatus.UPLOADED},
        "after": {"status": BatchStatus.DISCARDED},
    }
    assert event.note == "medono.xlsx"


# --- programmes ---------------------------------------------------------------------------


def test_cycle_created_allocated_approved_started_and_closed(admin_user):
    RateTableFactory()
    programme = ProgrammeFactory(eligibility_rules={"active": {}})
    cycle = programme_services.create_cycle(
        actor=admin_user,
        programme=programme,
        year=2023,
        target=1,
        budget_ceiling=1_000_000,
        coverage_start_on=date(2023, 1, 1),
    )
    assert _event(AuditAction.CYCLE_CREATED, cycle).changes == {
        "before": {},
        "after": {"tahun": 2023, "target": 1, "pagu": 1_000_000, "status": "draft"},
    }
    PersonFactory()
    programme_services.allocate_cycle(actor=admin_user, cycle=cycle)
    allocated = _event(AuditAction.CYCLE_ALLOCATED, cycle).changes
    assert allocated["before"] == {"status": "draft"}
    assert allocated["after"]["status"] == "allocated"
    assert allocated["after"]["alokasi"]["baru"] == 1
    programme_services.approve_cycle(actor=admin_user, cycle=cycle, decree_reference="SK 1")
    assert _event(AuditAction.CYCLE_APPROVED, cycle).changes == {
        "before": {"status": "allocated"},
        "after": {"status": "approved", "sk": "SK 1"},
    }
    programme_services.start_cycle(actor=admin_user, cycle=cycle)
    assert _event(AuditAction.CYCLE_STARTED, cycle).changes == {
        "before": {"status": "approved"},
        "after": {"status": "running"},
    }
    programme_services.close_cycle(actor=admin_user, cycle=cycle)
    assert _event(AuditAction.CYCLE_CLOSED, cycle).changes == {
        "before": {"status": "running"},
        "after": {"status": "closed"},
    }


def test_occupation_aliases_changed(admin_user):
    nelayan = Occupation.objects.get(code="nelayan")
    before = sorted(nelayan.aliases.values_list("name", flat=True))
    registry_services.set_occupation_aliases(
        actor=admin_user, occupation=nelayan, aliases=[*before, "pandega kapal"]
    )
    assert _event(AuditAction.OCCUPATION_ALIASES_CHANGED, nelayan).changes == {
        "before": {"pekerjaan": "nelayan", "nama_lain": before},
        "after": {"pekerjaan": "nelayan", "nama_lain": sorted([*before, "pandega kapal"])},
    }


def test_occupation_decision_and_exclusion_list(admin_user):
    programme = ProgrammeFactory()
    decision = programme_services.record_occupation_decision(
        actor=admin_user,
        programme=programme,
        occupation=Occupation.objects.get(code="nelayan"),
        action=DecisionAction.ADD,
        effective_on=date(2023, 1, 1),
        reference="SK Tim 1/2023",
    )
    assert _event(AuditAction.OCCUPATION_DECIDED, decision).changes == {
        "before": {},
        "after": {
            "pekerjaan": "nelayan",
            "keputusan": "add",
            "berlaku": "2023-01-01",
            "dasar": "SK Tim 1/2023",
        },
    }
    lines = ["nik", "3375014501850001", "3375014501850002"]
    programme_services.import_excluded_niks(
        actor=admin_user, programme=programme, list_kind=ExclusionList.PKH, lines=lines, source="a"
    )
    programme_services.import_excluded_niks(
        actor=admin_user,
        programme=programme,
        list_kind=ExclusionList.PKH,
        lines=[*lines, "3375014501850003"],
        source="b",
    )
    second = AuditEvent.objects.filter(action=AuditAction.EXCLUSIONS_IMPORTED).latest("id")
    assert second.changes == {
        "before": {"daftar": "PKH", "nik": 2},
        "after": {"daftar": "PKH", "nik": 3, "nik_baru": 1, "sudah_ada": 2},
    }


def test_hand_exclusion_and_its_lifting(admin_user):
    cycle = CycleFactory(status=CycleStatus.ALLOCATED)
    placement = PlacementFactory(cycle=cycle, kind=PlacementKind.WAITING)
    exclusion = programme_services.exclude_from_cycle(
        actor=admin_user, cycle=cycle, person=placement.person, reason="Pembayar lain"
    )
    state = {"periode": cycle.pk, "pekerja": placement.person_id, "alasan": "Pembayar lain"}
    assert _event(AuditAction.PLACEMENT_EXCLUDED_BY_HAND, exclusion).changes == {
        "before": {"periode": cycle.pk, "pekerja": placement.person_id, "tempat": "waiting"},
        "after": {**state, "dibatalkan": False},
    }
    programme_services.lift_exclusion(actor=admin_user, exclusion=exclusion, reason="Keliru")
    assert _event(AuditAction.PLACEMENT_EXCLUSION_LIFTED, exclusion).changes == {
        "before": {**state, "dibatalkan": False},
        "after": {**state, "dibatalkan": True, "alasan_pembatalan": "Keliru"},
    }


# --- memberships, files, bills, claims ----------------------------------------------------


def _active_cycle(admin_user: Any, *, waiting: int = 0) -> tuple[Any, list[Membership]]:
    cycle = fixed_cycle(waiting=waiting)
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY)
    file_services.export_registration(actor=admin_user, cycle=cycle, today=TODAY)
    members = list(Membership.objects.order_by("person__nik").select_related("person"))
    content = reply_file(
        *[accepted(m.person.nik, f"2300000000{n}") for n, m in enumerate(members, start=1)]
    )
    file_services.import_bpjs_reply(
        actor=admin_user, content=content, filename="balasan.xlsx", today=TODAY
    )
    return cycle, list(Membership.objects.order_by("person__nik").select_related("person"))


def test_memberships_created_sent_and_answered(admin_user):
    cycle, members = _active_cycle(admin_user)
    assert _event(AuditAction.MEMBERSHIPS_CREATED, cycle).changes == {
        "before": {"memberships": 0},
        "after": {"memberships": len(members), "sk": cycle.decree_reference},
    }
    sent = ExchangeFile.objects.get(kind="registration")
    assert _event(AuditAction.REGISTRATION_SENT, sent).changes == {
        "before": {},
        "after": {
            "rows": len(members),
            "newly_registered": len(members),
            "checksum": sent.checksum,
        },
    }
    reply = ExchangeFile.objects.get(kind="reply")
    answered = _event(AuditAction.BPJS_REPLY_IMPORTED, reply)
    assert answered.changes == {
        "before": {},
        "after": {
            "activated": len(members),
            "rejected": 0,
            "problems": 0,
            "checksum": reply.checksum,
        },
    }
    assert answered.note == "balasan.xlsx"


def test_membership_changed_and_ended(admin_user):
    cycle = fixed_cycle()
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY)
    membership = Membership.objects.order_by("id").first()
    assert membership is not None
    membership_services.change_membership_status(
        actor=admin_user, membership=membership, to=MembershipStatus.REGISTERED, on=TODAY
    )
    assert _event(AuditAction.MEMBERSHIP_CHANGED, membership).changes == {
        "before": {"status": "approved"},
        "after": {"status": "registered", "on": "2023-01-05", "reason": ""},
    }
    membership_services.end_membership(
        actor=admin_user, membership=membership, reason=EndReason.MOVED_AWAY, on=TODAY
    )
    assert _event(AuditAction.MEMBERSHIP_ENDED, membership).changes == {
        "before": {"status": "registered"},
        "after": {
            "status": "ended",
            "on": "2023-01-05",
            "reason": str(EndReason.MOVED_AWAY.label),
            "end_reason": "moved_away",
        },
    }


def test_member_replaced_and_members_carried_over(admin_user):
    cycle, members = _active_cycle(admin_user, waiting=1)
    ended = membership_services.end_membership(
        actor=admin_user, membership=members[0], reason=EndReason.DIED, on=TODAY
    )
    waiting = Placement.objects.get(cycle=cycle, kind=PlacementKind.WAITING)
    replacement = membership_services.approve_replacement(
        actor=admin_user, ended=ended, waiting=waiting, reason="Meninggal", today=TODAY
    )
    replaced = _event(AuditAction.MEMBER_REPLACED, replacement)
    assert replaced.changes == {
        "before": {"placement": waiting.pk, "kind": "waiting"},
        "after": {
            "placement": waiting.pk,
            "kind": "new",
            "replaces_membership": ended.pk,
            "status": "approved",
        },
    }
    assert replaced.note == "Meninggal"
    following = CycleFactory(programme=cycle.programme, year=2024, status=CycleStatus.DRAFT)
    PlacementFactory(cycle=following, rank=1)
    carried = membership_services.carry_over_members(
        actor=admin_user, from_cycle=cycle, to_cycle=following
    )
    assert _event(AuditAction.MEMBERS_CARRIED_OVER, following).changes == {
        "before": {"placements": 1},
        "after": {"placements": 1 + carried, "continuing_from": cycle.pk},
    }


def test_bill_imported_and_payment_recorded(admin_user):
    cycle, members = _active_cycle(admin_user)
    month = date(2023, 1, 1)
    lines = {m.person.nik: 16_800 for m in members}
    first = bill_services.import_bpjs_bill(
        actor=admin_user,
        cycle=cycle,
        month=month,
        content=bill_file(lines, month=month),
        filename="tagihan.xlsx",
    )
    assert _event(AuditAction.BILL_IMPORTED, first).changes["before"] == {}
    again = bill_services.import_bpjs_bill(
        actor=admin_user,
        cycle=cycle,
        month=month,
        content=bill_file(lines, month=month, stated_total=16_800 * len(lines)),
        filename="tagihan-2.xlsx",
    )
    imported = _event(AuditAction.BILL_IMPORTED, again).changes
    assert imported["before"] == {"file_id": first.file_id, "stated_total": None}
    assert imported["after"]["file_id"] == again.file_id
    assert imported["after"]["stated_total"] == 16_800 * len(lines)
    assert imported["after"]["billed_total"] == 16_800 * len(lines)
    payment = bill_services.record_payment(
        actor=admin_user, cycle=cycle, month=month, amount=50_400, paid_on=date(2023, 1, 14)
    )
    assert _event(AuditAction.PAYMENT_RECORDED, payment).changes == {
        "before": {},
        "after": {
            "month": "2023-01-01",
            "amount": 50_400,
            "paid_on": "2023-01-14",
            "reference": "",
        },
    }


def test_claim_recorded_and_updated(admin_user):
    _cycle, members = _active_cycle(admin_user)
    claim = claim_services.record_claim(
        actor=admin_user, membership=members[0], kind=ClaimKind.JKK_MEDICAL, event_on=TODAY
    )
    assert _event(AuditAction.CLAIM_RECORDED, claim).changes == {
        "before": {},
        "after": {
            "kind": ClaimKind.JKK_MEDICAL.value,
            "event_on": "2023-01-05",
            "covered": True,
            "status": ClaimStatus.REPORTED.value,
        },
    }
    claim_services.update_claim(
        actor=admin_user, claim=claim, status=ClaimStatus.PAID, benefit_paid=2_000_000
    )
    assert _event(AuditAction.CLAIM_UPDATED, claim).changes == {
        "before": {"status": ClaimStatus.REPORTED.value, "benefit_paid": None},
        "after": {"status": ClaimStatus.PAID.value, "benefit_paid": 2_000_000},
    }


def test_registration_mapping_saved(admin_user):
    programme = ProgrammeFactory()
    columns = [Column("Nama", Field.NAME), Column("NIK", Field.NIK)]
    mapping = file_services.save_registration_mapping(
        actor=admin_user, programme=programme, columns=columns, sheet_name="Daftar"
    )
    first = _event(AuditAction.MAPPING_SAVED, mapping).changes
    assert first["before"] == {}
    assert first["after"] == {"columns": mapping.columns, "sheet_name": "Daftar"}
    old_columns = mapping.columns
    file_services.save_registration_mapping(
        actor=admin_user, programme=programme, columns=columns[:1], sheet_name="Daftar"
    )
    second = AuditEvent.objects.filter(action=AuditAction.MAPPING_SAVED).latest("id").changes
    assert second["before"] == {"columns": old_columns, "sheet_name": "Daftar"}
    assert len(second["after"]["columns"]) == 1


def test_demo_persons_are_loaded_as_one_event(admin_user):
    call_command("demo_data", "--persons", "30", "--seed", "3", stdout=io.StringIO())
    event = AuditEvent.objects.get(action=AuditAction.PERSONS_LOADED)
    assert event.target_type == Area._meta.label_lower
    assert event.changes == {"before": {}, "after": {"pekerja": 30}}


def test_programme_rules_changed(admin_user):
    programme = ProgrammeFactory()
    before_rules, before_weights = programme.eligibility_rules, programme.score_weights
    programme_services.change_programme_rules(
        actor=admin_user,
        programme=programme,
        eligibility_rules={"active": {}, "age": {"min": 18, "max": 60}},
        score_weights={"low_income": 25},
        effective_on=date(2023, 1, 2),
        reference="Notulen 1/2023",
        today=TODAY,
    )
    assert _event(AuditAction.PROGRAMME_RULES_CHANGED, programme).changes == {
        "before": {
            "aturan_kelayakan": before_rules,
            "bobot_skor": before_weights,
            "berlaku_sejak": None,
            "dasar": "",
        },
        "after": {
            "aturan_kelayakan": {"active": {}, "age": {"min": 18, "max": 60}},
            "bobot_skor": {"low_income": 25},
            "berlaku_sejak": "2023-01-02",
            "dasar": "Notulen 1/2023",
        },
    }


def test_desil_list_imported(admin_user):
    person = PersonFactory()
    outcome = registry_services.import_desil_list(
        actor=admin_user,
        rows=[DesilRow(2, person.nik, "", 3, date(2026, 3, 1))],
        issues=[],
        total_rows=1,
        source="DTSEN Maret 2026",
        filename="desil.xlsx",
        checksum="0" * 64,
    )
    changes = _event(AuditAction.DESIL_IMPORTED, outcome.desil_import).changes
    assert changes["before"] == {"peringkat": 0}
    assert changes["after"]["peringkat"] == 1
    assert changes["after"]["sumber"] == "DTSEN Maret 2026"
    assert changes["after"]["baru"] == 1


# --- field forms --------------------------------------------------------------------------


def test_field_form_registered_deactivated_and_its_submission_staged(admin_user):
    from rentan.imports import field_form_services

    registered = field_form_services.register_field_form(
        actor=admin_user,
        name="Pendataan Medono",
        xform_id="aMedono",
        kelurahan_code="33.75.01.1002",
    )
    form = registered.field_form
    assert _event(AuditAction.FIELD_FORM_REGISTERED, form).changes == {
        "before": {},
        "after": {
            "nama": "Pendataan Medono",
            "kode": "aMedono",
            "kelurahan": "33.75.01.1002",
            "aktif": True,
        },
    }
    receipt = field_form_services.receive_submission(
        field_form=form,
        submission={"_uuid": "u1", "data_pekerja/nik": "3375014501850001"},
        today=TODAY,
    )
    staged = _event(AuditAction.FIELD_SUBMISSION_STAGED, receipt.batch).changes
    assert staged == {
        "before": {"baris": 0},
        "after": {
            "baris": 1,
            "formulir": "aMedono",
            "kiriman": "u1",
            "nomor_baris": 1,
            "status_baris": "error",
            "impor_baru": True,
        },
    }
    field_form_services.deactivate_field_form(actor=admin_user, field_form=form)
    assert _event(AuditAction.FIELD_FORM_DEACTIVATED, form).changes == {
        "before": {"aktif": True},
        "after": {"aktif": False},
    }


# --- complaints ---------------------------------------------------------------------------


def test_complaint_recorded_assigned_moved_decided_followed_up_and_closed(admin_user):
    from rentan.complaints import services as complaint_services
    from rentan.complaints.lifecycle import Decision, FollowUp
    from rentan.complaints.tests.helpers import record

    complaint = record(admin_user, PersonFactory())
    assert _event(AuditAction.COMPLAINT_RECORDED, complaint).changes["after"]["status"] == (
        "diterima"
    )
    complaint_services.assign_complaint(actor=admin_user, complaint=complaint, assignee=admin_user)
    assert _event(AuditAction.COMPLAINT_ASSIGNED, complaint).changes == {
        "before": {"assigned_to": None},
        "after": {"assigned_to": admin_user.pk},
    }
    complaint_services.start_review(actor=admin_user, complaint=complaint)
    assert _event(AuditAction.COMPLAINT_MOVED, complaint).changes == {
        "before": {"status": "diterima"},
        "after": {"status": "ditinjau"},
    }
    complaint_services.decide_complaint(
        actor=admin_user,
        complaint=complaint,
        decision=Decision.UPHELD,
        reason="Data benar.",
        on=date(2026, 11, 27),
    )
    assert _event(AuditAction.COMPLAINT_DECIDED, complaint).changes == {
        "before": {"status": "ditinjau", "decision": ""},
        "after": {
            "status": "diputus",
            "decision": "dikabulkan",
            "decided_on": "2026-11-27",
            "recheck": "",
        },
    }
    complaint_services.record_follow_up(
        actor=admin_user, complaint=complaint, follow_up=FollowUp.RECHECKED
    )
    assert _event(AuditAction.COMPLAINT_FOLLOWED_UP, complaint).changes == {
        "before": {"follow_up": ""},
        "after": {"follow_up": "diperiksa_ulang"},
    }
    complaint_services.close_complaint(actor=admin_user, complaint=complaint, on=date(2026, 12, 1))
    assert _event(AuditAction.COMPLAINT_CLOSED, complaint).changes == {
        "before": {"status": "diputus"},
        "after": {"status": "selesai", "closed_on": "2026-12-01"},
    }


def test_complaint_deadline_set(admin_user):
    from rentan.complaints import services as complaint_services
    from rentan.complaints.lifecycle import Category

    deadline = complaint_services.set_deadline(
        actor=admin_user, category=Category.CLAIM, days=5, effective_on=date(2026, 12, 1)
    )
    assert _event(AuditAction.COMPLAINT_DEADLINE_SET, deadline).changes == {
        "before": {"category": "klaim", "days": 14},
        "after": {"category": "klaim", "days": 5, "effective_on": "2026-12-01"},
    }


def test_api_token_created_and_revoked(admin_user):
    from rentan.api import services as token_services

    created = token_services.create_api_token(
        actor=admin_user, user=admin_user, name="dasbor", days=30
    )
    token = created.token
    facts = {
        "user": admin_user.username,
        "name": "dasbor",
        "prefix": token.prefix,
        "expires_at": token.expires_at.isoformat(),
        "revoked_at": None,
    }
    assert _event(AuditAction.API_TOKEN_CREATED, token).changes == {"before": {}, "after": facts}
    token_services.revoke_api_token(actor=admin_user, token=token)
    token.refresh_from_db()
    assert _event(AuditAction.API_TOKEN_REVOKED, token).changes == {
        "before": facts,
        "after": {**facts, "revoked_at": token.revoked_at.isoformat()},
    }
    # The secret is in neither payload.
    secret = created.text.split("_", 2)[2]
    assert secret not in str(list(AuditEvent.objects.values_list("changes", flat=True)))
