"""A transition through the API looks the edition up in its own lock (issue 15), so what the
caller may not reach is still a 404 before anything else, and the answer is the edition as
the transition left it."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import Exists, OuterRef

from dip.models import Edition, Stage
from dip.selectors import editions_for_user
from ppid.models import Body, Role
from ppid.oversight import grants_for, roles_held
from ppid.permissions import forget_roles, user_roles
from tests.factories import ItemFactory, OfficerFactory
from tests.helpers import edition_at
from workflow.models import AuditEntry, Step
from workflow.services.editions import lock

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
    # The history has its own address (issue 15: an answer that grew with every step).
    assert "history" not in answer
    assert answer["history_url"] == detail["history_url"]
    assert answer["history_url"] == f"http://testserver/api/editions/{edition.pk}/history/"
    history = ppid.get(answer["history_url"]).json()
    assert [h["transition"] for h in history][-1] == "submit"
    # The operator may not verify: nothing to offer them now; the PPID may.
    assert answer["transitions"] == []
    assert sorted(detail["transitions"]) == ["return", "verify"]


def test_the_locks_compiled_annotations_read_what_the_orm_reads(seeded):
    """The lock's constant annotations are compiled once (issue 15): the same values as the
    expressions read by the ORM, for a complete and an incomplete edition; one that needs a
    join of its own is left to the ORM."""
    complete = edition_at(KALBAR, Stage.COLLECTION)
    incomplete = edition_at(KALBAR, Stage.COLLECTION, year=2025)
    incomplete.entries.create(item=ItemFactory(body=KALBAR, draft=True), position=999)
    names = [*lock._OPEN_STEP, "rows_ready"]
    for edition in (complete, incomplete):
        with transaction.atomic():
            ours = lock._locked_with_open_step(
                edition.pk, user=complete.created_by, rows_ready=True
            )
        orm = Edition.objects.annotate(
            **{name: lock._LOCK_ANNOTATIONS[name]() for name in names}
        ).get(pk=edition.pk)
        assert [getattr(ours, n) for n in names] == [getattr(orm, n) for n in names]
        assert ours.open_step_id == Step.objects.get(edition=edition, finished_at=None).pk
    assert ours.rows_ready is False
    lock._LOCK_ANNOTATIONS["parent_here"] = lambda: Exists(
        Body.objects.filter(pk=OuterRef("body__parent"))
    )
    try:
        assert isinstance(lock._lock_annotation("parent_here", using="default"), Exists)
    finally:
        del lock._LOCK_ANNOTATIONS["parent_here"]
        lock._compiled_lock_annotations.pop(("postgresql", "parent_here"), None)


def test_the_locks_compiled_role_checks_read_the_callers_roles_on_the_editions_body(seeded):
    """The lock's role checks are compiled once for a stand-in user (issue 15): each caller's
    roles read with the lock are those they hold on the edition's own body (the PPID Utama's
    also from the body above), as the rule in Python reads them, whoever asked before them; a
    caller with none there does not reach the edition (Edition.DoesNotExist), as
    `editions_for_user` says."""
    kalbar = edition_at(KALBAR, Stage.COLLECTION)
    kubu = edition_at(KUBU, Stage.COLLECTION)
    parent = Body.objects.get(slug=KUBU).parent
    callers = [
        OfficerFactory(body=KALBAR, roles=[Role.PPID]),
        OfficerFactory(body=KUBU, roles=[Role.OPERATOR, Role.ATASAN]),
        OfficerFactory(body=parent, roles=[Role.PPID_UTAMA]),
        OfficerFactory(body=KALBAR, roles=[Role.OPERATOR]),
    ]
    seen = set()
    for user in callers:
        for edition in (kalbar, kubu):
            forget_roles(user)
            expected = roles_held(edition.body, grants_for(user, [edition.body]))
            reached = editions_for_user(user).filter(pk=edition.pk).exists()
            try:
                with transaction.atomic():
                    lock._locked_with_open_step(edition.pk, user=user)
            except Edition.DoesNotExist:
                assert not expected and not reached
            else:
                assert expected and reached
            assert user_roles(user, edition.body) == expected, (user, edition.body)
            seen.add(expected)
    # Each kind of answer came up: none, a role on the body itself, the PPID Utama's from above.
    assert {frozenset(), frozenset({Role.PPID}), frozenset({Role.PPID_UTAMA})} <= seen
    assert frozenset({Role.OPERATOR, Role.ATASAN}) in seen
    assert isinstance(lock._compiled_lock_roles.get("postgresql"), dict)


def test_the_first_caller_of_a_fresh_process_may_be_a_pages_lazy_user(seeded, monkeypatch):
    """A page's `request.user` is a SimpleLazyObject: the role checks compiled for the first
    caller of a process are built on the user model, not on the caller's type (a gunicorn
    worker whose first transition came from a page answered 500)."""
    from django.utils.functional import SimpleLazyObject

    monkeypatch.setattr(lock, "_compiled_lock_roles", {})
    edition = edition_at(KALBAR, Stage.COLLECTION)
    user = OfficerFactory(body=KALBAR, roles=[Role.OPERATOR])
    lazy = SimpleLazyObject(lambda: user)
    with transaction.atomic():
        lock._locked_with_open_step(edition.pk, user=lazy)
    assert user_roles(user, edition.body) == {Role.OPERATOR}
    assert isinstance(lock._compiled_lock_roles.get("postgresql"), dict)
