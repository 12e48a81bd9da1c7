"""A database out of reach answers 503 with Retry-After (a page for people, JSON for the API),
never a traceback; any other error keeps Django's plain 500. (The real outage, a PostgreSQL
restarted under gunicorn, is in tests/workflow/test_faults.py.)"""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError
from rest_framework.generics import ListAPIView

from dip.views import public

pytestmark = pytest.mark.django_db


def raising(error: Exception):
    def fail(*args, **kwargs):
        raise error

    return fail


@pytest.fixture
def web(client):
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("could not connect to server: Connection refused"),
        InterfaceError("connection already closed"),
    ],
)
def test_database_errors_answer_503_in_the_visitors_language(web, monkeypatch, error):
    monkeypatch.setattr(public, "_home_bodies", raising(error))

    response = web.get("/?q=apa")

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Layanan sementara tidak tersedia" in page
    assert "Basis data sedang tidak dapat dihubungi" in page
    assert "connect" not in page and "closed" not in page and "Traceback" not in page


def test_api_database_errors_answer_503_json(web, monkeypatch):
    monkeypatch.setattr(
        ListAPIView, "list", raising(OperationalError("server closed the connection"))
    )

    response = web.get("/api/public/bodies/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "The database cannot be reached right now. Please try again in a few moments."
    }


def test_other_errors_keep_the_plain_500(web, monkeypatch):
    monkeypatch.setattr(public, "_home_bodies", raising(ValueError("a bug")))

    response = web.get("/?q=apa")

    assert response.status_code == 500
    assert "a bug" not in response.content.decode()
    assert "Retry-After" not in response
