"""The build: the sizes asked for, and the shared state the stages fill one after the other."""

from __future__ import annotations

import random
import time
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from dip.models import Edition, Item, Stage
from ppid.calendar import calendar_from_row
from ppid.models import Body, Unit
from workflow import scale_data as words
from workflow.management.scale.audit import add_audit
from workflow.management.scale.editions import add_editions, add_rows
from workflow.management.scale.items import add_items
from workflow.management.scale.notices import add_notices
from workflow.management.scale.organisation import add_bodies, add_officers, add_routes
from workflow.management.scale.steps import add_steps
from workflow.models import AuditEntry, Notice, Step

# The stages in order: each adds one kind of rows and returns a line for the log.
STAGES = (
    add_bodies,
    add_officers,
    add_routes,
    add_items,
    add_editions,
    add_rows,
    add_steps,
    add_audit,
    add_notices,
)


class Sizes:
    def __init__(self, **options: Any):
        self.kabupaten: int = options["kabupaten"]
        self.bodies: int = options["bodies"]
        self.items: int = options["items"]
        self.editions: int = options["editions"]
        self.in_flight: int = options["in_flight"]
        self.audit: int = options["audit"]
        self.steps: int = options["steps"]
        self.notices: int = options["notices"]
        self.seed: int = options["seed"]

    def check(self) -> None:
        if not 0 <= self.kabupaten <= len(words.KABUPATEN):
            raise CommandError(f"--kabupaten goes from 0 to {len(words.KABUPATEN)}.")
        if self.bodies < 1 or self.items < self.bodies:
            raise CommandError("At least one body, and at least one item per body.")
        if self.in_flight > self.editions:
            raise CommandError("--in-flight cannot exceed --editions.")
        if self.in_flight > 2 * self.bodies:
            raise CommandError("At most two editions in flight per body (its DIP and DIK).")
        if self.editions > 2 * 10 * self.bodies:
            raise CommandError("At most 20 editions per body (DIP and DIK of ten years).")


class ScaleSeed:
    """What the stages share: the sizes, one random generator (the same `--seed`, the same
    data), the instant of the build, and what each stage leaves for the later ones."""

    # Filled by the stages, in this order.
    province: Body
    utama_bodies: list[Body]
    bodies: list[Body]
    units: dict[int, list[Unit]]
    officer: dict[tuple[int, str], Any]
    users: list[Any]
    routes: dict[str, dict]
    items_by_body: dict[int, list[Item]]
    largest: Body
    smallest: Body
    plan: list[dict[str, Any]]

    def __init__(self, sizes: Sizes, *, password: str, out):
        self.sizes = sizes
        self.rng = random.Random(sizes.seed)
        self.password_hash = make_password(password)
        self.out = out
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.calendar = calendar_from_row(None, "Asia/Pontianak")

    def log(self, message: str, started: float) -> None:
        self.out.write(f"  {message} ({time.monotonic() - started:.1f} s)")

    def run(self) -> dict[str, int]:
        self.audit_before = AuditEntry.objects.count()
        for stage in STAGES:
            started = time.monotonic()
            message = stage(self)
            self.log(message, started)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return self.counts()

    def counts(self) -> dict[str, int]:
        bodies = Body.objects.filter(pk__in=[b.pk for b in [*self.utama_bodies, *self.bodies]])
        editions = Edition.objects.filter(body__in=bodies)
        steps = Step.objects.filter(edition__in=editions)
        return {
            "bodies": bodies.count(),
            "items": Item.objects.filter(body__in=bodies).count(),
            "editions": editions.count(),
            "in_flight": editions.exclude(state=Stage.PUBLISHED).count(),
            "published": editions.filter(state=Stage.PUBLISHED).count(),
            "steps": steps.count(),
            "open_steps": steps.filter(finished_at=None).count(),
            "audit": AuditEntry.objects.count() - self.audit_before,
            "notices": Notice.objects.filter(body__in=bodies).count(),
        }
