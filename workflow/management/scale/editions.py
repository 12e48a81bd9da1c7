"""The editions: DIP and DIK of each body, this year's in flight and older ones published, the
timeline of their steps (planned here, written by `steps`), and their rows (items picked into
an edition in flight, frozen rows of a published one)."""

from __future__ import annotations

import base64
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from dip.models import FORWARD, Classification, Edition, EditionItem, EditionKind, EditionRow, Stage
from ppid.models import Role
from workflow.management.scale.pgcopy import copy_rows
from workflow.models import standard_seconds_of

if TYPE_CHECKING:
    from workflow.management.scale.seed import ScaleSeed


def add_editions(seed: ScaleSeed) -> str:
    """Slot k goes to body k mod n; its j-th slot (j = k div n) is this year's DIP, this
    year's DIK, last year's DIP, ... The first --in-flight slots are in flight."""
    n = len(seed.bodies)
    year = seed.today.year
    editions = []
    seed.plan = []
    for k in range(seed.sizes.editions):
        body = seed.bodies[k % n]
        j = k // n
        kind = EditionKind.DIP if j % 2 == 0 else EditionKind.DIK
        edition_year = year - j // 2
        route = seed.routes[kind]
        stages = [s["stage"] for s in route["stages"]]
        in_flight = k < seed.sizes.in_flight
        if in_flight:
            # Somewhere before publication; more editions early in the chain than late.
            reviewable = stages[: stages.index(Stage.PUBLICATION)]
            state = seed.rng.choices(reviewable, [8, 5, 3, 3, 2][: len(reviewable)])[0]
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
            created_by=seed.officer[(body.pk, Role.OPERATOR.value)],
        )
        seed.plan.append({"edition": edition, "stages": stages, "in_flight": in_flight})
        editions.append(edition)
    # The timeline of each edition (its steps) decides its dates, so steps are planned now.
    for entry in seed.plan:
        _plan_steps(entry)
    _spread_returns(seed)
    for entry in seed.plan:
        _time_steps(seed, entry)
        edition = entry["edition"]
        edition.created_at = entry["steps"][0]["started_at"]
        if not entry["in_flight"]:
            signed = entry["steps"][-1]["started_at"]
            edition.signed_at = signed
            edition.signed_by = seed.officer[(edition.body_id, Role.ATASAN.value)]
            edition.published_at = entry["steps"][-1]["finished_at"]
            edition.decree_date = timezone.localtime(signed).date()
            edition.decree_number = f"188.4/{seed.rng.randint(1, 999):03d}/PPID/{edition.year}"
            code = base64.b32encode(seed.rng.randbytes(10)).decode()[:10]
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
                [p["steps"][0]["started_at"] for p in seed.plan],
            ],
        )
    for entry in seed.plan:
        entry["edition"].created_at = entry["steps"][0]["started_at"]
    published = sum(1 for p in seed.plan if not p["in_flight"])
    return f"{len(created)} editions ({len(created) - published} in flight, {published} published)"


def _plan_steps(entry: dict[str, Any]) -> None:
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


def _spread_returns(seed: ScaleSeed) -> None:
    """Returns (verification back to collection) until the step rows reach --steps."""
    target = seed.sizes.steps
    total = sum(len(p["steps"]) for p in seed.plan)
    candidates = [p for p in seed.plan if any(s["stage"] == Stage.VERIFICATION for s in p["steps"])]
    if not candidates:
        return
    while total + 2 <= target:
        entry = seed.rng.choice(candidates)
        steps = entry["steps"]
        at = next(i for i, s in enumerate(steps) if s["stage"] == Stage.VERIFICATION)
        # collection → verification (returned) → collection → verification ...
        steps[at:at] = [
            {"stage": Stage.VERIFICATION, "transition": "return"},
            {"stage": Stage.COLLECTION, "transition": "submit"},
        ]
        total += 2


def _time_steps(seed: ScaleSeed, entry: dict[str, Any]) -> None:
    """Start and finish times: an edition in flight has its open step started recently
    (some past due); a published one ran early in its year."""
    edition, steps = entry["edition"], entry["steps"]
    route = {s["stage"]: s for s in edition.route["stages"]}
    rng = seed.rng
    durations = []
    for step in steps:
        info = route[step["stage"]]
        step["info"] = info
        step["standard"] = standard_seconds_of(
            info.get("amount"), info.get("unit") or "", seed.calendar.office_day_seconds
        )
        base = step["standard"] or 3600
        # Most on time, a tail late: 0.1x to 3x of the standard, plus nights and weekends.
        durations.append(int(base * rng.choice([0.2, 0.5, 0.8, 1.0, 1.5, 3.0]) + 3600 * 14))
    if entry["in_flight"]:
        open_for = int(durations[-1] * rng.uniform(0.05, 1.6))
        start = seed.now - timedelta(seconds=open_for + sum(durations[:-1]))
    else:
        day = date(edition.year, rng.randint(1, 6), rng.randint(1, 28))
        start = datetime.combine(day, datetime.min.time(), tzinfo=seed.now.tzinfo) + timedelta(
            hours=rng.randint(1, 8)
        )
        start = min(start, seed.now - timedelta(seconds=sum(durations) + 3600))
    at = start
    for step, duration in zip(steps, durations, strict=True):
        step["started_at"] = at
        finished = at + timedelta(seconds=duration)
        step["finished_at"] = finished if step["transition"] else None
        at = finished


def add_rows(seed: ScaleSeed) -> str:
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
    units = {u.pk: u.name for body_units in seed.units.values() for u in body_units}

    def rows_of(entry):
        edition = entry["edition"]
        dik = edition.kind == EditionKind.DIK
        return [
            item
            for item in seed.items_by_body[edition.body_id]
            if (item.classification == Classification.DIKECUALIKAN) == dik
        ]

    def entries():
        for entry in seed.plan:
            if entry["in_flight"]:
                edition = entry["edition"]
                operator = seed.officer[(edition.body_id, Role.OPERATOR.value)]
                for position, item in enumerate(rows_of(entry)):
                    yield (edition.pk, item.pk, position, operator.pk, edition.created_at)

    def frozen():
        for entry in seed.plan:
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
