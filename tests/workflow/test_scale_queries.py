"""Issue 15: every officer page runs a fixed number of queries whatever the size of what it
shows, and a transition stays within its budget. Measured on a small province built by
`seed_scale` (six bodies with registers of very different sizes), comparing the largest body
with the smallest: a query per row, per edition or per body fails here."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from dip.models import Attachment, Edition, Item, Stage
from dip.selectors import items_for_user
from ppid.models import Body, BodyUserObjectPermission
from workflow import scale_data, services
from workflow.views import tasks as task_views

User = get_user_model()
# The transition's own budget (issue 15: at most 12 queries, 20 before).
TRANSITION_MAX_QUERIES = 12


@pytest.fixture(scope="module")
def province(module_data, django_db_blocker):
    with module_data():
        call_command(
            "seed_scale",
            kabupaten=2,
            bodies=6,
            items=1500,
            editions=18,
            in_flight=8,
            audit=3000,
            steps=80,
            notices=400,
            stdout=StringIO(),
        )
        yield


def officer(body: Body, role: str):
    grant = BodyUserObjectPermission.objects.filter(
        content_object=body, permission__codename=f"role_{role}"
    ).first()
    return grant.user


def sized():
    """(largest, smallest) of the scale set's OPDs by register size."""
    top = Body.objects.get(slug=scale_data.PROVINCE["slug"])
    opds = (
        Body.objects.filter(parent__in=[top, *top.children.all()], children__isnull=True)
        .annotate(n=Count("items"))
        .order_by("-n", "pk")
    )
    largest, smallest = opds.first(), opds.last()
    assert largest.n >= 3 * smallest.n  # the comparison means something
    return largest, smallest


def count(client, url: str) -> int:
    client.get(url)  # warm: the first request of a session may write (last seen, language)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def in_flight(body: Body) -> Edition:
    return Edition.objects.filter(body=body, kind="dip").exclude(state=Stage.PUBLISHED).get()


def published(body: Body) -> Edition:
    return Edition.objects.filter(body=body, state=Stage.PUBLISHED).order_by("-year").first()


PAGES = {
    # name: (role, url of the body)
    "tasks": ("operator", lambda body: "/tugas/"),
    "tasks (ppid)": ("ppid", lambda body: "/tugas/"),
    "dashboard (atasan)": ("atasan", lambda body: "/dasbor/"),
    "register": ("operator", lambda body: f"/badan/{body.slug}/informasi/"),
    "register search and filter": (
        "operator",
        lambda body: f"/badan/{body.slug}/informasi/?q=laporan&classification=berkala",
    ),
    "register sorted, page 2": (
        "operator",
        lambda body: f"/badan/{body.slug}/informasi/?sort=-produced_at&page=2",
    ),
    "edition in flight": ("ppid", lambda body: f"/edisi/{in_flight(body).pk}/"),
    "edition published": ("ppid", lambda body: f"/edisi/{published(body).pk}/"),
    "compliance report": ("atasan", lambda body: f"/badan/{body.slug}/laporan/"),
    "notices": ("operator", lambda body: "/pemberitahuan/"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(PAGES))
def test_officer_page_queries_do_not_grow_with_the_body(province, client, page):
    role, url = PAGES[page]
    largest, smallest = sized()
    counts = []
    for body in (largest, smallest):
        client.force_login(officer(body, role))
        counts.append(count(client, url(body)))
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries at the large body, {counts[1]}"
    assert counts[0] <= 25


def with_editions(body: Body) -> str:
    """The slug of a body under `body` that has editions (the dashboard's `?body=`)."""
    return (
        Edition.objects.filter(body__parent=body)
        .order_by("pk")
        .values_list("body__slug", flat=True)[0]
    )


UTAMA_PAGES = {
    "tasks": lambda body: "/tugas/",
    "dashboard": lambda body: "/dasbor/",
    "dashboard, one body's editions": lambda body: f"/dasbor/?body={with_editions(body)}",
    "dashboard, page 2": lambda body: "/dasbor/?page=2",
    "dashboard, bodies' page 2": lambda body: "/dasbor/?bodies_page=2",
    "dashboard, a body, a period, page 2": lambda body: (
        f"/dasbor/?body={with_editions(body)}&period=2026&page=2"
    ),
    "audit": lambda body: "/jejak-audit/",
    "audit, transitions only": lambda body: "/jejak-audit/?action=edition.",
    "overview": lambda body: f"/badan/{body.slug}/ikhtisar/",
    "overview, page 2": lambda body: f"/badan/{body.slug}/ikhtisar/?page=2",
    "notices": lambda body: "/pemberitahuan/",
}


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(UTAMA_PAGES))
def test_ppid_utama_pages_do_not_grow_with_the_bodies_overseen(province, client, page):
    """The province's PPID Utama oversees its own OPDs and the kabupaten bodies; a kabupaten's
    PPID Utama its OPDs: different numbers of bodies, editions and audit rows, same queries."""
    top = Body.objects.get(slug=scale_data.PROVINCE["slug"])
    kabupaten = top.children.filter(children__isnull=False).order_by("pk").first()
    counts = []
    for body in (top, kabupaten):
        client.force_login(officer(body, "ppid_utama"))
        counts.append(count(client, UTAMA_PAGES[page](body)))
    assert counts[0] == counts[1], f"{page}: {counts}"
    assert counts[0] <= 25


