"""The berita acara uji konsekuensi (issue 12 rule 4): the tim pertimbangan writes where and when
it met and who of the body's tim was present; without it the consideration is not passed on.
Only the tim of that body, at the consideration stage, writes it; bad input stores nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from dip.models import ConsiderationRecord, Edition, Stage
from ppid.models import Body, Officer, Role
from tests.factories import OfficerFactory
from tests.helpers import consider_rows, edition_at, officers_of
from workflow.models import AuditEntry

pytestmark = pytest.mark.django_db

KUBU = "disdukcapil-kubu-raya"
KALBAR = "disdukcapil-kalbar"
User = get_user_model()


@pytest.fixture
def dik(seeded) -> Edition:
    """A DIK of seed 004 at the consideration stage, every row agreed, no berita acara yet."""
    edition = edition_at(KUBU, Stage.CONSIDERATION, title="DIK 2026")
    consider_rows(edition, officers_of(edition.body)["tim"])
    return edition


def page(edition: Edition) -> str:
    return f"/edisi/{edition.pk}/berita-acara/"


def tim_user() -> User:
    return User.objects.get(username=f"{KUBU}.tim")


def stored() -> tuple:
    return (
        list(ConsiderationRecord.objects.values_list("edition_id", "place", "held_on", "members")),
        AuditEntry.objects.filter(action="consideration_record.save").count(),
    )


def form_data(**fields) -> dict:
    return {
        "place": "Ruang rapat Disdukcapil Kubu Raya",
        "held_on": timezone.localdate().isoformat(),
        "members": [tim_user().pk],
        "opening": "Tim pertimbangan menguji konsekuensi informasi yang dikecualikan.",
        **fields,
    }


def test_consider_without_the_record_is_refused_and_stores_nothing(dik, api):
    before = (Edition.objects.get(pk=dik.pk).state, AuditEntry.objects.count())
    response = api(f"{KUBU}.tim").post(f"/api/editions/{dik.pk}/transitions/consider/", {})
    assert response.status_code == 400, response.content
    assert "berita acara" in " ".join(response.json()["consideration_record"])
    assert (Edition.objects.get(pk=dik.pk).state, AuditEntry.objects.count()) == before


def test_consider_without_the_record_shows_the_error_on_the_page(dik, login):
    client = login(f"{KUBU}.tim")
    response = client.post(
        f"/edisi/{dik.pk}/aksi/consider/",
        {"note": "", "expected_state": "consideration"},
        follow=True,
    )
    assert "Tulis berita acara uji konsekuensi" in response.content.decode()
    assert Edition.objects.get(pk=dik.pk).state == Stage.CONSIDERATION


def test_the_tim_writes_the_record_on_its_page_then_passes_it_on(dik, login):
    tim = tim_user()
    Officer.objects.update_or_create(user=tim, defaults={"position": "Sekretaris Dinas"})
    client = login(f"{KUBU}.tim")
    shown = client.get(page(dik)).content.decode()
    assert "Sekretaris Dinas" in shown  # the candidates are named with their position

    response = client.post(page(dik), form_data(), follow=True)
    assert response.status_code == 200
    assert "Berita acara uji konsekuensi disimpan" in response.content.decode()
    record = ConsiderationRecord.objects.get(edition=dik)
    assert record.place == "Ruang rapat Disdukcapil Kubu Raya"
    assert record.held_on == timezone.localdate()
    assert record.members == [
        {"user": tim.pk, "name": tim.get_full_name(), "position": "Sekretaris Dinas"}
    ]
    assert AuditEntry.objects.filter(
        action="consideration_record.save", edition=dik, actor=tim
    ).exists()

    client.post(f"/edisi/{dik.pk}/aksi/consider/", {"note": "", "expected_state": "consideration"})
    assert Edition.objects.get(pk=dik.pk).state == Stage.APPROVAL


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"place": "  "}, "place", ""),
        (
            {"held_on": (date.today() + timedelta(days=3)).isoformat()},
            "held_on",
            "Tanggal tidak boleh di masa depan",
        ),
        ({"members": []}, "members", ""),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_stored(
    dik, login, fields, field, message
):
    before = stored()
    response = login(f"{KUBU}.tim").post(page(dik), form_data(**fields))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors.get(field), form.errors
    if message:
        assert message in response.content.decode()
    assert stored() == before


def test_a_member_outside_the_bodys_tim_is_refused_by_the_service(dik, api):
    before = stored()
    operator = User.objects.get(username=f"{KUBU}.operator")
    other_tim = OfficerFactory(body=Body.objects.get(slug=KALBAR), roles=[Role.TIM])
    for outsider in (operator, other_tim):
        response = api(f"{KUBU}.tim").put(
            f"/api/editions/{dik.pk}/consideration-record/",
            {"place": "Sungai Raya", "held_on": "2026-01-05", "member_ids": [outsider.pk]},
            format="json",
        )
        assert response.status_code == 400, response.content
        assert response.json()["members"]
    assert stored() == before


@pytest.mark.parametrize("role", ["operator", "ppid", "atasan"])
def test_only_the_tim_writes_the_record(dik, login, api, role):
    before = stored()
    assert login(f"{KUBU}.{role}").post(page(dik), form_data()).status_code == 403
    response = api(f"{KUBU}.{role}").put(
        f"/api/editions/{dik.pk}/consideration-record/",
        {"place": "Sungai Raya", "held_on": "2026-01-05", "member_ids": [tim_user().pk]},
        format="json",
    )
    assert response.status_code == 403, response.content
    assert stored() == before


def test_the_tim_of_another_body_does_not_reach_the_record(dik, login, api):
    outsider = OfficerFactory(body=Body.objects.get(slug=KALBAR), roles=[Role.TIM])
    before = stored()
    client = login(outsider.username)
    assert client.post(page(dik), form_data()).status_code == 404
    response = api(outsider.username).put(
        f"/api/editions/{dik.pk}/consideration-record/",
        {"place": "X", "held_on": "2026-01-05", "member_ids": [outsider.pk]},
        format="json",
    )
    assert response.status_code == 404
    assert stored() == before


def test_after_the_consideration_the_record_is_read_only(dik, login, api):
    tim = api(f"{KUBU}.tim")
    payload = {"place": "Sungai Raya", "held_on": "2026-01-05", "member_ids": [tim_user().pk]}
    assert (
        tim.put(f"/api/editions/{dik.pk}/consideration-record/", payload, format="json").status_code
        == 200
    )
    assert tim.post(f"/api/editions/{dik.pk}/transitions/consider/", {}).status_code == 200
    before = stored()

    again = tim.put(
        f"/api/editions/{dik.pk}/consideration-record/", {**payload, "place": "Lain"}, format="json"
    )
    assert again.status_code == 400
    assert login(f"{KUBU}.tim").post(page(dik), form_data(place="Lain")).status_code == 403
    assert stored() == before
    # Everyone who sees the edition reads it.
    read = api(f"{KUBU}.atasan").get(f"/api/editions/{dik.pk}/consideration-record/")
    assert read.status_code == 200
    assert read.json()["place"] == "Sungai Raya"
    assert "Sungai Raya" in login(f"{KUBU}.atasan").get(page(dik)).content.decode()


def test_a_return_to_the_tim_asks_for_a_new_record(dik, api):
    tim = api(f"{KUBU}.tim")
    payload = {"place": "Sungai Raya", "held_on": "2026-01-05", "member_ids": [tim_user().pk]}
    tim.put(f"/api/editions/{dik.pk}/consideration-record/", payload, format="json")
    assert tim.post(f"/api/editions/{dik.pk}/transitions/consider/", {}).status_code == 200
    returned = api(f"{KUBU}.atasan").post(
        f"/api/editions/{dik.pk}/transitions/return/",
        {"note": "Tambahkan pertimbangan kepentingan publik."},
        format="json",
    )
    assert returned.status_code == 200, returned.content
    assert returned.json()["state"] == Stage.CONSIDERATION
    assert not ConsiderationRecord.objects.filter(edition=dik).exists()
    assert tim.get(f"/api/editions/{dik.pk}/consideration-record/").status_code == 404
