"""Officers' notices: the bell with its unread count, the list (own notices only), opening one
marks it read, "mark all read" asks first; and each notice is e-mailed once, in Indonesian,
with the link to its task."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dip.models import Stage
from tests.helpers import edition_at
from workflow import tasks
from workflow.models import Notice, NoticeKind, Step
from workflow.services.notices import notice_email_send, notify

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_eager")]
User = get_user_model()
WIB = ZoneInfo("Asia/Pontianak")
KALBAR = "disdukcapil-kalbar"
KUBU = "disdukcapil-kubu-raya"
PPID = f"{KALBAR}.ppid"
T0 = datetime(2027, 3, 1, 8, 0, tzinfo=WIB)


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PPID_PUBLIC_BASE_URL = "https://ppid.example.go.id"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(execute=True):` runs what waits for the commit (the e-mail task) at the
    end of the block, as the commit of a real request or task would."""
    return django_capture_on_commit_callbacks


def text(response) -> str:
    return response.content.decode()


def give(username: str, n: int, *, key: str = "uji", url: str = "/tugas/", at=T0) -> Notice:
    """Notice number n for the user, created at `at` + n minutes."""
    with time_machine.travel(at + timedelta(minutes=n), tick=False):
        (notice,) = notify(
            recipients=[User.objects.get(username=username)],
            kind=NoticeKind.OVERDUE,
            key=f"{key}:{n}",
            title=f"Pemberitahuan nomor {n}",
            message=f"Isi pemberitahuan {n}.",
            url=url,
        )
    return notice


def listed_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="notice-(\d+)"', text(response))]


# --- the bell ------------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count_on_every_officer_page(seeded, login):
    first, *_ = (give(PPID, n) for n in range(3))
    Notice.objects.filter(pk=first.pk).update(read_at=T0)
    give(f"{KUBU}.ppid", 9)  # someone else's

    page = text(login(PPID).get("/badan/"))

    assert 'href="/pemberitahuan/"' in page
    assert re.search(
        r'<span class="badge" id="notice-unread" aria-label="2 pemberitahuan '
        r'belum dibaca">2</span>',
        page,
    )
    Notice.objects.filter(recipient__username=PPID).update(read_at=T0)
    assert 'id="notice-unread"' not in text(login(PPID).get("/badan/"))


def test_the_bell_costs_one_query(seeded, login):
    give(PPID, 1)
    client = login(PPID)
    client.get("/badan/")  # warm the session and content types

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/badan/").status_code == 200

    on_notices = [q["sql"] for q in captured if '"workflow_notice"' in q["sql"]]
    assert len(on_notices) == 1 and "COUNT(" in on_notices[0].upper(), on_notices


# --- the list ------------------------------------------------------------------------------


def test_the_list_shows_my_notices_newest_first_unread_marked(seeded, login):
    old, new = give(PPID, 1), give(PPID, 2)
    Notice.objects.filter(pk=old.pk).update(read_at=T0 + timedelta(hours=1))
    other = give(f"{KUBU}.ppid", 3)

    response = login(PPID).get("/pemberitahuan/")

    assert response.status_code == 200
    page = text(response)
    assert "<h1>Pemberitahuan</h1>" in page
    assert listed_ids(response) == [new.pk, old.pk]
    assert other.title not in page and f"/pemberitahuan/{other.pk}/buka/" not in page
    assert f'<li class="notice unread" id="notice-{new.pk}">' in page
    assert f'<li class="notice" id="notice-{old.pk}">' in page
    assert page.count("Belum dibaca") == 1
    assert "Isi pemberitahuan 2." in page and "Terlambat" in page
    assert f'action="/pemberitahuan/{new.pk}/buka/"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'href="/pemberitahuan/tandai-dibaca/"' in page


def test_the_list_is_paginated_and_answers_htmx_with_the_list_only(seeded, login):
    made = [give(PPID, n) for n in range(25)]
    client = login(PPID)

    first = client.get("/pemberitahuan/")
    second = client.get("/pemberitahuan/", {"page": 2})
    partial = client.get("/pemberitahuan/", {"page": 2}, HTTP_HX_REQUEST="true")

    newest_first = [n.pk for n in reversed(made)]
    assert listed_ids(first) == newest_first[:20]
    assert "Halaman 1 dari 2" in text(first) and "?page=2" in text(first)
    assert listed_ids(second) == newest_first[20:]
    assert listed_ids(partial) == newest_first[20:]
    assert "<html" not in text(partial) and "<html" in text(second)
    assert "HX-Request" in partial["Vary"]


def test_no_notices_says_so(seeded, login):
    page = text(login(PPID).get("/pemberitahuan/"))
    assert "Belum ada pemberitahuan." in page
    assert "/pemberitahuan/tandai-dibaca/" not in page


