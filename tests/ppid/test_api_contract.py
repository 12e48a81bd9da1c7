"""The API's contract as an integrator meets it: every operation documents its error answers
(and the real answers have those shapes), nullable fields are nullable, the DIK is described
with its own columns, lists come in pages and refuse filters they cannot apply, and every path
under /api/ answers 404 in JSON."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from dip.models import Attachment, Classification, Item, Stage
from dip.serializers import DIK_COLUMNS, DIP_COLUMNS
from ppid.lists import Pagination
from ppid.models import Body
from tests.helpers import edition_at, published

DINSOS = "dinsos-p3a-kapuas-hulu"
KALBAR = "disdukcapil-kalbar"
KUBU = "disdukcapil-kubu-raya"


@pytest.fixture(scope="module")
def schema() -> dict:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def assert_matches(schema: dict, name: str, instance) -> None:
    """The instance is valid against the schema's component `name` (refs resolved)."""
    jsonschema.validate(
        instance, {"$ref": f"#/components/schemas/{name}", "components": schema["components"]}
    )


def error_schema(schema: dict, path: str, method: str, code: str) -> dict:
    return schema["paths"][path][method]["responses"][code]["content"]["application/json"]["schema"]


# --- the error answers, documented once for all -------------------------------------------


def test_every_operation_documents_its_error_answers(schema):
    for path, method, operation in operations(schema):
        codes = set(operation["responses"])
        where = f"{method.upper()} {path}"
        assert {"400", "429", "503"} <= codes, where
        public = {} in operation.get("security", [])
        assert public or {"401", "403"} <= codes, where
        if "{" in path:
            assert "404" in codes, where
        if "requestBody" in operation:
            assert {"413", "415"} <= codes, where
        if not public and "{" in path and method != "get":
            assert "409" in codes, where
        for code in codes - {"200", "201", "202", "204"}:
            assert operation["responses"][code]["content"]["application/json"], (where, code)
    transition = "/api/editions/{id}/transitions/{name}/"
    assert error_schema(schema, transition, "post", "409") == {
        "$ref": "#/components/schemas/AlreadyProcessed"
    }
    assert "Retry-After" in schema["paths"][transition]["post"]["responses"]["429"]["headers"]


