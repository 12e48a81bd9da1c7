"""Who may run which transition: stage, transition, role, own or other body → HTTP status.

The expected table is written out from the seed SOPs (DOMAIN.md), not read from the code's
routes, so a wrong route fails here. For every (body, stage) one edition is built once per module
(by the services); each test runs inside a savepoint, so the one allowed call in it is undone.

Expected answers:
- 404 for a caller of another body (the edition is invisible: ids do not leak);
- 409 when the transition is not available from the edition's stage;
- 403 when it is available but the caller's role is not the one the SOP names for the stage;
- except for `return` by a role that may return the edition at another stage of the same route:
  that caller's own step was overtaken (another officer of that role already returned or
  passed it on), so the answer is 409 "already processed", as for a lost race;
- 200 for that role only (a `return` only where the SOP step names a stage to return to).
A denied call changes nothing: same state, no new step, no new audit row, nothing signed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model

from dip import services as dip_services
from dip.models import Edition, EditionRow
from ppid.models import Body
from tests.factories import BodyFactory, OfficerFactory
from tests.helpers import decree, drive_to, prepare_next, utama_of
from workflow import services
from workflow.models import AuditEntry, Step

User = get_user_model()

DINSOS = "dinsos-p3a-kapuas-hulu"
KALBAR = "disdukcapil-kalbar"
KUBU = "disdukcapil-kubu-raya"
OTHER_UTAMA = "ppid-utama-other"

# The seed SOPs as DOMAIN.md states them: (stage, who acts, where a return goes).
ROUTES: dict[str, list[tuple[str, str, str | None]]] = {
    DINSOS: [
        ("identification", "operator", None),
        ("instruction", "ppid", None),
        ("collection", "operator", None),
        ("verification", "ppid", "collection"),
        ("approval", "atasan", "verification"),
        ("publication", "system", None),
    ],
    KALBAR: [
        ("collection", "operator", None),
        ("verification", "ppid", "collection"),
        ("publication", "system", None),
    ],
    KUBU: [
        ("collection", "operator", None),
        ("verification", "ppid", "collection"),
        ("consideration", "tim", "verification"),
        ("approval", "atasan", "consideration"),
        ("publication", "system", None),
    ],
}
KIND = {DINSOS: "dip", KALBAR: "dip", KUBU: "dik"}
# Whose officers play "another body" for each body.
OTHER_BODY = {DINSOS: KUBU, KALBAR: KUBU, KUBU: DINSOS}
# Transition name → the stage it completes.
COMPLETES = {
    "identify": "identification",
    "instruct": "instruction",
    "submit": "collection",
    "verify": "verification",
    "consider": "consideration",
    "sign": "approval",
}
TRANSITIONS = [*COMPLETES, "return"]
ROLES = ["operator", "ppid", "tim", "atasan", "ppid_utama"]

CASES = [
    (slug, stage, name)
    for slug, route in ROUTES.items()
    for stage in [s for s, _role, _ret in route] + ["published"]
    for name in TRANSITIONS
]


def _route(slug: str, stage: str) -> tuple[str | None, str | None, str | None]:
    """(actor, return target, next stage) of a stage in a body's route."""
    stages = ROUTES[slug]
    for index, (name, actor, return_to) in enumerate(stages):
        if name == stage:
            following = stages[index + 1][0] if index + 1 < len(stages) else "published"
            return actor, return_to, following
    return None, None, None


def _available(slug: str, stage: str, name: str) -> bool:
    _actor, return_to, _next = _route(slug, stage)
    if name == "return":
        return return_to is not None
    return COMPLETES[name] == stage


def _target(slug: str, stage: str, name: str) -> str:
    _actor, return_to, following = _route(slug, stage)
    return return_to if name == "return" else following


def _username(slug: str, role: str) -> str:
    if role == "ppid_utama":
        return utama_of(slug) if slug != OTHER_UTAMA else f"{OTHER_UTAMA}.utama"
    return f"{slug}.{role}"


def _callers(slug: str) -> list[tuple[str, str, bool]]:
    """(label, username, own body?) for the five roles in this body and in another one."""
    own = [(role, _username(slug, role), True) for role in ROLES]
    other_slug = OTHER_BODY[slug]
    other = [(f"other:{role}", _username(other_slug, role), False) for role in ROLES[:-1]]
    other.append(("other:ppid_utama", _username(OTHER_UTAMA, "ppid_utama"), False))
    return own + other


def _expected(slug: str, stage: str, name: str, role: str, own: bool) -> int:
    if not own:
        return 404
    if not _available(slug, stage, name):
        return 409
    actor, _return_to, _next = _route(slug, stage)
    if role == actor:
        return 200
    returners = {who for _stage, who, return_to in ROUTES[slug] if return_to}
    if name == "return" and role in returners:
        return 409  # its own return was overtaken: "already processed"
    return 403


