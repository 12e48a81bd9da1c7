"""Writes of the workflow app: the approval chain (editions) and the review records (review)."""

from workflow.services.editions import (
    USER_TRANSITIONS,
    TransitionConflict,
    UnknownTransition,
    active_sop,
    edition_document_rebuild,
    edition_open,
    edition_publish,
    edition_transition,
    sop_route,
)
from workflow.services.review import (
    RowErrors,
    consideration_record,
    considerations_record_all,
    nota_dinas_save,
    review_comment_add,
)

__all__ = [
    "USER_TRANSITIONS",
    "RowErrors",
    "TransitionConflict",
    "UnknownTransition",
    "active_sop",
    "consideration_record",
    "considerations_record_all",
    "edition_document_rebuild",
    "edition_open",
    "edition_publish",
    "edition_transition",
    "nota_dinas_save",
    "review_comment_add",
    "sop_route",
]