@pytest.mark.django_db
def test_a_transition_stays_within_its_query_budget(province, django_assert_max_num_queries):
    largest, smallest = sized()
    for body in (largest, smallest):
        edition = in_flight(body)
        while edition.state != Stage.COLLECTION:
            edition = services.edition_transition(
                edition=edition,
                name="return",
                user=officer(body, edition.actor_role),
                note="Kembali.",
            )
        operator, ppid = officer(body, "operator"), officer(body, "ppid")
        with django_assert_max_num_queries(TRANSITION_MAX_QUERIES):
            edition = services.edition_transition(edition=edition, name="submit", user=operator)
        assert edition.state == Stage.VERIFICATION
        with django_assert_max_num_queries(TRANSITION_MAX_QUERIES):
            edition = services.edition_transition(
                edition=edition, name="return", user=ppid, note="Lengkapi ringkasan."
            )
        assert edition.state == Stage.COLLECTION
        # What the transition wrote is all there: the closed step, the open one, the notice.
        assert edition.steps.filter(finished_at=None).get().stage == Stage.COLLECTION
        assert edition.steps.filter(transition="return").exists()


def to_collection(body: Body) -> Edition:
    """The body's DIP in flight, returned (by the service) to collection if it is further."""
    edition = in_flight(body)
    while edition.state != Stage.COLLECTION:
        edition = services.edition_transition(
            edition=edition, name="return", user=officer(body, edition.actor_role), note="K."
        )
    return edition


@pytest.mark.django_db
def test_a_transition_through_the_api_stays_within_the_budget(province, api):
    """The whole request: the token, the edition looked up and locked (with the open step, the
    caller's roles and, for a submit, whether its rows are complete), the transition's writes,
    and the answer (the edition as the transition left it; its history has its own address).
    The same at the largest and the smallest body; nothing in it reads the rows."""
    largest, smallest = sized()
    counts = {}
    for label, body in (("largest", largest), ("smallest", smallest)):
        edition = to_collection(body)
        url = f"/api/editions/{edition.pk}/transitions/"
        for name, role, payload in (
            ("submit", "operator", {}),
            ("return", "ppid", {"note": "Lengkapi ringkasan."}),
        ):
            client = api(officer(body, role).username)
            with CaptureQueriesContext(connection) as captured:
                response = client.post(f"{url}{name}/", payload, format="json")
            assert response.status_code == 200, response.content
            counts[label, name] = len(captured)
            answer = response.json()
            assert answer["state"] == (Stage.VERIFICATION if name == "submit" else Stage.COLLECTION)
            assert answer["items_count"] == edition.entries.count()
            assert "history" not in answer
            assert answer["due_at"] is not None
            assert "items" not in answer
    assert counts["largest", "submit"] == counts["smallest", "submit"], counts
    assert counts["largest", "return"] == counts["smallest", "return"], counts
    # Counted as the tests run it: the service's transaction is a savepoint pair here (two
    # statements production does not send), and they count too.
    assert max(counts.values()) <= TRANSITION_MAX_QUERIES, counts


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["", "items/", "items/?page=2"])
def test_an_editions_detail_and_rows_do_not_grow_with_it(province, api, suffix):
    """The detail carries the rows' count and link, not the rows; the rows come 100 a page."""
    largest, smallest = sized()
    counts = []
    for body in (largest, smallest):
        edition = in_flight(body)
        assert edition.entries.count() > 100  # a second page at both
        client = api(officer(body, "ppid").username)
        url = f"/api/editions/{edition.pk}/{suffix}"
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, response.content
        counts.append(len(captured))
    assert counts[0] == counts[1], f"{suffix}: {counts}"
    assert counts[0] <= 5


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/editions/", "/api/items/", "/api/bodies/"])
def test_api_lists_do_not_grow_with_the_bodies_overseen(province, api, url):
    """A page of editions of many bodies reads the caller's roles once, not per body."""
    top = Body.objects.get(slug=scale_data.PROVINCE["slug"])
    kabupaten = top.children.filter(children__isnull=False).order_by("pk").first()
    counts = []
    for body in (top, kabupaten):
        client = api(officer(body, "ppid_utama").username)
        assert client.get(url).json()["count"] > 2
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], f"{url}: {counts}"
    assert counts[0] <= 6


