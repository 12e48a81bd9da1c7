"""Recount the deadlines of the open steps under the current rules and calendars, audited.

Deadlines are stored when a step opens and are never recomputed by themselves; run this after
a change of how a unit counts (issue 16: "hari" became office days) or of a calendar, when the
steps already open should follow it too. Try it with --dry-run first.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ppid.calendar import WEEKDAY_NAMES
from ppid.models import Body
from workflow.models import TimeUnit
from workflow.services.deadlines import (
    DeadlineChange,
    open_steps_with_a_standard,
    step_deadline_recompute,
)


def _when(moment, tz_name: str) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone(ZoneInfo(tz_name))
    return f"{WEEKDAY_NAMES[local.weekday()]} {local:%Y-%m-%d %H:%M}"


class Command(BaseCommand):
    help = (
        "Recompute the deadlines of the open steps (due time, reminder point, explanation) "
        "from each step's start and standard under the body's current calendar; one audit "
        "row per changed step."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="show what would change and store nothing",
        )
        parser.add_argument(
            "--body",
            action="append",
            dest="bodies",
            metavar="SLUG",
            help="only this body's steps (may be repeated)",
        )
        parser.add_argument(
            "--unit",
            action="append",
            dest="units",
            choices=TimeUnit.values,
            help="only steps whose standard is in this unit (may be repeated), e.g. hari",
        )
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help="the officer who asked for it, written in the audit rows",
        )
        parser.add_argument(
            "--note",
            default="",
            help="why, written in the audit rows",
        )

    def handle(self, *args, dry_run=False, bodies=None, units=None, by=None, note="", **options):
        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"No user named {by!r}.")
        if bodies:
            known = Body.objects.filter(slug__in=bodies).values_list("slug", flat=True)
            unknown = sorted(set(bodies) - set(known))
            if unknown:
                raise CommandError(f"No body with the slug {', '.join(unknown)}.")
        step_ids = list(
            open_steps_with_a_standard(body_slugs=bodies, units=units).values_list("pk", flat=True)
        )
        changes: list[DeadlineChange] = []
        for step_id in step_ids:
            change = step_deadline_recompute(step_id=step_id, dry_run=dry_run, user=user, note=note)
            if change is None:
                continue
            changes.append(change)
            self.stdout.write(
                f"step {change.step_id} (edition {change.edition_id}, {change.body_name}, "
                f"{change.stage}, {change.standard}): "
                f"{_when(change.old_due_at, change.time_zone)} → {change.new_explanation}"
            )
        moved = sum(1 for change in changes if change.moved)
        verb = "would change" if dry_run else "changed"
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(step_ids)} open steps checked: {len(changes)} {verb} "
                f"({moved} deadlines moved, {len(changes) - moved} explanations only), "
                f"{len(step_ids) - len(changes)} unchanged."
                + (" Dry run: nothing stored." if dry_run else "")
            )
        )
