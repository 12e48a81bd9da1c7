"""Notices to officers: the bell in the header, and an e-mail for each new notice."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dip.models import Edition
from ppid.models import Body
from workflow.models import Notice, RequesterMail
from workflow.signals import notices_created


def notify(
    *,
    recipients: Iterable[AbstractBaseUser],
    kind: str,
    key: str,
    title: str,
    message: str = "",
    url: str = "",
    body: Body | None = None,
    edition: Edition | None = None,
    fresh: bool = False,
) -> list[Notice]:
    """Give each recipient the notice named `key` once, and e-mail it after commit.

    Safe to call again for the same event (a second sweep, a second worker): the unique
    (recipient, key) constraint keeps one row, and the e-mail task sends only for a row whose
    `emailed_at` it manages to claim. Returns the recipients' notices for this key.

    `fresh`: the caller knows no notice can carry this key yet (it names a row written in the
    same transaction, like a step just opened), so the rows are inserted as they are and not
    read back: one query fewer on every transition.
    """
    users = {user.pk: user for user in recipients if user is not None and user.is_active}
    if not users:
        return []
    now = timezone.now()
    created = Notice.objects.bulk_create(
        [
            Notice(
                recipient_id=user_id,
                kind=kind,
                key=key,
                title=title[:255],
                message=message,
                url=url,
                body=body,
                edition=edition,
                created_at=now,
            )
            for user_id in users
        ],
        ignore_conflicts=not fresh,
    )
    # Without conflicts PostgreSQL returns the new rows' ids; otherwise read them back.
    notices = created
    if not fresh or any(n.pk is None for n in created):
        notices = list(Notice.objects.filter(key=key, recipient_id__in=users))
    to_mail = [n.pk for n in notices if n.emailed_at is None and users[n.recipient_id].email]
    if to_mail:
        transaction.on_commit(lambda: notices_created.send(sender=Notice, notice_ids=to_mail))
    return notices


def notice_email_text(notice: Notice) -> str:
    """The e-mail of a notice, in the site's language: greeting, the notice, the link to the
    task, and a line saying it was sent by the system."""
    recipient = notice.recipient
    link = f"{settings.PPID_PUBLIC_BASE_URL.rstrip('/')}{notice.url}" if notice.url else ""
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            _("Dear %(name)s,") % {"name": recipient.get_full_name() or recipient.get_username()},
            "",
            notice.message.strip(),
        ]
        if link:
            lines += ["", _("Open the task: %(link)s") % {"link": link}]
        lines += [
            "",
            "-- ",
            _("Sent automatically by PPID Documentation; please do not reply to this e-mail."),
        ]
    return "\n".join(lines) + "\n"


def notice_email_send(*, notice_id: int) -> bool:
    """Send the e-mail of one notice once: claim it, send, release the claim on failure."""
    now = timezone.now()
    claimed = Notice.objects.filter(pk=notice_id, emailed_at=None).update(emailed_at=now)
    if not claimed:
        return False
    notice = Notice.objects.select_related("recipient").get(pk=notice_id)
    try:
        send_mail(
            subject=f"[PPID] {notice.title}",
            message=notice_email_text(notice),
            from_email=None,
            recipient_list=[notice.recipient.email],
        )
    except Exception:
        Notice.objects.filter(pk=notice_id).update(emailed_at=None)
        raise
    return True


def notice_read(*, notice_id: int, user: AbstractBaseUser) -> Notice:
    """Mark the user's own notice read (the first reading counts); another user's notice does
    not exist for them (Notice.DoesNotExist)."""
    notice = Notice.objects.get(pk=notice_id, recipient=user)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at=None).update(read_at=notice.read_at)
    return notice


def notices_read_all(*, user: AbstractBaseUser) -> int:
    """Mark every unread notice of the user read; returns how many there were."""
    return Notice.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())


def requester_mail_once(*, key: str, send: Callable[[], None]) -> bool:
    """Send one e-mail to a requester at most once per `key`: claim it (insert the
    `RequesterMail` row; a second delivery of the task finds it and sends nothing), send,
    and release the claim when the send fails so the retry may send it. Returns whether sent."""
    try:
        with transaction.atomic():
            claim = RequesterMail.objects.create(key=key, sent_at=timezone.now())
    except IntegrityError:
        return False
    try:
        send()
    except Exception:
        RequesterMail.objects.filter(pk=claim.pk).delete()
        raise
    return True
