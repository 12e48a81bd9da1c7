"""The spoken version of a public announcement (Perki 1/2021: information in accessible forms).

espeak-ng's Indonesian voice (`espeak-ng -v id`) reads the announcement's text into a WAV file;
where `opusenc` (Debian opus-tools) is installed the WAV is compressed to Ogg/Opus (a few KB a
second, for slow connections), else the WAV is kept. Built by the system (a task) in a
temporary directory outside any transaction, then moved into storage as
announcements/<body-slug>/<announcement-id>-<sha256[:12]>.<ogg|wav> and the row marked ready;
on error the row is marked failed with a short last error and the error raised for the task to
retry. Idempotent: a ready audio is returned as it is.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.files.base import File
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from dip.models import Announcement, AnnouncementAudio, DocumentStatus
from dip.services.common import audit
from ppid.calendar import body_time
from ppid.pagecache import invalidate_public_pages

VOICE = "id"
# Words a minute: a little slower than espeak's 175, for listeners on a phone speaker.
SPEED = 150
COMMAND_TIMEOUT = 60
AUDIO_ERROR_MAX = 500
WAV = "audio/wav"
OGG = "audio/ogg"


class AudioUnavailable(RuntimeError):
    """espeak-ng is not installed on this server."""


def speech_text(announcement: Announcement) -> str:
    """What the voice reads, in Indonesian (the voice's language), whatever the page's."""
    local = body_time(announcement.announced_at, announcement.body)
    with translation.override("id"):
        parts = [
            _("Announcement of %(body)s.") % {"body": announcement.body.name},
            f"{announcement.get_kind_display()}.",
            f"{announcement.title}.",
        ]
        if announcement.summary:
            parts.append(announcement.summary.strip())
        if announcement.holding_unit:
            parts.append(_("Held by %(unit)s.") % {"unit": announcement.holding_unit})
        if announcement.responsible:
            parts.append(_("Responsible: %(name)s.") % {"name": announcement.responsible})
        parts.append(
            _("Announced on %(date)s.")
            % {"date": f"{formats.date_format(local, 'j F Y, H.i')} {local.tzname()}"}
        )
    return "\n".join(parts)


def _short_error(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    message = f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
    return message[:AUDIO_ERROR_MAX]


def _run(args: list[str]) -> None:
    subprocess.run(args, check=True, capture_output=True, timeout=COMMAND_TIMEOUT)


def render_speech(text: str, folder: Path) -> tuple[Path, str]:
    """Speak `text` into a file in `folder`: (path, content type)."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise AudioUnavailable("espeak-ng is not installed")
    source = folder / "text.txt"
    source.write_text(text, encoding="utf-8")
    wav = folder / "speech.wav"
    # The text is read from a file: nothing of it ever reaches the command line.
    _run([espeak, "-v", VOICE, "-s", str(SPEED), "-w", str(wav), "-f", str(source)])
    opusenc = shutil.which("opusenc")
    if opusenc is None:
        return wav, WAV
    ogg = folder / "speech.ogg"
    _run([opusenc, "--quiet", "--bitrate", "24", "--speech", str(wav), str(ogg)])
    return ogg, OGG


def _start(announcement_id: int) -> tuple[AnnouncementAudio | None, bool]:
    with transaction.atomic():
        announcement = Announcement.objects.filter(pk=announcement_id).first()
        if announcement is None:
            return None, False
        audio, _created = AnnouncementAudio.objects.select_for_update(no_key=True).get_or_create(
            announcement=announcement
        )
        if audio.status == DocumentStatus.READY and audio.file:
            return audio, True
        audio.status = DocumentStatus.RENDERING
        audio.attempts += 1
        audio.save(update_fields=["status", "attempts", "updated_at"])
    return audio, False


def _failed(audio: AnnouncementAudio, error: BaseException) -> None:
    with transaction.atomic():
        audio = (
            AnnouncementAudio.objects.select_for_update(of=("self",), no_key=True)
            .select_related("announcement__body")
            .get(pk=audio.pk)
        )
        if audio.status == DocumentStatus.READY:
            return
        audio.status = DocumentStatus.FAILED
        audio.last_error = _short_error(error)
        audio.save(update_fields=["status", "last_error", "updated_at"])
        audit(
            actor=None,
            body=audio.announcement.body,
            action="announcement.audio_failed",
            target=audio.announcement,
            data={"attempts": audio.attempts, "error": audio.last_error},
        )


def _store(audio: AnnouncementAudio, path: Path, content_type: str) -> AnnouncementAudio:
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    storage = AnnouncementAudio._meta.get_field("file").storage
    with transaction.atomic():
        audio = (
            AnnouncementAudio.objects.select_for_update(of=("self",), no_key=True)
            .select_related("announcement__body")
            .get(pk=audio.pk)
        )
        if audio.status == DocumentStatus.READY and audio.file:
            return audio  # another delivery of the task finished first
        announcement = audio.announcement
        extension = "ogg" if content_type == OGG else "wav"
        name = f"announcements/{announcement.body.slug}/{announcement.pk}-{sha256[:12]}.{extension}"
        with path.open("rb") as handle:
            saved = storage.save(name, File(handle))
        try:
            audio.file.name = saved
            audio.content_type = content_type
            audio.sha256 = sha256
            audio.size = len(data)
            audio.status = DocumentStatus.READY
            audio.last_error = ""
            audio.rendered_at = timezone.now()
            audio.full_clean()
            audio.save()
            audit(
                actor=None,
                body=announcement.body,
                action="announcement.audio_ready",
                target=announcement,
                data={"sha256": sha256, "size": len(data), "content_type": content_type},
            )
            # The announcement pages show the player now.
            transaction.on_commit(invalidate_public_pages, robust=True)
        except BaseException:
            storage.delete(saved)
            raise
    return audio


def announcement_audio_build(*, announcement_id: int) -> AnnouncementAudio | None:
    """Make (once) the spoken version of an announcement; None when it is gone."""
    audio, ready = _start(announcement_id)
    if audio is None or ready:
        return audio
    try:
        announcement = Announcement.objects.select_related("body").get(pk=announcement_id)
        with tempfile.TemporaryDirectory(prefix="ppid-audio-") as folder:
            path, content_type = render_speech(speech_text(announcement), Path(folder))
            return _store(audio, path, content_type)
    except Exception as error:
        _failed(audio, error)
        raise
