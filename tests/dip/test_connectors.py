"""Pushing published editions to aggregators, against a real HTTP server on 127.0.0.1.

The server records every request and answers what the test tells it to (200, 500 then 200,
400, ...). Celery runs eagerly; with `eager_retries` a retried task runs its retries at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from datetime import timedelta
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from dip import selectors, services, tasks
from dip.models import (
    DELIVERY_MAX_ATTEMPTS,
    Aggregator,
    Delivery,
    DeliveryStatus,
    DocumentStatus,
    Edition,
    EditionDocument,
    EditionRow,
)
from dip.serializers import DIK_COLUMNS, DIP_COLUMNS
from dip.services import TransientDeliveryError
from ppid.celery import app as celery_app
from ppid.models import Body
from tests.helpers import edition_at
from workflow.models import AuditEntry

KALBAR = "disdukcapil-kalbar"  # a DIP
KUBU_RAYA = "disdukcapil-kubu-raya"  # a DIK
DINSOS = "dinsos-p3a-kapuas-hulu"
SECRET = "rahasia-bersama-sikedip"


class Aggregated:
    """What the aggregator received: one request."""

    def __init__(self, path: str, headers: Message, body: bytes) -> None:
        self.path = path
        self.headers = headers
        self.body = body

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class AggregatorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[Aggregated] = []
        self.answers: deque[tuple[int, str]] = deque()  # then 200 for ever

    def answer(self, *statuses: int, text: str = "") -> None:
        self.answers.extend((status, text) for status in statuses)

    def url(self, path: str = "/push") -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def received(self, path: str = "/push") -> list[Aggregated]:
        return [r for r in self.requests if r.path == path]


class _Handler(BaseHTTPRequestHandler):
    server: AggregatorServer

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests.append(Aggregated(self.path, self.headers, body))
        status, text = self.server.answers.popleft() if self.server.answers else (200, "")
        answer = (text or json.dumps({"status": status})).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format, *args) -> None:  # keep the test output quiet
        pass


@pytest.fixture
def server() -> Iterator[AggregatorServer]:
    httpd = AggregatorServer()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture(autouse=True)
def _eager_celery():
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


@pytest.fixture
def eager_retries():
    """Let an eager task run its retries at once: with task_eager_propagates (the project's
    setting) an eager retry is raised to the caller instead of being run."""
    saved = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = saved


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/push"  # nothing listens there any more


def aggregator(slug: str, url: str, *, name: str = "SIKEDIP", active: bool = True) -> Aggregator:
    return Aggregator.objects.create(
        body=Body.objects.get(slug=slug), name=name, url=url, secret=SECRET, is_active=active
    )


def published(slug: str = KALBAR) -> Edition:
    """A published edition; its on-commit work is not run (no deliveries yet, and no signed PDF:
    a pending one is dropped, so the push goes without it unless a test adds a ready one)."""
    edition = edition_at(slug, "published")
    EditionDocument.objects.filter(edition=edition).delete()
    return edition


def one_delivery(edition: Edition) -> Delivery:
    [delivery] = services.deliveries_create(edition_id=edition.pk)
    return delivery


def verify(request: Aggregated, secret: str = SECRET) -> bool:
    """The aggregator's side, as the docstring of dip/connectors.py tells it to check."""
    timestamp = request.headers["X-PPID-Timestamp"]
    expected = (
        "sha256="
        + hmac.new(
            secret.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256
        ).hexdigest()
    )
    fresh = abs(time.time() - int(timestamp)) <= 300
    return fresh and hmac.compare_digest(expected, request.headers["X-PPID-Signature"])


