"""Builders shared by the enrollment tests: fixed people, and the branch's files."""

from datetime import date

from rentan.enrollment.bpjs_files import BillRow, ReplyOutcome, ReplyRow, write_bill, write_reply
from rentan.registry.nik import Sex, compose_nik
from rentan.testing.factories import (
    CycleFactory,
    PersonFactory,
    PlacementFactory,
    RateTableFactory,
)

FIXED_PEOPLE = [
    # name, birth date, sex, phone, street, rt, rw, mother's maiden name
    (
        "Slamet Riyadi",
        date(1975, 3, 14),
        Sex.MALE,
        "081234567801",
        "Jl. Hayam Wuruk 12",
        "001",
        "002",
        "Sumiyati",
    ),
    (
        "Siti Aminah",
        date(1982, 11, 2),
        Sex.FEMALE,
        "081234567802",
        "Gg. Melati 3",
        "004",
        "001",
        "Khotijah",
    ),
    ("Bambang Sutrisno", date(1968, 7, 30), Sex.MALE, "", "Jl. Dr. Sutomo 40", "", "", "Tumini"),
]


def fixed_cycle(*, waiting: int = 0):
    """An approved 2023 cycle with three people whose NIKs never change between runs."""
    RateTableFactory()
    cycle = CycleFactory()
    for rank, (name, born, sex, phone, street, rt, rw, mother) in enumerate(FIXED_PEOPLE, start=1):
        person = PersonFactory(
            name=name,
            mother_name=mother,
            birth_date=born,
            sex=sex,
            phone=phone,
            street_address=street,
            rt=rt,
            rw=rw,
            nik=compose_nik(district_code="33.75.01", birth_date=born, sex=sex, serial=rank),
        )
        PlacementFactory(cycle=cycle, person=person, rank=rank, kind="new")
    for rank in range(len(FIXED_PEOPLE) + 1, len(FIXED_PEOPLE) + waiting + 1):
        PlacementFactory(cycle=cycle, rank=rank, kind="waiting")
    return cycle


def accepted(nik: str, kpj: str, start_on: date = date(2023, 1, 1)) -> ReplyRow:
    return ReplyRow(0, nik, ReplyOutcome.ACCEPTED, kpj_number=kpj, start_on=start_on)


def rejected(nik: str, reason: str) -> ReplyRow:
    return ReplyRow(0, nik, ReplyOutcome.REJECTED, reason=reason)


def reply_file(*rows: ReplyRow) -> bytes:
    return write_reply(rows)


def bill_file(lines: dict[str, int], *, month: date, stated_total: int | None = None) -> bytes:
    rows = [BillRow(0, nik, "", "", amount) for nik, amount in lines.items()]
    return write_bill(rows, month=month, stated_total=stated_total)
