"""The officers' work in a real browser: Debian's Chromium, headless, driven by Playwright.

Each flow is done by clicking, as the officer of the role whose turn it is: seed 000's DIP with
its Nota Dinas, a return and a fix, and seed 004's DIK through the tim pertimbangan. Each
hand-over and each return is seen by the one who must act next, as an unread notice in the bell
(with the note of a return), opened from there; axe-core checks every page the two walks show
(no serious or critical violation). Two tabs submitting the same confirmation see "Sudah
diproses"; the main screens fit a 375 px phone. Every main screen is saved as a full-page
screenshot (see conftest.py for the folder).
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from dip.models import Edition, Item
from tests.browser.conftest import NARROW, audit, fill_decree
from tests.conftest import DEMO_PASSWORD
from workflow.models import AuditEntry, Notice

if TYPE_CHECKING:
    from playwright.sync_api import Page

try:
    from playwright.sync_api import expect
except ImportError:  # conftest.py skips these tests then, or fails them under CI
    expect = None

pytestmark = [pytest.mark.browser]

DINSOS = "dinsos-p3a-kapuas-hulu"
KUBU = "disdukcapil-kubu-raya"

TO_THE_TIM = "Baris memorandum: mohon tim meninjau jangka waktu pengecualiannya."

NOTA_DINAS = {
    "Nomor surat": "800/021/PPID-DINSOSP3A/{year}",
    "Kepada": "Para Kepala Bidang dan Sekretaris Dinas Sosial P3A",
    "Perihal": "Pengumpulan dan klasifikasi informasi publik",
    "Isi": "Setiap bidang menyampaikan daftar informasi publik yang dikuasai beserta "
    "klasifikasinya paling lambat satu hari sejak nota dinas ini diterima.",
}


# --- helpers ----------------------------------------------------------------------------------


def login(page: Page, username: str, shot=None) -> None:
    page.goto("/masuk/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    audit(page)
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill(DEMO_PASSWORD)
    if shot:
        shot(page, "login")
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page).to_have_url(re.compile(r"/tugas/$"))
    expect(page.get_by_role("heading", level=1, name="Tugas saya")).to_be_visible()
    audit(page)


def logout(page: Page) -> None:
    open_account_menu(page)
    page.get_by_role("banner").get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(re.compile(r"/masuk/$"))


def open_account_menu(page: Page) -> None:
    """The header's account menu (sign-in security, sign out, language): a <details>."""
    menu = page.get_by_role("banner").locator("details.account")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()


def switch_user(page: Page, username: str) -> None:
    logout(page)
    login(page, username)


