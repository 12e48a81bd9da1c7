"""Build the province-scale data set (issue 15) with bulk inserts: one province, its kabupaten
and kota, hundreds of OPDs with officers, hundreds of thousands of register entries, editions
in flight and published, their step clocks, a million audit rows and the officers' notices.

PostgreSQL only (the rows go in through COPY). Deterministic: the same options and `--seed`
give the same data. Meant for a database of its own, e.g.
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/ppid_scale`, after `migrate`; its names (slugs,
usernames `<slug>.<role>`) differ from the demo's, so it may also sit beside the demo (the
tests build a tiny one that way). Refused where it has been built already. The stages are in
`workflow/management/scale/`.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from ppid.models import Body
from workflow import scale_data as words
from workflow.management.scale.seed import ScaleSeed, Sizes


class Command(BaseCommand):
    help = (
        "Build the province-scale data set of issue 15 (PostgreSQL only): bodies, officers, "
        "items, editions, steps, audit rows, notices."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kabupaten", type=int, default=14, help="kabupaten/kota (max 14)")
        parser.add_argument("--bodies", type=int, default=600, help="OPDs under the PPID Utama")
        parser.add_argument("--items", type=int, default=200_000)
        parser.add_argument("--editions", type=int, default=3_000)
        parser.add_argument(
            "--in-flight", type=int, default=1_000, help="editions not yet published"
        )
        parser.add_argument("--audit", type=int, default=1_000_000, help="audit rows")
        parser.add_argument(
            "--steps",
            type=int,
            default=20_000,
            help="step-clock rows (one open per edition in flight, the rest its history)",
        )
        parser.add_argument("--notices", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=15, help="random seed")
        parser.add_argument("--password", default=settings.PPID_DEMO_PASSWORD)

    def handle(self, *args, password: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "seed_scale needs PostgreSQL (it loads the rows with COPY); set DATABASE_URL "
                "to a database of its own, e.g. postgres://postgres@127.0.0.1:5432/ppid_scale."
            )
        sizes = Sizes(**options)
        sizes.check()
        if Body.objects.filter(slug=words.PROVINCE["slug"]).exists():
            raise CommandError(
                "The scale data set is in this database already. Build it again in a new "
                "database (createdb, migrate, seed_scale)."
            )
        started = time.monotonic()
        with transaction.atomic():
            counts = ScaleSeed(sizes, password=password, out=self.stdout).run()
        if not connection.in_atomic_block:
            # The visibility map is empty after a bulk load until a vacuum runs, so index-only
            # scans (the register's pages, the API's counts) would read the heap; autovacuum
            # may be off or minutes behind. Not possible inside a transaction (the tests').
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
        summary = ", ".join(f"{k} {v}" for k, v in counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data set built in {time.monotonic() - started:.0f} s: {summary}"
            )
        )
