"""The dashboard at province scale (issue 15): the editions in progress a page at a time, the
most urgent first, a row per body linking to that body's own list, the flagged rows shortened
with a link to all of them; never another body's data."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from dip.models import Item, Stage
from ppid import services as ppid_services
from ppid.models import Body, Role
from tests.factories import ItemFactory
from tests.workflow.test_report import Maker
from workflow.templatetags.clock import time_left
from workflow.views import tasks as task_views

User = get_user_model()
KUBU = "disdukcapil-kubu-raya"
KAPUAS = "dinsos-p3a-kapuas-hulu"
KALBAR = "disdukcapil-kalbar"
ATASAN = f"{KUBU}.atasan"


def edition_waiting(slug: str, stage: str, title: str, due_in: timedelta):
    """An edition of the body at `stage`, its open step due `due_in` from now."""
    maker = Maker(Body.objects.get(slug=slug))
    edition = maker.edition(stage)
    edition.title = title
    edition.save(update_fields=["title"])
    started = timezone.now() - timedelta(days=3)
    maker.step(
        maker.sop.steps.get(stage=stage).number,
        started,
        None,
        allowed=int((timezone.now() + due_in - started).total_seconds()),
        edition=edition,
    )
    return edition


@pytest.fixture
def waiting(seeded):
    """The atasan of Disdukcapil Kubu Raya, made atasan of Dinsos P3A Kapuas Hulu too, and
    editions in progress in both; one in Disdukcapil Kalbar, which the atasan does not reach."""
    ppid_services.role_grant(
        user=User.objects.get(username=ATASAN),
        body=Body.objects.get(slug=KAPUAS),
        role=Role.ATASAN,
    )
    return {
        "sign": edition_waiting(KAPUAS, Stage.APPROVAL, "DIP Tanda Tangan", timedelta(days=5)),
        "late": edition_waiting(KUBU, Stage.VERIFICATION, "DIP Terlambat", -timedelta(days=2)),
        "soon": edition_waiting(KUBU, Stage.CONSIDERATION, "DIP Segera", timedelta(hours=1)),
        "later": edition_waiting(KAPUAS, Stage.COLLECTION, "DIP Nanti", timedelta(days=10)),
        "other": edition_waiting(KALBAR, Stage.VERIFICATION, "DIP Lain", -timedelta(days=5)),
        "published": Maker(Body.objects.get(slug=KUBU)).edition(Stage.PUBLISHED),
    }


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def waiting_titles(page: str) -> list[str]:
    """The titles in the waiting table, in the order shown (without Maker's "Perubahan ke-N")."""
    table = page.split('id="waiting"', 1)[1].split("</table>", 1)[0]
    titles = re.findall(r'<a href="/edisi/\d+/">([^<]+)</a>', table)
    return [re.sub(r" \(Perubahan ke-\d+\)$", "", t) for t in titles]


def by_body_rows(page: str) -> list[str]:
    table = page.split('class="by-body"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row">(.*?)</th>', table)


@pytest.mark.django_db
def test_editions_in_progress_a_page_at_a_time_the_most_urgent_first(waiting, login, monkeypatch):
    monkeypatch.setattr(task_views, "WAITING_PER_PAGE", 2)
    client = login(ATASAN)
    first = page_of(client, "/dasbor/")
    # A signature first, then overdue, then by deadline; the published one is not waiting.
    assert waiting_titles(first) == ["DIP Tanda Tangan", "DIP Terlambat"]
    assert "1 menunggu tanda tangan · 1 terlambat" in first
    assert "4 edisi sedang berjalan, yang paling mendesak lebih dulu." in first
    assert "Halaman 1 dari 2" in first and 'href="?page=2"' in first
    second = page_of(client, "/dasbor/?page=2")
    assert waiting_titles(second) == ["DIP Segera", "DIP Nanti"]
    # Past the last page: the last page; not a number: the first.
    assert waiting_titles(page_of(client, "/dasbor/?page=9")) == ["DIP Segera", "DIP Nanti"]
    assert waiting_titles(page_of(client, "/dasbor/?page=x")) == waiting_titles(first)
    # Another body's edition is nowhere, on any page.
    for page in (first, second):
        assert "DIP Lain" not in page and f"/edisi/{waiting['other'].pk}/" not in page


@pytest.mark.django_db
def test_a_row_per_body_with_something_to_act_on_first_links_to_its_list(waiting, login):
    client = login(ATASAN)
    page = page_of(client, "/dasbor/")
    rows = by_body_rows(page)
    kapuas, kubu = (Body.objects.get(slug=s) for s in (KAPUAS, KUBU))
    # Kapuas Hulu waits for a signature, so it comes before Kubu Raya's overdue step.
    assert [re.sub(r"<[^>]+>", "", r) for r in rows] == [kapuas.short_name, kubu.short_name]
    assert f'href="?body={KAPUAS}#in-progress"' in rows[0]
    table = page.split('class="by-body"', 1)[1].split("</table>", 1)[0]
    kubu_row = table.split(kubu.short_name, 1)[1].split("</tr>", 1)[0]
    # 2 in progress (verification, consideration), no signature, 1 overdue, 1 published.
    cells = re.findall(r"<td>(.*?)</td>", kubu_row)
    assert re.sub(r"<[^>]+>", "", cells[0]) == "2 (Verifikasi 1, Pertimbangan 1)"
    assert cells[1:3] == ["·", "1"] and cells[4] == "1"
    assert "terlambat" in cells[3]
    assert KALBAR not in table and "Disdukcapil Kalbar" not in table

    one = page_of(client, f"/dasbor/?body={KUBU}")
    assert waiting_titles(one) == ["DIP Terlambat", "DIP Segera"]
    assert "Edisi yang sedang berjalan di Disdukcapil Kubu Raya" in one
    assert "0 menunggu tanda tangan · 1 terlambat" in one
    assert 'href="/dasbor/#in-progress"' in one  # back to all bodies
    assert 'aria-current="true">' + kubu.short_name in one


@pytest.mark.django_db
@pytest.mark.parametrize("slug", [KALBAR, "tidak-ada", "pemkab-kubu-raya"])
def test_a_body_the_user_does_not_reach_or_without_editions_is_404(waiting, login, slug):
    """Kalbar: another body; Pemkab Kubu Raya: neither reached nor with an edition."""
    response = login(ATASAN).get(f"/dasbor/?body={slug}")
    assert response.status_code == 404
    assert b"DIP Lain" not in response.content


@pytest.mark.django_db
def test_an_atasan_of_one_body_sees_no_links_to_narrow(seeded, login):
    edition_waiting(KUBU, Stage.VERIFICATION, "DIP Satu", timedelta(days=1))
    page = page_of(login(ATASAN), "/dasbor/")
    assert waiting_titles(page) == ["DIP Satu"]
    assert "?body=" not in page and "Halaman 1" not in page
    assert len(by_body_rows(page)) == 1


@pytest.mark.django_db
def test_the_dashboard_lists_the_oldest_flagged_rows_and_links_to_all(seeded, login):
    items = [ItemFactory(body=KUBU, title=f"Berkala uji {n}") for n in range(12)]
    for n, item in enumerate(reversed(items)):
        Item.objects.filter(pk=item.pk).update(needs_update_since=date(2026, 1, 1 + n))
    other = Item.objects.filter(body__slug=KALBAR).first()
    Item.objects.filter(pk=other.pk).update(needs_update_since=date(2025, 1, 1))
    page = page_of(login(ATASAN), "/dasbor/")
    table = page.split('id="berkala-due"', 1)[1].split("</table>", 1)[0]
    listed = re.findall(r'<a href="/informasi/(\d+)/">', table)
    # The ten flagged longest ago, oldest first (the last item was flagged first).
    assert listed == [str(i.pk) for i in reversed(items)][: task_views.DASHBOARD_ROW_FLAGS]
    assert "12 informasi berkala perlu pembaruan" in table
    assert 'dan 2 lainnya · <a href="/tugas/#berkala-due">Tugas saya</a>' in page
    assert f"/informasi/{other.pk}/" not in page
    # All twelve on the tasks page, which shows up to fifty.
    tasks = page_of(login(f"{KUBU}.operator"), "/tugas/")
    assert all(f'<a href="/informasi/{i.pk}/">' in tasks for i in items)
    assert "dan 2 lainnya" not in tasks


def period_form(page: str) -> str:
    return page.split('class="filters report-period"', 1)[1].split("</form>", 1)[0]


def hidden_fields(form: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))


@pytest.mark.django_db
def test_the_row_per_body_comes_a_page_at_a_time_with_the_counts_of_all(
    waiting, login, monkeypatch
):
    """A superuser reaches every body of a province (615 in the scale set): the table shows a
    page of them (`?bodies_page=`), something to act on first, and the counts stay over all."""
    monkeypatch.setattr(task_views, "BODIES_PER_PAGE", 1)
    client = login(ATASAN)
    kapuas, kubu = (Body.objects.get(slug=s) for s in (KAPUAS, KUBU))
    first = page_of(client, "/dasbor/")
    # Kapuas Hulu waits for a signature: first. Kubu Raya is on the second page.
    assert [re.sub(r"<[^>]+>", "", r) for r in by_body_rows(first)] == [kapuas.short_name]
    assert "2 badan publik memiliki edisi." in first
    assert 'href="?bodies_page=2" rel="next"' in first
    assert "1 menunggu tanda tangan · 1 terlambat" in first  # over both bodies
    second = page_of(client, "/dasbor/?bodies_page=2")
    assert [re.sub(r"<[^>]+>", "", r) for r in by_body_rows(second)] == [kubu.short_name]
    assert "1 menunggu tanda tangan · 1 terlambat" in second
    # The editions in progress are all bodies' on every page of bodies.
    assert (
        waiting_titles(second)
        == waiting_titles(first)
        == [
            "DIP Tanda Tangan",
            "DIP Terlambat",
            "DIP Segera",
            "DIP Nanti",
        ]
    )
    # Past the last page: the last; not a number: the first.
    assert by_body_rows(page_of(client, "/dasbor/?bodies_page=9")) == by_body_rows(second)
    assert by_body_rows(page_of(client, "/dasbor/?bodies_page=x")) == by_body_rows(first)

    # A body chosen without a page of bodies: the page holding it, marked; the way back to all
    # bodies stays on that page.
    one = page_of(client, f"/dasbor/?body={KUBU}")
    assert [re.sub(r"<[^>]+>", "", r) for r in by_body_rows(one)] == [kubu.short_name]
    assert 'aria-current="true">' + kubu.short_name in one
    assert 'href="/dasbor/?bodies_page=2#in-progress"' in one
    # One page of bodies: no pager, no count line.
    monkeypatch.setattr(task_views, "BODIES_PER_PAGE", 25)
    whole = page_of(client, "/dasbor/")
    assert "bodies_page" not in whole and "badan publik memiliki edisi" not in whole
    assert len(by_body_rows(whole)) == 2


