"""Reads of requests for information (permohonan informasi), with the rules of who may see
what: officers see their bodies' requests (the PPID Utama also those of the bodies below), the
public only a request's status by its tracking code, never personal data."""

from __future__ import annotations

import re
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from dip.models import Classification, EditionKind, EditionRow, Item
from dip.selectors import current_published_edition, public_rows
from ppid.models import Body
from ppid.oversight import bodies_reached
from workflow.deadlines import working_days_after
from workflow.models import (
    OBJECTION_FILING_WORKING_DAYS,
    REQUEST_OPEN_STATUSES,
    InformationRequest,
    RequestNote,
)

User = AbstractBaseUser | AnonymousUser
SEARCH_MAX_LENGTH = 200


def requests_for_user(user: User) -> QuerySet[InformationRequest]:
    """The requests of every body where `user` holds a role (the PPID Utama: and below)."""
    reached = bodies_reached(user).filter(pk=OuterRef("body"))
    return InformationRequest.objects.filter(Exists(reached)).select_related(
        "body", "handed_to", "refused_item"
    )


def request_register(
    *,
    user: User,
    body: Body | None = None,
    status: str = "",
    overdue: bool = False,
    search: str = "",
    year: int | None = None,
    now: datetime,
) -> QuerySet[InformationRequest]:
    """The Buku Register Permohonan as the user may read it, filtered."""
    requests = requests_for_user(user)
    if body is not None:
        requests = requests.filter(body=body)
    if status:
        requests = requests.filter(status=status)
    if year:
        requests = requests.filter(year=year)
    if overdue:
        requests = requests.filter(request_overdue_q(now))
    search = search.strip()[:SEARCH_MAX_LENGTH]
    if search:
        condition = Q(information__icontains=search) | Q(name__icontains=search)
        condition |= Q(tracking_code__iexact=search)
        number, _, year_part = search.partition("/")
        if number.isdigit():
            condition |= Q(
                number=int(number), **({"year": int(year_part)} if year_part.isdigit() else {})
            )
        requests = requests.filter(condition)
    return requests.order_by("-received_at", "-pk")


def request_overdue_q(now: datetime) -> Q:
    """Open requests past the deadline that applies (the extended one after an extension)."""
    return Q(status__in=REQUEST_OPEN_STATUSES) & (
        Q(extended_due_at__isnull=True, due_at__lt=now) | Q(extended_due_at__lt=now)
    )


def request_for_user(*, user: User, pk: int) -> InformationRequest:
    """One request the user may read; another body's is DoesNotExist (404)."""
    return requests_for_user(user).get(pk=pk)


def request_by_tracking_code(code: str) -> InformationRequest | None:
    """The public side: a request by its code (case and spaces forgiven), or None."""
    code = "".join(code.split()).upper()
    if not code or len(code) > 64:
        return None
    return (
        InformationRequest.objects.select_related("body")
        .prefetch_related("objections")
        .filter(tracking_code=code)
        .first()
    )


def request_notes(request: InformationRequest) -> QuerySet[RequestNote]:
    return request.notes.select_related("author").order_by("created_at", "pk")


def requests_due_for_notice(*, now: datetime, limit: int) -> list[int]:
    """Open requests whose next clock notice (reminder, terlambat, escalation) is due: one
    query on the partial index `request_open_next_notice`, oldest first."""
    return list(
        InformationRequest.objects.filter(status__in=REQUEST_OPEN_STATUSES, next_notice_at__lte=now)
        .order_by("next_notice_at")
        .values_list("pk", flat=True)[:limit]
    )


def dik_items_for_refusal(body: Body) -> QuerySet[Item]:
    """The DIK rows a refusal can cite: the body's dikecualikan items."""
    return Item.objects.filter(body=body, classification=Classification.DIKECUALIKAN).order_by(
        "title", "pk"
    )


SUGGESTION_WORD_MIN = 4
SUGGESTION_WORDS_MAX = 6


def dip_suggestions(body: Body, text: str, *, limit: int = 5) -> list[EditionRow]:
    """Rows of the body's current published DIP that match the words the requester typed
    (title or summary holding any word of 4 letters or more): they may have their answer
    already. Never a DIK row; two queries."""
    words = [w for w in re.findall(r"\w+", text.lower()) if len(w) >= SUGGESTION_WORD_MIN]
    words = list(dict.fromkeys(words))[:SUGGESTION_WORDS_MAX]
    if not words:
        return []
    edition = current_published_edition(body, EditionKind.DIP)
    if edition is None:
        return []
    condition = Q()
    for word in words:
        condition |= Q(title__icontains=word) | Q(summary__icontains=word)
    return list(public_rows(edition).filter(condition).select_related("edition__body")[:limit])


def objection_filing_deadline(request: InformationRequest, arose: datetime) -> datetime:
    """The one definition of the objection filing limit (Pasal 35-36): the last moment to file
    an objection whose reason arose at `arose`, 30 working days later by the request's body's
    office calendar. The tracking page, the public API (`objection_due_at`) and
    `objection_file` (through `filing_deadline`) all count with it."""
    return working_days_after(request.body, arose, OBJECTION_FILING_WORKING_DAYS).due_at


def objection_due_at(request: InformationRequest, now: datetime | None = None) -> datetime | None:
    """The last moment to file an objection (keberatan) to the atasan: 30 working days after
    its reason arose (Pasal 35-36), i.e. after the written notice or, without one, after the
    deadline that passed unanswered. None while the request is open and within its time."""
    now = now or timezone.now()
    if request.decided_at is not None:
        start = request.decided_at
    elif request.deadline < now:
        start = request.deadline
    else:
        return None
    return objection_filing_deadline(request, start)
