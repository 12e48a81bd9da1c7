"""The berita acara uji konsekuensi of an edition, as officers read it (the public reads its
signed PDF through `dip.selectors.public`)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from dip.models import ConsiderationRecord, Edition, RecordDocument, Stage
from ppid.models import Role
from ppid.selectors import users_with_roles


def record_member_role(edition: Edition) -> str:
    """The role whose holders sit in the tim: the role the route names for the consideration."""
    stage = edition.route_stage(Stage.CONSIDERATION)
    return stage["role"] if stage else Role.TIM


def record_member_candidates(edition: Edition) -> QuerySet[AbstractBaseUser]:
    """Who may be named present: the active holders of the tim role on the edition's body."""
    return (
        users_with_roles(edition.body, [record_member_role(edition)])
        .select_related("officer")
        .order_by("first_name", "last_name", "username")
    )


def consideration_record_of(edition: Edition) -> ConsiderationRecord | None:
    return ConsiderationRecord.objects.filter(edition=edition).first()


def record_document_of(edition: Edition) -> RecordDocument | None:
    return RecordDocument.objects.filter(edition=edition).first()
