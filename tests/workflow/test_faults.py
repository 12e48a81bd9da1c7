"""The faults a small IT team will meet, each on PRIVATE servers started here (never the
machine's shared PostgreSQL and Redis): Redis stopped while an edition is signed, a Celery worker
killed in the middle of rendering, PostgreSQL restarted under the running app.

Each test starts real processes (redis-server, celery worker and beat, PostgreSQL, gunicorn)
and stops them in its fixtures' finalizers, pass or fail.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import psycopg2
import pytest
import redis
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from dip import signing
from dip.models import DocumentStatus, Edition, EditionDocument, Stage
from tests.helpers import DECREE_NUMBER, decree, edition_at
from tests.servers import (
    BIN,
    PostgresCluster,
    Process,
    RedisServer,
    celery_beat,
    celery_worker,
    gunicorn,
    http,
    port_open,
    project_env,
    wait_for,
    worker_ready,
)
from workflow import services
from workflow.models import AuditEntry, Step

pytestmark = [pytest.mark.faults]

User = get_user_model()
DINSOS = "dinsos-p3a-kapuas-hulu"  # … approval (the atasan signs) → publication
KALBAR = "disdukcapil-kalbar"  # collection → verification (the PPID's verify signs) → publication
SWEEP_SECONDS = 2
WEB_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "fault-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "PPID_REQUIRE_2FA": "0",  # the atasan signs with an API token made here
}
VISIBILITY_SECONDS = 4


# --- fixtures: private servers and processes, always stopped ---------------------------------


@pytest.fixture
def redis_server(tmp_path):
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(directory).start()
    yield server
    server.stop()


@pytest.fixture
def processes():
    """start(process) → the process, stopped (SIGTERM, then SIGKILL) at the end of the test."""
    started: list[Process] = []

    def start(process: Process) -> Process:
        started.append(process)
        return process

    yield start
    for process in reversed(started):
        process.stop()


@pytest.fixture
def postgres_cluster():
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


# --- what the tests look at ------------------------------------------------------------------


def sign(edition: Edition) -> Edition:
    """The signing transition of the edition's SOP, by the officer who runs it."""
    name = "sign" if edition.state == Stage.APPROVAL else "verify"
    user = User.objects.get(username=f"{edition.body.slug}.{edition.actor_role}")
    return services.edition_transition(
        edition=edition.pk, name=name, user=user, note="Setuju", **decree()
    )


def state_of(edition: Edition) -> str:
    return Edition.objects.values_list("state", flat=True).get(pk=edition.pk)


def assert_published_once(edition: Edition) -> EditionDocument:
    """Published, with one publish audit row, one closed publication step and one ready,
    validly signed document."""
    edition.refresh_from_db()
    assert edition.state == Stage.PUBLISHED
    assert edition.published_at is not None and edition.published_at >= edition.signed_at
    assert AuditEntry.objects.filter(edition=edition, transition="publish").count() == 1
    steps = Step.objects.filter(edition=edition, stage=Stage.PUBLICATION)
    assert [(s.transition, s.finished_at is not None) for s in steps] == [("publish", True)]
    document = EditionDocument.objects.get(edition=edition)
    assert document.status == DocumentStatus.READY
    assert AuditEntry.objects.filter(edition=edition, action="edition.document_ready").count() == 1
    with document.file.open("rb") as handle:
        verdict = signing.validate_pdf_signature(handle.read(), signing.trust_roots())
    assert verdict["valid"], verdict
    documents_on_disk = list(Path(document.file.path).parent.glob(f"{edition.pk}-*.pdf"))
    assert documents_on_disk == [Path(document.file.path)]
    return document


SWEEP_DONE = re.compile(r"workflow\.tasks\.sweep_unpublished\[[^\]]+\] succeeded")
# The beat could not queue a due task: no connection to the broker, or the send failed.
BEAT_NO_BROKER = re.compile(r"beat: Connection error|Couldn't apply scheduled task")


def sweeps_done(process: Process) -> int:
    return len(SWEEP_DONE.findall(process.tail(200_000)))


def broker_idle(url: str) -> bool:
    """kombu's Redis transport keeps waiting messages in lists (one per queue) and delivered
    ones in the `unacked` hash until they are acknowledged, or restored to their queue after
    the visibility timeout."""
    client = redis.Redis.from_url(url)
    try:
        return client.hlen("unacked") == 0 and not any(client.scan_iter(_type="list"))
    finally:
        client.close()


def beat_broker_errors(beat: Process) -> int:
    return len(BEAT_NO_BROKER.findall(beat.tail(200_000)))


