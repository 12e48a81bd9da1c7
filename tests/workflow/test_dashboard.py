"""The dashboard at province scale (issue 15): the editions in progress a page at a time, the
most urgent first, a row per body linking to that body's own list, the flagged rows shortened
with a link to all of them; never another body's data."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from dip.models import Item, Stage
from ppid import services as ppid_services
from ppid.models import Body, Role
from tests.factories import ItemFactory
from tests.workflow.test_report import Maker
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
