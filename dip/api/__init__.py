"""JSON API for the register (officers) and the published DIP/DIK (public, no token).

The package, by what each part does: `items` (the register's items and their attachments),
`classification` (changes into or out of dikecualikan and the tim's decision), `imports`
(spreadsheet imports), `public` (the published DIP/DIK, no token) and `aggregator` (a PPID
Utama's pull). The URL conf imports the views from here.
"""

from dip.api.aggregator import AggregatorRowsView
from dip.api.classification import ClassificationChangeViewSet
from dip.api.imports import ImportViewSet
from dip.api.items import ItemViewSet
from dip.api.public import PublicBodyList, PublicDikView, PublicDipView

__all__ = [
    "AggregatorRowsView",
    "ClassificationChangeViewSet",
    "ImportViewSet",
    "ItemViewSet",
    "PublicBodyList",
    "PublicDikView",
    "PublicDipView",
]
