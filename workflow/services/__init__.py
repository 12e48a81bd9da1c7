"""Writes of the workflow app: the approval chain (editions) and the review records (review)."""

from workflow.services.editions import (
    USER_TRANSITIONS,
    TransitionConflict,
    UnknownTransition,
    active_sop,
    bodies_above,
    edition_document_rebuild,
    edition_open,
    edition_publish,
    edition_transition,
    sop_route,
    utama_name,
)
from workflow.services.review import (
    RowErrors,
    consideration_record,
    considerations_record_all,
    nota_dinas_save,
    review_comment_add,
)
from workflow.services.routes import (
    default_route,
    default_route_set,
    default_route_withdraw,
    may_set_default_routes,
)

__all__ = [
    "USER_TRANSITIONS",
    "RowErrors",
    "TransitionConflict",
    "UnknownTransition",
    "active_sop",
    "bodies_above",
    "consideration_record",
    "considerations_record_all",
    "default_route",
    "default_route_set",
    "default_route_withdraw",
    "edition_document_rebuild",
    "edition_open",
    "edition_publish",
    "edition_transition",
    "may_set_default_routes",
    "nota_dinas_save",
    "review_comment_add",
    "sop_route",
    "utama_name",
]
