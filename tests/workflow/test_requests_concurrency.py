"""Races on PostgreSQL for requests for information: requests received at the same instant get
consecutive register numbers (the body's row lock), and of several PPIDs deciding or extending
the same request at once exactly one wins; the others get "already processed". Objections filed
at the same instant get consecutive numbers too."""

from __future__ import annotations

import pytest

from ppid.models import Body, Role
from tests.factories import OfficerFactory
from tests.workflow.test_concurrency import THREADS, run_together
from tests.workflow.test_objections import T0, make_request
from workflow.models import AuditEntry, InformationRequest, Objection
from workflow.services import requests as svc
from workflow.services.objections import objection_file

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

KALBAR = "disdukcapil-kalbar"


def fields(n: int) -> dict:
    return {
        "name": f"Pemohon {n}",
        "address": "Jalan Uji 1",
        "identity_number": f"61710155059000{n:02d}",
        "information": f"Data {n}",
        "purpose": "Uji",
        "obtain": "copy",
        "form": "softcopy",
        "delivery": "pickup",
    }


def test_requests_received_at_once_get_consecutive_numbers(seeded, celery_eager):
    body = Body.objects.get(slug=KALBAR)
    results = run_together(
        [lambda n=n: svc.request_receive(body=body, **fields(n)).number for n in range(THREADS)]
    )
    assert all(kind == "ok" for kind, _ in results), results
    assert sorted(value for _, value in results) == list(range(1, THREADS + 1))
    assert InformationRequest.objects.filter(body=body).count() == THREADS


def test_one_of_several_ppids_decides_and_extends(seeded, celery_eager):
    body = Body.objects.get(slug=KALBAR)
    ppids = OfficerFactory.create_batch(THREADS, body=KALBAR, roles=[Role.PPID])
    request = svc.request_receive(body=body, **fields(1))
    results = run_together(
        [
            lambda user=user: svc.request_extend(request=request, user=user, reason="Data").pk
            for user in ppids
        ]
    )
    winners = [value for kind, value in results if kind == "ok"]
    losers = [value for kind, value in results if kind == "error"]
    assert len(winners) == 1 and len(losers) == THREADS - 1, results
    assert all(isinstance(error, svc.RequestAlreadyExtended) for error in losers), losers
    results = run_together(
        [
            lambda user=user: svc.request_decide(request=request, user=user, decision="not_held").pk
            for user in ppids
        ]
    )
    winners = [value for kind, value in results if kind == "ok"]
    losers = [value for kind, value in results if kind == "error"]
    assert len(winners) == 1, results
    assert all(isinstance(error, svc.RequestAlreadyDecided) for error in losers), losers
    actions = AuditEntry.objects.filter(target_id=str(request.pk)).values_list("action", flat=True)
    assert sorted(a for a in actions if a in ("request.extend", "request.decide")) == [
        "request.decide",
        "request.extend",
    ]


def test_objections_filed_at_once_get_consecutive_numbers(seeded, celery_eager):
    """Objections to several requests of one body, filed at the same instant: the body's row
    lock (FOR NO KEY UPDATE, which conflicts with itself) numbers them one after another."""
    requests = [make_request(number=n) for n in range(1, THREADS + 1)]
    results = run_together(
        [
            lambda r=r: (
                objection_file(request=r, ground="a", reason="Bukan rahasia.", now=T0).number
            )
            for r in requests
        ]
    )
    assert all(kind == "ok" for kind, _ in results), results
    assert sorted(value for _, value in results) == list(range(1, THREADS + 1))
    assert Objection.objects.filter(body=requests[0].body).count() == THREADS
