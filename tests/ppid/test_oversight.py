"""Who oversees whom, one rule (`ppid.oversight`): a PPID Utama oversees its own body and the
bodies directly under it. Roles, selectors and escalation agree on it on the demo's three levels
(province → kabupaten PPID Utama → OPD): the kabupaten's PPID Utama oversees its OPDs, the
province's reaches the kabupaten bodies and its own OPDs but not the kabupaten OPDs two levels
down, and is therefore never told of a late step there)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from ppid import services as ppid_services
from ppid.models import Body, Role
from ppid.oversight import bodies_reached, users_overseeing
from ppid.permissions import forget_roles, has_role
from ppid.selectors import bodies_for_user, bodies_overseen_by
from tests.helpers import edition_at, utama_of
from workflow.models import Step
from workflow.services.clock import escalation_recipients

pytestmark = pytest.mark.django_db

KAPUAS = "dinsos-p3a-kapuas-hulu"
KUBU = "disdukcapil-kubu-raya"
KALBAR = "disdukcapil-kalbar"
UTAMA_BODY = "ppid-utama-kalbar"
PEMKAB = {KAPUAS: "pemkab-kapuas-hulu", KUBU: "pemkab-kubu-raya"}


@pytest.fixture
def grandparent(seeded):
    """A body above the PPID Utama's body, with a PPID Utama of its own ("gp")."""
    top = ppid_services.body_create(slug="nasional", name="PPID Nasional (uji)")
    Body.objects.filter(slug=UTAMA_BODY).update(parent=top)
    gp = get_user_model().objects.create_user("gp", password="x")
    ppid_services.role_grant(user=gp, body=top, role=Role.PPID_UTAMA)
    return gp


def slugs(queryset) -> set[str]:
    return set(queryset.values_list("slug", flat=True))


def test_the_demo_has_three_levels(seeded):
    province = Body.objects.get(slug=UTAMA_BODY)
    assert province.parent is None
    for opd, pemkab in PEMKAB.items():
        assert Body.objects.get(slug=opd).parent.slug == pemkab
        assert Body.objects.get(slug=pemkab).parent == province
    assert Body.objects.get(slug=KALBAR).parent == province  # a province OPD: one level down


def test_the_provinces_ppid_utama_reaches_its_body_and_those_directly_under_it(seeded):
    utama = get_user_model().objects.get(username="ppid-utama")
    reached = slugs(bodies_reached(utama, [Role.PPID_UTAMA]))
    assert reached == {UTAMA_BODY, KALBAR, *PEMKAB.values()}
    assert reached == slugs(
        Body.objects.filter(slug=UTAMA_BODY) | Body.objects.filter(parent__slug=UTAMA_BODY)
    )
    assert slugs(bodies_for_user(utama)) == reached == slugs(bodies_overseen_by(utama))
    kalbar = Body.objects.get(slug=KALBAR)
    assert has_role(utama, kalbar, Role.PPID_UTAMA)
    assert list(users_overseeing(kalbar)) == [utama]
    for opd in PEMKAB:  # the kabupaten OPDs: two levels down, not reached
        assert not has_role(utama, Body.objects.get(slug=opd), Role.PPID_UTAMA)
        assert utama not in users_overseeing(Body.objects.get(slug=opd))


@pytest.mark.parametrize("opd", [KAPUAS, KUBU])
def test_a_kabupatens_ppid_utama_reaches_its_body_and_its_opds_only(seeded, opd):
    utama = get_user_model().objects.get(username=utama_of(opd))
    reached = slugs(bodies_reached(utama, [Role.PPID_UTAMA]))
    assert reached == {PEMKAB[opd], opd}
    assert slugs(bodies_for_user(utama)) == reached == slugs(bodies_overseen_by(utama))
    body = Body.objects.get(slug=opd)
    assert has_role(utama, body, Role.PPID_UTAMA)
    assert list(users_overseeing(body)) == [utama]
    assert not has_role(utama, Body.objects.get(slug=KALBAR), Role.PPID_UTAMA)


@pytest.mark.parametrize(
    ("username", "opd", "status"),
    [
        ("ppid-utama-kapuas-hulu", KAPUAS, 200),
        ("ppid-utama-kubu-raya", KUBU, 200),
        ("ppid-utama-kubu-raya", KAPUAS, 404),  # another kabupaten
        ("ppid-utama", KAPUAS, 404),  # two levels down
        ("ppid-utama", KUBU, 404),
        ("ppid-utama", KALBAR, 200),
    ],
)
def test_pages_follow_the_same_rule(seeded, client, username, opd, status):
    """What the rule reaches, the pages open: the edition, the body's people and the escalation
    link; what it does not reach is invisible (404)."""
    edition = edition_at(opd, "verification")
    client.force_login(get_user_model().objects.get(username=username))
    response = client.get(f"/edisi/{edition.pk}/")
    assert response.status_code == status
    assert client.get(f"/pengguna/badan/{opd}/").status_code == status
    if status == 404:  # the project's own page, in Indonesian (DEBUG off, as in production)
        page = response.content.decode()
        assert "<h1>Halaman tidak ditemukan</h1>" in page and '<html lang="id">' in page
        assert "Not Found" not in page


def test_a_grandparents_ppid_utama_reaches_only_one_level_down(grandparent):
    kapuas = Body.objects.get(slug=KAPUAS)
    assert KAPUAS not in slugs(bodies_reached(grandparent, [Role.PPID_UTAMA]))
    assert UTAMA_BODY in slugs(bodies_reached(grandparent, [Role.PPID_UTAMA]))
    assert not has_role(grandparent, kapuas, Role.PPID_UTAMA)
    assert grandparent not in users_overseeing(kapuas)


def test_escalation_tells_only_those_whose_role_reaches_the_body(grandparent):
    """The bug: escalation walked up to any ancestor with a PPID Utama, whose holder then got
    404 on the link. With the body's own PPID Utama gone, nobody two levels up is told."""
    edition = edition_at(KAPUAS, "collection")
    step = Step.objects.get(edition=edition, finished_at=None)
    utama = get_user_model().objects.get(username=utama_of(KAPUAS))  # the kabupaten's
    province = get_user_model().objects.get(username="ppid-utama")

    assert escalation_recipients(step, 2) == [utama]

    ppid_services.role_revoke(
        user=utama, body=Body.objects.get(slug=PEMKAB[KAPUAS]), role=Role.PPID_UTAMA
    )
    forget_roles(utama)
    recipients = escalation_recipients(step, 2)
    assert province not in recipients and grandparent not in recipients
    for user in recipients:  # whoever is told can open the edition
        assert has_role(user, edition.body, Role.PPID_UTAMA)
