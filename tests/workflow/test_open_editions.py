"""One open edition per body, kind and year: a second one is a revision ("Perubahan ke-N"),
opened only on purpose, with a warning; the form and the API refuse it otherwise."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from dip.models import Edition, Stage
from dip.rendering import document_title
from ppid.models import Body
from tests.helpers import edition_at, officers_of
from workflow import services

User = get_user_model()
KALBAR = "disdukcapil-kalbar"


def text(response) -> str:
    return response.content.decode()


def _open(body, *, revise: bool = False, title: str = "") -> Edition:
    officers = officers_of(body)
    return services.edition_open(
        body=body, kind="dip", year=2026, title=title, user=officers["operator"], revise=revise
    )


@pytest.mark.django_db
def test_second_edition_of_a_year_is_refused_while_the_first_is_open(seeded):
    first = edition_at(KALBAR, Stage.VERIFICATION, title="DIP 2026")
    with pytest.raises(ValidationError) as refused:
        _open(first.body)
    assert "revise" in refused.value.message_dict
    assert "DIP 2026" in refused.value.message_dict["revise"][0]
    assert Edition.objects.filter(body=first.body, year=2026).count() == 1


@pytest.mark.django_db
def test_revision_on_purpose_is_perubahan_ke_n(seeded):
    first = edition_at(KALBAR, Stage.VERIFICATION, title="DIP 2026")
    revision = _open(first.body, revise=True)
    assert revision.revision == 1
    assert revision.title == "DIP 2026 Perubahan ke-1"
    assert revision.revision_label == "Perubahan ke-1"
    assert document_title(revision).endswith("Tahun 2026 (Perubahan ke-1)")
    # A revision with its own title still says it is one, wherever it is listed.
    second = _open(first.body, revise=True, title="DIP 2026")
    assert second.display_title == "DIP 2026 (Perubahan ke-2)"


@pytest.mark.django_db
def test_published_year_needs_a_revision_on_purpose_too(seeded):
    published = edition_at(KALBAR, Stage.PUBLISHED, title="DIP 2026")
    with pytest.raises(ValidationError) as refused:
        _open(published.body)
    assert "sudah diterbitkan" in refused.value.message_dict["revise"][0]
    assert _open(published.body, revise=True).revision == 1


@pytest.mark.django_db
def test_form_warns_and_offers_the_revision(seeded, login):
    first = edition_at(KALBAR, Stage.VERIFICATION, title="DIP 2026")
    client = login(f"{KALBAR}.operator")
    url = f"/badan/{KALBAR}/edisi/"
    page = text(client.get(url))
    assert 'id="open-editions"' in page and "DIP 2026" in page
    assert 'name="revise"' in page

    refused = client.post(url, {"kind": "dip", "year": 2026, "title": ""})
    assert refused.status_code == 200
    assert "masih terbuka" in text(refused)
    assert Edition.objects.filter(body=first.body, year=2026).count() == 1

    opened = client.post(url, {"kind": "dip", "year": 2026, "title": "", "revise": "on"})
    assert opened.status_code == 302
    revision = Edition.objects.get(body=first.body, year=2026, revision=1)
    shown = text(client.get(opened["Location"]))
    assert "DIP 2026 Perubahan ke-1" in shown
    assert "Edisi lain masih terbuka: DIP 2026" in shown
    listing = text(client.get(url))
    assert "Perubahan ke-1" in listing and revision.title in listing


@pytest.mark.django_db
def test_task_list_tells_the_two_editions_apart(seeded, login):
    first = edition_at(KALBAR, Stage.VERIFICATION, title="DIP 2026")
    revision = services.edition_open(
        body=first.body,
        kind="dip",
        year=2026,
        title="DIP 2026",
        user=officers_of(first.body)["operator"],
        revise=True,
    )
    from dip import services as dip_services

    dip_services.edition_add_items(
        edition=revision, items=first.body.items.all(), user=officers_of(first.body)["operator"]
    )
    services.edition_transition(
        edition=revision, name="submit", user=officers_of(first.body)["operator"]
    )
    page = text(login(f"{KALBAR}.ppid").get("/tugas/"))
    assert "DIP 2026 (Perubahan ke-1)" in page


@pytest.mark.django_db
def test_api_refuses_a_second_edition_with_400_and_opens_a_revision(seeded, api):
    client = api(f"{KALBAR}.operator")
    payload = {"body": KALBAR, "kind": "dip", "year": 2026}
    created = client.post("/api/editions/", payload, format="json")
    assert created.status_code == 201 and created.json()["revision_label"] == ""
    refused = client.post("/api/editions/", payload, format="json")
    assert refused.status_code == 400
    assert "masih terbuka" in refused.json()["revise"][0]
    assert Edition.objects.filter(body__slug=KALBAR, year=2026).count() == 1
    revision = client.post("/api/editions/", {**payload, "revise": True}, format="json")
    assert revision.status_code == 201
    assert revision.json()["revision"] == 1
    assert revision.json()["revision_label"] == "Perubahan ke-1"


# 23:30 WIB on 31 December 2026 (the server's clock) is 01:30 on 1 January 2027 in Jayapura.
NEW_YEAR_EVE_WIB = datetime(2026, 12, 31, 23, 30, tzinfo=ZoneInfo("Asia/Pontianak"))
YEAR_ERROR = "Tahun harus antara 2000 dan 2028."


@pytest.mark.django_db
def test_an_eastern_body_opens_the_editions_of_its_own_new_year(seeded, login):
    """In Jayapura it is 2027 already: the form offers 2027 and accepts 2028 (next year); 2029
    is refused next to the year, nothing stored."""
    body = Body.objects.get(slug=KALBAR)
    Body.objects.filter(pk=body.pk).update(time_zone="Asia/Jayapura")
    url = f"/badan/{KALBAR}/edisi/"
    with time_machine.travel(NEW_YEAR_EVE_WIB, tick=False):
        client = login(f"{KALBAR}.operator")
        assert re.search(r'name="year" value="2027"', text(client.get(url)))
        before = Edition.objects.count()
        refused = client.post(url, {"kind": "dip", "year": 2029, "title": ""})
        assert refused.status_code == 200
        error = text(refused).split('id="id_year_error">', 1)[1].split("</p>", 1)[0]
        assert error == YEAR_ERROR
        assert Edition.objects.count() == before

        opened = client.post(url, {"kind": "dip", "year": 2028, "title": ""})
    assert opened.status_code == 302
    assert Edition.objects.filter(body=body, year=2028).count() == 1


@pytest.mark.django_db
def test_the_api_counts_the_year_on_the_bodys_clock(seeded, api):
    Body.objects.filter(slug=KALBAR).update(time_zone="Asia/Jayapura")
    with time_machine.travel(NEW_YEAR_EVE_WIB, tick=False):
        client = api(f"{KALBAR}.operator")
        before = Edition.objects.count()
        refused = client.post(
            "/api/editions/", {"body": KALBAR, "kind": "dip", "year": 2029}, format="json"
        )
        assert refused.status_code == 400
        assert refused.json()["year"] == [YEAR_ERROR]
        assert Edition.objects.count() == before
        opened = client.post(
            "/api/editions/", {"body": KALBAR, "kind": "dip", "year": 2028}, format="json"
        )
    assert opened.status_code == 201, opened.json()
    assert Edition.objects.filter(body__slug=KALBAR, year=2028).count() == 1
