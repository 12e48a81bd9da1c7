"""axe-core over every kind of page, public and internal by role, including /api/docs/: no
serious or critical violation (the helper is shared with the walks: tests/browser/conftest.py).
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from dip.models import Stage
from ppid.models import Body
from tests.browser.conftest import NARROW, AxeWalk, audit, axe_source, axe_violations
from tests.browser.test_flows import login, logout
from tests.helpers import edition_at, published
from workflow.services.objections import objection_file
from workflow.services.requests import request_decide, request_receive

pytestmark = [pytest.mark.browser]

DINSOS = "dinsos-p3a-kapuas-hulu"
KALBAR = "disdukcapil-kalbar"
KUBU = "disdukcapil-kubu-raya"


# Headings, terms and labels that show a lower-case first letter (the stylesheet capitalises
# them: labels capitalised consistently).
LOWER_CASE = """() => [...document.querySelectorAll("th, dt, label")]
  .filter((e) => {
    const text = e.textContent.trim();
    if (!text || text[0] === text[0].toUpperCase()) return false;
    return getComputedStyle(e, "::first-letter").textTransform !== "uppercase"
      || getComputedStyle(e).display === "inline";
  })
  .map((e) => e.textContent.trim().slice(0, 40))"""


def check(page, url: str, found: dict[str, list[str]]) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 500, url
    violations = axe_violations(page)
    lower = page.evaluate(LOWER_CASE)
    if lower:
        violations.append(f"labels not capitalised: {lower}")
    if violations:
        found[url] = violations


def public_urls(edition) -> list[str]:
    base = f"/badan-publik/{edition.body.slug}/"
    return [
        "/",
        base,
        f"{base}edisi/{edition.pk}/",
        f"{base}edisi/{edition.pk}/informasi/1/",
        "/pengumuman/",
        "/verifikasi/",
        f"/verifikasi/{edition.verification_code}/",
        f"{base}permohonan/",
        "/lacak-permohonan/",
        "/masuk/",
        "/tidak-ada/",  # the 404 page
        "/api/docs/",
    ]


def officer_urls(edition, review) -> dict[str, list[str]]:
    """The internal pages each role opens, on its own body's objects."""
    item = edition.body.items.order_by("pk").first()
    kubu_item = review.body.items.order_by("pk").first()
    return {
        f"{KALBAR}.operator": [
            "/tugas/",
            "/badan/",
            "/dasbor/",
            "/pemberitahuan/",
            "/akun/keamanan/",
            f"/badan/{KALBAR}/informasi/",
            f"/badan/{KALBAR}/informasi/baru/",
            f"/informasi/{item.pk}/",
            f"/informasi/{item.pk}/ubah/",
            f"/badan/{KALBAR}/edisi/",
            f"/edisi/{edition.pk}/",
            f"/edisi/{edition.pk}/linimasa/",
            "/permohonan/",
            f"/badan/{KALBAR}/permohonan/baru/",
        ],
        f"{KUBU}.tim": [f"/edisi/{review.pk}/", f"/informasi/{kubu_item.pk}/"],
        f"{KUBU}.ppid": [
            "/pengguna/",
            f"/pengguna/badan/{KUBU}/",
            f"/badan/{KUBU}/sop/",
            f"/badan/{KUBU}/laporan/",
            f"/badan/{KUBU}/kalender/",
        ],
        "ppid-utama": [
            "/jejak-audit/",
            f"/pengguna/badan/{KALBAR}/tambah/",
            "/badan/ppid-utama-kalbar/ikhtisar/",
            f"/badan/{KALBAR}/kalender/",
            f"/badan/{KALBAR}/laporan/",
            f"/badan/{KALBAR}/sop/serta-merta/",
        ],
    }


