"""The three seed SOPs walked end to end through the JSON API only.

Each flow opens an edition, adds the body's items, runs every stage as the role that must act
(read from `actor_role`), returns the edition at every stage whose SOP step allows it, and checks
after every step the state, who acts next and the deadline stored for the stage that opened.
What a stage needs before it is passed on is written through the API too: seed 000's Nota Dinas
(PUT, then issued by `instruct`) and seed 004's consideration of every row by the tim (POST).
Time is frozen (time-machine, tick=False) and moved by hand, so durations and deadlines are exact.
Signing is wrapped in `django_capture_on_commit_callbacks(execute=True)`: the publication task
queued on commit runs eagerly, and the public API then shows the signed rows, which later edits
of the items never change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from dip.models import Edition, EditionRow, Item
from dip.serializers import DIK_COLUMNS
from ppid.celery import app as celery_app
from workflow.models import AuditEntry, Step

WIB = ZoneInfo("Asia/Pontianak")
DINSOS = "dinsos-p3a-kapuas-hulu"
KALBAR = "disdukcapil-kalbar"
KUBU = "disdukcapil-kubu-raya"

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

NOTA_DINAS = {
    "number": "800/015/PPID-DINSOSP3A/2027",
    "dated": "2027-01-04",
    "addressed_to": "Para Kepala Bidang dan Sekretaris Dinas Sosial P3A",
    "subject": "Pengumpulan dan klasifikasi informasi publik tahun 2027",
    "content": "Setiap bidang menyampaikan daftar informasi publik yang dikuasai beserta "
    "klasifikasinya paling lambat satu hari sejak nota dinas ini diterima.",
}


@pytest.fixture(autouse=True)
def _eager_celery():
    """The publication task runs in-process, whatever CELERY_TASK_ALWAYS_EAGER says."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


# The SOP standard in seconds, as the audit states it: amount times unit, a day being one
# office day of the default hours (Monday to Thursday 07:30-16:00: 8 h 30 min).
UNIT_SECONDS = {"menit": 60, "jam": 3600, "hari": 30600, "hari_kerja": 30600}


