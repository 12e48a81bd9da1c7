"""Who oversees whom, one rule (`ppid.oversight`): a PPID Utama oversees its own body and the
bodies directly under it. Roles, selectors and escalation agree on it, also when the chain is
longer than two (a grandparent's PPID Utama reaches nothing two levels down, and is therefore
never told of a late step there)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from ppid import services as ppid_services
from ppid.models import Body, Role
from ppid.oversight import bodies_reached, users_overseeing
from ppid.permissions import forget_roles, has_role
from ppid.selectors import bodies_for_user, bodies_overseen_by
from tests.helpers import edition_at
from workflow.models import Step
from workflow.services.clock import escalation_recipients

pytestmark = pytest.mark.django_db

KAPUAS = "dinsos-p3a-kapuas-hulu"
UTAMA_BODY = "ppid-utama-kalbar"


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


def test_the_ppid_utama_reaches_its_body_and_those_directly_under_it(seeded):
    utama = get_user_model().objects.get(username="ppid-utama")
    reached = slugs(bodies_reached(utama, [Role.PPID_UTAMA]))
    assert reached == slugs(
        Body.objects.filter(slug=UTAMA_BODY) | Body.objects.filter(parent__slug=UTAMA_BODY)
    )
    assert KAPUAS in reached
    assert slugs(bodies_for_user(utama)) == reached == slugs(bodies_overseen_by(utama))
    kapuas = Body.objects.get(slug=KAPUAS)
    assert has_role(utama, kapuas, Role.PPID_UTAMA)
    assert list(users_overseeing(kapuas)) == [utama]


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
    utama = get_user_model().objects.get(username="ppid-utama")

    assert escalation_recipients(step, 2) == [utama]

    ppid_services.role_revoke(
        user=utama, body=Body.objects.get(slug=UTAMA_BODY), role=Role.PPID_UTAMA
    )
    forget_roles(utama)
    recipients = escalation_recipients(step, 2)
    assert grandparent not in recipients
    for user in recipients:  # whoever is told can open the edition
        assert has_role(user, edition.body, Role.PPID_UTAMA)
