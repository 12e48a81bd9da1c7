"""The audit log page (`/jejak-audit/`) names every action and stage in Indonesian, from one
table (`workflow.labels`), and the superuser can open what it audits."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from dip.models import TRANSITIONS, Stage
from tests.helpers import edition_at
from workflow import labels
from workflow.models import AuditEntry

pytestmark = pytest.mark.django_db

KALBAR = "disdukcapil-kalbar"
CODE = re.compile(r"\b(edition|item|account|role|step|calendar|nota_dinas)\.[a-z_]+\b")


def page(client, username: str, **query) -> str:
    client.force_login(get_user_model().objects.get(username=username))
    response = client.get("/jejak-audit/", query)
    assert response.status_code == 200
    return response.content.decode()


def test_edition_steps_and_stages_are_named_in_indonesian(seeded, client):
    edition = edition_at(KALBAR, Stage.VERIFICATION, title="DIP Kalbar Audit")
    assert AuditEntry.objects.filter(edition=edition, action="edition.submit").exists()

    html = page(client, "ppid-utama", action="edition.")

    assert "Diajukan" in html and "Edisi dibuka" in html
    assert "Pengumpulan → Verifikasi" in html
    assert "collection → verification" not in html
    body = html.split("<tbody>", 1)[1]
    assert not CODE.search(body), CODE.search(body)


def test_role_changes_name_the_role(seeded, client):
    body = page(client, "ppid-utama", action="role.").split("<tbody>", 1)[1]
    assert "Peran diberikan" in body and "PPID Utama" in body
    assert "ppid_utama" not in body


def test_every_action_written_by_the_code_has_a_label():
    for name in TRANSITIONS:
        assert f"edition.{name}" in labels.ACTION_LABELS
    with_labels = [labels.action_label(a) for a in labels.ACTION_LABELS]
    assert all(label and "." not in label for label in with_labels)
    # A code nobody labelled yet is named by its group, never shown raw.
    assert labels.action_label("item.something_new") == "Perubahan register"
    assert labels.action_label("x.y") == "Kejadian lain"
    assert labels.stage_label("collection") == "Pengumpulan"


def test_the_superusers_audit_links_open_the_edition(seeded, client):
    edition = edition_at(KALBAR, Stage.VERIFICATION, title="DIP Kalbar Audit")
    html = page(client, "admin", action="edition.")
    link = f'href="/edisi/{edition.pk}/"'
    assert link in html
    response = client.get(f"/edisi/{edition.pk}/")
    assert response.status_code == 200
    assert "DIP Kalbar Audit" in response.content.decode()
    # Reading is not acting: the superuser holds no role, so no transition is offered.
    refused = client.post(f"/edisi/{edition.pk}/aksi/verify/", {"note": "Sudah sesuai."})
    assert refused.status_code != 302  # not done: no redirect to the edition
    assert not AuditEntry.objects.filter(edition=edition, action="edition.verify").exists()
    edition.refresh_from_db()
    assert edition.state == Stage.VERIFICATION


def test_every_audit_action_written_by_the_code_has_its_own_label():
    """A new action written anywhere (`action="x.y"`) gets its own words in `workflow.labels`,
    not only its group's."""
    root = __import__("pathlib").Path(__file__).resolve().parents[2]
    written = set()
    for app in ("ppid", "dip", "workflow"):
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text()
            written |= set(re.findall(r'action="([a-z_]+\.[a-z_0-9]+)"', text))
            written |= set(re.findall(r'_audit\([^)]*"([a-z_]+\.[a-z_0-9]+)"', text))
    assert written, "the scan found no audit actions: the pattern is wrong"
    missing = sorted(a for a in written if a not in labels.ACTION_LABELS)
    assert missing == []
