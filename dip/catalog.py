"""The open-data catalogue: every public body's published editions as DCAT datasets (JSON-LD in
the shape of DCAT-AP), so that CKAN and the Satu Data portals can harvest them.

One dataset per published edition, identified by its public page; its distributions are the
files the public can download (the signed PDF once it is ready, the berita acara of a DIK, the
CSV, .xlsx and JSON of the rows, and the page itself). An edition superseded by a newer one of
the same body and kind says so (`dct:isReplacedBy`). Read through the public door only
(`published_editions`, `public_bodies`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.urls import reverse

from dip.models import Edition, EditionKind
from dip.rendering import document_title
from dip.selectors import published_editions, ready_document, ready_record_document
from dip.serializers import public_url
from ppid.models import Body
from ppid.selectors import public_bodies

CONTEXT: dict[str, str] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
# The EU language authority's Indonesian (DCAT-AP names languages by it).
INDONESIAN = "http://publications.europa.eu/resource/authority/language/IND"
MEDIA_TYPE = "https://www.iana.org/assignments/media-types/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"

# (url name, title, media type, EU file type) of each file of an edition.
DOWNLOADS = (
    ("public_edition_csv", "Daftar (CSV)", "text/csv", "CSV"),
    (
        "public_edition_xlsx",
        "Daftar (XLSX)",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "XLSX",
    ),
    ("public_edition_json", "Daftar (JSON)", "application/json", "JSON"),
)
KIND_WORDS = {
    EditionKind.DIP: ["DIP", "Daftar Informasi Publik"],
    EditionKind.DIK: ["DIK", "Daftar Informasi yang Dikecualikan", "uji konsekuensi"],
}


def _text(value: str) -> dict[str, str]:
    return {"@value": value, "@language": "id"}


def _datetime(value) -> dict[str, str]:
    return {"@value": value.isoformat(), "@type": "xsd:dateTime"}


def _date(value) -> dict[str, str]:
    return {"@value": value.isoformat(), "@type": "xsd:date"}


def _edition_url(edition: Edition, name: str) -> str:
    return public_url(reverse(f"dip:{name}", args=[edition.body.slug, edition.pk]))


def _license() -> dict[str, str]:
    return {"@id": settings.PPID_OPEN_DATA_LICENSE, "@type": "dct:LicenseDocument"}


def _distribution(
    url: str,
    title: str,
    media_type: str,
    file_type: str,
    *,
    sha256: str = "",
    size=None,
    node: str = "",
) -> dict[str, Any]:
    """A file of a dataset, identified by its URL (`node`: another identifier, where the URL
    already names the dataset itself, as the page does)."""
    distribution: dict[str, Any] = {
        "@id": node or url,
        "@type": "dcat:Distribution",
        "dct:title": _text(title),
        "dcat:accessURL": {"@id": url},
        "dcat:downloadURL": {"@id": url},
        "dcat:mediaType": {"@id": MEDIA_TYPE + media_type},
        "dct:format": {"@id": FILE_TYPE + file_type},
        "dct:license": _license(),
    }
    if sha256:
        distribution["spdx:checksum"] = {
            "@type": "spdx:Checksum",
            "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
            "spdx:checksumValue": {"@value": sha256, "@type": "xsd:hexBinary"},
        }
    if size:
        distribution["dcat:byteSize"] = {"@value": str(size), "@type": "xsd:decimal"}
    return distribution


def _distributions(edition: Edition) -> list[dict[str, Any]]:
    page = _edition_url(edition, "public_edition")
    found = [_distribution(page, "Halaman publik (HTML)", "text/html", "HTML", node=f"{page}#html")]
    if (document := ready_document(edition)) is not None:
        found.append(
            _distribution(
                _edition_url(edition, "public_edition_pdf"),
                "Dokumen bertanda tangan (PDF)",
                "application/pdf",
                "PDF",
                sha256=document.sha256,
                size=document.size,
            )
        )
    if (record := ready_record_document(edition)) is not None:
        found.append(
            _distribution(
                _edition_url(edition, "public_edition_record_pdf"),
                "Berita acara uji konsekuensi (PDF)",
                "application/pdf",
                "PDF",
                sha256=record.sha256,
                size=record.size,
            )
        )
    found += [
        _distribution(_edition_url(edition, name), title, media_type, file_type)
        for name, title, media_type, file_type in DOWNLOADS
    ]
    return found


def _publisher(body: Body) -> dict[str, Any]:
    return {
        "@id": public_url(reverse("dip:public_body", args=[body.slug])),
        "@type": "foaf:Agent",
        "foaf:name": _text(body.name),
    }


def _contact(body: Body) -> dict[str, Any]:
    contact: dict[str, Any] = {"@type": "vcard:Organization", "vcard:fn": body.name}
    if body.website:
        contact["vcard:hasURL"] = {"@id": body.website}
    return contact


def _dataset(edition: Edition, replaced_by: Edition | None) -> dict[str, Any]:
    body = edition.body
    page = _edition_url(edition, "public_edition")
    title = document_title(edition)
    description = (
        f"{title}, ditetapkan oleh {body.name} berdasarkan Undang-Undang Nomor 14 Tahun 2008 "
        "tentang Keterbukaan Informasi Publik."
    )
    if edition.decree_number:
        description += f" Keputusan Nomor {edition.decree_number}."
    modified = edition.published_at
    document = ready_document(edition)
    if document is not None and document.rendered_at and document.rendered_at > modified:
        modified = document.rendered_at
    dataset: dict[str, Any] = {
        "@id": page,
        "@type": "dcat:Dataset",
        "dct:identifier": edition.verification_code or f"{body.slug}-{edition.pk}",
        "dct:title": _text(title),
        "dct:description": _text(description),
        "dct:publisher": _publisher(body),
        "dcat:contactPoint": _contact(body),
        "dct:issued": _datetime(edition.published_at),
        "dct:modified": _datetime(modified),
        "dct:language": {"@id": INDONESIAN},
        "dct:license": _license(),
        "dct:accessRights": {
            "@id": "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
        },
        "dcat:keyword": [
            _text(word)
            for word in [*KIND_WORDS[EditionKind(edition.kind)], "PPID", str(edition.year)]
        ],
        "dcat:landingPage": {"@id": page},
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": _date(date(edition.year, 1, 1)),
            "dcat:endDate": _date(date(edition.year, 12, 31)),
        },
        "dcat:distribution": _distributions(edition),
    }
    if replaced_by is not None:
        dataset["dct:isReplacedBy"] = {"@id": _edition_url(replaced_by, "public_edition")}
    return dataset


def catalog_editions() -> list[Edition]:
    """Every published edition of a public body, newest first (one query)."""
    return list(published_editions().filter(body__in=public_bodies()))


def catalog_document(editions: Iterable[Edition] | None = None) -> dict[str, Any]:
    """The DCAT catalogue as a JSON-LD document."""
    editions = catalog_editions() if editions is None else list(editions)
    # Newest first per (body, kind): each older edition is replaced by the one before it.
    newer: dict[tuple[int, str], Edition] = {}
    datasets = []
    for edition in editions:
        key = (edition.body_id, edition.kind)
        datasets.append(_dataset(edition, newer.get(key)))
        newer[key] = edition
    home = public_url(reverse("home"))
    catalog: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": public_url(reverse("dip:catalog")),
        "@type": "dcat:Catalog",
        "dct:title": _text(settings.PPID_OPEN_DATA_TITLE),
        "dct:description": _text(
            "Daftar Informasi Publik (DIP) dan Daftar Informasi yang Dikecualikan (DIK) yang "
            "ditetapkan dan dipublikasikan oleh setiap badan publik, dengan dokumen bertanda "
            "tangan dan datanya dalam CSV, XLSX dan JSON."
        ),
        "dct:publisher": {
            "@id": home,
            "@type": "foaf:Agent",
            "foaf:name": _text(settings.PPID_OPEN_DATA_PUBLISHER),
        },
        "foaf:homepage": {"@id": home},
        "dct:language": {"@id": INDONESIAN},
        "dct:license": _license(),
        "dcat:dataset": datasets,
    }
    if editions:
        catalog["dct:modified"] = _datetime(max(e.published_at for e in editions))
    return catalog
