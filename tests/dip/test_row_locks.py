"""Row locks on PostgreSQL: a service that edits one item locks that item's row only, with FOR
NO KEY UPDATE, so that the rest of the body goes on meanwhile. Every insert of a row naming the
body (an item, an audit entry) or the item (an edition's row) takes a key-share lock on it,
which a FOR UPDATE on the body or the item would make wait until the editor commits.

Each test holds an editing service's transaction open in the main thread and runs the other
work in a thread with its own connection and a short `lock_timeout`: on a lock too wide it
fails at once ("canceling statement due to lock timeout") instead of hanging."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from django.utils import timezone

from dip import services as dip_services
from dip.models import (
    Announcement,
    AnnouncementKind,
    Classification,
    ClassificationChange,
    Edition,
    EditionItem,
    EditionKind,
    Item,
    Stage,
)
from dip.services import classification, exemptions, rowflags
from dip.services.editions import body_lock
from ppid.calendar import body_today
from ppid.models import Body
from tests.factories import ItemFactory
from tests.helpers import advance, edition_at, officers_of
from tests.workflow.test_concurrency import THREADS, _wait_for_waiters, run_together
from workflow import services as workflow_services
from workflow.models import AuditEntry, SertaMertaRequest, SertaMertaState, Sop, Step
from workflow.services import sertamerta
from workflow.services.sops import sop_revise, sop_step_rows

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

KALBAR = "disdukcapil-kalbar"  # SOP for the DIP
KUBU_RAYA = "disdukcapil-kubu-raya"  # SOP 004 for the DIK: operator, ppid, tim, atasan


def in_thread(work: Callable[[], Any], *, lock_timeout: str = "3s") -> dict[str, Any]:
    """Run `work` in one transaction on another connection while the caller's stays open;
    {"result": ...} or {"error": ...}. The thread is joined before this returns."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL lock_timeout = '{lock_timeout}'")
                outcome["result"] = work()
        except BaseException as error:
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the other connection hung"
    return outcome


def _berkala(body: Body, title: str) -> Item:
    return ItemFactory(
        body=body, title=title, classification=Classification.BERKALA, update_period_months=6
    )


# Each holder edits `item` in the main thread's open transaction, through a service that locks
# the item's row.
HOLDERS: dict[str, Callable[[Item, dict[str, Any]], Any]] = {
    "item_update": lambda item, officers: dip_services.item_update(
        item=item, user=officers["operator"], summary="Diperbarui oleh petugas pertama."
    ),
    "item_mark_updated": lambda item, officers: rowflags.item_mark_updated(
        item=item, user=officers["operator"], updated_on=timezone.localdate()
    ),
    "classification_change_propose": lambda item, officers: (
        classification.classification_change_propose(
            item=item,
            user=officers["operator"],
            to_classification=Classification.SETIAP_SAAT,
            reason="Sudah tidak perlu dikecualikan.",
        )
    ),
}


@pytest.mark.parametrize("holder", list(HOLDERS))
def test_an_item_being_edited_blocks_nothing_else_in_its_body(seeded, holder):
    body = Body.objects.get(slug=KUBU_RAYA)
    officers = officers_of(body)
    if holder == "classification_change_propose":
        held = body.items.filter(classification=Classification.DIKECUALIKAN).first()
    else:
        held = _berkala(body, "Laporan keuangan berkala")
    other = _berkala(body, "Profil badan publik")
    dip = workflow_services.edition_open(
        body=body, kind=EditionKind.DIP, year=2026, title="DIP 2026", user=officers["operator"]
    )
    audit_before = AuditEntry.objects.filter(body=body).count()

    def meanwhile() -> tuple[Item, Item]:
        created = ItemFactory(body=body, title="Informasi baru")  # through item_create
        updated = dip_services.item_update(
            item=other, user=officers["operator"], summary="Diperbarui oleh petugas kedua."
        )
        # The item being edited goes into an edition meanwhile: the new row names it.
        if held.classification != Classification.DIKECUALIKAN:
            dip_services.edition_add_items(edition=dip, items=[held], user=officers["operator"])
        return created, updated

    with transaction.atomic():
        HOLDERS[holder](held, officers)  # in flight: the item's row stays locked
        outcome = in_thread(meanwhile)

    assert "error" not in outcome, f"waited for the {holder} lock: {outcome.get('error')!r}"
    created, updated = outcome["result"]
    assert Item.objects.get(pk=created.pk).title == "Informasi baru"
    assert Item.objects.get(pk=updated.pk).summary == "Diperbarui oleh petugas kedua."
    if held.classification != Classification.DIKECUALIKAN:
        assert EditionItem.objects.filter(edition=dip, item=held).exists()
    actions = list(
        AuditEntry.objects.filter(body=body)
        .order_by("pk")
        .values_list("action", flat=True)[audit_before:]
    )
    assert {"item.create", "item.update"} <= set(actions), actions


