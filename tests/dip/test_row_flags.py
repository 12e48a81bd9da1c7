"""Row flags and announcements: berkala rows whose update is due, serta merta rows announced at
the PPID's verification, and exemptions that end (re-open or test again).

The clock is moved with time-machine; the daily sweep runs its per-row tasks eagerly. Every bad
input is checked for its error next to the field and for nothing stored.
"""

from __future__ import annotations

import html
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dip import services as dip_services
from dip.models import (
    Announcement,
    AnnouncementKind,
    ChangeState,
    Classification,
    ClassificationChange,
    Edition,
    EditionItem,
    EditionKind,
    Item,
    Stage,
)
from dip.services import rowflags
from dip.tasks import sweep_row_flags
from ppid.celery import app as celery_app
from ppid.models import Body, Role
from ppid.pagecache import GENERATION_KEY
from tests.factories import ItemFactory, OfficerFactory
from tests.helpers import advance, drive_to, officers_of, open_edition
from workflow import services as workflow_services
from workflow.models import AuditEntry, Notice, NoticeKind, Sop

pytestmark = pytest.mark.django_db

DINSOS = "dinsos-p3a-kapuas-hulu"  # SOP 000 (DIP): operator, ppid, atasan
KUBU_RAYA = "disdukcapil-kubu-raya"  # SOP 004 (DIK): operator, ppid, tim, atasan
WIB = ZoneInfo("Asia/Pontianak")


@pytest.fixture(autouse=True)
def _eager(celery_eager):
    """The sweep's per-row tasks run in-process."""


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=WIB)


def text(response) -> str:
    return html.unescape(response.content.decode())


def public_client() -> Client:
    """A visitor without cookies (the public pages are cookie-free)."""
    return Client()


def officer_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def generation() -> int:
    return caches["default"].get(GENERATION_KEY, 0)


