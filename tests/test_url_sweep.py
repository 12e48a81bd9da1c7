"""Every URL pattern of the project, for every role and anonymous.

Each named pattern is classified below; a pattern that is not classified fails the test, so a
new URL cannot land without saying who may use it. For body A's objects (an item with a file,
an unpublished edition with its Nota Dinas, a calendar day) the sweep asserts:

- anonymous: officer pages send to the login page, the API answers 401/403, the admin sends to
  its login, and the public pages of the unpublished edition are 404;
- an officer of another body (every role of body B) gets 403/404/405 for every method on every
  body-A URL, and the lists show none of body A's data;
- officers of body A never meet a server error;
- and after all refused requests, no table has gained or lost a row and no edition moved.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image
from rest_framework.authtoken.models import Token

from dip import services as dip_services
from dip.models import Classification, Edition, Item
from dip.services import classification
from dip.services.imports import import_job_create
from ppid.models import Body
from tests.factories import ItemFactory
from tests.helpers import advance, officers_of, open_edition, write_nota_dinas
from tests.workflow.test_objections import make_request
from workflow.models import Sop
from workflow.services import calendar as calendar_services
from workflow.services import notices as notices_services
from workflow.services import objections as objection_services
from workflow.services import requests as request_services
from workflow.services import sertamerta

A = "dinsos-p3a-kapuas-hulu"
B = "disdukcapil-kubu-raya"
SECRET = "RAHASIA-SWEEP-7Q"

PUBLIC = "public"  # anyone; body A's unpublished edition must be 404
ENTRY = "entry"  # login, logout, language: anyone, no object
OFFICER = "officer"  # officers' pages on one body's object
OFFICER_LIST = "officer_list"  # officers' pages without an object (own data only)
API_PUBLIC = "api_public"
API_OFFICER = "api_officer"
API_LIST = "api_list"
ADMIN = "admin"

CLASSES = {
    "home": PUBLIC,
    "login": ENTRY,
    "logout": ENTRY,
    "set_language": ENTRY,
    "dip:language": ENTRY,
    "dip:verify": ENTRY,
    "dip:verify_code": ENTRY,
    "favicon": ENTRY,
    "accounts:password_set": ENTRY,  # the invitation link: a one-time token in the URL
    "accounts:security": OFFICER_LIST,
    "accounts:2fa_enrol": OFFICER_LIST,
    "accounts:2fa_verify": OFFICER_LIST,
    "accounts:2fa_codes": OFFICER_LIST,
    "accounts:people": OFFICER_LIST,
    "accounts:body_people": OFFICER,
    "accounts:officer_create": OFFICER,
    "accounts:officer_invite": OFFICER,
    "accounts:role_grant": OFFICER,
    "accounts:role_revoke": OFFICER,
    "accounts:deactivate": OFFICER,
    "accounts:reactivate": OFFICER,
    "accounts:invitation_resend": OFFICER,
    "accounts:2fa_reset": OFFICER,
    "workflow:audit_log": OFFICER_LIST,
    "workflow:tasks": OFFICER_LIST,
    "workflow:bodies": OFFICER_LIST,
    "workflow:dashboard": OFFICER_LIST,
    "workflow:notices": OFFICER_LIST,
    "workflow:notices_read_all": OFFICER_LIST,  # the caller's own notices only (POST)
    "workflow:notice_open": OFFICER,  # a notice of body A's PPID
    "workflow:editions": OFFICER,
    "workflow:sop": OFFICER,
    "workflow:sop_version": OFFICER,
    "workflow:sop_edit": OFFICER,
    "workflow:default_route_set": OFFICER,  # the PPID Utama of the body only (POST)
    "workflow:default_route_withdraw": OFFICER,
    "workflow:calendar": OFFICER,
    "workflow:calendar_day_add": OFFICER,
    "workflow:calendar_day_remove": OFFICER,
    "workflow:calendar_hours": OFFICER,
    "workflow:calendar_follow": OFFICER,
    "workflow:report": OFFICER,
    "workflow:report_csv": OFFICER,
    "workflow:evidence_packs": OFFICER,
    "workflow:evidence_pack_build": OFFICER,
    "workflow:evidence_pack_download": OFFICER,
    "workflow:overview": OFFICER,
    "workflow:overview_csv": OFFICER,
    "workflow:edition": OFFICER,
    "workflow:edition_pick": OFFICER,
    "workflow:edition_unpick": OFFICER,
    "workflow:edition_action": OFFICER,
    "workflow:nota_dinas": OFFICER,
    "workflow:nota_dinas_print": OFFICER,
    "workflow:timeline": OFFICER,
    "workflow:edition_document": OFFICER,
    "workflow:edition_document_retry": OFFICER,
    "workflow:edition_record_retry": OFFICER,
    "workflow:edition_document_pdf": OFFICER,
    "workflow:edition_preview_pdf": OFFICER,
    "workflow:considerations": OFFICER,
    "workflow:comment_add": OFFICER,
    "workflow:consideration": OFFICER,
    "workflow:consideration_record": OFFICER,
    "workflow:item_history": OFFICER,
    "workflow:serta_merta_list": OFFICER_LIST,
    "workflow:serta_merta": OFFICER,
    "workflow:serta_merta_approve": OFFICER,
    "workflow:serta_merta_return": OFFICER,
    "workflow:serta_merta_ask": OFFICER,
    "workflow:serta_merta_standard": OFFICER,
    "workflow:requests": OFFICER_LIST,
    "workflow:requests_csv": OFFICER_LIST,
    "workflow:request": OFFICER,
    "workflow:request_hand_over": OFFICER,
    "workflow:request_note": OFFICER,
    "workflow:request_extend": OFFICER,
    "workflow:request_decide": OFFICER,
    "workflow:request_delivered": OFFICER,
    "workflow:request_notice_pdf": OFFICER,
    "workflow:request_notice_retry": OFFICER,
    "workflow:request_create": OFFICER,
    "workflow:request_form": PUBLIC,
    "workflow:request_suggestions": PUBLIC,
    "workflow:request_track_find": PUBLIC,
    "workflow:request_track": PUBLIC,  # by tracking code: an unknown one is 404
    "workflow:request_receipt": PUBLIC,
    "workflow:request_notice_download": PUBLIC,
    "dip:items": OFFICER,
    "dip:item_export": OFFICER,
    "dip:item_create": OFFICER,
    "dip:item": OFFICER,
    "dip:item_update": OFFICER,
    "dip:item_delete": OFFICER,
    "dip:attachments": OFFICER,
    "dip:attachment_download": OFFICER,
    "dip:attachment_thumbnail": OFFICER,
    "dip:mark_updated": OFFICER,
    "dip:exemption_reopen": OFFICER,
    "dip:exemption_retest": OFFICER,
    "dip:exemption_event_close": OFFICER,
    "dip:classification_change": OFFICER,
    "dip:classification_change_decide": OFFICER,
    "dip:import_start": OFFICER,
    "dip:import_template_xlsx": OFFICER,
    "dip:import_template_csv": OFFICER,
    "dip:import_job": OFFICER,
    "dip:import_progress": OFFICER,
    "dip:import_mapping": OFFICER,
    "dip:import_commit": OFFICER,
    "dip:import_discard": OFFICER,
    "dip:public_body": PUBLIC,
    "dip:announcements": PUBLIC,
    "dip:body_announcements": PUBLIC,
    "dip:announcement_large_print": PUBLIC,
    "dip:announcement_audio": PUBLIC,
    "dip:public_edition": PUBLIC,
    "dip:public_edition_pdf": PUBLIC,
    "dip:public_edition_csv": PUBLIC,
    "dip:public_edition_json": PUBLIC,
    "dip:public_edition_xlsx": PUBLIC,
    "dip:feed": PUBLIC,
    "dip:catalog": PUBLIC,
    "dip:body_feed": PUBLIC,
    "dip:public_row": PUBLIC,
    "dip:public_attachment": PUBLIC,
    "dip:public_edition_record_pdf": PUBLIC,
    "dip:public_redacted_copy": PUBLIC,
    "api:token": ENTRY,
    "api:token-revoke": API_LIST,  # the caller's own token only (POST)
    "api:bodies": API_LIST,
    "api:public-bodies": API_PUBLIC,
    "api:public-dip": API_PUBLIC,
    "api:public-dik": API_PUBLIC,
    "api:aggregator-rows": API_LIST,  # a PPID Utama's own bodies only
    "api:schema": API_PUBLIC,
    "api:docs": API_PUBLIC,
    "api:api-root": API_PUBLIC,
    "api:item-list": API_LIST,
    "api:item-detail": API_OFFICER,
    "api:item-attachments": API_OFFICER,
    "api:item-classification-change": API_OFFICER,
    "api:item-event-happened": API_OFFICER,
    "api:classification-change-list": API_LIST,
    "api:classification-change-detail": API_OFFICER,
    "api:classification-change-decide": API_OFFICER,
    "api:edition-list": API_LIST,
    "api:edition-detail": API_OFFICER,
    "api:edition-items": API_OFFICER,  # GET lists the rows in pages, POST adds items
    "api:edition-comments": API_OFFICER,
    "api:edition-considerations": API_OFFICER,
    "api:edition-consideration-record": API_OFFICER,
    "api:edition-document": API_OFFICER,
    "api:edition-document-retry": API_OFFICER,
    "api:edition-record-document": API_OFFICER,
    "api:edition-record-document-retry": API_OFFICER,
    "api:edition-history": API_OFFICER,
    "api:edition-nota-dinas": API_OFFICER,
    "api:edition-remove-item": API_OFFICER,
    "api:edition-transition": API_OFFICER,
    "api:import-list": API_LIST,
    "api:import-detail": API_OFFICER,
    "api:import-commit": API_OFFICER,
    "api:serta-merta-list": API_LIST,
    "api:serta-merta-detail": API_OFFICER,
    "api:serta-merta-approve": API_OFFICER,
    "api:serta-merta-send-back": API_OFFICER,
    # Objections (keberatan) and the annual report.
    "api:objection-list": API_LIST,
    "api:objection-detail": API_OFFICER,
    "api:objection-answer": API_OFFICER,
    "api:public-request-objections": API_PUBLIC,
    "workflow:objections": OFFICER_LIST,
    "workflow:objection": OFFICER,
    "workflow:objection_answer": OFFICER,
    "workflow:objection_answer_pdf": OFFICER,
    "workflow:objection_answer_retry": OFFICER,
    "workflow:objection_public": PUBLIC,
    "workflow:objection_public_answer": PUBLIC,
    "workflow:annual": OFFICER,
    "workflow:annual_csv": OFFICER,
    "workflow:annual_pdf": OFFICER,
    "workflow:annual_overview": OFFICER,
    "workflow:annual_overview_csv": OFFICER,
    "workflow:annual_overview_pdf": OFFICER,
    "api:public-requests": API_PUBLIC,
    "api:public-request": API_PUBLIC,
    "api:request-list": API_LIST,
    "api:request-detail": API_OFFICER,
    "api:request-extend": API_OFFICER,
    "api:request-decide": API_OFFICER,
}
# Tables that a refused request may legitimately touch (sessions, login bookkeeping).
IGNORED_TABLES = {"django_session", "authtoken_token"}


def url_patterns():
    """(name, pattern) of every named URL pattern, the admin's included."""

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield (f"{namespace}:" if namespace else "") + pattern.name, pattern

    return list(walk(get_resolver().url_patterns))


