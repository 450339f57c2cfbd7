"""Steps that browser tests share."""

from typing import Any

from rentan.testing.factories import TEST_PASSWORD


def sign_in(page: Any, username: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the login page, as a person would."""
    page.goto(page.base_url + "/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
