"""Steps that browser tests share."""

from pathlib import Path
from typing import Any

from rentan.testing.factories import TEST_PASSWORD


def sign_in(page: Any, username: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the login page, as a person would."""
    page.goto(page.base_url + "/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


# Screenshots of each role's main pages are kept after the run, for a person to look at;
# `var/` is ignored by git.
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def keep_screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as `var/screenshots/<name>-<width>.png` and return its path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}-{page.viewport_size['width']}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def horizontal_overflow(page: Any) -> int:
    """How many pixels the page is wider than the window (0 when nothing sticks out).

    Measured once the page has loaded: right after a click on a link the next page may still
    be arriving, with no document to measure yet.
    """
    page.wait_for_load_state("load")
    overflow = page.wait_for_function(
        """() => {
            const root = document.documentElement;
            if (document.readyState !== "complete" || root === null || document.body === null) {
                return null;
            }
            return String(root.scrollWidth - root.clientWidth);
        }"""
    )
    return int(overflow.json_value())