def sweep(django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return sweep_row_flags()


PERKI = {
    "summary": "Ringkasan yang boleh dibaca publik.",
    "holding_unit": "Bidang Perlindungan Jaminan Sosial",
    "responsible": "Kepala Bidang",
    "produced_place": "Putussibau",
    "form": "softcopy",
    "retention": "5 tahun",
}


def make_item(body: Body, user, **fields) -> Item:
    return ItemFactory(body=body, user=user, **{**PERKI, "produced_at": date(2027, 1, 5), **fields})


def notices(key_prefix: str) -> dict[str, int]:
    """username → number of notices whose key starts with the prefix."""
    counts: dict[str, int] = {}
    for notice in Notice.objects.filter(key__startswith=key_prefix).select_related("recipient"):
        name = notice.recipient.username.split(".", 1)[1]
        counts[name] = counts.get(name, 0) + 1
    return counts


def audits(action: str, item: Item) -> int:
    return AuditEntry.objects.filter(action=action, target_id=str(item.pk)).count()


# --- berkala ---------------------------------------------------------------------------------


@pytest.fixture
def berkala(seeded):
    """A published DIP of Dinsos with one berkala row (produced 5 Jan 2027, every 3 months)."""
    body = Body.objects.get(slug=DINSOS)
    officers = officers_of(body)
    with time_machine.travel(at(date(2027, 1, 10)), tick=False):
        item = make_item(
            body,
            officers["operator"],
            title="Rekap penyaluran bantuan sosial triwulanan",
            classification=Classification.BERKALA,
            update_period_months=3,
        )
        edition = open_edition(body, title="DIP 2027", year=2027, items=[item], officers=officers)
        edition = drive_to(edition, Stage.PUBLISHED, officers)
    item.refresh_from_db()
    return body, officers, item, edition


def test_a_berkala_row_is_flagged_once_per_period_told_once_and_shown_as_perlu_pembaruan(
    berkala, django_capture_on_commit_callbacks
):
    body, officers, item, edition = berkala
    assert item.next_update_on == date(2027, 4, 5)  # produced 5 Jan + 3 months
    row_url = f"/badan-publik/{body.slug}/edisi/{edition.pk}/informasi/1/"

    with time_machine.travel(at(date(2027, 4, 4)), tick=False):
        sweep(django_capture_on_commit_callbacks)  # flags the seed's older berkala rows
    item.refresh_from_db()
    assert item.needs_update_since is None
    page = text(public_client().get(f"/badan-publik/{body.slug}/"))
    assert item.title in page and "perlu pembaruan" not in page
    etag_before = public_client().get(f"/badan-publik/{body.slug}/")["ETag"]

    with time_machine.travel(at(date(2027, 4, 5), hour=0), tick=False):
        before = generation()
        assert sweep(django_capture_on_commit_callbacks) == 1
        assert generation() > before  # the cached public pages are retired
        # A second sweep (or a second beat) selects nothing and tells no one again.
        assert sweep(django_capture_on_commit_callbacks) == 0
        rowflags.item_flag_update_due(item_id=item.pk, today=date(2027, 4, 5))

    item.refresh_from_db()
    assert item.needs_update_since == date(2027, 4, 5)
    assert notices(f"berkala:{item.pk}:") == {"operator": 1, "ppid": 1}
    notice = Notice.objects.get(recipient=officers["operator"], key=f"berkala:{item.pk}:2027-04-05")
    assert notice.kind == NoticeKind.BERKALA_DUE
    assert notice.title == f"Informasi berkala perlu pembaruan: {item.title}"
    assert "1 bulan" not in notice.message and "setiap 3 bulan" in notice.message
    assert notice.url == f"/informasi/{item.pk}/"
    assert audits("item.update_due", item) == 1

    # The public sees it on the body page and the row page; the ETag changed with it.
    response = public_client().get(f"/badan-publik/{body.slug}/", HTTP_IF_NONE_MATCH=etag_before)
    assert response.status_code == 200
    row = text(response).split('id="row-1"', 1)[1].split("</tr>", 1)[0]
    assert "perlu pembaruan" in row
    assert "perlu pembaruan" in text(public_client().get(row_url))
    assert not public_client().get(row_url).cookies

    # The operator confirms the update: the flag goes, the pages are retired again.
    with time_machine.travel(at(date(2027, 4, 7)), tick=False):
        client = officer_client(officers["operator"])
        page = text(client.get(f"/informasi/{item.pk}/sudah-diperbarui/"))
        assert "Tandai sudah diperbarui" in page and item.title in page
        before = generation()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/informasi/{item.pk}/sudah-diperbarui/",
                {"updated_on": "2027-04-06", "note": "Data triwulan I", "expected": "2027-04-05"},
            )
        assert response.status_code == 302
        assert generation() > before
    item.refresh_from_db()
    assert item.last_updated_on == date(2027, 4, 6)
    assert item.next_update_on == date(2027, 7, 6)
    assert item.needs_update_since is None
    entry = AuditEntry.objects.get(action="item.mark_updated", target_id=str(item.pk))
    assert entry.actor == officers["operator"]
    assert entry.data["updated_on"] == "2027-04-06" and entry.data["note"] == "Data triwulan I"
    assert "perlu pembaruan" not in text(public_client().get(f"/badan-publik/{body.slug}/"))
    assert "perlu pembaruan" not in text(public_client().get(row_url))

    # The next period is flagged and told once more, under its own key.
    with time_machine.travel(at(date(2027, 7, 6)), tick=False):
        assert sweep(django_capture_on_commit_callbacks) == 1
        assert sweep(django_capture_on_commit_callbacks) == 0
    assert notices(f"berkala:{item.pk}:") == {"operator": 2, "ppid": 2}
    assert notices(f"berkala:{item.pk}:2027-07-06") == {"operator": 1, "ppid": 1}