# --- a. Redis stopped while an edition is signed ---------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_redis_down_at_signing_the_signature_commits_and_the_sweep_publishes_once(
    seeded, redis_server, processes, tmp_path
):
    """Production's shape on a private Redis (broker and cache): gunicorn, a worker and beat.
    The atasan signs through the API while Redis is stopped."""
    env = project_env(
        tmp_path / "var",
        REDIS_URL=redis_server.url,
        CELERY_BROKER_URL=redis_server.url,
        PPID_PUBLISH_SWEEP_SECONDS=str(SWEEP_SECONDS),
        **WEB_ENV,
    )
    worker = processes(celery_worker("faults-a", env, tmp_path / "worker.log"))
    beat = processes(celery_beat(env, tmp_path))
    web, port = gunicorn(env, tmp_path / "gunicorn.log")
    processes(web)
    edition = edition_at(DINSOS, Stage.APPROVAL, title="Terbit setelah Redis kembali")
    token, _ = Token.objects.get_or_create(user=User.objects.get(username=f"{DINSOS}.atasan"))
    wait_for(
        lambda: worker_ready(worker) and port_open(port),
        "the worker and gunicorn",
        timeout=60,
        alive=[worker, beat, web],
    )

    redis_server.stop()
    beat_errors = beat_broker_errors(beat)
    started = time.monotonic()
    status, _headers, body = http(
        port,
        "POST",
        f"/api/editions/{edition.pk}/transitions/sign/",
        body=json.dumps(
            {
                "note": "Setuju",
                "decree_number": DECREE_NUMBER,
                "decree_date": decree()["decree_date"].isoformat(),
            }
        ).encode(),
        headers={"Authorization": f"Token {token.key}", "Content-Type": "application/json"},
    )

    # The signature stands: committed, frozen, waiting for publication; queueing failed
    # quietly (logged, not raised) and quickly.
    assert status == 200, body
    assert json.loads(body)["state"] == Stage.PUBLICATION
    assert time.monotonic() - started < 20, "signing waited too long for the dead broker"
    assert f"could not queue publication of edition {edition.pk}" in web.tail(100_000)
    edition.refresh_from_db()
    assert edition.signed_at is not None and edition.signed_by.username == f"{DINSOS}.atasan"
    assert AuditEntry.objects.filter(edition=edition, transition="sign").count() == 1
    # Visitors still get the public site (the page cache on Redis is skipped meanwhile).
    assert http(port, "GET", "/")[0] == 200
    # The outage lasts until the beat, its sweep due, finds the broker gone: nothing moves.
    wait_for(
        lambda: beat_broker_errors(beat) > beat_errors,
        "the beat to meet the outage",
        alive=[worker, beat, web],
    )
    assert state_of(edition) == Stage.PUBLICATION

    redis_server.start()  # same port; empty (no persistence): the queued task was never there

    wait_for(
        lambda: state_of(edition) == Stage.PUBLISHED,
        "the beat sweep to publish the edition",
        alive=[worker, beat],
    )
    # More sweeps run after the publication; none publishes again.
    after = sweeps_done(worker)
    wait_for(lambda: sweeps_done(worker) >= after + 2, "two more sweeps", alive=[worker, beat])
    assert_published_once(edition)
    assert "sweep_unpublished" in beat.tail(100_000)


