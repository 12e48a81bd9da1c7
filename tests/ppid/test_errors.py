"""A database out of reach answers 503 with Retry-After (a page for people, JSON for the API),
never a traceback; any other error gets the project's own 500 page. 403, 404 and an expired
form are the project's Indonesian pages too, and an ordinary 403 is one log line, not a
traceback. (The real outage, a PostgreSQL restarted under gunicorn, is in
tests/workflow/test_faults.py; the same pages from gunicorn with DEBUG off in
tests/test_production.py and tests/browser/test_production.py.)"""

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


def test_other_errors_answer_the_projects_500_page_and_log_the_traceback(web, monkeypatch, caplog):
    monkeypatch.setattr(public, "_home_bodies", raising(ValueError("a bug")))

    response = web.get("/?q=apa")

    assert response.status_code == 500
    page = response.content.decode()
    assert "Terjadi kesalahan di pihak kami" in page and '<html lang="id">' in page
    assert "a bug" not in page and "Traceback" not in page
    assert "Retry-After" not in response
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelname == "ERROR" and record.exc_info[1].args == ("a bug",)


OPERATOR = "disdukcapil-kubu-raya.operator"


def test_a_refused_page_answers_the_projects_403_with_the_reason(seeded, login, caplog):
    response = login(OPERATOR).get("/badan/disdukcapil-kubu-raya/laporan/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Akses ditolak</h1>" in page and '<html lang="id">' in page
    # The view's own reason, in Indonesian.
    assert "Hanya atasan, PPID, dan PPID Utama yang dapat membaca laporan ini." in page
    # One warning line for the log, without the traceback an error would carry.
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelname == "WARNING"
    assert record.getMessage() == (
        "Forbidden (Permission denied): /badan/disdukcapil-kubu-raya/laporan/"
    )
    assert record.exc_info is None and "Traceback" not in caplog.text


def test_an_unknown_address_answers_the_projects_404(seeded, client):
    response = client.get("/tidak-ada/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Halaman tidak ditemukan</h1>" in page and '<html lang="id">' in page
    assert "Ke daftar badan publik" in page


def test_an_expired_form_answers_the_projects_csrf_page(seeded):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/masuk/", {"username": OPERATOR, "password": "x"}
    )

    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Formulir sudah kedaluwarsa</h1>" in page
    assert "CSRF" not in page
