"""Reads with rules for the workflow: transitions and what blocks them, editions' progress,
steps and their clocks, notices, the audit log, the SOPs and serta merta requests."""

from workflow.selectors.audit import SECURITY_ACTIONS, audit_entries_for
from workflow.selectors.editions import (
    edition_history,
    edition_state,
    editions_awaiting_publication,
    editions_with_clock,
    open_step,
)
from workflow.selectors.notices import notices_for_user, unread_notice_count
from workflow.selectors.sertamerta import (
    serta_merta_requests_due_for_notice,
    serta_merta_requests_for_user,
    serta_merta_waiting_for,
)
from workflow.selectors.sops import sop_steps_with_paths, sop_versions, user_signs
from workflow.selectors.steps import (
    edition_steps,
    step_arrival,
    steps_due_for_notice,
    tasks_for_user,
    with_arrival,
)
from workflow.selectors.transitions import (
    PRECONDITIONS,
    Blocked,
    Precondition,
    available_transitions,
    blocked_transitions,
    considerations_check,
    nota_dinas_check,
    preconditions_check,
    ready_check,
    second_factor_blocked,
    transition_signs,
)

__all__ = [
    "PRECONDITIONS",
    "SECURITY_ACTIONS",
    "Blocked",
    "Precondition",
    "audit_entries_for",
    "available_transitions",
    "blocked_transitions",
    "considerations_check",
    "edition_history",
    "edition_state",
    "edition_steps",
    "editions_awaiting_publication",
    "editions_with_clock",
    "nota_dinas_check",
    "notices_for_user",
    "open_step",
    "preconditions_check",
    "ready_check",
    "second_factor_blocked",
    "serta_merta_requests_due_for_notice",
    "serta_merta_requests_for_user",
    "serta_merta_waiting_for",
    "sop_steps_with_paths",
    "sop_versions",
    "step_arrival",
    "steps_due_for_notice",
    "tasks_for_user",
    "transition_signs",
    "unread_notice_count",
    "user_signs",
    "with_arrival",
]
