"""The officers' notices: hand-overs of the steps, berkala items due for an update."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from dip.models import Stage
from ppid.models import Role
from workflow.management.scale.pgcopy import copy_rows, up_to
from workflow.models import Notice, NoticeKind

if TYPE_CHECKING:
    from workflow.management.scale.seed import ScaleSeed


def add_notices(seed: ScaleSeed) -> str:
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
    target = seed.sizes.notices
    rng = seed.rng

    def handovers():
        for entry in seed.plan:
            edition = entry["edition"]
            for index, step in enumerate(entry["steps"]):
                role = step["info"]["role"]
                if role == "system":
                    continue
                recipient = seed.officer[(edition.body_id, role)]
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
        for body in seed.bodies:
            operator = seed.officer[(body.pk, Role.OPERATOR.value)]
            for item in seed.items_by_body[body.pk]:
                if item.needs_update_since:
                    at = datetime.combine(
                        item.needs_update_since, datetime.min.time(), tzinfo=seed.now.tzinfo
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

    count = copy_rows(Notice, columns, up_to(target, handovers(), flagged()))
    return f"{count} notices"
