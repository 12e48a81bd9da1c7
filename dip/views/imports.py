"""The spreadsheet import screens: upload, map and preview, confirm, follow the progress, read
the report; and the template to fill in."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from dip.forms import (
    ImportCommitForm,
    ImportMappingForm,
    ImportUploadForm,
    add_service_errors,
)
from dip.models import Classification, ImportJob, ImportStatus, InformationForm
from dip.permissions import can_change_items
from dip.selectors import body_import_jobs, import_jobs_for_user, import_progress
from dip.services import imports
from dip.services.imports.columns import TARGETS
from dip.services.imports.reading import max_rows
from ppid.downloads import content_disposition
from ppid.models import Body
from ppid.selectors import bodies_for_user

PREVIEW_PAGE_SIZE = 100
RECENT_JOBS = 10
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _body(request: HttpRequest, slug: str) -> Body:
    body = get_object_or_404(bodies_for_user(request.user), slug=slug)
    _require(request, body)
    return body


def _require(request: HttpRequest, body: Body) -> None:
    if not can_change_items(request.user, body):
        raise PermissionDenied(_("Your role in this public body does not allow this action."))


def _job(request: HttpRequest, pk: int) -> ImportJob:
    """A job of a body where the user holds a role (any other is 404) and may keep the register."""
    job = get_object_or_404(import_jobs_for_user(request.user), pk=pk)
    _require(request, job.body)
    return job


def _upload_page(request: HttpRequest, body: Body, form: ImportUploadForm) -> HttpResponse:
    return render(
        request,
        "dip/import_upload.html",
        {
            "body": body,
            "form": form,
            "jobs": list(body_import_jobs(request.user, body)[:RECENT_JOBS]),
        },
    )


@login_required
def import_start(request: HttpRequest, slug: str) -> HttpResponse:
    body = _body(request, slug)
    posted = request.method == "POST"
    form = ImportUploadForm(
        request.POST if posted else None, request.FILES if posted else None, max_rows=max_rows()
    )
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        if not upload:
            form.add_error("file", _("Choose a spreadsheet file."))
        else:
            try:
                job = imports.import_job_create(body=body, user=request.user, upload=upload)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("dip:import_job", pk=job.pk)
    return _upload_page(request, body, form)


def _preview_context(request: HttpRequest, job: ImportJob, mapping_form=None, commit_form=None):
    rows = job.rows
    problems = [r for r in rows if r["errors"]]
    duplicates = [r for r in rows if r.get("duplicate_of") and not r["errors"]]
    only_problems = request.GET.get("tampil") == "masalah"
    page = Paginator(problems if only_problems else rows, PREVIEW_PAGE_SIZE).get_page(
        request.GET.get("halaman")
    )
    if mapping_form is None:
        mapping_form = ImportMappingForm(
            columns=job.source.get("columns", []), mapping=job.mapping, targets=TARGETS
        )
    if commit_form is None:
        commit_form = ImportCommitForm(
            initial={"update_rows": job.update_rows},
            duplicates=[r["index"] for r in duplicates],
        )
    labels = dict(Classification.choices)
    forms = dict(InformationForm.choices)
    return {
        "job": job,
        "body": job.body,
        "rows": [
            {
                **r,
                "class_label": labels.get(r["classification"], ""),
                "produced": _day(r.get("values", {}).get("produced_at")),
                "form_label": forms.get(r.get("values", {}).get("form"), ""),
            }
            for r in page
        ],
        "mapping_form": mapping_form,
        "mapping_fields": list(mapping_form),
        "commit_form": commit_form,
        "page": page,
        "only_problems": only_problems,
        "valid_count": len(rows) - len(problems),
        "new_count": len(rows) - len(problems) - len(duplicates),
        "problem_count": len(problems),
        "duplicate_count": len(duplicates),
        "chosen": set(job.update_rows),
    }


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _report_context(job: ImportJob) -> dict:
    done = import_progress(job)
    return {
        "job": job,
        "body": job.body,
        "progress": done,
        "percent": int(100 * done / job.total) if job.total else 0,
        "working": job.status in (ImportStatus.PENDING, ImportStatus.RUNNING),
    }


@login_required
@require_safe
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.committed_at is None:
        return render(request, "dip/import_preview.html", _preview_context(request, job))
    return render(request, "dip/import_report.html", _report_context(job))


@login_required
@require_safe
def import_progress_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar alone (htmx polls it while the import runs); the whole report once
    it has finished, so that the page shows the outcome without a reload."""
    job = _job(request, pk)
    context = _report_context(job)
    response = render(request, "dip/_import_progress.html", context)
    if not context["working"]:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    form = ImportMappingForm(
        request.POST, columns=job.source.get("columns", []), mapping=job.mapping, targets=TARGETS
    )
    if form.is_valid():
        try:
            job = imports.import_job_remap(job=job, user=request.user, mapping=form.mapping())
        except ValidationError as error:
            names = {key: name for name, key in form.keys.items()}
            for key, problems in getattr(error, "message_dict", {}).items():
                form.add_error(names.get(key), problems)
            if not hasattr(error, "message_dict"):
                form.add_error(None, error.messages)
        else:
            messages.success(request, _("The columns were mapped again and the rows checked."))
            return redirect("dip:import_job", pk=job.pk)
    return render(
        request, "dip/import_preview.html", _preview_context(request, job, mapping_form=form)
    )


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    duplicates = [r["index"] for r in job.rows if r.get("duplicate_of") and not r["errors"]]
    form = ImportCommitForm(request.POST, duplicates=duplicates)
    if form.is_valid():
        try:
            job = imports.import_job_commit(
                job=job,
                user=request.user,
                update_all=form.cleaned_data["update_all"],
                update_rows=form.cleaned_data["update_rows"],
            )
        except imports.AlreadyCommitted:
            messages.info(request, _("This import has already been started."))
            return redirect("dip:import_job", pk=job.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("dip:import_job", pk=job.pk)
    return render(
        request, "dip/import_preview.html", _preview_context(request, job, commit_form=form)
    )


@login_required
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.committed_at is not None:
        return redirect("dip:import_job", pk=job.pk)
    if request.method == "POST":
        body = job.body
        imports.import_job_discard(job=job, user=request.user)
        messages.success(request, _("The preview was discarded; nothing was imported."))
        return redirect("dip:import_start", slug=body.slug)
    return render(request, "dip/import_discard.html", {"job": job, "body": job.body})


@login_required
@require_safe
def import_template(request: HttpRequest, slug: str, extension: str) -> HttpResponse:
    _body(request, slug)
    if extension == "xlsx":
        response = HttpResponse(imports.import_template_xlsx(), content_type=XLSX)
    else:
        response = HttpResponse(imports.import_template_csv(), content_type="text/csv")
    response["Content-Disposition"] = content_disposition(
        f"templat-daftar-informasi.{extension}", as_attachment=True
    )
    return response
