"""The review records through the API: the Nota Dinas that `instruct` issues (seed 000), the
reviewers' comments at each review stage, and the tim pertimbangan's consideration of every row
of a DIK before `consider` (seed 004).

Who may write: only the officer who must act at the edition's current stage (403 for the other
roles of the body, 404 for another body's officers), and only at the stage the record belongs to
(400 elsewhere). Every refusal stores nothing: no record, no change to an item, no audit row.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from dip.models import (
    EXEMPTION_FIELDS,
    Announcement,
    AnnouncementKind,
    ChangeState,
    ClassificationChange,
    Edition,
    EditionItem,
    EditionRow,
    Item,
    Stage,
)
from ppid.models import Body
from tests.helpers import advance, decree, drive_to, edition_at, open_edition, utama_of
from workflow.models import AuditEntry, Consideration, NotaDinas, ReviewComment, Step

pytestmark = pytest.mark.django_db

DINSOS = "dinsos-p3a-kapuas-hulu"  # identification → instruction (Nota Dinas) → collection → …
KALBAR = "disdukcapil-kalbar"  # collection → verification → publication
KUBU = "disdukcapil-kubu-raya"  # … verification → consideration (tim) → approval → …

NOTA = {
    "number": "800/015/PPID-DINSOSP3A/2026",
    "dated": "2026-11-02",
    "addressed_to": "Para Kepala Bidang dan Sekretaris Dinas",
    "subject": "Pengumpulan dan klasifikasi informasi publik",
    "content": "Setiap bidang menyampaikan daftar informasi publik yang dikuasai beserta "
    "klasifikasinya paling lambat satu hari sejak nota dinas ini diterima.",
}

# The seed register of Kubu Raya: four dikecualikan rows.
PRIVATE_DATA = "Data pribadi penduduk (NIK, nomor KK, data biometrik)"  # h, permanent
DEEDS = "Isi akta kelahiran, perkawinan dan perceraian penduduk"  # g, permanent
SIAK_ACCESS = "Hak akses dan konfigurasi keamanan SIAK"  # j + law, until an event
MEMO = "Memorandum internal pembahasan rancangan kebijakan layanan keliling"  # i, until a date


def url(edition: Edition | int, tail: str = "") -> str:
    pk = edition if isinstance(edition, int) else edition.pk
    return f"/api/editions/{pk}/{tail}"


def item(title: str) -> Item:
    return Item.objects.get(body__slug=KUBU, title=title)


def item_state(pk: int) -> dict:
    """Every field the tim may change, as stored."""
    return Item.objects.filter(pk=pk).values("classification", *EXEMPTION_FIELDS).get()


def stored() -> tuple:
    """Everything a review write may store."""
    return (
        NotaDinas.objects.count(),
        list(NotaDinas.objects.values_list("number", "subject", "content", "dated", "issued_at")),
        ReviewComment.objects.count(),
        Consideration.objects.count(),
        list(Consideration.objects.values_list("item_id", "decision", "note")),
        AuditEntry.objects.count(),
        EditionItem.objects.count(),
    )


def edition_state(edition: Edition | int) -> tuple:
    pk = edition if isinstance(edition, int) else edition.pk
    return (
        Edition.objects.get(pk=pk).state,
        Step.objects.filter(edition_id=pk).count(),
        AuditEntry.objects.filter(edition_id=pk).count(),
    )


def write_record(api, edition: Edition) -> dict:
    """The tim's berita acara uji konsekuensi, through the API (the tim member present)."""
    tim = get_user_model().objects.get(username=f"{KUBU}.tim")
    payload = {"place": "Sungai Raya", "held_on": date.today().isoformat(), "member_ids": [tim.pk]}
    response = api(f"{KUBU}.tim").put(url(edition, "consideration-record/"), payload, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def assert_field_errors(response, *fields: str) -> None:
    assert response.status_code == 400, (response.status_code, response.content)
    data = response.json()
    for field in fields:
        assert field in data, (field, data)
        assert data[field] and all(isinstance(m, str) and m.strip() for m in data[field]), data


def assert_refused(response, status: int) -> None:
    assert response.status_code == status, (response.status_code, response.content)
    if status == 400:
        data = response.json()
        assert data and all(messages for messages in data.values()), data


# --- the Nota Dinas ------------------------------------------------------------------------


@pytest.fixture
def instruction(seeded) -> Edition:
    """A DIP of seed 000 waiting for the Ketua PPID's Nota Dinas."""
    return edition_at(DINSOS, Stage.INSTRUCTION, title="DIP 2026")


def test_ppid_writes_the_nota_dinas_and_instruct_issues_it(instruction, api):
    ppid = api(f"{DINSOS}.ppid")
    assert ppid.get(url(instruction, "nota-dinas/")).status_code == 404

    response = ppid.put(url(instruction, "nota-dinas/"), NOTA, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert {k: data[k] for k in NOTA} == NOTA
    assert data["written_by"] == f"{DINSOS}.ppid"
    assert data["issued_at"] is None
    assert data["updated_at"]

    # Written again before it is issued: the same Nota Dinas, changed.
    revised = {**NOTA, "subject": "Pengumpulan informasi publik tahun 2026"}
    response = ppid.put(url(instruction, "nota-dinas/"), revised, format="json")
    assert response.status_code == 200, response.content
    assert NotaDinas.objects.filter(edition=instruction).count() == 1
    assert NotaDinas.objects.get(edition=instruction).subject == revised["subject"]
    assert Edition.objects.get(pk=instruction.pk).state == Stage.INSTRUCTION

    response = ppid.post(url(instruction, "transitions/instruct/"), {"note": ""}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == Stage.COLLECTION

    nota = NotaDinas.objects.get(edition=instruction)
    assert nota.issued_at is not None
    step = Step.objects.get(edition=instruction, stage=Stage.INSTRUCTION)
    assert step.finished_at is not None and nota.issued_at >= step.started_at
    # Everyone of the body who sees the edition reads it; the operator acts on it now.
    for username in (f"{DINSOS}.operator", f"{DINSOS}.ppid", f"{DINSOS}.atasan", utama_of(DINSOS)):
        shown = api(username).get(url(instruction, "nota-dinas/"))
        assert shown.status_code == 200, (username, shown.content)
        assert shown.json()["issued_at"] is not None
        assert shown.json()["subject"] == revised["subject"]
    assert api(f"{KUBU}.ppid").get(url(instruction, "nota-dinas/")).status_code == 404

    # Issued: it cannot be rewritten once the edition has moved on.
    before = stored()
    response = ppid.put(url(instruction, "nota-dinas/"), {**NOTA, "number": "X"}, format="json")
    assert_refused(response, 400)
    assert stored() == before


@pytest.mark.parametrize(
    ("username", "status"),
    [
        (f"{DINSOS}.operator", 403),
        (f"{DINSOS}.atasan", 403),
        (utama_of(DINSOS), 403),
        (f"{KUBU}.ppid", 404),  # another body's edition is invisible
    ],
)
def test_only_the_acting_ppid_may_write_the_nota_dinas(instruction, api, username, status):
    before = stored()
    response = api(username).put(url(instruction, "nota-dinas/"), NOTA, format="json")
    assert_refused(response, status)
    assert stored() == before
    assert not NotaDinas.objects.filter(edition=instruction).exists()


@pytest.mark.parametrize("stage", [Stage.IDENTIFICATION, Stage.COLLECTION, Stage.VERIFICATION])
def test_nota_dinas_outside_the_instruction_stage_is_400(seeded, api, stage):
    edition = edition_at(DINSOS, stage)
    before = stored()
    response = api(f"{DINSOS}.ppid").put(url(edition, "nota-dinas/"), NOTA, format="json")
    assert_refused(response, 400)
    assert stored() == before
    assert Edition.objects.get(pk=edition.pk).state == stage


def test_nota_dinas_in_a_body_without_the_instruction_stage_is_400(seeded, api):
    edition = edition_at(KALBAR, Stage.VERIFICATION)  # seed 002: the PPID acts, no Nota Dinas
    before = stored()
    response = api(f"{KALBAR}.ppid").put(url(edition, "nota-dinas/"), NOTA, format="json")
    assert_refused(response, 400)
    assert stored() == before


BAD_NOTA = {
    "no number": ({**NOTA, "number": ""}, ["number"]),
    "blank number": ({**NOTA, "number": "   "}, ["number"]),
    "no subject": ({k: v for k, v in NOTA.items() if k != "subject"}, ["subject"]),
    "blank subject": ({**NOTA, "subject": "  "}, ["subject"]),
    "no content": ({k: v for k, v in NOTA.items() if k != "content"}, ["content"]),
    "blank content": ({**NOTA, "content": ""}, ["content"]),
    "no date": ({k: v for k, v in NOTA.items() if k != "dated"}, ["dated"]),
    "bad date": ({**NOTA, "dated": "2 November 2026"}, ["dated"]),
    "no date at all": ({**NOTA, "dated": None}, ["dated"]),
    "everything missing": ({}, ["number", "subject", "content", "dated"]),
}


@pytest.mark.parametrize(("payload", "fields"), BAD_NOTA.values(), ids=list(BAD_NOTA))
def test_bad_nota_dinas_is_400_per_field_and_nothing_stored(instruction, api, payload, fields):
    before = stored()
    response = api(f"{DINSOS}.ppid").put(url(instruction, "nota-dinas/"), payload, format="json")
    assert_field_errors(response, *fields)
    assert stored() == before
    assert not NotaDinas.objects.filter(edition=instruction).exists()


def test_bad_rewrite_keeps_the_nota_dinas_as_it_was(instruction, api):
    ppid = api(f"{DINSOS}.ppid")
    assert ppid.put(url(instruction, "nota-dinas/"), NOTA, format="json").status_code == 200
    before = stored()
    response = ppid.put(url(instruction, "nota-dinas/"), {**NOTA, "content": ""}, format="json")
    assert_field_errors(response, "content")
    assert stored() == before
    assert NotaDinas.objects.get(edition=instruction).content == NOTA["content"]


def test_instruct_without_a_nota_dinas_is_400_and_changes_nothing(instruction, api):
    before, edition_before = stored(), edition_state(instruction)
    ppid = api(f"{DINSOS}.ppid")
    response = ppid.post(url(instruction, "transitions/instruct/"), {"note": ""}, format="json")
    assert_field_errors(response, "nota_dinas")
    assert stored() == before
    assert edition_state(instruction) == edition_before
    assert Step.objects.get(edition=instruction, finished_at=None).stage == Stage.INSTRUCTION
    # Refused, not hidden: the PPID is still offered the transition and may run it once written.
    assert "instruct" in ppid.get(url(instruction)).json()["transitions"]


# --- comments ------------------------------------------------------------------------------


@pytest.fixture
def verification(seeded) -> Edition:
    """A DIP of seed 000 at the PPID's verification."""
    return edition_at(DINSOS, Stage.VERIFICATION, title="DIP 2026")


def test_reviewers_comment_at_their_own_stage(verification, api):
    entries = list(verification.entries.order_by("position", "pk").values_list("item", flat=True))
    ppid, atasan = api(f"{DINSOS}.ppid"), api(f"{DINSOS}.atasan")
    comments = url(verification, "comments/")

    whole = ppid.post(comments, {"text": "  Periksa urutan klasifikasi.  "}, format="json")
    assert whole.status_code == 201, whole.content
    assert whole.json()["item"] is None
    assert whole.json()["text"] == "Periksa urutan klasifikasi."
    assert (whole.json()["stage"], whole.json()["author"]) == (
        Stage.VERIFICATION,
        f"{DINSOS}.ppid",
    )
    row = ppid.post(
        comments, {"text": "Ringkasan isi terlalu umum.", "item": entries[0]}, format="json"
    )
    assert row.status_code == 201, row.content
    assert row.json()["item"] == entries[0]

    # Passed on to the atasan: now the atasan comments, and the PPID no longer may.
    advance(verification)
    assert Edition.objects.get(pk=verification.pk).state == Stage.APPROVAL
    signed_off = atasan.post(comments, {"text": "Setuju, tanda tangan besok."}, format="json")
    assert signed_off.status_code == 201, signed_off.content
    assert signed_off.json()["stage"] == Stage.APPROVAL
    before = stored()
    assert_refused(ppid.post(comments, {"text": "Tambahan."}, format="json"), 403)
    assert stored() == before

    listed = api(f"{DINSOS}.operator").get(comments)
    assert listed.status_code == 200, listed.content
    assert [(c["stage"], c["author"], c["item"], c["text"]) for c in listed.json()] == [
        (Stage.VERIFICATION, f"{DINSOS}.ppid", None, "Periksa urutan klasifikasi."),
        (Stage.VERIFICATION, f"{DINSOS}.ppid", entries[0], "Ringkasan isi terlalu umum."),
        (Stage.APPROVAL, f"{DINSOS}.atasan", None, "Setuju, tanda tangan besok."),
    ]
    assert all(c["id"] and c["created_at"] for c in listed.json())
    assert api(f"{KUBU}.ppid").get(comments).status_code == 404


def test_the_tim_comments_at_consideration(seeded, api):
    edition = edition_at(KUBU, Stage.CONSIDERATION)
    response = api(f"{KUBU}.tim").post(
        url(edition, "comments/"),
        {"text": "Akibat bila dibuka perlu contoh konkret.", "item": item(PRIVATE_DATA).pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert (response.json()["stage"], response.json()["author"]) == (
        Stage.CONSIDERATION,
        f"{KUBU}.tim",
    )
    before = stored()
    for role in ("ppid", "atasan", "operator"):
        refused = api(f"{KUBU}.{role}").post(url(edition, "comments/"), {"text": "x"})
        assert_refused(refused, 403)
    assert stored() == before


@pytest.mark.parametrize(
    ("username", "status"),
    [
        (f"{DINSOS}.operator", 403),
        (f"{DINSOS}.atasan", 403),  # its stage comes later
        (utama_of(DINSOS), 403),
        (f"{KUBU}.ppid", 404),
    ],
)
def test_comment_by_anyone_but_the_current_reviewer_is_refused(verification, api, username, status):
    before = stored()
    response = api(username).post(
        url(verification, "comments/"), {"text": "Komentar."}, format="json"
    )
    assert_refused(response, status)
    assert stored() == before


@pytest.mark.parametrize("payload", [{}, {"text": ""}, {"text": "   "}, {"text": None}])
def test_empty_comment_is_400(verification, api, payload):
    before = stored()
    response = api(f"{DINSOS}.ppid").post(url(verification, "comments/"), payload, format="json")
    assert_field_errors(response, "text")
    assert stored() == before


@pytest.mark.parametrize("which", ["same body, not picked", "another body", "unknown"])
def test_comment_on_an_item_not_in_the_edition_is_400(seeded, api, which):
    body = Body.objects.get(slug=DINSOS)
    items = list(body.items.order_by("pk"))
    edition = drive_to(open_edition(body, title="DIP 2026", items=items[:-1]), Stage.VERIFICATION)
    other = {
        "same body, not picked": items[-1].pk,
        "another body": Item.objects.filter(body__slug=KUBU).first().pk,
        "unknown": 987654321,
    }[which]
    before = stored()
    response = api(f"{DINSOS}.ppid").post(
        url(edition, "comments/"), {"text": "Baris ini?", "item": other}, format="json"
    )
    assert_field_errors(response, "item")
    assert stored() == before


@pytest.mark.parametrize(
    ("slug", "stage", "role"),
    [
        (DINSOS, Stage.INSTRUCTION, "ppid"),  # the PPID acts, but this is not a review stage
        (DINSOS, Stage.COLLECTION, "operator"),
        (KALBAR, Stage.PUBLISHED, "ppid"),
    ],
)
def test_comment_outside_a_review_stage_is_400(seeded, api, slug, stage, role):
    edition = edition_at(slug, stage)
    before = stored()
    response = api(f"{slug}.{role}").post(
        url(edition, "comments/"), {"text": "Komentar."}, format="json"
    )
    assert_refused(response, 400)
    assert stored() == before


# --- consideration by the tim pertimbangan -------------------------------------------------


@pytest.fixture
def dik(seeded) -> Edition:
    """A DIK of seed 004 at the tim pertimbangan's consideration, with the four seed rows."""
    edition = edition_at(KUBU, Stage.CONSIDERATION, title="DIK 2026")
    assert edition.entries.count() == 4
    return edition


def consider(api, edition: Edition, title: str, decision: str, note: str = "", **changes):
    payload = {"item": item(title).pk, "decision": decision, "note": note, "changes": changes}
    return api(f"{KUBU}.tim").post(url(edition, "considerations/"), payload, format="json")


def amend_rows(pk: int):
    return AuditEntry.objects.filter(
        action="item.amend_in_consideration", target_type="dip.item", target_id=str(pk)
    )


def test_agree_records_the_decision_and_changes_nothing(dik, api):
    memo = item(MEMO)
    before = item_state(memo.pk)
    audit = AuditEntry.objects.count()
    response = consider(api, dik, MEMO, "agree")
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["item"], data["decision"], data["decided_by"]) == (
        memo.pk,
        "agree",
        f"{KUBU}.tim",
    )
    assert data["changes"] == {} and data["decided_at"]
    assert item_state(memo.pk) == before
    # The decision itself is audited; the item is not touched.
    assert AuditEntry.objects.count() == audit + 1
    assert AuditEntry.objects.latest("pk").action == "consideration.record"
    assert not AuditEntry.objects.filter(action="item.amend_in_consideration").exists()
    listed = api(f"{KUBU}.atasan").get(url(dik, "considerations/"))
    assert listed.status_code == 200
    assert [(c["item"], c["decision"]) for c in listed.json()] == [(memo.pk, "agree")]

    # Recorded again: one decision per row, the latest.
    response = consider(
        api,
        dik,
        MEMO,
        "change_period",
        "Sampai kebijakan ditetapkan.",
        exemption_until="2027-06-30",
    )
    assert response.status_code == 200, response.content
    assert list(Consideration.objects.filter(edition=dik).values_list("decision", flat=True)) == [
        "change_period"
    ]


@pytest.mark.parametrize(
    ("title", "changes", "expected"),
    [
        (
            MEMO,
            {"exemption_ground": "j", "exemption_law": "UU 43/2009 tentang Kearsipan, Pasal 44"},
            {"exemption_ground": "j", "exemption_law": "UU 43/2009 tentang Kearsipan, Pasal 44"},
        ),
        # From "another law" to a Pasal 17 ground: the law cited goes with the old ground.
        (SIAK_ACCESS, {"exemption_ground": "c"}, {"exemption_ground": "c", "exemption_law": ""}),
    ],
    ids=["i-to-j-with-law", "j-to-c"],
)
def test_change_ground_changes_the_item_and_is_audited(dik, api, title, changes, expected):
    target = item(title)
    before = item_state(target.pk)
    response = consider(api, dik, title, "change_ground", "Dasar hukum lebih tepat.", **changes)
    assert response.status_code == 200, response.content
    assert response.json()["decision"] == "change_ground"
    assert response.json()["note"] == "Dasar hukum lebih tepat."
    after = item_state(target.pk)
    assert after == {**before, **expected}
    [row] = amend_rows(target.pk)
    assert row.actor.username == f"{KUBU}.tim"
    assert row.body.slug == KUBU
    assert row.data["edition"] == dik.pk
    assert row.data["exemption_ground"] == expected["exemption_ground"]
    # Still a row of the DIK.
    assert dik.entries.filter(item=target).exists()


@pytest.mark.parametrize(
    ("title", "changes", "expected"),
    [
        (
            MEMO,
            {"exemption_event": "Sampai kebijakan layanan keliling ditetapkan"},
            {
                "exemption_until": None,
                "exemption_event": "Sampai kebijakan layanan keliling ditetapkan",
                "exemption_permanent": False,
            },
        ),
        (
            SIAK_ACCESS,
            {"exemption_until": "2030-12-31"},
            {
                "exemption_until": date(2030, 12, 31),
                "exemption_event": "",
                "exemption_permanent": False,
            },
        ),
    ],
    ids=["date-to-event", "event-to-date"],
)
def test_change_period_replaces_the_period(dik, api, title, changes, expected):
    target = item(title)
    before = item_state(target.pk)
    response = consider(api, dik, title, "change_period", "Jangka waktu disesuaikan.", **changes)
    assert response.status_code == 200, response.content
    assert item_state(target.pk) == {**before, **expected}
    [row] = amend_rows(target.pk)
    assert row.actor.username == f"{KUBU}.tim"
    assert row.data["edition"] == dik.pk


def test_change_classification_opens_the_row_when_the_atasan_signs_and_announces_it(dik, api):
    """The tim's "open it" is a classification change: the row stays exempted and in the DIK
    until the atasan signs; then it is public, out of the signed DIK, and announced."""
    memo = item(MEMO)
    before = item_state(memo.pk)
    response = consider(
        api,
        dik,
        MEMO,
        "change_classification",
        "Kebijakan sudah ditetapkan; memorandum dapat dibuka.",
        classification="setiap_saat",
    )
    assert response.status_code == 200, response.content
    assert item_state(memo.pk) == before  # not before the signature
    assert dik.entries.filter(item=memo).exists()
    change = ClassificationChange.objects.get(item=memo)
    assert (change.edition, change.state, change.to_classification) == (
        dik,
        ChangeState.AGREED,
        "setiap_saat",
    )
    assert change.decided_by.username == f"{KUBU}.tim"

    # The three rows left are considered; the tim passes it on and the atasan signs.
    for title in (PRIVATE_DATA, DEEDS, SIAK_ACCESS):
        assert consider(api, dik, title, "agree").status_code == 200
    write_record(api, dik)
    passed = api(f"{KUBU}.tim").post(url(dik, "transitions/consider/"), {}, format="json")
    assert passed.status_code == 200, passed.content
    assert passed.json()["state"] == Stage.APPROVAL
    assert item_state(memo.pk) == before
    signed = api(f"{KUBU}.atasan").post(url(dik, "transitions/sign/"), decree(), format="json")
    assert signed.status_code == 200, signed.content
    opened = item_state(memo.pk)
    assert opened["classification"] == "setiap_saat"
    assert all(not opened[f] for f in EXEMPTION_FIELDS), opened
    rows = EditionRow.objects.filter(edition=dik)
    assert rows.count() == 3
    assert not rows.filter(item=memo).exists()
    assert set(rows.values_list("title", flat=True)) == {PRIVATE_DATA, DEEDS, SIAK_ACCESS}
    assert set(rows.values_list("classification", flat=True)) == {"dikecualikan"}
    assert Announcement.objects.get(item=memo).kind == AnnouncementKind.REOPENED


def test_the_tim_takes_back_its_open_it_decision(dik, api):
    memo = item(MEMO)
    consider(api, dik, MEMO, "change_classification", "Buka.", classification="berkala")
    assert consider(api, dik, MEMO, "agree").status_code == 200
    assert ClassificationChange.objects.get(item=memo).state == ChangeState.WITHDRAWN


CHANGES = {
    "change_ground": {"exemption_ground": "j", "exemption_law": "UU 43/2009, Pasal 44"},
    "change_period": {"exemption_until": "2028-12-31"},
    "change_classification": {"classification": "setiap_saat"},
}


@pytest.mark.parametrize("note", ["", "   "])
@pytest.mark.parametrize("decision", list(CHANGES))
def test_a_change_without_a_note_is_400(dik, api, decision, note):
    memo = item(MEMO)
    before, fields = stored(), item_state(memo.pk)
    response = consider(api, dik, MEMO, decision, note, **CHANGES[decision])
    assert_field_errors(response, "note")
    assert stored() == before
    assert item_state(memo.pk) == fields


@pytest.mark.parametrize("decision", list(CHANGES))
def test_a_change_that_changes_nothing_is_400(dik, api, decision):
    memo = item(MEMO)
    before, fields = stored(), item_state(memo.pk)
    # Only fields of another decision: nothing this decision may change.
    other = next(c for d, c in CHANGES.items() if d != decision)
    response = consider(api, dik, MEMO, decision, "Catatan.", **other)
    assert_field_errors(response, "changes")
    assert stored() == before
    assert item_state(memo.pk) == fields


def test_change_classification_to_dikecualikan_is_400(dik, api):
    memo = item(MEMO)
    before, fields = stored(), item_state(memo.pk)
    response = consider(
        api, dik, MEMO, "change_classification", "Tetap.", classification="dikecualikan"
    )
    assert_field_errors(response, "classification")
    assert stored() == before
    assert item_state(memo.pk) == fields
    assert dik.entries.filter(item=memo).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"decision": "tolak"}, "decision"),
        ({"decision": "change_ground", "changes": {"exemption_ground": "z"}}, "exemption_ground"),
        ({"decision": "change_period", "changes": {"exemption_until": "besok"}}, "exemption_until"),
        ({"decision": "change_classification", "changes": {"classification": "x"}}, None),
        ({"item": None}, "item"),
    ],
    ids=["unknown-decision", "unknown-ground", "bad-date", "unknown-classification", "no-item"],
)
def test_bad_consideration_is_400_and_nothing_stored(dik, api, payload, field):
    memo = item(MEMO)
    before, fields = stored(), item_state(memo.pk)
    body = {"item": memo.pk, "decision": "agree", "note": "Catatan.", **payload}
    response = api(f"{KUBU}.tim").post(url(dik, "considerations/"), body, format="json")
    assert_refused(response, 400)
    if field:
        assert field in response.json(), response.json()
    assert stored() == before
    assert item_state(memo.pk) == fields


