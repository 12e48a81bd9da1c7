"""The demo's accounts are named exactly: the README lists those seed_demo creates (no implied
ones), and the sign-in page names them in the demo (PPID_DEMO) and never otherwise."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from workflow import seed_data

pytestmark = pytest.mark.django_db

README = Path(settings.BASE_DIR, "README.md").read_text()


def seeded_usernames() -> set[str]:
    return {username for username, _body, _role in seed_data.demo_accounts()}


def test_every_listed_account_is_created_by_the_seed(seeded):
    names = seeded_usernames()
    assert (
        set(get_user_model().objects.filter(username__in=names).values_list("username", flat=True))
        == names
    )
    assert "ppid-utama-kapuas-hulu" in names and "disdukcapil-kalbar.atasan" in names
    assert "ppid-utama-kalbar" not in names  # the province's body, not an account


def test_the_readme_lists_exactly_the_demo_accounts():
    block = README.split("<!-- demo-accounts -->", 1)[1].split("<!-- /demo-accounts -->", 1)[0]
    listed = set(re.findall(r"`([a-z0-9.-]+)`", block))
    assert listed == seeded_usernames()
    assert "| `PORT` |" in README


def test_the_demo_sign_in_page_names_the_demo_accounts(seeded, client, settings):
    settings.PPID_DEMO = True
    page = client.get("/masuk/").content.decode()
    assert "Akun demo" in page and settings.PPID_DEMO_PASSWORD in page
    for username in seeded_usernames():
        assert f"<code>{username}</code>" in page
    # An account that is gone is not offered.
    get_user_model().objects.filter(username="disdukcapil-kalbar.ppid").update(is_active=False)
    assert "<code>disdukcapil-kalbar.ppid</code>" not in client.get("/masuk/").content.decode()


def test_outside_the_demo_the_sign_in_page_names_no_account(seeded, client, settings):
    settings.PPID_DEMO = False
    page = client.get("/masuk/").content.decode()
    assert "Akun demo" not in page and settings.PPID_DEMO_PASSWORD not in page
    assert "ppid-utama" not in page
