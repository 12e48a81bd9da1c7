"""`manage.py seed_scale` (issue 15): the province-scale data set, built here at a tiny size."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connections, transaction

from dip.models import Classification, Edition, EditionItem, EditionRow, Item, Stage
from ppid.models import Body, BodyUserObjectPermission
from workflow import scale_data
from workflow.models import AuditEntry, Notice, Step

User = get_user_model()

TINY = {
    "kabupaten": 2,
    "bodies": 9,
    "items": 900,
    "editions": 24,
    "in_flight": 10,
    "audit": 4000,
    "steps": 120,
    "notices": 300,
}


def build(**sizes) -> str:
    out = StringIO()
    call_command("seed_scale", **{**TINY, **sizes}, stdout=out)
    return out.getvalue()


def scale_bodies():
    province = Body.objects.get(slug=scale_data.PROVINCE["slug"])
    return (
        Body.objects.filter(pk=province.pk)
        | Body.objects.filter(parent=province)
        | (Body.objects.filter(parent__parent=province))
    )


@pytest.mark.django_db
def test_builds_every_size_asked(seeded):
    audit_before = AuditEntry.objects.count()
    output = build()
    bodies = scale_bodies()
    opds = bodies.filter(children__isnull=True).exclude(parent=None).distinct()
    assert bodies.distinct().count() == 1 + 2 + 9
    assert opds.count() == 9
    assert Item.objects.filter(body__in=opds).count() == 900
    editions = Edition.objects.filter(body__in=opds)
    assert editions.count() == 24
    assert editions.exclude(state=Stage.PUBLISHED).count() == 10
    assert editions.filter(state=Stage.PUBLISHED).count() == 14
    steps = Step.objects.filter(edition__in=editions)
    assert steps.count() in (119, 120)  # returns add steps two at a time
    # One open step per edition in flight, none on a published one.
    assert steps.filter(finished_at=None).count() == 10
    assert not steps.filter(finished_at=None, edition__state=Stage.PUBLISHED).exists()
    assert AuditEntry.objects.count() - audit_before == 4000
    assert Notice.objects.filter(body__in=opds).count() == 300
    assert "Scale data set built" in output


@pytest.mark.django_db
def test_rows_look_like_a_province(seeded):
    build()
    opds = scale_bodies().filter(children__isnull=True).exclude(parent=None).distinct()
    items = Item.objects.filter(body__in=opds)
    # Every register holds every classification; exempted rows carry their consequence test.
    for body in opds:
        assert set(items.filter(body=body).values_list("classification", flat=True)) == set(
            Classification.values
        )
    exempted = items.filter(classification=Classification.DIKECUALIKAN)
    assert exempted.exists()
    assert not exempted.filter(exemption_ground="").exists()
    assert not exempted.filter(consequence_if_opened="").exists()
    for item in exempted:
        item.full_clean()  # the period rules (permanent only on g or h, the law cited on j)
        assert not item.missing_fields()
    assert not [i for i in items.exclude(classification="dikecualikan") if i.missing_fields()]
    # Indonesian titles and units, the kabupaten of Kalimantan Barat.
    assert items.filter(title__startswith="Laporan").exists()
    assert Body.objects.filter(name="Pemerintah Kabupaten Bengkayang").exists()
    # A DIP holds no exempted row, a DIK only exempted ones; published ones are frozen.
    published = Edition.objects.filter(body__in=opds, state=Stage.PUBLISHED)
    assert EditionRow.objects.filter(edition__in=published.filter(kind="dip")).exists()
    assert not EditionRow.objects.filter(
        edition__kind="dip", classification="dikecualikan", edition__in=published
    ).exists()
    assert (
        not EditionItem.objects.filter(edition__kind="dik", edition__body__in=opds)
        .exclude(item__classification="dikecualikan")
        .exists()
    )
    assert not published.filter(verification_code=None).exists()
    # Each body has its officers, each with the role of their username.
    for body in opds:
        roles = set(
            BodyUserObjectPermission.objects.filter(content_object=body).values_list(
                "permission__codename", flat=True
            )
        )
        assert roles == {"role_operator", "role_ppid", "role_tim", "role_atasan"}


@pytest.mark.django_db
def test_an_officer_of_the_scale_set_signs_in_and_sees_the_task(seeded, client):
    build(password="rahasia-skala-2026")
    step = Step.objects.filter(finished_at=None, edition__body__in=scale_bodies()).first()
    username = f"{step.edition.body.slug}.{step.role}"
    officer = User.objects.get(username=username)
    assert officer.check_password("rahasia-skala-2026")
    client.force_login(officer)
    response = client.get("/tugas/")
    assert response.status_code == 200
    assert f"/edisi/{step.edition_id}/" in response.content.decode()


def fingerprint() -> list:
    bodies = scale_bodies()
    return [
        *Item.objects.filter(body__in=bodies)
        .order_by("pk")
        .values_list("body__slug", "title", "classification", "produced_at", "exemption_ground"),
        *Edition.objects.filter(body__in=bodies)
        .order_by("pk")
        .values_list("body__slug", "kind", "year", "state"),
    ]


@pytest.mark.django_db
def test_same_seed_same_data(seeded):
    with transaction.atomic():
        build()
        first = fingerprint()
        transaction.set_rollback(True)
    with transaction.atomic():
        build(seed=16)
        other = fingerprint()
        transaction.set_rollback(True)
    build()
    assert first and fingerprint() == first
    assert other != first
    # A second build in the same database is refused.
    with pytest.raises(CommandError, match="already"):
        build()


@pytest.mark.django_db
def test_refused_on_sqlite(monkeypatch):
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    with pytest.raises(CommandError, match="PostgreSQL"):
        build()


@pytest.mark.django_db
def test_sizes_that_cannot_be_built_are_refused():
    with pytest.raises(CommandError, match="in-flight"):
        build(editions=5, in_flight=6)
