from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from dip.models import Edition, Item, Stage
from ppid.models import Body, Role
from ppid.permissions import EDITOR_ROLES, can_edit_register, has_any_role, has_role

User = AbstractBaseUser | AnonymousUser


def can_change_items(user: User, body: Body) -> bool:
    return can_edit_register(user, body)


def can_assemble_edition(user: User, edition: Edition) -> bool:
    return has_any_role(user, edition.body, EDITOR_ROLES)


def can_open_edition(user: User, body: Body) -> bool:
    return has_any_role(user, body, EDITOR_ROLES)


def can_change_item(user: User, item: Item) -> bool:
    return can_change_items(user, item.body)


def can_amend_in_consideration(user: User, edition: Edition) -> bool:
    """Only the tim pertimbangan, while the edition is at its consideration stage."""
    return edition.state == Stage.CONSIDERATION and has_role(user, edition.body, edition.actor_role)


def can_write_consideration_record(user: User, edition: Edition) -> bool:
    """The berita acara: the same tim, at the same stage, as the per-row consideration."""
    return can_amend_in_consideration(user, edition)


# Who may ask for a failed signed document to be built again (besides seeing the edition).
DOCUMENT_RETRY_ROLES = (Role.PPID, Role.ATASAN, Role.PPID_UTAMA)


def can_retry_document(user: User, edition: Edition) -> bool:
    return has_any_role(user, edition.body, DOCUMENT_RETRY_ROLES)


def can_mark_updated(user: User, body: Body) -> bool:
    """Confirm that a berkala item's content was updated: whoever keeps the register."""
    return can_change_items(user, body)


# Who decides on an exemption that has ended: re-open the item or test it again.
EXEMPTION_REVIEW_ROLES = (Role.PPID, Role.TIM)


def can_review_exemption(user: User, body: Body) -> bool:
    return has_any_role(user, body, EXEMPTION_REVIEW_ROLES)


def can_close_exemption_event(user: User, body: Body) -> bool:
    """Record that the event an exemption ran until has happened: the body's PPID only."""
    return has_role(user, body, Role.PPID)


def can_propose_classification_change(user: User, body: Body) -> bool:
    """Propose moving an item into or out of dikecualikan: whoever keeps the register."""
    return can_change_items(user, body)


# Serta merta announced at once (Pasal 10): the operator (or the PPID) of the body asks, and only
# the PPID of the body approves or returns the request.
SERTA_MERTA_REQUEST_ROLES = (Role.OPERATOR, Role.PPID)


def can_request_serta_merta(user: User, body: Body) -> bool:
    return has_any_role(user, body, SERTA_MERTA_REQUEST_ROLES)


def can_approve_serta_merta(user: User, body: Body) -> bool:
    return has_role(user, body, Role.PPID)