def test_flagged_berkala_rows_are_listed_for_the_bodys_officers_only(
    berkala, django_capture_on_commit_callbacks
):
    _body, officers, item, _edition = berkala
    with time_machine.travel(at(date(2027, 4, 5)), tick=False):
        sweep(django_capture_on_commit_callbacks)
    dashboard = text(officer_client(officers["atasan"]).get("/dasbor/"))
    listed = dashboard.split('id="berkala-due"', 1)[1].split("</table>", 1)[0]
    flagged = Item.objects.filter(needs_update_since__isnull=False)
    own = flagged.filter(body=item.body)
    assert flagged.count() > own.count() > 1  # the seed's older berkala rows are due too
    assert item.title in listed and f"{own.count()} informasi berkala perlu pembaruan" in listed
    assert all(i.title in listed for i in own)
    assert not any(i.title in listed for i in flagged.exclude(body=item.body))
    assert f"/informasi/{item.pk}/sudah-diperbarui/" not in listed  # the atasan does not act
    tasks = text(officer_client(officers["operator"]).get("/tugas/"))
    assert f"/informasi/{item.pk}/sudah-diperbarui/" in tasks
    # Another body's operator sees nothing of it.
    other = officers_of(Body.objects.get(slug=KUBU_RAYA))["operator"]
    assert item.title not in text(officer_client(other).get("/tugas/"))


def test_mark_as_updated_refuses_bad_dates_and_a_second_click_and_stores_nothing(
    berkala, django_capture_on_commit_callbacks
):
    _body, officers, item, _edition = berkala
    url = f"/informasi/{item.pk}/sudah-diperbarui/"
    with time_machine.travel(at(date(2027, 4, 7)), tick=False):
        sweep(django_capture_on_commit_callbacks)
        client = officer_client(officers["operator"])
        cases = {
            "2027-04-08": "Tanggal pembaruan tidak boleh di masa depan.",
            "2027-01-06": "Pembaruan pada tanggal ini sudah lebih dari 3 bulan yang lalu",
            "": "Bidang ini harus diisi.",
        }
        for value, error in cases.items():
            response = client.post(url, {"updated_on": value, "expected": "2027-04-05"})
            assert response.status_code == 200
            page = text(response)
            field = page.split('id="id_updated_on_error"', 1)[1].split("</p>", 1)[0]
            assert error in field, value
        item.refresh_from_db()
        assert item.last_updated_on is None and item.needs_update_since == date(2027, 4, 5)
        assert audits("item.mark_updated", item) == 0

        good = {"updated_on": "2027-04-07", "expected": "2027-04-05"}
        assert client.post(url, good).status_code == 302
        # The same confirmation sent again (a double click, a second tab): already processed.
        response = client.post(url, good, follow=True)
        assert "Sudah diproses" in text(response)
        assert audits("item.mark_updated", item) == 1
        # A tim member (no register role) is refused.
        tim_of_other = officers_of(Body.objects.get(slug=KUBU_RAYA))["tim"]
        assert officer_client(tim_of_other).post(url, good).status_code == 404
        assert officer_client(officers["atasan"]).post(url, good).status_code == 403
    assert audits("item.mark_updated", item) == 1


# --- serta merta -----------------------------------------------------------------------------