def test_permanent_exemption_on_ground_a_is_refused_and_the_item_unchanged(dik, api):
    memo = item(MEMO)
    grounded = consider(api, dik, MEMO, "change_ground", "Penegakan hukum.", exemption_ground="a")
    assert grounded.status_code == 200, grounded.content
    assert item_state(memo.pk)["exemption_ground"] == "a"
    before, fields = stored(), item_state(memo.pk)

    response = consider(
        api, dik, MEMO, "change_period", "Dikecualikan selamanya.", exemption_permanent=True
    )
    assert_field_errors(response, "exemption_permanent")
    assert stored() == before
    assert item_state(memo.pk) == fields
    assert fields["exemption_until"] == date(2027, 12, 31)
    assert Consideration.objects.get(edition=dik, item=memo).decision == "change_ground"


def test_moving_a_permanent_exemption_to_ground_a_is_refused(dik, api):
    private = item(PRIVATE_DATA)  # ground h, permanent
    before, fields = stored(), item_state(private.pk)
    response = consider(api, dik, PRIVATE_DATA, "change_ground", "Ganti.", exemption_ground="a")
    assert_field_errors(response, "exemption_permanent")
    assert stored() == before
    assert item_state(private.pk) == fields


@pytest.mark.parametrize(
    ("username", "status"),
    [
        (f"{KUBU}.operator", 403),
        (f"{KUBU}.ppid", 403),
        (f"{KUBU}.atasan", 403),
        (utama_of(KUBU), 403),
        (f"{DINSOS}.ppid", 404),
    ],
)
def test_only_the_tim_may_consider(dik, api, username, status):
    memo = item(MEMO)
    before, fields = stored(), item_state(memo.pk)
    for decision in ("agree", *CHANGES):
        response = api(username).post(
            url(dik, "considerations/"),
            {
                "item": memo.pk,
                "decision": decision,
                "note": "Catatan.",
                "changes": CHANGES.get(decision, {}),
            },
            format="json",
        )
        assert_refused(response, status)
    assert stored() == before
    assert item_state(memo.pk) == fields


