"""Browser fixtures: Debian's Chromium driven by Playwright for Python against the app as
production runs it: gunicorn, DJANGO_DEBUG off, static files collected and served by WhiteNoise
(`app_server`, tests/production.py), on the test database.

`playwright install` cannot download a browser here, so the tests launch the system Chromium
(PPID_CHROMIUM, default /usr/bin/chromium). Without it, or without the `playwright` package,
the tests marked `browser` are skipped, except under CI (PPID_TEST_REQUIRE_SERVICES=true),
where they fail with the reason: the rule of the PostgreSQL and Redis tests in
tests/conftest.py.

Screenshots go to $PPID_TEST_ARTIFACTS/screenshots/<test>/<nn>-<name>.png (default
var/test-artifacts under the repository).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_SERVICES, seed, seed_missing

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PPID_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 375, "height": 740}
TIMEOUT_MS = 15_000


def artefacts_dir() -> Path:
    return Path(os.environ.get("PPID_TEST_ARTIFACTS", REPO / "var" / "test-artifacts"))


def _browser_missing() -> str:
    missing = []
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright package")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(
        CHROMIUM
    ):
        missing.append(f"Chromium ({CHROMIUM})")
    return " and ".join(missing)


def pytest_collection_modifyitems(config, items):
    """Skip the browser tests when Chromium or Playwright is missing, except under CI."""
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    missing = _browser_missing() if browser_items else ""
    if not missing or REQUIRE_SERVICES:
        # Under CI the `browser` fixture fails every test with the reason instead. (A
        # usefixtures mark added here would come too late: pytest has already worked out
        # each test's fixtures when this hook runs.)
        return
    for item in browser_items:
        item.add_marker(pytest.mark.skipif(True, reason=f"needs {missing}"))


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Chromium for the whole run."""
    missing = _browser_missing()
    if missing:  # only reached under CI: elsewhere the tests were skipped at collection
        pytest.fail(f"needs {missing}, and CI requires every service", pytrace=False)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in the main thread; Django's ORM, used by the
    # tests themselves for set-up and checks, would otherwise refuse to run beside it.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        manager.stop()
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def browser_seeded(app_server, settings):
    """The seed bodies, SOPs, officers and registers, committed so the server sees them.

    What the server does runs there (publication on commit, eagerly); what the test does
    itself (tests.helpers) runs eagerly here, into the server's media folder and cache.
    """
    from ppid.celery import app as celery_app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    eager_before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    if seed_missing():  # the run's seed, unless a transactional test before emptied the tables
        seed()
    yield
    celery_app.conf.task_always_eager = eager_before


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_failed = report.failed
    return report


def _folder(node) -> Path:
    return artefacts_dir() / "screenshots" / re.sub(r"[^\w.-]+", "_", node.name)


@pytest.fixture
def new_page(browser, app_server, request) -> Iterator[Callable]:
    """new_page(viewport=...) → a page in a fresh context (its own cookies, so its own user).

    The context asks for Indonesian (Accept-Language: id), as an officer's browser would.
    """
    contexts = []
    violations: list[str] = []

    def make(viewport: dict | None = None):
        context = browser.new_context(
            viewport=viewport or WIDE,
            locale="id-ID",
            timezone_id="Asia/Pontianak",
            base_url=app_server.url,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        # Anything the Content-Security-Policy refused (an inline script or style, htmx's
        # injected styles...): Chromium says so on the console.
        page.on(
            "console",
            lambda message: (
                violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    yield make
    failed = getattr(request.node, "browser_failed", False)
    for n, context in enumerate(contexts):
        if failed:
            # What each page showed when the test failed, beside the test's screenshots.
            folder = _folder(request.node)
            folder.mkdir(parents=True, exist_ok=True)
            for m, open_page in enumerate(context.pages):
                open_page.screenshot(path=str(folder / f"failed-{n}-{m}.png"), full_page=True)
        context.close()
    assert not violations, "the Content-Security-Policy refused:\n" + "\n".join(violations)


@pytest.fixture
def page(new_page):
    """A wide page (1280x900) on the server."""
    return new_page()


@pytest.fixture
def shot(request) -> Callable:
    """shot(page, "name") saves a full-page screenshot as <nn>-<name>.png for this test."""
    folder = _folder(request.node)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 1000))

    def save(page, name: str) -> Path:
        slug = re.sub(r"[^\w.-]+", "-", name)
        path = folder / f"{next(counter):02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


def fill_decree(page) -> None:
    """The signature's confirmation asks for the decree (Keputusan) that sets the list."""
    from django.utils import timezone

    number = page.get_by_label("Nomor keputusan")
    if number.count():
        number.fill("188.4/123/PPID/2026")
        page.get_by_label("Tanggal keputusan").fill(timezone.localdate().isoformat())