def test_serta_merta_rows_are_announced_at_verification_once_with_their_public_fields_only(
    seeded, django_capture_on_commit_callbacks
):
    body = Body.objects.get(slug=DINSOS)
    officers = officers_of(body)
    start = at(date(2027, 2, 1))
    with time_machine.travel(start, tick=False) as clock:
        urgent = make_item(
            body,
            officers["operator"],
            title="Peringatan dini banjir bandang Sungai Kapuas",
            summary="Lokasi pengungsian di GOR Putussibau.",
            classification=Classification.SERTA_MERTA,
        )
        quiet = make_item(
            body,
            officers["operator"],
            title="Notulen rapat internal belum terbit",
            classification=Classification.SETIAP_SAAT,
        )
        from django.core.files.uploadedfile import SimpleUploadedFile

        dip_services.attachments_create(
            item=urgent,
            user=officers["operator"],
            uploads=[SimpleUploadedFile("peta-rahasia-draf.pdf", b"%PDF-1.4\n%%EOF\n")],
        )
        edition = open_edition(body, title="DIP 2027", year=2027, items=[urgent, quiet])
        edition = drive_to(edition, Stage.VERIFICATION, officers)
        assert not Announcement.objects.exists()

        clock.move_to(at(date(2027, 2, 2), hour=10))
        before = generation()
        with django_capture_on_commit_callbacks(execute=True):
            edition = advance(edition, officers)  # the PPID verifies (paraf)
        assert generation() > before
        assert edition.state == Stage.APPROVAL  # not signed yet

        announcement = Announcement.objects.get()
        assert announcement.kind == AnnouncementKind.SERTA_MERTA
        assert announcement.item == urgent and announcement.edition == edition
        assert announcement.announced_by == officers["ppid"]
        assert announcement.announced_at == at(date(2027, 2, 2), hour=10)
        assert audits("announcement.create", announcement) == 1

        # The atasan returns it; the PPID verifies again: no second announcement.
        workflow_services.edition_transition(
            edition=edition, name="return", user=officers["atasan"], note="Periksa lagi."
        )
        edition = advance(Edition.objects.get(pk=edition.pk), officers)
        assert Announcement.objects.count() == 1

    for url in (
        "/pengumuman/",
        f"/badan-publik/{body.slug}/",
        f"/badan-publik/{body.slug}/pengumuman/",
    ):
        response = public_client().get(url)
        assert response.status_code == 200 and not response.cookies, url
        page = text(response)
        assert urgent.title in page and urgent.summary in page, url
        assert "2 Februari 2027 10:00" in page, url
        # Nothing else of the unpublished edition: no other row, no file, no link to it.
        assert quiet.title not in page, url
        assert "peta-rahasia-draf" not in page, url
        assert f"/edisi/{edition.pk}/" not in page, url
    assert public_client().get(f"/badan-publik/{body.slug}/edisi/{edition.pk}/").status_code == 404


def test_a_serta_merta_row_corrected_after_a_return_is_announced_again_as_corrected(seeded):
    body = Body.objects.get(slug=DINSOS)
    officers = officers_of(body)
    with time_machine.travel(at(date(2027, 2, 1)), tick=False):
        urgent = make_item(
            body,
            officers["operator"],
            title="Peringatan dini banjir",
            classification=Classification.SERTA_MERTA,
        )
        edition = drive_to(
            open_edition(body, title="DIP 2027", year=2027, items=[urgent]),
            Stage.APPROVAL,
            officers,
        )
        # The atasan returns it to the PPID, who returns it to the operator for a fix.
        for role in ("atasan", "ppid"):
            edition = workflow_services.edition_transition(
                edition=edition, name="return", user=officers[role], note="Lokasi salah."
            )
        dip_services.item_update(
            item=urgent, user=officers["operator"], summary="Pengungsian pindah ke Aula Kantor."
        )
        drive_to(edition, Stage.APPROVAL, officers)
    summaries = list(Announcement.objects.order_by("announced_at", "pk").values_list("summary"))
    assert summaries == [(PERKI["summary"],), ("Pengungsian pindah ke Aula Kantor.",)]


# --- exemptions that end ---------------------------------------------------------------------