@pytest.mark.parametrize("stage", [Stage.VERIFICATION, Stage.APPROVAL])
def test_consideration_outside_the_consideration_stage_is_400(seeded, api, stage):
    edition = edition_at(KUBU, stage)
    memo = item(MEMO)
    before, fields = stored(), item_state(memo.pk)
    for decision in ("agree", *CHANGES):
        response = consider(api, edition, MEMO, decision, "Catatan.", **CHANGES.get(decision, {}))
        assert_refused(response, 400)
    assert stored() == before
    assert item_state(memo.pk) == fields


def test_consideration_of_a_row_not_in_the_edition_is_400(seeded, api):
    body = Body.objects.get(slug=KUBU)
    rest = body.items.exclude(title=MEMO)
    edition = drive_to(open_edition(body, title="DIK 2026", items=rest), Stage.CONSIDERATION)
    memo = item(MEMO)
    before, fields = stored(), item_state(memo.pk)
    response = consider(
        api, edition, MEMO, "change_classification", "Buka.", classification="berkala"
    )
    assert_field_errors(response, "item")
    assert stored() == before
    assert item_state(memo.pk) == fields


def test_consider_with_a_row_not_considered_is_400_and_names_it(dik, api):
    for title in (PRIVATE_DATA, DEEDS, MEMO):
        assert consider(api, dik, title, "agree").status_code == 200
    before, edition_before = stored(), edition_state(dik)
    tim = api(f"{KUBU}.tim")
    response = tim.post(url(dik, "transitions/consider/"), {"note": ""}, format="json")
    assert_field_errors(response, "items")
    message = " ".join(response.json()["items"])
    assert SIAK_ACCESS in message
    assert not any(title in message for title in (PRIVATE_DATA, DEEDS, MEMO))
    assert stored() == before
    assert edition_state(dik) == edition_before

    assert consider(api, dik, SIAK_ACCESS, "agree").status_code == 200
    write_record(api, dik)
    response = tim.post(url(dik, "transitions/consider/"), {"note": ""}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == Stage.APPROVAL


def test_consider_with_no_row_considered_lists_every_row(dik, api):
    before = edition_state(dik)
    response = api(f"{KUBU}.tim").post(url(dik, "transitions/consider/"), {}, format="json")
    assert_field_errors(response, "items")
    message = " ".join(response.json()["items"])
    assert all(t in message for t in (PRIVATE_DATA, DEEDS, SIAK_ACCESS, MEMO)), message
    assert edition_state(dik) == before


# --- once app bugs: typed changes and a period that must stay -----------------------------


def test_change_period_with_a_non_boolean_permanent_flag_is_400(dik, api):
    memo = item(MEMO)
    before, fields = stored(), item_state(memo.pk)
    response = consider(api, dik, MEMO, "change_period", "Catatan.", exemption_permanent="ya")
    assert_field_errors(response, "exemption_permanent")
    assert stored() == before
    assert item_state(memo.pk) == fields


def test_change_period_to_no_period_is_400(dik, api):
    memo = item(MEMO)
    before, fields = stored(), item_state(memo.pk)
    response = consider(
        api, dik, MEMO, "change_period", "Catatan.", exemption_until=None, exemption_event=""
    )
    assert_refused(response, 400)
    assert stored() == before
    assert item_state(memo.pk) == fields