def test_no_serious_or_critical_violation_on_any_page(browser_seeded, page):
    axe_source()
    edition = published(KALBAR, title="DIP Aksesibilitas")
    review = edition_at(KUBU, Stage.CONSIDERATION, title="DIK Aksesibilitas")
    collecting = edition_at(KUBU, Stage.COLLECTION, title="DIK Pilih")
    found: dict[str, list[str]] = {}

    information_request = request_receive(
        body=edition.body,
        name="Pemohon Aksesibilitas",
        address="Jalan Uji 1",
        identity_number="6171015505900002",
        information="Data penduduk",
        purpose="Uji",
        obtain="copy",
        form="softcopy",
        delivery="pickup",
    )
    code = information_request.tracking_code
    for url in [
        *public_urls(edition),
        f"/lacak-permohonan/{code}/",
        f"/lacak-permohonan/{code}/tanda-terima/",
    ]:
        check(page, url, found)
    pages = officer_urls(edition, review)
    pages[f"{KALBAR}.ppid"] = [f"/permohonan/{information_request.pk}/"]
    # An objection to the atasan of Dinsos on a granted request: its form, register, answer
    # form and the annual report.
    decided = request_receive(
        body=Body.objects.get(slug=DINSOS),
        name="Pemohon Keberatan",
        address="Jalan Uji 2",
        identity_number="6106015505900003",
        information="Data bantuan sosial",
        purpose="Uji",
        obtain="copy",
        form="softcopy",
        delivery="pickup",
    )
    request_decide(
        request=decided,
        user=get_user_model().objects.get(username=f"{DINSOS}.ppid"),
        decision="granted",
        note="Diberikan.",
    )
    objection = objection_file(request=decided, ground="d", reason="Tidak sesuai permintaan.")
    check(page, f"/lacak-permohonan/{decided.tracking_code}/keberatan/", found)
    pages[f"{DINSOS}.atasan"] = [
        "/keberatan/",
        f"/keberatan/{objection.pk}/",
        f"/badan/{DINSOS}/laporan-tahunan/",
    ]
    pages["ppid-utama"] = [
        *pages["ppid-utama"],
        "/badan/ppid-utama-kalbar/laporan-tahunan/ikhtisar/",
    ]
    pages[f"{KUBU}.operator"] = [f"/edisi/{collecting.pk}/", f"/edisi/{collecting.pk}/pilih/"]
    for username, urls in pages.items():
        login(page, username)
        for url in urls:
            check(page, url, found)
        logout(page)

    assert not found, "axe found serious or critical violations:\n" + "\n".join(
        f"{url}\n  " + "\n  ".join(violations) for url, violations in found.items()
    )


def test_the_sha256_of_the_published_edition_wraps_at_375_px(browser_seeded, new_page):
    edition = published(KALBAR, title="DIP Sempit")
    page = new_page(viewport=NARROW)
    page.goto(f"/badan-publik/{KALBAR}/edisi/{edition.pk}/")
    digest = page.locator("code.hash").first
    box = digest.bounding_box()
    assert box is not None and box["x"] + box["width"] <= NARROW["width"]
    assert box["height"] > 20  # on more than one line
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]


def test_a_walks_axe_check_finds_a_violation_once_per_page(browser_seeded, page):
    """The walks' checker (the `axe` fixture) can fail: an image without a text alternative is
    a critical violation; the same page seen twice is checked once; an unwatched page is not."""
    walk = AxeWalk()
    page.goto("/masuk/")
    audit(page)  # not watched: nothing checked
    walk.watch(page)
    try:
        audit(page)
        assert walk.found == {} and len(walk.checked) == 1
        page.evaluate(
            """() => document.querySelector("main").insertAdjacentHTML(
                "beforeend", '<img src="/static/favicon.svg">')"""
        )
        page.goto("/masuk/?lagi=1")
        page.evaluate(
            """() => document.querySelector("main").insertAdjacentHTML(
                "beforeend", '<img src="/static/favicon.svg">')"""
        )
        audit(page)
        audit(page)
        assert len(walk.checked) == 2
        ((state, violations),) = walk.found.items()
        assert state.startswith("/masuk/?lagi=1|")
        assert any(v.startswith("critical image-alt") for v in violations), violations
    finally:
        walk.release()