@pytest.mark.django_db
def test_an_edition_page_shows_its_rows_a_page_at_a_time(province, client):
    largest, _ = sized()
    edition = in_flight(largest)
    while edition.state != Stage.COLLECTION:
        edition = services.edition_transition(
            edition=edition, name="return", user=officer(largest, edition.actor_role), note="x"
        )
    rows = edition.entries.count()
    assert rows > 100
    # Two rows lack a field the document needs: counted over every page, not just this one.
    last_two = list(edition.entries.order_by("-position").values_list("item_id", flat=True)[:2])
    Item.objects.filter(pk__in=last_two).update(summary="")
    client.force_login(officer(largest, "operator"))
    first = client.get(f"/edisi/{edition.pk}/").content.decode()
    assert first.count('<tr id="row-') == 100
    assert "?baris=2" in first and "2 baris belum lengkap" in first
    pages = (rows - 1) // 100 + 1
    last = client.get(f"/edisi/{edition.pk}/?baris={pages}").content.decode()
    assert last.count('<tr id="row-') == rows - 100 * (pages - 1)
    assert all(f'id="row-{pk}"' in last for pk in last_two)
    # The submit check finds them too, without reading every row.
    with pytest.raises(ValidationError) as refused:
        services.edition_transition(
            edition=edition, name="submit", user=officer(largest, "operator")
        )
    assert len(refused.value.message_dict["items"]) == 2


@pytest.mark.django_db
def test_api_item_pages_do_not_grow_with_the_register(province, api):
    """The officers' item list (issue 15): a body's first and last page at the largest and the
    smallest body, and every item a PPID Utama reaches (the province's, a kabupaten's), first
    and last page: the same queries whatever the size, attachments read in one."""
    largest, smallest = sized()
    top = Body.objects.get(slug=scale_data.PROVINCE["slug"])
    kabupaten = top.children.filter(children__isnull=False).order_by("pk").first()
    for body in (largest, smallest):
        for item in Item.objects.filter(body=body).order_by("title", "pk")[:3]:
            Attachment.objects.create(
                item=item,
                file=f"attachments/{body.pk}/{item.pk}/a.pdf",
                original_name="Lampiran.pdf",
                content_type="application/pdf",
                size=100,
                sha256="0" * 64,
            )

    def queries(person, url: str, pages: int) -> list[int]:
        client = api(person.username)
        counted = []
        for page in (1, pages):
            paged = f"{url}{'&' if '?' in url else '?'}page={page}"
            first = client.get(paged)  # warm, and the page is there
            assert first.status_code == 200 and first.json()["results"], paged
            with CaptureQueriesContext(connection) as captured:
                client.get(paged)
            counted.append(len(captured))
        return counted

    counts = {}
    for body in (largest, smallest):
        pages = -(-Item.objects.filter(body=body).count() // 50)
        operator = officer(body, "operator")
        counts[body.slug] = queries(operator, f"/api/items/?body={body.slug}", pages)
    # The token, the body asked for, the per-body counts, the page's rows, their attachments;
    # a PPID Utama's whole list: the same without the body.
    assert counts[largest.slug] == counts[smallest.slug] == [5, 5], counts
    for body in (top, kabupaten):
        utama = officer(body, "ppid_utama")
        pages = -(-items_for_user(utama).count() // 50)
        counts[body.slug] = queries(utama, "/api/items/", pages)
    assert counts[top.slug] == counts[kabupaten.slug] == [4, 4], counts


def by_body_rows(client, url: str) -> int:
    page = client.get(url).content.decode()
    return page.split('class="by-body"', 1)[1].split("</table>", 1)[0].count('<th scope="row">')


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/dasbor/", "/dasbor/?bodies_page=2", "/dasbor/?bodies_page=99"])
def test_the_dashboard_does_not_grow_with_every_body_of_the_province(
    province, client, monkeypatch, url
):
    """A superuser reaches every body (615 in the full scale set), the province's PPID Utama its
    OPDs and kabupaten, a kabupaten's PPID Utama its OPDs. Each sees the per-body table a page
    at a time, in the same queries whether the page holds one row or every body's row."""
    top = Body.objects.get(slug=scale_data.PROVINCE["slug"])
    kabupaten = top.children.filter(children__isnull=False).order_by("pk").first()
    admin = User.objects.create_superuser("scale-admin", "admin@example.invalid", "x")
    counts, rows = {}, {}
    for person in (admin, officer(top, "ppid_utama"), officer(kabupaten, "ppid_utama")):
        client.force_login(person)
        for per_page in (1, 1000):
            monkeypatch.setattr(task_views, "BODIES_PER_PAGE", per_page)
            counts[person.username, per_page] = count(client, url)
            rows[person.username, per_page] = by_body_rows(client, url)
    names = [admin.username, officer(top, "ppid_utama").username]
    names.append(officer(kabupaten, "ppid_utama").username)
    for name in names:
        assert counts[name, 1] == counts[name, 1000] <= 25, counts
        assert rows[name, 1] == 1 < rows[name, 1000], rows
    # The superuser reaches the most bodies; the PPID Utama have the same page, query for query
    # (the superuser reads no roles).
    assert rows[names[0], 1000] > rows[names[1], 1000], rows
    assert counts[names[1], 1] == counts[names[2], 1], counts