@pytest.fixture(scope="module")
def editions(module_data) -> Iterator[dict[tuple[str, str], int]]:
    """One edition per (body, stage), built once for the module; rolled back at the end."""
    with module_data():
        # Give every body the full set of roles, including those its SOP never names (a tim in
        # a body without a Tim Pertimbangan may act nowhere), and a PPID Utama over other bodies.
        for slug in ROUTES:
            for role in ROLES[:-1]:
                if not User.objects.filter(username=f"{slug}.{role}").exists():
                    OfficerFactory(username=f"{slug}.{role}", body=slug, roles=[role])
        other_utama = BodyFactory(slug=OTHER_UTAMA, name="PPID Utama Provinsi Lain")
        BodyFactory(slug="dinas-lain", name="Dinas di provinsi lain", parent=other_utama)
        OfficerFactory(
            username=_username(OTHER_UTAMA, "ppid_utama"), body=other_utama, roles=["ppid_utama"]
        )

        built: dict[tuple[str, str], int] = {}
        for slug, route in ROUTES.items():
            body = Body.objects.get(slug=slug)
            officers = {r: User.objects.get(username=f"{slug}.{r}") for r in ROLES[:-1]}
            for stage in [s for s, _role, _ret in route] + ["published"]:
                edition = services.edition_open(
                    body=body,
                    kind=KIND[slug],
                    year=2026,
                    title=f"{KIND[slug].upper()} 2026 ({stage})",
                    user=officers["operator"],
                    revise=True,
                )
                dip_services.edition_add_items(
                    edition=edition, items=body.items.all(), user=officers["operator"]
                )
                edition = drive_to(edition, stage, officers)
                assert edition.state == stage
                # What the stage's own transition needs first (the Nota Dinas, the tim's
                # considerations) is written, so that the one allowed caller may run it.
                prepare_next(edition, officers)
                built[(slug, stage)] = edition.pk
        yield built


def _snapshot(edition_id: int) -> tuple:
    edition = Edition.objects.get(pk=edition_id)
    return (
        edition.state,
        edition.signed_at,
        edition.published_at,
        Step.objects.filter(edition_id=edition_id).count(),
        Step.objects.filter(edition_id=edition_id, finished_at=None).values_list("stage").first(),
        AuditEntry.objects.count(),
        EditionRow.objects.filter(edition_id=edition_id).count(),
    )


@pytest.mark.parametrize(("slug", "stage", "name"), CASES, ids=["-".join(c) for c in CASES])
def test_transition_permission_table(editions, db, api, slug, stage, name):
    edition_id = editions[(slug, stage)]
    url = f"/api/editions/{edition_id}/"
    callers = _callers(slug)
    expected = {label: _expected(slug, stage, name, label, own) for label, _u, own in callers}
    assert list(expected.values()).count(200) <= 1
    # The one caller who may act goes last: every denied call meets the same edition.
    callers.sort(key=lambda c: expected[c[0]] == 200)

    got: dict[str, int] = {}
    problems: list[str] = []
    before = _snapshot(edition_id)
    for label, username, _own in callers:
        client = api(username)
        seen = client.get(url)
        if expected[label] == 404:
            if seen.status_code != 404:
                problems.append(f"{label}: GET {seen.status_code}, expected 404")
        elif seen.status_code != 200:
            problems.append(f"{label}: GET {seen.status_code}, expected 200")
        else:
            offered = name in seen.json()["transitions"]
            if offered != (expected[label] == 200):
                problems.append(f"{label}: `transitions` offers {name}: {offered}")

        response = client.post(
            f"{url}transitions/{name}/", {"note": "Catatan uji.", **decree()}, format="json"
        )
        got[label] = response.status_code
        if response.status_code != expected[label]:
            problems.append(f"{label}: {response.status_code} {response.content[:300]!r}")
        if response.status_code != 200:
            if _snapshot(edition_id) != before:
                problems.append(f"{label}: denied {name} changed the edition or the audit trail")
            continue
        # The allowed call moved the edition and wrote one audit row for it.
        target = _target(slug, stage, name)
        if response.json()["state"] != target:
            problems.append(f"{label}: {name} went to {response.json()['state']}, not {target}")
        entries = list(AuditEntry.objects.filter(edition_id=edition_id, transition=name))
        last = entries[-1] if entries else None
        if not (
            last is not None
            and last.actor.username == username
            and last.from_state == stage
            and last.to_state == target
            and AuditEntry.objects.count() == before[5] + 1
        ):
            problems.append(f"{label}: {name} did not write exactly one matching audit row")

    assert problems == []
    assert got == expected


@pytest.mark.parametrize("slug", list(ROUTES))
def test_publish_is_run_by_the_system_only(editions, db, api, slug):
    edition_id = editions[(slug, "publication")]
    before = _snapshot(edition_id)
    for role in ROLES:
        response = api(_username(slug, role)).post(
            f"/api/editions/{edition_id}/transitions/publish/", {"note": ""}, format="json"
        )
        # `publish` is no transition of the API (README: the user transitions): unknown, 404.
        assert response.status_code == 404, (role, response.status_code)
        assert _snapshot(edition_id) == before
    assert Edition.objects.get(pk=edition_id).state == "publication"


@pytest.mark.parametrize("slug", list(ROUTES))
def test_unknown_transition_is_404_and_changes_nothing(editions, db, api, slug):
    edition_id = editions[(slug, "collection")]
    before = _snapshot(edition_id)
    response = api(_username(slug, "operator")).post(
        f"/api/editions/{edition_id}/transitions/approve/", {"note": "x"}, format="json"
    )
    assert response.status_code == 404
    assert _snapshot(edition_id) == before


def test_anonymous_caller_cannot_run_a_transition(editions, db, api):
    edition_id = editions[(DINSOS, "identification")]
    before = _snapshot(edition_id)
    response = api().post(
        f"/api/editions/{edition_id}/transitions/identify/", {"note": ""}, format="json"
    )
    assert response.status_code == 401
    assert _snapshot(edition_id) == before
