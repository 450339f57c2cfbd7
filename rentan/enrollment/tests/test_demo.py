import io
from datetime import date

import pytest

from rentan.enrollment import demo, selectors
from rentan.enrollment.billing import Difference
from rentan.enrollment.models import Bill, Claim, ClaimKind, ExchangeFile, Membership, Payment
from rentan.enrollment.states import EndReason, MembershipStatus
from rentan.programmes.models import Placement
from rentan.testing.factories import make_approved_cycle, make_user

pytestmark = pytest.mark.django_db


def test_demo_step_without_an_approved_cycle_says_so_and_does_nothing():
    out = io.StringIO()
    demo.load(out=out, today=date(2026, 11, 25))
    assert "dilewati" in out.getvalue()
    assert not Membership.objects.exists()
    assert not ExchangeFile.objects.exists()


def test_demo_step_runs_the_approved_cycle_through_the_year():
    make_user("admin")
    cycle = make_approved_cycle(selected=40, waiting=6)
    out = io.StringIO()
    demo.load(out=out, today=date(2026, 11, 25))
    memberships = Membership.objects.filter(cycle=cycle)
    assert memberships.filter(status=MembershipStatus.ACTIVE).count() == 40
    assert memberships.filter(status=MembershipStatus.ENDED).count() == len(demo.ENDINGS)
    assert memberships.filter(end_reason=EndReason.DIED).count() == 1
    assert Placement.objects.filter(cycle=cycle, replaces__isnull=False).count() == len(
        demo.ENDINGS
    )
    assert all(len(kpj) == 11 for kpj in memberships.values_list("kpj_number", flat=True))
    assert Claim.objects.filter(kind=ClaimKind.JKM_DEATH).count() == 1
    assert Claim.objects.exclude(kind=ClaimKind.JKM_DEATH).count() == len(demo.JKK_CLAIMS)
    bills = list(Bill.objects.filter(cycle=cycle).order_by("month"))
    assert len(bills) == 12
    assert Payment.objects.filter(cycle=cycle).count() == 12
    results = {b.month.month: selectors.bill_reconciliation(b) for b in bills}
    disagreeing = [m for m, r in results.items() if not r.agrees]
    assert disagreeing == [demo.DISAGREEING_MONTH]
    july = results[demo.DISAGREEING_MONTH]
    assert [d.kind for d in july.differences] == [Difference.BILLED_NOT_ACTIVE]
    assert july.ties_out

    again = io.StringIO()
    demo.load(out=again, today=date(2026, 11, 25))
    assert "sudah ada" in again.getvalue()
    assert Membership.objects.count() == 44
