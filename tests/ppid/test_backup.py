"""manage.py backup / restore: a populated system backed up and restored into a new, empty
PostgreSQL database and empty storage is identical (every table, sequence and constraint, every
file, every signature still valid); a damaged archive or a database that is not empty is refused
with nothing changed."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from io import StringIO
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from PIL import Image

from dip import services as dip_services
from dip import signing
from dip.models import Attachment, DocumentStatus, Edition, EditionDocument, Item, Stage
from tests.helpers import edition_at, officers_of
from workflow import tasks
from workflow.models import AuditEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
DINSOS = "dinsos-p3a-kapuas-hulu"
KALBAR = "disdukcapil-kalbar"
KUBU_RAYA = "disdukcapil-kubu-raya"


# --- the database server the tests run on, and a new empty database on it ------------------------


def server() -> dict[str, str]:
    db = connection.settings_dict
    return {
        "host": db.get("HOST") or "127.0.0.1",
        "port": str(db.get("PORT") or 5432),
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or "",
    }


def connect(dbname: str):
    conn = psycopg2.connect(dbname=dbname, **server())
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
    return conn


@pytest.fixture
def empty_database():
    """A new database with a unique name on the same server, dropped afterwards."""
    name = f"ppid_restore_{uuid.uuid4().hex[:12]}"
    admin = connect("postgres")
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def database_url(name: str) -> str:
    s = server()
    password = f":{s['password']}" if s["password"] else ""
    return f"postgres://{s['user']}{password}@{s['host']}:{s['port']}/{name}"


# --- what is compared ---------------------------------------------------------------------------


def snapshot(dbname: str) -> dict[str, object]:
    """Every table's row count and a digest of all its rows, the sequences' positions, and the
    constraints and indexes by name."""
    conn = connect(dbname)
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
            tables = {}
            for (table,) in cursor.fetchall():
                cursor.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' "
                    f"ORDER BY t::text), '')) FROM \"{table}\" t"
                )
                tables[table] = cursor.fetchone()
            cursor.execute(
                "SELECT sequencename, last_value FROM pg_sequences "
                "WHERE schemaname = 'public' ORDER BY 1"
            )
            sequences = cursor.fetchall()
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"
            )
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"
            )
            indexes = cursor.fetchall()
    finally:
        conn.close()
    return {
        "tables": tables,
        "sequences": sequences,
        "constraints": constraints,
        "indexes": indexes,
    }


def files_of(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def count(dbname: str, sql: str) -> int:
    conn = connect(dbname)
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]
    finally:
        conn.close()


# --- a populated system -------------------------------------------------------------------------


def published(slug: str, title: str) -> Edition:
    """An edition signed by the SOP's signer and published by the system's task (the signed
    PDF built first)."""
    edition = edition_at(slug, Stage.PUBLICATION, title=title)
    assert tasks.publish_edition(edition.pk) == Stage.PUBLISHED
    edition.refresh_from_db()
    assert edition.document.status == DocumentStatus.READY
    return edition


def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color=(200, 30, 30)).save(buffer, "PDF")
    return buffer.getvalue()


@pytest.fixture
def populated(seeded) -> list[Edition]:
    """Three bodies' work: an attachment, two editions published with their signed PDFs, one
    edition waiting for the atasan (steps, considerations, comments of the tim on the way)."""
    item = Item.objects.filter(body__slug=KUBU_RAYA).order_by("pk").first()
    dip_services.attachments_create(
        item=item,
        user=officers_of(item.body)["operator"],
        uploads=[SimpleUploadedFile("lampiran.pdf", pdf_bytes())],
    )
    edition_at(KUBU_RAYA, Stage.APPROVAL, title="Menunggu tanda tangan")
    return [published(DINSOS, "DIP 2026"), published(KALBAR, "DIP 2026")]


def restore_command(archive: Path, dbname: str, media: Path, keys: Path, tmp: Path, *extra):
    env = {
        **{k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"},
        "DATABASE_URL": database_url(dbname),
        "DJANGO_MEDIA_ROOT": str(media),
        "PPID_SIGNING_DIR": str(keys),
        "PPID_VAR_DIR": str(tmp / "restored-var"),
        "REDIS_URL": "",
        "DJANGO_SETTINGS_MODULE": "ppid.settings",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive), *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def member_names(archive: Path) -> dict[str, dict]:
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = {m.name for m in tar.getmembers() if m.isfile()}
    files = {f["path"]: f for f in manifest["files"]}
    assert names == {*files, "manifest.json"}
    return files


def tampered_copy(archive: Path, target: Path, victim: str) -> None:
    """The same archive with one byte of `victim` changed (size and manifest unchanged)."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None
            if member.name == victim:
                data = bytes([data[0] ^ 0xFF]) + data[1:]
            out.addfile(member, io.BytesIO(data) if data is not None else None)


