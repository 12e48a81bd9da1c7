"""The read replica (ppid/dbrouter.py): with the router on, the public site's reads go to the
`replica` alias (a test mirror of the default database, tests/conftest.py) and everything else
to `default`; without DATABASE_REPLICA_URL nothing is installed and everything reads default."""

from __future__ import annotations

import importlib

import pytest
from django.db import connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from dip.models import Item
from ppid import dbrouter

pytestmark = pytest.mark.django_db(databases=["default", "replica"])

OPERATOR = "disdukcapil-kalbar.operator"
PUBLIC_PAGES = [
    "/",
    "/?q=akta",  # the search
    "/badan-publik/disdukcapil-kalbar/",
    "/api/public/bodies/",
]


@pytest.fixture
def router_on():
    with override_settings(DATABASE_ROUTERS=["ppid.dbrouter.ReplicaRouter"]):
        yield


def queries_of(client, method: str, url: str, **kwargs) -> tuple[int, int, int]:
    """(status, queries on default, queries on replica) of one request."""
    with (
        CaptureQueriesContext(connections["default"]) as default,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = getattr(client, method)(url, **kwargs)
    return response.status_code, len(default), len(replica)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_reads_go_to_the_replica(router_on, client, url):
    status, default, replica = queries_of(client, "get", url)
    assert status == 200
    assert replica > 0 and default == 0


def test_officers_pages_and_writes_go_to_default(router_on, client, login, api):
    status, default, replica = queries_of(login(OPERATOR), "get", "/tugas/")
    assert status == 200 and default > 0 and replica == 0
    # Someone signed in reads the public site from the primary too: what they just changed.
    status, default, replica = queries_of(client, "get", "/badan-publik/disdukcapil-kalbar/")
    assert status == 200 and default > 0 and replica == 0
    # A write through the API, and the API's reads around it.
    before = Item.objects.count()
    status, default, replica = queries_of(
        api(OPERATOR),
        "post",
        "/api/items/",
        data={
            "body": "disdukcapil-kalbar",
            "title": "Jadwal uji replika",
            "classification": "setiap_saat",
        },
        format="json",
    )
    assert status == 201 and default > 0 and replica == 0
    assert Item.objects.count() == before + 1


def test_signing_in_reads_and_writes_default(router_on, client):
    status, default, replica = queries_of(
        client, "post", "/masuk/", data={"username": OPERATOR, "password": "salah"}
    )
    assert status == 200 and default > 0 and replica == 0


def test_a_write_ends_the_public_requests_replica_reads(router_on):
    router = dbrouter.ReplicaRouter()
    token = dbrouter._public_read.set(True)
    try:
        assert router.db_for_read(Item) == "replica"
        assert router.db_for_write(Item) == "default"
        assert router.db_for_read(Item) == "default"
    finally:
        dbrouter._public_read.reset(token)
    assert router.db_for_read(Item) == "default"
    assert not router.allow_migrate("replica", "dip") and router.allow_migrate("default", "dip")


def test_without_the_router_everything_reads_default(client):
    status, default, replica = queries_of(client, "get", "/badan-publik/disdukcapil-kalbar/")
    assert status == 200 and default > 0 and replica == 0


def test_database_replica_url_adds_the_alias_and_the_router(monkeypatch):
    import ppid.settings as project_settings

    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    try:
        importlib.reload(project_settings)
        assert "replica" not in project_settings.DATABASES
        assert project_settings.DATABASE_ROUTERS == []
        monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader:pw@replica.example:5432/ppid")
        importlib.reload(project_settings)
        replica = project_settings.DATABASES["replica"]
        assert (replica["HOST"], replica["NAME"], replica["USER"]) == (
            "replica.example",
            "ppid",
            "reader",
        )
        assert replica["TEST"] == {"MIRROR": "default"}
        assert project_settings.DATABASE_ROUTERS == ["ppid.dbrouter.ReplicaRouter"]
    finally:
        monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
        importlib.reload(project_settings)
