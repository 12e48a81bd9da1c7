"""Test data, made with factory-boy and written through the services (full_clean, audit), the
way an officer's data comes to be.

Bodies, units and officers stand alone. Items and editions default to a seed body, where an
operator and an SOP exist (the `seeded` fixture): `ItemFactory(body=KALBAR)` is a complete
public row of Disdukcapil Kalbar; `EditionFactory(body=KALBAR, stage=Stage.VERIFICATION)`
is a new edition of its whole register, moved along the SOP by the officers it names.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import factory
from django.contrib.auth import get_user_model

from dip import services as dip_services
from dip.models import Classification, Edition, Item, Stage
from ppid import services as ppid_services
from ppid.models import Body, Unit
from tests.conftest import DEMO_PASSWORD
from tests.helpers import drive_to, officers_of, open_edition

User = get_user_model()
KALBAR = "disdukcapil-kalbar"


def body_of(value: Body | str) -> Body:
    return value if isinstance(value, Body) else Body.objects.get(slug=value)


class BodyFactory(factory.Factory):
    """A public body (`parent`: the body above it, e.g. a PPID Utama)."""

    class Meta:
        model = Body

    slug = factory.Sequence(lambda n: f"badan-uji-{n}")
    name = factory.LazyAttribute(lambda o: f"Badan Uji {o.slug.rsplit('-', 1)[-1]}")
    short_name = ""
    address = ""
    parent = None

    @classmethod
    def _create(cls, model_class, **fields: Any) -> Body:
        return ppid_services.body_create(**fields)


class UnitFactory(factory.Factory):
    class Meta:
        model = Unit

    body = factory.SubFactory(BodyFactory)
    name = factory.Sequence(lambda n: f"Bidang Uji {n}")

    @classmethod
    def _create(cls, model_class, **fields: Any) -> Unit:
        return ppid_services.unit_create(**fields)


class OfficerFactory(factory.Factory):
    """An officer's account (password DEMO_PASSWORD) holding `roles` in `body`:
    `OfficerFactory(body=kalbar, roles=[Role.PPID])`."""

    class Meta:
        model = User

    body = None
    roles = ()
    username = factory.Sequence(lambda n: f"petugas-uji-{n}")
    password = DEMO_PASSWORD
    first_name = "Petugas"
    last_name = factory.Sequence(lambda n: f"Uji {n}")

    @classmethod
    def _create(cls, model_class, *, body=None, roles=(), **fields: Any):
        user = ppid_services.officer_upsert(**fields)
        for role in roles:
            ppid_services.role_grant(user=user, body=body_of(body), role=role)
        return user


class ItemFactory(factory.Factory):
    """A row of a body's register with every field its edition's document needs, written by
    the body's operator (`user` to write it as someone else). `draft=True`: a title and a
    classification only, the rest still empty."""

    class Meta:
        model = Item

    class Params:
        draft = factory.Trait(
            summary="",
            holding_unit="",
            responsible="",
            produced_at=None,
            produced_place="",
            form="",
            retention="",
        )

    body = KALBAR
    user = None
    title = factory.Sequence(lambda n: f"Informasi uji {n}")
    summary = "Ringkasan informasi uji."
    classification = Classification.SETIAP_SAAT
    holding_unit = "Sekretariat"
    responsible = "Sekretaris"
    produced_at = date(2026, 1, 5)
    produced_place = "Pontianak"
    form = "softcopy"
    retention = "5 tahun"

    @classmethod
    def _create(cls, model_class, *, body=KALBAR, user=None, **fields: Any) -> Item:
        body = body_of(body)
        user = user or officers_of(body)["operator"]
        return dip_services.item_create(body=body, user=user, **fields)


class EditionFactory(factory.Factory):
    """A new edition of a body's SOP holding `items` (default: the whole register), moved by the
    SOP's actors to `stage` (`published` runs the system's publication)."""

    class Meta:
        model = Edition

    body = KALBAR
    stage = Stage.COLLECTION
    items = None
    title = factory.Sequence(lambda n: f"Edisi uji {n}")
    year = 2026

    @classmethod
    def _create(
        cls, model_class, *, body=KALBAR, stage=Stage.COLLECTION, items=None, **fields: Any
    ) -> Edition:
        body = body_of(body)
        officers = officers_of(body)
        edition = open_edition(body, items=items, officers=officers, **fields)
        return drive_to(edition, stage, officers)
