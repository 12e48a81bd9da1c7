"""The audit trail: one row per transition, in the transition's own transaction; nothing for a
refused transition; append-only; and item writes through the API recorded with their actor."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from dip.models import Edition, Item, Stage
from ppid.celery import app as celery_app
from ppid.models import Body
from tests.helpers import FORWARD, decree, edition_at, prepare_transition, utama_of
from workflow import services
from workflow.models import AuditEntry, Sop, Step
from workflow.services.editions import transitions as edition_transitions

User = get_user_model()
BODIES = ["dinsos-p3a-kapuas-hulu", "disdukcapil-kalbar", "disdukcapil-kubu-raya"]
KALBAR = "disdukcapil-kalbar"
KUBU_RAYA = "disdukcapil-kubu-raya"


@pytest.fixture(autouse=True)
def _eager_celery():
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


def transition_rows(edition_id: int):
    return AuditEntry.objects.filter(edition_id=edition_id).exclude(transition="")


def snapshot(edition_id: int):
    """Everything a transition changes: state, steps, audit rows."""
    edition = Edition.objects.get(pk=edition_id)
    steps = list(
        Step.objects.filter(edition_id=edition_id)
        .order_by("pk")
        .values_list("pk", "stage", "finished_at", "transition", "note")
    )
    audit = list(AuditEntry.objects.filter(edition_id=edition_id).values_list("pk", flat=True))
    return edition.state, edition.signed_at, steps, audit


def open_via_api(api, slug: str) -> int:
    body = Body.objects.get(slug=slug)
    kind = Sop.objects.get(body=body, is_active=True).applies_to
    operator = api(f"{slug}.operator")
    created = operator.post(
        "/api/editions/",
        {"body": slug, "kind": kind, "year": timezone.localdate().year, "title": "Audit"},
        format="json",
    )
    assert created.status_code == 201, created.data
    ids = list(body.items.values_list("pk", flat=True))
    added = operator.post(f"/api/editions/{created.data['id']}/items/", {"items": ids})
    assert added.status_code == 200, added.data
    return created.data["id"]


# --- one row per transition ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("slug", BODIES)
def test_every_transition_writes_exactly_one_audit_row(
    seeded, api, slug, django_capture_on_commit_callbacks
):
    """Walk the SOP through the API, returning once from every stage that allows it."""
    edition_id = open_via_api(api, slug)
    returned: set[str] = set()
    made: list[tuple[str, str, str]] = []  # (transition, from, to)
    for _ in range(30):
        edition = Edition.objects.get(pk=edition_id)
        if edition.state in (Stage.PUBLICATION, Stage.PUBLISHED):
            break
        state = edition.state
        can_return = edition.return_target() is not None and state not in returned
        name = "return" if can_return else FORWARD[state]
        if can_return:
            returned.add(state)
        username = f"{slug}.{edition.actor_role}"
        note = "Ringkasan isi belum lengkap." if name == "return" else ""
        # What the stage needs first (the Nota Dinas, the tim's considerations) is no transition.
        prepare_transition(edition, name, User.objects.get(username=username))
        open_step = Step.objects.get(edition_id=edition_id, finished_at=None)
        before = set(transition_rows(edition_id).values_list("pk", flat=True))

        with django_capture_on_commit_callbacks(execute=True):  # publication, after commit
            response = api(username).post(
                f"/api/editions/{edition_id}/transitions/{name}/",
                {"note": note, **decree()},
                format="json",
            )

        assert response.status_code == 200, (name, state, response.data)
        new = list(transition_rows(edition_id).exclude(pk__in=before).order_by("pk"))
        assert [r.transition for r in new][:1] == [name]
        row = new[0]
        edition.refresh_from_db()
        to_state = Stage.PUBLICATION if edition.state == Stage.PUBLISHED else edition.state
        # The only other row a user transition may bring is the system's publication after it.
        assert [r.transition for r in new[1:]] == (
            ["publish"] if edition.state == Stage.PUBLISHED else []
        )
        assert row.action == f"edition.{name}"
        assert row.actor.username == username
        assert (row.from_state, row.to_state) == (state, to_state)
        assert row.note == note
        assert row.body.slug == slug
        assert row.target_type == "dip.edition" and row.target_id == str(edition_id)
        open_step.refresh_from_db()
        assert open_step.finished_at is not None
        assert (open_step.transition, open_step.finished_by.username) == (name, username)
        assert row.duration_seconds == open_step.duration_seconds
        assert row.standard_seconds == open_step.standard_seconds
        assert row.at >= open_step.finished_at
        made.append((name, state, to_state))
    else:
        pytest.fail("the walk did not reach publication")

    edition = Edition.objects.get(pk=edition_id)
    assert edition.state == Stage.PUBLISHED
    rows = list(transition_rows(edition_id).order_by("at", "pk"))
    assert [(r.transition, r.from_state, r.to_state) for r in rows] == [
        *made,
        ("publish", Stage.PUBLICATION, Stage.PUBLISHED),
    ]
    assert rows[-1].actor is None
    assert "return" in [m[0] for m in made]
    assert Step.objects.filter(edition_id=edition_id).exclude(transition="").count() == len(rows)
    history = api(f"{slug}.operator").get(f"/api/editions/{edition_id}/history/").data
    assert [(h["transition"], h["from_state"], h["to_state"]) for h in history] == [
        (r.transition, r.from_state, r.to_state) for r in rows
    ]


# --- refused transitions leave no trace ----------------------------------------------------

REFUSALS = [
    # (who, transition, note, expected status)
    (f"{KUBU_RAYA}.ppid", "return", "", 400),  # a return needs a note
    (f"{KUBU_RAYA}.ppid", "return", "   ", 400),
    (f"{KUBU_RAYA}.operator", "verify", "", 403),  # the operator does not verify
    (f"{KUBU_RAYA}.tim", "verify", "", 403),
    # The atasan returns at approval, not now: "not available now" (409), like a lost race.
    (f"{KUBU_RAYA}.atasan", "return", "Kembalikan.", 409),
    (f"{KUBU_RAYA}.ppid", "submit", "", 409),  # not possible at verification
    (f"{KUBU_RAYA}.ppid", "sign", "", 409),
    (f"{KUBU_RAYA}.operator", "submit", "", 409),
    (f"{KALBAR}.ppid", "verify", "", 404),  # another body's edition
    (utama_of(KUBU_RAYA), "verify", "", 403),  # oversees the body, not its PPID's step
    ("ppid-utama", "verify", "", 404),  # the province's PPID Utama: two levels up
]


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "name", "note", "status"), REFUSALS)
def test_refused_transition_writes_no_audit_row_and_changes_no_step(
    seeded, api, username, name, note, status
):
    edition = edition_at(KUBU_RAYA, Stage.VERIFICATION, title="Audit")
    before = snapshot(edition.pk)
    total = AuditEntry.objects.count()

    response = api(username).post(
        f"/api/editions/{edition.pk}/transitions/{name}/", {"note": note}, format="json"
    )

    assert response.status_code == status, response.data
    if status == 400:
        assert "note" in response.data
    if status == 409:
        assert response.data["code"] == "already_processed"
    assert snapshot(edition.pk) == before
    assert AuditEntry.objects.count() == total


@pytest.mark.django_db
def test_refused_service_call_writes_nothing(seeded):
    edition = edition_at(KUBU_RAYA, Stage.VERIFICATION, title="Audit")
    before = snapshot(edition.pk)
    operator = User.objects.get(username=f"{KUBU_RAYA}.operator")

    for name in ("verify", "return", "submit", "publish", "bogus"):
        with pytest.raises(Exception):  # noqa: B017 - any refusal; the point is what stays
            services.edition_transition(edition=edition.pk, name=name, user=operator, note="x")

    assert snapshot(edition.pk) == before


# --- the same transaction ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_when_the_audit_row_cannot_be_written_the_transition_does_not_happen(seeded, monkeypatch):
    edition = edition_at(KUBU_RAYA, Stage.VERIFICATION, title="Audit")
    before = snapshot(edition.pk)
    ppid = User.objects.get(username=f"{KUBU_RAYA}.ppid")

    def broken(*args, **kwargs):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(edition_transitions, "_audit_transition", broken)
    with pytest.raises(RuntimeError):
        services.edition_transition(edition=edition.pk, name="verify", user=ppid)

    assert snapshot(edition.pk) == before
    assert Step.objects.get(edition=edition, finished_at=None).stage == Stage.VERIFICATION


@pytest.mark.django_db(transaction=True)
def test_when_the_transition_fails_after_its_audit_row_the_row_is_rolled_back(seeded, monkeypatch):
    """Signing writes its audit row and then registers the publication for after commit; a
    failure there must take the audit row back with the state change."""
    # kalbar: verify signs (→ publication)
    edition = edition_at(KALBAR, Stage.VERIFICATION, title="Audit")
    before = snapshot(edition.pk)
    ppid = User.objects.get(username=f"{KALBAR}.ppid")
    seen = []

    def failing_on_commit(func, using=None, robust=False):
        seen.append(transition_rows(edition.pk).filter(transition="verify").count())
        raise RuntimeError("after the audit row")

    monkeypatch.setattr(transaction, "on_commit", failing_on_commit)
    with pytest.raises(RuntimeError):
        services.edition_transition(edition=edition.pk, name="verify", user=ppid, **decree())

    assert seen == [1]  # the row existed inside the transaction …
    assert snapshot(edition.pk) == before  # … and went with it
    edition.refresh_from_db()
    assert edition.signed_at is None
    assert not edition.rows.exists()


@pytest.mark.django_db(transaction=True)
def test_committed_transition_has_its_audit_row_committed(seeded):
    edition = edition_at(KUBU_RAYA, Stage.VERIFICATION, title="Audit")
    ppid = User.objects.get(username=f"{KUBU_RAYA}.ppid")

    services.edition_transition(edition=edition.pk, name="verify", user=ppid, note="OK")

    row = transition_rows(edition.pk).get(transition="verify")
    assert (row.from_state, row.to_state, row.note) == (
        Stage.VERIFICATION,
        Stage.CONSIDERATION,
        "OK",
    )
    assert Edition.objects.get(pk=edition.pk).state == Stage.CONSIDERATION


# --- append-only ---------------------------------------------------------------------------


@pytest.fixture
def entry(seeded):
    edition = edition_at(KUBU_RAYA, Stage.VERIFICATION, title="Audit")
    return transition_rows(edition.pk).order_by("pk").first()


def _values(pk):
    return AuditEntry.objects.filter(pk=pk).values().get()


@pytest.mark.django_db
def test_audit_entry_cannot_be_saved_again(entry):
    original = _values(entry.pk)
    entry.note = "diubah"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.save(update_fields=["note"])
    assert _values(entry.pk) == original


@pytest.mark.django_db
def test_audit_entry_cannot_be_deleted(entry):
    original = _values(entry.pk)
    with pytest.raises(TypeError):
        entry.delete()
    assert _values(entry.pk) == original


@pytest.mark.django_db
@pytest.mark.parametrize(
    "attempt",
    [
        lambda e: AuditEntry.objects.filter(pk=e.pk).update(note="diubah"),
        lambda e: AuditEntry.objects.all().update(note="diubah"),
        lambda e: AuditEntry.objects.update(note="diubah"),
        lambda e: AuditEntry.objects.filter(pk=e.pk).delete(),
        lambda e: AuditEntry.objects.all().delete(),
        lambda e: AuditEntry.objects.bulk_update([e], ["note"]),
        lambda e: e.edition.audit_entries.all().delete(),
        lambda e: e.edition.audit_entries.update(note="diubah"),
        lambda e: AuditEntry.objects.update_or_create(pk=e.pk, defaults={"note": "diubah"}),
    ],
    ids=[
        "filter-update",
        "all-update",
        "manager-update",
        "filter-delete",
        "all-delete",
        "bulk_update",
        "related-delete",
        "related-update",
        "update_or_create",
    ],
)
def test_audit_queryset_cannot_update_or_delete(entry, attempt):
    original = _values(entry.pk)
    count = AuditEntry.objects.count()
    with pytest.raises(TypeError), transaction.atomic():
        attempt(entry)
    assert _values(entry.pk) == original
    assert AuditEntry.objects.count() == count


@pytest.mark.django_db
def test_audited_objects_cannot_be_deleted_from_under_the_trail(entry):
    with pytest.raises(ProtectedError), transaction.atomic():
        Edition.objects.filter(pk=entry.edition_id).delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        User.objects.filter(pk=entry.actor_id).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_admin_cannot_change_or_delete_audit_entries(entry, client):
    client.force_login(User.objects.get(username="admin"))
    original = _values(entry.pk)
    change = f"/admin/workflow/auditentry/{entry.pk}/change/"
    delete = f"/admin/workflow/auditentry/{entry.pk}/delete/"

    assert client.get("/admin/workflow/auditentry/").status_code == 200
    assert client.post(change, {"note": "diubah"}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get("/admin/workflow/auditentry/add/").status_code == 403
    assert _values(entry.pk) == original


# --- item writes through the API -----------------------------------------------------------

NEW_ITEM = {
    "body": KALBAR,
    "title": "Jadwal pelayanan perekaman KTP-el di kecamatan",
    "summary": "Jadwal dan lokasi pelayanan jemput bola perekaman KTP-el.",
    "classification": "serta_merta",
    "holding_unit": "Bidang Pelayanan Pendaftaran Penduduk",
    "responsible": "Kepala Bidang Pelayanan Pendaftaran Penduduk",
    "produced_at": "2026-01-05",
    "produced_place": "Pontianak",
    "form": "softcopy",
    "retention": "1 tahun",
}


def item_rows(item_id, action=None):
    rows = AuditEntry.objects.filter(target_type="dip.item", target_id=str(item_id))
    return rows.filter(action=action) if action else rows


@pytest.mark.django_db
def test_item_create_update_delete_are_audited_with_the_actor(seeded, api):
    operator = api(f"{KALBAR}.operator")
    body = Body.objects.get(slug=KALBAR)

    created = operator.post("/api/items/", NEW_ITEM, format="json")
    assert created.status_code == 201, created.data
    item_id = created.data["id"]
    [row] = item_rows(item_id)
    assert row.action == "item.create"
    assert row.actor.username == f"{KALBAR}.operator"
    assert row.body == body
    assert row.edition is None
    assert row.data == {"title": NEW_ITEM["title"], "classification": "serta_merta"}

    ppid = api(f"{KALBAR}.ppid")
    updated = ppid.patch(
        f"/api/items/{item_id}/", {"title": "Jadwal perekaman KTP-el 2026"}, format="json"
    )
    assert updated.status_code == 200, updated.data
    [row] = item_rows(item_id, "item.update")
    assert row.actor.username == f"{KALBAR}.ppid"
    assert row.body == body
    assert row.data == {"title": "Jadwal perekaman KTP-el 2026"}

    deleted = operator.delete(f"/api/items/{item_id}/")
    assert deleted.status_code == 204
    assert not Item.objects.filter(pk=item_id).exists()
    [row] = item_rows(item_id, "item.delete")
    assert row.actor.username == f"{KALBAR}.operator"
    assert row.data == {"title": "Jadwal perekaman KTP-el 2026"}
    assert list(item_rows(item_id).order_by("at", "pk").values_list("action", flat=True)) == [
        "item.create",
        "item.update",
        "item.delete",
    ]


@pytest.mark.django_db
def test_ppid_utama_writes_are_audited_as_ppid_utama(seeded, api):
    created = api(utama_of(KUBU_RAYA)).post(
        "/api/items/", {**NEW_ITEM, "body": KUBU_RAYA, "title": "Dari PPID Utama"}, format="json"
    )
    assert created.status_code == 201, created.data
    [row] = item_rows(created.data["id"], "item.create")
    assert row.actor.username == utama_of(KUBU_RAYA)
    assert row.body.slug == KUBU_RAYA


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "method", "payload", "status"),
    [
        (f"{KALBAR}.operator", "post", {**NEW_ITEM, "title": ""}, 400),
        (f"{KALBAR}.operator", "post", {**NEW_ITEM, "classification": "rahasia"}, 400),
        (f"{KALBAR}.operator", "post", {**NEW_ITEM, "produced_at": "2999-01-01"}, 400),
        (f"{KALBAR}.operator", "post", {**NEW_ITEM, "exemption_ground": "h"}, 400),
        (f"{KALBAR}.operator", "post", {**NEW_ITEM, "body": KUBU_RAYA}, 400),
        (f"{KUBU_RAYA}.tim", "post", {**NEW_ITEM, "body": KUBU_RAYA}, 403),
        (f"{KALBAR}.operator", "patch", {"classification": "rahasia"}, 400),
        (f"{KALBAR}.operator", "patch", {"produced_at": "2999-01-01"}, 400),
        (f"{KUBU_RAYA}.operator", "patch", {"title": "Bukan milik saya"}, 404),
        (f"{KUBU_RAYA}.operator", "delete", None, 404),
    ],
)
def test_refused_item_writes_are_not_audited(seeded, api, username, method, payload, status):
    item = Item.objects.filter(body__slug=KALBAR).order_by("pk").first()
    title = item.title
    total = AuditEntry.objects.count()
    client = api(username)

    if method == "post":
        response = client.post("/api/items/", payload, format="json")
    elif method == "patch":
        response = client.patch(f"/api/items/{item.pk}/", payload, format="json")
    else:
        response = client.delete(f"/api/items/{item.pk}/")

    assert response.status_code == status, response.data
    assert AuditEntry.objects.count() == total
    item.refresh_from_db()
    assert item.title == title
