"""The official document of a signed edition, rendered to PDF with WeasyPrint.

Everything the document shows comes from the edition's snapshot (EditionRow) and from the body
and the signer as they are now; the output is deterministic for the same input (the PDF's dates
are the signing time, its identifier derives from the edition), so rendering twice gives the
same bytes. The document is always in Indonesian: it is the legal text, not the user interface.
Fonts are the vendored Noto Sans files, so the result never depends on the machine's fonts.
"""

from __future__ import annotations

import base64
import functools
import io
import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.request import url2pathname

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from fontTools.ttLib import woff2
from PIL import Image
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from dip.models import (
    Classification,
    ConsiderationRecord,
    Edition,
    EditionKind,
    EditionRow,
    ExemptionGround,
)
from dip.selectors import edition_rows_as_signed
from dip.serializers import verification_url
from ppid.calendar import body_time
from ppid.models import Body, Officer

# fontTools stamps each embedded font subset with the current time ("head.modified"), so two
# renderings of the same edition a second apart differ. A fixed stamp makes the document a
# function of the edition alone (fontTools reads the reproducible-builds variable).
os.environ.setdefault("SOURCE_DATE_EPOCH", "1704067200")

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
FONT_FILES = (
    "noto-sans-latin-400-normal.woff2",
    "noto-sans-latin-700-normal.woff2",
    "noto-sans-latin-ext-400-normal.woff2",
    "noto-sans-latin-ext-700-normal.woff2",
)
LOGO_HEIGHT_PX = 220  # 2.2 cm at the document's 254 dpi
QR_BOX_PX = 6

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
GROUP_TITLES = {
    Classification.SERTA_MERTA: "Informasi yang Wajib Diumumkan secara Serta Merta",
    Classification.BERKALA: "Informasi yang Wajib Disediakan dan Diumumkan secara Berkala",
    Classification.SETIAP_SAAT: "Informasi yang Wajib Tersedia Setiap Saat",
    Classification.DIKECUALIKAN: "Informasi yang Dikecualikan",
}
FORMS = {"softcopy": "Softcopy", "hardcopy": "Hardcopy", "both": "Softcopy dan hardcopy"}
# Address parts that are a street or a number, never the place a document is signed in.
_NOT_A_PLACE = re.compile(r"^(jalan|jl\b|jln\b|no\b|nomor|rt\b|rw\b|kode pos|gedung|komplek)", re.I)
_REGION = re.compile(r"^(kabupaten|kab\.|kota|provinsi|prov\.)\s+", re.I)


