"""Build the province-scale data set (issue 15) with bulk inserts: one province, its kabupaten
and kota, hundreds of OPDs with officers, hundreds of thousands of register entries, editions
in flight and published, their step clocks, a million audit rows and the officers' notices.

PostgreSQL only (the rows go in through COPY). Deterministic: the same options and `--seed`
give the same data. Meant for a database of its own, e.g.
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/ppid_scale`, after `migrate`; its names (slugs,
usernames `<slug>.<role>`) differ from the demo's, so it may also sit beside the demo (the
tests build a tiny one that way). Refused where it has been built already.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import random
import time
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from dip.models import (
    FORWARD,
    Classification,
    Edition,
    EditionItem,
    EditionKind,
    EditionRow,
    ExemptionGround,
    InformationForm,
    Item,
    Stage,
)
from ppid.calendar import calendar_from_row
from ppid.models import Body, BodyUserObjectPermission, Officer, Role, Unit
from workflow import scale_data as words
from workflow import services
from workflow.deadlines import compute_deadline
from workflow.models import AuditEntry, Notice, NoticeKind, Step, standard_seconds_of

User = get_user_model()

# The share of each classification in a register (a Pemda's DIP is mostly setiap saat and
# berkala; a few serta merta; about one in ten exempted).
CLASS_WEIGHTS = {
    Classification.SETIAP_SAAT: 48,
    Classification.BERKALA: 34,
    Classification.SERTA_MERTA: 6,
    Classification.DIKECUALIKAN: 12,
}
STAFF = (Role.OPERATOR, Role.PPID, Role.TIM, Role.ATASAN)
POSITIONS = {
    Role.OPERATOR: "Operator PPID Pelaksana {short}",
    Role.PPID: "PPID Pelaksana {short}",
    Role.TIM: "Ketua Tim Pertimbangan {short}",
    Role.ATASAN: "Kepala {name}",
}
FIRST_NAMES = [
    "Agus", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gusti", "Hendra", "Indah", "Joko",
    "Kartini", "Lestari", "Made", "Nurul", "Oktavia", "Putri", "Rahmat", "Siti", "Taufik",
    "Utin", "Wahyu", "Yuliana", "Zulkifli", "Rizky", "Ayu", "Dayang", "Syarif", "Hairani",
]  # fmt: skip
LAST_NAMES = [
    "Santoso", "Wijaya", "Pratama", "Saputra", "Hidayat", "Kurniawan", "Rahayu", "Lestari",
    "Nugroho", "Siregar", "Harahap", "Firmansyah", "Alkadrie", "Panjaitan", "Setiawan",
    "Maulana", "Anggraini", "Ramadhan", "Hasibuan", "Syahputra",
]  # fmt: skip
AUDIT_FILLER = [
    ("item.update", 40),
    ("account.login", 30),
    ("comment.add", 8),
    ("step.reminded", 6),
    ("step.overdue", 4),
    ("edition.add_items", 4),
    ("nota_dinas.save", 1),
    ("account.logout", 7),
]


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


def _csv_value(value: Any) -> Any:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def copy_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY `rows` (tuples in the order of `columns`, field attnames) into `model`'s table, in
    chunks; returns the count."""
    fields = [model._meta.get_field(name) for name in columns]
    column_sql = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = (
        f"COPY {connection.ops.quote_name(model._meta.db_table)} ({column_sql}) "
        "FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    )
    count = 0
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def flush() -> None:
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(sql, buffer)
        buffer.seek(0)
        buffer.truncate()

    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
        count += 1
        if count % 50_000 == 0:
            flush()
    flush()
    return count


def reserve_ids(model: type[models.Model], count: int) -> int:
    """Take `count` ids from the table's sequence; returns the first."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cursor.fetchone()
        cursor.execute("SELECT nextval(%s)", [sequence])
        (first,) = cursor.fetchone()
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1 if count else first])
    return first


class ScaleSeed:
    """Builds the data set; each `_stage` method adds one kind of rows."""

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
        for stage in (
            self._bodies,
            self._officers,
            self._routes,
            self._items,
            self._editions,
            self._entries_and_rows,
            self._steps,
            self._audit,
            self._notices,
        ):
            started = time.monotonic()
            message = stage()
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

    # --- the organisation ----------------------------------------------------------------
    def _bodies(self) -> str:
        province = Body.objects.create(
            slug=words.PROVINCE["slug"],
            name=words.PROVINCE["name"],
            short_name=words.PROVINCE["short_name"],
            address=words.PROVINCE["address"],
        )
        regions = [(province, words.PROVINCE["region"], "Pontianak")]
        for name, seat in words.KABUPATEN[: self.sizes.kabupaten]:
            place = name.split(" ", 1)[1]
            body = Body.objects.create(
                slug=slugify(f"ppid {name}"),
                name=f"Pemerintah {name}",
                short_name=f"PPID Utama {place}",
                address=f"{seat}, {name}, Kalimantan Barat",
                parent=province,
            )
            regions.append((body, name, seat))
        self.province = province
        self.utama_bodies = [r[0] for r in regions]
        opds = []
        for n in range(self.sizes.bodies):
            parent, region, seat = regions[n % len(regions)]
            kind, lap = divmod(n // len(regions), len(words.OPD))[::-1]
            full, short = words.OPD[kind]
            suffix = f" {lap + 1}" if lap else ""
            opds.append(
                Body(
                    slug=slugify(f"{short} {region}{suffix}")[:80],
                    name=f"{full} {region}{suffix}",
                    short_name=f"{short} {region.split(' ', 1)[1]}{suffix}"[:80],
                    address=f"{seat}, {region}, Kalimantan Barat",
                    parent=parent,
                    created_at=self.now,
                )
            )
        self.bodies = Body.objects.bulk_create(opds, batch_size=1000)
        units = []
        for body in self.bodies:
            count = self.rng.randint(4, len(words.UNITS))
            units += [Unit(body=body, name=name) for name in words.UNITS[:count]]
        Unit.objects.bulk_create(units, batch_size=5000)
        self.units: dict[int, list[Unit]] = {}
        for unit in Unit.objects.filter(body__in=self.bodies).order_by("pk"):
            self.units.setdefault(unit.body_id, []).append(unit)
        return f"{len(self.bodies)} bodies under {len(regions)} PPID Utama, {len(units)} units"

    def _person(self) -> tuple[str, str]:
        return self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)

    def _nip(self) -> str:
        year = self.rng.randint(1965, 1995)
        return (
            f"{year}{self.rng.randint(1, 12):02d}{self.rng.randint(1, 28):02d} "
            f"{year + self.rng.randint(22, 28)}{self.rng.randint(1, 12):02d} "
            f"{self.rng.randint(1, 2)} {self.rng.randint(1, 999):03d}"
        )

    def _officers(self) -> str:
        """The PPID Utama of each region, and an operator, a PPID, a tim and an atasan in each
        body, all with the same password (hashed once)."""
        people: list[tuple[str, Body, Role, str]] = []
        for body in self.utama_bodies:
            username = f"{body.slug}.{Role.PPID_UTAMA.value}"
            people.append((username, body, Role.PPID_UTAMA, f"PPID Utama {body.name}"))
        for body in self.bodies:
            for role in STAFF:
                position = POSITIONS[role].format(short=body.short_name, name=body.name)
                people.append((f"{body.slug}.{role.value}"[:150], body, role, position[:255]))
        users = []
        for username, _body, _role, _position in people:
            first, last = self._person()
            users.append(
                User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    password=self.password_hash,
                    is_active=True,
                    date_joined=self.now,
                )
            )
        users = User.objects.bulk_create(users, batch_size=2000)
        Officer.objects.bulk_create(
            [
                Officer(user=user, position=position, nip=self._nip())
                for user, (_u, _b, _r, position) in zip(users, people, strict=True)
            ],
            batch_size=2000,
        )
        body_type = ContentType.objects.get_for_model(Body)
        permissions = {
            p.codename: p
            for p in Permission.objects.filter(
                content_type=body_type, codename__in=[r.codename for r in Role]
            )
        }
        BodyUserObjectPermission.objects.bulk_create(
            [
                BodyUserObjectPermission(
                    user=user, content_object=body, permission=permissions[role.codename]
                )
                for user, (_u, body, role, _p) in zip(users, people, strict=True)
            ],
            batch_size=2000,
        )
        self.officer: dict[tuple[int, str], Any] = {
            (body.pk, role.value): user
            for user, (_u, body, role, _p) in zip(users, people, strict=True)
        }
        self.users = users
        return f"{len(users)} officers with their roles"

    def _routes(self) -> str:
        """The province's PPID Utama sets the Perki default routes; every body follows them."""
        utama = self.officer[(self.province.pk, Role.PPID_UTAMA.value)]
        self.routes = {}
        for kind in EditionKind.values:
            sop = services.default_route_set(body=self.province, kind=kind, user=utama)
            self.routes[kind] = services.sop_route(sop)
        return "default DIP and DIK routes"

    # --- the register --------------------------------------------------------------------
    def _item_counts(self) -> list[int]:
        """Items per body: a long tail (a few large registers, many small ones), each body at
        least one, the largest at most 2.5% of all, summing to --items."""
        total, n = self.sizes.items, len(self.bodies)
        weights = [self.rng.paretovariate(1.6) for _ in range(n)]
        scale = total / sum(weights)
        cap = max(int(total * 0.025), 3 * total // n, 1)
        counts = [min(cap, max(1, int(w * scale))) for w in weights]
        # Fix the rounding and the cap: hand the rest out (or take it back) round-robin.
        diff = total - sum(counts)
        index = 0
        while diff:
            body = index % n
            if diff > 0 and counts[body] < cap:
                counts[body] += 1
                diff -= 1
            elif diff < 0 and counts[body] > 1:
                counts[body] -= 1
                diff += 1
            index += 1
            if index > 100 * n and diff > 0:
                cap += 1
        return counts

    def _title(self, classification: str, body: Body, unit: Unit) -> str:
        pattern = self.rng.choice(words.TITLES[classification])
        return pattern.format(
            unit=unit.name,
            body=body.short_name,
            year=self.rng.randint(2019, self.today.year),
            semester=self.rng.choice(["I", "II"]),
            quarter=self.rng.choice(["I", "II", "III", "IV"]),
            topic=self.rng.choice(words.TOPICS),
            kecamatan=self.rng.choice(words.KECAMATAN),
        )[:255]

    def _item(self, pk: int, body: Body, classification: str) -> Item:
        rng = self.rng
        unit = rng.choice(self.units[body.pk])
        produced = self.today - timedelta(days=rng.randint(30, 6 * 365))
        item = Item(
            pk=pk,
            body=body,
            unit=unit,
            title=self._title(classification, body, unit),
            summary=words.SUMMARY.format(
                topic=rng.choice(words.TOPICS), unit=unit.name, body=body.name
            ),
            classification=classification,
            update_period_months=rng.choice([6, 6, 6, 3, 1]),
            holding_unit=unit.name,
            responsible=f"Kepala {unit.name}",
            produced_at=produced,
            produced_place=body.address.split(",")[0],
            form=rng.choice(InformationForm.values),
            retention=rng.choice(words.RETENTION),
            created_by=self.officer[(body.pk, Role.OPERATOR.value)],
            created_at=datetime.combine(produced, datetime.min.time(), tzinfo=self.now.tzinfo),
            updated_at=self.now,
        )
        if classification == Classification.BERKALA:
            if rng.random() < 0.5:
                item.last_updated_on = self.today - timedelta(days=rng.randint(0, 200))
        else:
            item.update_period_months = 6
        if classification == Classification.DIKECUALIKAN:
            ground = rng.choice(
                [g for g in ExemptionGround.values if g != ExemptionGround.OTHER] + ["other"]
            )
            item.exemption_ground = ground
            if ground in ("j", "other"):
                item.exemption_law = rng.choice(words.LAWS)
            item.consequence_if_opened = words.EXEMPTIONS.get(ground, words.EXEMPTIONS["j"])
            item.consequence_if_closed = words.CLOSED
            item.public_interest = words.PUBLIC_INTEREST
            if rng.random() < 0.3:
                item.exempted_part = "Lampiran data pribadi (halaman 3-5)"
            period = rng.random()
            if ground in ("g", "h") and period < 0.5:
                item.exemption_permanent = True
            elif period < 0.75:
                item.exemption_until = self.today + timedelta(days=rng.randint(-60, 5 * 365))
            else:
                item.exemption_event = rng.choice(words.EVENTS)
        item.sync_row_flags()
        if item.next_update_on and item.next_update_on <= self.today:
            # What the daily sweep would have flagged by now.
            item.needs_update_since = item.next_update_on
            item.needs_update_changed_at = self.now
        if item.exemption_until and item.exemption_until < self.today:
            item.exemption_ended_on = item.exemption_until + timedelta(days=1)
        return item

    def _items(self) -> str:
        counts = self._item_counts()
        classes = list(CLASS_WEIGHTS)
        weights = list(CLASS_WEIGHTS.values())
        first = reserve_ids(Item, self.sizes.items)
        columns = [
            f.attname for f in Item._meta.concrete_fields if not isinstance(f, models.AutoField)
        ]
        self.items_by_body: dict[int, list[tuple[int, Item]]] = {}
        pk = first

        def generate():
            nonlocal pk
            for body, count in zip(self.bodies, counts, strict=True):
                chosen = self.rng.choices(classes, weights, k=count)
                # Every register holds every classification where it has room.
                for index, classification in enumerate(classes[: min(count, len(classes))]):
                    chosen[index] = classification
                listed = self.items_by_body.setdefault(body.pk, [])
                for classification in chosen:
                    item = self._item(pk, body, classification)
                    listed.append(item)
                    yield (pk, *(getattr(item, c) for c in columns))
                    pk += 1

        count = copy_rows(Item, ["id", *columns], generate())
        self.largest = max(self.bodies, key=lambda b: len(self.items_by_body[b.pk]))
        self.smallest = min(self.bodies, key=lambda b: len(self.items_by_body[b.pk]))
        return (
            f"{count} items (largest register {self.largest.slug}: "
            f"{len(self.items_by_body[self.largest.pk])}, smallest {self.smallest.slug}: "
            f"{len(self.items_by_body[self.smallest.pk])})"
        )

    # --- editions --------------------------------------------------------------------------
    def _editions(self) -> str:
        """Slot k goes to body k mod n; its j-th slot (j = k div n) is this year's DIP, this
        year's DIK, last year's DIP, ... The first --in-flight slots are in flight."""
        n = len(self.bodies)
        year = self.today.year
        editions = []
        self.plan: list[dict[str, Any]] = []
        for k in range(self.sizes.editions):
            body = self.bodies[k % n]
            j = k // n
            kind = EditionKind.DIP if j % 2 == 0 else EditionKind.DIK
            edition_year = year - j // 2
            route = self.routes[kind]
            stages = [s["stage"] for s in route["stages"]]
            in_flight = k < self.sizes.in_flight
            if in_flight:
                # Somewhere before publication; more editions early in the chain than late.
                reviewable = stages[: stages.index(Stage.PUBLICATION)]
                state = self.rng.choices(reviewable, [8, 5, 3, 3, 2][: len(reviewable)])[0]
            else:
                state = Stage.PUBLISHED
            edition = Edition(
                body=body,
                kind=kind,
                year=edition_year,
                revision=0,
                title=f"{kind.upper()} {edition_year}",
                state=state,
                route=route,
                created_by=self.officer[(body.pk, Role.OPERATOR.value)],
            )
            self.plan.append({"edition": edition, "stages": stages, "in_flight": in_flight})
            editions.append(edition)
        # The timeline of each edition (its steps) decides its dates, so steps are planned now.
        for entry in self.plan:
            self._plan_steps(entry)
        self._spread_returns()
        for entry in self.plan:
            self._time_steps(entry)
            edition = entry["edition"]
            edition.created_at = entry["steps"][0]["started_at"]
            if not entry["in_flight"]:
                signed = entry["steps"][-1]["started_at"]
                edition.signed_at = signed
                edition.signed_by = self.officer[(edition.body_id, Role.ATASAN.value)]
                edition.published_at = entry["steps"][-1]["finished_at"]
                edition.decree_date = timezone.localtime(signed).date()
                edition.decree_number = f"188.4/{self.rng.randint(1, 999):03d}/PPID/{edition.year}"
                code = base64.b32encode(self.rng.randbytes(10)).decode()[:10]
                edition.verification_code = code
        created = Edition.objects.bulk_create(editions, batch_size=1000)
        # auto_now_add overwrote created_at: put the planned dates back in one statement each.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE dip_edition AS e SET created_at = v.at FROM "
                "(SELECT unnest(%s::int[]) AS id, unnest(%s::timestamptz[]) AS at) AS v "
                "WHERE e.id = v.id",
                [
                    [e.pk for e in created],
                    [p["steps"][0]["started_at"] for p in self.plan],
                ],
            )
        for entry in self.plan:
            entry["edition"].created_at = entry["steps"][0]["started_at"]
        published = sum(1 for p in self.plan if not p["in_flight"])
        return (
            f"{len(created)} editions ({len(created) - published} in flight, {published} published)"
        )

    def _plan_steps(self, entry: dict[str, Any]) -> None:
        """The stages the edition went through, each closed by a transition; the last one of an
        edition in flight stays open."""
        edition, stages = entry["edition"], entry["stages"]
        end = stages.index(edition.state) if entry["in_flight"] else len(stages)
        steps = []
        for stage in stages[:end]:
            name = FORWARD.get(stage, "publish")
            steps.append({"stage": stage, "transition": name})
        if entry["in_flight"]:
            steps.append({"stage": edition.state, "transition": ""})
        entry["steps"] = steps

    def _spread_returns(self) -> None:
        """Returns (verification back to collection) until the step rows reach --steps."""
        target = self.sizes.steps
        total = sum(len(p["steps"]) for p in self.plan)
        candidates = [
            p for p in self.plan if any(s["stage"] == Stage.VERIFICATION for s in p["steps"])
        ]
        if not candidates:
            return
        while total + 2 <= target:
            entry = self.rng.choice(candidates)
            steps = entry["steps"]
            at = next(i for i, s in enumerate(steps) if s["stage"] == Stage.VERIFICATION)
            # collection → verification (returned) → collection → verification ...
            steps[at:at] = [
                {"stage": Stage.VERIFICATION, "transition": "return"},
                {"stage": Stage.COLLECTION, "transition": "submit"},
            ]
            total += 2

    def _time_steps(self, entry: dict[str, Any]) -> None:
        """Start and finish times: an edition in flight has its open step started recently
        (some past due); a published one ran early in its year."""
        edition, steps = entry["edition"], entry["steps"]
        route = {s["stage"]: s for s in edition.route["stages"]}
        rng = self.rng
        durations = []
        for step in steps:
            info = route[step["stage"]]
            step["info"] = info
            step["standard"] = standard_seconds_of(
                info.get("amount"), info.get("unit") or "", self.calendar.office_day_seconds
            )
            base = step["standard"] or 3600
            # Most on time, a tail late: 0.1x to 3x of the standard, plus nights and weekends.
            durations.append(int(base * rng.choice([0.2, 0.5, 0.8, 1.0, 1.5, 3.0]) + 3600 * 14))
        if entry["in_flight"]:
            open_for = int(durations[-1] * rng.uniform(0.05, 1.6))
            start = self.now - timedelta(seconds=open_for + sum(durations[:-1]))
        else:
            day = date(edition.year, rng.randint(1, 6), rng.randint(1, 28))
            start = datetime.combine(day, datetime.min.time(), tzinfo=self.now.tzinfo) + timedelta(
                hours=rng.randint(1, 8)
            )
            start = min(start, self.now - timedelta(seconds=sum(durations) + 3600))
        at = start
        for step, duration in zip(steps, durations, strict=True):
            step["started_at"] = at
            finished = at + timedelta(seconds=duration)
            step["finished_at"] = finished if step["transition"] else None
            at = finished

    def _entries_and_rows(self) -> str:
        """The rows: picked items for an edition in flight, frozen rows for a published one."""
        entry_columns = ["edition_id", "item_id", "position", "added_by_id", "added_at"]
        row_columns = [
            "edition_id",
            "item_id",
            "number",
            "classification",
            "title",
            "summary",
            "unit_name",
            "holding_unit",
            "responsible",
            "produced_at",
            "produced_place",
            "form",
            "retention",
            "update_period_months",
            "exempted_part",
            "exemption_ground",
            "exemption_law",
            "consequence_if_opened",
            "consequence_if_closed",
            "public_interest",
            "exemption_until",
            "exemption_event",
            "exemption_permanent",
            "attachments",
        ]
        units = {u.pk: u.name for body_units in self.units.values() for u in body_units}

        def rows_of(entry):
            edition = entry["edition"]
            dik = edition.kind == EditionKind.DIK
            return [
                item
                for item in self.items_by_body[edition.body_id]
                if (item.classification == Classification.DIKECUALIKAN) == dik
            ]

        def entries():
            for entry in self.plan:
                if entry["in_flight"]:
                    edition = entry["edition"]
                    operator = self.officer[(edition.body_id, Role.OPERATOR.value)]
                    for position, item in enumerate(rows_of(entry)):
                        yield (edition.pk, item.pk, position, operator.pk, edition.created_at)

        def frozen():
            for entry in self.plan:
                if not entry["in_flight"]:
                    edition = entry["edition"]
                    for number, item in enumerate(rows_of(entry), start=1):
                        berkala = item.classification == Classification.BERKALA
                        yield (
                            edition.pk,
                            item.pk,
                            number,
                            item.classification,
                            item.title,
                            item.summary,
                            units.get(item.unit_id, ""),
                            item.holding_unit,
                            item.responsible,
                            item.produced_at,
                            item.produced_place,
                            item.form,
                            item.retention,
                            item.update_period_months if berkala else None,
                            item.exempted_part,
                            item.exemption_ground,
                            item.exemption_law,
                            item.consequence_if_opened,
                            item.consequence_if_closed,
                            item.public_interest,
                            item.exemption_until,
                            item.exemption_event,
                            item.exemption_permanent,
                            [],
                        )

        picked = copy_rows(EditionItem, entry_columns, entries())
        signed = copy_rows(EditionRow, row_columns, frozen())
        return f"{picked} rows picked into editions in flight, {signed} signed rows"

    def _steps(self) -> str:
        columns = [
            "edition_id",
            "stage",
            "role",
            "sop_step_number",
            "standard_amount",
            "standard_unit",
            "standard_seconds",
            "started_at",
            "due_at",
            "due_explanation",
            "remind_at",
            "next_notice_at",
            "reminded_at",
            "overdue_noticed_at",
            "escalation_level",
            "escalated_at",
            "handed_over_by_id",
            "finished_at",
            "finished_by_id",
            "transition",
            "note",
            "duration_seconds",
        ]
        tz = "Asia/Pontianak"

        def generate():
            for entry in self.plan:
                edition = entry["edition"]
                previous_actor = edition.created_by
                for step in entry["steps"]:
                    info = step["info"]
                    role = info["role"]
                    started = step["started_at"]
                    due = remind = None
                    explanation = ""
                    if info.get("amount"):
                        deadline = compute_deadline(
                            started, info["amount"], info["unit"], self.calendar
                        )
                        due, remind = deadline.due_at, deadline.remind_at
                        explanation = deadline.explain(tz)[:500]
                    finished = step["finished_at"]
                    actor = None if role == "system" else self.officer[(edition.body_id, role)]
                    next_notice = reminded = overdue = None
                    if finished is None and due is not None:
                        if remind and remind > self.now:
                            next_notice = remind
                        else:
                            reminded = remind
                            if due > self.now:
                                next_notice = due
                            else:
                                overdue = due
                    note = ""
                    if step["transition"] == "return":
                        note = self.rng.choice(words.NOTES[1:4])
                    elif step["transition"]:
                        note = self.rng.choice(["", "", words.NOTES[0], words.NOTES[4]])
                    step["actor"], step["note"], step["due_at"] = actor, note, due
                    yield (
                        edition.pk,
                        step["stage"],
                        role,
                        info.get("step"),
                        info.get("amount"),
                        info.get("unit") or "",
                        step["standard"],
                        started,
                        due,
                        explanation,
                        remind,
                        next_notice,
                        reminded,
                        overdue,
                        0,
                        None,
                        previous_actor.pk if previous_actor else None,
                        finished,
                        actor.pk if (finished and actor) else None,
                        step["transition"],
                        note,
                        int((finished - started).total_seconds()) if finished else None,
                    )
                    previous_actor = actor

        count = copy_rows(Step, columns, generate())
        return f"{count} steps"

    # --- the audit trail and the notices ----------------------------------------------------
    def _audit(self) -> str:
        columns = [
            "at",
            "actor_id",
            "body_id",
            "edition_id",
            "action",
            "transition",
            "from_state",
            "to_state",
            "note",
            "duration_seconds",
            "standard_seconds",
            "target_type",
            "target_id",
            "data",
        ]
        # Rows written by the services above (the default routes) count too.
        target = self.sizes.audit - (AuditEntry.objects.count() - self.audit_before)
        rng = self.rng

        def transitions():
            for entry in self.plan:
                edition = entry["edition"]
                operator = self.officer[(edition.body_id, Role.OPERATOR.value)]
                yield (
                    edition.created_at,
                    operator.pk,
                    edition.body_id,
                    edition.pk,
                    "edition.create",
                    "",
                    "",
                    entry["steps"][0]["stage"],
                    "",
                    None,
                    None,
                    "dip.edition",
                    str(edition.pk),
                    {},
                )
                steps = entry["steps"]
                for index, step in enumerate(steps):
                    if not step["transition"]:
                        continue
                    after = steps[index + 1]["stage"] if index + 1 < len(steps) else "published"
                    data = {}
                    if step["transition"] == "sign":
                        data = {
                            "decree_number": edition.decree_number,
                            "decree_date": edition.decree_date.isoformat()
                            if edition.decree_date
                            else "",
                        }
                    yield (
                        step["finished_at"],
                        step["actor"].pk if step["actor"] else None,
                        edition.body_id,
                        edition.pk,
                        f"edition.{step['transition']}",
                        step["transition"],
                        step["stage"],
                        after,
                        step["note"],
                        int((step["finished_at"] - step["started_at"]).total_seconds()),
                        step["standard"],
                        "dip.edition",
                        str(edition.pk),
                        data,
                    )

        def item_creations():
            for body in self.bodies:
                operator = self.officer[(body.pk, Role.OPERATOR.value)]
                for item in self.items_by_body[body.pk]:
                    yield (
                        item.created_at,
                        operator.pk,
                        body.pk,
                        None,
                        "item.create",
                        "",
                        "",
                        "",
                        "",
                        None,
                        None,
                        "dip.item",
                        str(item.pk),
                        {"title": item.title},
                    )

        actions = [a for a, _w in AUDIT_FILLER]
        weights = [w for _a, w in AUDIT_FILLER]
        span = int(
            (self.now - datetime(self.today.year - 3, 1, 1, tzinfo=self.now.tzinfo)).total_seconds()
        )
        editions_of = {}
        for entry in self.plan:
            editions_of.setdefault(entry["edition"].body_id, []).append(entry["edition"])

        def filler():
            while True:
                body = rng.choice(self.bodies)
                action = rng.choices(actions, weights)[0]
                at = self.now - timedelta(seconds=rng.randint(60, span))
                role = Role.PPID.value if action == "comment.add" else Role.OPERATOR.value
                actor = self.officer[(body.pk, role)]
                edition = None
                target_type, target_id, data = "", "", {}
                if action == "item.update":
                    item = rng.choice(self.items_by_body[body.pk])
                    target_type, target_id = "dip.item", str(item.pk)
                    data = {"fields": rng.sample(["summary", "retention", "form", "title"], 2)}
                elif action.startswith(("edition.", "comment.", "nota_dinas.", "step.")):
                    if body.pk not in editions_of:
                        continue
                    edition = rng.choice(editions_of[body.pk])
                    target_type, target_id = "dip.edition", str(edition.pk)
                    if action.startswith("step."):
                        actor = None
                elif action.startswith("account."):
                    target_type, target_id = "auth.user", str(actor.pk)
                yield (
                    at,
                    actor.pk if actor else None,
                    body.pk if not action.startswith("account.") else None,
                    edition.pk if edition else None,
                    action,
                    "",
                    "",
                    "",
                    "",
                    None,
                    None,
                    target_type,
                    target_id,
                    data,
                )

        def everything():
            count = 0
            for source in (transitions(), item_creations(), filler()):
                for row in source:
                    if count >= target:
                        return
                    yield row
                    count += 1

        count = copy_rows(AuditEntry, columns, everything())
        return f"{count} audit rows"

    def _notices(self) -> str:
        """A hand-over notice for every open step to its officer, flagged-row notices, and older
        (read) notices to reach --notices."""
        columns = [
            "recipient_id",
            "kind",
            "key",
            "title",
            "message",
            "url",
            "body_id",
            "edition_id",
            "created_at",
            "read_at",
            "emailed_at",
        ]
        target = self.sizes.notices
        rng = self.rng

        def handovers():
            for entry in self.plan:
                edition = entry["edition"]
                for index, step in enumerate(entry["steps"]):
                    role = step["info"]["role"]
                    if role == "system":
                        continue
                    recipient = self.officer[(edition.body_id, role)]
                    read = step["finished_at"] or (
                        step["started_at"] + timedelta(hours=2) if rng.random() < 0.5 else None
                    )
                    yield (
                        recipient.pk,
                        NoticeKind.HANDOVER,
                        f"scale:{edition.pk}:{index}:handover",
                        f"{edition.title} menunggu tindakan Anda",
                        f"Tahap: {Stage(step['stage']).label}",
                        f"/edisi/{edition.pk}/",
                        edition.body_id,
                        edition.pk,
                        step["started_at"],
                        read,
                        step["started_at"],
                    )

        def flagged():
            for body in self.bodies:
                operator = self.officer[(body.pk, Role.OPERATOR.value)]
                for item in self.items_by_body[body.pk]:
                    if item.needs_update_since:
                        at = datetime.combine(
                            item.needs_update_since, datetime.min.time(), tzinfo=self.now.tzinfo
                        )
                        yield (
                            operator.pk,
                            NoticeKind.BERKALA_DUE,
                            f"scale:item:{item.pk}:berkala",
                            f"{item.title} perlu diperbarui",
                            "",
                            f"/informasi/{item.pk}/",
                            body.pk,
                            None,
                            at,
                            at + timedelta(days=1) if rng.random() < 0.7 else None,
                            at,
                        )

        def everything():
            count = 0
            for source in (handovers(), flagged()):
                for row in source:
                    if count >= target:
                        return
                    yield row
                    count += 1

        count = copy_rows(Notice, columns, everything())
        return f"{count} notices"


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
        summary = ", ".join(f"{k} {v}" for k, v in counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data set built in {time.monotonic() - started:.0f} s: {summary}"
            )
        )
