"""Two copies of one edition: one moves on, the other is stale. Runs on SQLite and PostgreSQL.

The transition service locks the edition's row (SELECT … FOR UPDATE) and checks its state
under the lock; tests/workflow/test_concurrency.py races real threads on PostgreSQL against
that. SQLite has no row locks, so the second defence is tested here, anywhere: the edition is a
django-fsm-2 ConcurrentTransitionMixin model, whose save() refuses (ConcurrentTransition) when
the stored state is no longer the state the copy was loaded with. The service and every edge
turn that into "already processed" (409 in the API, a warning on the page), storing nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import pre_save
from django_fsm import ConcurrentTransition

from dip.models import Edition, Stage
from tests.helpers import edition_at
from workflow import services
from workflow.models import AuditEntry, Step

pytestmark = pytest.mark.django_db

User = get_user_model()
KALBAR = "disdukcapil-kalbar"  # collection (operator) → verification (ppid) → publication
OPERATOR = f"{KALBAR}.operator"


@pytest.fixture
def collection(seeded) -> Edition:
    """Kalbar's edition at collection, waiting for the operator's `submit`."""
    return edition_at(KALBAR, Stage.COLLECTION, title="Dua salinan")


def stored(edition: Edition) -> tuple:
    """What the database holds of the edition's progress."""
    return (
        Edition.objects.values_list("state", "title").get(pk=edition.pk),
        list(
            Step.objects.filter(edition=edition)
            .order_by("pk")
            .values_list("stage", "finished_at", "transition")
        ),
        list(
            AuditEntry.objects.filter(edition=edition)
            .order_by("pk")
            .values_list("transition", "from_state", "to_state")
        ),
    )


def operator():
    return User.objects.get(username=OPERATOR)


def test_a_stale_copy_cannot_be_saved_after_another_copy_moved_on(collection):
    fresh, stale, stale_too = (Edition.objects.get(pk=collection.pk) for _ in range(3))
    services.edition_transition(edition=fresh, name="submit", user=operator(), note="")
    after_submit = stored(collection)
    assert after_submit[0] == (Stage.VERIFICATION, "Dua salinan")

    # The stale copy still believes it is at collection, so its transition runs in memory…
    assert stale.state == Stage.COLLECTION
    stale.submit()
    # …but saving it would write over the move the other copy made: refused.
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()
    # A stale copy is refused whatever it changes, not only its state.
    stale_too.title = "Judul dari salinan basi"
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale_too.save()
    assert stored(collection) == after_submit


def test_the_stale_copy_through_the_service_the_api_and_the_page_is_already_processed(
    collection, api, login
):
    stale = Edition.objects.get(pk=collection.pk)
    services.edition_transition(edition=collection.pk, name="submit", user=operator(), note="")
    before = stored(collection)

    with pytest.raises(services.TransitionConflict) as refused:
        services.edition_transition(edition=stale, name="submit", user=operator(), note="")
    assert refused.value.state == Stage.VERIFICATION

    response = api(OPERATOR).post(
        f"/api/editions/{collection.pk}/transitions/submit/", {"note": ""}, format="json"
    )
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["state"]) == (
        "already_processed",
        Stage.VERIFICATION,
    )

    # The confirmation page loaded before the move, submitted after it.
    page = login(OPERATOR).post(
        f"/edisi/{collection.pk}/aksi/submit/",
        {"note": "", "expected_state": Stage.COLLECTION},
        follow=True,
    )
    assert "Sudah diproses" in page.content.decode()
    assert stored(collection) == before


@contextmanager
def another_copy_moves_first(edition: Edition, move: Callable[[Edition], None]) -> Iterator[list]:
    """When the service saves its copy of the edition, another copy has just been moved on and
    saved: a write that came past the row lock, as it can on SQLite, which has none. (Here both
    writes share the test's transaction, so the service's rollback undoes the other one too.)"""
    moved: list[Edition] = []

    def first(sender, instance, **kwargs):
        if instance.pk == edition.pk and not moved:
            other = Edition.objects.get(pk=edition.pk)
            moved.append(other)
            move(other)
            other.save()

    pre_save.connect(first, sender=Edition, weak=False)
    try:
        yield moved
    finally:
        pre_save.disconnect(first, sender=Edition)


def test_a_save_that_comes_past_the_row_lock_is_already_processed(collection, api, login):
    before = stored(collection)

    with (
        another_copy_moves_first(collection, lambda other: other.submit()) as moved,
        pytest.raises(services.TransitionConflict),
    ):
        services.edition_transition(edition=collection.pk, name="submit", user=operator())
    assert moved, "the other copy did not move first"
    assert stored(collection) == before  # no step closed, no audit row: nothing stored

    with another_copy_moves_first(collection, lambda other: other.submit()) as moved:
        response = api(OPERATOR).post(
            f"/api/editions/{collection.pk}/transitions/submit/", {"note": ""}, format="json"
        )
    assert moved
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "already_processed"
    assert stored(collection) == before

    with another_copy_moves_first(collection, lambda other: other.submit()) as moved:
        page = login(OPERATOR).post(
            f"/edisi/{collection.pk}/aksi/submit/",
            {"note": "", "expected_state": Stage.COLLECTION},
            follow=True,
        )
    assert moved
    assert page.status_code == 200
    assert "Sudah diproses" in page.content.decode()
    assert stored(collection) == before