def field(scope, label: str):
    """The input labelled `label` (a required field's label ends in " *")."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def expect_message(page: Page, text: str | re.Pattern) -> None:
    expect(page.locator(".messages")).to_contain_text(text)


def expect_stage(page: Page, stage: str) -> None:
    expect(page.get_by_role("heading", level=2, name=f"Tahap: {stage}")).to_be_visible()


def edition_id(page: Page) -> int:
    match = re.search(r"/edisi/(\d+)/", page.url)
    assert match, page.url
    return int(match.group(1))


def open_edition_from_tasks(page: Page, title: str) -> None:
    """The edition waits in "Tugas saya"; open it from there."""
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Tugas saya").click()
    page.get_by_role("table").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    audit(page)


def expect_notice(
    page: Page,
    *,
    stage: str,
    title: str,
    note: str = "",
    returned: bool = False,
    open_it: bool = True,
) -> None:
    """Whoever must act next was told: the bell counts an unread notice, and the notices page
    has it, unread, naming the stage and the edition (and the note, if the hand-over or return
    had one). The officer opens it from there and lands on the edition."""
    expect(page.locator("#notice-unread")).to_be_visible()
    page.get_by_role("navigation", name="Menu utama").get_by_role(
        "link", name=re.compile(r"^Pemberitahuan")
    ).click()
    expect(page.get_by_role("heading", level=1, name="Pemberitahuan")).to_be_visible()
    audit(page)
    lead = "Dikembalikan kepada Anda" if returned else "Giliran Anda"
    notice = page.locator(".notice.unread").filter(has_text=f"{lead}: {stage} “{title}”")
    expect(notice).to_have_count(1)
    if note:
        expect(notice).to_contain_text(f"Catatan: {note}")
    if not open_it:
        return
    notice.get_by_role("button").click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect_stage(page, stage)
    audit(page)


def open_edition(page: Page, kind_label: str, title: str, slug: str, shot=None) -> int:
    page.goto(f"/badan/{slug}/edisi/")
    form = page.locator("form", has=page.get_by_role("button", name="Buka edisi"))
    form.get_by_label("jenis").select_option(label=kind_label)
    form.get_by_label("tahun").fill(str(timezone.localdate().year))
    form.get_by_label("judul").fill(title)
    if shot:
        shot(page, "editions-open-form")
    audit(page)
    form.get_by_role("button", name="Buka edisi").click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect_message(page, f"Edisi “{title}” dibuka.")
    audit(page)
    return edition_id(page)


def add_all_items(page: Page, count: int, shot=None) -> None:
    page.get_by_role("link", name="Tambah informasi").first.click()
    expect(page).to_have_url(re.compile(r"/pilih/$"))
    boxes = page.locator('#pick-rows input[name="items"]')
    expect(boxes).to_have_count(count)
    # "Select all" (the picker's own box) ticks every row shown.
    page.get_by_role("checkbox", name=re.compile(r"^Pilih semua")).check()
    for i in range(count):
        expect(boxes.nth(i)).to_be_checked()
    if shot:
        shot(page, "pick-items")
    audit(page)
    page.get_by_role("button", name="Tambahkan informasi yang dipilih").click()
    expect_message(page, f"{count} informasi ditambahkan.")
    expect(page.locator("tbody tr[id^=row-]")).to_have_count(count)
    audit(page)


def act(page: Page, label: str, *, note: str = "", shot=None, shot_name: str = "") -> None:
    """Click the stage's action on the edition page, then confirm it."""
    title = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=label)).to_be_visible()
    # The confirmation names the edition.
    expect(page.get_by_role("main")).to_contain_text(title)
    if note:
        page.get_by_label("catatan").fill(note)
    fill_decree(page)
    if shot:
        shot(page, shot_name or f"confirm-{label}")
    audit(page)
    page.get_by_role("button", name=f"Ya, {label}: {title}").click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect_message(page, "Selesai: edisi kini berada pada tahap")
    audit(page)


def row(page: Page, title: str):
    return page.locator("tbody tr[id^=row-]").filter(has_text=title)


def public_rows(app_server, slug: str, kind: str) -> dict:
    url = f"{app_server.url}/api/public/bodies/{slug}/{kind}/"
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return json.loads(response.read())


def expect_published(page: Page) -> None:
    """Signing queues the publication on commit; the page shows it published (maybe on reload)."""
    heading = page.get_by_role("heading", level=2, name=re.compile(r"^Tahap: "))
    if heading.inner_text() == "Tahap: Publikasi":
        page.reload()
    expect_stage(page, "Dipublikasikan")
    expect(page.get_by_text(re.compile(r"Dipublikasikan pada|Published on"))).to_be_visible()
    audit(page)


def overflow(page: Page) -> dict:
    """The page's width against the viewport, and the widest elements that stick out."""
    return page.evaluate(
        """() => {
            const width = window.innerWidth;
            const offenders = [];
            for (const el of document.querySelectorAll('body *')) {
                const r = el.getBoundingClientRect();
                if (r.width && r.right > width + 1) {
                    offenders.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}`
                        + `${el.className && typeof el.className === 'string'
                            ? '.' + el.className.trim().split(/\\s+/).join('.') : ''}`
                        + ` right=${Math.round(r.right)}`);
                }
            }
            return {
                scrollWidth: document.documentElement.scrollWidth,
                innerWidth: width,
                offenders: offenders.slice(0, 12),
            };
        }"""
    )


# --- seed 000: DIP with a Nota Dinas, a return and a fix --------------------------------------


