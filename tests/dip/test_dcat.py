"""The open-data catalogue: a DCAT-AP catalogue in JSON-LD at a stable URL, read as a harvester
reads it (expanded against its @context by pyld), listing every published edition and nothing
else, with distributions that answer."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from pyld import jsonld

from dip.catalog import CONTEXT
from dip.models import EditionDocument, Stage
from tests.helpers import edition_at, published

pytestmark = pytest.mark.django_db

BASE = "https://ppid.example.go.id"
DINSOS = "dinsos-p3a-kapuas-hulu"
KALBAR = "disdukcapil-kalbar"
KUBU_RAYA = "disdukcapil-kubu-raya"

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
SPDX = "http://spdx.org/rdf/terms#"
RDF_TYPE = "@type"

# DCAT-AP: mandatory and recommended properties the catalogue promises for each class.
CATALOG_PROPERTIES = {
    f"{DCT}title",
    f"{DCT}description",
    f"{DCT}publisher",
    f"{DCAT}dataset",
    f"{FOAF}homepage",
    f"{DCT}language",
    f"{DCT}license",
    f"{DCT}modified",
}
DATASET_PROPERTIES = {
    f"{DCT}title",
    f"{DCT}description",
    f"{DCAT}distribution",
    f"{DCAT}keyword",
    f"{DCT}publisher",
    f"{DCAT}contactPoint",
    f"{DCT}issued",
    f"{DCT}modified",
    f"{DCT}language",
    f"{DCT}identifier",
    f"{DCAT}landingPage",
    f"{DCT}license",
}
DISTRIBUTION_PROPERTIES = {
    f"{DCAT}accessURL",
    f"{DCAT}downloadURL",
    f"{DCAT}mediaType",
    f"{DCT}format",
    f"{DCT}license",
    f"{DCT}title",
}


@pytest.fixture
def editions(seeded, settings):
    settings.PPID_PUBLIC_BASE_URL = BASE
    old = published(DINSOS, title="DIP 2025", year=2025)
    new = published(DINSOS, title="DIP 2026", year=2026)
    dik = published(KUBU_RAYA)
    hidden = edition_at(KALBAR, Stage.COLLECTION)
    return old, new, dik, hidden


def catalogue(client) -> dict:
    response = client.get("/data/catalog.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    return json.loads(response.content)


def nodes(document: dict) -> dict[str, dict]:
    """The flattened graph: every node by its @id (blank nodes included)."""
    flat = jsonld.flatten(document)
    return {node["@id"]: node for node in flat}


def ids(node: dict, prop: str) -> list[str]:
    return [value["@id"] for value in node.get(prop, [])]


def value(node: dict, prop: str):
    (only,) = node[prop]
    return only.get("@value", only.get("@id"))


def page(edition) -> str:
    return f"{BASE}/badan-publik/{edition.body.slug}/edisi/{edition.pk}/"


def test_every_key_of_the_document_is_defined_by_its_context(client, editions):
    document = catalogue(client)
    assert document["@context"] == CONTEXT

    def keys(data):
        if isinstance(data, dict):
            for key, item in data.items():
                if key != "@context":
                    yield key
                    yield from keys(item)
        elif isinstance(data, list):
            for item in data:
                yield from keys(item)

    for key in set(keys(document)):
        assert key.startswith("@") or key.split(":", 1)[0] in CONTEXT, key
    # Expansion keeps every dataset (a term the context did not define would be dropped).
    expanded = jsonld.expand(document)
    (catalog,) = expanded
    assert len(catalog[f"{DCAT}dataset"]) == len(document["dcat:dataset"])


def test_the_catalogue_lists_the_published_editions_with_the_dcat_ap_properties(client, editions):
    old, new, dik, hidden = editions
    graph = nodes(catalogue(client))
    catalog = graph[f"{BASE}/data/catalog.jsonld"]
    assert catalog[RDF_TYPE] == [f"{DCAT}Catalog"]
    assert set(catalog) >= CATALOG_PROPERTIES
    assert sorted(ids(catalog, f"{DCAT}dataset")) == sorted(page(e) for e in (old, new, dik))
    assert page(hidden) not in json.dumps(list(graph))

    for edition in (old, new, dik):
        dataset = graph[page(edition)]
        assert dataset[RDF_TYPE] == [f"{DCAT}Dataset"]
        assert set(dataset) >= DATASET_PROPERTIES, DATASET_PROPERTIES - set(dataset)
        assert value(dataset, f"{DCT}identifier") == edition.verification_code
        assert value(dataset, f"{DCT}issued") == edition.published_at.isoformat()
        assert value(dataset, f"{DCAT}landingPage") == page(edition)
        keywords = {k["@value"] for k in dataset[f"{DCAT}keyword"]}
        assert {edition.kind.upper(), "PPID", str(edition.year)} <= keywords
        publisher = graph[value(dataset, f"{DCT}publisher")]
        assert value(publisher, f"{FOAF}name") == edition.body.name
        for distribution_id in ids(dataset, f"{DCAT}distribution"):
            distribution = graph[distribution_id]
            assert distribution[RDF_TYPE] == [f"{DCAT}Distribution"]
            assert set(distribution) >= DISTRIBUTION_PROPERTIES, distribution_id
    # The older DIP says which edition replaced it; the current ones say nothing.
    assert ids(graph[page(old)], f"{DCT}isReplacedBy") == [page(new)]
    assert f"{DCT}isReplacedBy" not in graph[page(new)]


def test_each_distribution_answers_with_its_media_type(client, editions):
    _old, new, dik, _hidden = editions
    graph = nodes(catalogue(client))
    for edition in (new, dik):
        formats = {}
        for distribution_id in ids(graph[page(edition)], f"{DCAT}distribution"):
            distribution = graph[distribution_id]
            url = value(distribution, f"{DCAT}downloadURL")
            media_type = value(distribution, f"{DCAT}mediaType").rsplit("media-types/", 1)[1]
            response = client.get(urlsplit(url).path)
            assert response.status_code == 200, url
            assert response["Content-Type"].split(";")[0] == media_type, url
            formats[media_type] = distribution
        assert {
            "text/html",
            "application/pdf",
            "text/csv",
            "application/json",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        } <= set(formats)
        # The signed PDF carries its SHA-256, as the verification page checks it.
        checksum = graph[value(formats["application/pdf"], f"{SPDX}checksum")]
        document = EditionDocument.objects.get(edition=edition)
        assert value(checksum, f"{SPDX}checksumValue") == document.sha256


def test_the_catalogue_runs_a_constant_number_of_queries(
    client, editions, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        catalogue(client)
