"""Setup shared by the tests: drive an edition along its SOP with the services, writing what each
stage needs before it can be passed on (the Nota Dinas before `instruct`, the tim's
consideration of every row and its berita acara before `consider`).

These are setup helpers, not under test: the review rules themselves are tested through the API
in tests/workflow/test_review_api.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from dip import selectors as dip_selectors
from dip import services as dip_services
from dip.models import (
    FORWARD,
    Classification,
    ConsiderationRecord,
    DocumentStatus,
    Edition,
    EditionDocument,
    Stage,
)
from ppid.models import Body
from workflow import seed_data, services
from workflow.models import Consideration, NotaDinas, Sop

User = get_user_model()

NOTE = "Sudah sesuai."

# The demo's PPID Utama accounts (seed_demo): the province's, and each kabupaten's.
PROVINCE_UTAMA = "ppid-utama"
KABUPATEN_UTAMA = {spec["slug"]: spec["username"] for spec in seed_data.KABUPATEN}


def utama_of(slug: str) -> str:
    """The username of the PPID Utama directly above the seed body `slug`: its kabupaten's
    (Dinsos P3A Kapuas Hulu, Disdukcapil Kubu Raya) or the province's (Disdukcapil Kalbar)."""
    spec = next(s for s in seed_data.BODIES if s["slug"] == slug)
    return KABUPATEN_UTAMA[spec["parent"]] if "parent" in spec else PROVINCE_UTAMA


NOTA_DINAS: dict[str, Any] = {
    "number": "800/015/PPID-DINSOSP3A/2027",
    "dated": date(2027, 1, 4),
    "addressed_to": "Para Kepala Bidang dan Sekretaris Dinas",
    "subject": "Pengumpulan dan klasifikasi informasi publik",
    "content": "Mohon setiap bidang menyampaikan daftar informasi publik yang dikuasai beserta "
    "klasifikasinya paling lambat satu hari kerja sejak nota dinas ini diterima.",
}


def officers_of(body: Body) -> dict[str, Any]:
    """Role → user for the demo officers `<slug>.<role>` of a body."""
    prefix = f"{body.slug}."
    return {
        u.username.removeprefix(prefix): u for u in User.objects.filter(username__startswith=prefix)
    }


def write_nota_dinas(edition: Edition, user, **fields: Any) -> NotaDinas:
    return services.nota_dinas_save(edition=edition, user=user, **{**NOTA_DINAS, **fields})


def consider_rows(edition: Edition, user, *, decision: str = "agree") -> list[Consideration]:
    """The tim records `decision` (default: agree) for every row of the edition."""
    return [
        services.consideration_record(edition=edition, item=item, user=user, decision=decision)
        for item in dip_selectors.edition_entries(edition)
    ]


def write_record(edition: Edition, user, **fields: Any) -> ConsiderationRecord:
    """The tim's berita acara uji konsekuensi, with every member of the body's tim present."""
    values = {
        "place": "Ruang rapat PPID",
        "held_on": timezone.localdate(),
        "member_ids": [u.pk for u in dip_selectors.record_member_candidates(edition)],
        "opening": "Tim pertimbangan melakukan uji konsekuensi atas informasi berikut.",
        **fields,
    }
    return dip_services.consideration_record_save(edition=edition, user=user, **values)


def prepare_transition(edition: Edition, name: str, user) -> None:
    """Write what `name` needs before it may run: the Nota Dinas before `instruct`, an `agree`
    for every row not yet considered and the berita acara before `consider`. Anything else
    needs nothing."""
    if name == "instruct" and not NotaDinas.objects.filter(edition=edition).exists():
        write_nota_dinas(edition, user)
    elif name == "consider":
        considered = set(
            Consideration.objects.filter(edition=edition).values_list("item_id", flat=True)
        )
        for item in dip_selectors.edition_entries(edition):
            if item.pk not in considered:
                services.consideration_record(
                    edition=edition, item=item, user=user, decision="agree"
                )
        for change in edition.classification_changes.filter(state="pending"):
            dip_services.classification.classification_change_decide(
                change=change, user=user, agree=True
            )
        if not ConsiderationRecord.objects.filter(edition=edition).exists():
            write_record(edition, user)


def prepare_next(edition: Edition, officers: Mapping[str, Any] | None = None) -> None:
    """Prepare the forward transition of the edition's current stage for its actor."""
    name = FORWARD.get(edition.state)
    if name is None:
        return
    officers = officers if officers is not None else officers_of(edition.body)
    prepare_transition(edition, name, officers[edition.actor_role])


DECREE_NUMBER = "188.4/123/PPID/2026"


def decree() -> dict[str, Any]:
    """A decree (Keputusan) dated today in West Kalimantan, as a signer writes it (service
    calls; the test clients send the date as its ISO text)."""
    return {"decree_number": DECREE_NUMBER, "decree_date": timezone.localdate()}


def decree_for(edition: Edition) -> dict[str, Any]:
    """The decree (Keputusan) the signer writes when the next forward transition signs the
    edition (the step into publication); nothing for any other transition."""
    if edition.next_stage() != Stage.PUBLICATION:
        return {}
    return {
        "decree_number": f"188.4/{edition.pk}/PPID/{edition.year}",
        "decree_date": timezone.localdate(timezone=ZoneInfo(edition.body.time_zone)),
    }


