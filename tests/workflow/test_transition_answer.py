"""A transition through the API looks the edition up in its own lock (issue 15), so what the
caller may not reach is still a 404 before anything else, and the answer is the edition as
the transition left it."""

from __future__ import annotations

import pytest

from dip.models import Stage
from tests.helpers import edition_at
from workflow.models import AuditEntry, Step

pytestmark = pytest.mark.django_db

KALBAR = "disdukcapil-kalbar"  # collection → verification → publication
KUBU = "disdukcapil-kubu-raya"


def written(edition) -> tuple[int, int, str]:
    edition.refresh_from_db()
    return (
        Step.objects.filter(edition=edition).count(),
        AuditEntry.objects.filter(edition=edition).count(),
        edition.state,
    )


@pytest.mark.parametrize(
    "payload",
    [{}, {"note": "x" * 5000}, {"decree_date": "bukan tanggal"}],
    ids=["valid", "note too long", "bad date"],
)
def test_another_bodys_edition_is_a_404_whatever_the_payload(seeded, api, payload):
    edition = edition_at(KALBAR, Stage.COLLECTION)
    before = written(edition)
    response = api(f"{KUBU}.operator").post(
        f"/api/editions/{edition.pk}/transitions/submit/", payload, format="json"
    )
    assert response.status_code == 404
    assert written(edition) == before


@pytest.mark.parametrize("pk", ["999999", "abc"])
def test_an_edition_that_is_not_there_is_a_404(seeded, api, pk):
    response = api(f"{KALBAR}.operator").post(f"/api/editions/{pk}/transitions/submit/", {})
    assert response.status_code == 404


def test_a_bad_payload_on_ones_own_edition_is_a_400_and_nothing_stored(seeded, api):
    edition = edition_at(KALBAR, Stage.COLLECTION)
    before = written(edition)
    response = api(f"{KALBAR}.operator").post(
        f"/api/editions/{edition.pk}/transitions/submit/", {"note": "x" * 5000}, format="json"
    )
    assert response.status_code == 400
    assert "note" in response.json()
    assert written(edition) == before


def test_the_answer_is_the_edition_as_the_transition_left_it(seeded, api):
    edition = edition_at(KALBAR, Stage.COLLECTION)
    operator, ppid = api(f"{KALBAR}.operator"), api(f"{KALBAR}.ppid")
    answer = operator.post(f"/api/editions/{edition.pk}/transitions/submit/", {}).json()
    detail = ppid.get(f"/api/editions/{edition.pk}/").json()
    assert answer["state"] == detail["state"] == Stage.VERIFICATION
    assert answer["actor_role"] == "ppid"
    assert answer["due_at"] == detail["due_at"] is not None
    assert answer["due_explanation"] == detail["due_explanation"]
    assert answer["items_count"] == detail["items_count"] == edition.entries.count()
    assert answer["history"] == detail["history"]
    # The operator may not verify: nothing to offer them now; the PPID may.
    assert answer["transitions"] == []
    assert sorted(detail["transitions"]) == ["return", "verify"]
