"""Shared fixtures. Services: tests marked `postgres` or `redis` need those servers; without
them they are skipped, except under CI (PPID_TEST_REQUIRE_SERVICES=true), where they fail."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TransactionTestCase, override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ppid.models import Body

# The production path: collected static files for the session, gunicorn for the tests that
# ask for `app_server` (tests/production.py).
from tests.production import (  # noqa: F401
    app_server,
    collected_static,
    production_servers,
    server_env,
)
from workflow import seed_data

REQUIRE_SERVICES = os.environ.get("PPID_TEST_REQUIRE_SERVICES", "").lower() == "true"


def _replica_alias() -> None:
    """A `replica` database alias as DATABASE_REPLICA_URL would add, a test mirror of the
    default database, so that the read-replica router can be tested (tests/ppid/
    test_replica.py turns the router on; without it nothing reads this alias)."""
    from django.conf import settings
    from django.db import connections

    if "replica" in settings.DATABASES:
        return
    replica = {k: v for k, v in settings.DATABASES["default"].items() if k != "TEST"}
    replica["TEST"] = {"MIRROR": "default"}
    settings.DATABASES["replica"] = replica
    both = connections.configure_settings(
        {"default": settings.DATABASES["default"], **{"replica": replica}}
    )
    connections.settings["replica"] = both["replica"]


_replica_alias()
REDIS_URL = os.environ.get("PPID_TEST_REDIS_URL", "")
DEMO_PASSWORD = "demo-pass-123"


def pytest_collection_modifyitems(config, items):
    on_postgres = connection.vendor == "postgresql"
    for item in items:
        missing = []
        if item.get_closest_marker("postgres") and not on_postgres:
            missing.append("PostgreSQL")
        if item.get_closest_marker("redis") and not REDIS_URL:
            missing.append("Redis")
        if not missing:
            continue
        reason = f"needs {' and '.join(missing)}"
        if REQUIRE_SERVICES:
            item.user_properties.append(("missing_service", reason))
        else:
            item.add_marker(pytest.mark.skipif(True, reason=reason))


def require_command(command: str, package: str) -> str:
    """The path of a program some tests need (a Debian package bin/test installs): without it
    the test is skipped, except under CI, where it fails with the reason, like a missing
    PostgreSQL or Redis."""
    path = shutil.which(command)
    if path is None:
        reason = f"needs {command} (Debian package {package}; bin/test installs it)"
        if REQUIRE_SERVICES:
            pytest.fail(f"{reason}, and CI requires every service", pytrace=False)
        pytest.skip(reason)
    return path


@pytest.fixture(autouse=True)
def _service_missing(request):
    """Under CI a test whose service is missing fails before it runs (set at collection)."""
    reason = dict(request.node.user_properties).get("missing_service")
    if reason:
        pytest.fail(f"{reason}, and CI requires every service", pytrace=False)


@pytest.fixture(scope="session")
def signing_dir(tmp_path_factory):
    """One signing directory for the whole run: seed_demo creates the demo CA and the bodies'
    keys there on its first call and keeps them afterwards (key generation is the slow part)."""
    return tmp_path_factory.mktemp("signing")


@pytest.fixture(scope="session", autouse=True)
def _second_factor_off():
    """PPID_REQUIRE_2FA is off unless a test turns it on with the `settings` fixture
    (tests/ppid/test_2fa.py): most tests sign in with force_login and act as officers without
    a second factor. Session-wide, so module fixtures that sign editions see it too. (Sign in
    with force_login or by posting to /masuk/: django-axes needs the request, which
    client.login() does not pass.)"""
    from django.conf import settings

    saved = settings.PPID_REQUIRE_2FA
    settings.PPID_REQUIRE_2FA = False
    yield
    settings.PPID_REQUIRE_2FA = saved


def isolated_settings(tmp: Path, signing_dir: Path) -> dict:
    """What every test runs with: fast password hashes, private media, the session's signing
    keys, a private in-memory cache, Indonesian. In-process, WhiteNoise finds a static file when
    it is asked for instead of listing every file each time a test client loads the middleware
    (100 ms a client); the production path (gunicorn, tests/production.py) keeps the listing."""
    return {
        "WHITENOISE_AUTOREFRESH": True,
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "MEDIA_ROOT": tmp / "media",
        "PPID_SIGNING_DIR": signing_dir,
        "PPID_SIGNING_TRUST_ROOTS": [],
        "LANGUAGE_CODE": "id",
        "CACHES": {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": str(tmp),
            }
        },
    }


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path, signing_dir):
    for name, value in isolated_settings(tmp_path, signing_dir).items():
        setattr(settings, name, value)


def seed() -> None:
    """The three seed bodies with their SOPs, officers and registers (no editions, no
    requests: tests make their own)."""
    call_command(
        "seed_demo", password=DEMO_PASSWORD, no_editions=True, no_requests=True, stdout=StringIO()
    )


def seed_missing() -> bool:
    return not Body.objects.filter(slug=seed_data.PPID_UTAMA["slug"]).exists()


class SeedSnapshot:
    """The seeded database's rows, copied out once (PostgreSQL COPY, kept in memory) and copied
    back after each transactional test instead of Django's flush: a flush (TRUNCATE, then the
    content types and permissions made again by post_migrate) and a new seed cost about seven
    seconds a test on a busy machine; this, a fraction of one. The database then holds exactly
    what it held before the test, ids included, as a rolled-back `db` test leaves it (the
    sequences go on from where the test left them, as after a flush)."""

    def __init__(self) -> None:
        self.tables: list[str] = []
        self.rows: dict[str, tuple[str, bytes]] = {}

    @staticmethod
    def _columns(cursor, table: str) -> str:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = %s AND is_generated = 'NEVER' "
            "ORDER BY ordinal_position",
            [table],
        )
        return ", ".join(connection.ops.quote_name(name) for (name,) in cursor.fetchall())

    def take(self) -> None:
        self.tables = connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        with connection.cursor() as cursor:
            for table in self.tables:
                columns = self._columns(cursor, table)
                out = BytesIO()
                cursor.copy_expert(
                    f"COPY {connection.ops.quote_name(table)} ({columns}) TO STDOUT", out
                )
                if out.tell():
                    self.rows[table] = (columns, out.getvalue())

    def restore(self) -> None:
        # DELETE, not TRUNCATE: on a few hundred rows it is ten times faster (TRUNCATE makes
        # new files for every table and index). Foreign keys are checked at the commit.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table in self.tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
            for table, (columns, data) in self.rows.items():
                cursor.copy_expert(
                    f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN",
                    BytesIO(data),
                )


_snapshot = SeedSnapshot()


def _restore_seed_after_transactional_test(flush: Callable) -> Callable:
    """TransactionTestCase's teardown (a flush), where the snapshot can stand in for it."""

    def teardown(self) -> None:
        if (
            _snapshot.tables
            and connection.vendor == "postgresql"
            and set(self._databases_names(include_mirrors=False)) <= {"default"}
        ):
            _snapshot.restore()
        else:
            flush(self)

    return teardown


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, signing_dir, tmp_path_factory):
    """The test database with the seed loaded once for the whole run, committed. Every `db`
    test runs in a transaction that is rolled back, so it meets the seed as loaded; a
    transactional test (`transaction=True`, live_server) leaves the tables as the seed had them
    (SeedSnapshot, on PostgreSQL; elsewhere Django's flush empties them and the `seeded`
    fixture loads the seed again for the next one)."""
    tmp = tmp_path_factory.mktemp("seed")
    with django_db_blocker.unblock(), override_settings(**isolated_settings(tmp, signing_dir)):
        seed()
        if connection.vendor == "postgresql":
            _snapshot.take()
    flush = TransactionTestCase._fixture_teardown
    TransactionTestCase._fixture_teardown = _restore_seed_after_transactional_test(flush)
    yield
    TransactionTestCase._fixture_teardown = flush


