"""Races on PostgreSQL: several threads, each with its own connection, run a transition on the
same edition at the same instant. Exactly one wins; every other gets "already processed"."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dip.models import Edition, EditionRow, Stage
from ppid.celery import app as celery_app
from ppid.models import Role
from tests.factories import OfficerFactory
from tests.helpers import decree, edition_at
from workflow import services
from workflow.models import AuditEntry, Step
from workflow.services import TransitionConflict

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

User = get_user_model()
KALBAR = "disdukcapil-kalbar"  # collection → verification (ppid) → publication
KUBU_RAYA = "disdukcapil-kubu-raya"  # … verification (ppid) → consideration (tim) → …
THREADS = 6


@pytest.fixture(autouse=True)
def _eager_celery():
    """Publication runs in-process, whatever the environment says, so end states are fixed."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


def extra_officers(slug: str, role: str, count: int) -> list[str]:
    """Usernames of `count` more officers holding `role` in the body."""
    users = OfficerFactory.create_batch(count, body=slug, roles=[role])
    return [user.username for user in users]


def client_for(username: str) -> APIClient:
    token, _ = Token.objects.get_or_create(user=User.objects.get(username=username))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def run_together(actions: list[Callable[[], Any]]) -> list[tuple[str, Any]]:
    """Run each action in its own thread (own DB connection), released at once by a barrier.
    Returns ("ok", result) or ("error", exception) per action, in order."""
    barrier = threading.Barrier(len(actions))
    results: list[tuple[str, Any] | None] = [None] * len(actions)

    def target(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = ("ok", action())
        except BaseException as error:
            results[index] = ("error", error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=target, args=(i, action), daemon=True)
        for i, action in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(t.is_alive() for t in threads), "a racing thread hung (deadlock?)"
    assert all(r is not None for r in results)
    return results  # type: ignore[return-value]


def transition_rows(edition: Edition, *names: str):
    return AuditEntry.objects.filter(edition=edition, transition__in=names)


def assert_single_winner_by_service(results, expected_error=TransitionConflict):
    winners = [value for kind, value in results if kind == "ok"]
    losers = [value for kind, value in results if kind == "error"]
    assert len(winners) == 1, results
    assert len(losers) == len(results) - 1
    for error in losers:
        assert isinstance(error, expected_error), repr(error)
    return winners[0]


def assert_single_winner_by_api(results):
    for kind, value in results:
        assert kind == "ok", repr(value)
    responses = [value for _, value in results]
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * (len(responses) - 1), [
        (r.status_code, r.data) for r in responses
    ]
    for response in responses:
        if response.status_code == 409:
            assert response.data["code"] == "already_processed", response.data
            assert response.data["detail"]
    return next(r for r in responses if r.status_code == 200)


def assert_verified_once_and_published(edition: Edition, winner_username: str | None = None):
    edition.refresh_from_db()
    assert edition.state == Stage.PUBLISHED
    verify = list(transition_rows(edition, "verify"))
    assert len(verify) == 1
    assert (verify[0].from_state, verify[0].to_state) == (Stage.VERIFICATION, Stage.PUBLICATION)
    if winner_username:
        assert verify[0].actor.username == winner_username
    assert transition_rows(edition, "publish").count() == 1
    verification_steps = Step.objects.filter(edition=edition, stage=Stage.VERIFICATION)
    assert verification_steps.count() == 1
    step = verification_steps.get()
    assert step.finished_at is not None
    assert step.transition == "verify"
    # Frozen once: one signed row per item, numbered 1..n.
    entries = edition.entries.count()
    assert list(EditionRow.objects.filter(edition=edition).values_list("number", flat=True)) == (
        list(range(1, entries + 1))
    )
    assert Step.objects.filter(edition=edition, finished_at=None).count() == 0


# --- the same transition, many callers -----------------------------------------------------


def test_service_race_on_verify_has_exactly_one_winner(seeded):
    edition = edition_at(KALBAR, Stage.VERIFICATION, title="Race")
    usernames = [f"{KALBAR}.ppid"] * 3 + extra_officers(KALBAR, Role.PPID, 3)
    users = [User.objects.get(username=name) for name in usernames]  # one object per thread

    def action(user):
        return lambda: services.edition_transition(
            edition=edition.pk, name="verify", user=user, note="Sudah sesuai.", **decree()
        )

    results = run_together([action(u) for u in users])

    winner = assert_single_winner_by_service(results)
    assert winner.pk == edition.pk
    for _, error in results:
        if isinstance(error, TransitionConflict):
            assert error.state in {Stage.PUBLICATION, Stage.PUBLISHED}
            assert error.name == "verify"
    assert_verified_once_and_published(edition)


def test_api_race_on_verify_with_several_ppid_users_has_exactly_one_winner(seeded):
    edition = edition_at(KALBAR, Stage.VERIFICATION, title="Race")
    usernames = [f"{KALBAR}.ppid", f"{KALBAR}.ppid", *extra_officers(KALBAR, Role.PPID, 4)]
    clients = [client_for(name) for name in usernames]
    url = f"/api/editions/{edition.pk}/transitions/verify/"
    # SOP 002's verify is the signature: it records the decree.
    payload = {"note": "Sudah sesuai.", **decree()}

    results = run_together([lambda c=c: c.post(url, payload, format="json") for c in clients])

    winner = assert_single_winner_by_api(results)
    assert winner.data["id"] == edition.pk
    assert winner.data["state"] == Stage.PUBLISHED
    winner_name = usernames[[value for _, value in results].index(winner)]
    assert_verified_once_and_published(edition, winner_name)
    history = client_for(f"{KALBAR}.ppid").get(f"/api/editions/{edition.pk}/history/").data
    assert [h["transition"] for h in history].count("verify") == 1


def test_api_race_on_verify_by_the_same_user_has_exactly_one_winner(seeded):
    edition = edition_at(KUBU_RAYA, Stage.VERIFICATION, title="Race")
    clients = [client_for(f"{KUBU_RAYA}.ppid") for _ in range(THREADS)]
    url = f"/api/editions/{edition.pk}/transitions/verify/"
    steps_before = Step.objects.filter(edition=edition).count()

    results = run_together(
        [lambda c=c: c.post(url, {"note": "Sudah sesuai."}, format="json") for c in clients]
    )

    winner = assert_single_winner_by_api(results)
    assert winner.data["state"] == Stage.CONSIDERATION
    for _, response in results:
        if response.status_code == 409:
            assert response.data["state"] == Stage.CONSIDERATION
    edition.refresh_from_db()
    # Advanced exactly one stage: verification → consideration, and no further.
    assert edition.state == Stage.CONSIDERATION
    assert transition_rows(edition, "verify").count() == 1
    assert Step.objects.filter(edition=edition).count() == steps_before + 1
    closed = Step.objects.filter(edition=edition, stage=Stage.VERIFICATION).get()
    assert (closed.transition, closed.finished_by.username) == ("verify", f"{KUBU_RAYA}.ppid")
    open_steps = Step.objects.filter(edition=edition, finished_at=None)
    assert [(s.stage, s.role) for s in open_steps] == [(Stage.CONSIDERATION, Role.TIM)]


# --- two different transitions from the same state -----------------------------------------


@pytest.mark.parametrize("attempt", range(3))
def test_service_race_verify_against_return_has_exactly_one_winner(seeded, attempt):
    edition = edition_at(KALBAR, Stage.VERIFICATION, title="Race")
    users = [User.objects.get(username=f"{KALBAR}.ppid") for _ in range(THREADS)]
    names = ["verify", "return"] * (THREADS // 2)

    results = run_together(
        [
            lambda u=u, n=n: services.edition_transition(
                edition=edition.pk,
                name=n,
                user=u,
                note="Ringkasan isi belum lengkap.",
                **decree(),
            )
            for u, n in zip(users, names, strict=True)
        ]
    )

    assert_single_winner_by_service(results)
    winning_name = next(n for (kind, _), n in zip(results, names, strict=True) if kind == "ok")
    edition.refresh_from_db()
    rows = list(transition_rows(edition, "verify", "return"))
    assert [r.transition for r in rows] == [winning_name]
    verification = Step.objects.filter(edition=edition, stage=Stage.VERIFICATION).get()
    assert verification.transition == winning_name
    if winning_name == "verify":
        assert edition.state == Stage.PUBLISHED
        assert EditionRow.objects.filter(edition=edition).count() == edition.entries.count()
    else:
        assert edition.state == Stage.COLLECTION
        assert edition.signed_at is None
        assert not EditionRow.objects.filter(edition=edition).exists()
        assert [s.stage for s in Step.objects.filter(edition=edition, finished_at=None)] == [
            Stage.COLLECTION
        ]


def test_api_race_verify_against_return_has_exactly_one_winner(seeded):
    edition = edition_at(KALBAR, Stage.VERIFICATION, title="Race")
    clients = [client_for(name) for name in [f"{KALBAR}.ppid", *extra_officers(KALBAR, "ppid", 5)]]
    names = ["verify", "return"] * (THREADS // 2)

    results = run_together(
        [
            lambda c=c, n=n: c.post(
                f"/api/editions/{edition.pk}/transitions/{n}/",
                # SOP 002's verify is the signature: it records the decree.
                {"note": "Ringkasan isi belum lengkap.", **decree()},
                format="json",
            )
            for c, n in zip(clients, names, strict=True)
        ]
    )

    assert_single_winner_by_api(results)
    edition.refresh_from_db()
    assert transition_rows(edition, "verify", "return").count() == 1
    assert edition.state in {Stage.PUBLISHED, Stage.COLLECTION}


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else frozen for the transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _wait_for_waiters(count: int) -> None:
    deadline = time.monotonic() + 20
    while _waiting_on_locks() < count:
        assert time.monotonic() < deadline, f"expected {count} requests waiting on the row lock"
        time.sleep(0.02)


def test_loser_of_verify_against_return_gets_already_processed(seeded):
    """Both requests are in flight while the edition is at verification; the verify gets the
    row lock first. The return lost the race and must hear "already processed" (409), not
    "your role may not" (403), although `return` also exists at the next stage (for the tim)."""
    edition = edition_at(KUBU_RAYA, Stage.VERIFICATION, title="Race")
    verifier, returner = client_for(f"{KUBU_RAYA}.ppid"), client_for(f"{KUBU_RAYA}.ppid")
    responses: dict[str, Any] = {}

    def post(key: str, client: APIClient, name: str) -> None:
        try:
            responses[key] = client.post(
                f"/api/editions/{edition.pk}/transitions/{name}/",
                {"note": "Ringkasan isi belum lengkap."},
                format="json",
            )
        except BaseException as error:
            responses[key] = error
        finally:
            connections.close_all()

    first = threading.Thread(target=post, args=("verify", verifier, "verify"), daemon=True)
    second = threading.Thread(target=post, args=("return", returner, "return"), daemon=True)
    with transaction.atomic():
        Edition.objects.select_for_update().get(pk=edition.pk)  # hold the row: both queue up
        first.start()
        _wait_for_waiters(1)
        second.start()
        _wait_for_waiters(2)
    for thread in (first, second):
        thread.join(timeout=60)
    assert not first.is_alive() and not second.is_alive()

    assert responses["verify"].status_code == 200, responses["verify"].data
    assert responses["verify"].data["state"] == Stage.CONSIDERATION
    lost = responses["return"]
    assert transition_rows(edition, "verify", "return").count() == 1
    assert (lost.status_code, lost.data.get("code")) == (409, "already_processed"), lost.data


def test_transitions_on_two_editions_of_one_body_do_not_wait_for_each_other(seeded):
    """The lock is the edition's row only (`of=("self",)`), not its body's: while one edition's
    transition is in flight (its transaction open), a transition on another edition of the
    same body runs through. (Each still takes the body's key-share lock for the rows it writes
    that name the body, which another transition's does not block.)"""
    first = edition_at(KALBAR, Stage.VERIFICATION, title="Pertama", year=2026)
    second = edition_at(KALBAR, Stage.VERIFICATION, title="Kedua", year=2025)
    ppid = User.objects.get(username=f"{KALBAR}.ppid")
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '10s'")
                outcome["edition"] = services.edition_transition(
                    edition=second.pk, name="return", user=ppid, note="Lengkapi ringkasan."
                )
        except BaseException as error:
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    with transaction.atomic():
        services.edition_transition(
            edition=first.pk, name="return", user=ppid, note="Lengkapi daftar."
        )  # in flight: its transaction stays open until the other has run
        thread.start()
        thread.join(timeout=30)
        waited = thread.is_alive()
    thread.join(timeout=30)
    assert not waited, "the second transition waited for the first one's locks"
    assert "error" not in outcome, outcome.get("error")
    assert outcome["edition"].state == Stage.COLLECTION
    assert transition_rows(second, "return").count() == 1
    assert transition_rows(first, "return").count() == 1