def as_json(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot_rows(edition: Edition, columns: list[str]) -> list[dict]:
    return [
        {column: as_json(getattr(row, column)) for column in columns}
        for row in EditionRow.objects.filter(edition=edition).order_by("number")
    ]


def ready_document(edition: Edition, content: bytes = b"%PDF-1.7 signed test\n") -> bytes:
    document = EditionDocument.objects.filter(edition=edition).first() or EditionDocument(
        edition=edition
    )
    document.status = DocumentStatus.READY
    document.sha256 = hashlib.sha256(content).hexdigest()
    document.size = len(content)
    document.file.save(f"{edition.pk}.pdf", ContentFile(content), save=False)
    document.save()
    return content


# --- what is pushed -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_push_is_signed_and_carries_the_signed_rows_and_pdf(seeded, server, settings):
    settings.PPID_PUBLIC_BASE_URL = "https://ppid.example.go.id/"
    edition = published(KALBAR)
    pdf = ready_document(edition)
    sikedip = aggregator(KALBAR, server.url())
    delivery = one_delivery(edition)

    services.delivery_send(delivery_id=delivery.pk)

    [request] = server.received()
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Idempotency-Key"] == f"{edition.pk}-{sikedip.pk}"
    assert request.headers["X-PPID-Signature"].startswith("sha256=")
    assert verify(request)
    assert not verify(request, secret="another-secret")
    tampered = Aggregated(request.path, request.headers, request.body.replace(b'"', b"'", 1))
    assert not verify(tampered)

    payload = request.json
    assert payload["body"] == KALBAR
    header = payload["edition"]
    assert parse_datetime(header.pop("signed_at")) == edition.signed_at
    assert parse_datetime(header.pop("published_at")) == edition.published_at
    site = f"https://ppid.example.go.id/badan-publik/{KALBAR}/edisi/{edition.pk}/"
    code = edition.verification_code
    assert code
    assert header == {
        "id": edition.pk,
        "kind": "dip",
        "year": edition.year,
        "revision": edition.revision,
        "title": edition.title,
        # The decree (Keputusan) that set the list, recorded at signing.
        "decree_number": edition.decree_number,
        "decree_date": edition.decree_date.isoformat(),
        "sha256": hashlib.sha256(pdf).hexdigest(),
        # The push has no request: the addresses come from PPID_PUBLIC_BASE_URL.
        "verification_code": code,
        "verification_url": f"https://ppid.example.go.id/verifikasi/{code}/",
        "html_url": site,
        "pdf_url": f"{site}dokumen.pdf",
        "record_pdf_url": None,  # a DIP has no berita acara
        "csv_url": f"{site}daftar.csv",
        "xlsx_url": f"{site}daftar.xlsx",
        "json_url": f"{site}daftar.json",
    }
    rows = payload["rows"]
    assert len(rows) == EditionRow.objects.filter(edition=edition).count() > 0
    assert [{c: r[c] for c in DIP_COLUMNS} for r in rows] == snapshot_rows(edition, DIP_COLUMNS)
    assert base64.b64decode(payload["pdf_base64"]) == pdf

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("sent", 1, 200)
    assert delivery.sent_at is not None and delivery.last_error == ""
    audit = AuditEntry.objects.get(edition=edition, action="edition.delivery_sent")
    assert audit.data["aggregator"] == "SIKEDIP"


@pytest.mark.django_db
def test_a_dik_push_holds_the_dik_columns_only(seeded, server):
    edition = published(KUBU_RAYA)
    aggregator(KUBU_RAYA, server.url())
    services.delivery_send(delivery_id=one_delivery(edition).pk)

    [request] = server.received()
    rows = request.json["rows"]
    assert rows and all(set(row) == {*DIK_COLUMNS, "redacted_copies"} for row in rows)
    assert [{k: v for k, v in r.items() if k != "redacted_copies"} for r in rows] == (
        snapshot_rows(edition, DIK_COLUMNS)
    )
    assert "summary" not in request.body.decode()


@pytest.mark.django_db
def test_without_a_signed_document_the_rows_go_without_a_pdf(seeded, server):
    edition = published(KALBAR)
    EditionDocument.objects.filter(edition=edition).delete()
    aggregator(KALBAR, server.url())
    services.delivery_send(delivery_id=one_delivery(edition).pk)

    [request] = server.received()
    assert request.json["pdf_base64"] is None
    assert request.json["edition"]["sha256"] is None
    assert verify(request)


@pytest.mark.django_db
def test_a_pdf_still_rendering_holds_the_push_until_it_is_ready(seeded, server):
    edition = published(KALBAR)
    EditionDocument.objects.update_or_create(
        edition=edition, defaults={"status": DocumentStatus.RENDERING}
    )
    aggregator(KALBAR, server.url())
    delivery = one_delivery(edition)

    services.delivery_send(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert server.requests == []
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    assert "Waiting for the signed PDF" in delivery.last_error
    later = timezone.now() + timedelta(minutes=5)
    assert delivery.pk not in selectors.deliveries_due(later)

    pdf = ready_document(edition)
    assert delivery.pk in selectors.deliveries_due(later)
    services.delivery_send(delivery_id=delivery.pk)
    [request] = server.received()
    assert base64.b64decode(request.json["pdf_base64"]) == pdf


# --- outcomes -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_500_is_retried_then_sent(seeded, server, eager_retries):
    edition = published(KALBAR)
    aggregator(KALBAR, server.url())
    delivery = one_delivery(edition)
    server.answer(500)

    tasks.deliver.delay(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("sent", 2, 200)
    assert delivery.last_error == ""
    first, second = server.received()
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]
    assert first.json == second.json


@pytest.mark.django_db
def test_a_400_fails_at_once_with_its_error_and_is_not_retried(seeded, server):
    edition = published(KALBAR)
    aggregator(KALBAR, server.url())
    delivery = one_delivery(edition)
    server.answer(400, text="rows[3].form: unknown value")

    tasks.deliver.delay(delivery.pk)  # no retry, no exception

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("failed", 1, 400)
    assert "HTTP 400" in delivery.last_error
    assert "rows[3].form: unknown value" in delivery.last_error
    assert len(server.received()) == 1
    # Nor does the sweep send it again: it waits for someone to.
    assert delivery.pk not in selectors.deliveries_due(timezone.now() + timedelta(days=1))
    assert AuditEntry.objects.filter(edition=edition, action="edition.delivery_failed").exists()


@pytest.mark.django_db
def test_a_redirect_is_not_followed(seeded, server):
    edition = published(KALBAR)
    aggregator(KALBAR, server.url())
    delivery = one_delivery(edition)
    server.answer(301)

    services.delivery_send(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_status) == ("failed", 301)
    assert "not followed" in delivery.last_error
    assert len(server.requests) == 1


@pytest.mark.django_db
def test_a_network_error_fails_with_the_error_and_is_transient(seeded):
    edition = published(KALBAR)
    aggregator(KALBAR, closed_port_url())
    delivery = one_delivery(edition)

    with pytest.raises(TransientDeliveryError):
        services.delivery_send(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("failed", 1, None)
    assert delivery.last_error.startswith("Network error:")
    assert "refused" in delivery.last_error.lower()
    # The sweep leaves it to the task's own retries, and takes it up when those are lost.
    now = timezone.now()
    assert delivery.pk not in selectors.deliveries_due(now + timedelta(minutes=2))
    assert delivery.pk in selectors.deliveries_due(now + selectors.SWEEP_RETRY_AFTER + timedelta(1))


@pytest.mark.django_db
def test_transient_failures_stop_after_the_last_attempt(seeded, server, eager_retries):
    edition = published(KALBAR)
    aggregator(KALBAR, server.url())
    delivery = one_delivery(edition)
    server.answer(*[503] * (DELIVERY_MAX_ATTEMPTS + 5))

    tasks.deliver.delay(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", DELIVERY_MAX_ATTEMPTS)
    assert "HTTP 503" in delivery.last_error
    assert len(server.received()) == DELIVERY_MAX_ATTEMPTS
    assert delivery.pk not in selectors.deliveries_due(timezone.now() + timedelta(days=1))


@pytest.mark.django_db
def test_sending_twice_posts_once(seeded, server):
    edition = published(KALBAR)
    aggregator(KALBAR, server.url())
    delivery = one_delivery(edition)

    services.delivery_send(delivery_id=delivery.pk)
    services.delivery_send(delivery_id=delivery.pk)
    tasks.deliver.delay(delivery.pk)  # a double delivery of the task

    delivery.refresh_from_db()
    assert len(server.requests) == 1
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert services.deliveries_create(edition_id=edition.pk) == [delivery]
    assert Delivery.objects.filter(edition=edition).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "response_status", "attempts", "due"),
    [
        ("pending", None, 0, True),  # never tried (broker down)
        ("failed", None, 3, True),  # network error, its retries lost
        ("failed", 503, 3, True),
        ("failed", 429, 3, True),
        ("failed", 408, 3, True),
        ("failed", 400, 1, False),  # permanent: waits for someone to send it again
        ("failed", 404, 1, False),
        ("failed", 301, 1, False),
        ("failed", 503, DELIVERY_MAX_ATTEMPTS, False),  # out of attempts
        ("sent", 200, 1, False),
    ],
)
def test_what_the_sweep_sends_again(seeded, status, response_status, attempts, due):
    edition = published(KALBAR)
    aggregator(KALBAR, "http://127.0.0.1:9/push")
    delivery = one_delivery(edition)
    long_ago = timezone.now() - selectors.SWEEP_RETRY_AFTER - timedelta(minutes=1)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status, response_status=response_status, attempts=attempts, updated_at=long_ago
    )
    assert (delivery.pk in selectors.deliveries_due()) is due


# --- through the workflow -------------------------------------------------------------------


@pytest.mark.django_db
def test_publishing_pushes_to_each_active_aggregator_of_the_body(
    seeded, server, django_capture_on_commit_callbacks
):
    sikedip = aggregator(KALBAR, server.url("/sikedip"))
    aggregator(KALBAR, server.url("/off"), name="Switched off", active=False)
    aggregator(DINSOS, server.url("/other"), name="Another body's")

    with django_capture_on_commit_callbacks(execute=True):
        edition = edition_at(KALBAR, "published")

    [delivery] = Delivery.objects.filter(edition=edition)
    assert delivery.aggregator == sikedip
    document = EditionDocument.objects.filter(edition=edition).first()
    if document is not None and document.status != DocumentStatus.READY:
        # The signed PDF was not rendered in this process: the push waits for it, and the
        # sweep sends it once it is ready.
        assert (delivery.status, server.requests) == ("pending", [])
        ready_document(edition)
        Delivery.objects.filter(pk=delivery.pk).update(
            updated_at=timezone.now() - timedelta(minutes=2)
        )
        assert tasks.sweep_deliveries() == 1
        delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert [r.path for r in server.requests] == ["/sikedip"]
    [request] = server.received("/sikedip")
    assert verify(request)
    assert request.json["edition"]["id"] == edition.pk
    assert [{c: r[c] for c in DIP_COLUMNS} for r in request.json["rows"]] == snapshot_rows(
        edition, DIP_COLUMNS
    )


@pytest.mark.django_db
def test_broker_down_at_publication_the_sweep_sends_later_once(
    seeded, server, monkeypatch, django_capture_on_commit_callbacks
):
    aggregator(KALBAR, server.url())

    def broker_down(*args, **kwargs):
        raise OSError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patch:
        patch.setattr(tasks.deliver, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            edition = edition_at(KALBAR, "published")
    EditionDocument.objects.filter(edition=edition).delete()

    [delivery] = Delivery.objects.filter(edition=edition)
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    assert server.requests == []
    assert tasks.sweep_deliveries() == 0  # younger than a minute: a task may still be coming

    Delivery.objects.filter(pk=delivery.pk).update(updated_at=timezone.now() - timedelta(minutes=2))
    assert tasks.sweep_deliveries() == 1
    assert tasks.sweep_deliveries() == 0

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert len(server.requests) == 1


@pytest.mark.django_db
def test_the_sweep_creates_deliveries_the_receiver_never_made(seeded, server):
    edition = published(KALBAR)  # its on-commit receiver never ran
    aggregator(KALBAR, server.url())
    Edition.objects.filter(pk=edition.pk).update(published_at=timezone.now() - timedelta(minutes=5))

    assert tasks.sweep_deliveries() == 1

    [delivery] = Delivery.objects.filter(edition=edition)
    assert delivery.status == DeliveryStatus.SENT
    assert len(server.requests) == 1


# --- the admin ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_never_shows_the_secret_and_keeps_it_when_left_empty(seeded, admin_client):
    sikedip = aggregator(KALBAR, "https://sikedip.example.test/push")
    url = f"/admin/dip/aggregator/{sikedip.pk}/change/"

    page = admin_client.get(url)
    assert page.status_code == 200
    assert SECRET not in page.content.decode()

    form = {
        "body": sikedip.body_id,
        "name": "SIKEDIP",
        "url": "https://sikedip.example.test/v2/push",
        "secret": "",
        "is_active": "on",
    }
    assert admin_client.post(url, form).status_code == 302
    sikedip.refresh_from_db()
    assert (sikedip.url, sikedip.secret) == ("https://sikedip.example.test/v2/push", SECRET)
