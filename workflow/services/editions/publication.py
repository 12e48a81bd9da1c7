from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from dip import services as dip_services
from dip.models import Edition, EditionDocument, SignedArtefact, Stage
from dip.signals import edition_published
from ppid.pagecache import invalidate_public_pages
from workflow.services.editions.steps import _audit_transition, _step_close
from workflow.signals import edition_signed


def _queue_publication(edition_id: int) -> None:
    """On commit, the publication task builds the signed PDF and publishes the edition."""
    transaction.on_commit(
        lambda: edition_signed.send(sender=Edition, edition_id=edition_id), robust=True
    )


@transaction.atomic
def edition_document_rebuild(
    *,
    edition: Edition,
    user: AbstractBaseUser,
    artefact: type[SignedArtefact] = EditionDocument,
) -> SignedArtefact:
    """Build a failed signed artefact again (the PPID, the atasan or the PPID Utama): the
    edition's document, or with `artefact=RecordDocument` its berita acara uji konsekuensi. It
    goes back to pending and the publication task is queued on commit (it builds what is not
    ready, then publishes). Raises DocumentNotFailed (409) when it has not failed."""
    document = dip_services.edition_document_retry(edition=edition, user=user, artefact=artefact)
    _queue_publication(edition.pk)
    return document


def edition_publish(*, edition_id: int) -> Edition | None:
    """Run by the system after signing. Idempotent: a second call finds it published."""
    with transaction.atomic():
        edition = (
            # The edition's row only: its body's stays free for the body's other work.
            Edition.objects.select_for_update(of=("self",))
            .select_related("body")
            .filter(pk=edition_id)
            .first()
        )
        if edition is None or edition.state != Stage.PUBLICATION:
            return edition
        from_state = edition.state
        edition.publish()
        edition.save()
        step = _step_close(edition, user=None, name="publish", note="")
        _audit_transition(
            edition, user=None, name="publish", from_state=from_state, note="", step=step
        )
        transaction.on_commit(invalidate_public_pages, robust=True)
        transaction.on_commit(
            lambda: edition_published.send(sender=Edition, edition_id=edition_id), robust=True
        )
    return edition
