"""The audit trail: the editions' transitions (their actors and notes come from `steps`), the
items' creation, and filler (logins, updates, comments, reminders) up to --audit rows."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ppid.models import Role
from workflow.management.scale.pgcopy import copy_rows, up_to
from workflow.models import AuditEntry

if TYPE_CHECKING:
    from workflow.management.scale.seed import ScaleSeed

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


def add_audit(seed: ScaleSeed) -> str:
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
    target = seed.sizes.audit - (AuditEntry.objects.count() - seed.audit_before)
    rng = seed.rng

    def transitions():
        for entry in seed.plan:
            edition = entry["edition"]
            operator = seed.officer[(edition.body_id, Role.OPERATOR.value)]
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
        for body in seed.bodies:
            operator = seed.officer[(body.pk, Role.OPERATOR.value)]
            for item in seed.items_by_body[body.pk]:
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
        (seed.now - datetime(seed.today.year - 3, 1, 1, tzinfo=seed.now.tzinfo)).total_seconds()
    )
    editions_of = {}
    for entry in seed.plan:
        editions_of.setdefault(entry["edition"].body_id, []).append(entry["edition"])

    def filler():
        while True:
            body = rng.choice(seed.bodies)
            action = rng.choices(actions, weights)[0]
            at = seed.now - timedelta(seconds=rng.randint(60, span))
            role = Role.PPID.value if action == "comment.add" else Role.OPERATOR.value
            actor = seed.officer[(body.pk, role)]
            edition = None
            target_type, target_id, data = "", "", {}
            if action == "item.update":
                item = rng.choice(seed.items_by_body[body.pk])
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

    count = copy_rows(AuditEntry, columns, up_to(target, transitions(), item_creations(), filler()))
    return f"{count} audit rows"
