"""The branch's monthly bill, and the payments made on it."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from rentan.core.audit import record_change
from rentan.core.models import AuditAction
from rentan.enrollment import billing, bpjs_files, selectors
from rentan.enrollment.bpjs_files import (
    Problem,
)
from rentan.enrollment.models import (
    Bill,
    BillLine,
    ExchangeFile,
    ExchangeKind,
    Payment,
)
from rentan.enrollment.services import BATCH, EnrollmentRefused, actor_or_none
from rentan.programmes.models import (
    Cycle,
)
from rentan.registry.nik import mask_nik


class BillRejected(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems[:5]))
        self.problems = problems


@transaction.atomic
def import_bpjs_bill(
    *, actor: Any, cycle: Cycle, month: date, content: bytes, filename: str
) -> Bill:
    """Store the branch's bill for a month (replacing an earlier import of the same month).
    A row that cannot be read rejects the whole file; nothing is stored."""
    month = billing.month_start(month)
    months = billing.cycle_months(cycle.coverage_start_on, cycle.coverage_months)
    if month not in months:
        raise EnrollmentRefused(
            _("Bulan %(month)s di luar masa perlindungan periode %(cycle)s.")
            % {"month": f"{month:%m-%Y}", "cycle": cycle}
        )
    parsed = bpjs_files.parse_bill(content)
    if parsed.problems:
        raise BillRejected(parsed.problems)
    exchange = ExchangeFile.objects.create(
        kind=ExchangeKind.BILL,
        cycle=cycle,
        filename=filename,
        checksum=bpjs_files.checksum(content),
        rows=len(parsed.rows),
        results=[{"row": r.row, "nik": mask_nik(r.nik), "amount": r.amount} for r in parsed.rows],
        summary={"month": month.isoformat(), "stated_total": parsed.stated_total},
        created_by=actor_or_none(actor),
    )
    replaced = Bill.objects.filter(cycle=cycle, month=month).values("file_id", "stated_total")
    before = dict(replaced.first() or {})
    Bill.objects.filter(cycle=cycle, month=month).delete()
    bill = Bill.objects.create(
        cycle=cycle, month=month, stated_total=parsed.stated_total, file=exchange
    )
    BillLine.objects.bulk_create(
        [
            BillLine(
                bill=bill,
                nik=r.nik,
                kpj_number=r.kpj_number[:11],
                name=r.name[:150],
                amount=r.amount,
            )
            for r in parsed.rows
        ],
        batch_size=BATCH,
    )
    reconciliation = selectors.bill_reconciliation(bill)
    exchange.summary |= {
        "billed_total": reconciliation.billed_total,
        "expected_total": reconciliation.expected_total,
        "differences": len(reconciliation.differences),
        "ties_out": reconciliation.ties_out,
    }
    exchange.save(update_fields=["summary"])
    record_change(
        actor=actor,
        action=AuditAction.BILL_IMPORTED,
        target=bill,
        before=before,
        after={**exchange.summary, "file_id": exchange.pk},
        note=filename,
    )
    return bill


@transaction.atomic
def record_payment(
    *, actor: Any, cycle: Cycle, month: date, amount: int, paid_on: date, reference: str = ""
) -> Payment:
    month = billing.month_start(month)
    if Payment.objects.filter(cycle=cycle, month=month).exists():
        raise EnrollmentRefused(
            _("Iuran bulan %(month)s sudah tercatat dibayar.") % {"month": f"{month:%m-%Y}"}
        )
    payment = Payment.objects.create(
        cycle=cycle,
        month=month,
        amount=amount,
        paid_on=paid_on,
        reference=reference,
        marked_by=actor_or_none(actor),
    )
    record_change(
        actor=actor,
        action=AuditAction.PAYMENT_RECORDED,
        target=payment,
        before={},
        after={
            "month": month.isoformat(),
            "amount": amount,
            "paid_on": paid_on.isoformat(),
            "reference": reference,
        },
    )
    return payment
