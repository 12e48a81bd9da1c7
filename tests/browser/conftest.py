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

axe-core (the npm package, installed by bin/test into tests/browser/node_modules) checks pages
for serious or critical accessibility violations: `axe_violations(page)` for one page, and the
`axe` fixture for a walk: `axe.watch(page)`, then every screenshot (`shot`) and every
`audit(page)` of the walk's helpers runs axe on the page as it stands, and the test fails at its
end listing every page with a violation. axe is evaluated in the page (Playwright's evaluate,
which the page's CSP does not govern), so the pages are checked under their real
Content-Security-Policy.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from collections.abc import Callable, Iterator
from functools import lru_cache
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
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => ["serious", "critical"].includes(v.impact))
    .map((v) => `${v.impact} ${v.id}: ${v.help} [${v.nodes.slice(0, 4)
      .map((n) => n.target.join(" ")).join(" | ")}]`);
}"""
# What makes two visits the same page for axe: the address, who is signed in, the edition's
# stage, and whether a message or a field error is shown.
PAGE_STATE = """() => [
  location.pathname + location.search,
  (document.querySelector(".account summary") || {}).textContent || "",
  [...document.querySelectorAll("h2")].map((h) => h.textContent)
    .filter((t) => t.startsWith("Tahap")).join(),
  !!document.querySelector(".messages, .errorlist, [aria-invalid=true]"),
].join("|")"""
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 375, "height": 740}
TIMEOUT_MS = 15_000


def axe_source() -> str:
    if not AXE.exists():
        reason = f"axe-core is missing ({AXE}): bin/test installs it (npm ci in tests/browser)"
        if REQUIRE_SERVICES:
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return _axe_text()


@lru_cache(maxsize=1)
def _axe_text() -> str:
    return AXE.read_text()


def axe_violations(page, *, settle: bool = True) -> list[str]:
    """axe-core's serious and critical violations on the page as it stands now (`settle`: once
    the network has been idle for half a second, for a page just opened)."""
    if settle:
        page.wait_for_load_state("networkidle")
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(axe_source())
    return page.evaluate(RUN_AXE)


class AxeWalk:
    """axe-core over every page a walk shows: `watch(page)`, then `audit(page)` (which the
    `shot` fixture and the walks' helpers call) checks each distinct page once; the test fails
    at its end naming every page with a serious or critical violation."""

    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}
        self.checked: list[str] = []
        self._pages: list = []

    def watch(self, page) -> None:
        axe_source()  # skipped (or failed under CI) now, not at the walk's end
        self._pages.append(page)
        _watched[id(page)] = self

    def check(self, page) -> None:
        state = page.evaluate(PAGE_STATE)
        if state in self.checked:
            return
        self.checked.append(state)
        # A walk's page is checked where the walk waited for what it shows.
        if violations := axe_violations(page, settle=False):
            self.found[state] = violations

    def release(self) -> None:
        for page in self._pages:
            _watched.pop(id(page), None)


_watched: dict[int, AxeWalk] = {}


def audit(page) -> None:
    """Check the page with axe-core if a walk watches it (the `axe` fixture); else nothing."""
    if walk := _watched.get(id(page)):
        walk.check(page)


@pytest.fixture
def axe(request) -> Iterator[AxeWalk]:
    walk = AxeWalk()
    yield walk
    walk.release()
    if walk.checked:  # which pages axe checked, beside the test's screenshots
        folder = _folder(request.node)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "axe-pages.txt").write_text("\n".join(walk.checked) + "\n")
    assert walk.checked or not walk._pages, "axe checked no page"
    assert not walk.found, "axe found serious or critical violations:\n" + "\n".join(
        f"{state}\n  " + "\n  ".join(violations) for state, violations in walk.found.items()
    )


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
        audit(page)  # and axe-core, when a walk watches the page (`axe`)
        return path

    return save


def fill_decree(page) -> None:
    """The signature's confirmation asks for the decree (Keputusan) that sets the list."""
    from django.utils import timezone

    number = page.get_by_label("Nomor keputusan")
    if number.count():
        number.fill("188.4/123/PPID/2026")
        page.get_by_label("Tanggal keputusan").fill(timezone.localdate().isoformat())