def classify(name: str) -> str | None:
    if name.startswith("admin:"):
        return ADMIN
    return CLASSES.get(name)


def pdf_upload() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buffer, "PDF")
    return SimpleUploadedFile("surat.pdf", buffer.getvalue(), content_type="application/pdf")


@pytest.fixture
def world(seeded):
    body = Body.objects.get(slug=A)
    officers = officers_of(body)
    item = Item.objects.filter(body=body).order_by("pk").first()
    item.title = f"{SECRET} {item.title}"[:255]
    item.save(update_fields=["title"])
    attachment = dip_services.attachments_create(
        item=item, user=officers["operator"], uploads=[pdf_upload()]
    )[0]
    edition = advance(open_edition(body, title=f"{SECRET} DIP"), officers)
    write_nota_dinas(edition, officers["ppid"])
    utama = get_user_model().objects.get(username="ppid-utama")
    day = calendar_services.calendar_day_add(
        body=body,
        date=date(2026, 6, 3),
        kind="off",
        name="Lokal",
        user=utama,
    )
    (notice,) = notices_services.notify(
        recipients=[officers["ppid"]],
        kind="overdue",
        key="sweep:notice",
        title=f"{SECRET} terlambat",
        url=f"/edisi/{edition.pk}/",
        body=body,
        edition=edition,
    )
    # A serta merta item of body A waiting for its PPID (not announced: nothing public).
    urgent = ItemFactory(
        body=body, title=f"{SECRET} banjir", classification=Classification.SERTA_MERTA
    )
    serta_merta = sertamerta.serta_merta_request_create(item=urgent, user=officers["operator"])
    # A classification change of body A waiting for a DIK (the tim decides it there).
    change = classification.classification_change_propose(
        item=ItemFactory(body=body, title=f"{SECRET} memo"),
        user=officers["operator"],
        to_classification=Classification.DIKECUALIKAN,
        reason=SECRET,
        exemption_ground="i",
        consequence_if_opened="Mengganggu pembahasan.",
        consequence_if_closed="Publik menunggu.",
        public_interest="Diumumkan setelah final.",
        exemption_permanent=False,
        exemption_event="Sampai kebijakan ditetapkan",
    )
    # A spreadsheet import of body A, previewed and not yet committed.
    sheet = SimpleUploadedFile(
        "daftar.csv", f"Judul Informasi,Klasifikasi\n{SECRET},Berkala\n".encode()
    )
    job = import_job_create(body=body, user=officers["operator"], upload=sheet)
    # An objection to body A's atasan on a refused request (its personal data never public).
    objection = objection_services.objection_file(
        request=make_request(A, number=900), ground="a", reason=f"{SECRET} keberatan"
    )
    # A request for information to body A (its text carries the secret: no list may show it).
    information_request = request_services.request_receive(
        body=body,
        name="Pemohon Sweep",
        address="Jalan Sweep 1",
        identity_number="6171015505900009",
        information=f"{SECRET} data penduduk",
        purpose="Uji",
        obtain="copy",
        form="softcopy",
        delivery="pickup",
    )
    return {
        "change": change,
        "import_job": job,
        "request": information_request,
        "body": body,
        "item": item,
        "serta_merta": serta_merta,
        "attachment": attachment,
        "edition": edition,
        "day": day,
        "notice": notice,
        "objection": objection,
    }