@pytest.mark.django_db
def test_the_real_error_answers_have_the_documented_shapes(seeded, api, schema):
    operator = api(f"{KALBAR}.operator")
    edition = edition_at(KALBAR, Stage.VERIFICATION)
    url = f"/api/editions/{edition.pk}/transitions/submit/"

    conflict = operator.post(url, {}, format="json")
    assert conflict.status_code == 409
    assert_matches(schema, "AlreadyProcessed", conflict.json())
    assert conflict.json()["code"] == "already_processed"

    refused = operator.post("/api/items/", {"body": KALBAR, "title": ""}, format="json")
    assert refused.status_code == 400
    assert_matches(schema, "FieldErrors", refused.json())
    assert set(refused.json()) >= {"title", "classification"}

    unreadable = operator.post("/api/items/", "{not json", content_type="application/json")
    assert unreadable.status_code == 400
    assert_matches(schema, "ErrorDetail", unreadable.json())

    for anonymous in (api().get("/api/items/"), api().post(url, {}, format="json")):
        assert anonymous.status_code == 401
        assert_matches(schema, "ErrorDetail", anonymous.json())

    item = Item.objects.filter(body__slug=DINSOS).first()
    forbidden = api(f"{DINSOS}.atasan").delete(f"/api/items/{item.pk}/")
    assert forbidden.status_code == 403
    assert Item.objects.filter(pk=item.pk).exists()
    assert_matches(schema, "ErrorDetail", forbidden.json())


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["json", "form", "multipart"])
def test_a_body_over_the_limit_is_413_in_json_and_nothing_is_stored(
    seeded, api, settings, encoding
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = api(f"{KALBAR}.operator")
    item = {"body": KALBAR, "title": "Besar", "classification": "berkala", "summary": "x" * 5000}
    before = Item.objects.count()
    if encoding == "json":
        response = client.post("/api/items/", item, format="json")
    elif encoding == "form":
        response = client.post(
            "/api/items/", urlencode(item), content_type="application/x-www-form-urlencoded"
        )
    else:
        target = Item.objects.filter(body__slug=KALBAR).first()
        upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        response = client.post(
            f"/api/items/{target.pk}/attachments/",
            {"file": [upload], "kind": "x" * 5000},
            format="multipart",
        )
    assert response.status_code == 413, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == "Isi permintaan terlalu besar."
    assert Item.objects.count() == before
    assert not Attachment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("content_type", ["", "text/plain"])
def test_a_body_in_a_media_type_the_operation_does_not_read_is_415_as_documented(
    seeded, api, schema, content_type
):
    """What schemathesis sends in negative mode to a multipart upload: a raw body with no
    Content-Type (or one no parser reads) is DRF's 415, documented like every error answer."""
    client = api(f"{KALBAR}.operator")
    target = Item.objects.filter(body__slug=KALBAR).first()
    path = "/api/items/{id}/attachments/"
    response = client.generic(
        "POST",
        path.format(id=target.pk),
        b"--x\r\n\x02\xf2\xa2--x--\r\n",
        content_type=content_type,
    )
    assert response.status_code == 415, response.content
    assert response["Content-Type"] == "application/json"
    assert_matches(schema, "ErrorDetail", response.json())
    assert error_schema(schema, path, "post", "415") == {"$ref": "#/components/schemas/ErrorDetail"}
    assert not Attachment.objects.exists()


# --- schemas that say what the answers hold -----------------------------------------------


@pytest.mark.django_db
def test_nullable_fields_are_nullable_in_the_schema_and_null_in_the_answers(seeded, api, schema):
    components = schema["components"]["schemas"]
    assert components["PublicBody"]["properties"]["parent"]["nullable"] is True
    assert components["Body"]["properties"]["parent"]["nullable"] is True
    assert components["History"]["properties"]["actor"]["nullable"] is True

    bodies = api().get("/api/public/bodies/").json()["results"]
    assert None in {b["parent"] for b in bodies}  # the PPID Utama's own body has none

    edition = published(KALBAR)
    history = api(f"{KALBAR}.operator").get(f"/api/editions/{edition.pk}/history/").json()
    assert [h["actor"] for h in history if h["transition"] == "publish"] == [None]


def test_the_dip_and_the_dik_are_described_with_their_own_rows(schema):
    components = schema["components"]["schemas"]

    def row_columns(kind: str) -> list[str]:
        answer = schema["paths"][f"/api/public/bodies/{{slug}}/{kind}/"]["get"]["responses"]
        ref = answer["200"]["content"]["application/json"]["schema"]["$ref"]
        rows = components[ref.rsplit("/", 1)[1]]["properties"]["rows"]["items"]["$ref"]
        return list(components[rows.rsplit("/", 1)[1]]["properties"])

    assert row_columns("dik") == [*DIK_COLUMNS, "redacted_copies"]
    assert row_columns("dip") == [*DIP_COLUMNS, "attachments"]


# --- lists: pages and filters -------------------------------------------------------------


@pytest.mark.django_db
def test_lists_come_in_pages_with_links_and_a_maximum_size(seeded, api):
    client = api(f"{KALBAR}.operator")
    body = Body.objects.get(slug=KALBAR)
    Item.objects.bulk_create(
        [Item(body=body, title=f"Informasi {n:03}", classification="berkala") for n in range(205)]
    )
    total = Item.objects.filter(body=body).count()

    first = client.get("/api/items/", {"page_size": 2}).json()
    assert first["count"] == total and len(first["results"]) == 2
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/items/?page=2&page_size=2"
    second = client.get(first["next"]).json()
    assert second["previous"] == "http://testserver/api/items/?page_size=2"
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}

    capped = client.get("/api/items/", {"page_size": 10_000}).json()
    assert len(capped["results"]) == Pagination.max_page_size < total
    default = client.get("/api/items/").json()
    assert len(default["results"]) == 50

    past_the_end = client.get("/api/items/", {"page": 999})
    assert past_the_end.status_code == 404
    assert past_the_end["Content-Type"] == "application/json"

    for url in ("/api/editions/", "/api/bodies/", "/api/public/bodies/"):
        page = api(f"{KALBAR}.operator").get(url).json()
        assert set(page) == {"count", "next", "previous", "results"}, url


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "query", "field", "named"),
    [
        ("/api/items/", {"classification": "AAA"}, "classification", "setiap_saat"),
        ("/api/items/", {"body": "tidak-ada"}, "body", "tidak-ada"),
        ("/api/items/", {"body": KUBU}, "body", KUBU),  # exists, but not the caller's
        ("/api/items/", {"body": "bukan slug!"}, "body", ""),
        ("/api/editions/", {"body": "tidak-ada"}, "body", "tidak-ada"),
    ],
)
def test_a_filter_value_the_list_cannot_take_is_a_400_and_lists_nothing(
    seeded, api, url, query, field, named
):
    response = api(f"{DINSOS}.operator").get(url, query)
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field] and "results" not in body
    assert named in body[field][0]
    if field == "classification":
        assert all(value in body[field][0] for value in Classification.values)


@pytest.mark.django_db
def test_filters_narrow_lists_and_never_apply_to_detail_urls(seeded, api):
    client = api(f"{DINSOS}.operator")
    listed = client.get("/api/items/", {"classification": "berkala"}).json()["results"]
    assert listed and {row["classification"] for row in listed} == {"berkala"}
    expected = Item.objects.filter(body__slug=DINSOS, classification="berkala").count()
    assert len(listed) == expected
    everything = client.get("/api/items/", {"classification": "", "body": ""}).json()
    assert everything["count"] == Item.objects.filter(body__slug=DINSOS).count()

    other = Item.objects.filter(body__slug=DINSOS).exclude(classification="berkala").first()
    detail = client.get(f"/api/items/{other.pk}/", {"classification": "berkala"})
    assert detail.status_code == 200 and detail.json()["id"] == other.pk
    edition = edition_at(DINSOS, Stage.IDENTIFICATION)
    detail = client.get(f"/api/editions/{edition.pk}/", {"body": "tidak-ada"})
    assert detail.status_code == 200 and detail.json()["id"] == edition.pk


# --- 404 under /api/ is JSON ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/whatever/",
        "/api/items/999999/",
        "/api/items/abc/",
        "/api/editions/1/unknown-action/",
        "/api/public/bodies/tidak-ada/dip/",
        "/api/public/bodies/bukan slug/dip/",
        "/api/public/bodies/disdukcapil-kalbar/lainnya/",
    ],
)
def test_every_path_under_api_answers_404_in_json(seeded, api, path):
    response = api(f"{KALBAR}.operator").get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


@pytest.mark.django_db
def test_other_paths_keep_the_404_page(client):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
