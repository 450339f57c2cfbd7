"""End to end on a phone, as the admin Dinas: a worker on the allocated list turns out to be
paid for by another employer; the admin leaves them out from their explanation, confirms,
allocates again, and the explanation names who decided, when and why."""

import pytest

from rentan.programmes import services
from rentan.programmes.models import Placement
from rentan.programmes.tests.conftest import VERIFIED, make_cycle
from rentan.testing.browser import horizontal_overflow, keep_screenshot, sign_in
from rentan.testing.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_leaves_a_worker_out_and_the_reallocation_keeps_them_out(page, programme, admin_user):
    budi = PersonFactory(verified_at=VERIFIED, monthly_income=300_000, name="Budi Santoso")
    PersonFactory(verified_at=VERIFIED, monthly_income=900_000, name="Agus Salim")
    cycle = make_cycle(programme, target=1)
    services.allocate_cycle(actor=admin_user, cycle=cycle)

    sign_in(page, admin_user.username)
    page.goto(f"{page.base_url}/program/uji/2023/pekerja/{budi.pk}/")
    form = page.get_by_test_id("exclude-form")
    form.get_by_label("Kecualikan dari periode ini, dengan alasan").fill(
        "Sudah menerima dari pemberi kerja lain"
    )
    form.get_by_role("button", name="Kecualikan").click()
    page.get_by_test_id("confirm-effects").wait_for()
    keep_screenshot(page, "admin-hand-exclusion-confirm")
    page.get_by_test_id("confirm-yes").click()
    decisions = page.get_by_test_id("hand-decisions")
    assert "Sudah menerima dari pemberi kerja lain" in decisions.inner_text()

    page.goto(f"{page.base_url}/program/uji/2023/")
    page.get_by_test_id("allocate").click()
    page.get_by_test_id("confirm-yes").click()
    page.get_by_test_id("allocate").wait_for()
    assert not Placement.objects.filter(cycle=cycle, person=budi).exists()

    page.goto(f"{page.base_url}/program/uji/2023/pekerja/{budi.pk}/")
    rules = page.get_by_test_id("rules").inner_text()
    assert "Dikecualikan oleh" in rules
    assert "Sudah menerima dari pemberi kerja lain" in rules
    keep_screenshot(page, "admin-hand-exclusion")
    assert horizontal_overflow(page) == 0