def advance(
    edition: Edition, officers: Mapping[str, Any] | None = None, *, note: str = NOTE
) -> Edition:
    """Run the forward transition of the current stage as the role the SOP names (with the
    decree when it signs)."""
    officers = officers if officers is not None else officers_of(edition.body)
    name = FORWARD[edition.state]
    user = officers[edition.actor_role]
    prepare_transition(edition, name, user)
    return services.edition_transition(
        edition=edition, name=name, user=user, note=note, **decree_for(edition)
    )


def drive_to(
    edition: Edition,
    stage: str,
    officers: Mapping[str, Any] | None = None,
    *,
    note: str = NOTE,
) -> Edition:
    """Move the edition forward, each stage by its SOP actor, until it reaches `stage`
    (`published` runs the system's publication)."""
    officers = officers if officers is not None else officers_of(edition.body)
    while edition.state != stage:
        if edition.state == Stage.PUBLICATION:
            services.edition_publish(edition_id=edition.pk)
            edition.refresh_from_db()
            continue
        edition = advance(edition, officers, note=note)
    return edition


def open_edition(
    body: Body | str,
    *,
    title: str,
    year: int = 2026,
    items: Iterable | None = None,
    officers: Mapping[str, Any] | None = None,
    kind: str | None = None,
) -> Edition:
    """A new edition of `kind` (default: the kind of the body's own SOP) holding `items`
    (default: its whole register of that kind)."""
    if isinstance(body, str):
        body = Body.objects.get(slug=body)
    officers = officers if officers is not None else officers_of(body)
    operator = officers["operator"]
    if kind is None:
        kind = Sop.objects.get(body=body, is_active=True, is_default_route=False).applies_to
    # Tests open several editions of a year: each after the first is a revision, on purpose.
    edition = services.edition_open(
        body=body, kind=kind, year=year, title=title, user=operator, revise=True
    )
    if items is None:
        items = body.items.all()
        if kind != Sop.objects.get(body=body, is_active=True, is_default_route=False).applies_to:
            dik = Classification.DIKECUALIKAN
            items = (
                items.filter(classification=dik)
                if kind == "dik"
                else items.exclude(classification=dik)
            )
    items = list(items)
    dip_services.edition_add_items(edition=edition, items=items, user=operator)
    return edition


def edition_at(
    slug: str, state: str, *, title: str = "Uji", year: int = 2026, kind: str | None = None
) -> Edition:
    """A new edition of the body with all its register, moved by the SOP's actors to `state`."""
    body = Body.objects.get(slug=slug)
    officers = officers_of(body)
    edition = open_edition(body, title=title, year=year, officers=officers, kind=kind)
    return drive_to(edition, state, officers)


def fake_pdf(text: str) -> bytes:
    return f"%PDF-1.4\n% {text}\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".encode()


def make_ready(
    edition: Edition, content: bytes | None = None, signer_subject: str = ""
) -> EditionDocument:
    """Give a published edition a READY signed document with these bytes (a stand-in for the
    rendering pipeline's artefact)."""
    content = content if content is not None else fake_pdf(f"edition {edition.pk}")
    document, _ = EditionDocument.objects.get_or_create(edition=edition)
    document.file.save(f"test-{edition.pk}.pdf", ContentFile(content), save=False)
    document.status = DocumentStatus.READY
    document.sha256 = hashlib.sha256(content).hexdigest()
    document.size = len(content)
    document.rendered_at = timezone.now()
    document.signer_subject = signer_subject
    document.save()
    if not edition.verification_code:
        Edition.objects.filter(pk=edition.pk).update(verification_code=f"UJI{edition.pk:07d}")
        edition.refresh_from_db()
    return document


def published(
    slug: str, *, title: str = "Uji", year: int = 2026, kind: str | None = None
) -> Edition:
    edition = edition_at(slug, Stage.PUBLISHED, title=title, year=year, kind=kind)
    make_ready(edition)
    return Edition.objects.get(pk=edition.pk)


class _FormReader(HTMLParser):
    """The values a browser would send from the form whose action is `action`."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.values = action, False, {}
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action
        elif tag == "option" and self.select and "selected" in a:
            self.values[self.select] = a.get("value", "")
        elif not self.inside or "name" not in a:
            return
        elif tag == "input" and a.get("type") in ("radio", "checkbox"):
            if "checked" in a:
                self.values[a["name"]] = a.get("value", "on")
        elif tag == "input" and a.get("type") not in ("submit", "button", "file"):
            self.values[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.values[a["name"]] = ""
        elif tag == "select":
            self.select = a["name"]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.values[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            if self.textarea and self.values[self.textarea].startswith("\n"):
                self.values[self.textarea] = self.values[self.textarea][1:]
            self.textarea = None
        elif tag == "select":
            self.select = None


def form_shown(page: str, action: str) -> dict[str, str]:
    """What the form at `action` on this page would send as it stands (its inputs' values,
    the checked boxes, the chosen options, the textareas): to send a form again exactly as a
    person sees it."""
    reader = _FormReader(action)
    reader.feed(page)
    return reader.values