def test_two_items_of_one_body_are_edited_at_once(seeded):
    """Two officers each saving another item of the same body: neither waits for the other."""
    body = Body.objects.get(slug=KALBAR)
    operator = officers_of(body)["operator"]
    first, second = ItemFactory(body=body), ItemFactory(body=body)

    with transaction.atomic():
        dip_services.item_update(item=first, user=operator, summary="Petugas pertama.")
        outcome = in_thread(
            lambda: dip_services.item_update(item=second, user=operator, summary="Petugas kedua.")
        )

    assert "error" not in outcome, outcome.get("error")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.summary, second.summary) == ("Petugas pertama.", "Petugas kedua.")


def test_one_item_is_still_edited_by_one_officer_at_a_time(seeded):
    """The lock still does its work: a second edit of the same item waits (and here, with a
    short lock timeout, gives up) while the first is in flight."""
    body = Body.objects.get(slug=KALBAR)
    operator = officers_of(body)["operator"]
    item = ItemFactory(body=body)

    with transaction.atomic():
        dip_services.item_update(item=item, user=operator, summary="Petugas pertama.")
        outcome = in_thread(
            lambda: dip_services.item_update(item=item, user=operator, summary="Petugas kedua."),
            lock_timeout="300ms",
        )

    assert "lock timeout" in str(outcome.get("error")), outcome
    item.refresh_from_db()
    assert item.summary == "Petugas pertama."


# --- numbering within a body still one at a time -------------------------------------------


def test_revisions_opened_at_once_get_distinct_numbers(seeded):
    """The body's FOR NO KEY UPDATE lock in `edition_create` conflicts with itself: editions of
    one body, kind and year opened at the same instant are numbered one after another."""
    body = Body.objects.get(slug=KALBAR)
    operator = officers_of(body)["operator"]

    results = run_together(
        [
            lambda n=n: (
                workflow_services.edition_open(
                    body=body,
                    kind=EditionKind.DIP,
                    year=2026,
                    title=f"DIP {n}",
                    user=operator,
                    revise=True,
                ).revision
            )
            for n in range(THREADS)
        ]
    )

    assert all(kind == "ok" for kind, _ in results), results
    assert sorted(value for _, value in results) == list(range(THREADS))


