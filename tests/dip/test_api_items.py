"""The register and edition API: bad input gets a 400 with a message per field and stores
nothing; other bodies' data is 404; roles that may not write get 403; and the happy paths."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token

from dip import services as dip_services
from dip.models import Attachment, Edition, EditionItem, EditionRow, Item
from dip.serializers import DIK_COLUMNS, DIP_COLUMNS
from ppid import services as ppid_services
from ppid.models import Body, Role
from tests.conftest import DEMO_PASSWORD
from tests.factories import ItemFactory
from tests.helpers import drive_to, utama_of
from workflow import services
from workflow.models import AuditEntry, Step

DINSOS = "dinsos-p3a-kapuas-hulu"
KALBAR = "disdukcapil-kalbar"
KUBU = "disdukcapil-kubu-raya"
SEED_SLUGS = {DINSOS, KALBAR, KUBU}
PEMKAB_KAPUAS = "pemkab-kapuas-hulu"

PUBLIC_ITEM = {
    "body": DINSOS,
    "title": "Daftar penerima bantuan sosial pangan 2026",
    "summary": "Jumlah penerima bantuan per desa (data agregat).",
    "classification": "setiap_saat",
    "holding_unit": "Bidang Perlindungan dan Jaminan Sosial",
    "responsible": "Kepala Bidang Perlindungan dan Jaminan Sosial",
    "produced_at": "2026-05-04",
    "produced_place": "Putussibau",
    "form": "both",
    "retention": "5 tahun",
}
EXEMPT_ITEM = {
    "body": KUBU,
    "title": "Berkas pengaduan penyalahgunaan data kependudukan",
    "summary": "Identitas pelapor dan terlapor dalam berkas pengaduan.",
    "classification": "dikecualikan",
    "holding_unit": "Bidang PIAK",
    "responsible": "Kepala Bidang PIAK",
    "produced_at": "2026-03-10",
    "produced_place": "Sungai Raya",
    "form": "hardcopy",
    "retention": "5 tahun",
    "exemption_ground": "h",
    "consequence_if_opened": "Identitas pelapor terungkap.",
    "consequence_if_closed": "Pelapor terlindungi.",
    "public_interest": "Perlindungan pelapor lebih besar daripada kepentingan publik.",
    "exemption_permanent": True,
}
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def counts() -> tuple[int, int, int, int, int]:
    return (
        Item.objects.count(),
        EditionItem.objects.count(),
        AuditEntry.objects.count(),
        Edition.objects.count(),
        Step.objects.count(),
    )


def item_with(base: dict, **changes) -> dict:
    data = copy.deepcopy(base)
    for key, value in changes.items():
        if value is ...:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def assert_field_error(response, field: str) -> None:
    assert response.status_code == 400, (response.status_code, response.content)
    body = response.json()
    assert field in body, body
    messages = body[field]
    assert isinstance(messages, list) and messages, body
    assert all(isinstance(m, str) and m.strip() for m in messages), body


def open_edition(api, slug: str, kind: str, *, year: int = 2026) -> dict:
    response = api(f"{slug}.operator").post(
        # Several tests open editions of the same year: each after the first is a revision.
        "/api/editions/",
        {"body": slug, "kind": kind, "year": year, "revise": True},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def body_items(slug: str) -> list[int]:
    return list(Item.objects.filter(body__slug=slug).order_by("pk").values_list("pk", flat=True))


# --- bad item input: 400 per field, nothing stored ---------------------------------------

TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()

BAD_ITEMS = {
    "missing title": (item_with(PUBLIC_ITEM, title=...), "title"),
    "blank title": (item_with(PUBLIC_ITEM, title="   "), "title"),
    "missing classification": (item_with(PUBLIC_ITEM, classification=...), "classification"),
    "wrong classification": (item_with(PUBLIC_ITEM, classification="rahasia"), "classification"),
    "missing body": (item_with(PUBLIC_ITEM, body=...), "body"),
    "unknown body slug": (item_with(PUBLIC_ITEM, body="dinas-yang-tidak-ada"), "body"),
    "body without a role": (item_with(PUBLIC_ITEM, body=KUBU), "body"),
    "produced in the future": (item_with(PUBLIC_ITEM, produced_at=TOMORROW), "produced_at"),
    "date as dd/mm/yyyy": (item_with(PUBLIC_ITEM, produced_at="04/05/2026"), "produced_at"),
    "impossible date": (item_with(PUBLIC_ITEM, produced_at="2026-13-40"), "produced_at"),
    "wrong form": (item_with(PUBLIC_ITEM, form="pdf"), "form"),
    "berkala period 0": (
        item_with(PUBLIC_ITEM, classification="berkala", update_period_months=0),
        "update_period_months",
    ),
    "berkala period 12": (
        item_with(PUBLIC_ITEM, classification="berkala", update_period_months=12),
        "update_period_months",
    ),
    "permanent exemption on ground a": (
        item_with(EXEMPT_ITEM, exemption_ground="a"),
        "exemption_permanent",
    ),
    "two exemption periods": (
        item_with(EXEMPT_ITEM, exemption_until="2030-12-31"),
        "exemption_permanent",
    ),
    "ground other without law": (
        item_with(EXEMPT_ITEM, exemption_ground="other", exemption_permanent=False),
        "exemption_law",
    ),
    "ground j without law": (
        item_with(
            EXEMPT_ITEM,
            exemption_ground="j",
            exemption_permanent=False,
            exemption_event="Selama proses hukum",
        ),
        "exemption_law",
    ),
    "unknown exemption ground": (item_with(EXEMPT_ITEM, exemption_ground="k"), "exemption_ground"),
    "exemption ground on a public item": (
        item_with(PUBLIC_ITEM, exemption_ground="h"),
        "exemption_ground",
    ),
    "consequence on a public item": (
        item_with(PUBLIC_ITEM, consequence_if_opened="Bocor."),
        "consequence_if_opened",
    ),
    "permanent exemption on a berkala item": (
        item_with(PUBLIC_ITEM, classification="berkala", exemption_permanent=True),
        "exemption_permanent",
    ),
    "exemption date on a serta merta item": (
        item_with(PUBLIC_ITEM, classification="serta_merta", exemption_until="2030-01-01"),
        "exemption_until",
    ),
}


@pytest.mark.parametrize(("payload", "field"), BAD_ITEMS.values(), ids=BAD_ITEMS.keys())
def test_bad_item_is_refused_per_field_and_nothing_stored(seeded, api, payload, field):
    # The Kubu Raya operator writes its DIK items; the Dinsos operator everything else,
    # including an item for Kubu Raya, where it holds no role.
    exempt_for_kubu = payload.get("body") == KUBU and field != "body"
    caller = f"{KUBU}.operator" if exempt_for_kubu else f"{DINSOS}.operator"
    before = counts()
    response = api(caller).post("/api/items/", payload, format="json")
    assert_field_error(response, field)
    assert counts() == before
    assert not Item.objects.filter(title=payload.get("title", "")).exists()


def test_several_bad_fields_are_all_reported(seeded, api):
    payload = item_with(
        PUBLIC_ITEM, title=..., classification="rahasia", produced_at="kemarin", form="pdf"
    )
    before = counts()
    response = api(f"{DINSOS}.operator").post("/api/items/", payload, format="json")
    assert response.status_code == 400
    assert {"title", "classification", "produced_at", "form"} <= set(response.json())
    assert counts() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"produced_at": TOMORROW}, "produced_at"),
        ({"classification": "berkala", "update_period_months": 12}, "update_period_months"),
        ({"exemption_ground": "a"}, "exemption_ground"),
        ({"classification": "bebas"}, "classification"),
        ({"title": ""}, "title"),
        ({"body": PEMKAB_KAPUAS}, "body"),
    ],
)
def test_bad_patch_is_refused_and_item_unchanged(seeded, api, changes, field):
    item = Item.objects.filter(body__slug=DINSOS, classification="setiap_saat").first()
    snapshot = Item.objects.filter(pk=item.pk).values().get()
    before = counts()
    client = api(f"{DINSOS}.operator")
    if "body" in changes:
        # The kabupaten's PPID Utama sees both bodies: the move itself is refused.
        client = api(utama_of(DINSOS))
    response = client.patch(f"/api/items/{item.pk}/", changes, format="json")
    assert_field_error(response, field)
    assert Item.objects.filter(pk=item.pk).values().get() == snapshot
    assert counts() == before


def test_permanent_exemption_is_accepted_on_ground_g_and_h_only(seeded, api):
    client = api(f"{KUBU}.operator")
    for ground in "gh":
        response = client.post(
            "/api/items/",
            item_with(EXEMPT_ITEM, exemption_ground=ground, title=f"Akta pribadi {ground}"),
            format="json",
        )
        assert response.status_code == 201, response.content
    for ground in "abcdefij":
        before = counts()
        response = client.post(
            "/api/items/",
            item_with(EXEMPT_ITEM, exemption_ground=ground, title=f"Dokumen {ground}"),
            format="json",
        )
        assert_field_error(response, "exemption_permanent")
        assert counts() == before


def test_unit_of_another_body_is_refused(seeded, api):
    foreign_unit = Body.objects.get(slug=KUBU).units.first()
    for username in (f"{DINSOS}.operator", "ppid-utama"):
        before = counts()
        response = api(username).post(
            "/api/items/", item_with(PUBLIC_ITEM, unit=foreign_unit.pk), format="json"
        )
        assert_field_error(response, "unit")
        assert counts() == before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("laporan.html", b"<html><script>alert(1)</script></html>"),
        ("laporan.pdf", b"<html>not really a pdf</html>"),
        ("gambar.png", PDF),
    ],
)
def test_bad_attachment_is_refused_and_nothing_stored(seeded, api, settings, name, content):
    item = Item.objects.filter(body__slug=DINSOS).first()
    before = (counts(), Attachment.objects.count())
    upload = SimpleUploadedFile(name, content)
    good = SimpleUploadedFile("baik.pdf", PDF, content_type="application/pdf")
    response = api(f"{DINSOS}.operator").post(
        f"/api/items/{item.pk}/attachments/", {"file": [good, upload]}, format="multipart"
    )
    assert_field_error(response, "file")
    assert name in " ".join(response.json()["file"])
    assert (counts(), Attachment.objects.count()) == before
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


# --- editions given the wrong items -------------------------------------------------------


def test_dip_edition_refuses_a_dikecualikan_item(seeded, api):
    exempt = ItemFactory(body=DINSOS, **{k: v for k, v in EXEMPT_ITEM.items() if k != "body"})
    edition = open_edition(api, DINSOS, "dip")
    before = counts()
    response = api(f"{DINSOS}.operator").post(
        f"/api/editions/{edition['id']}/items/", {"items": [exempt.pk]}, format="json"
    )
    assert_field_error(response, "items")
    assert exempt.title in " ".join(response.json()["items"])
    assert counts() == before
    assert not EditionItem.objects.filter(edition_id=edition["id"]).exists()


def test_dik_edition_refuses_a_berkala_item(seeded, api):
    berkala = ItemFactory(
        body=KUBU,
        **item_with(
            PUBLIC_ITEM,
            body=...,
            title="Data agregat penduduk Kubu Raya semester II",
            classification="berkala",
            update_period_months=6,
        ),
    )
    edition = open_edition(api, KUBU, "dik")
    before = counts()
    response = api(f"{KUBU}.operator").post(
        f"/api/editions/{edition['id']}/items/", {"items": [berkala.pk]}, format="json"
    )
    assert_field_error(response, "items")
    assert counts() == before
    assert not EditionItem.objects.filter(edition_id=edition["id"]).exists()


def test_one_bad_item_in_a_batch_adds_none(seeded, api):
    exempt = ItemFactory(body=DINSOS, **{k: v for k, v in EXEMPT_ITEM.items() if k != "body"})
    good = body_items(DINSOS)[:2]
    edition = open_edition(api, DINSOS, "dip")
    before = counts()
    response = api(f"{DINSOS}.operator").post(
        f"/api/editions/{edition['id']}/items/", {"items": [*good, exempt.pk]}, format="json"
    )
    assert_field_error(response, "items")
    assert counts() == before
    assert not EditionItem.objects.filter(edition_id=edition["id"]).exists()


@pytest.mark.parametrize(
    ("username", "items"),
    [
        (f"{DINSOS}.operator", "other body"),  # invisible: not found
        ("utama+kalbar", "other body"),  # visible, but of another body
        (f"{DINSOS}.operator", "unknown"),
        (f"{DINSOS}.operator", "empty"),
        (f"{DINSOS}.operator", "not a list"),
    ],
)
def test_edition_items_bad_ids_add_none(seeded, api, username, items):
    edition = open_edition(api, DINSOS, "dip")
    good = body_items(DINSOS)[0]
    payload = {
        "other body": {"items": [good, body_items(KALBAR)[0]]},
        "unknown": {"items": [good, 987654321]},
        "empty": {"items": []},
        "not a list": {"items": "semua"},
    }[items]
    if username == "utama+kalbar":  # the kabupaten's PPID Utama, also an operator of Kalbar
        username = utama_of(DINSOS)
        ppid_services.role_grant(
            user=get_user_model().objects.get(username=username),
            body=Body.objects.get(slug=KALBAR),
            role=Role.OPERATOR,
        )
    before = counts()
    response = api(username).post(f"/api/editions/{edition['id']}/items/", payload, format="json")
    assert_field_error(response, "items")
    assert counts() == before


def test_items_cannot_be_added_or_removed_past_collection(seeded, api):
    operator = api(f"{KALBAR}.operator")
    edition = open_edition(api, KALBAR, "dip")
    ids = body_items(KALBAR)
    assert (
        operator.post(
            f"/api/editions/{edition['id']}/items/", {"items": ids[:-1]}, format="json"
        ).status_code
        == 200
    )
    response = operator.post(f"/api/editions/{edition['id']}/transitions/submit/", {})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "verification"

    before = counts()
    added = operator.post(
        f"/api/editions/{edition['id']}/items/", {"items": [ids[-1]]}, format="json"
    )
    assert_field_error(added, "non_field_errors")
    removed = operator.delete(f"/api/editions/{edition['id']}/items/{ids[0]}/")
    assert removed.status_code == 400, removed.content
    assert counts() == before
    assert Edition.objects.get(pk=edition["id"]).state == "verification"
    assert EditionItem.objects.filter(edition_id=edition["id"]).count() == len(ids) - 1


def test_items_under_review_cannot_be_edited_or_deleted(seeded, api):
    operator = api(f"{KALBAR}.operator")
    edition = open_edition(api, KALBAR, "dip")
    ids = body_items(KALBAR)
    operator.post(f"/api/editions/{edition['id']}/items/", {"items": ids}, format="json")
    assert operator.post(f"/api/editions/{edition['id']}/transitions/submit/").status_code == 200
    before = counts()
    title = Item.objects.get(pk=ids[0]).title
    response = operator.patch(f"/api/items/{ids[0]}/", {"title": "Diubah"}, format="json")
    assert response.status_code == 400, response.content
    assert operator.delete(f"/api/items/{ids[0]}/").status_code == 400
    assert Item.objects.get(pk=ids[0]).title == title
    assert counts() == before


# --- transitions refused for bad input ----------------------------------------------------


def test_submit_of_an_empty_edition_is_refused(seeded, api):
    edition = open_edition(api, KALBAR, "dip")
    before = counts()
    response = api(f"{KALBAR}.operator").post(f"/api/editions/{edition['id']}/transitions/submit/")
    assert_field_error(response, "items")
    assert counts() == before
    assert Edition.objects.get(pk=edition["id"]).state == "collection"


def test_submit_with_an_incomplete_item_lists_the_missing_fields(seeded, api):
    operator = api(f"{KALBAR}.operator")
    created = operator.post(
        "/api/items/",
        {"body": KALBAR, "title": "Rekap layanan jemput bola", "classification": "setiap_saat"},
        format="json",
    )
    assert created.status_code == 201, created.content
    missing = created.json()["missing_fields"]
    assert set(missing) == {
        "summary",
        "holding_unit",
        "responsible",
        "produced_at",
        "produced_place",
        "form",
        "retention",
    }
    edition = open_edition(api, KALBAR, "dip")
    ids = [*body_items(KALBAR)]
    assert (
        operator.post(
            f"/api/editions/{edition['id']}/items/", {"items": ids}, format="json"
        ).status_code
        == 200
    )
    before = counts()
    response = operator.post(f"/api/editions/{edition['id']}/transitions/submit/")
    assert_field_error(response, "items")
    message = " ".join(response.json()["items"])
    assert "Rekap layanan jemput bola" in message
    with translation.override("id"):
        for field in missing:
            assert str(Item._meta.get_field(field).verbose_name) in message, field
    assert counts() == before
    assert Edition.objects.get(pk=edition["id"]).state == "collection"


def test_an_item_in_a_dip_edition_is_not_reclassified_as_dikecualikan_by_an_edit(seeded, api):
    """Closing an item goes through the tim and the atasan (a classification change), never a
    PATCH: the edit is a 400 on `classification` and nothing is stored."""
    operator = api(f"{DINSOS}.operator")
    edition = open_edition(api, DINSOS, "dip")
    ids = body_items(DINSOS)
    operator.post(f"/api/editions/{edition['id']}/items/", {"items": ids}, format="json")
    exempt_fields = {k: v for k, v in EXEMPT_ITEM.items() if k not in ("body", "title", "summary")}
    before = counts()
    response = operator.patch(f"/api/items/{ids[0]}/", exempt_fields, format="json")
    assert_field_error(response, "classification")
    assert counts() == before
    item = Item.objects.get(pk=ids[0])
    assert item.classification != "dikecualikan" and not item.consequence_if_opened


@pytest.mark.parametrize("note", [None, "", "   "])
def test_return_without_a_note_is_refused(seeded, api, note):
    edition = open_edition(api, KALBAR, "dip")
    operator = api(f"{KALBAR}.operator")
    operator.post(
        f"/api/editions/{edition['id']}/items/", {"items": body_items(KALBAR)}, format="json"
    )
    assert operator.post(f"/api/editions/{edition['id']}/transitions/submit/").status_code == 200
    before = counts()
    payload = {} if note is None else {"note": note}
    response = api(f"{KALBAR}.ppid").post(
        f"/api/editions/{edition['id']}/transitions/return/", payload, format="json"
    )
    assert_field_error(response, "note")
    assert counts() == before
    assert Edition.objects.get(pk=edition["id"]).state == "verification"


def test_edition_bad_input(seeded, api):
    client = api(f"{DINSOS}.operator")
    before = counts()
    cases = [
        ({"kind": "dip", "year": 2026}, "body"),
        ({"body": DINSOS, "kind": "lhkpn", "year": 2026}, "kind"),
        ({"body": DINSOS, "kind": "dip", "year": 1999}, "year"),
        ({"body": DINSOS, "kind": "dip", "year": "tahun ini"}, "year"),
        ({"body": KUBU, "kind": "dik", "year": 2026}, "body"),  # no role there
    ]
    for payload, field in cases:
        response = client.post("/api/editions/", payload, format="json")
        assert_field_error(response, field)
    assert counts() == before


# --- authentication -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": f"{DINSOS}.operator", "password": "salah-sandi"},
        {"username": "tidak-ada", "password": DEMO_PASSWORD},
        {"username": f"{DINSOS}.operator"},
        {},
    ],
)
def test_wrong_credentials_get_no_token(seeded, api, credentials):
    before = Token.objects.count()
    response = api().post("/api/auth/token/", credentials, format="json")
    assert response.status_code == 400, response.content
    assert "token" not in response.json()
    assert Token.objects.count() == before


def test_right_password_gives_a_working_token(seeded, api):
    anonymous = api()
    response = anonymous.post(
        "/api/auth/token/",
        {"username": f"{DINSOS}.operator", "password": DEMO_PASSWORD},
        format="json",
    )
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    assert Token.objects.filter(key=token, user__username=f"{DINSOS}.operator").exists()
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert anonymous.get("/api/bodies/").status_code == 200
    anonymous.credentials(HTTP_AUTHORIZATION="Token bukan-token-yang-sah")
    assert anonymous.get("/api/bodies/").status_code == 401


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/bodies/"),
        ("get", "/api/items/"),
        ("post", "/api/items/"),
        ("get", "/api/editions/"),
        ("post", "/api/editions/"),
    ],
)
def test_unauthenticated_calls_are_401(seeded, api, method, url):
    before = counts()
    payload = PUBLIC_ITEM if url == "/api/items/" else {"body": DINSOS, "kind": "dip", "year": 2026}
    response = getattr(api(), method)(url, payload if method == "post" else None, format="json")
    assert response.status_code == 401
    assert counts() == before


# --- other bodies: 404; roles that may not write: 403 -----------------------------------


def test_another_bodys_item_is_404_for_read_change_and_delete(seeded, api):
    item = Item.objects.filter(body__slug=KUBU).first()
    snapshot = Item.objects.filter(pk=item.pk).values().get()
    client = api(f"{DINSOS}.operator")
    before = counts()
    assert client.get(f"/api/items/{item.pk}/").status_code == 404
    assert (
        client.patch(f"/api/items/{item.pk}/", {"title": "Diambil alih"}, format="json").status_code
        == 404
    )
    assert client.delete(f"/api/items/{item.pk}/").status_code == 404
    attachment = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    assert (
        client.post(
            f"/api/items/{item.pk}/attachments/", {"file": [attachment]}, format="multipart"
        ).status_code
        == 404
    )
    assert Item.objects.filter(pk=item.pk).values().get() == snapshot
    assert counts() == before
    assert item.pk not in [row["id"] for row in client.get("/api/items/").json()["results"]]
    # Another body's slug as a filter is refused like an unknown one (nothing listed).
    refused = client.get("/api/items/", {"body": KUBU})
    assert refused.status_code == 400 and "results" not in refused.json()
    assert KUBU in refused.json()["body"][0]


def test_another_bodys_edition_is_404_everywhere(seeded, api):
    edition = open_edition(api, KUBU, "dik")
    api(f"{KUBU}.operator").post(
        f"/api/editions/{edition['id']}/items/", {"items": body_items(KUBU)[:1]}, format="json"
    )
    mine = body_items(DINSOS)[0]
    client = api(f"{DINSOS}.operator")
    url = f"/api/editions/{edition['id']}/"
    before = counts()
    assert client.get(url).status_code == 404
    assert client.get(f"{url}history/").status_code == 404
    assert client.post(f"{url}items/", {"items": [mine]}, format="json").status_code == 404
    assert client.delete(f"{url}items/{body_items(KUBU)[0]}/").status_code == 404
    assert client.post(f"{url}transitions/submit/", {}, format="json").status_code == 404
    assert counts() == before
    assert edition["id"] not in [e["id"] for e in client.get("/api/editions/").json()["results"]]


@pytest.mark.parametrize("role", ["tim", "atasan"])
def test_tim_and_atasan_may_not_write_the_register(seeded, api, role):
    client = api(f"{KUBU}.{role}")
    item = Item.objects.filter(body__slug=KUBU).first()
    snapshot = Item.objects.filter(pk=item.pk).values().get()
    before = counts()
    created = client.post("/api/items/", EXEMPT_ITEM, format="json")
    assert created.status_code == 403, created.content
    assert not Item.objects.filter(title=EXEMPT_ITEM["title"]).exists()
    # They may read their body's register, but not change it.
    assert client.get(f"/api/items/{item.pk}/").status_code == 200
    changed = client.patch(f"/api/items/{item.pk}/", {"title": "Diubah"}, format="json")
    assert changed.status_code == 403
    assert client.delete(f"/api/items/{item.pk}/").status_code == 403
    # Nor open an edition, nor pick its items.
    opened = client.post("/api/editions/", {"body": KUBU, "kind": "dik", "year": 2026})
    assert opened.status_code == 403
    edition = open_edition(api, KUBU, "dik")
    before = counts()
    picked = client.post(
        f"/api/editions/{edition['id']}/items/", {"items": [item.pk]}, format="json"
    )
    assert picked.status_code == 403
    assert Item.objects.filter(pk=item.pk).values().get() == snapshot
    assert counts() == before


# --- happy paths --------------------------------------------------------------------------


def test_create_patch_delete_an_item(seeded, api):
    client = api(f"{DINSOS}.operator")
    before = counts()
    response = client.post(
        "/api/items/", item_with(PUBLIC_ITEM, unit=None, update_period_months=6), format="json"
    )
    assert response.status_code == 201, response.content
    data = response.json()
    for key in ("title", "summary", "classification", "produced_at", "form", "retention"):
        assert data[key] == PUBLIC_ITEM[key]
    assert data["body"] == DINSOS
    assert data["missing_fields"] == []
    item = Item.objects.get(pk=data["id"])
    assert item.body.slug == DINSOS
    assert item.created_by.username == f"{DINSOS}.operator"
    assert counts()[0] == before[0] + 1
    assert AuditEntry.objects.filter(action="item.create", target_id=str(item.pk)).exists()

    response = client.patch(
        f"/api/items/{item.pk}/",
        {"classification": "berkala", "update_period_months": 3, "retention": "10 tahun"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["classification"] == "berkala"
    item.refresh_from_db()
    assert (item.classification, item.update_period_months, item.retention) == (
        "berkala",
        3,
        "10 tahun",
    )
    assert item.title == PUBLIC_ITEM["title"]  # untouched fields stay
    assert AuditEntry.objects.filter(action="item.update", target_id=str(item.pk)).exists()

    attachment = SimpleUploadedFile("laporan.pdf", PDF, content_type="application/pdf")
    uploaded = client.post(
        f"/api/items/{item.pk}/attachments/", {"file": [attachment]}, format="multipart"
    )
    assert uploaded.status_code == 201, uploaded.content
    assert uploaded.json()[0]["original_name"] == "laporan.pdf"
    assert client.get(f"/api/items/{item.pk}/").json()["attachments"][0]["size"] == len(PDF)

    response = client.delete(f"/api/items/{item.pk}/")
    assert response.status_code == 204, response.content
    assert not Item.objects.filter(pk=item.pk).exists()
    assert not Attachment.objects.filter(item_id=item.pk).exists()
    assert AuditEntry.objects.filter(action="item.delete", target_id=str(item.pk)).exists()
    assert client.get(f"/api/items/{item.pk}/").status_code == 404


def test_dikecualikan_item_round_trip(seeded, api):
    client = api(f"{KUBU}.operator")
    response = client.post(
        "/api/items/",
        item_with(
            EXEMPT_ITEM,
            exemption_ground="j",
            exemption_permanent=False,
            exemption_law="UU 24/2013 Pasal 79",
            exemption_event="Selama perkara belum diputus",
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["exemption_law"] == "UU 24/2013 Pasal 79"
    assert data["missing_fields"] == []
    # Re-opening it is not an edit: a 400 on the classification, the test stays as it was.
    response = client.patch(
        f"/api/items/{data['id']}/", {"classification": "setiap_saat"}, format="json"
    )
    assert_field_error(response, "classification")
    item = Item.objects.get(pk=data["id"])
    assert item.classification == "dikecualikan"
    assert (item.exemption_ground, item.exemption_event) == ("j", "Selama perkara belum diputus")


def test_removing_an_item_from_an_editable_edition(seeded, api):
    client = api(f"{DINSOS}.operator")
    edition = open_edition(api, DINSOS, "dip")
    ids = body_items(DINSOS)[:2]
    client.post(f"/api/editions/{edition['id']}/items/", {"items": ids}, format="json")
    # An item in an edition cannot be deleted from the register.
    assert client.delete(f"/api/items/{ids[0]}/").status_code == 400
    response = client.delete(f"/api/editions/{edition['id']}/items/{ids[0]}/")
    assert response.status_code == 200, response.content
    assert response.json()["items_count"] == 1
    rows = client.get(f"/api/editions/{edition['id']}/items/").json()["results"]
    assert [e["id"] for e in rows] == [ids[1]]
    assert client.delete(f"/api/editions/{edition['id']}/items/{ids[0]}/").status_code == 404


def test_bodies_list_only_the_callers_bodies(seeded, api):
    for slug in SEED_SLUGS:
        response = api(f"{slug}.operator").get("/api/bodies/")
        assert response.status_code == 200
        rows = response.json()["results"]
        assert [b["slug"] for b in rows] == [slug]
        assert rows[0]["roles"] == ["operator"]
    # Each PPID Utama: its own body and those directly under it, no deeper.
    for slug in SEED_SLUGS:
        utama = api(utama_of(slug)).get("/api/bodies/").json()["results"]
        slugs = {b["slug"] for b in utama}
        parent = Body.objects.get(slug=slug).parent
        assert slugs == {parent.slug} | set(parent.children.values_list("slug", flat=True))
        assert slug in slugs
        assert all("ppid_utama" in b["roles"] for b in utama)
    province = {b["slug"] for b in api("ppid-utama").get("/api/bodies/").json()["results"]}
    assert province.isdisjoint({DINSOS, KUBU})


def test_items_list_only_the_callers_bodies(seeded, api):
    listed = api(f"{KALBAR}.ppid").get("/api/items/").json()
    assert {row["body"] for row in listed["results"]} == {KALBAR}
    register = Item.objects.filter(body__slug=KALBAR).count()
    assert listed["count"] == len(listed["results"]) == register
    for slug in (DINSOS, KUBU):  # the kabupaten's PPID Utama: its OPD's register
        everything = api(utama_of(slug)).get("/api/items/").json()
        assert everything["count"] == Item.objects.filter(body__slug=slug).count()
    everything = api("ppid-utama").get("/api/items/").json()  # the province's: Kalbar only
    assert everything["count"] == Item.objects.filter(body__slug=KALBAR).count()


# --- the public API -----------------------------------------------------------------------


def _sign(slug: str, kind: str, year: int) -> Edition:
    """A signed edition built with the services (setup for the public API tests)."""
    users = {
        u.username.split(".")[-1]: u
        for u in get_user_model().objects.filter(username__startswith=f"{slug}.")
    }
    body = Body.objects.get(slug=slug)
    edition = services.edition_open(
        body=body,
        kind=kind,
        year=year,
        title=f"{kind.upper()} {year}",
        user=users["operator"],
        revise=True,
    )
    dip_services.edition_add_items(edition=edition, items=body.items.all(), user=users["operator"])
    edition = drive_to(edition, "publication", users, note="")
    assert edition.state == "publication"
    return edition


def test_public_api_never_shows_a_draft_or_a_signed_but_unpublished_edition(seeded, api):
    public = api()
    assert public.get(f"/api/public/bodies/{KALBAR}/dip/").status_code == 404
    draft = open_edition(api, KALBAR, "dip")
    api(f"{KALBAR}.operator").post(
        f"/api/editions/{draft['id']}/items/", {"items": body_items(KALBAR)}, format="json"
    )
    assert public.get(f"/api/public/bodies/{KALBAR}/dip/").status_code == 404
    signed = _sign(KALBAR, "dip", 2025)  # on_commit does not fire here: not yet published
    assert public.get(f"/api/public/bodies/{KALBAR}/dip/").status_code == 404
    services.edition_publish(edition_id=signed.pk)
    response = public.get(f"/api/public/bodies/{KALBAR}/dip/")
    assert response.status_code == 200
    assert response.json()["edition"]["id"] == signed.pk
    # A newer edition still in progress does not replace the published one.
    newer = open_edition(api, KALBAR, "dip", year=2026)
    assert newer["id"] != signed.pk
    assert public.get(f"/api/public/bodies/{KALBAR}/dip/").json()["edition"]["id"] == signed.pk
    # Other bodies have published nothing.
    assert public.get(f"/api/public/bodies/{DINSOS}/dip/").status_code == 404
    assert public.get("/api/public/bodies/tidak-ada/dip/").status_code == 404
    listed = {b["slug"] for b in public.get("/api/public/bodies/").json()["results"]}
    assert listed >= SEED_SLUGS


def test_public_dip_and_dik_columns(seeded, api):
    # An attachment on a DIP item and on a DIK item, before signing.
    pdf = SimpleUploadedFile("bukti.pdf", PDF, content_type="application/pdf")
    dip_item = body_items(KALBAR)[0]
    dik_item = body_items(KUBU)[0]
    assert (
        api(f"{KALBAR}.operator")
        .post(f"/api/items/{dip_item}/attachments/", {"file": [pdf]}, format="multipart")
        .status_code
        == 201
    )
    pdf2 = SimpleUploadedFile("akta.pdf", PDF, content_type="application/pdf")
    assert (
        api(f"{KUBU}.operator")
        .post(f"/api/items/{dik_item}/attachments/", {"file": [pdf2]}, format="multipart")
        .status_code
        == 201
    )
    for slug, kind in ((KALBAR, "dip"), (KUBU, "dik")):
        services.edition_publish(edition_id=_sign(slug, kind, 2026).pk)

    dip = api().get(f"/api/public/bodies/{KALBAR}/dip/").json()
    assert all(set(row) == {*DIP_COLUMNS, "attachments"} for row in dip["rows"])
    with_file = [r for r in dip["rows"] if r["attachments"]]
    assert len(with_file) == 1 and with_file[0]["attachments"][0]["name"] == "bukti.pdf"

    response = api().get(f"/api/public/bodies/{KUBU}/dik/")
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert len(rows) == Item.objects.filter(body__slug=KUBU).count()
    for row in rows:
        assert set(row) == {*DIK_COLUMNS, "redacted_copies"}
    text = response.content.decode()
    assert "akta.pdf" not in text
    exempted = Item.objects.get(pk=dik_item)
    assert exempted.summary not in text
    # The signed row keeps the file reference internally; the public never sees it.
    assert EditionRow.objects.filter(item_id=dik_item).exclude(attachments=[]).exists()
    assert api().get(f"/api/public/bodies/{KUBU}/dip/").status_code == 404
