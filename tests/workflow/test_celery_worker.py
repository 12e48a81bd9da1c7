"""Publication through a real Celery worker process on Redis, and signing while the broker is
down (the signature stands; the sweep publishes later, once)."""

from __future__ import annotations

import logging
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from dip import services as dip_services
from dip.models import Edition, EditionRow, Stage
from tests.conftest import REDIS_URL
from tests.helpers import decree, edition_at
from tests.servers import celery_worker, project_env
from workflow import services, tasks
from workflow.models import AuditEntry, Step

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

User = get_user_model()
ROOT = Path(settings.BASE_DIR)
CELERY_BIN = Path(sys.executable).with_name("celery")
DINSOS = "dinsos-p3a-kapuas-hulu"  # … verification → approval (atasan signs) → publication
KUBU_RAYA = "disdukcapil-kubu-raya"  # … consideration → approval (atasan signs) → publication
CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


def sign(edition: Edition) -> Edition:
    assert edition.state == Stage.APPROVAL
    atasan = User.objects.get(username=f"{edition.body.slug}.atasan")
    return services.edition_transition(
        edition=edition.pk, name="sign", user=atasan, note="Setuju", **decree()
    )


def publish_rows(edition: Edition):
    return AuditEntry.objects.filter(edition=edition, transition="publish")


@pytest.fixture
def queue_name():
    name = f"ppid-test-{uuid.uuid4().hex[:12]}"
    yield name
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.delete(name, *client.keys(f"*{name}*"))
    client.close()


@pytest.fixture
def worker(tmp_path, queue_name):
    """A real worker process on the pytest database and the Redis test broker."""
    env = project_env(tmp_path / "var", CELERY_BROKER_URL=REDIS_URL)
    process = celery_worker(queue_name, env, tmp_path / "worker.log", queue=queue_name)
    try:
        yield process
    finally:
        process.stop()


def worker_log(process) -> str:
    return process.tail()


def wait_for(predicate, process, what: str, timeout: float = 45.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert process.running(), f"the worker died:\n{worker_log(process)}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{worker_log(process)}"
        time.sleep(0.25)


def test_signing_queues_publication_and_a_real_worker_publishes_once(
    seeded, celery_conf, queue_name, worker, caplog
):
    celery_conf(
        task_always_eager=False,
        broker_url=REDIS_URL,
        broker_transport_options={"visibility_timeout": 3600},
        task_default_queue=queue_name,
    )
    edition = edition_at(DINSOS, Stage.APPROVAL, title="Terbit")

    with caplog.at_level(logging.ERROR, logger="workflow.tasks"):
        signed = sign(edition)  # commits; on commit the signal queues publish_edition on Redis
    assert "could not queue publication" not in caplog.text
    assert signed.state == Stage.PUBLICATION

    def published() -> bool:
        return Edition.objects.get(pk=edition.pk).state == Stage.PUBLISHED

    wait_for(published, worker, "the worker to publish the edition")
    edition.refresh_from_db()
    assert edition.published_at is not None and edition.published_at >= edition.signed_at
    rows = list(publish_rows(edition))
    assert len(rows) == 1
    assert (rows[0].from_state, rows[0].to_state, rows[0].actor) == (
        Stage.PUBLICATION,
        Stage.PUBLISHED,
        None,
    )
    assert Step.objects.filter(edition=edition, finished_at=None).count() == 0
    assert Step.objects.get(edition=edition, stage=Stage.PUBLICATION).transition == "publish"

    # A duplicate delivery (a retried or re-queued task) publishes nothing more.
    published_at = edition.published_at
    duplicate = tasks.publish_edition.delay(edition.pk)
    wait_for(
        lambda: f"[{duplicate.id}] succeeded" in worker.log.read_text(errors="replace"),
        worker,
        "the duplicate task to finish",
    )
    edition.refresh_from_db()
    assert edition.published_at == published_at
    assert publish_rows(edition).count() == 1
    assert "workflow.tasks.publish_edition" in worker_log(worker)


def test_signing_with_the_broker_down_commits_and_the_sweep_publishes_once(
    seeded, celery_conf, caplog
):
    celery_conf(task_always_eager=False, broker_url=CLOSED_PORT_BROKER)
    edition = edition_at(KUBU_RAYA, Stage.APPROVAL, title="Terbit")
    entries = edition.entries.count()
    assert entries > 0

    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="workflow.tasks"):
        signed = sign(edition)
    assert time.monotonic() - started < 30, "signing waited too long for a dead broker"
    assert "could not queue publication" in caplog.text

    # The signature stands: committed, signed, frozen, waiting for publication.
    edition.refresh_from_db()
    assert signed.state == edition.state == Stage.PUBLICATION
    assert edition.signed_at is not None
    assert edition.signed_by.username == f"{KUBU_RAYA}.atasan"
    assert edition.published_at is None
    sign_rows = AuditEntry.objects.filter(edition=edition, transition="sign")
    assert sign_rows.count() == 1
    rows = list(EditionRow.objects.filter(edition=edition).order_by("number"))
    assert len(rows) == entries
    open_step = Step.objects.get(edition=edition, finished_at=None)
    assert (open_step.stage, open_step.role) == (Stage.PUBLICATION, "system")
    assert publish_rows(edition).count() == 0

    # Later edits of an item never change the signed rows.
    item = dip_services.item_update(
        item=rows[0].item,
        user=User.objects.get(username=f"{KUBU_RAYA}.operator"),
        title="Judul diubah setelah ditandatangani",
    )
    assert item.title == "Judul diubah setelah ditandatangani"
    assert EditionRow.objects.get(pk=rows[0].pk).title == rows[0].title != item.title

    # The broker is back (here: eager); the periodic sweep finds the edition and publishes it.
    celery_conf(task_always_eager=True)
    assert tasks.sweep_unpublished.delay().get() == 1
    edition.refresh_from_db()
    assert edition.state == Stage.PUBLISHED
    published_at = edition.published_at
    assert published_at is not None
    assert publish_rows(edition).count() == 1

    # Publishing again, by any path, is a no-op.
    assert tasks.sweep_unpublished() == 0
    assert tasks.publish_edition(edition.pk) == Stage.PUBLISHED
    assert tasks.publish_edition.delay(edition.pk).get() == Stage.PUBLISHED
    services.edition_publish(edition_id=edition.pk)
    edition.refresh_from_db()
    assert edition.published_at == published_at
    assert publish_rows(edition).count() == 1
    assert EditionRow.objects.filter(edition=edition).count() == entries


def test_publish_called_twice_publishes_once(seeded, celery_conf):
    celery_conf(task_always_eager=False, broker_url=CLOSED_PORT_BROKER)
    edition = edition_at(DINSOS, Stage.APPROVAL, title="Terbit")
    sign(edition)
    assert Edition.objects.get(pk=edition.pk).state == Stage.PUBLICATION

    first = tasks.publish_edition(edition.pk)
    second = tasks.publish_edition(edition.pk)

    assert (first, second) == (Stage.PUBLISHED, Stage.PUBLISHED)
    assert publish_rows(edition).count() == 1
    assert Step.objects.filter(edition=edition, stage=Stage.PUBLICATION).count() == 1
    assert tasks.publish_edition(999_999) is None  # a vanished edition is not an error