def _standard(step: Step) -> int:
    return step.standard_amount * UNIT_SECONDS[step.standard_unit]


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass
class Flow:
    """Drives one edition through the API and records what the history must show."""

    api: object
    traveller: object
    slug: str
    kind: str
    edition_id: int | None = None
    expected_history: list[dict] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"/api/editions/{self.edition_id}/"

    def now(self) -> datetime:
        from django.utils import timezone

        return timezone.now()

    def detail(self, username: str | None = None) -> dict:
        response = self.api(username or f"{self.slug}.operator").get(self.url)
        assert response.status_code == 200, response.content
        return response.json()

    def rows(self, username: str | None = None) -> list[dict]:
        """Every row of the edition, following `items_url` page by page."""
        client = self.api(username or f"{self.slug}.operator")
        url, rows = self.detail(username)["items_url"], []
        while url:
            response = client.get(url)
            assert response.status_code == 200, response.content
            rows += response.json()["results"]
            url = response.json()["next"]
        return rows

    def open(self, *, year: int, title: str) -> dict:
        response = self.api(f"{self.slug}.operator").post(
            "/api/editions/",
            {"body": self.slug, "kind": self.kind, "year": year, "title": title},
            format="json",
        )
        assert response.status_code == 201, response.content
        data = response.json()
        self.edition_id = data["id"]
        assert data["body"] == self.slug
        assert data["kind"] == self.kind
        assert data["year"] == year
        assert data["title"] == title
        assert data["items_count"] == 0
        assert data["items_url"] == f"http://testserver{self.url}items/"
        assert self.rows() == []
        assert data["history_url"] == f"http://testserver{self.url}history/"
        assert self.api(f"{self.slug}.operator").get(data["history_url"]).json() == []
        return data

    def add_all_items(self) -> list[int]:
        operator = self.api(f"{self.slug}.operator")
        listed = operator.get("/api/items/", {"body": self.slug})
        assert listed.status_code == 200, listed.content
        ids = [row["id"] for row in listed.json()["results"]]
        assert ids, "the seed gives every body a register"
        response = operator.post(f"{self.url}items/", {"items": ids}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["items_count"] == len(ids)
        entries = self.rows()
        assert sorted(e["id"] for e in entries) == sorted(ids)
        assert all(e["missing_fields"] == [] for e in entries), entries
        return ids

    def act(
        self,
        name: str,
        *,
        after: timedelta,
        to: str,
        next_role: str | None,
        note: str = "",
    ) -> dict:
        """Wait `after`, then run `name` as the role the edition names; check where it went."""
        current = self.detail()
        role = current["actor_role"]
        username = f"{self.slug}.{role}"
        actor = self.api(username)
        # The actor is offered the transition; the current step was opened when the last ended.
        assert name in actor.get(self.url).json()["transitions"], (name, role)
        step = Step.objects.get(edition_id=self.edition_id, finished_at=None)
        assert step.stage == current["state"]
        self.traveller.shift(after)
        payload = {"note": note}
        if to == "publication":
            # The signature records the decree (Keputusan) that sets the list.
            payload["decree_number"] = f"188.4/{self.edition_id}/PPID/2026"
            payload["decree_date"] = self.now().astimezone(WIB).date().isoformat()
        response = actor.post(f"{self.url}transitions/{name}/", payload, format="json")
        assert response.status_code == 200, (name, response.status_code, response.content)
        data = response.json()
        assert data["state"] == to, (name, data["state"])
        assert data["actor_role"] == next_role, (name, data["actor_role"])
        assert Edition.objects.get(pk=self.edition_id).state == to
        self.expected_history.append(
            {
                "transition": name,
                "from_state": current["state"],
                "to_state": to,
                "actor": username,
                "note": note,
                "duration_seconds": int(after.total_seconds()),
                "standard_seconds": _standard(step),
                "due_at": step.due_at,
                "on_time": after <= step.due_at - step.started_at,
            }
        )
        return data

    def write_nota_dinas(self) -> dict:
        """The Ketua PPID writes the Nota Dinas to the units; issuing it is `instruct`."""
        ppid = self.api(f"{self.slug}.ppid")
        response = ppid.put(f"{self.url}nota-dinas/", NOTA_DINAS, format="json")
        assert response.status_code == 200, response.content
        data = response.json()
        assert {k: data[k] for k in NOTA_DINAS} == NOTA_DINAS
        assert data["written_by"] == f"{self.slug}.ppid"
        assert data["issued_at"] is None
        return data

    def consider_rows(self, item_ids: list[int]) -> None:
        """The tim records its consideration (agree) for every row before passing it on."""
        tim = self.api(f"{self.slug}.tim")
        for item_id in item_ids:
            response = tim.post(
                f"{self.url}considerations/",
                {"item": item_id, "decision": "agree", "note": ""},
                format="json",
            )
            assert response.status_code == 200, response.content
            assert response.json()["decision"] == "agree"
        listed = tim.get(f"{self.url}considerations/")
        assert listed.status_code == 200, listed.content
        assert sorted(c["item"] for c in listed.json()) == sorted(item_ids)
        assert {c["decided_by"] for c in listed.json()} == {f"{self.slug}.tim"}
        # ... and writes its berita acara uji konsekuensi (place, date, the members present).
        member = get_user_model().objects.get(username=f"{self.slug}.tim")
        record = tim.put(
            f"{self.url}consideration-record/",
            {
                "place": "Sungai Raya",
                "held_on": timezone.localdate(self.now()).isoformat(),
                "member_ids": [member.pk],
            },
            format="json",
        )
        assert record.status_code == 200, record.content
        assert [m["user"] for m in record.json()["members"]] == [member.pk]

    def assert_open_step(
        self, data: dict, *, stage: str, role: str, due: datetime, explained: str | None = None
    ) -> None:
        """The stage that just opened stores its deadline, and the API shows it and how it was
        counted."""
        step = Step.objects.get(edition_id=self.edition_id, finished_at=None)
        assert step.stage == stage
        assert step.role == role
        assert step.started_at == self.now()
        assert step.due_at == due, (stage, step.due_at, due)
        assert _parse(data["due_at"]) == due
        assert data["due_explanation"] == step.due_explanation
        local = due.astimezone(WIB)
        assert step.due_explanation.split(";")[0].endswith(f" {local:%Y-%m-%d %H:%M}")
        if explained is not None:
            assert step.due_explanation == explained


def _assert_history(flow: Flow) -> None:
    response = flow.api(f"{flow.slug}.operator").get(f"{flow.url}history/")
    assert response.status_code == 200, response.content
    history = response.json()
    keys = [
        "transition",
        "from_state",
        "to_state",
        "actor",
        "note",
        "duration_seconds",
        "standard_seconds",
        "due_at",
        "on_time",
    ]
    got = [{k: h[k] for k in keys} | {"due_at": _parse(h["due_at"])} for h in history]
    assert got == flow.expected_history
    assert all(h["at"] for h in history)
    # The detail view points to that history.
    assert flow.detail()["history_url"] == f"http://testserver{flow.url}history/"
    # One audit row per transition, written with the transition itself.
    audited = AuditEntry.objects.filter(edition_id=flow.edition_id).exclude(transition="")
    assert audited.count() == len(flow.expected_history)


def _sign_and_publish(flow: Flow, name: str, *, after: timedelta, django_capture) -> dict:
    with django_capture(execute=True) as callbacks:
        data = flow.act(name, after=after, to="publication", next_role="system")
        # Signed, not yet published while the transaction is open.
        assert data["signed_at"] is not None
        assert data["decree_number"] == f"188.4/{flow.edition_id}/PPID/2026"
        assert data["published_at"] is None
        assert Edition.objects.get(pk=flow.edition_id).state == "publication"
    assert callbacks, "signing must queue the publication on commit"
    edition = Edition.objects.get(pk=flow.edition_id)
    assert edition.state == "published"
    assert edition.published_at == flow.now()
    # The publication step closed; nothing is left open.
    assert not Step.objects.filter(edition=edition, finished_at=None).exists()
    return data


def _assert_public(flow: Flow, item_ids: list[int], *, kind: str) -> list[dict]:
    response = flow.api().get(f"/api/public/bodies/{flow.slug}/{kind}/")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["edition"]["id"] == flow.edition_id
    assert data["edition"]["kind"] == kind
    assert data["edition"]["published_at"] is not None
    rows = data["rows"]
    assert [r["number"] for r in rows] == list(range(1, len(item_ids) + 1))
    titles = set(Item.objects.filter(pk__in=item_ids).values_list("title", flat=True))
    assert {r["title"] for r in rows} == titles
    return rows


def _assert_frozen(flow: Flow, item_id: int, public_rows: list[dict], *, kind: str) -> None:
    """Editing an item after signing changes the register, never the signed rows."""
    operator = flow.api(f"{flow.slug}.operator")
    response = operator.patch(
        f"/api/items/{item_id}/",
        {"title": "Judul diubah setelah ditandatangani", "retention": "99 tahun"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert Item.objects.get(pk=item_id).title == "Judul diubah setelah ditandatangani"
    again = flow.api().get(f"/api/public/bodies/{flow.slug}/{kind}/")
    assert again.status_code == 200
    assert again.json()["rows"] == public_rows
    signed_titles = {r["title"] for r in flow.rows()}
    assert "Judul diubah setelah ditandatangani" not in signed_titles
    assert not EditionRow.objects.filter(
        edition_id=flow.edition_id, title="Judul diubah setelah ditandatangani"
    ).exists()


def test_seed_000_dinsos_dip_with_nota_dinas_and_two_returns(
    seeded, api, django_capture_on_commit_callbacks
):
    start = datetime(2027, 1, 4, 8, 0, tzinfo=WIB)  # a Monday
    with time_machine.travel(start, tick=False) as traveller:
        flow = Flow(api, traveller, DINSOS, "dip")
        data = flow.open(year=2027, title="DIP 2027")
        # Step 1: identification by the operator, 1 hari: an office day (issue 16). Received
        # Monday; Tuesday 5 January 2027 is Isra Mikraj → Wednesday at closing time.
        assert data["state"] == "identification"
        assert data["actor_role"] == "operator"
        wednesday_close = datetime(2027, 1, 6, 16, 0, tzinfo=WIB)
        flow.assert_open_step(
            data,
            stage="identification",
            role="operator",
            due=wednesday_close,
            explained="Rabu 2027-01-06 16:00; dilewati: Selasa 2027-01-05 "
            "(Isra Mikraj Nabi Muhammad)",
        )
        item_ids = flow.add_all_items()

        data = flow.act("identify", after=2 * HOUR, to="instruction", next_role="ppid")
        # Step 2: the Ketua PPID's Nota Dinas, 15 menit.
        flow.assert_open_step(data, stage="instruction", role="ppid", due=flow.now() + 15 * MINUTE)

        # The Nota Dinas is written first; `instruct` issues it.
        flow.write_nota_dinas()
        data = flow.act("instruct", after=10 * MINUTE, to="collection", next_role="operator")
        nota = api(f"{DINSOS}.operator").get(f"{flow.url}nota-dinas/")
        assert nota.status_code == 200, nota.content
        assert _parse(nota.json()["issued_at"]) == flow.now()
        assert {k: nota.json()[k] for k in NOTA_DINAS} == NOTA_DINAS
        # Step 3: collection and classification, 1 hari → Wednesday at closing time.
        flow.assert_open_step(data, stage="collection", role="operator", due=wednesday_close)

        data = flow.act("submit", after=5 * HOUR, to="verification", next_role="ppid")
        # Step 4: the PPID checks, 15 menit.
        flow.assert_open_step(data, stage="verification", role="ppid", due=flow.now() + 15 * MINUTE)

        # Reject → back to the officer (collection), a fresh 1-hari clock.
        data = flow.act(
            "return",
            after=10 * MINUTE,
            to="collection",
            next_role="operator",
            note="Lengkapi ringkasan isi informasi.",
        )
        flow.assert_open_step(data, stage="collection", role="operator", due=wednesday_close)

        # Monday 16:20, after closing time (16:00); Tuesday 5 January 2027 is Isra Mikraj: the
        # 15 office minutes run on Wednesday morning.
        data = flow.act("submit", after=HOUR, to="verification", next_role="ppid")
        assert flow.now() == datetime(2027, 1, 4, 16, 20, tzinfo=WIB)
        wednesday_0745 = datetime(2027, 1, 6, 7, 45, tzinfo=WIB)
        flow.assert_open_step(
            data,
            stage="verification",
            role="ppid",
            due=wednesday_0745,
            explained="Rabu 2027-01-06 07:45; dilewati: Selasa 2027-01-05 "
            "(Isra Mikraj Nabi Muhammad)",
        )

        data = flow.act("verify", after=5 * MINUTE, to="approval", next_role="atasan")
        # Step 5: the Kepala OPD checks, 15 menit.
        flow.assert_open_step(data, stage="approval", role="atasan", due=wednesday_0745)

        # Disagree → back to the Ketua PPID (verification); 20 minutes: 5 past the standard.
        data = flow.act(
            "return",
            after=20 * MINUTE,
            to="verification",
            next_role="ppid",
            note="Periksa kembali klasifikasi berkala.",
        )
        flow.assert_open_step(data, stage="verification", role="ppid", due=wednesday_0745)

        data = flow.act("verify", after=5 * MINUTE, to="approval", next_role="atasan")
        flow.assert_open_step(data, stage="approval", role="atasan", due=wednesday_0745)

        # Step 5 agree → sign; step 6: publication by the system, 30 menit.
        data = _sign_and_publish(
            flow, "sign", after=10 * MINUTE, django_capture=django_capture_on_commit_callbacks
        )
        publication = Step.objects.get(edition_id=flow.edition_id, stage="publication")
        assert publication.role == "system"
        # Signed at 17:00 on Monday: 30 office minutes on Wednesday morning.
        assert publication.due_at == datetime(2027, 1, 6, 8, 0, tzinfo=WIB)
        assert _parse(data["due_at"]) == publication.due_at
        edition = Edition.objects.get(pk=flow.edition_id)
        assert edition.signed_by.username == f"{DINSOS}.atasan"
        flow.expected_history.append(
            {
                "transition": "publish",
                "from_state": "publication",
                "to_state": "published",
                "actor": None,
                "note": "",
                "duration_seconds": 0,
                "standard_seconds": _standard(publication),
                "due_at": publication.due_at,
                "on_time": True,
            }
        )
        _assert_history(flow)

        published = flow.detail()
        assert published["state"] == "published"
        assert published["actor_role"] is None
        assert published["transitions"] == []
        assert published["due_at"] is None

        rows = _assert_public(flow, item_ids, kind="dip")
        # A DIP lists serta merta first, then berkala, then setiap saat.
        order = {"serta_merta": 0, "berkala": 1, "setiap_saat": 2}
        assert [order[r["classification"]] for r in rows] == sorted(
            order[r["classification"]] for r in rows
        )
        berkala = [r for r in rows if r["classification"] == "berkala"]
        assert berkala and all(r["update_period_months"] in range(1, 7) for r in berkala)
        assert api().get(f"/api/public/bodies/{DINSOS}/dik/").status_code == 404
        _assert_frozen(flow, item_ids[0], rows, kind="dip")


def test_seed_002_disdukcapil_kalbar_dip_without_atasan(
    seeded, api, django_capture_on_commit_callbacks
):
    start = datetime(2027, 1, 4, 8, 0, tzinfo=WIB)
    with time_machine.travel(start, tick=False) as traveller:
        flow = Flow(api, traveller, KALBAR, "dip")
        data = flow.open(year=2027, title="DIP Disdukcapil Kalbar 2027")
        # Step 1: collection from the bidang, 7 hari: seven office days after Monday 4 January
        # 2027 (Isra Mikraj on Tuesday and the weekend skipped) → Thursday 14 at closing time.
        assert data["state"] == "collection"
        assert data["actor_role"] == "operator"
        flow.assert_open_step(
            data,
            stage="collection",
            role="operator",
            due=datetime(2027, 1, 14, 16, 0, tzinfo=WIB),
            explained="Kamis 2027-01-14 16:00; dilewati: Selasa 2027-01-05 (Isra Mikraj Nabi "
            "Muhammad); Sabtu 2027-01-09, Minggu 2027-01-10 (akhir pekan)",
        )
        item_ids = flow.add_all_items()

        data = flow.act("submit", after=2 * DAY, to="verification", next_role="ppid")
        # Step 2: the Ketua PPID Pembantu approves, 60 menit.
        flow.assert_open_step(data, stage="verification", role="ppid", due=flow.now() + HOUR)

        data = flow.act(
            "return",
            after=30 * MINUTE,
            to="collection",
            next_role="operator",
            note="Dokumen hardcopy belum dipindai.",
        )
        # Returned on Wednesday 6 at 08:30: seven office days from Thursday → Friday 15 at
        # Friday's closing time (16:30).
        assert flow.now() == datetime(2027, 1, 6, 8, 30, tzinfo=WIB)
        flow.assert_open_step(
            data, stage="collection", role="operator", due=datetime(2027, 1, 15, 16, 30, tzinfo=WIB)
        )

        data = flow.act("submit", after=DAY, to="verification", next_role="ppid")
        flow.assert_open_step(data, stage="verification", role="ppid", due=flow.now() + HOUR)

        # No atasan and no tim in this SOP: approval by the PPID signs and goes to publication.
        data = _sign_and_publish(
            flow, "verify", after=45 * MINUTE, django_capture=django_capture_on_commit_callbacks
        )
        # Step 3: upload to SIKEDIP and the website, 30 menit.
        publication = Step.objects.get(edition_id=flow.edition_id, stage="publication")
        assert publication.due_at == publication.started_at + 30 * MINUTE
        assert _parse(data["due_at"]) == flow.now() + 30 * MINUTE
        stages = list(
            Step.objects.filter(edition_id=flow.edition_id)
            .order_by("started_at", "pk")
            .values_list("stage", flat=True)
        )
        assert stages == [
            "collection",
            "verification",
            "collection",
            "verification",
            "publication",
        ]
        assert Edition.objects.get(pk=flow.edition_id).signed_by.username == f"{KALBAR}.ppid"
        flow.expected_history.append(
            {
                "transition": "publish",
                "from_state": "publication",
                "to_state": "published",
                "actor": None,
                "note": "",
                "duration_seconds": 0,
                "standard_seconds": _standard(publication),
                "due_at": publication.due_at,
                "on_time": True,
            }
        )
        _assert_history(flow)
        rows = _assert_public(flow, item_ids, kind="dip")
        _assert_frozen(flow, item_ids[-1], rows, kind="dip")


def test_seed_004_kubu_raya_dik_through_tim_pertimbangan_on_working_days(
    seeded, api, django_capture_on_commit_callbacks
):
    friday = datetime(2027, 1, 8, 9, 0, tzinfo=WIB)
    assert friday.weekday() == 4
    with time_machine.travel(friday, tick=False) as traveller:
        flow = Flow(api, traveller, KUBU, "dik")
        data = flow.open(year=2027, title="DIK Disdukcapil Kubu Raya 2027")
        # Step 1: 1 hari kerja from a Friday ends at Monday's closing time, over the weekend.
        assert data["state"] == "collection"
        flow.assert_open_step(
            data,
            stage="collection",
            role="operator",
            due=datetime(2027, 1, 11, 16, 0, tzinfo=WIB),
            explained="Senin 2027-01-11 16:00; dilewati: Sabtu 2027-01-09, Minggu 2027-01-10 "
            "(akhir pekan)",
        )
        item_ids = flow.add_all_items()

        # Monday 08:00: submitted. Step 2: PPID Pelaksana, 1 hari kerja → Tuesday 16:00.
        data = flow.act("submit", after=71 * HOUR, to="verification", next_role="ppid")
        assert flow.now() == datetime(2027, 1, 11, 8, 0, tzinfo=WIB)
        flow.assert_open_step(
            data, stage="verification", role="ppid", due=datetime(2027, 1, 12, 16, 0, tzinfo=WIB)
        )

        # Monday 10:00: returned to the operator → Tuesday 16:00.
        data = flow.act(
            "return",
            after=2 * HOUR,
            to="collection",
            next_role="operator",
            note="Uji konsekuensi butir 3 belum lengkap.",
        )
        flow.assert_open_step(
            data, stage="collection", role="operator", due=datetime(2027, 1, 12, 16, 0, tzinfo=WIB)
        )

        # Monday 11:00 submit, 12:00 verify. Step 3: Tim Pertimbangan, 2 hari kerja → Wednesday
        # 16:00.
        flow.act("submit", after=HOUR, to="verification", next_role="ppid")
        data = flow.act("verify", after=HOUR, to="consideration", next_role="tim")
        flow.assert_open_step(
            data, stage="consideration", role="tim", due=datetime(2027, 1, 13, 16, 0, tzinfo=WIB)
        )

        # Tuesday 12:00: the tim returns it to the PPID Pelaksana → Wednesday 16:00.
        data = flow.act(
            "return",
            after=DAY,
            to="verification",
            next_role="ppid",
            note="Perjelas akibat bila dibuka untuk data biometrik.",
        )
        flow.assert_open_step(
            data, stage="verification", role="ppid", due=datetime(2027, 1, 13, 16, 0, tzinfo=WIB)
        )

        # Tuesday 13:00 verify → consideration due Thursday 16:00.
        data = flow.act("verify", after=HOUR, to="consideration", next_role="tim")
        flow.assert_open_step(
            data, stage="consideration", role="tim", due=datetime(2027, 1, 14, 16, 0, tzinfo=WIB)
        )

        # Thursday 12:00 consider. Step 4: Atasan PPID, 2 hari kerja over the weekend → Monday
        # 16:00.
        flow.consider_rows(item_ids)
        data = flow.act("consider", after=47 * HOUR, to="approval", next_role="atasan")
        assert flow.now() == datetime(2027, 1, 14, 12, 0, tzinfo=WIB)
        flow.assert_open_step(
            data,
            stage="approval",
            role="atasan",
            due=datetime(2027, 1, 18, 16, 0, tzinfo=WIB),
            explained="Senin 2027-01-18 16:00; dilewati: Sabtu 2027-01-16, Minggu 2027-01-17 "
            "(akhir pekan)",
        )

        # Thursday 13:00: the atasan returns it to the tim → Monday 16:00.
        data = flow.act(
            "return",
            after=HOUR,
            to="consideration",
            next_role="tim",
            note="Tambahkan pertimbangan kepentingan publik.",
        )
        flow.assert_open_step(
            data, stage="consideration", role="tim", due=datetime(2027, 1, 18, 16, 0, tzinfo=WIB)
        )

        flow.consider_rows(item_ids)
        data = flow.act("consider", after=HOUR, to="approval", next_role="atasan")
        flow.assert_open_step(
            data, stage="approval", role="atasan", due=datetime(2027, 1, 18, 16, 0, tzinfo=WIB)
        )

        # Friday 10:00: signed. Step 5: archive, 1 jam.
        data = _sign_and_publish(
            flow, "sign", after=20 * HOUR, django_capture=django_capture_on_commit_callbacks
        )
        assert flow.now() == datetime(2027, 1, 15, 10, 0, tzinfo=WIB)
        publication = Step.objects.get(edition_id=flow.edition_id, stage="publication")
        assert publication.due_at == datetime(2027, 1, 15, 11, 0, tzinfo=WIB)
        assert _parse(data["due_at"]) == datetime(2027, 1, 15, 11, 0, tzinfo=WIB)
        assert Edition.objects.get(pk=flow.edition_id).signed_by.username == f"{KUBU}.atasan"
        flow.expected_history.append(
            {
                "transition": "publish",
                "from_state": "publication",
                "to_state": "published",
                "actor": None,
                "note": "",
                "duration_seconds": 0,
                "standard_seconds": 3600,
                "due_at": publication.due_at,
                "on_time": True,
            }
        )
        _assert_history(flow)

        rows = _assert_public(flow, item_ids, kind="dik")
        # Only the DIK columns: never the summary (the exempted content) nor attachments.
        for row in rows:
            assert set(row) == {*DIK_COLUMNS, "redacted_copies"}
            assert "summary" not in row
            assert "attachments" not in row
        assert api().get(f"/api/public/bodies/{KUBU}/dip/").status_code == 404
        _assert_frozen(flow, item_ids[0], rows, kind="dik")