def kwargs_for(name: str, pattern: URLPattern, world) -> dict:
    item, edition = world["item"], world["edition"]
    if name.startswith("admin:"):
        return admin_kwargs(pattern)
    values = {
        "slug": A,
        "item_id": item.pk,
        "day_id": world["day"].pk,
        "number": 1,
        "attachment_id": world["attachment"].pk,
        "code": "TIDAKADA",
        "name": "instruct",
        "user_id": get_user_model().objects.get(username=f"{A}.operator").pk,
        "role": "operator",
        "kind": "dip",
        "year": 2026,
        "tracking_code": "TIDAKADA",
    }
    pk = edition.pk
    if name in (
        "dip:item",
        "dip:item_update",
        "dip:item_delete",
        "dip:attachments",
        "dip:mark_updated",
        "dip:exemption_reopen",
        "dip:exemption_retest",
        "dip:exemption_event_close",
        "dip:classification_change",
        "api:item-detail",
        "api:item-attachments",
        "api:item-classification-change",
        "api:item-event-happened",
    ):
        pk = item.pk
    elif name.startswith("api:classification-change-"):
        pk = world["change"].pk
    elif name in ("dip:attachment_download", "dip:attachment_thumbnail"):
        pk = world["attachment"].pk
    elif name == "workflow:notice_open":
        pk = world["notice"].pk
    elif name in ("workflow:sop_version", "workflow:sop_edit"):
        pk = Sop.objects.get(body__slug=A, is_active=True).pk
    elif name.startswith(("dip:import_", "api:import-")):
        pk = world["import_job"].pk
    elif "serta_merta" in name or "serta-merta" in name:
        pk = world["serta_merta"].pk
    elif "objection" in name:
        pk = world["objection"].pk
    elif name.startswith(("workflow:request", "api:request-")):
        pk = world["request"].pk
    values["pk"] = pk
    wanted = set(pattern.pattern.regex.groupindex) - {"format"}
    return {key: values[key] for key in wanted}