@pytest.fixture
def ended(seeded, django_capture_on_commit_callbacks):
    """Kubu Raya's memorandum, exempted until 31 Dec 2027, seen by the sweep on 1 Jan 2028."""
    body = Body.objects.get(slug=KUBU_RAYA)
    item = Item.objects.get(body=body, exemption_until=date(2027, 12, 31))
    berkala_due = Item.objects.filter(next_update_on__lte=date(2027, 12, 31))
    assert berkala_due.exists()  # the seed's berkala rows: the sweep has something to do
    with time_machine.travel(at(date(2027, 12, 31), hour=23), tick=False):
        # On its last day the exemption still holds: the sweep flags the seed's berkala rows
        # that fell due, and them only.
        assert sweep(django_capture_on_commit_callbacks) == berkala_due.count()
    item.refresh_from_db()
    assert item.exemption_ended_on is None
    assert not Item.objects.filter(exemption_ended_on__isnull=False).exists()
    assert not berkala_due.filter(needs_update_since=None).exists()
    with time_machine.travel(at(date(2028, 1, 1), hour=0), tick=False):
        # The next day it has ended: this row alone is flagged, once.
        assert sweep(django_capture_on_commit_callbacks) == 1
        assert sweep(django_capture_on_commit_callbacks) == 0
    item.refresh_from_db()
    return body, officers_of(body), item


def test_an_ended_exemption_is_flagged_once_to_the_ppid_and_the_tim_and_listed(ended):
    _body, officers, item = ended
    assert item.exemption_ended_on == date(2028, 1, 1)
    assert notices(f"exemption:{item.pk}:") == {"ppid": 1, "tim": 1}
    notice = Notice.objects.get(recipient=officers["tim"], key=f"exemption:{item.pk}:2027-12-31")
    assert notice.kind == NoticeKind.EXEMPTION_ENDED
    assert "31 Desember 2027" in notice.message
    assert audits("item.exemption_ended", item) == 1
    for role in ("atasan", "tim"):
        listed = text(
            officer_client(officers[role]).get("/dasbor/" if role == "atasan" else "/tugas/")
        )
        table = listed.split('id="exemption-ended"', 1)[1].split("</table>", 1)[0]
        assert item.title in table, role
        assert (f"/informasi/{item.pk}/buka-kembali/" in table) == (role == "tim"), role
    page = text(officer_client(officers["ppid"]).get(f"/informasi/{item.pk}/"))
    assert "Masa pengecualian telah berakhir" in page
    assert f"/informasi/{item.pk}/uji-ulang/" in page


def test_reopen_refuses_bad_input_and_other_roles_and_stores_nothing(ended):
    _body, officers, item = ended
    url = f"/informasi/{item.pk}/buka-kembali/"
    client = officer_client(officers["ppid"])
    page = text(client.get(url))
    assert "Buka kembali sebagai informasi publik" in page and item.title in page
    bad = {
        "classification": ("", "dikecualikan"),
        "update_period_months": ("berkala",),
    }
    for field, values in bad.items():
        for value in values:
            data = {"classification": value, "expected": "2028-01-01"}
            response = client.post(url, data)
            assert response.status_code == 200, value
            assert f'id="id_{field}_error"' in text(response), value
    assert (
        officer_client(officers["operator"])
        .post(url, {"classification": "setiap_saat", "expected": "2028-01-01"})
        .status_code
        == 403
    )
    item.refresh_from_db()
    assert item.classification == Classification.DIKECUALIKAN
    assert item.exemption_ended_on == date(2028, 1, 1) and item.consequence_if_opened
    assert not Announcement.objects.exists()
    assert audits("item.reopen", item) == 0


def give_route(body: Body, kind: str, source_slug: str) -> None:
    """Give the body the route another seed body's SOP has (hlists' default routes do it in
    the app; here the test sets it up)."""
    source = Sop.objects.get(body__slug=source_slug, applies_to=kind, is_active=True)
    steps = list(source.steps.order_by("number"))
    source.pk = None
    source.body = body
    source.number = f"{source.number}-{body.pk}"
    source.save()
    for step in steps:
        step.pk = None
        step.sop = source
        step.save()


