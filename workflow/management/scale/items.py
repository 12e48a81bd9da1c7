"""The register: items per body (a long tail), each with its classification's fields, loaded
with COPY."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import models

from dip.models import Classification, ExemptionGround, InformationForm, Item
from ppid.models import Body, Role, Unit
from workflow import scale_data as words
from workflow.management.scale.pgcopy import copy_rows, reserve_ids

if TYPE_CHECKING:
    from workflow.management.scale.seed import ScaleSeed

# The share of each classification in a register (a Pemda's DIP is mostly setiap saat and
# berkala; a few serta merta; about one in ten exempted).
CLASS_WEIGHTS = {
    Classification.SETIAP_SAAT: 48,
    Classification.BERKALA: 34,
    Classification.SERTA_MERTA: 6,
    Classification.DIKECUALIKAN: 12,
}


def _item_counts(seed: ScaleSeed) -> list[int]:
    """Items per body: a long tail (a few large registers, many small ones), each body at
    least one, the largest at most 2.5% of all, summing to --items."""
    total, n = seed.sizes.items, len(seed.bodies)
    weights = [seed.rng.paretovariate(1.6) for _ in range(n)]
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


def _title(seed: ScaleSeed, classification: str, body: Body, unit: Unit) -> str:
    pattern = seed.rng.choice(words.TITLES[classification])
    return pattern.format(
        unit=unit.name,
        body=body.short_name,
        year=seed.rng.randint(2019, seed.today.year),
        semester=seed.rng.choice(["I", "II"]),
        quarter=seed.rng.choice(["I", "II", "III", "IV"]),
        topic=seed.rng.choice(words.TOPICS),
        kecamatan=seed.rng.choice(words.KECAMATAN),
    )[:255]


def _item(seed: ScaleSeed, pk: int, body: Body, classification: str) -> Item:
    rng = seed.rng
    unit = rng.choice(seed.units[body.pk])
    produced = seed.today - timedelta(days=rng.randint(30, 6 * 365))
    item = Item(
        pk=pk,
        body=body,
        unit=unit,
        title=_title(seed, classification, body, unit),
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
        created_by=seed.officer[(body.pk, Role.OPERATOR.value)],
        created_at=datetime.combine(produced, datetime.min.time(), tzinfo=seed.now.tzinfo),
        updated_at=seed.now,
    )
    if classification == Classification.BERKALA:
        if rng.random() < 0.5:
            item.last_updated_on = seed.today - timedelta(days=rng.randint(0, 200))
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
            item.exemption_until = seed.today + timedelta(days=rng.randint(-60, 5 * 365))
        else:
            item.exemption_event = rng.choice(words.EVENTS)
    item.sync_row_flags()
    if item.next_update_on and item.next_update_on <= seed.today:
        # What the daily sweep would have flagged by now.
        item.needs_update_since = item.next_update_on
        item.needs_update_changed_at = seed.now
    if item.exemption_until and item.exemption_until < seed.today:
        item.exemption_ended_on = item.exemption_until + timedelta(days=1)
    return item


def add_items(seed: ScaleSeed) -> str:
    counts = _item_counts(seed)
    classes = list(CLASS_WEIGHTS)
    weights = list(CLASS_WEIGHTS.values())
    first = reserve_ids(Item, seed.sizes.items)
    columns = [f.attname for f in Item._meta.concrete_fields if not isinstance(f, models.AutoField)]
    seed.items_by_body = {}
    pk = first

    def generate():
        nonlocal pk
        for body, count in zip(seed.bodies, counts, strict=True):
            chosen = seed.rng.choices(classes, weights, k=count)
            # Every register holds every classification where it has room.
            for index, classification in enumerate(classes[: min(count, len(classes))]):
                chosen[index] = classification
            listed = seed.items_by_body.setdefault(body.pk, [])
            for classification in chosen:
                item = _item(seed, pk, body, classification)
                listed.append(item)
                yield (pk, *(getattr(item, c) for c in columns))
                pk += 1

    count = copy_rows(Item, ["id", *columns], generate())
    seed.largest = max(seed.bodies, key=lambda b: len(seed.items_by_body[b.pk]))
    seed.smallest = min(seed.bodies, key=lambda b: len(seed.items_by_body[b.pk]))
    return (
        f"{count} items (largest register {seed.largest.slug}: "
        f"{len(seed.items_by_body[seed.largest.pk])}, smallest {seed.smallest.slug}: "
        f"{len(seed.items_by_body[seed.smallest.pk])})"
    )
