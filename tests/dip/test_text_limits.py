"""An item's free text has a maximum length, on every channel: the API and the form answer a
field error beyond it and store nothing, the service refuses it (a summary of 3 million
characters was once stored and published as a 38-page PDF), and the form and the OpenAPI
document say the limit."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from dip import services as dip_services
from dip.models import CONSEQUENCE_MAX_LENGTH, SUMMARY_MAX_LENGTH, Item
from ppid.models import Body

pytestmark = pytest.mark.django_db

KUBU = "disdukcapil-kubu-raya"
OPERATOR = f"{KUBU}.operator"
EXEMPT = {
    "body": KUBU,
    "title": "Berkas pengaduan",
    "summary": "Identitas pelapor dan terlapor.",
    "classification": "dikecualikan",
    "exemption_ground": "h",
    "consequence_if_opened": "Identitas pelapor terungkap.",
    "consequence_if_closed": "Pelapor terlindungi.",
    "public_interest": "Perlindungan pelapor.",
    "exemption_permanent": True,
}
LIMITS = {
    "summary": SUMMARY_MAX_LENGTH,
    "consequence_if_opened": CONSEQUENCE_MAX_LENGTH,
    "consequence_if_closed": CONSEQUENCE_MAX_LENGTH,
    "public_interest": CONSEQUENCE_MAX_LENGTH,
}


def test_the_limits_are_sensible():
    assert SUMMARY_MAX_LENGTH == 2000
    assert CONSEQUENCE_MAX_LENGTH == 5000


@pytest.mark.parametrize(("field", "limit"), LIMITS.items())
def test_api_refuses_text_over_the_limit_and_stores_nothing(seeded, api, field, limit):
    client = api(OPERATOR)
    before = Item.objects.count()

    refused = client.post("/api/items/", {**EXEMPT, field: "a" * (limit + 1)}, format="json")

    assert refused.status_code == 400, refused.content
    [message] = refused.json()[field]
    assert f"melebihi {limit} karakter" in message  # "tidak boleh melebihi 2000 karakter"
    assert Item.objects.count() == before
    accepted = client.post("/api/items/", {**EXEMPT, field: "a" * limit}, format="json")
    assert accepted.status_code == 201, accepted.content
    assert len(getattr(Item.objects.get(pk=accepted.json()["id"]), field)) == limit


def test_api_patch_over_the_limit_leaves_the_item_as_it_was(seeded, api):
    item = Item.objects.filter(body__slug=KUBU).order_by("pk").first()
    summary = item.summary

    response = api(OPERATOR).patch(
        f"/api/items/{item.pk}/", {"summary": "a" * (SUMMARY_MAX_LENGTH + 1)}, format="json"
    )

    assert response.status_code == 400
    assert "summary" in response.json()
    item.refresh_from_db()
    assert item.summary == summary


def test_form_shows_the_limits_and_refuses_text_over_them(seeded, login):
    client = login(OPERATOR)
    url = f"/badan/{KUBU}/informasi/baru/"
    page = client.get(url).content.decode()
    for field, limit in LIMITS.items():
        textarea = re.search(rf'<textarea[^>]*name="{field}"[^>]*>', page).group(0)
        assert f'maxlength="{limit}"' in textarea, field
    before = Item.objects.count()

    form = {key: value for key, value in EXEMPT.items() if key != "body"}
    response = client.post(url, {**form, "summary": "a" * (SUMMARY_MAX_LENGTH + 1)})

    assert response.status_code == 200
    assert f"paling banyak {SUMMARY_MAX_LENGTH} karakter" in response.content.decode()
    assert Item.objects.count() == before


def test_the_service_refuses_three_million_characters(seeded):
    """Whatever the channel (an import, a task, the admin): the model refuses it."""
    body = Body.objects.get(slug=KUBU)
    user = get_user_model().objects.get(username=OPERATOR)
    before = Item.objects.count()

    with pytest.raises(ValidationError) as refused:
        dip_services.item_create(
            body=body,
            user=user,
            title="Ringkasan raksasa",
            classification="setiap_saat",
            summary="x" * 3_000_000,
        )

    assert list(refused.value.message_dict) == ["summary"]
    assert Item.objects.count() == before


def test_the_openapi_document_states_the_limits(seeded, api):
    schema = api(OPERATOR).get("/api/schema/", {"format": "json"}).json()
    for component in ("ItemRequest", "PatchedItemRequest"):
        properties = schema["components"]["schemas"][component]["properties"]
        for field, limit in LIMITS.items():
            assert properties[field]["maxLength"] == limit, (component, field)
