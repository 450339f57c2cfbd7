"""End to end in Debian's Chromium: the admin finds who saw a person's data on the Audit page,
on a phone and on a desk screen."""

import pytest

from rentan.testing.browser import sign_in
from rentan.testing.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1280])
def test_admin_finds_who_saw_a_person_on_the_audit_page(
    page, admin_user, verifier_user, tmp_path, width
):
    person = PersonFactory(name="Siti Aminah")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, verifier_user.username)
    page.goto(f"{page.base_url}/pekerja/{person.pk}/")
    page.get_by_role("heading", name="Siti Aminah").wait_for()
    page.context.clear_cookies()

    sign_in(page, admin_user.username)
    page.get_by_role("link", name="Audit", exact=True).click()
    page.get_by_label("Pekerja (NIK atau ID)").fill(person.nik)
    page.get_by_role("button", name="Saring").click()
    rows = page.get_by_test_id("audit-row")
    rows.first.wait_for()
    assert rows.count() == 1
    assert verifier_user.display_name in rows.first.inner_text()
    assert person.nik not in page.locator("main").inner_text()
    page.screenshot(path=str(tmp_path / f"audit-{width}.png"), full_page=True)