def sign_dik(body: Body, officers, *, year: int, capture, refuse=()) -> Edition:
    """A DIK of the body carrying its waiting classification changes, signed by the atasan;
    the tim refuses the changes of the items in `refuse` and agrees to the others."""
    dik = workflow_services.edition_open(
        body=body,
        kind=EditionKind.DIK,
        year=year,
        title=f"DIK {year}",
        user=officers["operator"],
        revise=True,  # a second DIK of the year is a revision, opened on purpose
    )
    dik = drive_to(dik, Stage.CONSIDERATION, officers)
    for change in dik.classification_changes.filter(item__in=refuse):
        dip_services.classification.classification_change_decide(
            change=change, user=officers["tim"], agree=False, note="Belum saatnya dibuka."
        )
    with capture(execute=True):
        return drive_to(dik, Stage.PUBLICATION, officers)


def test_reopening_goes_to_the_tim_and_is_public_and_announced_once_signed(
    ended, django_capture_on_commit_callbacks
):
    body, officers, item = ended
    url = f"/informasi/{item.pk}/buka-kembali/"
    with time_machine.travel(at(date(2028, 1, 3), hour=8), tick=False):
        client = officer_client(officers["tim"])
        data = {
            "classification": "setiap_saat",
            "note": "Kebijakan sudah ditetapkan.",
            "expected": "2028-01-01",
        }
        assert client.post(url, data).status_code == 302
        item.refresh_from_db()
        # Not yet public: the opening waits for the tim's decision and the atasan's signature.
        assert item.classification == Classification.DIKECUALIKAN
        change = ClassificationChange.objects.get(item=item)
        assert (change.state, change.to_classification, change.reason) == (
            ChangeState.PENDING,
            Classification.SETIAP_SAAT,
            "Kebijakan sudah ditetapkan.",
        )
        assert not Announcement.objects.exists()
        entry = AuditEntry.objects.get(action="item.reopen", target_id=str(item.pk))
        assert entry.actor == officers["tim"] and entry.data["change"] == change.pk
        before = generation()
        sign_dik(body, officers, year=2028, capture=django_capture_on_commit_callbacks)
        assert generation() > before
    item.refresh_from_db()
    assert item.classification == Classification.SETIAP_SAAT
    assert not item.consequence_if_opened and item.exemption_until is None
    assert item.exemption_ended_on is None
    # Kubu Raya has no DIP edition being assembled: the item waits for the next one.
    assert item.reopened_awaiting_dip

    announcement = Announcement.objects.get()
    assert announcement.kind == AnnouncementKind.REOPENED and announcement.edition is None
    for url in ("/pengumuman/", f"/badan-publik/{body.slug}/"):
        page = text(public_client().get(url))
        assert item.title in page and "Informasi yang dibuka untuk publik" in page, url
        assert "Pasal 17" not in page.split('id="pengumuman', 1)[1].split("</li>", 1)[0], url


