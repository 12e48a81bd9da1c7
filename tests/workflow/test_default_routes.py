"""Issue 12 rule 5: both lists for every body. A body whose own SOP covers only one list follows
the default route its PPID Utama sets for the other; its own SOP always wins; the SOP page says
which route is the default and who set it."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model

from dip.models import Edition, Stage
from ppid import twofactor
from ppid.models import Body
from tests.factories import ItemFactory
from tests.helpers import drive_to, officers_of, open_edition
from workflow import services
from workflow.models import AuditEntry, Sop

pytestmark = pytest.mark.django_db

User = get_user_model()
UTAMA = "ppid-utama-kalbar"
DINSOS = "dinsos-p3a-kapuas-hulu"  # own SOP: DIP (000)
KALBAR = "disdukcapil-kalbar"  # own SOP: DIP (002)
KUBU = "disdukcapil-kubu-raya"  # own SOP: DIK (004)
BODIES = [DINSOS, KALBAR, KUBU]


def text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("slug", BODIES)
@pytest.mark.parametrize("kind", ["dip", "dik"])
def test_every_demo_body_opens_both_lists_on_the_page(seeded, login, slug, kind):
    client = login(f"{slug}.operator")
    response = client.post(
        f"/badan/{slug}/edisi/", {"kind": kind, "year": 2026, "title": f"{kind.upper()} Uji"}
    )
    assert response.status_code == 302, text(response)
    edition = Edition.objects.get(body__slug=slug, kind=kind, title=f"{kind.upper()} Uji")
    assert response["Location"] == f"/edisi/{edition.pk}/"
    own = Sop.objects.filter(body__slug=slug, is_active=True).get()
    if own.applies_to == kind:
        assert edition.route["sop"]["id"] == own.pk
        assert "default_route_of" not in edition.route["sop"]
    else:
        assert edition.route["sop"]["default_route_of"]["slug"] == UTAMA
        expected = ["collection", "verification"]
        expected += ["consideration"] if kind == "dik" else []
        expected += ["approval", "publication"]
        assert [s["stage"] for s in edition.stages] == expected
        assert [s["lane_role"] for s in edition.stages][:2] == ["operator", "ppid"]
    assert "Rute bawaan" in text(client.get(f"/edisi/{edition.pk}/")) or own.applies_to == kind


@pytest.mark.parametrize("slug", BODIES)
@pytest.mark.parametrize("kind", ["dip", "dik"])
def test_every_demo_body_opens_both_lists_by_the_api(seeded, api, slug, kind):
    response = api(f"{slug}.operator").post(
        "/api/editions/",
        {"body": slug, "kind": kind, "year": 2026, "title": f"{kind.upper()} API"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == kind
    assert response.json()["actor_role"] in ("operator",)


def test_a_default_dik_route_runs_to_publication_through_the_tim(seeded):
    """Dinas Sosial's own SOP covers the DIP only; its DIK goes operator → PPID → tim → atasan
    on the PPID Utama's route, and the atasan's signature sets it."""
    body = Body.objects.get(slug=DINSOS)
    officers = officers_of(body)
    item = ItemFactory(
        body=body,
        title="Data pribadi penerima bantuan sosial",
        classification="dikecualikan",
        exemption_ground="h",
        consequence_if_opened="Rahasia pribadi penerima terungkap.",
        consequence_if_closed="Data penerima terlindungi.",
        public_interest="Perlindungan data pribadi lebih besar manfaatnya.",
        exemption_permanent=True,
    )
    edition = open_edition(body, title="DIK Dinsos", kind="dik", officers=officers)
    assert list(edition.entries.values_list("item", flat=True)) == [item.pk]
    edition = drive_to(edition, Stage.CONSIDERATION, officers)
    assert edition.actor_role == "tim"
    edition = drive_to(edition, Stage.PUBLISHED, officers)
    assert edition.signed_by == officers["atasan"]
    assert edition.decree_number == f"188.4/{edition.pk}/PPID/2026"


def test_disdukcapil_kalbar_dik_is_signed_by_its_own_atasan(seeded):
    """Disdukcapil Kalbar (SOP 002: a DIP whose final approval is the PPID's) opens its DIK on
    the province's default route, and its own tim and atasan (demo accounts) take it to signed
    and published."""
    body = Body.objects.get(slug=KALBAR)
    officers = officers_of(body)
    assert {"tim", "atasan"} <= set(officers)
    # Its register holds no exempted item yet (as Dinas Sosial's): the operator records one.
    exempted = [
        ItemFactory(
            body=body,
            title="Data pribadi penduduk dalam basis data kependudukan provinsi",
            classification="dikecualikan",
            exemption_ground="h",
            consequence_if_opened="Rahasia pribadi penduduk terungkap.",
            consequence_if_closed="Data pribadi penduduk terlindungi.",
            public_interest="Perlindungan data pribadi lebih besar manfaatnya.",
            exemption_permanent=True,
        )
    ]
    edition = open_edition(body, title="DIK Disdukcapil Kalbar", kind="dik", officers=officers)
    assert edition.route["sop"]["default_route_of"]["slug"] == UTAMA
    assert list(edition.entries.values_list("item", flat=True)) == [i.pk for i in exempted]
    edition = drive_to(edition, Stage.CONSIDERATION, officers)
    assert edition.actor_role == "tim"
    edition = drive_to(edition, Stage.APPROVAL, officers)
    assert edition.actor_role == "atasan"
    edition = drive_to(edition, Stage.PUBLISHED, officers)
    assert edition.signed_by == officers["atasan"]
    assert edition.signed_by.username == f"{KALBAR}.atasan"
    assert edition.published_at is not None and edition.rows.count() == len(exempted)
    signers = set(
        AuditEntry.objects.filter(edition=edition, transition="sign").values_list(
            "actor__username", flat=True
        )
    )
    assert signers == {f"{KALBAR}.atasan"}


def test_the_bodys_own_sop_wins_over_the_default(seeded):
    kubu = Body.objects.get(slug=KUBU)
    own = Sop.objects.get(body=kubu, is_active=True)
    assert services.active_sop(kubu, "dik") == own
    default_dip = services.active_sop(kubu, "dip")
    assert default_dip.is_default_route and default_dip.body.slug == UTAMA
    # Kubu Raya writes its own DIP SOP: from now on it is the DIP route, not the default.
    own_dip = Sop.objects.create(
        body=kubu,
        applies_to="dip",
        number="000.8.3/200/Dukcapil-Sekre",
        name="Pendokumentasian Informasi Publik",
        lanes=[{"role": "operator", "label": "Operator"}],
    )
    own_dip.steps.create(
        number=1,
        activity="Mengumpulkan",
        role="operator",
        lane="Operator",
        stage="collection",
        time_amount=1,
        time_unit="hari_kerja",
    )
    own_dip.steps.create(
        number=2,
        activity="Mengunggah",
        role="operator",
        lane="Operator",
        stage="publication",
        time_amount=1,
        time_unit="jam",
    )
    assert services.active_sop(kubu, "dip") == own_dip
    edition = services.edition_open(
        body=kubu, kind="dip", year=2026, title="DIP own", user=officers_of(kubu)["operator"]
    )
    assert edition.route["sop"]["id"] == own_dip.pk


def test_the_nearest_ppid_utama_above_sets_the_route(seeded):
    """A kabupaten PPID Utama between the province and the body: its own default wins over the
    province's; without one the province's applies."""
    utama = Body.objects.get(slug=UTAMA)
    kabupaten = Body.objects.create(slug="ppid-utama-kubu-raya", name="PPID Utama Kubu Raya")
    kabupaten.parent = utama
    kabupaten.save()
    kubu = Body.objects.get(slug=KUBU)
    kubu.parent = kabupaten
    kubu.save()
    assert services.active_sop(kubu, "dip").body == utama
    admin = User.objects.get(username="admin")
    own = services.default_route_set(body=kabupaten, kind="dip", user=admin)
    assert services.active_sop(kubu, "dip") == own
    # The kabupaten's own default applies to the kabupaten body itself too.
    assert services.active_sop(kabupaten, "dip") == own


def test_without_any_route_the_list_cannot_be_opened(seeded, login, api):
    utama_user = User.objects.get(username="ppid-utama")
    utama = Body.objects.get(slug=UTAMA)
    services.default_route_withdraw(body=utama, kind="dik", user=utama_user)
    client = login(f"{KALBAR}.operator")
    before = Edition.objects.count()
    response = client.post(f"/badan/{KALBAR}/edisi/", {"kind": "dik", "year": 2026, "title": "X"})
    assert response.status_code == 200
    assert "belum memiliki SOP yang berlaku untuk DIK" in text(response)
    refused = api(f"{KALBAR}.operator").post(
        "/api/editions/", {"body": KALBAR, "kind": "dik", "year": 2026}, format="json"
    )
    assert refused.status_code == 400 and "kind" in refused.json()
    assert Edition.objects.count() == before


def test_sop_page_shows_both_routes_with_the_default_labelled(seeded, login):
    page = text(login(f"{KUBU}.operator").get(f"/badan/{KUBU}/sop/"))
    # Its own DIK SOP (seed 004), word for word, and the DIP from the PPID Utama's route.
    assert "000.8.3/122/Dukcapil-Sekre" in page
    assert "Memeriksa dan menandatangani draft dokumen" in page
    assert "Rute bawaan yang ditetapkan PPID Utama Pemerintah Provinsi Kalimantan Barat" in page
    assert "PPID Utama PPID Utama" not in page
    assert "RUTE-BAWAAN/DIP" in page
    assert "RUTE-BAWAAN/DIK" not in page
    # The body's officer cannot set or withdraw anything.
    assert "/rute-bawaan/" not in page


def test_ppid_utama_sets_and_withdraws_a_default_route(seeded, login):
    client = login("ppid-utama")
    page = text(client.get(f"/badan/{UTAMA}/sop/"))
    assert "Rute bawaan untuk badan publik di bawahnya" in page
    assert f"/badan/{UTAMA}/sop/rute-bawaan/dik/tarik/" in page
    withdrawn = client.post(f"/badan/{UTAMA}/sop/rute-bawaan/dik/tarik/", follow=True)
    assert "ditarik" in text(withdrawn)
    assert services.active_sop(Body.objects.get(slug=KALBAR), "dik") is None
    assert AuditEntry.objects.filter(action="sop.default_route_withdraw").count() == 1
    set_again = client.post(f"/badan/{UTAMA}/sop/rute-bawaan/dik/tetapkan/", follow=True)
    assert "ditetapkan" in text(set_again)
    sop = services.active_sop(Body.objects.get(slug=KALBAR), "dik")
    assert sop.is_default_route and sop.number == "RUTE-BAWAAN/DIK/2"
    assert AuditEntry.objects.filter(action="sop.default_route_set", target_id=str(sop.pk))
    # Set twice: refused, nothing stored.
    count = Sop.objects.count()
    again = client.post(f"/badan/{UTAMA}/sop/rute-bawaan/dik/tetapkan/", follow=True)
    assert "sudah berlaku" in text(again)
    assert Sop.objects.count() == count


@pytest.mark.parametrize("username", [f"{KUBU}.ppid", f"{KUBU}.atasan", f"{KALBAR}.ppid"])
def test_only_the_ppid_utama_sets_default_routes(seeded, login, username):
    count = Sop.objects.count()
    client = login(username)
    response = client.post(f"/badan/{UTAMA}/sop/rute-bawaan/dip/tarik/")
    assert response.status_code == 404  # not even the body's page is theirs
    response = client.post(f"/badan/{KUBU}/sop/rute-bawaan/dip/tetapkan/")
    assert response.status_code in (403, 404)
    assert Sop.objects.count() == count
    assert Sop.objects.filter(is_default_route=True, is_active=True).count() == 2


def test_signers_of_a_default_route_need_a_second_factor(seeded, settings):
    """A default route whose final approval is the PPID's verify (like SOP 002) makes the PPIDs
    of the bodies below signers: the second factor is asked of them."""
    settings.PPID_REQUIRE_2FA = True
    ppid = User.objects.get(username=f"{KUBU}.ppid")  # SOP 004: the atasan signs, not the PPID
    assert not twofactor.second_factor_required(User.objects.get(pk=ppid.pk))
    utama = Body.objects.get(slug=UTAMA)
    Sop.objects.filter(body=utama, applies_to="dip").update(is_active=False)
    route = Sop.objects.create(
        body=utama,
        applies_to="dip",
        number="RUTE-BAWAAN/DIP/SINGKAT",
        name="Rute bawaan singkat",
        is_default_route=True,
    )
    for number, stage, role in (
        (1, "collection", "operator"),
        (2, "verification", "ppid"),
        (3, "publication", "operator"),
    ):
        route.steps.create(
            number=number,
            activity="Langkah",
            role=role,
            lane=role,
            stage=stage,
            time_amount=1,
            time_unit="hari_kerja",
        )
    assert twofactor.second_factor_required(User.objects.get(pk=ppid.pk))


def test_a_default_route_is_made_on_its_bodys_today(seeded):
    """23:30 WIB on 31 December 2026 (the server's clock) is 01:30 on 1 January 2027 in
    Jayapura (WIT): a route set there then is made and in force from 1 January 2027."""
    utama_user = User.objects.get(username="ppid-utama")
    utama = Body.objects.get(slug=UTAMA)
    services.default_route_withdraw(body=utama, kind="dik", user=utama_user)
    Body.objects.filter(pk=utama.pk).update(time_zone="Asia/Jayapura")
    utama.refresh_from_db()
    with time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=ZoneInfo("Asia/Pontianak"))):
        sop = services.default_route_set(body=utama, kind="dik", user=utama_user)
    sop.refresh_from_db()
    assert (sop.made_on, sop.effective_on) == (date(2027, 1, 1), date(2027, 1, 1))