def tanggal(value: date | datetime) -> str:
    """An Indonesian date, e.g. 22 November 2026 (independent of the active locale)."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def body_place(body: Body) -> str:
    """Where the body signs: the first part of its address that names a place.

    "Putussibau, Kabupaten Kapuas Hulu, Kalimantan Barat" → "Putussibau";
    "Jalan Ahmad Yani, Pontianak" → "Pontianak"; "Kabupaten Kubu Raya" → "Kubu Raya".
    """
    parts = [p.strip() for p in re.split(r"[,\n]", body.address or "") if p.strip()]
    for part in parts:
        if not _NOT_A_PLACE.match(part) and not re.search(r"\d", part):
            return _REGION.sub("", part)
    return body.short_name or body.name


def logo_data_uri(body: Body) -> str:
    """The body's logo as a PNG data URI, resized to the letterhead's height ("" if none)."""
    if not body.logo:
        return ""
    try:
        with body.logo.open("rb") as source, Image.open(source) as image:
            image.load()
            if image.mode not in ("RGB", "RGBA"):
                image = image.convert("RGBA")
            width = max(1, round(image.width * LOGO_HEIGHT_PX / image.height))
            resized = image.resize((width, LOGO_HEIGHT_PX), Image.Resampling.LANCZOS)
    except (OSError, ValueError):
        return ""  # a missing or unreadable logo leaves the letterhead without one
    out = io.BytesIO()
    resized.save(out, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def qr_data_uri(text: str) -> str:
    image = qrcode.make(text, box_size=QR_BOX_PX, border=2)
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


@dataclass
class Signatory:
    name: str
    position: str
    nip: str


def signatory(edition: Edition) -> Signatory:
    user = edition.signed_by
    if user is None:
        return Signatory(name="", position="", nip="")
    officer = Officer.objects.filter(user=user).first()
    return Signatory(
        name=user.get_full_name() or user.get_username(),
        position=officer.position if officer else "",
        nip=officer.nip if officer else "",
    )


def document_title(edition: Edition) -> str:
    kind = (
        "Daftar Informasi yang Dikecualikan"
        if edition.kind == EditionKind.DIK
        else "Daftar Informasi Publik"
    )
    title = f"{kind} {edition.body.name} Tahun {edition.year}"
    if edition.revision:
        title += f" (Perubahan ke-{edition.revision})"
    return title


def _period(row: EditionRow) -> str:
    if row.exemption_permanent:
        return "Permanen"
    if row.exemption_until:
        return f"Sampai dengan {tanggal(row.exemption_until)}"
    if row.exemption_event:
        return f"Sampai {row.exemption_event}"
    return "-"


def _ground(row: EditionRow) -> str:
    """Pasal 17 UU 14/2008 by its letter, with its words; and the law the row cites."""
    parts = []
    if row.exemption_ground and row.exemption_ground != ExemptionGround.OTHER:
        letter, _dot, words = str(ExemptionGround(row.exemption_ground).label).partition(". ")
        parts.append(f"Pasal 17 huruf {letter} UU Nomor 14 Tahun 2008 ({words})")
    if row.exemption_law:
        parts.append(row.exemption_law)
    return "; ".join(parts) or "-"


def _produced(row: EditionRow) -> str:
    parts = [tanggal(row.produced_at)] if row.produced_at else []
    if row.produced_place:
        parts.append(row.produced_place)
    return ", ".join(parts) or "-"


def _groups(edition: Edition, rows: list[EditionRow] | None = None) -> list[dict]:
    """Rows in their signed order, grouped by classification (serta merta first)."""
    groups: list[dict] = []
    if rows is None:
        rows = list(EditionRow.objects.filter(edition=edition).order_by("number"))
    for row in rows:
        if not groups or groups[-1]["classification"] != row.classification:
            groups.append(
                {
                    "classification": row.classification,
                    "title": GROUP_TITLES[Classification(row.classification)],
                    "rows": [],
                }
            )
        row.form_text = FORMS.get(row.form, row.form or "-")
        row.produced_text = _produced(row)
        row.ground_text = _ground(row)
        row.period_text = _period(row)
        groups[-1]["rows"].append(row)
    letters = "ABCDEFGH"
    for index, group in enumerate(groups):
        group["letter"] = letters[index] if len(groups) > 1 else ""
    return groups


def document_context(edition: Edition, *, draft: bool = False) -> dict:
    body = edition.body
    signed_at = edition.signed_at or timezone.now()
    local = body_time(signed_at, body)
    place = body_place(body)
    if draft:
        # The rows as signing would freeze them now; no signature, no verification code.
        return {
            "edition": edition,
            "body": body,
            "is_dik": edition.kind == EditionKind.DIK,
            "title": f"DRAF {document_title(edition)}",
            "groups": _groups(edition, edition_rows_as_signed(edition)),
            "place": place,
            "signed_on": tanggal(local),
            "signatory": Signatory(name="", position="", nip=""),
            "logo": logo_data_uri(body),
            "qr": "",
            "verification_url": "",
            "code": "DRAF",
            "created_iso": local.replace(microsecond=0).isoformat(),
            "draft": True,
        }
    url = verification_url(edition)
    return {
        "edition": edition,
        "body": body,
        "is_dik": edition.kind == EditionKind.DIK,
        "title": document_title(edition),
        "groups": _groups(edition),
        "place": place,
        "signed_on": tanggal(local),
        "signatory": signatory(edition),
        "logo": logo_data_uri(body),
        "qr": qr_data_uri(url),
        "verification_url": url,
        "code": edition.verification_code or "",
        # The decision that sets the list (recorded at signing; empty on older editions).
        "decree_number": edition.decree_number,
        "decree_date": tanggal(edition.decree_date) if edition.decree_date else "",
        "created_iso": local.replace(microsecond=0).isoformat(),
    }


def record_title(edition: Edition) -> str:
    """The berita acara's title, e.g. "Berita Acara Uji Konsekuensi ... Tahun 2026"."""
    title = f"Berita Acara Uji Konsekuensi Informasi yang Dikecualikan {edition.body.name}"
    title += f" Tahun {edition.year}"
    if edition.revision:
        title += f" (Perubahan ke-{edition.revision})"
    return title