# --- b. a worker killed in the middle of rendering -------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("killed", ["worker", "pool process"])
def test_worker_killed_while_rendering_the_task_is_redelivered_and_publishes_once(
    killed, seeded, redis_server, processes, celery_conf, tmp_path
):
    """`worker`: the whole worker dies (SIGKILL to its process group, as the OOM killer or a
    lost machine would); the task was never acknowledged (acks_late), so Redis hands it to the
    next worker after the visibility timeout. `pool process`: only the child running the task
    dies; the worker rejects the task back to the queue (reject_on_worker_lost) and runs it
    again in a new child."""
    marker = tmp_path / "rendering.pid"
    env = project_env(
        tmp_path / "var",
        CELERY_BROKER_URL=redis_server.url,
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_SECONDS),
        PPID_TEST_RENDER_DELAY="120",
        PPID_TEST_RENDER_MARKER=str(marker),
    )
    first = processes(
        celery_worker(
            "faults-b1", env, tmp_path / "worker-1.log", pool="prefork", module="tests.slow_worker"
        )
    )
    celery_conf(task_always_eager=False, broker_url=redis_server.url)
    edition = edition_at(KALBAR, Stage.VERIFICATION, title="Dirender ulang")
    wait_for(lambda: worker_ready(first), "the first worker", alive=[first])

    sign(edition)  # on commit: publish_edition queued on the private Redis
    wait_for(
        lambda: marker.exists() and marker.read_text().strip(),
        "the rendering to start",
        alive=[first],
    )
    document = EditionDocument.objects.get(edition=edition)
    assert (document.status, document.attempts) == (DocumentStatus.RENDERING, 1)

    if killed == "worker":
        first.kill()
        assert not first.running()
        second = processes(
            celery_worker(
                "faults-b2",
                env,
                tmp_path / "worker-2.log",
                pool="prefork",
                module="tests.slow_worker",
            )
        )
        alive = [second]
    else:
        os.kill(int(marker.read_text()), 9)
        second, alive = first, [first]

    # Nothing was published by the killed attempt.
    assert state_of(edition) == Stage.PUBLICATION
    assert not AuditEntry.objects.filter(edition=edition, transition="publish").exists()

    wait_for(
        lambda: state_of(edition) == Stage.PUBLISHED,
        "the redelivered task to publish",
        timeout=50,
        alive=alive,
    )
    document = assert_published_once(edition)
    assert document.attempts == 2  # the killed attempt, and the one that finished
    log = second.tail(100_000)
    assert "workflow.tasks.publish_edition" in log and "succeeded" in log
    if killed == "pool process":
        assert "WorkerLostError" in log or "exited with" in log
    # Once the broker holds nothing more to deliver (no message queued, none waiting for its
    # acknowledgement to be redelivered after a visibility timeout), still published once.
    wait_for(lambda: broker_idle(redis_server.url), "the broker to hold nothing more", alive=alive)
    assert_published_once(edition)


# --- c. PostgreSQL restarted under the running app ------------------------------------------


def get(port: int, path: str) -> tuple[int, dict[str, str], str]:
    return http(port, "GET", path)


LEAKS = ("Traceback", "OperationalError", "psycopg2", 'File "/', "DATABASES", "SECRET_KEY")


def test_postgres_restart_requests_fail_cleanly_then_recover_without_restart(
    postgres_cluster, processes, tmp_path
):
    admin = psycopg2.connect(
        host="127.0.0.1", port=postgres_cluster.port, user="postgres", dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("CREATE DATABASE ppid")
    admin.close()
    env = project_env(
        tmp_path / "var",
        DATABASE_URL=postgres_cluster.url("ppid"),
        DATABASE_CONN_MAX_AGE="60",  # persistent connections, as in production
        **WEB_ENV,
    )
    migrate = processes(
        Process(
            "migrate",
            [str(BIN / "python"), "manage.py", "migrate", "--noinput", "-v0"],
            env=env,
            log=tmp_path / "migrate.log",
        )
    )
    assert migrate.popen.wait(timeout=120) == 0, migrate.tail()
    app, port = gunicorn(env, tmp_path / "gunicorn.log")
    processes(app)
    wait_for(lambda: port_open(port), "gunicorn to listen", timeout=60, alive=[app])

    # Searches are never served from the page cache: each one reaches the database.
    assert get(port, "/?q=sebelum")[0] == 200
    home = get(port, "/")  # the home page is kept by the page cache
    assert home[0] == 200
    assert get(port, "/api/public/bodies/")[0] == 200

    # A restart between two requests: the persistent connection is dead; the health check
    # finds it and the next request connects again.
    postgres_cluster.stop()
    postgres_cluster.start()
    assert get(port, "/?q=setelah-restart")[0] == 200

    # While PostgreSQL is down: 503 with Retry-After, a page in Indonesian (JSON for the API),
    # nothing of the error leaks.
    postgres_cluster.stop()
    status, headers, page = get(port, "/?q=saat-mati")
    assert status == 503, page
    assert headers.get("Retry-After") == "10"
    assert "Layanan sementara tidak tersedia" in page
    assert "Basis data sedang tidak dapat dihubungi" in page
    status, headers, body = get(port, "/api/public/bodies/")
    assert status == 503
    assert headers["Content-Type"] == "application/json"
    for leak in LEAKS:
        assert leak not in page and leak not in body, leak
    # Pages the cache holds are still served, without the database.
    assert get(port, "/")[:3:2] == home[:3:2]

    postgres_cluster.start()
    assert get(port, "/?q=pulih")[0] == 200
    assert get(port, "/api/public/bodies/")[0] == 200
    # The same app process served everything: gunicorn never restarted a worker.
    assert app.running()
    assert app.tail(100_000).count("Booting worker") == 1