def admin_kwargs(pattern: URLPattern) -> dict:
    wanted = set(pattern.pattern.regex.groupindex)
    filled = {}
    for key in wanted:
        if key == "app_label":
            filled[key] = "dip"
        elif key in ("object_id", "content_type_id", "id"):
            filled[key] = "1"
        else:
            filled[key] = "x"
    return filled


def url_of(name: str, pattern: URLPattern, world) -> str | None:
    try:
        return reverse(name, kwargs=kwargs_for(name, pattern, world))
    except Exception:  # a format-suffix twin or a pattern that needs other arguments
        return None


def snapshot() -> dict:
    counts = {
        model._meta.db_table: model.objects.count()
        for model in apps.get_models()
        if model._meta.db_table not in IGNORED_TABLES and not model._meta.proxy
    }
    counts["edition states"] = tuple(Edition.objects.order_by("pk").values_list("state", "pk"))
    return counts


def client_for(username: str | None, *, api: bool = False) -> Client:
    client = Client()
    if username:
        user = get_user_model().objects.get(username=username)
        client.force_login(user)
        if api:
            token, _ = Token.objects.get_or_create(user=user)
            client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


METHODS = ("get", "post", "put", "patch", "delete")
REFUSED = {403, 404, 405}


def test_every_url_pattern_is_classified():
    missing = sorted({name for name, _ in url_patterns() if classify(name) is None})
    assert not missing, f"classify these URL names in tests/test_url_sweep.py: {missing}"