def waits_for_held(hold: Callable[[], Any], other: Callable[[], Any]) -> tuple[Any, Any]:
    """Run `hold` in the main thread's open transaction, then `other` on another connection,
    which must wait for a lock `hold` took; `other` ends after the commit. Returns both
    results (`other`'s error fails the test)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = other()
        except BaseException as error:
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    with transaction.atomic():
        held = hold()
        thread.start()
        _wait_for_waiters(1)  # `other` waits for the body's row
    thread.join(timeout=30)
    assert not thread.is_alive(), "the other connection hung"
    assert "error" not in outcome, outcome.get("error")
    return held, outcome["result"]


def open_in(body: Body, kind: str) -> Callable[[], Edition]:
    return lambda: workflow_services.edition_open(
        body=body, kind=kind, year=2026, title=kind.upper(), user=officers_of(body)["operator"]
    )


def test_a_change_proposed_while_a_dik_is_opened_rides_on_it(seeded):
    """A proposal in flight holds the body's lock; the DIK opened meanwhile waits for it and
    then takes the change (it would otherwise miss the change, which would miss the DIK)."""
    body = Body.objects.get(slug=KUBU_RAYA)
    officers = officers_of(body)
    item = body.items.filter(classification=Classification.DIKECUALIKAN).first()

    def propose() -> ClassificationChange:
        change = classification.classification_change_propose(
            item=item,
            user=officers["operator"],
            to_classification=Classification.SETIAP_SAAT,
            reason="Sudah tidak perlu dikecualikan.",
        )
        assert change.edition is None  # no DIK yet
        return change

    change, dik = waits_for_held(propose, open_in(body, EditionKind.DIK))

    change = ClassificationChange.objects.get(pk=change.pk)
    assert change.edition_id == dik.pk


def _in_the_dip(item: Item, dip: Edition) -> None:
    """The item is listed in the DIP opened at the same moment, and waits for no other."""
    assert list(EditionItem.objects.filter(item=item).values_list("edition_id", flat=True)) == [
        dip.pk
    ]
    assert not Item.objects.get(pk=item.pk).reopened_awaiting_dip


@pytest.mark.parametrize("first", ["signature", "dip_opened"])
def test_an_item_reopened_while_a_dip_is_opened_goes_into_it(seeded, first):
    """The DIK's signature opens an item while a DIP is being opened: whichever takes the
    body's row first, the other waits for it, and the item is listed in that DIP (each would
    otherwise miss the other, and the item would wait for next year's DIP)."""
    body = Body.objects.get(slug=KUBU_RAYA)
    officers = officers_of(body)
    item = body.items.filter(classification=Classification.DIKECUALIKAN).first()
    classification.classification_change_propose(
        item=item,
        user=officers["operator"],
        to_classification=Classification.SETIAP_SAAT,
        reason="Sudah tidak perlu dikecualikan.",
    )
    dik = open_in(body, EditionKind.DIK)()
    while dik.next_stage() != Stage.PUBLICATION:
        dik = advance(dik, officers)

    def sign() -> Edition:
        signed = advance(dik, officers)
        assert Item.objects.get(pk=item.pk).classification == Classification.SETIAP_SAAT
        return signed

    if first == "signature":
        signed, dip = waits_for_held(sign, open_in(body, EditionKind.DIP))
    else:
        dip, signed = waits_for_held(open_in(body, EditionKind.DIP), sign)

    assert signed.state in (Stage.PUBLICATION, Stage.PUBLISHED)
    _in_the_dip(item, dip)


@pytest.mark.parametrize("first", ["announcement", "dip_opened"])
def test_an_item_announced_serta_merta_while_a_dip_is_opened_goes_into_it(seeded, first):
    """The PPID approves a serta merta announcement while a DIP is being opened: whichever
    takes the body's row first, the other waits for it, and the item is listed in that DIP."""
    body = Body.objects.get(slug=KALBAR)
    officers = officers_of(body)
    item = ItemFactory(
        body=body, title="Peringatan dini banjir", classification=Classification.SERTA_MERTA
    )
    request = sertamerta.serta_merta_request_create(item=item, user=officers["operator"])

    def approve() -> SertaMertaRequest:
        return sertamerta.serta_merta_request_approve(request=request, user=officers["ppid"])

    if first == "announcement":
        approved, dip = waits_for_held(approve, open_in(body, EditionKind.DIP))
    else:
        dip, approved = waits_for_held(open_in(body, EditionKind.DIP), approve)

    assert approved.state == SertaMertaState.DISETUJUI
    assert Announcement.objects.filter(item=item, kind=AnnouncementKind.SERTA_MERTA).exists()
    _in_the_dip(item, dip)


def test_publishing_an_edition_blocks_nothing_else_in_its_body(seeded):
    """The publication sweep locks the signed edition's row, not its body's: an item created
    in the body meanwhile is stored at once."""
    edition = edition_at(KALBAR, Stage.PUBLICATION)
    # As the sweep finds it: signed, not yet published, its publication step open.
    Edition.objects.filter(pk=edition.pk).update(state=Stage.PUBLICATION, published_at=None)
    last = Step.objects.filter(edition=edition).order_by("-started_at", "-pk").first()
    assert last.stage == Stage.PUBLICATION
    Step.objects.filter(pk=last.pk).update(finished_at=None, transition="", finished_by=None)
    with transaction.atomic():
        published = workflow_services.edition_publish(edition_id=edition.pk)
        outcome = in_thread(lambda: ItemFactory(body=edition.body, title="Informasi baru"))
    assert published.state == Stage.PUBLISHED
    assert Step.objects.get(pk=last.pk).finished_at is not None
    assert "error" not in outcome, f"waited for the publication's lock: {outcome.get('error')!r}"
    assert Item.objects.filter(body=edition.body, title="Informasi baru").exists()


