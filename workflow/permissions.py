"""Who may read the workflow's reports. Every view asks these predicates."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from ppid.models import Body, Role
from ppid.permissions import has_any_role, has_role

User = AbstractBaseUser | AnonymousUser

# The compliance report is for those who answer for the SOP: the head of the body, its PPID,
# and the PPID Utama above it (user_roles gives a child body the parent's ppid_utama).
REPORT_ROLES = (Role.ATASAN, Role.PPID, Role.PPID_UTAMA)


def can_view_report(user: User, body: Body) -> bool:
    return has_any_role(user, body, REPORT_ROLES)


def can_view_overview(user: User, body: Body) -> bool:
    """The overview of all the bodies under a PPID Utama is for the PPID Utama."""
    return has_role(user, body, Role.PPID_UTAMA)


# An SOP is changed (a new version) by the PPID Utama over the body or by the body's head, who
# sign off on it (the seeds: "Disahkan oleh Kepala Dinas").
SOP_EDIT_ROLES = (Role.PPID_UTAMA, Role.ATASAN)


def can_edit_sop(user: User, body: Body) -> bool:
    return has_any_role(user, body, SOP_EDIT_ROLES)


# --- Requests for information (permohonan informasi) -------------------------------------------
# Every officer of the body reads its register (and the PPID Utama above it); the operator and
# the PPID enter offline requests, hand them over and write notes; the PPID extends and decides
# (the written notice is the PPID's, UU 14/2008 Pasal 22).
REQUEST_READ_ROLES = tuple(Role)
REQUEST_HANDLE_ROLES = (Role.OPERATOR, Role.PPID)
REQUEST_DECIDE_ROLES = (Role.PPID,)


def can_view_requests(user: User, body: Body) -> bool:
    return has_any_role(user, body, REQUEST_READ_ROLES)


def can_handle_requests(user: User, body: Body) -> bool:
    """Enter an offline request, hand a request over, write an internal note."""
    return has_any_role(user, body, REQUEST_HANDLE_ROLES)


def can_decide_requests(user: User, body: Body) -> bool:
    """Extend a request's deadline and give its written notice."""
    return has_any_role(user, body, REQUEST_DECIDE_ROLES)