@pytest.mark.django_db
def test_the_sweep_finds_no_hole(world):
    patterns = [(n, p, classify(n)) for n, p in url_patterns()]
    urls = {}
    for name, pattern, kind in patterns:
        url = url_of(name, pattern, world)
        if url is not None:
            urls.setdefault(url, (name, kind))
    assert len(urls) > 60, "the sweep must reach the project's URLs"

    outsiders = {role: f"{B}.{role}" for role in ("operator", "ppid", "tim", "atasan")}
    clients = {role: client_for(user, api=True) for role, user in outsiders.items()}
    anonymous = Client()
    before = snapshot()
    holes: list[str] = []

    for url, (name, kind) in sorted(urls.items()):
        if kind in (OFFICER, API_OFFICER):
            for method in METHODS:
                response = getattr(anonymous, method)(url)
                if kind == OFFICER:
                    ok = response.status_code in REFUSED | {302} and (
                        response.status_code != 302 or "/masuk/" in response["Location"]
                    )
                else:
                    ok = response.status_code in {401, 403, 405}
                if not ok:
                    holes.append(f"anonymous {method.upper()} {url} → {response.status_code}")
                for role, client in clients.items():
                    response = getattr(client, method)(url)
                    if response.status_code not in REFUSED:
                        holes.append(f"{B}.{role} {method.upper()} {url} → {response.status_code}")
        elif kind in (OFFICER_LIST, API_LIST):
            response = anonymous.get(url)
            if response.status_code not in {302, 401, 403}:
                holes.append(f"anonymous GET {url} → {response.status_code}")
            for role, client in clients.items():
                response = client.get(url)
                if response.status_code >= 500 or SECRET in response.content.decode():
                    holes.append(f"{B}.{role} GET {url} shows body A ({response.status_code})")
        elif kind == PUBLIC and "<" not in url:
            response = anonymous.get(url)
            body_a_unpublished = world["edition"].pk and f"/edisi/{world['edition'].pk}/" in url
            if body_a_unpublished and response.status_code != 404:
                holes.append(f"anonymous GET {url} (unpublished) → {response.status_code}")
            elif response.status_code >= 500 or SECRET in response.content.decode():
                holes.append(f"anonymous GET {url} → {response.status_code} / leaks")
        elif kind == API_PUBLIC:
            response = anonymous.get(url)
            if response.status_code >= 500 or SECRET in response.content.decode():
                holes.append(f"anonymous GET {url} → {response.status_code} / leaks")
        elif kind == ADMIN and name not in ("admin:login", "admin:logout"):
            for who, client in [("anonymous", anonymous), *clients.items()]:
                response = client.get(url)
                if response.status_code not in {302, 404} or (
                    response.status_code == 302 and "/admin/login/" not in response["Location"]
                ):
                    holes.append(f"{who} GET {url} → {response.status_code}")

    assert not holes, "\n".join(holes)
    assert snapshot() == before, "a refused request changed the database"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["operator", "ppid", "atasan"])
