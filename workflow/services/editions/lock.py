from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connections
from django.db.models import OuterRef, Subquery
from django.db.models.expressions import RawSQL

from dip.models import Edition
from dip.selectors import edition_rows_ready, rows_count
from ppid.oversight import roles_held_expressions
from ppid.permissions import reaches_body, remember_roles
from workflow.models import Step


def _open_step(column: str) -> Subquery:
    # One open step per edition (step_one_open_per_edition): no order to sort it by (a
    # Step's default order joins its edition and body).
    open_step = Step.objects.filter(edition=OuterRef("pk"), finished_at=None).order_by()
    return Subquery(open_step.values(column)[:1])


# What the lock reads of every edition, the same for every edition and every caller: the open
# step's id, start and standard, whether the rows are complete, and how many there are.
_OPEN_STEP = ["open_step_id", "open_step_started_at", "open_step_standard_seconds"]
_LOCK_ANNOTATIONS: dict[str, Callable[[], Any]] = {
    "open_step_id": lambda: _open_step("pk"),
    "open_step_started_at": lambda: _open_step("started_at"),
    "open_step_standard_seconds": lambda: _open_step("standard_seconds"),
    "rows_ready": edition_rows_ready,
    "rows_count": rows_count,
}
_compiled_lock_annotations: dict[tuple[str, str], RawSQL | None] = {}
# The id of a stand-in user the role checks are compiled with; the caller's id takes its place.
_STAND_IN_USER_ID = -7_654_321
_compiled_lock_roles: dict[str, dict[str, RawSQL] | None] = {}


def _compiled_on_editions(expressions: dict[str, Any], *, using: str) -> dict[str, RawSQL] | None:
    """`expressions` compiled to SQL for a query of the editions' table, or None when one of
    them needs a join of the outer query (its SQL would name a table alias the lock's query
    may not have: it is then left to the ORM)."""
    query = Edition.objects.annotate(**expressions).query
    joined = [alias for alias, refs in query.alias_refcount.items() if refs]
    if joined != [Edition._meta.db_table]:
        return None
    compiler = query.get_compiler(using)
    compiled = {}
    for name in expressions:
        expression = query.annotations[name]
        sql, params = compiler.compile(expression)
        compiled[name] = RawSQL(sql, tuple(params), output_field=expression.output_field)
    return compiled


def _lock_annotation(name: str, *, using: str) -> RawSQL | Any:
    """The lock's annotation `name`, compiled to SQL once per database and kept: building and
    compiling its subqueries (the row check's are a dozen lookups) took 6 ms of CPU of every
    submit, the same SQL each time (issue 15). For the lock's own query only, whose table is
    the editions' (the SQL names "dip_edition" for the edition it is read with). One that
    needs a join of its own (a column of the body, say) is left to the ORM at each call."""
    key = (connections[using].vendor, name)
    if key not in _compiled_lock_annotations:
        compiled = _compiled_on_editions({"value": _LOCK_ANNOTATIONS[name]()}, using=using)
        _compiled_lock_annotations[key] = compiled and compiled["value"]
    return _compiled_lock_annotations[key] or _LOCK_ANNOTATIONS[name]()


def _lock_roles(user: AbstractBaseUser, *, using: str) -> dict[str, Any]:
    """`roles_held_expressions(user, "body")` for the lock's query: compiled once per database
    for a stand-in user, whose id the caller's takes at each call. Building and compiling the
    five EXISTS was the largest part of the lock's query build left (issue 15)."""
    if not user.is_authenticated or not user.is_active:
        return {}
    vendor = connections[using].vendor
    if vendor not in _compiled_lock_roles:
        # The user model itself: a page's `request.user` is a SimpleLazyObject around it.
        stand_in = get_user_model()(pk=_STAND_IN_USER_ID, is_active=True)
        _compiled_lock_roles[vendor] = _compiled_on_editions(
            roles_held_expressions(stand_in, "body"), using=using
        )
    compiled = _compiled_lock_roles[vendor]
    if compiled is None:
        return roles_held_expressions(user, "body")
    return {
        name: RawSQL(
            raw.sql,
            tuple(user.pk if p == _STAND_IN_USER_ID else p for p in raw.params),
            output_field=raw.output_field,
        )
        for name, raw in compiled.items()
    }


def _locked_with_open_step(
    pk: int,
    *,
    user: AbstractBaseUser,
    rows_ready: bool = False,
    count_rows: bool = False,
) -> Edition:
    """The edition, locked, with in the same query what the transition reads of it: its open
    step's id, start and standard (`open_step_*`, so that closing the step is one UPDATE, not a
    read and a write), the user's roles on its body (kept for the request: the permission
    check asks no query), with `rows_ready` whether its rows are complete (the submit's check
    then reads no row) and with `count_rows` their number (`rows_count`, for an answer).

    An edition the user does not reach (no role on its body, as `editions_for_user` reads it)
    is Edition.DoesNotExist, told from the roles the lock read: the caller's editions are not
    listed first (issue 15: building that list was 2 ms of CPU of every transition). Only the
    edition's row is locked, not its body's, and the transaction that took it is rolled back
    by the caller's error."""
    using = Edition.objects.db
    wanted = [*_OPEN_STEP]
    wanted += ["rows_ready"] if rows_ready else []
    wanted += ["rows_count"] if count_rows else []
    # The edition's row only (`of`): its body's row stays free, so that transitions on two
    # editions of one body do not wait for each other. What numbers within a body (editions,
    # requests, objections, routes) locks the body itself.
    edition = (
        Edition.objects.select_for_update(of=("self",))
        .select_related("body")
        .annotate(
            **{name: _lock_annotation(name, using=using) for name in wanted},
            **_lock_roles(user, using=using),
        )
        .get(pk=pk)
    )
    remember_roles(user, edition.body, edition)
    if not reaches_body(user, edition.body):
        raise Edition.DoesNotExist
    return edition