def test_backup_restores_into_an_empty_database_and_storage_identically(
    populated, empty_database, tmp_path
):
    source_db = connection.settings_dict["NAME"]
    media_root = Path(settings.MEDIA_ROOT)
    archive = tmp_path / "ppid.tar.gz"
    out = StringIO()

    call_command("backup", str(archive), stdout=out)

    assert "Wrote" in out.getvalue() and "private keys left out" in out.getvalue()
    assert archive.stat().st_mode & 0o777 == 0o600  # password hashes, tokens, secrets inside
    files = member_names(archive)
    source_files = files_of(media_root)
    documents = list(EditionDocument.objects.select_related("edition"))
    attachments = list(Attachment.objects.all())
    assert len(documents) == 2 and len(attachments) == 1
    assert {f"media/{d.file.name}" for d in documents} <= set(files)
    assert {f"media/{name}": sha for name, sha in source_files.items()} == {
        name: f["sha256"] for name, f in files.items() if name.startswith("media/")
    }
    assert "database.pgdump" in files
    # The demo CA certificate is there; no private key is, unless asked for.
    assert {n for n in files if n.startswith("signing/")} == {"signing/ca.pem"}
    before = snapshot(source_db)
    assert before["tables"]["dip_edition"][0] == Edition.objects.count() == 3
    assert before["tables"]["workflow_auditentry"][0] == AuditEntry.objects.count() > 20

    media, keys = tmp_path / "restored-media", tmp_path / "restored-signing"

    # A damaged archive is refused before anything is touched.
    bad = tmp_path / "damaged.tar.gz"
    tampered_copy(archive, bad, f"media/{documents[0].file.name}")
    refused = restore_command(bad, empty_database, media, keys, tmp_path)
    assert refused.returncode != 0
    assert "does not match its manifest" in refused.stderr
    assert f"checksum or size differs: media/{documents[0].file.name}" in refused.stderr
    assert count(empty_database, "SELECT count(*) FROM pg_tables WHERE schemaname='public'") == 0
    assert files_of(media) == {} and files_of(keys) == {}

    restored = restore_command(archive, empty_database, media, keys, tmp_path)

    assert restored.returncode == 0, restored.stderr
    assert "Verified" in restored.stdout and "Restoring the database" in restored.stdout
    after = snapshot(empty_database)
    assert after["tables"] == before["tables"]  # every row of every table
    assert after["sequences"] == before["sequences"]
    assert after["constraints"] == before["constraints"]
    assert after["indexes"] == before["indexes"]
    assert files_of(media) == source_files
    assert set(files_of(keys)) == {"ca.pem"}
    trust = [keys / signing.CA_CERT_FILE]
    for document in documents:
        pdf = (media / document.file.name).read_bytes()
        assert hashlib.sha256(pdf).hexdigest() == document.sha256
        verdict = signing.validate_pdf_signature(pdf, trust)
        assert verdict["valid"] and verdict["intact"] and verdict["trusted"], verdict
        assert verdict["signer"] == document.signer_subject
    for attachment in attachments:
        restored_file = (media / attachment.file.name).read_bytes()
        assert hashlib.sha256(restored_file).hexdigest() == attachment.sha256

    # Restoring again over the restored system is refused, and nothing changes.
    again = restore_command(archive, empty_database, media, keys, tmp_path)
    assert again.returncode != 0
    assert "needs an empty database" in again.stderr
    assert snapshot(empty_database) == after
    assert files_of(media) == source_files


def test_json_backup_moves_the_data_into_a_new_database(seeded, empty_database, tmp_path):
    """The portable format (dumpdata/loaddata, e.g. from the SQLite demo into PostgreSQL):
    the schema comes from the migrations, every row keeps its primary key."""
    edition = published(DINSOS, "DIP 2026")
    document = edition.document
    archive = tmp_path / "ppid.tar.gz"
    call_command("backup", str(archive), format="json", with_signing_keys=True, stdout=StringIO())
    files = member_names(archive)
    assert "database.json" in files
    # With the option the private keys come along (still encrypted with the passphrase).
    assert f"signing/{DINSOS}.p12" in files and "signing/ca-key.pem" in files
    before = snapshot(connection.settings_dict["NAME"])
    media, keys = tmp_path / "restored-media", tmp_path / "restored-signing"

    restored = restore_command(archive, empty_database, media, keys, tmp_path)

    assert restored.returncode == 0, restored.stderr
    after = snapshot(empty_database)
    # Content types and permissions are created again by migrate (with their own ids), and
    # migrate records its own times; rows that point to them were loaded by natural key.
    # Every other table is identical, to the microsecond.
    assert {t: c for t, (c, _) in after["tables"].items()} == {
        t: c for t, (c, _) in before["tables"].items()
    }
    by_id = set(referencing_content_types(connection.settings_dict["NAME"]))
    for table, (_rows, digest) in before["tables"].items():
        if table not in by_id:
            assert after["tables"][table][1] == digest, table
    assert count(empty_database, "SELECT last_value FROM dip_edition_id_seq") >= edition.pk
    pdf = (media / document.file.name).read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == document.sha256
    assert signing.validate_pdf_signature(pdf, [keys / signing.CA_CERT_FILE])["valid"]
    assert (keys / f"{DINSOS}.p12").stat().st_mode & 0o777 == 0o600


def referencing_content_types(dbname: str) -> list[str]:
    """Tables that migrate fills itself, and those holding ids of content types or
    permissions (they differ after migrate)."""
    conn = connect(dbname)
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f' "
                "AND confrelid::regclass::text IN ('django_content_type', 'auth_permission')"
            )
            return [
                *(row[0] for row in cursor.fetchall()),
                "django_content_type",
                "auth_permission",
                "django_migrations",
            ]
    finally:
        conn.close()
