"""The approval chain: open an edition on its body's SOP, run transitions, publish.

The package, by what each part does: `sops` (which route a body follows, and the route an
edition carries), `transitions` (opening an edition and the one transition service, with its
checks and effects), `lock` (the edition's row lock and what it reads with it), `steps` (the
step closed, the step opened, the audit row) and `publication` (the system's publication and
its queue). Callers import from here; a test that patches a module's state patches the module
that reads it.
"""

from workflow.services.editions.publication import edition_document_rebuild, edition_publish
from workflow.services.editions.sops import (
    MAX_DEPTH,
    active_sop,
    bodies_above,
    sop_route,
    utama_name,
)
from workflow.services.editions.transitions import (
    CHECKS,
    EFFECTS,
    ROWS_CHECKED,
    USER_TRANSITIONS,
    TransitionConflict,
    UnknownTransition,
    edition_open,
    edition_transition,
)

__all__ = [
    "CHECKS",
    "EFFECTS",
    "MAX_DEPTH",
    "ROWS_CHECKED",
    "USER_TRANSITIONS",
    "TransitionConflict",
    "UnknownTransition",
    "active_sop",
    "bodies_above",
    "edition_document_rebuild",
    "edition_open",
    "edition_publish",
    "edition_transition",
    "sop_route",
    "utama_name",
]
