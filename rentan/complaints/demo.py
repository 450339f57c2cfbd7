"""Demo step (settings.RENTAN_DEMO_STEPS): a few complaints about the 2023 selection and the
BPJS cards, in every state, recorded and moved through the real services. The first operator's
kelurahan gets some, so signing in as `operator` shows a list."""

from datetime import date, timedelta
from typing import Any

from rentan.accounts.models import Role, User
from rentan.complaints import services
from rentan.complaints.lifecycle import Category, Channel, Decision, FollowUp, Reporter
from rentan.complaints.models import Complaint
from rentan.programmes.lifecycle import DRAFT
from rentan.programmes.models import Cycle, Placement, PlacementKind
from rentan.registry.models import Person

DEMO_YEAR = 2023


def _new(person: Person, category: str, text: str, on: date, **fields: Any) -> Any:
    return services.NewComplaint(
        channel=fields.pop("channel", Channel.DESK),
        category=category,
        reporter=fields.pop("reporter", Reporter.PERSON),
        text=text,
        received_on=on,
        person=person,
        **fields,
    )


def load(*, out: Any, today: date, **_: Any) -> None:
    if Complaint.objects.exists():
        out.write("Pengaduan demo sudah ada.\n")
        return
    cycle = Cycle.objects.filter(year=DEMO_YEAR).exclude(status=DRAFT).order_by("id").first()
    admin = User.objects.filter(role=Role.ADMIN).order_by("id").first()
    if cycle is None or admin is None:
        out.write("Pengaduan: belum ada periode 2023 yang ditetapkan; langkah ini dilewati.\n")
        return
    verifier = User.objects.filter(role=Role.VERIFIER).order_by("id").first() or admin
    operator = User.objects.filter(role=Role.OPERATOR).order_by("id").first()
    placed = Placement.objects.filter(cycle=cycle).values("person_id")
    left_out = Person.objects.filter(is_active=True).exclude(pk__in=placed)
    if operator is not None and operator.kelurahan_id:
        near = list(left_out.filter(kelurahan_id=operator.kelurahan_id).order_by("pk")[:3])
    else:
        near = []
    others = list(left_out.exclude(pk__in=[p.pk for p in near]).order_by("pk")[:3])
    waiting = (
        Placement.objects.filter(cycle=cycle, kind=PlacementKind.WAITING)
        .select_related("person")
        .order_by("rank")
        .first()
    )
    people = near + others
    if len(people) < 4:
        out.write("Pengaduan: terlalu sedikit pekerja di luar daftar; langkah ini dilewati.\n")
        return

    # Received three weeks ago and never picked up: overdue.
    services.record_complaint(
        actor=operator or admin,
        new=_new(
            people[0],
            Category.NOT_SELECTED,
            "Sudah mendaftar lewat kelurahan tahun 2023 tetapi tidak masuk daftar peserta.",
            today - timedelta(days=21),
            cycle=cycle,
        ),
    )
    # In review, assigned to the verifier, due soon.
    reviewed = services.record_complaint(
        actor=operator or admin,
        new=_new(
            people[1],
            Category.DATA_WRONG,
            "Jenis pekerjaan tercatat salah; sehari-hari bekerja sebagai kuli panggul.",
            today - timedelta(days=12),
            channel=Channel.PHONE,
            reporter_contact="0812-0000-1111",
        ),
    )
    services.assign_complaint(actor=admin, complaint=reviewed, assignee=verifier)
    services.start_review(actor=admin, complaint=reviewed)
    # Decided and rejected, then appealed.
    rejected = services.record_complaint(
        actor=admin,
        new=_new(
            people[2],
            Category.NOT_SELECTED,
            "Merasa lebih rentan daripada tetangga yang terpilih.",
            today - timedelta(days=30),
            cycle=cycle,
        ),
    )
    services.assign_complaint(actor=admin, complaint=rejected, assignee=verifier)
    services.start_review(actor=admin, complaint=rejected)
    rejected = services.decide_complaint(
        actor=verifier,
        complaint=rejected,
        decision=Decision.REJECTED,
        reason="Diperiksa ulang: data dan aturan periode 2023 diterapkan sama untuk semua; "
        "peringkat di bawah batas kuota.",
        on=today - timedelta(days=18),
    )
    services.record_complaint(
        actor=admin,
        new=_new(
            people[2],
            Category.APPEAL,
            "Banding: ada anggota keluarga penyandang disabilitas yang belum tercatat.",
            today - timedelta(days=10),
            channel=Channel.LETTER,
            cycle=cycle,
            appeals=rejected,
        ),
    )
    # An anonymous report about someone on the list, from SP4N-LAPOR!.
    services.record_complaint(
        actor=admin,
        new=_new(
            people[3],
            Category.WRONGLY_SELECTED,
            "Dilaporkan sudah bekerja tetap sebagai karyawan pabrik.",
            today - timedelta(days=4),
            channel=Channel.LAPOR,
            reporter=Reporter.ANONYMOUS,
            lapor_reference="LAPOR-2026-0042",
        ),
    )
    # Upheld: the person was on the waiting list; closed once answered.
    if waiting is not None:
        upheld = services.record_complaint(
            actor=admin,
            new=_new(
                waiting.person,
                Category.NOT_SELECTED,
                "Menanyakan mengapa belum menjadi peserta.",
                today - timedelta(days=40),
                cycle=cycle,
            ),
        )
        services.assign_complaint(actor=admin, complaint=upheld, assignee=verifier)
        services.start_review(actor=admin, complaint=upheld)
        services.decide_complaint(
            actor=verifier,
            complaint=upheld,
            decision=Decision.PARTLY_UPHELD,
            reason="Memenuhi syarat dan ada di daftar cadangan; mendapat tempat bila ada "
            "peserta yang berhenti.",
            on=today - timedelta(days=33),
        )
        services.record_follow_up(
            actor=verifier,
            complaint=upheld,
            follow_up=FollowUp.WAITING_LIST,
            note=f"Peringkat cadangan {waiting.rank}.",
        )
        services.close_complaint(actor=admin, complaint=upheld, on=today - timedelta(days=30))
    out.write(f"Pengaduan demo: {Complaint.objects.count()} dalam berbagai status.\n")
