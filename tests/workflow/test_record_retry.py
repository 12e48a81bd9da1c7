"""A signed berita acara uji konsekuensi that failed to build waits for an officer's retry, as
the edition's own signed PDF does: the edition page shows its error and, to the PPID, the
atasan or the PPID Utama, a "try again" that asks for confirmation, audits the retry and queues
the publication task (which builds it and publishes the edition). The API offers the same."""

from __future__ import annotations

import pytest
from django.test import Client

from dip import services as dip_services
from dip.models import DocumentStatus, Edition, RecordDocument, Stage
from ppid.models import Body
from tests.dip.test_record_document import DINSOS, KUBU, signed_dik
from tests.helpers import officers_of
from workflow.models import AuditEntry
from workflow.selectors import editions_awaiting_publication

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def failed_record() -> Edition:
    """A signed DIK whose own PDF is ready and whose berita acara failed for good."""
    edition = signed_dik()
    dip_services.edition_document_build(edition_id=edition.pk)
    RecordDocument.objects.filter(edition=edition).update(
        status=DocumentStatus.FAILED, last_error="OSError: disk full", attempts=6
    )
    return edition


def retries() -> int:
    return AuditEntry.objects.filter(action="edition.record_document_retry").count()


def test_the_ppid_retries_a_failed_berita_acara_after_confirming(
    seeded, celery_eager, django_capture_on_commit_callbacks
):
    edition = failed_record()
    officers = officers_of(Body.objects.get(slug=KUBU))
    url = f"/edisi/{edition.pk}/berita-acara/coba-lagi/"
    # The sweep leaves it for an officer, as it leaves a failed edition PDF.
    assert edition.pk not in editions_awaiting_publication()

    operator = client_of(officers["operator"])
    page = operator.get(f"/edisi/{edition.pk}/").content.decode()
    assert 'data-record-status="failed"' in page and "OSError: disk full" in page
    assert url not in page
    assert operator.get(url).status_code == 403
    assert operator.post(url).status_code == 403
    other = client_of(officers_of(Body.objects.get(slug=DINSOS))["ppid"])
    assert other.get(url).status_code == 404 and other.post(url).status_code == 404
    assert RecordDocument.objects.get(edition=edition).status == DocumentStatus.FAILED
    assert retries() == 0

    ppid = client_of(officers["ppid"])
    page = ppid.get(f"/edisi/{edition.pk}/").content.decode()
    assert url in page
    confirm = ppid.get(url)
    assert confirm.status_code == 200
    assert 'method="post"' in confirm.content.decode() and "OSError: disk full" in (
        confirm.content.decode()
    )
    assert RecordDocument.objects.get(edition=edition).status == DocumentStatus.FAILED
    with django_capture_on_commit_callbacks(execute=True):
        response = ppid.post(url)
    assert response.status_code == 302
    assert RecordDocument.objects.get(edition=edition).status == DocumentStatus.READY
    assert Edition.objects.get(pk=edition.pk).state == Stage.PUBLISHED
    entry = AuditEntry.objects.get(action="edition.record_document_retry")
    assert entry.actor == officers["ppid"] and entry.data["last_error"] == "OSError: disk full"

    # Again: nothing failed any more, nothing happens (the API says 409).
    again = ppid.post(url)
    assert again.status_code == 302 and retries() == 1
    assert ppid.get(url).status_code == 302  # no confirmation page for a ready one


def test_the_api_retries_a_failed_berita_acara(seeded, api):
    edition = failed_record()
    officers = officers_of(Body.objects.get(slug=KUBU))
    status_url = f"/api/editions/{edition.pk}/record-document/"
    retry_url = f"{status_url}retry/"
    assert api(officers["operator"].username).get(status_url).json()["status"] == "failed"
    other = officers_of(Body.objects.get(slug=DINSOS))["ppid"].username
    assert api(other).post(retry_url).status_code == 404
    assert api(officers["operator"].username).post(retry_url).status_code == 403
    assert retries() == 0

    atasan = api(officers["atasan"].username)
    response = atasan.post(retry_url)
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "pending"
    assert RecordDocument.objects.get(edition=edition).status == DocumentStatus.PENDING
    again = atasan.post(retry_url)
    assert again.status_code == 409 and again.json()["code"] == "already_processed"
    assert retries() == 1
