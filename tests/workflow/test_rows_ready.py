"""The submit's row check, as the transition's lock reads it (issue 15: `edition_rows_ready`,
asked from the body's few problem items for a DIP instead of its thousands of rows): it must
refuse exactly what the full check refuses, and let a complete edition through."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from dip.models import Classification, Edition, Item, Stage
from dip.selectors import edition_rows_ready
from tests.factories import ItemFactory
from tests.helpers import edition_at, officers_of
from workflow import services

pytestmark = pytest.mark.django_db

KALBAR = "disdukcapil-kalbar"  # a DIP: collection → verification → publication
KUBU = "disdukcapil-kubu-raya"  # a DIK

# A complete dikecualikan item.
EXEMPTED = {
    "classification": Classification.DIKECUALIKAN,
    "exemption_ground": "i",
    "consequence_if_opened": "Mengganggu pembahasan.",
    "consequence_if_closed": "Publik menunggu.",
    "public_interest": "Diumumkan setelah final.",
    "exemption_event": "Sampai kebijakan ditetapkan",
}


def ready(edition: Edition) -> bool:
    return Edition.objects.annotate(ready=edition_rows_ready()).get(pk=edition.pk).ready


def submit(edition: Edition) -> Edition:
    return services.edition_transition(
        edition=edition, name="submit", user=officers_of(edition.body)["operator"]
    )


def refused(edition: Edition) -> list[str]:
    with pytest.raises(ValidationError) as error:
        submit(edition)
    edition.refresh_from_db()
    assert edition.state == Stage.COLLECTION  # nothing moved
    return error.value.message_dict["items"]


@pytest.mark.parametrize("slug", [KALBAR, KUBU])
def test_a_complete_edition_is_ready_and_goes_on(seeded, slug):
    edition = edition_at(slug, Stage.COLLECTION)
    # The body's incomplete items, and a DIP's body's exempted items, outside the edition
    # change nothing.
    ItemFactory(body=edition.body, draft=True)
    if edition.kind == "dip":
        ItemFactory(body=edition.body, **EXEMPTED)
    assert edition.entries.exists()
    assert ready(edition)
    assert submit(edition).state == Stage.VERIFICATION


@pytest.mark.parametrize("slug", [KALBAR, KUBU])
def test_a_row_missing_a_field_is_refused(seeded, slug):
    edition = edition_at(slug, Stage.COLLECTION)
    row = edition.entries.order_by("-position").first().item
    Item.objects.filter(pk=row.pk).update(produced_place="")
    assert not ready(edition)
    assert any(row.title in message for message in refused(edition))


def test_a_dip_row_exempted_since_it_was_picked_is_refused(seeded):
    edition = edition_at(KALBAR, Stage.COLLECTION)
    row = edition.entries.order_by("position").first().item
    Item.objects.filter(pk=row.pk).update(**EXEMPTED)
    assert not ready(edition)
    assert any(row.title in message for message in refused(edition))


def test_a_dik_row_opened_since_it_was_picked_is_refused(seeded):
    edition = edition_at(KUBU, Stage.COLLECTION)
    row = edition.entries.order_by("position").first().item
    Item.objects.filter(pk=row.pk).update(classification=Classification.BERKALA)
    assert not ready(edition)
    assert any(row.title in message for message in refused(edition))


def test_an_empty_edition_is_not_ready(seeded):
    edition = edition_at(KALBAR, Stage.COLLECTION)
    edition.entries.all().delete()
    assert not ready(edition)
    assert refused(edition)
