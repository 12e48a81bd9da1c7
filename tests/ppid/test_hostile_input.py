"""Input an attacker sends, answered with a clear 400 and nothing stored, never a 500: NUL bytes
in paths, query strings and bodies, JSON nested thousands deep, usernames longer than any."""

from __future__ import annotations

import json

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from dip.models import Classification, Item
from dip.services import classification
from dip.services.imports import import_job_create
from ppid.parsers import MAX_DEPTH
from tests.factories import ItemFactory
from tests.helpers import officers_of, open_edition
from workflow.models import InformationRequest, RequestStatus, ReviewComment
from workflow.services import sertamerta
from workflow.services.objections import objection_file
from workflow.services.requests import request_receive

User = get_user_model()
pytestmark = pytest.mark.django_db

DINSOS = "dinsos-p3a-kapuas-hulu"
OPERATOR = f"{DINSOS}.operator"
NUL = "karakter nul (kode 0)"
TOO_DEEP = "bersarang terlalu dalam"
DEEP = "[" * 2000 + "]" * 2000
ITEM = {"body": DINSOS, "title": "Daftar penerima bantuan", "classification": "setiap_saat"}


def no_raise(client):
    """A client that answers 500 as a browser would see it, instead of raising in the test."""
    client.raise_request_exception = False
    return client


# --- NUL bytes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/?q=%00",
        "/verifikasi/%00/",
        "/verifikasi/?kode=%00",
        f"/badan-publik/{DINSOS}/?q=%00",
        "/masuk/?next=%2F%00",
        "/%00",
    ],
)
def test_nul_in_a_public_address_is_an_indonesian_400_page(seeded, url):
    response = no_raise(Client()).get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert NUL in page.lower() and "Permintaan tidak dapat diproses" in page
    assert "\x00" not in page
    assert "Content-Security-Policy" in response  # the security headers still apply


@pytest.mark.parametrize(
    "url",
    [
        "/api/items/?body=%00",
        "/api/items/?classification=%00",
        "/api/items/?body=a%00b",
        "/api/editions/?body=%00",
        "/api/editions/1/items/?page=%00",
        "/api/editions/1/items/?page_size=%00",
        "/api/public/bodies/?q=%00",
        "/api/public/bodies/%00/dip/",
    ],
)
def test_nul_in_an_api_address_is_a_json_400(seeded, api, url):
    response = no_raise(api(OPERATOR)).get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert NUL in response.json()["detail"].lower()


def test_nul_in_the_edition_pickers_search_is_a_400(seeded, login):
    edition = open_edition(DINSOS, title="DIP Pilih", items=[])
    response = no_raise(login(OPERATOR)).get(f"/edisi/{edition.pk}/pilih/?q=%00")
    assert response.status_code == 400
    assert NUL in response.content.decode().lower()


def test_nul_in_a_posted_form_is_refused_and_nothing_stored(seeded, login):
    client = no_raise(login(OPERATOR))
    url = f"/badan/{DINSOS}/informasi/baru/"
    before = Item.objects.count()
    # As a browser posts a form: url-encoded. Refused before the view.
    encoded = client.post(
        url,
        "title=a%00b&classification=setiap_saat",
        content_type="application/x-www-form-urlencoded",
    )
    assert encoded.status_code == 400
    assert NUL in encoded.content.decode().lower()
    # Multipart: the field itself says what is wrong.
    multipart = client.post(url, {"title": "a\x00b", "classification": "setiap_saat"})
    assert multipart.status_code == 200
    assert "Karakter null tidak diizinkan" in multipart.content.decode()
    assert Item.objects.count() == before


@pytest.mark.parametrize(
    "payload",
    [
        {**ITEM, "title": "a\x00b"},
        {**ITEM, "summary": "\x00"},
        {**ITEM, "unknown": {"nested": ["\x00"]}},
        {**ITEM, "key\x00": "value"},
    ],
)
def test_nul_anywhere_in_a_json_body_is_a_400_and_nothing_stored(seeded, api, payload):
    before = Item.objects.count()
    response = no_raise(api(OPERATOR)).post("/api/items/", payload, format="json")
    assert response.status_code == 400
    assert NUL in response.json()["detail"].lower()
    assert Item.objects.count() == before


def test_nul_in_a_form_encoded_or_multipart_api_body_is_a_400(seeded, api):
    client = no_raise(api(OPERATOR))
    before = Item.objects.count()
    multipart = client.post("/api/items/", {**ITEM, "summary": "a\x00b"}, format="multipart")
    encoded = client.post(
        "/api/items/",
        "body=dinsos-p3a-kapuas-hulu&title=a%00b&classification=setiap_saat",
        content_type="application/x-www-form-urlencoded",
    )
    for response in (multipart, encoded):
        assert response.status_code == 400
        assert NUL in response.json()["detail"].lower()
    assert Item.objects.count() == before


# --- deeply nested JSON --------------------------------------------------------------------------


def test_deep_json_without_login_is_a_400(seeded):
    client = no_raise(APIClient())
    response = client.post("/api/auth/token/", DEEP, content_type="application/json")
    assert response.status_code == 400
    assert TOO_DEEP in response.json()["detail"]
    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 2000, 100_000])
