"""JSON API for editions and their approval chain, serta merta requests, objections and
requests for information.

The package, by what each part does: `editions` (editions, their rows, transitions, documents
and review records), `sertamerta`, `objections` and `requests`. The URL conf imports the views
from here.
"""

from workflow.api.editions import EditionViewSet
from workflow.api.objections import ObjectionViewSet, PublicObjectionCreate
from workflow.api.requests import (
    InformationRequestViewSet,
    PublicRequestCreate,
    PublicRequestStatus,
)
from workflow.api.sertamerta import SertaMertaRequestViewSet

__all__ = [
    "EditionViewSet",
    "InformationRequestViewSet",
    "ObjectionViewSet",
    "PublicObjectionCreate",
    "PublicRequestCreate",
    "PublicRequestStatus",
    "SertaMertaRequestViewSet",
]