@pytest.mark.django_db
def test_the_two_pagers_and_the_period_keep_each_other(waiting, login, monkeypatch):
    monkeypatch.setattr(task_views, "BODIES_PER_PAGE", 1)
    monkeypatch.setattr(task_views, "WAITING_PER_PAGE", 1)
    client = login(ATASAN)
    page = page_of(client, "/dasbor/?page=2&bodies_page=2&period=2026&stray=1")
    waiting_nav, bodies_nav = re.findall(r'<nav class="pagination".*?</nav>', page, re.S)
    # The editions' pager keeps the bodies' page and the period, and the other way round;
    # nothing else the address carried.
    assert 'href="?bodies_page=2&amp;period=2026&amp;page=3" rel="next"' in waiting_nav
    assert 'href="?page=2&amp;period=2026&amp;bodies_page=1" rel="prev"' in bodies_nav
    table = page.split('class="by-body"', 1)[1].split("</table>", 1)[0]
    assert "stray" not in waiting_nav + bodies_nav + table + period_form(page)
    # A body's row opens its editions from their first page, with the period.
    assert f'href="?body={KUBU}&amp;period=2026#in-progress"' in page


@pytest.mark.django_db
def test_a_new_period_keeps_the_body_and_starts_the_editions_over(waiting, login, monkeypatch):
    monkeypatch.setattr(task_views, "WAITING_PER_PAGE", 1)
    client = login(ATASAN)
    page = page_of(client, f"/dasbor/?body={KUBU}&page=2")
    form = period_form(page)
    assert 'action="/dasbor/"' in form and 'method="get"' in form
    # The body goes with the new period; the editions' page does not (it starts over).
    assert hidden_fields(form) == {"body": KUBU}
    assert "{#" not in page and "keep" not in form  # the template's comments stay comments
    # What the form sends: the body's editions, first page, and the chosen period's report.
    quarter = re.findall(r'<option value="(\d{4}-T\d)"', form)[0]
    sent = page_of(client, f"/dasbor/?body={KUBU}&period={quarter}")
    assert "Edisi yang sedang berjalan di Disdukcapil Kubu Raya" in sent
    assert waiting_titles(sent) == ["DIP Terlambat"]
    assert f'<option value="{quarter}" selected>' in period_form(sent)
    assert hidden_fields(period_form(sent)) == {"body": KUBU}
    # All bodies: nothing hidden; a page of bodies other than the first is kept.
    assert hidden_fields(period_form(page_of(client, "/dasbor/?page=2"))) == {}
    monkeypatch.setattr(task_views, "BODIES_PER_PAGE", 1)
    kept = hidden_fields(period_form(page_of(client, "/dasbor/?bodies_page=2&page=3")))
    assert kept == {"bodies_page": "2"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "overdue", "soon"),
    [
        ("id", "terlambat 2 hari", r"sisa 5\d menit"),
        ("en", "overdue by 2 days", r"5\d minutes left"),
    ],
)
def test_the_time_left_of_an_overdue_edition_says_overdue_once(
    waiting, login, language, overdue, soon
):
    client = login(ATASAN)
    client.cookies["django_language"] = language
    page = page_of(client, "/dasbor/")
    table = page.split('id="waiting"', 1)[1].split("</table>", 1)[0]

    def time_left_of(title: str) -> str:
        (row,) = [row for row in table.split("<tr")[2:] if f">{title}" in row]
        return re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[-1]

    assert time_left_of("DIP Terlambat") == f"<strong>{overdue}</strong>"
    assert re.fullmatch(soon, time_left_of("DIP Segera"))


def test_time_left_is_overdue_from_the_first_instant_past_the_deadline():
    """Where the word is said once, the time left must not read "sisa" for an overdue step:
    half a second past the deadline used to be "less than a minute left"."""
    now = timezone.now()
    with translation.override("id"):
        assert time_left(now - timedelta(milliseconds=500)) == "terlambat kurang dari semenit"
        assert time_left(now + timedelta(minutes=5)) == "sisa 4 menit"
        assert time_left(None) == "—"


@pytest.mark.django_db
def test_the_per_body_table_has_its_headers_when_nothing_is_in_progress(seeded, login):
    """The labels were set inside the editions' table, which is not there then."""
    Maker(Body.objects.get(slug=KUBU)).edition(Stage.PUBLISHED)
    page = page_of(login(ATASAN), "/dasbor/")
    assert "Tidak ada edisi yang sedang berjalan." in page
    table = page.split('class="by-body"', 1)[1].split("</table>", 1)[0]
    assert '<th scope="col">Badan publik</th>' in table
