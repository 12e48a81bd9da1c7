"""The production path in the tests (a pytest plugin, loaded by tests/conftest.py).

- `collected_static` (session, automatic): with DJANGO_DEBUG off, {% static %} needs the
  manifest that `collectstatic` writes, as in production. The session collects once, with the
  production storage (hashed names, gzip and Brotli copies), into var/test-static/<fingerprint>/
  and points STATIC_ROOT there. The fingerprint covers every source file (name, size, mtime)
  and the storage settings, so a later session reuses the folder until a static file changes
  (compressing the Swagger UI bundle takes most of half a minute).
- `app_server` (per test): gunicorn with the production settings (tests/production_settings.py:
  DJANGO_DEBUG off, a strong secret key, the collected static files served by WhiteNoise) on
  the test database. One per session, started on first use (one more for a test that overrides
  `server_env`); tests that use it commit their data (transactional_db). Each test starts with
  an empty cache: the test process uses the server's file cache as its own, as the web and the
  worker share one in production.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

STATIC_CACHE = Path(settings.BASE_DIR) / "var" / "test-static"
STALE_AFTER_SECONDS = 24 * 3600


# --- collected static files -----------------------------------------------------------------


def static_fingerprint() -> str:
    """Changes when a file collectstatic would copy, or the way it stores them, changes."""
    digest = hashlib.sha256(
        repr(
            (
                settings.STORAGES["staticfiles"],
                getattr(settings, "WHITENOISE_SKIP_COMPRESS_EXTENSIONS", None),
                version("django"),
                version("whitenoise"),
            )
        ).encode()
    )
    entries = []
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            prefix = getattr(storage, "prefix", None) or ""
            entries.append(f"{prefix}/{path}:{stat.st_size}:{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode() + b"\n")
    return digest.hexdigest()[:16]


def collect_static() -> Path:
    """The folder of this source's collected files, collected now if no session did before.

    Collected into a temporary folder and renamed into place, so a session running beside this
    one never sees a half-written folder."""
    target = STATIC_CACHE / static_fingerprint()
    if (target / "staticfiles.json").exists():
        return target
    STATIC_CACHE.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="tmp-", dir=STATIC_CACHE))
    try:
        with override_settings(STATIC_ROOT=str(work)):
            call_command("collectstatic", interactive=False, verbosity=0)
        os.rename(work, target)
    except OSError:
        if not (target / "staticfiles.json").exists():
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)  # gone after the rename, or another won
    for old in STATIC_CACHE.iterdir():
        if old != target and time.time() - old.stat().st_mtime > STALE_AFTER_SECONDS:
            shutil.rmtree(old, ignore_errors=True)
    return target


@pytest.fixture(scope="session", autouse=True)
def collected_static() -> Iterator[Path]:
    root = collect_static()
    with override_settings(STATIC_ROOT=str(root)):
        yield root


# --- gunicorn ---------------------------------------------------------------------------------


class AppServer:
    """gunicorn serving the test database with the production settings (see the module)."""

    def __init__(self, directory: Path, *, media: Path, signing: Path, extra: dict[str, str]):
        from tests.servers import gunicorn, http, project_env, wait_for

        self.directory = directory
        self.media = media
        self.var = directory / "var"
        self.var.mkdir(parents=True)
        env = project_env(
            self.var,
            **{
                "DJANGO_SETTINGS_MODULE": "tests.production_settings",
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": secrets.token_hex(32),
                "DJANGO_MEDIA_ROOT": str(media),
                "PPID_SIGNING_DIR": str(signing),
                # Publication runs in the server's process, on commit, as a worker would.
                "CELERY_TASK_ALWAYS_EAGER": "1",
                # As in the rest of the suite; test_2fa.py's server turns it on.
                "PPID_REQUIRE_2FA": "0",
                **extra,
            },
        )
        self.log = directory / "gunicorn.log"
        self.process, self.port = gunicorn(env, self.log, app="tests.production_wsgi:application")
        self.url = f"http://127.0.0.1:{self.port}"

        def answers() -> bool:
            try:
                return http(self.port, "GET", "/healthz")[0] == 200
            except OSError:
                return False

        wait_for(answers, "gunicorn to answer", timeout=60, alive=[self.process])

    @property
    def cache_settings(self) -> dict:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(self.var / "cache"),
            }
        }

    def reset(self) -> None:
        """A test's fresh start: an empty cache (throttle counters, stored public pages) and a
        new page-cache generation, which the server reads at its next request, so no page
        stored for an earlier test's data is served again."""
        from ppid.pagecache import GENERATION_KEY

        cache = caches["default"]
        cache.clear()
        cache.set(GENERATION_KEY, time.time_ns(), None)

    def log_position(self) -> int:
        return self.log.stat().st_size

    def log_since(self, position: int) -> str:
        with self.log.open("rb") as log:
            log.seek(position)
            return log.read().decode(errors="replace")

    def stop(self) -> None:
        self.process.stop()


@pytest.fixture(scope="session")
def production_servers(
    django_db_setup, tmp_path_factory, signing_dir, collected_static
) -> Iterator[Callable[..., AppServer]]:
    """servers(**env) → the session's gunicorn for these extra environment variables."""
    started: dict[tuple, AppServer] = {}
    media = tmp_path_factory.mktemp("server-media")

    def server(**extra: str) -> AppServer:
        key = tuple(sorted(extra.items()))
        if key not in started:
            started[key] = AppServer(
                tmp_path_factory.mktemp("gunicorn"), media=media, signing=signing_dir, extra=extra
            )
        return started[key]

    try:
        yield server
    finally:
        for running in started.values():
            running.stop()


@pytest.fixture
def server_env() -> dict[str, str]:
    """Extra environment of the test's server; a module overrides it (test_2fa.py)."""
    return {}


@pytest.fixture
def app_server(production_servers, server_env, transactional_db, settings) -> AppServer:
    """The production server for this test, with the test process sharing its media folder and
    its cache, reset."""
    from tests.conftest import REQUIRE_SERVICES

    if connection.vendor != "postgresql":  # the server must reach the test database
        if REQUIRE_SERVICES:
            pytest.fail("needs PostgreSQL, and CI requires every service", pytrace=False)
        pytest.skip("needs PostgreSQL")
    server = production_servers(**server_env)
    settings.MEDIA_ROOT = server.media
    settings.CACHES = server.cache_settings
    server.reset()
    return server