def test_seed_000_dip_by_clicking(browser_seeded, page, shot, app_server, axe):
    axe.watch(page)
    year = timezone.localdate().year
    title = f"DIP {year} Dinsos P3A"
    items = list(Item.objects.filter(body__slug=DINSOS).order_by("title"))
    assert len(items) == 6

    # The operator opens the edition, picks the register's items, reports the identification.
    login(page, f"{DINSOS}.operator", shot=shot)
    shot(page, "tasks-operator-empty")
    expect(page.get_by_text("Tidak ada yang menunggu Anda")).to_be_visible()
    page.get_by_role("navigation", name="Menu utama").get_by_role(
        "link", name="Badan publik"
    ).click()
    expect(page.get_by_role("heading", level=2, name=re.compile("Dinas Sosial"))).to_be_visible()
    shot(page, "bodies")
    page.goto(f"/badan/{DINSOS}/informasi/")
    expect(page.locator("#item-table tbody tr")).to_have_count(6)
    shot(page, "register-list")
    page.goto(f"/badan/{DINSOS}/sop/")
    expect(page.get_by_role("main")).to_contain_text("000")
    shot(page, "sop")

    pk = open_edition(page, "DIP (Daftar Informasi Publik)", title, DINSOS, shot=shot)
    expect_stage(page, "Identifikasi")
    shot(page, "edition-identification-empty")
    add_all_items(page, 6, shot=shot)
    shot(page, "edition-identification")
    act(page, "Laporkan identifikasi", shot=shot, shot_name="confirm-identify")
    expect_stage(page, "Nota Dinas")

    # The Ketua PPID writes the Nota Dinas and issues it.
    switch_user(page, f"{DINSOS}.ppid")
    expect(page.get_by_role("table").get_by_role("link", name=title)).to_be_visible()
    shot(page, "tasks-ppid")
    expect_notice(page, stage="Nota Dinas", title=title)
    # "Terbitkan Nota Dinas" is not offered before the Nota Dinas is written: the page says so
    # and links to the form.
    expect(page.get_by_role("link", name="Terbitkan Nota Dinas", exact=True)).to_have_count(0)
    blocked = page.locator('[data-blocked="instruct"]')
    expect(blocked).to_contain_text("Terbitkan Nota Dinas")
    shot(page, "edition-instruction-blocked")
    blocked.get_by_role("link", name="Tulis Nota Dinas").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nota Dinas")
    for label, value in NOTA_DINAS.items():
        field(page, label).fill(value.format(year=year))
    field(page, "Tanggal").fill(timezone.localdate().isoformat())
    shot(page, "nota-dinas-form")
    page.get_by_role("button", name="Simpan Nota Dinas").click()
    expect_message(page, "Nota Dinas disimpan")
    audit(page)
    act(page, "Terbitkan Nota Dinas", shot=shot, shot_name="confirm-instruct")
    expect_stage(page, "Pengumpulan")
    page.get_by_role("link", name="Nota Dinas", exact=True).click()
    expect(page.get_by_text(re.compile(r"Diterbitkan pada"))).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(NOTA_DINAS["Perihal"])
    shot(page, "nota-dinas-issued")

    # The operator collects and submits.
    switch_user(page, f"{DINSOS}.operator")
    expect_notice(page, stage="Pengumpulan", title=title)
    act(page, "Ajukan untuk verifikasi")
    expect_stage(page, "Verifikasi")

    # The PPID comments on a row and on the edition, then returns it with a note.
    switch_user(page, f"{DINSOS}.ppid")
    expect_notice(page, stage="Verifikasi", title=title)
    fixed = items[0]
    target = row(page, fixed.title)
    target.get_by_label("komentar").fill("Ringkasan isi terlalu singkat; sebutkan periodenya.")
    target.get_by_role("button", name="Tambah komentar").click()
    expect(target).to_contain_text("Ringkasan isi terlalu singkat")
    whole = page.locator("#comments-edition")
    whole.get_by_label("komentar").fill("Urutan klasifikasi sudah sesuai.")
    whole.get_by_role("button", name="Tambah komentar").click()
    expect(whole).to_contain_text("Urutan klasifikasi sudah sesuai.")
    shot(page, "edition-verification-review-comments")

    page.get_by_role("link", name="Kembalikan (tidak setuju)").click()
    heading = page.get_by_role("heading", level=1, name="Kembalikan (tidak setuju)")
    expect(heading).to_be_visible()
    confirm = page.get_by_role("button", name=f"Ya, Kembalikan (tidak setuju): {title}")
    # A return without a note is refused next to the field; nothing changes.
    confirm.click()
    expect(heading).to_be_visible()
    expect(page.locator("#note_error")).to_be_visible()
    shot(page, "confirm-return-error")  # (and axe, on the page with its error)
    assert Edition.objects.get(pk=pk).state == "verification"
    page.get_by_label("catatan").fill("Lengkapi ringkasan isi informasi baris pertama.")
    confirm.click()
    expect_message(page, "Selesai: edisi kini berada pada tahap “Pengumpulan”")
    expect_stage(page, "Pengumpulan")

    # The operator is told: a notice in the bell (and an e-mail), and the task row says
    # "dikembalikan" with the PPID's note.
    switch_user(page, f"{DINSOS}.operator")
    task = page.get_by_role("row").filter(has_text=title)
    expect(task).to_contain_text("dikembalikan")
    expect(task).to_contain_text("Lengkapi ringkasan isi informasi baris pertama.")
    shot(page, "tasks-operator-returned")
    expect_notice(
        page,
        stage="Pengumpulan",
        title=title,
        returned=True,
        note="Lengkapi ringkasan isi informasi baris pertama.",
    )
    # The operator fixes the item and submits again.
    expect(page.locator("#arrival")).to_contain_text("dikembalikan")
    expect(row(page, fixed.title)).to_contain_text("Ringkasan isi terlalu singkat")
    shot(page, "edition-collection-returned")
    row(page, fixed.title).get_by_role("link", name=fixed.title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(fixed.title)
    shot(page, "item-page")
    page.get_by_role("main").get_by_role("link", name=re.compile(r"^(Ubah|Edit)$")).click()
    expect(page).to_have_url(re.compile(rf"/informasi/{fixed.pk}/ubah/$"))
    new_summary = f"{fixed.summary} Periode Januari sampai Desember {year - 1}."
    page.get_by_label("ringkasan isi informasi").fill(new_summary)
    shot(page, "item-form")
    page.get_by_role("button", name=re.compile(r"^(Simpan|Save)$")).click()
    expect(page).to_have_url(re.compile(rf"/informasi/{fixed.pk}/$"))
    expect(page.get_by_role("main")).to_contain_text(new_summary)
    shot(page, "item-page-fixed")
    page.get_by_role("main").get_by_role("link", name=title).click()
    act(page, "Ajukan untuk verifikasi")
    expect_stage(page, "Verifikasi")

    # The PPID verifies (paraf).
    switch_user(page, f"{DINSOS}.ppid")
    expect_notice(page, stage="Verifikasi", title=title)
    act(page, "Verifikasi (paraf)")
    expect_stage(page, "Persetujuan")

    # The atasan is told, and signs from the dashboard; the confirmation names the edition.
    switch_user(page, f"{DINSOS}.atasan")
    expect_notice(page, stage="Persetujuan", title=title, open_it=False)
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Dasbor").click()
    waiting = page.get_by_role("row").filter(has_text=title)
    expect(waiting).to_contain_text("menunggu tanda tangan")
    shot(page, "dashboard")
    waiting.get_by_role("link", name=title).click()
    expect_stage(page, "Persetujuan")
    shot(page, "edition-approval")
    # The atasan can read the document before signing it: a DRAF preview, never stored.
    preview = page.request.get(page.locator("#draft-preview").get_attribute("href"))
    assert preview.status == 200 and preview.headers["content-type"] == "application/pdf"
    assert preview.body().startswith(b"%PDF")
    page.get_by_role("link", name="Tandatangani", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Tandatangani")).to_be_visible()
    expect(page.get_by_role("main").locator("strong").first).to_contain_text(title)
    sign = page.get_by_role("button", name=f"Ya, Tandatangani: {title}")
    expect(sign).to_be_visible()
    fill_decree(page)
    shot(page, "confirm-sign")
    sign.click()
    expect_message(page, "Selesai: edisi kini berada pada tahap")
    expect_published(page)
    shot(page, "edition-published")
    # Publication is the system's: nobody is handed a step to act on.
    assert not Notice.objects.filter(edition_id=pk, title__contains="Publikasi").exists()
    page.get_by_role("link", name="Linimasa", exact=True).click()
    steps = page.get_by_role("main").locator("tbody tr")
    expect(steps).to_have_count(8)
    expect(steps.filter(has_text="Lengkapi ringkasan isi informasi baris pertama.")).to_have_count(
        1
    )
    expect(steps.last).to_contain_text("Publikasi")
    shot(page, "timeline")

    # The public API shows the signed rows, with the fix.
    data = public_rows(app_server, DINSOS, "dip")
    assert data["edition"]["id"] == pk
    assert data["edition"]["published_at"]
    assert {r["title"] for r in data["rows"]} == {i.title for i in items}
    assert [r["number"] for r in data["rows"]] == list(range(1, 7))
    assert new_summary in {r["summary"] for r in data["rows"]}
    transitions = list(
        AuditEntry.objects.filter(edition_id=pk)
        .exclude(transition="")
        .order_by("pk")
        .values_list("transition", flat=True)
    )
    assert transitions == [
        "identify",
        "instruct",
        "submit",
        "return",
        "submit",
        "verify",
        "sign",
        "publish",
    ]


# --- seed 004: DIK through the tim pertimbangan -----------------------------------------------


def test_seed_004_dik_through_tim_by_clicking(browser_seeded, page, shot, app_server, axe):
    axe.watch(page)
    year = timezone.localdate().year
    title = f"DIK {year} Disdukcapil Kubu Raya"
    items = list(Item.objects.filter(body__slug=KUBU).order_by("title"))
    assert len(items) == 4
    changed = next(i for i in items if i.exemption_until)  # the memorandum, closed to a date
    new_until = date(year + 2, 6, 30)

    login(page, f"{KUBU}.operator")
    pk = open_edition(page, "DIK (Daftar Informasi yang Dikecualikan)", title, KUBU)
    expect_stage(page, "Pengumpulan")
    add_all_items(page, 4)
    shot(page, "edition-collection")
    act(page, "Ajukan untuk verifikasi")
    expect_stage(page, "Verifikasi")

    switch_user(page, f"{KUBU}.ppid")
    expect_notice(page, stage="Verifikasi", title=title, open_it=False)
    open_edition_from_tasks(page, title)
    act(page, "Verifikasi (paraf)", note=TO_THE_TIM)
    expect_stage(page, "Pertimbangan")

    # The tim is told, with the PPID's note; it records its consideration for every row, then
    # passes it on.
    switch_user(page, f"{KUBU}.tim")
    expect_notice(page, stage="Pertimbangan", title=title, note=TO_THE_TIM)
    shot(page, "edition-consideration")
    # Passing it on before every row is decided is not offered: the page names the rows still
    # missing and links to the tim's page, where each row's test stands beside its decision.
    expect(page.get_by_role("link", name="Teruskan hasil pertimbangan", exact=True)).to_have_count(
        0
    )
    blocked = page.locator('[data-blocked="consider"]')
    expect(blocked).to_contain_text("Teruskan hasil pertimbangan")
    expect(blocked).to_contain_text(items[0].title)
    blocked.get_by_role("link", name="Catat keputusan tim untuk setiap baris").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Uji konsekuensi")
    for item in items:
        target = page.locator(f"#row-{item.pk}")
        expect(target).to_contain_text(item.consequence_if_opened.split("\n")[0][:40])
        if item == changed:
            field(target, "keputusan").select_option(label="Ubah jangka waktu pengecualian")
            field(target, "catatan").fill(
                "Rancangan kebijakan baru ditetapkan pertengahan tahun; tutup sampai saat itu."
            )
            target.get_by_text("Yang diubah (hanya bila tidak setuju)").click()
            field(target, "dikecualikan sampai (tanggal)").fill(new_until.isoformat())
        else:
            expect(field(target, "keputusan")).to_have_value("agree")
    shot(page, "consideration-page")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3000, height  # was 5,500 px for five rows
    expect(page.get_by_role("button", name="Simpan keputusan untuk semua baris")).to_have_count(1)
    page.get_by_role("button", name="Simpan keputusan untuk semua baris").click()
    expect_message(page, f"Keputusan tim untuk {len(items)} baris tersimpan.")
    audit(page)
    page.get_by_role("link", name="Kembali ke edisi").click()
    for item in items:
        expect(row(page, item.title)).to_contain_text("Tim pertimbangan")
    expect(row(page, changed.title)).to_contain_text("Ubah jangka waktu pengecualian")
    # The row now shows the new period (30 Jun, the same abbreviation in Indonesian).
    expect(row(page, changed.title)).to_contain_text(f"sampai 30 Juni {new_until.year}")
    shot(page, "edition-consideration-recorded")
    # ... writes its berita acara uji konsekuensi (place, date, the members present) ...
    page.get_by_role("link", name="Berita acara uji konsekuensi", exact=True).click()
    page.get_by_label(re.compile(r"^tempat", re.I)).fill("Ruang rapat Disdukcapil Kubu Raya")
    page.get_by_label(re.compile(r"^tanggal", re.I)).fill(timezone.localdate().isoformat())
    page.locator('input[name="members"]').first.check()
    shot(page, "consideration-record-form")
    page.get_by_role("button", name="Simpan berita acara").click()
    expect_message(page, "Berita acara uji konsekuensi disimpan")
    audit(page)
    # ... and passes it on.
    act(page, "Teruskan hasil pertimbangan")
    expect_stage(page, "Persetujuan")

    switch_user(page, f"{KUBU}.atasan")
    expect_notice(page, stage="Persetujuan", title=title, open_it=False)
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Dasbor").click()
    audit(page)
    page.get_by_role("row").filter(has_text=title).get_by_role("link", name=title).click()
    audit(page)
    act(page, "Tandatangani", shot=shot, shot_name="confirm-sign")
    expect_published(page)
    shot(page, "edition-published")

    data = public_rows(app_server, KUBU, "dik")
    assert data["edition"]["id"] == pk
    rows = {r["title"]: r for r in data["rows"]}
    assert set(rows) == {i.title for i in items}
    assert rows[changed.title]["exemption_until"] == new_until.isoformat()
    transitions = list(
        AuditEntry.objects.filter(edition_id=pk)
        .exclude(transition="")
        .order_by("pk")
        .values_list("transition", flat=True)
    )
    assert transitions == ["submit", "verify", "consider", "sign", "publish"]


# --- two tabs, one action -----------------------------------------------------------------------


def test_two_tabs_submitting_the_same_action_see_already_processed(browser_seeded, page, shot):
    title = f"DIK {timezone.localdate().year} dua tab"
    login(page, f"{KUBU}.operator")
    pk = open_edition(page, "DIK (Daftar Informasi yang Dikecualikan)", title, KUBU)
    add_all_items(page, 4)

    first = page
    second = page.context.new_page()
    for tab in (first, second):
        tab.goto(f"/edisi/{pk}/aksi/submit/")
        expect(tab.get_by_role("heading", level=1, name="Ajukan untuk verifikasi")).to_be_visible()
    button = f"Ya, Ajukan untuk verifikasi: {title}"
    first.get_by_role("button", name=button).click()
    expect_message(first, "Selesai: edisi kini berada pada tahap “Verifikasi”")
    second.get_by_role("button", name=button).click()
    expect_message(second, "Sudah diproses: edisi kini berada pada tahap “Verifikasi”")
    expect_stage(second, "Verifikasi")
    shot(second, "second-tab-already-processed")
    assert Edition.objects.get(pk=pk).state == "verification"
    assert AuditEntry.objects.filter(edition_id=pk, transition="submit").count() == 1

    # A double click on the PPID's confirmation applies the verification once.
    switch_user(first, f"{KUBU}.ppid")
    first.goto(f"/edisi/{pk}/aksi/verify/")
    first.get_by_role("button", name=f"Ya, Verifikasi (paraf): {title}").dblclick()
    expect_stage(first, "Pertimbangan")
    expect(first.locator(".messages")).to_contain_text(re.compile(r"Selesai|Sudah diproses"))
    assert AuditEntry.objects.filter(edition_id=pk, transition="verify").count() == 1


# --- a phone's screen -------------------------------------------------------------------------


def _edition_at_consideration(title: str) -> Edition:
    """A DIK of seed 004 at the tim's stage with comments, set up through the services."""
    from django.contrib.auth import get_user_model

    from dip import services as dip_services
    from ppid.models import Body
    from workflow import services

    users = get_user_model().objects
    operator, ppid = (users.get(username=f"{KUBU}.{r}") for r in ("operator", "ppid"))
    body = Body.objects.get(slug=KUBU)
    edition = services.edition_open(
        body=body,
        user=operator,
        kind="dik",
        year=timezone.localdate().year,
        title=title,
        revise=True,
    )
    items = list(Item.objects.filter(body=body))
    dip_services.edition_add_items(edition=edition, items=items, user=operator)
    edition = services.edition_transition(edition=edition, name="submit", user=operator)
    services.review_comment_add(
        edition=edition,
        user=ppid,
        item=items[0],
        text="Uji konsekuensi sudah lengkap; jangka waktu perlu ditinjau tim.",
    )
    services.review_comment_add(edition=edition, user=ppid, item=None, text="Siap dipertimbangkan.")
    return services.edition_transition(edition=edition, name="verify", user=ppid)


def _narrow_checker(page: Page, shot, too_wide: list) -> Callable:
    def check(name: str, url: str | None = None) -> None:
        if url:
            page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        shot(page, name)
        measured = overflow(page)
        if measured["scrollWidth"] > measured["innerWidth"] + 1:
            too_wide.append((name, measured))

    return check


def test_main_screens_fit_a_narrow_screen(browser_seeded, new_page, shot):
    """At 375x740 no main screen scrolls sideways; every screen is checked, then all reported."""
    title = f"DIK {timezone.localdate().year} Kubu Raya (layar sempit)"
    edition = _edition_at_consideration(title)
    item = Item.objects.filter(body__slug=KUBU).order_by("title").first()
    assert item is not None
    page = new_page(viewport=NARROW)
    too_wide: list = []
    check = _narrow_checker(page, shot, too_wide)

    page.goto("/masuk/")
    check("login")
    login(page, f"{KUBU}.tim")
    check("tasks", "/tugas/")
    check("bodies", "/badan/")
    check("edition-consideration", f"/edisi/{edition.pk}/")
    check("consideration-page", f"/edisi/{edition.pk}/pertimbangan/")
    check("timeline", f"/edisi/{edition.pk}/linimasa/")

    switch_user(page, f"{KUBU}.operator")
    check("register-list", f"/badan/{KUBU}/informasi/")
    check("item-form-dikecualikan", f"/informasi/{item.pk}/ubah/")
    check("item-form-new", f"/badan/{KUBU}/informasi/baru/")
    check("editions", f"/badan/{KUBU}/edisi/")
    check("edition-operator", f"/edisi/{edition.pk}/")

    switch_user(page, f"{KUBU}.atasan")
    check("dashboard", "/dasbor/")

    assert not too_wide, too_wide


def test_sop_and_item_details_fit_a_narrow_screen(browser_seeded, new_page, shot):
    item = Item.objects.filter(body__slug=KUBU).order_by("title").first()
    assert item is not None
    page = new_page(viewport=NARROW)
    too_wide: list = []
    check = _narrow_checker(page, shot, too_wide)
    login(page, f"{KUBU}.operator")
    check("sop", f"/badan/{KUBU}/sop/")
    check("item-page", f"/informasi/{item.pk}/")
    assert not too_wide, too_wide
