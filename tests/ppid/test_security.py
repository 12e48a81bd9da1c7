"""Security hardening: settings from the environment (weak secret key refused, check --deploy
clean with HTTPS on), security headers on every response (live and from the page cache), no
inline script or style in the templates, CORS closed by default, API throttling and token
revocation."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from wsgiref.util import setup_testing_defaults

import pytest
from django.contrib.auth import get_user_model
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from rest_framework.authtoken.models import Token

from ppid.pagecache import PublicPageCache
from tests.conftest import DEMO_PASSWORD
from workflow.models import AuditEntry

REPO = Path(__file__).resolve().parents[2]
STRONG_KEY = secrets.token_urlsafe(50)
OPERATOR = "dinsos-p3a-kapuas-hulu.operator"
OTHER = "disdukcapil-kalbar.operator"


# --- settings from the environment (each in a fresh interpreter) ----------------------------


def run_python(tmp_path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """Python in the repository with only these DJANGO_*/PPID_* variables set."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PPID_", "CORS", "REDIS_URL", "CELERY_BROKER"))
    }
    clean |= {"PPID_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "ppid.settings", **env}
    return subprocess.run(
        [sys.executable, *args],
        env=clean,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
    )


SHOW_SETTINGS = """
import json
from django.conf import settings
names = ["DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
         "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
         "SECURE_PROXY_SSL_HEADER", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "EMAIL_BACKEND",
         "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS", "EMAIL_USE_SSL", "CORS_ALLOWED_ORIGINS"]
print(json.dumps({n: getattr(settings, n) for n in names}))
"""


def show_settings(tmp_path, **env: str) -> dict:
    result = run_python(tmp_path, env, "-c", SHOW_SETTINGS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "key",
    [None, "", "insecure-development-key-change-me", "short-key", "django-insecure-" + "x1" * 30],
)
def test_debug_off_refuses_a_missing_default_or_weak_secret_key(tmp_path, key):
    env = {} if key is None else {"DJANGO_SECRET_KEY": key}
    result = run_python(tmp_path, env, "-c", "from django.conf import settings; settings.DEBUG")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is missing" in result.stderr
    assert "openssl rand -hex 32" in result.stderr


def test_debug_is_off_by_default_and_a_strong_key_starts(tmp_path):
    assert show_settings(tmp_path, DJANGO_SECRET_KEY=STRONG_KEY)["DEBUG"] is False


def test_debug_on_runs_with_the_development_key(tmp_path):
    # What bin/run does: DJANGO_DEBUG=1 and no key.
    assert show_settings(tmp_path, DJANGO_DEBUG="1")["DEBUG"] is True


def test_https_and_the_rest_come_from_the_environment(tmp_path):
    values = show_settings(
        tmp_path,
        DJANGO_SECRET_KEY=STRONG_KEY,
        PPID_HTTPS="on",
        PPID_PROXY_SSL_HEADER="X-Forwarded-Proto",
        DJANGO_ALLOWED_HOSTS="ppid.example.go.id, www.ppid.example.go.id",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://ppid.example.go.id",
        DJANGO_EMAIL_HOST="smtp.example.go.id",
        PPID_CORS_ORIGINS="https://sikedip.example.go.id",
    )
    assert values == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "ALLOWED_HOSTS": ["ppid.example.go.id", "www.ppid.example.go.id"],
        "CSRF_TRUSTED_ORIGINS": ["https://ppid.example.go.id"],
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.go.id",
        "EMAIL_PORT": 587,
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "CORS_ALLOWED_ORIGINS": ["https://sikedip.example.go.id"],
    }
    plain = show_settings(tmp_path, DJANGO_SECRET_KEY=STRONG_KEY)
    assert plain["SECURE_SSL_REDIRECT"] is False and plain["SESSION_COOKIE_SECURE"] is False
    assert plain["SECURE_PROXY_SSL_HEADER"] is None and plain["CORS_ALLOWED_ORIGINS"] == []
    assert plain["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def deploy_check(tmp_path, **env: str) -> subprocess.CompletedProcess:
    env = {"DJANGO_SECRET_KEY": STRONG_KEY, "DJANGO_ALLOWED_HOSTS": "ppid.example.go.id", **env}
    return run_python(tmp_path, env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")


def test_check_deploy_is_clean_with_https_on(tmp_path):
    result = deploy_check(tmp_path, PPID_HTTPS="on")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_without_https(tmp_path):
    result = deploy_check(tmp_path)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in output


# --- headers on every response --------------------------------------------------------------


def csp_directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict((part.strip() + " ").split(" ", 1) for part in header.split(";"))


def assert_security_headers(response) -> None:
    directives = {k: v.strip() for k, v in csp_directives(response).items()}
    # In one order whatever the process (django-csp builds them from a set of names).
    assert list(directives) == sorted(directives) and len(directives) > 5
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),  # public, page-cached
        ("/masuk/", 200),  # officers' sign-in
        ("/tugas/", 302),  # officers' page, to the sign-in
        ("/api/public/bodies/", 200),
        ("/api/bodies/", 401),
        ("/api/docs/", 200),
        ("/admin/login/", 200),
        ("/tidak-ada/", 404),
    ],
)
def test_every_kind_of_response_carries_the_security_headers(seeded, client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert_security_headers(response)


@pytest.mark.django_db
def test_hsts_and_secure_cookies_when_https_is_on(seeded, client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    page = client.get("/masuk/", secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert page.cookies["csrftoken"]["secure"]
    signed_in = client.post(
        "/masuk/", {"username": OPERATOR, "password": DEMO_PASSWORD}, secure=True
    )
    assert signed_in.status_code == 302
    assert signed_in.cookies["sessionid"]["secure"] and signed_in.cookies["sessionid"]["httponly"]


def _wsgi_get(app, path: str, **extra) -> tuple[str, dict, bytes]:
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "QUERY_STRING": "", **extra}
    setup_testing_defaults(environ)
    environ["HTTP_HOST"] = "testserver"
    seen: dict = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    # As Django's test client does: keep the test's transaction's connection open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = app(environ, start_response)
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return seen["status"], seen["headers"], body


@pytest.mark.django_db
def test_a_page_served_from_the_page_cache_carries_the_same_headers(seeded):
    reached = []
    django_app = WSGIHandler()

    def counting(environ, start_response):
        reached.append(environ["PATH_INFO"])
        return django_app(environ, start_response)

    app = PublicPageCache(counting, check_seconds=0)
    status, live, body = _wsgi_get(app, "/")
    assert status.startswith("200") and "Content-Security-Policy" in live
    status, cached, cached_body = _wsgi_get(app, "/")
    assert status.startswith("200") and cached_body == body
    assert reached == ["/"], "the second answer must come from the page cache"
    for name in (
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
    ):
        assert cached[name] == live[name], name
    # A revalidation (304) keeps them too.
    status, not_modified, _ = _wsgi_get(app, "/", HTTP_IF_NONE_MATCH=live["ETag"])
    assert (
        status.startswith("304")
        and not_modified["Content-Security-Policy"] == live["Content-Security-Policy"]
    )


@pytest.mark.django_db
def test_the_page_cache_keeps_https_pages_apart_and_leaves_http_to_the_redirect(seeded, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    app = PublicPageCache(WSGIHandler(), check_seconds=0)
    _status, live, _ = _wsgi_get(app, "/", HTTP_X_FORWARDED_PROTO="https")
    _status, cached, _ = _wsgi_get(app, "/", HTTP_X_FORWARDED_PROTO="https")
    assert cached["Strict-Transport-Security"] == live["Strict-Transport-Security"]
    assert live["Strict-Transport-Security"] == "max-age=3600"
    # The same path over plain HTTP is redirected, never answered from the cache.
    status, headers, _ = _wsgi_get(app, "/")
    assert status.startswith("301") and headers["Location"].startswith("https://")


TEMPLATES = REPO / "templates"
# The PDFs' sources are rendered by WeasyPrint only, never served to a browser.
NOT_SERVED = {
    TEMPLATES / "dip" / "document.html",
    TEMPLATES / "dip" / "record.html",
    # The written notice of a request: rendered to PDF by WeasyPrint, never served as a page.
    TEMPLATES / "workflow" / "request_notice_document.html",
    # The index page inside the monev evidence pack's zip: opened from the reader's disk.
    TEMPLATES / "workflow" / "evidence_index.html",
    # The annual report and the atasan's answer: rendered to PDF by WeasyPrint.
    TEMPLATES / "workflow" / "annual_report_document.html",
    TEMPLATES / "workflow" / "objection_answer_document.html",
}
INLINE = [
    re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I),
    re.compile(r"<style", re.I),
    re.compile(r"\sstyle\s*=", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"javascript:", re.I),
]


def test_templates_have_no_inline_script_style_or_handler():
    found = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        if template in NOT_SERVED:
            continue
        source = template.read_text()
        found += [f"{template.relative_to(REPO)}: {p.pattern}" for p in INLINE if p.search(source)]
    assert found == []


@pytest.mark.django_db
def test_api_docs_load_their_script_from_a_url(client):
    page = client.get("/api/docs/").content.decode()
    assert not INLINE[0].search(page) and "<style" not in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


# --- CORS -----------------------------------------------------------------------------------

ORIGIN = "https://sikedip.example.go.id"


def preflight(client, path: str, origin: str = ORIGIN):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )


@pytest.mark.django_db
def test_cors_is_closed_by_default(seeded, client):
    for response in (
        preflight(client, "/api/public/bodies/"),
        client.get("/api/public/bodies/", HTTP_ORIGIN=ORIGIN),
    ):
        assert not [h for h in response.headers if h.lower().startswith("access-control-")]


@pytest.mark.django_db
def test_cors_opens_to_the_listed_origins_for_the_api_only(seeded, client, settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]
    response = client.get("/api/public/bodies/", HTTP_ORIGIN=ORIGIN)
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert "Access-Control-Allow-Credentials" not in response
    assert preflight(client, "/api/public/bodies/")["Access-Control-Allow-Origin"] == ORIGIN
    other = client.get("/api/public/bodies/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other
    page = client.get("/masuk/", HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in page


# --- API throttling -------------------------------------------------------------------------


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "2/minute"},
    }


@pytest.mark.django_db
def test_anonymous_calls_are_throttled_per_address(seeded, api, low_rates):
    client = api()
    statuses = [client.get("/api/public/bodies/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert 0 < int(client.get("/api/public/bodies/")["Retry-After"]) <= 60
    # Another address still gets through; X-Forwarded-For is not trusted (NUM_PROXIES=0).
    assert client.get("/api/public/bodies/", REMOTE_ADDR="10.1.2.3").status_code == 200
    forged = client.get("/api/public/bodies/", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert forged.status_code == 429


@pytest.mark.django_db
def test_token_calls_are_throttled_per_user(seeded, api, low_rates):
    operator = api(OPERATOR)
    assert [operator.get("/api/bodies/").status_code for _ in range(3)] == [200, 200, 429]
    assert 0 < int(operator.get("/api/bodies/")["Retry-After"]) <= 60
    assert api(OTHER).get("/api/bodies/").status_code == 200


# --- token revocation -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_user_revokes_their_token_and_obtains_a_new_one(seeded, api):
    client = api(OPERATOR)
    old = Token.objects.get(user__username=OPERATOR).key
    assert client.get("/api/bodies/").status_code == 200

    assert client.post("/api/auth/token/revoke/").status_code == 204
    assert not Token.objects.filter(key=old).exists()
    assert client.get("/api/bodies/").status_code == 401
    entry = AuditEntry.objects.get(action="token_revoked")
    assert entry.actor.username == OPERATOR and entry.data["username"] == OPERATOR

    fresh = api().post("/api/auth/token/", {"username": OPERATOR, "password": DEMO_PASSWORD})
    assert fresh.status_code == 200 and fresh.json()["token"] != old
    client.credentials(HTTP_AUTHORIZATION=f"Token {fresh.json()['token']}")
    assert client.get("/api/bodies/").status_code == 200


@pytest.mark.django_db
def test_revocation_needs_a_caller(seeded, api):
    api(OPERATOR)  # creates the operator's token
    assert api().post("/api/auth/token/revoke/").status_code == 401
    assert Token.objects.filter(user__username=OPERATOR).exists()
    assert not AuditEntry.objects.filter(action="token_revoked").exists()


@pytest.mark.django_db
def test_the_admin_revokes_a_token(seeded, api, client):
    operator = api(OPERATOR)
    token = Token.objects.get(user__username=OPERATOR)
    admin = get_user_model().objects.create_superuser("root", "root@example.go.id", "x")
    client.force_login(admin)
    page = client.get(f"/admin/authtoken/tokenproxy/{token.user_id}/delete/")
    assert page.status_code == 200
    response = client.post(f"/admin/authtoken/tokenproxy/{token.user_id}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Token.objects.filter(user__username=OPERATOR).exists()
    assert operator.get("/api/bodies/").status_code == 401
    entry = AuditEntry.objects.get(action="token_revoked")
    assert entry.actor == admin and entry.data == {"username": OPERATOR, "by": "root"}


# --- Cache-Control: officers' pages and signed-in API answers are never stored ---------------

PRIVATE = "private, no-store"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/tugas/",
        "/dasbor/",
        "/badan/dinsos-p3a-kapuas-hulu/informasi/",
        "/akun/keamanan/",
        "/badan/dinsos-p3a-kapuas-hulu/laporan/",  # refused to an operator (403): the same
    ],
)
def test_officer_pages_are_never_stored(seeded, client, path):
    client.force_login(get_user_model().objects.get(username=OPERATOR))
    response = client.get(path)
    assert response.status_code in (200, 403)
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.django_db
def test_an_officer_page_refused_to_a_visitor_is_not_stored_either(seeded, client):
    response = client.get("/tugas/")
    assert response.status_code == 302
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/bodies/", "/api/items/", "/api/editions/"])
def test_api_answers_to_a_token_are_never_stored(seeded, api, path):
    response = api(OPERATOR).get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.django_db
def test_api_answers_to_a_session_are_never_stored(seeded, client):
    client.force_login(get_user_model().objects.get(username=OPERATOR))
    response = client.get("/api/bodies/")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.django_db
def test_public_pages_and_the_public_api_keep_their_caching(seeded, client, api):
    assert client.get("/")["Cache-Control"] == "public, no-cache"
    # The public API answers the same to everyone (it does not even read a token).
    for caller in (api(), api(OPERATOR)):
        response = caller.get("/api/public/bodies/")
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", "")
    # The public website is the same for a signed-in officer: it keeps its caching.
    client.force_login(get_user_model().objects.get(username=OPERATOR))
    assert client.get("/")["Cache-Control"] == "public, no-cache"


@pytest.mark.django_db
def test_a_view_that_already_forbids_storing_keeps_its_header(seeded, client):
    admin = get_user_model().objects.filter(is_superuser=True).first()
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