def record_context(edition: Edition, record: ConsiderationRecord) -> dict:
    """The DIK document's context (letterhead, signatory, QR) with the tim's meeting and the
    exempted rows in the record's columns. The rows say what the public DIK says, no more."""
    context = document_context(edition)
    rows = [
        row
        for group in context["groups"]
        for row in group["rows"]
        if row.classification == Classification.DIKECUALIKAN
    ]
    context.update(
        title=record_title(edition),
        dik_title=document_title(edition),
        record=record,
        held_on=tanggal(record.held_on),
        rows=rows,
    )
    return context


@functools.cache
def _font_ttf(name: str) -> bytes:
    """A vendored WOFF2 font decompressed to TrueType, once per process (fontTools' WOFF2
    decoder is pure Python and would otherwise cost most of a small document's render)."""
    out = io.BytesIO()
    with (FONT_DIR / name).open("rb") as source:
        woff2.decompress(source, out)
    return out.getvalue()


class _LocalFetcher(URLFetcher):
    """Only data: URIs and the vendored fonts: user text can never make the renderer fetch."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file:"):
            path = Path(url2pathname(url.removeprefix("file:"))).resolve()
            if path.parent == FONT_DIR.resolve() and path.name in FONT_FILES:
                return URLFetcherResponse(
                    url, body=_font_ttf(path.name), headers={"Content-Type": "font/ttf"}
                )
        raise ValueError(f"the document may not load {url!r}")


def _check_fonts() -> None:
    missing = [name for name in FONT_FILES if not (FONT_DIR / name).is_file()]
    if missing:
        raise FileNotFoundError(f"Noto Sans font files missing in {FONT_DIR}: {missing}")


def render_edition_html(edition: Edition) -> str:
    with translation.override("id"):
        return render_to_string("dip/document.html", document_context(edition))


def render_edition_pdf(edition: Edition) -> bytes:
    """The edition's official document as PDF bytes (unsigned). The edition must be signed."""
    if not edition.is_signed:
        raise ValueError(f"edition {edition.pk} is not signed; it has no document yet")
    _check_fonts()
    html = render_edition_html(edition)
    identifier = f"ppid-edition-{edition.pk}-{edition.verification_code or ''}"
    return HTML(
        string=html, base_url=FONT_DIR.as_uri() + "/", url_fetcher=_LocalFetcher()
    ).write_pdf(pdf_identifier=identifier.encode(), uncompressed_pdf=False)


def render_record_html(edition: Edition, record: ConsiderationRecord) -> str:
    with translation.override("id"):
        return render_to_string("dip/record.html", record_context(edition, record))


def render_record_pdf(edition: Edition, record: ConsiderationRecord) -> bytes:
    """The berita acara uji konsekuensi as PDF bytes (unsigned). The edition must be signed."""
    if not edition.is_signed:
        raise ValueError(f"edition {edition.pk} is not signed; it has no record document yet")
    _check_fonts()
    html = render_record_html(edition, record)
    identifier = f"ppid-record-{edition.pk}-{edition.verification_code or ''}"
    return HTML(
        string=html, base_url=FONT_DIR.as_uri() + "/", url_fetcher=_LocalFetcher()
    ).write_pdf(pdf_identifier=identifier.encode(), uncompressed_pdf=False)


def html_to_pdf(html: str, *, identifier: str) -> bytes:
    """Any document of the system (an edition's, a request's written notice) from its HTML,
    with the vendored fonts and nothing fetched from outside: PDF bytes, unsigned."""
    _check_fonts()
    return HTML(
        string=html, base_url=FONT_DIR.as_uri() + "/", url_fetcher=_LocalFetcher()
    ).write_pdf(pdf_identifier=identifier.encode(), uncompressed_pdf=False)


def render_draft_html(edition: Edition) -> str:
    with translation.override("id"):
        return render_to_string("dip/document.html", document_context(edition, draft=True))


def render_draft_pdf(edition: Edition) -> bytes:
    """A preview of the document an unsigned edition would become, watermarked "DRAF" on every
    page: the same template as the official document, never signed, never stored."""
    if edition.is_signed:
        raise ValueError(f"edition {edition.pk} is signed; its document is the official one")
    _check_fonts()
    return HTML(
        string=render_draft_html(edition),
        base_url=FONT_DIR.as_uri() + "/",
        url_fetcher=_LocalFetcher(),
    ).write_pdf(uncompressed_pdf=False)


def pdf_page_count(pdf: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(io.BytesIO(pdf), strict=False).root["/Pages"]["/Count"])