@pytest.mark.parametrize(
    "method,url",
    [("get", "/pemberitahuan/"), ("get", "/pemberitahuan/tandai-dibaca/")],
)
def test_anonymous_is_sent_to_sign_in(seeded, client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")


# --- opening one ---------------------------------------------------------------------------


def test_opening_a_notice_marks_it_read_and_goes_to_its_task(seeded, login):
    edition = edition_at(KALBAR, Stage.VERIFICATION, title="DIP Uji")
    notice = give(PPID, 1, url=f"/edisi/{edition.pk}/")

    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        client = login(PPID)  # signed in at that time, so the session is fresh
        response = client.post(f"/pemberitahuan/{notice.pk}/buka/")

    assert response.status_code == 302 and response["Location"] == f"/edisi/{edition.pk}/"
    notice.refresh_from_db()
    assert notice.read_at == T0 + timedelta(days=1)
    assert client.get(response["Location"]).status_code == 200
    # Opening it again keeps the first reading.
    client.post(f"/pemberitahuan/{notice.pk}/buka/")
    notice.refresh_from_db()
    assert notice.read_at == T0 + timedelta(days=1)


def test_someone_elses_notice_is_404_and_stays_unread(seeded, login):
    theirs = give(f"{KUBU}.ppid", 1)

    response = login(PPID).post(f"/pemberitahuan/{theirs.pk}/buka/")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert login(PPID).post("/pemberitahuan/999999/buka/").status_code == 404


def test_opening_needs_post_with_the_csrf_token(seeded):
    notice = give(PPID, 1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username=PPID))

    assert client.get(f"/pemberitahuan/{notice.pk}/buka/").status_code == 405
    assert client.post(f"/pemberitahuan/{notice.pk}/buka/").status_code == 403
    notice.refresh_from_db()
    assert notice.read_at is None


def test_a_notice_pointing_elsewhere_is_not_followed_off_site(seeded, login):
    notice = give(PPID, 1, url="https://elsewhere.example.com/")

    response = login(PPID).post(f"/pemberitahuan/{notice.pk}/buka/")

    assert response["Location"] == "/pemberitahuan/"


# --- mark all read -------------------------------------------------------------------------


def test_mark_all_read_asks_first_then_marks_only_mine(seeded, login):
    mine = [give(PPID, n) for n in range(3)]
    theirs = give(f"{KUBU}.ppid", 9)
    client = login(PPID)

    ask = client.get("/pemberitahuan/tandai-dibaca/")
    assert ask.status_code == 200
    assert "Ada 3 pemberitahuan yang belum dibaca" in text(ask)
    assert "Ya, tandai semua sudah dibaca" in text(ask)
    assert Notice.objects.filter(pk__in=[n.pk for n in mine], read_at=None).count() == 3

    done = client.post("/pemberitahuan/tandai-dibaca/", follow=True)

    assert done.redirect_chain == [("/pemberitahuan/", 302)]
    assert "3 pemberitahuan ditandai sudah dibaca." in text(done)
    assert not Notice.objects.filter(recipient__username=PPID, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert 'id="notice-unread"' not in text(done)
    assert "Tidak ada pemberitahuan yang belum dibaca." in text(
        client.get("/pemberitahuan/tandai-dibaca/")
    )


def test_mark_all_read_without_the_csrf_token_changes_nothing(seeded):
    give(PPID, 1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username=PPID))

    assert client.post("/pemberitahuan/tandai-dibaca/").status_code == 403
    assert Notice.objects.filter(recipient__username=PPID, read_at=None).count() == 1


# --- e-mail --------------------------------------------------------------------------------


def _with_email(*usernames: str) -> None:
    for name in usernames:
        User.objects.filter(username=name).update(email=f"{name}@ppid.example.go.id")


def _overdue_step():
    with time_machine.travel(T0, tick=False):
        edition = edition_at(KALBAR, Stage.VERIFICATION, title="DIP Kalbar 2027")
    step = Step.objects.get(edition=edition, finished_at=None)
    due = T0 + timedelta(hours=1)
    Step.objects.filter(pk=step.pk).update(due_at=due, remind_at=None, next_notice_at=due)
    return edition, step, due


def test_each_notice_is_mailed_once_in_indonesian_with_the_link(seeded, committed):
    _with_email(PPID)
    edition, step, due = _overdue_step()

    with time_machine.travel(due, tick=False):
        for _ in range(2):
            with committed(execute=True):
                tasks.sweep_step_clock()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [f"{PPID}@ppid.example.go.id"]
    assert message.subject == "[PPID] Terlambat: tahap Verifikasi “DIP Kalbar 2027”"
    assert message.body.startswith("Yth. Ketua PPID Pembantu,\n\n")
    assert "Batas waktu sudah lewat dan tahap ini belum selesai (terlambat)." in message.body
    assert "Edisi: DIP Kalbar 2027" in message.body
    assert "Tahap: Verifikasi" in message.body
    assert "Batas waktu: Senin, 1 Maret 2027 09:00 WIB" in message.body
    assert f"Buka tugas: https://ppid.example.go.id/edisi/{edition.pk}/\n" in message.body
    assert "mohon tidak membalas" in message.body
    notice = Notice.objects.get(key=f"step:{step.pk}:overdue")
    assert notice.emailed_at is not None


def test_a_redelivered_email_task_does_not_mail_twice(seeded, committed):
    _with_email(PPID)
    with committed(execute=True):
        notice = give(PPID, 1)
    assert len(mail.outbox) == 1

    assert tasks.send_notice_email.apply(args=[notice.pk]).get() is False
    assert notice_email_send(notice_id=notice.pk) is False

    assert len(mail.outbox) == 1


def test_a_failed_send_releases_the_claim_so_the_retry_mails(seeded, committed):
    _with_email(PPID)
    with committed(execute=False) as callbacks:  # committed; the e-mail task has not run
        notice = give(PPID, 1)
    assert len(callbacks) == 1 and mail.outbox == []

    with (
        mock.patch("workflow.services.notices.send_mail", side_effect=OSError("SMTP down")),
        pytest.raises(OSError),
    ):
        notice_email_send(notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.emailed_at is None and mail.outbox == []

    assert notice_email_send(notice_id=notice.pk) is True
    assert len(mail.outbox) == 1


def test_officers_without_an_address_get_the_bell_only(seeded, committed):
    assert User.objects.get(username=PPID).email == ""

    with committed(execute=True):
        give(PPID, 1)

    assert Notice.objects.filter(recipient__username=PPID).count() == 1
    assert mail.outbox == []
