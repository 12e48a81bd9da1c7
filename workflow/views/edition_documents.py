"""An edition's signed documents on the edition page: their status while the system publishes,
the retry of a failed one, the signed PDF and the unsigned DRAF preview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dip import rendering
from dip.models import DocumentStatus, EditionDocument, RecordDocument, Stage
from dip.permissions import can_retry_document
from dip.selectors import edition_document, record_document_of
from dip.services import DocumentNotFailed
from ppid.downloads import file_response
from workflow import services
from workflow.views.common import get_edition


def document_context(request, edition) -> dict:
    document = edition_document(edition) if edition.is_signed else None
    record = record_document_of(edition) if edition.is_signed else None
    publishing = edition.state == Stage.PUBLICATION
    status = document.status if document else DocumentStatus.PENDING
    if DocumentStatus.FAILED in (status, record.status if record else None):
        phase = "failed"  # either signed PDF: publication waits for a retry
    elif not publishing and status == DocumentStatus.READY:
        phase = "done"
    elif status == DocumentStatus.READY:
        phase = "publishing"  # the PDF is signed and stored; the edition goes public now
    else:
        phase = "rendering" if status == DocumentStatus.RENDERING else "queued"
    may_retry = can_retry_document(request.user, edition)
    return {
        "document": document,
        "record_document": record,
        "publishing": publishing,
        "publication_phase": phase,
        "document_busy": phase in ("queued", "rendering", "publishing")
        and (publishing or document is not None),
        "may_retry_document": document is not None
        and document.status == DocumentStatus.FAILED
        and may_retry,
        "may_retry_record": record is not None
        and record.status == DocumentStatus.FAILED
        and may_retry,
    }


@login_required
def edition_document_status(request, pk):
    """The document's status as a fragment; the edition page polls it while the system
    publishes (waiting, rendering and signing, publishing), and reloads itself once the phase
    it showed (`?phase=`) has moved on to an end (or, without it, once the build has ended)."""
    edition = get_edition(request, pk)
    context = {"edition": edition, **document_context(request, edition)}
    if context["document"] is None and not context["publishing"]:
        raise Http404
    phase, seen = context["publication_phase"], request.GET.get("phase", "")
    ended = phase in ("done", "failed") or (not seen and phase == "publishing")
    if request.headers.get("HX-Request") and (ended or not context["document_busy"]):
        context["document_busy"] = False
        response = render(request, "workflow/_document_status.html", context)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "workflow/_document_status.html", context)


# The signed artefacts an officer may ask to build again, by the URL's word.
RETRY_ARTEFACTS = {"document": EditionDocument, "record": RecordDocument}


@login_required
def edition_document_retry(request, pk, artefact: str = "document"):
    """Confirm, then build a failed signed PDF again (the edition's document, or its berita
    acara uji konsekuensi): the same service as the API's retry."""
    edition = get_edition(request, pk)
    model = RETRY_ARTEFACTS[artefact]
    if not can_retry_document(request.user, edition):
        raise PermissionDenied(_("Your role in this public body does not allow this action."))
    if request.method == "POST":
        try:
            services.edition_document_rebuild(edition=edition, user=request.user, artefact=model)
        except DocumentNotFailed as conflict:
            messages.warning(request, str(conflict))
        else:
            messages.success(
                request,
                _("The signed document will be built again.")
                if model is EditionDocument
                else _("The signed berita acara will be built again."),
            )
        return redirect("workflow:edition", pk=edition.pk)
    document = model.objects.filter(edition=edition).first()
    if document is None or document.status != DocumentStatus.FAILED:
        messages.warning(request, str(DocumentNotFailed(document)))
        return redirect("workflow:edition", pk=edition.pk)
    context = {
        "edition": edition,
        "body": edition.body,
        "document": document,
        "record": model is RecordDocument,
    }
    return render(request, "workflow/document_retry_confirm.html", context)


@login_required
def edition_document_pdf(request, pk):
    """The signed PDF, for the officers who see the edition."""
    edition = get_edition(request, pk)
    document = edition_document(edition)
    if document is None or document.status != DocumentStatus.READY or not document.file:
        raise Http404
    revision = f"-perubahan-{edition.revision}" if edition.revision else ""
    response = file_response(
        document.file,
        as_attachment=False,
        content_type="application/pdf",
        filename=f"{edition.kind}-{edition.body.slug}-{edition.year}{revision}.pdf",
    )
    response["Cache-Control"] = "private, max-age=0"
    return response


@login_required
def edition_preview_pdf(request, pk):
    """The DRAF preview of an unsigned edition: the document it would become, rendered with the
    official template and watermarked "DRAF"; never signed, never stored. For the officers who
    see the edition (others get 404 from get_edition)."""
    edition = get_edition(request, pk)
    if edition.is_signed or not edition.entries.exists():
        raise Http404
    response = HttpResponse(rendering.render_draft_pdf(edition), content_type="application/pdf")
    revision = f"-perubahan-{edition.revision}" if edition.revision else ""
    name = f"DRAF-{edition.kind}-{edition.body.slug}-{edition.year}{revision}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