@pytest.fixture
def seeded(db):
    """The seed bodies with their SOPs, officers and registers (no editions): loaded once per
    run by django_db_setup; loaded again here only after a transactional test emptied the
    tables."""
    if seed_missing():
        seed()


@pytest.fixture(scope="session")
def module_data(django_db_setup, django_db_blocker, signing_dir, tmp_path_factory):
    """`with module_data(): ...` in a module- or class-scoped fixture that builds data its tests
    only read: the data is written in a transaction rolled back when the block ends. Each test
    inside runs in a savepoint of it (the `db` fixture), so what one test writes is undone
    before the next. Only for tests that use `db`, never for transactional ones."""

    @contextmanager
    def data() -> Iterator[None]:
        tmp = tmp_path_factory.mktemp("module-data")
        with (
            django_db_blocker.unblock(),
            override_settings(**isolated_settings(tmp, signing_dir)),
            transaction.atomic(),
        ):
            if seed_missing():
                seed()
            yield
            transaction.set_rollback(True)

    return data


@pytest.fixture
def api():
    """api(username) → an APIClient authenticated with that user's token; api() → anonymous."""

    def make(username: str | None = None) -> APIClient:
        client = APIClient()
        if username:
            from django.contrib.auth import get_user_model

            user = get_user_model().objects.get(username=username)
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def login(client):
    """login(username) → the test client signed in as that user (browser pages)."""

    def as_(username: str):
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(username=username))
        return client

    return as_


@pytest.fixture
def celery_eager():
    """Celery runs its tasks in-process for this test, whatever the environment says."""
    from ppid.celery import app as celery_app

    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved
