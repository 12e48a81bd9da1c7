"""The open-data catalogue at a stable address (DCAT-AP as JSON-LD) for harvesters."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from dip.catalog import catalog_document
from dip.views.conditional import public_response

JSONLD_CONTENT_TYPE = "application/ld+json"


@require_safe
@public_response(page=False)
def catalog(request: HttpRequest) -> HttpResponse:
    """Every public body's published editions as DCAT datasets (revalidated on each visit: a
    publication must show at once)."""
    content = json.dumps(catalog_document(), ensure_ascii=False, indent=1)
    return HttpResponse(content.encode(), content_type=f"{JSONLD_CONTENT_TYPE}; charset=utf-8")
