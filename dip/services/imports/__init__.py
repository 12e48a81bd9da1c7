"""Bringing a body's existing register in from a spreadsheet.

1. `import_job_create`: the file is read whole (`reading`: refused with a message, storing
   nothing, if it is not a readable spreadsheet, a zip bomb, too long, or holds formulas), its
   columns are mapped to item fields (the body's remembered mapping, then the Perki headings,
   `columns`), and each row is checked through the register's own form (`dip.forms.ItemForm`,
   the one door for an item's rules) into a preview: its problems, and the existing item it
   repeats (same title and unit), if any.
2. `import_job_remap`: the officer changes the mapping; it is remembered for the body.
3. `import_job_commit`: the officer chooses which repeated rows update their item (each, or
   all) and confirms; the job is queued (dip.tasks.run_import).
4. `import_job_run` (the task): every row is checked again and every valid one written through
   `item_create`/`item_update` in ONE transaction, with the job's outcome; a failure rolls it
   all back and marks the job failed. Never a half import.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from dip.models import (
    ITEM_FIELDS,
    Classification,
    ImportJob,
    ImportMapping,
    ImportStatus,
    Item,
)
from dip.permissions import can_change_items
from dip.selectors import progress_key, remembered_mapping
from dip.services.classification import crosses_exemption
from dip.services.common import EMPTY_EXEMPTION, audit, require
from dip.services.imports import columns as cols
from dip.services.imports.reading import read_upload
from dip.services.imports.template import import_template_csv, import_template_xlsx
from dip.services.items import item_prepare, item_update, items_create_many
from dip.signals import import_committed
from ppid.exceptions import Conflict
from ppid.models import Body, Unit

__all__ = [
    "AlreadyCommitted",
    "import_job_commit",
    "import_job_create",
    "import_job_discard",
    "import_job_remap",
    "import_job_run",
    "import_template_csv",
    "import_template_xlsx",
]

TEXT_FIELDS = (
    "title",
    "summary",
    "holding_unit",
    "responsible",
    "produced_place",
    "retention",
    "exempted_part",
    "exemption_law",
    "consequence_if_opened",
    "consequence_if_closed",
    "public_interest",
    "exemption_event",
)
# Rows written between two updates of the live count.
PROGRESS_EVERY = 100
# New rows written per call of items_create_many (its batches of inserts, then their audit).
CREATE_BATCH = 1000
logger = logging.getLogger(__name__)
TITLE_MAX = Item._meta.get_field("title").max_length


class AlreadyCommitted(Conflict):
    def __init__(self, job: ImportJob):
        super().__init__(_("This import has already been started."))
        self.state = job.status


# --- mapping -------------------------------------------------------------------------------


def default_mapping(body: Body, source: dict[str, Any]) -> dict[str, str]:
    """The body's remembered choice for each heading it has seen, else the recognised field;
    each field taken by its first column only."""
    remembered = remembered_mapping(body)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for column in source["columns"]:
        key = column["key"]
        field = remembered.get(key, column.get("field") or "")
        if field and field != cols.NUMBER and field in taken:
            field = ""
        if field not in cols.TARGETS and field != cols.NUMBER:
            field = ""
        mapping[key] = field
        if field:
            taken.add(field)
    return mapping


def _check_mapping(source: dict[str, Any], mapping: dict[str, str]) -> dict[str, str]:
    keys = {c["key"] for c in source["columns"]}
    clean: dict[str, str] = {}
    seen: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for key in keys:
        field = mapping.get(key) or ""
        if field and field not in cols.TARGETS and field != cols.NUMBER:
            errors.setdefault(key, []).append(_("Unknown field."))
            continue
        if field and field != cols.NUMBER and field in seen:
            errors.setdefault(key, []).append(
                _("“%(field)s” is already taken by another column.")
                % {"field": cols.TARGETS[field]}
            )
            continue
        seen[field] = key
        clean[key] = field
    if errors:
        raise ValidationError(errors)
    return clean


# --- one row -------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _label(name: str) -> str:
    if name in ITEM_FIELDS:
        return capfirst(Item._meta.get_field(name).verbose_name)
    return capfirst(str(cols.TARGETS.get(name, name)))


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= TITLE_MAX:
        return text
    return text[: TITLE_MAX - 1].rsplit(" ", 1)[0] + "…"


def _item_fields(
    raw: dict[str, Any], mapping: dict[str, str], units: dict[str, Unit]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The row as an item's fields (typed, as the register's form gives them to the services),
    and the cells that could not be read."""
    values: dict[str, Any] = {}
    for key, value in raw["cells"].items():
        field = mapping.get(key)
        if field and field != cols.NUMBER and field not in values:
            values[field] = value
    fields: dict[str, Any] = {name: "" for name in ITEM_FIELDS}
    errors: dict[str, list[str]] = {}

    def read(field: str, parse):
        try:
            return parse(values.get(field))
        except cols.CellError as error:
            errors.setdefault(field, []).append(str(error))
            return None

    for name in TEXT_FIELDS:
        fields[name] = _text(values.get(name))
    if not fields["title"] and fields["summary"]:
        fields["title"] = _shorten(fields["summary"])  # the Perki list has only the summary
    classification = read("classification", cols.classification_of) or raw.get("class") or ""
    if values.get("classification") and not classification:
        errors.setdefault("classification", []).append(
            _(
                "“%(value)s” is not a classification; write Berkala, Serta merta, Setiap saat or "
                "Dikecualikan."
            )
            % {"value": _text(values["classification"])[:60]}
        )
    fields["classification"] = classification
    # As the item form does: no period written is the law's longest, 6 months.
    fields["update_period_months"] = read("update_period_months", cols.parse_period) or 6
    fields["unit"] = None
    if unit := _text(values.get("unit")):
        fields["unit"] = units.get(cols.normalise(unit))
        if fields["unit"] is None:
            errors.setdefault("unit", []).append(
                _(
                    "There is no unit “%(unit)s” in this public body; add it first or leave the "
                    "cell empty."
                )
                % {"unit": unit[:100]}
            )
    produced = read("produced_at", cols.parse_date)
    if "produced" in values:
        try:
            produced, place = cols.find_date(values["produced"])
        except cols.CellError:
            produced, place = None, _text(values["produced"])
        fields["produced_place"] = fields["produced_place"] or place
    fields["produced_at"] = produced
    form = read("form", cols.parse_form) or ""
    if not form and ("form_softcopy" in values or "form_hardcopy" in values):
        soft = cols.ticked(values.get("form_softcopy"))
        hard = cols.ticked(values.get("form_hardcopy"))
        form = "both" if soft and hard else "softcopy" if soft else "hardcopy" if hard else ""
    fields["form"] = form
    fields["exemption_ground"] = read("exemption_ground", cols.parse_ground) or ""
    fields["exemption_until"] = read("exemption_until", cols.parse_date)
    fields["exemption_permanent"] = cols.parse_bool(values.get("exemption_permanent"))
    if classification != Classification.DIKECUALIKAN:
        # As the item form does: the consequence test belongs to dikecualikan rows only.
        fields.update(EMPTY_EXEMPTION)
        for name in EMPTY_EXEMPTION:
            errors.pop(name, None)
    return fields, errors


def _dup_key(title: str, unit: Unit | None) -> tuple[str, int | None]:
    return (" ".join(title.casefold().split()), unit.pk if unit else None)


def _display(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else _text(value)


def _rows(
    body: Body, user: AbstractBaseUser, source: dict[str, Any], mapping: dict[str, str]
) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None, Item | None]]:
    """Each row's preview and, when it is valid, its item fields and its new item (unsaved).
    Every row is checked by the register's rules (`item_prepare`: Item.full_clean, as
    `item_create` checks it), without a query per row."""
    units = {cols.normalise(u.name): u for u in body.units.all()}
    existing = {
        (" ".join(title.casefold().split()), unit): (pk, classification)
        for pk, title, unit, classification in Item.objects.filter(body=body).values_list(
            "pk", "title", "unit", "classification"
        )
    }
    seen: dict[tuple[str, int | None], int] = {}
    for index, raw in enumerate(source["rows"]):
        fields, cell_errors = _item_fields(raw, mapping, units)
        errors = [f"{_label(f)}: {m}" for f, messages in cell_errors.items() for m in messages]
        item = None
        try:
            item = item_prepare(body=body, user=user, **fields)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field in cell_errors:
                    continue  # the cell's own message says it better
                for message in messages:
                    errors.append(
                        message if field == NON_FIELD_ERRORS else f"{_label(field)}: {message}"
                    )
        key = _dup_key(fields["title"], fields["unit"])
        duplicate, warning = None, ""
        if fields["title"] and key in seen:
            errors.append(
                _("The same title and unit as row %(row)s of this file.")
                % {"row": source["rows"][seen[key]]["row"]}
            )
        elif fields["title"]:
            seen[key] = index
            if key in existing:
                duplicate, stored_class = existing[key]
                if crosses_exemption(stored_class, fields["classification"]):
                    warning = _(
                        "Updating it would move it into or out of dikecualikan, which only the "
                        "tim pertimbangan and the atasan can do: it will be skipped."
                    )
        preview = {
            "index": index,
            "sheet": raw["sheet"],
            "row": raw["row"],
            "title": fields["title"],
            "classification": fields["classification"],
            "errors": errors,
            "duplicate_of": duplicate,
            "warning": warning,
            "values": {
                name: _display(fields[name])
                for name in ("summary", "holding_unit", "produced_at", "form")
                if fields[name]
            },
        }
        yield preview, (fields if not errors else None), (item if not errors else None)


def _preview(
    body: Body, user: AbstractBaseUser, source: dict[str, Any], mapping: dict[str, str]
) -> list[dict]:
    return [preview for preview, _fields, _item in _rows(body, user, source, mapping)]


# --- the services --------------------------------------------------------------------------


@transaction.atomic
def import_job_create(*, body: Body, user: AbstractBaseUser, upload: UploadedFile) -> ImportJob:
    """Read the file and build its preview; a file that cannot be read stores nothing."""
    require(can_change_items(user, body))
    try:
        sheets = read_upload(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.error_list}) from error
    source = cols.source_of(sheets)
    if not source["rows"]:
        raise ValidationError(
            {"file": [_("The spreadsheet has headings but no rows of information under them.")]}
        )
    mapping = default_mapping(body, source)
    rows = _preview(body, user, source, mapping)
    job = ImportJob(
        body=body,
        created_by=user,
        file_name=(upload.name or "")[:255],
        source=source,
        mapping=mapping,
        rows=rows,
        total=len(rows),
    )
    job.save()
    audit(
        actor=user,
        body=body,
        action="import.upload",
        target=job,
        data={"file": job.file_name, "rows": job.total},
    )
    return job


def _lock_uncommitted(job: ImportJob, user: AbstractBaseUser) -> ImportJob:
    require(can_change_items(user, job.body))
    job = (
        ImportJob.objects.select_for_update(of=("self",), no_key=True)
        .select_related("body")
        .get(pk=job.pk)
    )
    if job.committed_at is not None:
        raise AlreadyCommitted(job)
    return job


@transaction.atomic
def import_job_remap(
    *, job: ImportJob, user: AbstractBaseUser, mapping: dict[str, str]
) -> ImportJob:
    """Map the columns again (and remember the choice for the body's next spreadsheet)."""
    job = _lock_uncommitted(job, user)
    job.mapping = _check_mapping(job.source, mapping)
    job.rows = _preview(job.body, user, job.source, job.mapping)
    job.update_rows = []
    job.save(update_fields=["mapping", "rows", "update_rows"])
    remembered, _created = ImportMapping.objects.select_for_update(no_key=True).get_or_create(
        body=job.body
    )
    remembered.columns = {**remembered.columns, **job.mapping}
    remembered.updated_by = user
    remembered.save()
    return job


@transaction.atomic
def import_job_commit(
    *,
    job: ImportJob,
    user: AbstractBaseUser,
    update_all: bool = False,
    update_rows: list[int] | None = None,
) -> ImportJob:
    """Confirm the import: which repeated rows update their item; the task does the writing.
    Confirmed again while still waiting (the broker was down, the message lost), it is queued
    again with the choices made first; the task writes it once whatever it receives."""
    require(can_change_items(user, job.body))
    locked = (
        ImportJob.objects.select_for_update(of=("self",), no_key=True)
        .select_related("body")
        .get(pk=job.pk)
    )
    if locked.committed_at is not None and locked.status == ImportStatus.PENDING:
        transaction.on_commit(lambda: import_committed.send(sender=ImportJob, job_id=locked.pk))
        return locked
    job = _lock_uncommitted(job, user)
    duplicates = {r["index"] for r in job.rows if r.get("duplicate_of")}
    chosen = sorted({int(i) for i in update_rows or []})
    if unknown := [i for i in chosen if i not in duplicates]:
        raise ValidationError(
            {"update_rows": [_("Rows %(rows)s repeat no existing item.") % {"rows": unknown[:10]}]}
        )
    if not any(not r["errors"] for r in job.rows):
        raise ValidationError(_("No row can be imported: correct the file and upload it again."))
    job.update_all = update_all
    job.update_rows = chosen
    job.committed_by = user
    job.committed_at = timezone.now()
    job.save(update_fields=["update_all", "update_rows", "committed_by", "committed_at"])
    audit(actor=user, body=job.body, action="import.commit", target=job, data={"rows": job.total})
    transaction.on_commit(lambda: import_committed.send(sender=ImportJob, job_id=job.pk))
    return job


@transaction.atomic
def import_job_discard(*, job: ImportJob, user: AbstractBaseUser) -> None:
    """Throw away a preview that was not imported."""
    job = _lock_uncommitted(job, user)
    job.delete()


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Write a committed import: every valid row in one transaction with the job's outcome.
    Quiet when the job is gone, not committed, or already finished (a redelivered task)."""
    job = ImportJob.objects.filter(pk=job_id).select_related("body", "committed_by").first()
    if (
        job is None
        or job.committed_at is None
        or job.status in (ImportStatus.DONE, ImportStatus.FAILED)
    ):
        return job
    # Only from pending: a second task waiting here on the first one's row lock must not turn
    # its finished job back into a running one (the check under the lock below stops it).
    ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    cache.set(progress_key(job.pk), 0, 3600)
    try:
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update(of=("self",), no_key=True)
                .select_related("body", "committed_by")
                .get(pk=job_id)
            )
            if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
                return job
            _write(job)
    except OperationalError:
        raise  # the database is away for a moment: the task retries
    except Exception as error:  # anything else will fail again: the job says why
        logger.exception("import %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            done=0,
            error=_("The import failed and nothing was stored: %(error)s") % {"error": error},
        )
        return ImportJob.objects.get(pk=job_id)
    finally:
        cache.delete(progress_key(job_id))
    return job


def _write(job: ImportJob) -> None:
    user, body = job.committed_by, job.body
    chosen = set(job.update_rows)
    skipped: list[dict[str, Any]] = []
    outcome: list[dict[str, Any]] = []
    waiting: list[tuple[dict[str, Any], Item]] = []
    updated = 0
    previews = []

    def create_waiting() -> None:
        items = items_create_many(body=body, user=user, items=[item for _p, item in waiting])
        for (place, _item), item in zip(waiting, items, strict=True):
            outcome.append({**place, "item": item.pk, "action": "created"})
        waiting.clear()

    rows = _rows(body, user, job.source, job.mapping)
    for count, (preview, fields, new_item) in enumerate(rows, 1):
        previews.append(preview)
        place = {"index": preview["index"], "row": preview["row"], "sheet": preview["sheet"]}
        if fields is None:
            skipped.append({**place, "errors": preview["errors"]})
        elif preview["duplicate_of"]:
            if not (job.update_all or preview["index"] in chosen):
                message = _("Already in the register; not chosen for update.")
                skipped.append({**place, "errors": [message]})
                continue
            stored = Item(pk=preview["duplicate_of"], body=body)
            try:
                with transaction.atomic():
                    item = item_update(item=stored, user=user, **fields)
            except ValidationError as error:  # under review meanwhile, or out of dikecualikan
                skipped.append({**place, "errors": error.messages})
            else:
                updated += 1
                outcome.append({**place, "item": item.pk, "action": "updated"})
        else:
            waiting.append((place, new_item))
            if len(waiting) >= CREATE_BATCH:
                create_waiting()
        if count % PROGRESS_EVERY == 0:
            cache.set(progress_key(job.pk), count, 3600)
    if waiting:
        create_waiting()
    outcome.sort(key=lambda entry: entry.pop("index"))
    for entry in skipped:
        entry.pop("index")
    job.rows = previews
    job.status = ImportStatus.DONE
    job.finished_at = timezone.now()
    job.total = job.done = len(previews)
    job.created = len(outcome) - updated
    job.updated, job.skipped, job.outcome = updated, skipped, outcome
    job.save()
    audit(
        actor=user,
        body=body,
        action="import.done",
        target=job,
        data={"created": job.created, "updated": updated, "skipped": len(skipped)},
    )
