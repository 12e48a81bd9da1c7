"""Where officers got stuck: every hand-over and return told to whoever must act next (notice +
e-mail, with the note; the task row says "dikembalikan"); buttons that cannot succeed yet show
the missing step instead; the tim's compact page with one save; the DRAF preview before
signing; publication shown as the system's work, with its progress."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from dip.models import DocumentStatus, Edition, EditionDocument, EditionRow, Stage
from tests.helpers import drive_to, edition_at, officers_of, write_nota_dinas, write_record
from workflow import services
from workflow.models import Consideration, Notice, NoticeKind

User = get_user_model()
KALBAR = "disdukcapil-kalbar"
KAPUAS = "dinsos-p3a-kapuas-hulu"
KUBU = "disdukcapil-kubu-raya"
NOTE = "Lengkapi ringkasan isi baris 3."


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PPID_PUBLIC_BASE_URL = "https://ppid.example.go.id"


def text(response) -> str:
    return response.content.decode()


def _with_email(*usernames: str) -> None:
    for username in usernames:
        User.objects.filter(username=username).update(email=f"{username}@ppid.example.go.id")


# --- notices on hand-over and return ---------------------------------------------------------


@pytest.mark.django_db
def test_a_return_tells_the_operator_with_the_note_by_notice_and_email(
    seeded, django_capture_on_commit_callbacks
):
    _with_email(f"{KALBAR}.operator", f"{KALBAR}.ppid")
    edition = edition_at(KALBAR, Stage.VERIFICATION, title="DIP Kembali")
    ppid = User.objects.get(username=f"{KALBAR}.ppid")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.edition_transition(edition=edition, name="return", user=ppid, note=NOTE)
    notice = Notice.objects.get(recipient__username=f"{KALBAR}.operator", kind="returned")
    assert "Dikembalikan kepada Anda" in notice.title and "DIP Kembali" in notice.title
    assert f"Catatan: {NOTE}" in notice.message
    assert notice.url == reverse("workflow:edition", args=[edition.pk])
    # The PPID who returned it is not told of their own act.
    assert not Notice.objects.filter(recipient=ppid, kind=NoticeKind.RETURNED).exists()
    (message,) = [m for m in mail.outbox if m.to == [f"{KALBAR}.operator@ppid.example.go.id"]]
    assert message.subject.startswith("[PPID] Dikembalikan kepada Anda")
    assert NOTE in message.body


@pytest.mark.django_db
def test_a_hand_over_tells_the_next_actor_with_the_note(seeded, django_capture_on_commit_callbacks):
    _with_email(f"{KALBAR}.ppid")
    edition = edition_at(KALBAR, Stage.COLLECTION, title="DIP Serah")
    operator = User.objects.get(username=f"{KALBAR}.operator")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.edition_transition(
            edition=edition, name="submit", user=operator, note="Sudah lengkap."
        )
    notice = Notice.objects.get(recipient__username=f"{KALBAR}.ppid", kind="handover")
    assert "Giliran Anda" in notice.title and "Catatan: Sudah lengkap." in notice.message
    assert [m.to for m in mail.outbox] == [[f"{KALBAR}.ppid@ppid.example.go.id"]]


@pytest.mark.django_db
def test_signing_hands_over_to_the_system_and_tells_no_officer(seeded):
    edition = edition_at(KAPUAS, Stage.APPROVAL, title="DIP Tanda")
    before = Notice.objects.count()
    drive_to(edition, Stage.PUBLICATION)
    assert Notice.objects.count() == before


@pytest.mark.django_db
def test_task_row_and_edition_page_show_dikembalikan_and_the_note(seeded, login):
    edition = edition_at(KALBAR, Stage.VERIFICATION, title="DIP Baris Kembali")
    ppid = User.objects.get(username=f"{KALBAR}.ppid")
    services.edition_transition(edition=edition, name="return", user=ppid, note=NOTE)
    client = login(f"{KALBAR}.operator")
    tasks = text(client.get("/tugas/"))
    row = tasks[tasks.index("DIP Baris Kembali") :]
    row = row[: row.index("</tr>")]
    assert 'class="tag returned">dikembalikan<' in row and NOTE in row
    page = text(client.get(reverse("workflow:edition", args=[edition.pk])))
    assert 'id="arrival"' in page and "dikembalikan" in page and NOTE in page
    # Once handed on again, the PPID's row carries the operator's note, not "dikembalikan".
    services.edition_transition(
        edition=edition,
        name="submit",
        user=officers_of(edition.body)["operator"],
        note="Sudah diperbaiki.",
    )
    again = text(login(f"{KALBAR}.ppid").get("/tugas/"))
    row = again[again.index("DIP Baris Kembali") :]
    row = row[: row.index("</tr>")]
    assert "dikembalikan" not in row and "Sudah diperbaiki." in row


# --- blocked buttons --------------------------------------------------------------------------


@pytest.mark.django_db
def test_nota_dinas_button_is_blocked_until_it_is_written(seeded, login, api):
    edition = edition_at(KAPUAS, Stage.INSTRUCTION, title="DIP Nota")
    ppid = f"{KAPUAS}.ppid"
    page = text(login(ppid).get(reverse("workflow:edition", args=[edition.pk])))
    action = reverse("workflow:edition_action", args=[edition.pk, "instruct"])
    assert f'href="{action}"' not in page
    assert 'data-blocked="instruct"' in page
    assert reverse("workflow:nota_dinas", args=[edition.pk]) in page
    assert "Tulis Nota Dinas" in page
    # The confirm page is not offered either: it sends the officer to the missing step.
    sent = login(ppid).get(action)
    assert sent.status_code == 302
    assert sent["Location"] == reverse("workflow:nota_dinas", args=[edition.pk])
    data = api(ppid).get(f"/api/editions/{edition.pk}/").json()
    assert "instruct" in data["transitions"]
    (blocked,) = data["blocked"]
    assert blocked["name"] == "instruct"
    assert blocked["fix_url"].endswith(reverse("workflow:nota_dinas", args=[edition.pk]))
    assert "Nota Dinas" in blocked["reason"]
    refused = api(ppid).post(f"/api/editions/{edition.pk}/transitions/instruct/", {})
    assert refused.status_code == 400
    assert Edition.objects.get(pk=edition.pk).state == Stage.INSTRUCTION

    write_nota_dinas(edition, User.objects.get(username=ppid))
    page = text(login(ppid).get(reverse("workflow:edition", args=[edition.pk])))
    assert f'href="{action}"' in page and 'data-blocked="instruct"' not in page
    assert api(ppid).get(f"/api/editions/{edition.pk}/").json()["blocked"] == []


@pytest.mark.django_db
def test_pass_on_consideration_is_blocked_until_every_row_is_decided(seeded, login, api):
    edition = edition_at(KUBU, Stage.CONSIDERATION, title="DIK Timbang")
    tim = f"{KUBU}.tim"
    page = text(login(tim).get(reverse("workflow:edition", args=[edition.pk])))
    assert 'data-blocked="consider"' in page
    assert reverse("workflow:considerations", args=[edition.pk]) in page
    assert reverse("workflow:edition_action", args=[edition.pk, "consider"]) not in page
    blocked = api(tim).get(f"/api/editions/{edition.pk}/").json()["blocked"]
    assert [b["name"] for b in blocked] == ["consider"]


# --- the tim's page ---------------------------------------------------------------------------


def _tim_post(edition, overrides: dict | None = None) -> dict:
    data = {}
    for entry in edition.entries.all():
        data[f"r{entry.item_id}-decision"] = "agree"
        data[f"r{entry.item_id}-note"] = ""
    data.update(overrides or {})
    return data


@pytest.mark.django_db
def test_tim_page_shows_each_rows_test_and_saves_all_rows_at_once(seeded, login):
    edition = edition_at(KUBU, Stage.CONSIDERATION, title="DIK Satu Simpan")
    client = login(f"{KUBU}.tim")
    url = reverse("workflow:considerations", args=[edition.pk])
    page = text(client.get(url))
    items = [e.item for e in edition.entries.select_related("item")]
    for item in items:
        assert item.title in page
        assert item.consequence_if_opened.splitlines()[0] in page
        assert f'name="r{item.pk}-decision"' in page
    assert page.count('id="considerations-form"') == 1
    assert page.count("Simpan keputusan untuk semua baris") == 1
    # One "agree" (setuju) is already chosen for each row.
    assert page.count('<option value="agree" selected>') == len(items)

    saved = client.post(url, _tim_post(edition))
    assert saved.status_code == 302
    assert Consideration.objects.filter(edition=edition).count() == len(items)
    after = text(client.get(url))
    # Every row decided: what is still missing is the berita acara, linked from the page.
    assert reverse("workflow:edition_action", args=[edition.pk, "consider"]) not in after
    assert "berita acara" in after
    assert reverse("workflow:consideration_record", args=[edition.pk]) in after
    write_record(edition, User.objects.get(username=f"{KUBU}.tim"))
    after = text(client.get(url))
    assert reverse("workflow:edition_action", args=[edition.pk, "consider"]) in after


@pytest.mark.django_db
def test_tim_page_stores_nothing_when_one_row_is_wrong(seeded, login):
    edition = edition_at(KUBU, Stage.CONSIDERATION, title="DIK Salah Satu")
    client = login(f"{KUBU}.tim")
    first = edition.entries.order_by("position", "pk").first().item_id
    # Changing the ground without a note is refused: nothing of any row is stored.
    bad = client.post(
        reverse("workflow:considerations", args=[edition.pk]),
        _tim_post(
            edition, {f"r{first}-decision": "change_ground", f"r{first}-exemption_ground": "h"}
        ),
    )
    assert bad.status_code == 200
    body = text(bad)
    assert "Tidak ada yang disimpan" in body
    assert 'class="consider-row card has-error"' in body
    assert not Consideration.objects.filter(edition=edition).exists()


@pytest.mark.django_db
def test_tim_page_is_read_only_for_others_and_refuses_their_post(seeded, login):
    edition = edition_at(KUBU, Stage.CONSIDERATION, title="DIK Baca Saja")
    client = login(f"{KUBU}.operator")
    url = reverse("workflow:considerations", args=[edition.pk])
    page = text(client.get(url))
    assert "DIK Baca Saja" in page and 'id="considerations-form"' not in page
    assert client.post(url, _tim_post(edition)).status_code == 403
    assert not Consideration.objects.filter(edition=edition).exists()
    assert login(f"{KAPUAS}.ppid").get(url).status_code == 404


# --- the DRAF preview -------------------------------------------------------------------------


@pytest.mark.django_db
def test_atasan_previews_a_draf_pdf_that_is_not_stored(seeded, login):
    edition = edition_at(KUBU, Stage.APPROVAL, title="DIK Pratinjau")
    client = login(f"{KUBU}.atasan")
    page = text(client.get(reverse("workflow:edition", args=[edition.pk])))
    url = reverse("workflow:edition_preview_pdf", args=[edition.pk])
    assert url in page
    confirm = text(client.get(reverse("workflow:edition_action", args=[edition.pk, "sign"])))
    assert url in confirm
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "DRAF-dik-" in response["Content-Disposition"]
    assert not EditionDocument.objects.filter(edition=edition).exists()
    assert not EditionRow.objects.filter(edition=edition).exists()
    assert Edition.objects.get(pk=edition.pk).signed_at is None


@pytest.mark.django_db
def test_draf_html_is_watermarked_and_unsigned(seeded):
    from dip.rendering import render_draft_html

    edition = edition_at(KUBU, Stage.APPROVAL, title="DIK Draf")
    html = render_draft_html(edition)
    assert 'class="draft-mark"' in html and ">DRAF<" in html
    assert "Ditandatangani secara elektronik" not in html
    for entry in edition.entries.select_related("item"):
        assert entry.item.title in html


@pytest.mark.django_db
def test_draf_preview_only_for_officers_who_see_an_unsigned_edition(seeded, login, client):
    edition = edition_at(KUBU, Stage.APPROVAL, title="DIK Rahasia Draf")
    url = reverse("workflow:edition_preview_pdf", args=[edition.pk])
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    assert login(f"{KAPUAS}.atasan").get(url).status_code == 404
    signed = edition_at(KAPUAS, Stage.PUBLICATION, title="DIP Sudah Tanda")
    url = reverse("workflow:edition_preview_pdf", args=[signed.pk])
    assert login(f"{KAPUAS}.atasan").get(url).status_code == 404


# --- publication is the system's -------------------------------------------------------------


@pytest.mark.django_db
def test_publication_says_the_system_acts_and_shows_progress(seeded, login):
    # Signing queues the publication task on commit; the test's transaction never commits, so
    # the edition waits at publication as it does until the worker takes it.
    edition = edition_at(KAPUAS, Stage.PUBLICATION, title="DIP Terbit")
    client = login(f"{KAPUAS}.operator")
    page = text(client.get(reverse("workflow:edition", args=[edition.pk])))
    must_act = page[page.index('id="must-act"') :]
    must_act = must_act[: must_act.index("</p>")]
    assert "Sistem" in must_act and "Operator" not in must_act
    assert 'data-phase="queued"' in page
    assert "hx-get" in page
    fragment = client.get(
        reverse("workflow:edition_document", args=[edition.pk]), HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 200 and 'data-phase="queued"' in text(fragment)
    assert "HX-Refresh" not in fragment

    EditionDocument.objects.update_or_create(
        edition=edition, defaults={"status": DocumentStatus.RENDERING, "attempts": 1}
    )
    fragment = client.get(
        reverse("workflow:edition_document", args=[edition.pk]), HTTP_HX_REQUEST="true"
    )
    assert 'data-phase="rendering"' in text(fragment)
    assert "Membuat PDF dan menandatanganinya" in text(fragment)

    services.edition_publish(edition_id=edition.pk)
    EditionDocument.objects.filter(edition=edition).update(status=DocumentStatus.READY)
    done = client.get(
        reverse("workflow:edition_document", args=[edition.pk]), HTTP_HX_REQUEST="true"
    )
    assert done["HX-Refresh"] == "true"
