"""Demo step: the approved 2023 cycle running with BPJS Ketenagakerjaan.

Runs after the selection step. Everything goes through the real services and files: the
registration file is exported, the branch's reply is written as the branch would and
imported, members end and are replaced from the waiting list, claims are recorded, and
twelve monthly bills are imported and reconciled (one of them disagrees: the branch still
bills a member who moved away, and the reconciliation shows it).
"""

from datetime import date, timedelta
from typing import Any

from rentan.accounts.models import Role, User
from rentan.enrollment import billing, selectors
from rentan.enrollment.bpjs_files import BillRow, ReplyOutcome, ReplyRow, write_bill, write_reply
from rentan.enrollment.models import ClaimKind, ClaimStatus, Membership
from rentan.enrollment.services import bills as bill_services
from rentan.enrollment.services import claims as claim_services
from rentan.enrollment.services import exchange_files as file_services
from rentan.enrollment.services import memberships as membership_services
from rentan.enrollment.states import EndReason, MembershipStatus

DEMO_YEAR = 2023
# (place in the NIK-sorted roster as a fraction, reason, day the membership ends)
ENDINGS = [
    (0.075, EndReason.MOVED_AWAY, date(2023, 3, 20)),
    (0.3, EndReason.DIED, date(2023, 5, 14)),
    (0.45, EndReason.FORMAL_WORK, date(2023, 6, 30)),
    (0.65, EndReason.BY_REQUEST, date(2023, 8, 5)),
]
JKK_CLAIMS = [
    (0.025, ClaimKind.JKK_MEDICAL, date(2023, 4, 11), 3_250_000),
    (0.175, ClaimKind.JKK_TEMPORARY, date(2023, 7, 3), 2_000_000),
    (0.325, ClaimKind.JKK_MEDICAL, date(2023, 10, 21), None),
]
DISAGREEING_MONTH = 7  # the July bill still charges the member who moved away in March


def _kpj(serial: int) -> str:
    return f"23{serial:09d}"


def _answer(actor: Any, exchange_rows: list[tuple[str, date]], first_serial: int, on: date) -> int:
    rows = [
        ReplyRow(0, nik, ReplyOutcome.ACCEPTED, kpj_number=_kpj(first_serial + n), start_on=start)
        for n, (nik, start) in enumerate(exchange_rows)
    ]
    result = file_services.import_bpjs_reply(
        actor=actor, content=write_reply(rows), filename=f"balasan-bpjs-{on:%Y%m%d}.xlsx", today=on
    )
    return result.activated


def load(*, out: Any, today: date) -> None:
    cycle = selectors.enrollment_cycles().filter(year=DEMO_YEAR).order_by("id").first()
    if cycle is None:
        out.write("Kepesertaan: belum ada periode 2023 yang ditetapkan; langkah ini dilewati.\n")
        return
    if Membership.objects.filter(cycle=cycle).exists():
        out.write("Kepesertaan: data kepesertaan 2023 sudah ada; tidak dimuat ulang.\n")
        return
    actor = User.objects.filter(role=Role.ADMIN).order_by("id").first()
    start = cycle.coverage_start_on
    approved_on = start - timedelta(days=14)
    created = membership_services.create_memberships(actor=actor, cycle=cycle, today=approved_on)
    sent_on = start - timedelta(days=10)
    file_services.export_registration(actor=actor, cycle=cycle, today=sent_on)
    waiting = Membership.objects.filter(cycle=cycle, status=MembershipStatus.REGISTERED)
    roster = list(waiting.order_by("person__nik").values_list("person__nik", flat=True))
    serial = 1
    activated = _answer(actor, [(nik, start) for nik in roster], serial, start - timedelta(days=3))
    serial += len(roster)

    members = list(
        Membership.objects.filter(cycle=cycle, status=MembershipStatus.ACTIVE)
        .select_related("cycle")
        .order_by("person__nik")
    )
    moved_away_nik = ""
    for fraction, reason, on in ENDINGS:
        member = members[int(fraction * len(members))]
        if reason == EndReason.DIED:
            claim = claim_services.record_claim(
                actor=actor, membership=member, kind=ClaimKind.JKM_DEATH, event_on=on
            )
            claim_services.update_claim(
                actor=actor, claim=claim, status=ClaimStatus.PAID, benefit_paid=42_000_000
            )
        else:
            membership_services.end_membership(actor=actor, membership=member, reason=reason, on=on)
        if reason == EndReason.MOVED_AWAY:
            moved_away_nik = member.person.nik
        for ended, proposed in selectors.replacement_proposals(cycle):
            if proposed is None:
                continue
            replacement = membership_services.approve_replacement(
                actor=actor,
                ended=ended,
                waiting=proposed,
                reason=f"Pengganti dari daftar cadangan (peringkat {proposed.rank})",
                today=on + timedelta(days=7),
            )
            file_services.export_registration(
                actor=actor,
                cycle=cycle,
                today=on + timedelta(days=8),
                membership_ids=[replacement.pk],
            )
            replacement.refresh_from_db()
            activated += _answer(
                actor,
                [(proposed.person.nik, replacement.requested_start_on)],
                serial,
                on + timedelta(days=12),
            )
            serial += 1

    active = list(
        Membership.objects.filter(cycle=cycle, status=MembershipStatus.ACTIVE).order_by(
            "person__nik"
        )
    )
    for fraction, kind, on, paid in JKK_CLAIMS:
        claim = claim_services.record_claim(
            actor=actor,
            membership=active[int(fraction * len(active))],
            kind=kind,
            event_on=on,
            note="Kecelakaan saat bekerja (data demo)",
        )
        if paid is not None:
            claim_services.update_claim(
                actor=actor, claim=claim, status=ClaimStatus.PAID, benefit_paid=paid
            )

    bills = selectors.expected_bills(cycle)
    names = {c.nik: (c.kpj_number, c.name) for c in selectors.cycle_covers(cycle)}
    for expected in bills:
        lines = dict(expected.lines)
        if expected.month.month == DISAGREEING_MONTH and moved_away_nik:
            lines[moved_away_nik] = expected.premium
        rows = [BillRow(0, nik, *names[nik], amount) for nik, amount in sorted(lines.items())]
        total = sum(lines.values())
        bill_services.import_bpjs_bill(
            actor=actor,
            cycle=cycle,
            month=expected.month,
            content=write_bill(rows, month=expected.month, stated_total=total),
            filename=f"tagihan-{expected.month:%Y-%m}.xlsx",
        )
        if expected.month <= today:
            bill_services.record_payment(
                actor=actor,
                cycle=cycle,
                month=expected.month,
                amount=total,
                paid_on=expected.month.replace(day=10),
                reference=f"SP2D/{expected.month:%Y%m}/DEMO",
            )
    out.write(
        f"Kepesertaan {cycle}: {created} ditetapkan, {activated} diaktifkan BPJS, "
        f"{len(ENDINGS)} berhenti dan diganti, {len(bills)} tagihan bulanan "
        f"(total {billing.month_start(start):%m-%Y} s.d. {bills[-1].month:%m-%Y}).\n"
    )
