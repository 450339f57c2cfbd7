"""Fixtures shared by every test: reference data, one user per role, a browser."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rentan.testing.factories import make_user

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def reference_data(request: pytest.FixtureRequest) -> None:
    """Areas and job types come from migrations; a transactional test flushes them, so put
    back what later tests need (idempotent, one query when nothing is missing)."""
    if not any(
        name in request.fixturenames for name in ("db", "transactional_db", "live_server")
    ) and not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue(
        "db" if "transactional_db" not in request.fixturenames else "transactional_db"
    )
    from rentan.regions.loading import load_areas
    from rentan.regions.models import Area
    from rentan.registry.models import Occupation, OccupationAlias
    from rentan.registry.reference import seed_occupation_aliases, seed_occupations

    if not Area.objects.filter(code="33.75.04.1010").exists():
        load_areas(Area, prefix="33.75")
        load_areas(Area, prefix="33.26")
    if not Occupation.objects.exists():
        seed_occupations(Occupation)
        seed_occupation_aliases(Occupation, OccupationAlias)


@pytest.fixture(autouse=True)
def interface_language() -> Iterator[None]:
    """Every test starts in the interface's own language: a request in English (the
    language switch) leaves English active in its thread, and messages checked later in
    the same worker would come out in it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def admin_user(db: None) -> Any:
    return make_user("admin")


@pytest.fixture
def operator_user(db: None) -> Any:
    return make_user("operator", kelurahan_code="33.75.01.1002")  # Medono


@pytest.fixture
def other_operator_user(db: None) -> Any:
    return make_user("operator", kelurahan_code="33.75.04.1010", username="operator-sokoduwet")


@pytest.fixture
def verifier_user(db: None) -> Any:
    return make_user("verifikator")


@pytest.fixture
def bpjs_user(db: None) -> Any:
    return make_user("bpjs")


@pytest.fixture
def leader_user(db: None) -> Any:
    return make_user("pimpinan")


def _chromium_path() -> str:
    # Debian's `chromium` package, never a browser Playwright downloaded: another `chromium`
    # earlier on PATH may be just that.
    path = os.environ.get("RENTAN_CHROMIUM") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Chromium tidak ditemukan: pasang paket Debian `chromium` (apt-get install).")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; Django's ORM, used by the test
    # itself, must still be allowed here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=_chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.base_url = live_server.url
    yield tab
    context.close()


@pytest.fixture(autouse=True)
def file_caches(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test has its own file caches: PDFs laid out or progress and heartbeats written in
    one test are not found by another (nor by the next run), and a cache filled by other
    tests never culls an entry this test just wrote (a file cache deletes a third of its
    entries at random once it holds 300)."""
    settings.CACHES = {
        **settings.CACHES,
        **{
            name: {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path_factory.mktemp(f"{name}-cache")),
            }
            for name in ("imports", "reports")
        },
    }


@pytest.fixture
def import_media(settings: Any, tmp_path: Path) -> Path:
    """Uploaded import files go to a temporary folder, not var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.fixture(autouse=True)
def programme_reference_data(request: pytest.FixtureRequest, reference_data: None) -> None:
    """The BPU rate table and the UMK rows come from a migration; put them back after a
    transactional test flushed them (one query when nothing is missing)."""
    if not any(
        name in request.fixturenames for name in ("db", "transactional_db", "live_server")
    ) and not request.node.get_closest_marker("django_db"):
        return
    from rentan.programmes.models import MinimumWage, RateTable
    from rentan.programmes.reference import seed_rates_and_wages
    from rentan.regions.models import Area

    if not MinimumWage.objects.exists():
        seed_rates_and_wages(RateTable, MinimumWage, Area)


_DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup"}


def _touches_a_database(item: pytest.Item) -> bool:
    """A test uses a database when it asks for one (a fixture or the django_db mark), when it
    reaches the PostgreSQL cluster itself (a fixture named for it), or when it is skipped on
    one database (so it must run on the other)."""
    names = set(getattr(item, "fixturenames", ()))
    return bool(
        names & _DATABASE_FIXTURES
        or any("postgres" in name for name in names)
        or item.get_closest_marker("django_db")
        or item.get_closest_marker("skipif")
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The second run of the suite (on PostgreSQL) needs only the tests that touch a
    database: a test of plain logic gives the same answer whatever DATABASE_URL says, and has
    already run once."""
    if os.environ.get("RENTAN_TESTS_DATABASE_ONLY") != "1":
        return
    kept = [item for item in items if _touches_a_database(item)]
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept
