"""The monev KIP evidence pack: one zip per body and year for the Komisi Informasi's yearly
monitoring, with an index page (HTML) naming every member and its SHA-256:

- the signed DIP and DIK PDFs of the year's published editions, and the DIK's signed berita
  acara uji konsekuensi;
- the decrees (SK) that set them: number and date of each edition (`keputusan.csv`);
- the serta merta and re-opening announcements of the year with their times
  (`pengumuman.csv`);
- the berkala updates recorded in the year (`pembaruan-berkala.csv`, from the audit trail);
- the SOP compliance report of the year (`laporan-kepatuhan-sop.csv`, as the report's CSV).

Built by Celery like the signed PDFs: an artefact with a status, progress, attempts, last
error and checksum, written to a temporary file and then moved into storage; asked for again
(retry) by the PPID, the atasan or the PPID Utama. `dip` data is read through its selectors.
"""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dip.models import DocumentStatus, Edition, EditionKind, Item
from dip.rendering import document_title, tanggal
from dip.selectors import (
    body_announcements,
    published_editions,
    ready_document,
    ready_record_document,
)
from dip.services.common import audit, require
from ppid.calendar import body_time, body_today, zone_name
from ppid.exceptions import Conflict
from ppid.models import Body
from ppid.spreadsheet import csv_bytes
from workflow.models import AuditEntry, EvidencePack
from workflow.periods import Period
from workflow.permissions import can_build_evidence_pack
from workflow.selectors.annual import AnnualReport, annual_report
from workflow.selectors.report import compliance_report, report_table
from workflow.services.annual import annual_cards, annual_report_csv, annual_report_pdf

ERROR_MAX = 500
BUILDING = (DocumentStatus.PENDING, DocumentStatus.RENDERING)


class PackBeingBuilt(Conflict):
    """The pack is being built already (HTTP 409)."""

    def __init__(self, pack: EvidencePack):
        self.state = pack.status
        super().__init__(_("This evidence pack is being built already."))


@transaction.atomic
def evidence_pack_request(*, body: Body, year: int, user: AbstractBaseUser) -> EvidencePack:
    """Ask for the body's pack of `year` to be built (again): pending, queued after the commit
    by the caller. Refused while it is being built, and for a year the body has not reached on
    its own clock (`body_today`: at New Year an eastern body is in the new one before the
    server)."""
    require(can_build_evidence_pack(user, body))
    this_year = body_today(body).year
    if not 2000 <= year <= this_year:
        raise ValidationError({"year": [_("Choose a year up to this one.")]})
    pack, _created = EvidencePack.objects.select_for_update(no_key=True).get_or_create(
        body=body, year=year
    )
    if pack.status in BUILDING and not _created:
        raise PackBeingBuilt(pack)
    pack.status = DocumentStatus.PENDING
    pack.progress = 0
    pack.last_error = ""
    pack.requested_by = user
    pack.requested_at = timezone.now()
    pack.full_clean()
    pack.save()
    audit(
        actor=user,
        body=body,
        action="evidence_pack.request",
        target=pack,
        data={"year": year, "attempts": pack.attempts},
    )
    return pack


# --- building --------------------------------------------------------------------------------


@dataclass
class Member:
    """One file of the pack, as the index page lists it."""

    name: str
    description: str
    size: int = 0
    sha256: str = ""


def _local(value: datetime | None, body: Body) -> str:
    """A moment as the pack writes it, on the body's clock: "2 Maret 2026 09.30" (the zone in
    each table's "Zona waktu" column, so that the packs of bodies in several zones keep one
    header)."""
    if value is None:
        return ""
    local = body_time(value, body)
    return f"{tanggal(local)} {local:%H.%M}"


def _editions(body: Body, year: int) -> list[Edition]:
    return list(published_editions().filter(body=body, year=year).order_by("published_at", "pk"))


def _tables(
    body: Body, year: int, editions: list[Edition], annual: AnnualReport
) -> tuple[list[tuple[str, str, bytes]], list[list], list[list]]:
    """(name, description, bytes) of the pack's tables, and the decrees' and announcements'
    rows for the index page."""
    start, end = Period(year).bounds(body.time_zone)
    zone = zone_name(body)
    decrees = [
        [
            document_title(e),
            e.get_kind_display(),
            e.decree_number,
            tanggal(e.decree_date) if e.decree_date else "",
            _local(e.signed_at, body),
            _local(e.published_at, body),
            e.verification_code or "",
            zone,
        ]
        for e in editions
    ]
    announcements = [
        [
            a.get_kind_display(),
            a.title,
            a.get_classification_display(),
            _local(a.requested_at, body),
            _local(a.announced_at, body),
            zone,
        ]
        for a in body_announcements(body)
        .filter(announced_at__gte=start, announced_at__lt=end)
        .order_by("announced_at", "pk")
    ]
    entries = list(
        AuditEntry.objects.filter(body=body, action="item.mark_updated", at__gte=start, at__lt=end)
        .select_related("actor")
        .order_by("at", "pk")
    )
    titles = dict(
        Item.objects.filter(pk__in=[e.target_id for e in entries]).values_list("pk", "title")
    )
    updates = [
        [
            _local(entry.at, body),
            titles.get(int(entry.target_id), entry.target_id),
            entry.data.get("updated_on", ""),
            entry.data.get("next_update_on", ""),
            str(entry.actor or ""),
            entry.data.get("note", ""),
            zone,
        ]
        for entry in entries
    ]
    report_header, report_rows = report_table(compliance_report(bodies=[body], period=Period(year)))
    return (
        [
            (
                "keputusan.csv",
                "Keputusan (SK) penetapan DIP dan DIK: nomor dan tanggal",
                csv_bytes(
                    [
                        "Daftar",
                        "Jenis",
                        "Nomor Keputusan",
                        "Tanggal Keputusan",
                        "Ditandatangani",
                        "Dipublikasikan",
                        "Kode Verifikasi",
                        "Zona waktu",
                    ],
                    decrees,
                ),
            ),
            (
                "pengumuman.csv",
                "Pengumuman informasi serta merta dan informasi yang dibuka kembali, "
                "dengan waktunya",
                csv_bytes(
                    ["Jenis", "Judul", "Klasifikasi", "Diajukan", "Diumumkan", "Zona waktu"],
                    announcements,
                ),
            ),
            (
                "pembaruan-berkala.csv",
                "Pembaruan informasi berkala yang dicatat",
                csv_bytes(
                    [
                        "Dicatat",
                        "Informasi",
                        "Diperbarui",
                        "Pembaruan Berikutnya",
                        "Oleh",
                        "Catatan",
                        "Zona waktu",
                    ],
                    updates,
                ),
            ),
            (
                "laporan-kepatuhan-sop.csv",
                "Laporan kepatuhan SOP pendokumentasian (waktu tiap langkah terhadap standar)",
                csv_bytes(report_header, list(report_rows)),
            ),
            *_annual_files(annual),
        ],
        decrees,
        announcements,
    )


def _annual_files(report: AnnualReport) -> list[tuple[str, str, bytes]]:
    """The body's annual report of information service for the pack's year (Pasal 12 UU
    14/2008): its CSV and its PDF, as the annual report page gives them."""
    with translation.override("id"):
        csv_content = annual_report_csv(reports=[report])
        pdf_content = annual_report_pdf(
            body=report.body, year=report.year, cards=annual_cards([report])
        )
    stem = f"laporan-tahunan-{report.body.slug}-{report.year}"
    return [
        (
            f"{stem}.csv",
            "Laporan tahunan layanan informasi publik: permohonan, keputusan, keberatan (CSV)",
            csv_content,
        ),
        (
            f"{stem}.pdf",
            "Laporan tahunan layanan informasi publik (PDF)",
            pdf_content,
        ),
    ]


def _documents(editions: list[Edition]) -> list[tuple[str, str, object]]:
    """(name, description, artefact) of the signed PDFs of the year's editions."""
    found = []
    for edition in editions:
        folder = "dik" if edition.kind == EditionKind.DIK else "dip"
        stem = f"{edition.body.slug}-{edition.kind}-{edition.year}"
        if edition.revision:
            stem += f"-r{edition.revision}"
        if (document := ready_document(edition)) is not None:
            found.append((f"{folder}/{stem}.pdf", document_title(edition), document))
        if (record := ready_record_document(edition)) is not None:
            found.append(
                (
                    f"berita-acara/{stem}-berita-acara.pdf",
                    f"Berita acara uji konsekuensi: {document_title(edition)}",
                    record,
                )
            )
    return found


def _write_pack(pack: EvidencePack, target, progress: Callable[[int], None]) -> None:
    body, year = pack.body, pack.year
    editions = _editions(body, year)
    documents = _documents(editions)
    annual = annual_report(body=body, year=year)
    tables, decrees, announcements = _tables(body, year, editions, annual)
    total = len(documents) + len(tables) + 1
    members: list[Member] = []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, (name, description, artefact) in enumerate(documents, start=1):
            digest = hashlib.sha256()
            size = 0
            with artefact.file.open("rb") as source, archive.open(name, "w") as out:
                while chunk := source.read(1 << 16):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            members.append(Member(name, description, size, digest.hexdigest()))
            progress(int(90 * done / total))
        for done, (name, description, content) in enumerate(tables, start=len(documents) + 1):
            archive.writestr(name, content)
            members.append(
                Member(name, description, len(content), hashlib.sha256(content).hexdigest())
            )
            progress(int(90 * done / total))
        index = render_to_string(
            "workflow/evidence_index.html",
            {
                "body": body,
                "year": year,
                "members": members,
                "decrees": decrees,
                "announcements": announcements,
                "annual": annual,
                "built_at": f"{_local(timezone.now(), body)} {zone_name(body)}",
            },
        )
        archive.writestr("index.html", index)


def _set_progress(pack_id: int) -> Callable[[int], None]:
    def progress(percent: int) -> None:
        EvidencePack.objects.filter(pk=pack_id).update(progress=min(percent, 99))

    return progress


def _short_error(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return (f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__)[:ERROR_MAX]


def evidence_pack_build(*, pack_id: int) -> EvidencePack | None:
    """Build the pack into a temporary file and move it into storage (idempotent: a pack that
    is ready, or gone, is left as it is). On any error the pack is marked failed with a short
    last error, and the error raised again for the task."""
    with transaction.atomic():
        pack = (
            EvidencePack.objects.select_for_update(of=("self",), no_key=True)
            .select_related("body")
            .filter(pk=pack_id)
        ).first()
        if pack is None or pack.status == DocumentStatus.READY:
            return pack
        pack.status = DocumentStatus.RENDERING
        pack.attempts += 1
        pack.progress = 0
        pack.save(update_fields=["status", "attempts", "progress", "updated_at"])
    try:
        with tempfile.NamedTemporaryFile(suffix=".zip") as temp:
            _write_pack(pack, temp, _set_progress(pack.pk))
            temp.flush()
            temp.seek(0)
            digest = hashlib.sha256()
            for chunk in iter(lambda: temp.read(1 << 16), b""):
                digest.update(chunk)
            size = temp.tell()
            temp.seek(0)
            return _store(pack, File(temp), sha256=digest.hexdigest(), size=size)
    except Exception as error:
        _failed(pack, error)
        raise


def _store(pack: EvidencePack, content: File, *, sha256: str, size: int) -> EvidencePack:
    storage = EvidencePack._meta.get_field("file").storage
    name = f"evidence/{pack.body.slug}/monev-kip-{pack.body.slug}-{pack.year}-{sha256[:12]}.zip"
    with transaction.atomic():
        pack = (
            EvidencePack.objects.select_for_update(of=("self",), no_key=True)
            .select_related("body")
            .get(pk=pack.pk)
        )
        saved = storage.save(name, content)
        try:
            stale = pack.file.name if pack.file and pack.file.name != saved else ""
            pack.file.name = saved
            pack.sha256 = sha256
            pack.size = size
            pack.status = DocumentStatus.READY
            pack.progress = 100
            pack.last_error = ""
            pack.built_at = timezone.now()
            pack.full_clean()
            pack.save()
            audit(
                actor=None,
                body=pack.body,
                action="evidence_pack.ready",
                target=pack,
                data={"year": pack.year, "sha256": sha256, "size": size},
            )
        except BaseException:
            storage.delete(saved)
            raise
        if stale:
            transaction.on_commit(lambda: storage.delete(stale), robust=True)
    return pack


def _failed(pack: EvidencePack, error: BaseException) -> None:
    with transaction.atomic():
        pack = (
            EvidencePack.objects.select_for_update(of=("self",), no_key=True)
            .select_related("body")
            .get(pk=pack.pk)
        )
        pack.status = DocumentStatus.FAILED
        pack.last_error = _short_error(error)
        pack.save(update_fields=["status", "last_error", "updated_at"])
        audit(
            actor=None,
            body=pack.body,
            action="evidence_pack.failed",
            target=pack,
            data={"year": pack.year, "error": pack.last_error, "attempts": pack.attempts},
        )
