"""The free text of the approval chain has a maximum length on every channel: a step's note, a
reviewer's comment, the tim's note on a row and the Nota Dinas. Beyond it: a field error from
the API and the pages, a refusal from the service, and nothing stored or moved."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from dip.models import DECREE_NUMBER_MAX_LENGTH, Edition, Stage
from tests.helpers import NOTA_DINAS, edition_at
from workflow import services
from workflow.models import (
    ADDRESSED_TO_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    NOTA_DINAS_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    AuditEntry,
    Consideration,
    NotaDinas,
    ReviewComment,
    Step,
)

pytestmark = pytest.mark.django_db

DINSOS = "dinsos-p3a-kapuas-hulu"  # … instruction (Nota Dinas) … verification (PPID)
KUBU = "disdukcapil-kubu-raya"  # … consideration (tim) …
NOTA = {**NOTA_DINAS, "dated": NOTA_DINAS["dated"].isoformat()}


def api_url(edition: Edition, suffix: str) -> str:
    return f"/api/editions/{edition.pk}/{suffix}"


def stored(edition: Edition) -> tuple:
    edition.refresh_from_db()
    return (
        edition.state,
        Step.objects.filter(edition=edition).count(),
        AuditEntry.objects.filter(edition=edition).count(),
        ReviewComment.objects.filter(edition=edition).count(),
        Consideration.objects.filter(edition=edition).count(),
        NotaDinas.objects.filter(edition=edition).count(),
    )


def field_error(response, field: str, limit: int) -> None:
    assert response.status_code == 400, response.content
    [message] = response.json()[field]
    assert f"{limit} karakter" in message


def textarea(page: str, name: str) -> str:
    return re.search(rf'<textarea[^>]*name="{name}"[^>]*>', page).group(0)


# --- a step's note ---------------------------------------------------------------------------


@pytest.fixture
def verification(seeded) -> Edition:
    return edition_at(DINSOS, Stage.VERIFICATION, title="DIP 2026")


def test_api_refuses_a_note_over_the_limit_and_the_edition_stays(verification, api):
    ppid = api(f"{DINSOS}.ppid")
    before = stored(verification)
    long_note = "a" * (NOTE_MAX_LENGTH + 1)

    response = ppid.post(api_url(verification, "transitions/return/"), {"note": long_note})

    field_error(response, "note", NOTE_MAX_LENGTH)
    assert stored(verification) == before
    note = "a" * NOTE_MAX_LENGTH
    accepted = ppid.post(api_url(verification, "transitions/return/"), {"note": note})
    assert accepted.status_code == 200, accepted.content
    assert Step.objects.get(edition=verification, transition="return").note == note


def test_the_service_refuses_a_note_over_the_limit(verification):
    ppid = get_user_model().objects.get(username=f"{DINSOS}.ppid")
    before = stored(verification)
    with pytest.raises(ValidationError) as refused:
        services.edition_transition(
            edition=verification, name="return", user=ppid, note="a" * 1_000_000
        )
    assert list(refused.value.message_dict) == ["note"]
    assert stored(verification) == before


def test_pages_show_the_limits_and_refuse_a_note_over_it(verification, login):
    client = login(f"{DINSOS}.ppid")
    page = client.get(f"/edisi/{verification.pk}/").content.decode()
    assert f'maxlength="{COMMENT_MAX_LENGTH}"' in textarea(page, "text")
    page = client.get(f"/edisi/{verification.pk}/aksi/return/").content.decode()
    assert f'maxlength="{NOTE_MAX_LENGTH}"' in textarea(page, "note")
    before = stored(verification)

    response = client.post(
        f"/edisi/{verification.pk}/aksi/return/",
        {"note": "a" * (NOTE_MAX_LENGTH + 1), "expected_state": "verification"},
    )

    assert response.status_code == 200
    assert f"paling banyak {NOTE_MAX_LENGTH} karakter" in response.content.decode()
    assert stored(verification) == before


# --- a reviewer's comment --------------------------------------------------------------------


def test_comment_over_the_limit_is_refused_and_nothing_stored(verification, api):
    ppid = api(f"{DINSOS}.ppid")
    before = stored(verification)

    response = ppid.post(
        api_url(verification, "comments/"), {"text": "a" * (COMMENT_MAX_LENGTH + 1)}
    )

    field_error(response, "text", COMMENT_MAX_LENGTH)
    assert stored(verification) == before
    accepted = ppid.post(api_url(verification, "comments/"), {"text": "a" * COMMENT_MAX_LENGTH})
    assert accepted.status_code == 201, accepted.content


# --- the Nota Dinas --------------------------------------------------------------------------


@pytest.fixture
def instruction(seeded) -> Edition:
    return edition_at(DINSOS, Stage.INSTRUCTION, title="DIP 2026")


@pytest.mark.parametrize(
    ("field", "limit"),
    [("content", NOTA_DINAS_MAX_LENGTH), ("addressed_to", ADDRESSED_TO_MAX_LENGTH)],
)
def test_nota_dinas_over_the_limit_is_refused_and_nothing_stored(instruction, api, field, limit):
    ppid = api(f"{DINSOS}.ppid")
    before = stored(instruction)

    response = ppid.put(
        api_url(instruction, "nota-dinas/"), {**NOTA, field: "a" * (limit + 1)}, format="json"
    )

    field_error(response, field, limit)
    assert stored(instruction) == before
    accepted = ppid.put(
        api_url(instruction, "nota-dinas/"), {**NOTA, field: "a" * limit}, format="json"
    )
    assert accepted.status_code == 200, accepted.content


def test_nota_dinas_page_shows_the_limits(instruction, login):
    page = login(f"{DINSOS}.ppid").get(f"/edisi/{instruction.pk}/nota-dinas/").content.decode()
    assert f'maxlength="{NOTA_DINAS_MAX_LENGTH}"' in textarea(page, "content")
    assert f'maxlength="{ADDRESSED_TO_MAX_LENGTH}"' in textarea(page, "addressed_to")


# --- the tim's note on a row -----------------------------------------------------------------


def test_consideration_note_over_the_limit_is_refused_and_nothing_stored(seeded, api, login):
    edition = edition_at(KUBU, Stage.CONSIDERATION, title="DIK 2026")
    row = edition.entries.order_by("position", "pk").first().item
    before = stored(edition)
    payload = {"item": row.pk, "decision": "agree", "changes": {}}

    response = api(f"{KUBU}.tim").post(
        api_url(edition, "considerations/"),
        {**payload, "note": "a" * (NOTE_MAX_LENGTH + 1)},
        format="json",
    )

    field_error(response, "note", NOTE_MAX_LENGTH)
    assert stored(edition) == before
    page = login(f"{KUBU}.tim").get(f"/edisi/{edition.pk}/pertimbangan/").content.decode()
    assert f'maxlength="{NOTE_MAX_LENGTH}"' in textarea(page, f"r{row.pk}-note")
    tim = get_user_model().objects.get(username=f"{KUBU}.tim")
    with pytest.raises(ValidationError) as refused:
        services.consideration_record(
            edition=edition, item=row, user=tim, decision="agree", note="a" * 10_000
        )
    assert list(refused.value.message_dict) == ["note"]
    assert stored(edition) == before


# --- the OpenAPI document --------------------------------------------------------------------


def test_the_openapi_document_states_the_limits(seeded, api):
    components = api(f"{DINSOS}.ppid").get("/api/schema/", {"format": "json"}).json()
    schemas = components["components"]["schemas"]
    expected = {
        ("TransitionRequest", "note"): NOTE_MAX_LENGTH,
        ("TransitionRequest", "decree_number"): DECREE_NUMBER_MAX_LENGTH,
        ("ReviewCommentRequest", "text"): COMMENT_MAX_LENGTH,
        ("ConsiderationRequest", "note"): NOTE_MAX_LENGTH,
        ("NotaDinasRequest", "content"): NOTA_DINAS_MAX_LENGTH,
        ("NotaDinasRequest", "addressed_to"): ADDRESSED_TO_MAX_LENGTH,
    }
    for (component, field), limit in expected.items():
        assert schemas[component]["properties"][field]["maxLength"] == limit, component