def test_deep_json_to_the_api_is_a_400_and_nothing_stored(seeded, api, depth):
    before = Item.objects.count()
    body = json.dumps({**ITEM, "summary": "x"})[:-1] + ', "extra": ' + "[" * depth + "]" * depth
    response = no_raise(api(OPERATOR)).post(
        "/api/items/", body + "}", content_type="application/json"
    )
    assert response.status_code == 400
    assert TOO_DEEP in response.json()["detail"]
    assert Item.objects.count() == before


def test_json_nested_within_the_limit_is_parsed(seeded, api):
    nested = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    body = json.dumps(ITEM)[:-1] + f', "extra": {nested}' + "}"
    response = api(OPERATOR).post("/api/items/", body, content_type="application/json")
    assert response.status_code == 201
    assert Item.objects.filter(pk=response.json()["id"]).exists()


def api_operations(client: APIClient) -> list[tuple[str, str]]:
    """(method, path) of every operation in the app's own OpenAPI document that takes a body."""
    schema = client.get("/api/schema/", {"format": "json"}).json()
    return [
        (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    ]


def test_deep_json_never_gets_a_5xx_from_any_api_operation(seeded, api):
    edition = open_edition(DINSOS, title="DIP Dalam")
    item = edition.body.items.first()
    urgent = ItemFactory(body=edition.body, classification=Classification.SERTA_MERTA)
    waiting = sertamerta.serta_merta_request_create(
        item=urgent, user=officers_of(edition.body)["operator"]
    )
    asked = request_receive(
        body=edition.body,
        name="Pemohon",
        address="Jalan 1",
        identity_number="6171015505900003",
        information="Data",
        purpose="Uji",
        obtain="copy",
        form="softcopy",
        delivery="pickup",
    )
    operator = officers_of(edition.body)["operator"]
    change = classification.classification_change_propose(
        item=ItemFactory(body=edition.body),
        user=operator,
        to_classification=Classification.DIKECUALIKAN,
        reason="Uji",
        exemption_ground="i",
        consequence_if_opened="Mengganggu pembahasan.",
        consequence_if_closed="Publik menunggu.",
        public_interest="Diumumkan setelah final.",
        exemption_permanent=False,
        exemption_event="Sampai kebijakan ditetapkan",
    )
    sheet = SimpleUploadedFile("daftar.csv", b"Judul Informasi,Klasifikasi\nData,Berkala\n")
    job = import_job_create(body=edition.body, user=operator, upload=sheet)
    # A refused request (test setup: its own tests decide it) and an objection to it.
    refused = request_receive(
        body=edition.body,
        name="Pemohon Lain",
        address="Jalan 2",
        identity_number="6171015505900004",
        information="Data lain",
        purpose="Uji",
        obtain="copy",
        form="softcopy",
        delivery="pickup",
    )
    InformationRequest.objects.filter(pk=refused.pk).update(
        status=RequestStatus.REFUSED, decided_at=timezone.now()
    )
    refused.refresh_from_db()
    objection = objection_file(request=refused, ground="a", reason="Bukan rahasia.")
    operations = api_operations(api(OPERATOR))
    assert ("post", "/api/items/") in operations and ("post", "/api/auth/token/") in operations
    answers = {}
    for method, path in operations:
        pk = item.pk if path.startswith("/api/items/") else edition.pk
        if path.startswith("/api/serta-merta/"):
            pk = waiting.pk
        if path.startswith("/api/requests/"):
            pk = asked.pk
        if path.startswith("/api/classification-changes/"):
            pk = change.pk
        if path.startswith("/api/imports/"):
            pk = job.pk
        if path.startswith("/api/objections/"):
            pk = objection.pk
        url = path.replace("{id}", str(pk)).replace("{name}", "submit")
        url = url.replace("{tracking_code}", refused.tracking_code)
        for who in (None, OPERATOR):
            client = no_raise(api(who))
            response = getattr(client, method)(url, DEEP, content_type="application/json")
            answers[method, path, who] = response.status_code
    unexpected = {k: v for k, v in answers.items() if v not in {400, 401, 403, 405, 409, 415}}
    assert not unexpected, unexpected
    # The operator's own operations parsed the body and refused it.
    for path in ["/api/items/", "/api/editions/", "/api/editions/{id}/items/"]:
        assert answers["post", path, OPERATOR] == 400
    assert answers["patch", "/api/items/{id}/", OPERATOR] == 400
    assert ReviewComment.objects.count() == 0


# --- usernames longer than any ---------------------------------------------------------------


@pytest.mark.parametrize("length", [151, 256, 5000])
def test_overlong_username_gets_a_token_field_error_and_nothing_stored(seeded, length):
    response = no_raise(APIClient()).post(
        "/api/auth/token/", {"username": "u" * length, "password": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "username" in response.json()
    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize("url", ["/masuk/", "/admin/login/"])
@pytest.mark.parametrize("length", [151, 256, 5000])
def test_overlong_username_is_a_sign_in_form_error_and_nothing_stored(seeded, url, length):
    response = no_raise(Client()).post(url, {"username": "u" * length, "password": "x"})
    assert response.status_code == 200
    assert "paling banyak 150 karakter" in response.content.decode()
    assert "_auth_user_id" not in response.client.session
    assert not AccessAttempt.objects.exists()


def test_a_username_of_the_longest_length_still_counts_as_a_failed_sign_in(seeded):
    response = Client().post("/masuk/", {"username": "u" * 150, "password": "x"})
    assert response.status_code == 200
    assert AccessAttempt.objects.filter(username="u" * 150).count() == 1