def test_officers_of_the_body_never_meet_a_server_error(world, role):
    client = client_for(f"{A}.{role}", api=True)
    officer_names = {
        name
        for name, _pattern in url_patterns()
        if classify(name) in (OFFICER, OFFICER_LIST, API_OFFICER, API_LIST)
    }
    answers: dict[str, int] = {}
    for name, pattern in url_patterns():
        if name not in officer_names:
            continue
        url = url_of(name, pattern, world)
        if url is None:
            continue
        response = client.get(url)
        answers[name] = response.status_code
        assert response.status_code < 500, (url, response.status_code)
        assert response.status_code != 404 or name in NOT_FOUND_FOR_OWN, (url, role)
        # Signed in: nothing sends the officer back to the login page.
        assert "/masuk/" not in response.get("Location", ""), (url, role)
    # Every officer URL of the project was visited, and the officer's own pages opened.
    assert set(answers) == officer_names
    assert {name: answers[name] for name in OWN_PAGES} == dict.fromkeys(OWN_PAGES, 200)


# Pages every officer of body A opens on body A's objects (the sweep's proof that it was
# signed in and reached the objects, not only refused or redirected).
OWN_PAGES = (
    "dip:items",
    "dip:item",
    "workflow:edition",
    "workflow:timeline",
    "workflow:tasks",
    "workflow:dashboard",
    "api:item-list",
    "api:item-detail",
    "api:edition-list",
    "api:edition-detail",
    "api:edition-items",
)

# Body A's own officers may see 404 here: the object does not exist yet for this edition (no
# signed document) or the view answers only to POST with a 404 for unknown rows.
NOT_FOUND_FOR_OWN = {
    "dip:attachment_thumbnail",  # a PDF upload has no thumbnail (scans have)
    "workflow:edition_document",
    "workflow:edition_document_pdf",
    "workflow:consideration_record",  # body A's route has no tim pertimbangan
    "api:edition-consideration-record",  # nor a berita acara
    "workflow:edition_preview_pdf",  # a signed edition, or one without rows, has no DRAF
    "workflow:considerations",  # a DIP whose route has no tim pertimbangan
    "api:edition-document",
    "workflow:request_notice_pdf",  # the request is not decided: no notice yet
    "api:edition-remove-item",
    "api:edition-record-document",  # a DIP has no berita acara
    "api:edition-record-document-retry",
    "workflow:evidence_pack_download",  # no evidence pack built yet
    "workflow:objection_answer_pdf",  # the objection is not answered yet
}