SIAK = "Hak akses dan konfigurasi keamanan SIAK"  # dikecualikan until an event, at Kubu Raya


def _sweep_ends(item: Item) -> Callable[[], Any]:
    Item.objects.filter(pk=item.pk).update(
        exemption_until=date(2025, 6, 30), exemption_permanent=False, exemption_event=""
    )
    return lambda: rowflags.item_flag_exemption_ended(item_id=item.pk, today=date(2026, 1, 2))


def _event_closed(item: Item) -> Callable[[], Any]:
    item = Item.objects.get(pk=item.pk)
    ppid = officers_of(item.body)["ppid"]
    return lambda: exemptions.item_exemption_event_close(
        item=item, user=ppid, happened_on=body_today(item.body), note="SIAK lama dihentikan."
    )


@pytest.mark.parametrize("entry", [_sweep_ends, _event_closed], ids=["sweep", "event"])
def test_what_ends_an_exemption_locks_the_body_before_the_item(seeded, entry):
    """An exemption that ends opens a classification change, which looks for the DIK being
    assembled under the body's lock. Its item is locked after the body, as a proposal or a DIP
    being opened lock them: the other order deadlocks against those (PostgreSQL aborts one).
    While another transaction holds the body, the item stays free until the body is let go."""
    body = Body.objects.get(slug=KUBU_RAYA)
    run = entry(Item.objects.get(body=body, title=SIAK))
    outcome: dict[str, Any] = {}

    def other() -> None:
        try:
            with transaction.atomic():
                outcome["result"] = run()
        except BaseException as error:
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=other, daemon=True)
    with transaction.atomic():
        body_lock(body.pk)  # as a proposal or a DIP being opened holds it
        thread.start()
        _wait_for_waiters(1)
        # The other waits for the body without holding the item: it can be locked at once.
        Item.objects.select_for_update(of=("self",), no_key=True, nowait=True).get(
            body=body, title=SIAK
        )
    thread.join(timeout=30)
    assert not thread.is_alive(), "the other connection hung"
    assert "error" not in outcome, outcome.get("error")
    assert ClassificationChange.objects.filter(item__title=SIAK, item__body=body).count() == 1


def _revise(body: Body) -> Callable[[], Any]:
    sop = Sop.objects.filter(body=body, is_active=True, is_default_route=False).first()
    return lambda: sop_revise(
        sop=sop,
        user=officers_of(body)["atasan"],
        header={"name": "Versi dua"},
        steps=sop_step_rows(sop),
    )


def _withdraw_default(body: Body) -> Callable[[], Any]:
    utama = Body.objects.get(slug=UTAMA)
    user = get_user_model().objects.get(username="ppid-utama")
    return lambda: workflow_services.default_route_withdraw(body=utama, kind="dik", user=user)


UTAMA = "ppid-utama-kalbar"  # sets the demo's default routes


@pytest.mark.parametrize("holder", [_revise, _withdraw_default], ids=["revise", "withdraw"])
def test_an_sop_being_changed_blocks_nothing_else_in_its_body(seeded, holder):
    """Revising an SOP or withdrawing a default route locks the SOP's row, not its body's (the
    SOP's default order joins the body): what numbers within the body meanwhile (an edition, a
    request, an objection: the body's own lock) goes on at once."""
    body = Body.objects.get(slug=KALBAR)
    run = holder(body)
    sop_body = Body.objects.get(slug=UTAMA) if holder is _withdraw_default else body
    with transaction.atomic():
        changed = run()
        outcome = in_thread(lambda: body_lock(sop_body.pk))
    assert changed.pk
    assert "error" not in outcome, f"waited for the SOP's lock: {outcome.get('error')!r}"