def test_a_reopened_item_joins_the_dip_being_assembled_or_the_next_one_opened(
    seeded, django_capture_on_commit_callbacks
):
    body = Body.objects.get(slug=DINSOS)
    give_route(body, EditionKind.DIK, KUBU_RAYA)
    OfficerFactory(body=body, roles=[Role.TIM], username=f"{body.slug}.tim")
    officers = officers_of(body)
    with time_machine.travel(at(date(2027, 1, 10)), tick=False):
        closed = [
            make_item(
                body,
                officers["operator"],
                title=f"Memo pembahasan {n}",
                classification=Classification.DIKECUALIKAN,
                exemption_ground="i",
                consequence_if_opened="Mengganggu pembahasan.",
                consequence_if_closed="Publik menunggu.",
                public_interest="Kebijakan belum final.",
                exemption_until=date(2027, 3, 31),
            )
            for n in (1, 2)
        ]
        assembling = workflow_services.edition_open(
            body=body, kind=EditionKind.DIP, year=2027, title="DIP 2027", user=officers["operator"]
        )
    with time_machine.travel(at(date(2027, 4, 1)), tick=False):
        sweep(django_capture_on_commit_callbacks)
        rowflags.item_reopen(
            item=closed[0],
            user=officers["ppid"],
            classification=Classification.BERKALA,
            update_period_months=6,
            expected="2027-04-01",
        )
        # The sweep put both into the re-opening path; the tim opens the first only.
        sign_dik(
            body,
            officers,
            year=2027,
            capture=django_capture_on_commit_callbacks,
            refuse=[closed[1]],
        )
        assert list(
            EditionItem.objects.filter(edition=assembling).values_list("item_id", flat=True)
        ) == [closed[0].pk]
        closed[0].refresh_from_db()
        assert closed[0].last_updated_on == date(2027, 4, 1)
        assert closed[0].next_update_on == date(2027, 10, 1)

        drive_to(assembling, Stage.VERIFICATION, officers)  # in review: no longer assembled
        rowflags.item_reopen(
            item=closed[1], user=officers["ppid"], classification=Classification.SETIAP_SAAT
        )
        sign_dik(body, officers, year=2027, capture=django_capture_on_commit_callbacks)
        closed[1].refresh_from_db()
        assert closed[1].reopened_awaiting_dip
        following = workflow_services.edition_open(
            body=body,
            kind=EditionKind.DIP,
            year=2027,
            title="DIP 2027 perubahan",
            user=officers["operator"],
            revise=True,
        )
    assert list(
        EditionItem.objects.filter(edition=following).values_list("item_id", flat=True)
    ) == [closed[1].pk]
    closed[1].refresh_from_db()
    assert not closed[1].reopened_awaiting_dip
    assert Announcement.objects.filter(kind=AnnouncementKind.REOPENED).count() == 2


def test_testing_again_sets_a_new_period_and_refuses_bad_input(
    ended, django_capture_on_commit_callbacks
):
    _body, officers, item = ended
    url = f"/informasi/{item.pk}/uji-ulang/"
    with time_machine.travel(at(date(2028, 1, 3)), tick=False):
        client = officer_client(officers["ppid"])
        cases = [
            (
                {"exemption_until": "2028-01-03", "note": "Uji ulang"},
                "exemption_until",
                "harus berakhir setelah hari ini",
            ),
            ({"exemption_until": "", "note": "Uji ulang"}, "exemption_until", "tetap dikecualikan"),
            (
                {"exemption_until": "2028-12-31", "note": "  "},
                "note",
                "Tuliskan hasil uji konsekuensi",
            ),
        ]
        for data, field, error in cases:
            response = client.post(url, {**data, "expected": "2028-01-01"})
            assert response.status_code == 200
            message = text(response).split(f'id="id_{field}_error"', 1)[1].split("</p>", 1)[0]
            assert error in message, data
        item.refresh_from_db()
        assert item.exemption_until == date(2027, 12, 31) and item.exemption_ended_on
        assert audits("item.exemption_retest", item) == 0

        data = {
            "exemption_until": "2028-12-31",
            "note": "Rancangan belum final.",
            "expected": "2028-01-01",
        }
        assert client.post(url, data).status_code == 302
        item.refresh_from_db()
        assert item.exemption_until == date(2028, 12, 31) and item.exemption_ended_on is None
        assert item.classification == Classification.DIKECUALIKAN
        entry = AuditEntry.objects.get(action="item.exemption_retest", target_id=str(item.pk))
        assert entry.data == {
            "exemption_until_before": "2027-12-31",
            "exemption_until": "2028-12-31",
            "note": "Rancangan belum final.",
        }
        assert sweep(django_capture_on_commit_callbacks) == 0
    assert not Announcement.objects.exists()
    # The new period ends too: flagged and told again under the new date.
    with time_machine.travel(at(date(2029, 1, 1)), tick=False):
        assert sweep(django_capture_on_commit_callbacks) == 1
    assert notices(f"exemption:{item.pk}:2028-12-31") == {"ppid": 1, "tim": 1}


# --- the beat schedule -----------------------------------------------------------------------


