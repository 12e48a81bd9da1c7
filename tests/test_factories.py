"""The factories make what they say, through the services (so a factory that drifts from the
rules fails here, not somewhere in a test that trusts it)."""

from __future__ import annotations

import pytest

from dip.models import Classification, Stage
from ppid.models import Role
from ppid.permissions import user_roles
from tests.conftest import DEMO_PASSWORD
from tests.factories import (
    KALBAR,
    BodyFactory,
    EditionFactory,
    ItemFactory,
    OfficerFactory,
    UnitFactory,
)
from workflow.models import AuditEntry, Step

pytestmark = pytest.mark.django_db


def test_a_body_with_a_unit_and_an_officer_holding_roles():
    parent = BodyFactory(name="PPID Utama Uji")
    body = BodyFactory(parent=parent)
    unit = UnitFactory(body=body)
    officer = OfficerFactory(body=body, roles=[Role.OPERATOR, Role.PPID])

    assert body.parent == parent and list(body.units.all()) == [unit]
    assert set(user_roles(officer, body)) == {Role.OPERATOR, Role.PPID}
    assert officer.check_password(DEMO_PASSWORD)
    assert officer.officer.position == ""
    assert AuditEntry.objects.filter(action="role.grant", target_id=str(officer.pk)).count() == 2


def test_an_item_is_complete_and_audited_as_its_operator(seeded):
    item = ItemFactory(body=KALBAR, classification=Classification.SERTA_MERTA)
    draft = ItemFactory(body=KALBAR, draft=True)

    assert item.missing_fields() == []
    assert item.body.slug == KALBAR and item.created_by.username == f"{KALBAR}.operator"
    assert AuditEntry.objects.get(action="item.create", target_id=str(item.pk)).actor == (
        item.created_by
    )
    assert "summary" in draft.missing_fields()


def test_an_edition_reaches_its_stage_along_the_sop(seeded):
    edition = EditionFactory(body=KALBAR, stage=Stage.VERIFICATION)

    assert edition.state == Stage.VERIFICATION
    assert edition.entries.count() == edition.body.items.count() > 0
    assert [
        (s.stage, s.finished_at is None)
        for s in Step.objects.filter(edition=edition).order_by("pk")
    ] == [
        (Stage.COLLECTION, False),
        (Stage.VERIFICATION, True),
    ]