def test_the_daily_sweep_is_in_the_beat_schedule_with_an_expiry():
    entry = settings.CELERY_BEAT_SCHEDULE["flag-rows-daily"]
    assert entry["task"] == sweep_row_flags.name
    assert entry["task"] in celery_app.tasks
    assert 0 < entry["options"]["expires"] < 24 * 3600


@pytest.mark.postgres
def test_the_sweeps_selections_can_use_their_partial_indexes(seeded):
    """The daily selections read the partial indexes (the planner is told to avoid a sequential
    scan, as it would on a large register): their cost follows the due rows, not the register."""
    from django.db import connection

    from dip.selectors import items_exemption_ended, items_update_due

    today = date(2027, 4, 5)
    plans = {}
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for name, selection in (
            ("item_update_due", items_update_due),
            ("item_exemption_due", items_exemption_ended),
        ):
            with CaptureQueriesContext(connection) as captured:
                selection(today)
            (query,) = [q["sql"] for q in captured.captured_queries]
            cursor.execute(f"EXPLAIN {query}")
            plans[name] = "\n".join(row[0] for row in cursor.fetchall())
    for index, plan in plans.items():
        assert index in plan, plan


def test_an_overlong_outcome_note_is_refused_and_the_item_stays_as_it_was(
    seeded, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError

    from ppid.fields import NOTE_MAX_LENGTH

    body = Body.objects.get(slug=DINSOS)
    officers = officers_of(body)
    with time_machine.travel(at(date(2027, 1, 10)), tick=False):
        item = make_item(
            body,
            officers["operator"],
            title="Memo yang diuji ulang",
            classification=Classification.DIKECUALIKAN,
            exemption_ground="i",
            consequence_if_opened="Mengganggu pembahasan.",
            consequence_if_closed="Publik menunggu.",
            public_interest="Kebijakan belum final.",
            exemption_until=date(2027, 3, 31),
        )
    with time_machine.travel(at(date(2027, 4, 1)), tick=False):
        sweep(django_capture_on_commit_callbacks)
        before = AuditEntry.objects.count()
        with pytest.raises(ValidationError) as refused:
            rowflags.item_exemption_retest(
                item=item,
                user=officers["ppid"],
                exemption_until=date(2028, 3, 31),
                note="a" * (NOTE_MAX_LENGTH + 1),
            )
    assert "note" in refused.value.message_dict
    item.refresh_from_db()
    assert item.exemption_until == date(2027, 3, 31) and item.exemption_ended_on is not None
    assert AuditEntry.objects.count() == before


def test_an_eastern_body_marks_an_update_made_on_its_own_today(berkala):
    """23:30 WIB on 7 April (the server's clock) is 01:30 on 8 April in Jayapura (WIT): the
    page offers 8 April, which is stored; 9 April is refused next to the field, nothing
    stored."""
    body, officers, item, _edition = berkala
    Body.objects.filter(pk=body.pk).update(time_zone="Asia/Jayapura")
    url = f"/informasi/{item.pk}/sudah-diperbarui/"
    with time_machine.travel(at(date(2027, 4, 7), hour=23).replace(minute=30), tick=False):
        client = officer_client(officers["operator"])
        assert 'name="updated_on" value="2027-04-08"' in text(client.get(url))
        response = client.post(url, {"updated_on": "2027-04-09", "expected": "2027-04-05"})
        assert response.status_code == 200
        field = text(response).split('id="id_updated_on_error"', 1)[1].split("</p>", 1)[0]
        assert "Tanggal pembaruan tidak boleh di masa depan." in field
        item.refresh_from_db()
        assert item.last_updated_on is None and audits("item.mark_updated", item) == 0

        good = {"updated_on": "2027-04-08", "expected": "2027-04-05"}
        assert client.post(url, good).status_code == 302
    item.refresh_from_db()
    assert item.last_updated_on == date(2027, 4, 8) and audits("item.mark_updated", item) == 1
