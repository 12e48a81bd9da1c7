"""Spreadsheet imports into a body's register through the API: upload (read and previewed at
once), follow the job, commit its valid rows."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from dip.models import ImportJob, ImportStatus
from dip.permissions import can_change_items
from dip.selectors import import_jobs_for_user, import_jobs_to_keep, import_progress
from dip.services import imports
from ppid.api import BodyFilter
from ppid.selectors import bodies_for_user


class ImportSkippedSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row's number in its sheet.")
    sheet = serializers.CharField(help_text="The sheet's name (a CSV file: its name).")
    errors = serializers.ListField(child=serializers.CharField())


class ImportRowSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The row's position in the import (from 0).")
    row = serializers.IntegerField()
    sheet = serializers.CharField()
    title = serializers.CharField()
    errors = serializers.ListField(child=serializers.CharField())
    duplicate_of = serializers.IntegerField(
        allow_null=True, help_text="The existing item with the same title and unit."
    )


class ImportJobSerializer(serializers.ModelSerializer):
    body = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    committed = serializers.SerializerMethodField()
    done = serializers.SerializerMethodField(help_text="Rows written so far.")
    skipped = ImportSkippedSerializer(many=True, read_only=True)
    problems = serializers.SerializerMethodField(
        help_text="Rows of the preview that will be skipped, with their problems."
    )
    duplicates = serializers.SerializerMethodField(
        help_text="Valid rows that repeat an existing item (title and unit): updated only "
        "when chosen at the commit."
    )

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "body",
            "file_name",
            "status",
            "committed",
            "total",
            "done",
            "created",
            "updated",
            "skipped",
            "problems",
            "duplicates",
            "mapping",
            "error",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_committed(self, job: ImportJob) -> bool:
        return job.committed_at is not None

    def get_done(self, job: ImportJob) -> int:
        return import_progress(job)

    @extend_schema_field(ImportRowSerializer(many=True))
    def get_problems(self, job: ImportJob) -> list[dict]:
        return [_import_row(r) for r in job.rows if r["errors"]]

    @extend_schema_field(ImportRowSerializer(many=True))
    def get_duplicates(self, job: ImportJob) -> list[dict]:
        return [_import_row(r) for r in job.rows if r.get("duplicate_of") and not r["errors"]]


def _import_row(row: dict) -> dict:
    return {k: row.get(k) for k in ("index", "row", "sheet", "title", "errors", "duplicate_of")}


class ImportAccepted(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ImportStatus.choices)


class ImportCommitRequest(serializers.Serializer):
    update_all = serializers.BooleanField(
        required=False, default=False, help_text="Update every repeated item with its row."
    )
    update_rows = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        default=list,
        max_length=20_000,
        help_text="The `index` of each repeated row whose item is to be updated.",
    )


@extend_schema_view(list=extend_schema(parameters=[BodyFilter]))
class ImportViewSet(viewsets.ReadOnlyModelViewSet):
    """Spreadsheet imports into a body's register: upload (read and previewed at once), then
    commit (written by a task in one transaction)."""

    serializer_class = ImportJobSerializer
    list_filter = BodyFilter

    def get_queryset(self):
        if self.action == "list":  # only the bodies whose register the caller keeps
            jobs = import_jobs_to_keep(self.request.user)
        else:  # another body's job is 404; a role that may not keep the register 403
            jobs = import_jobs_for_user(self.request.user)
        return jobs.order_by("-created_at", "-pk")

    def get_object(self):
        job = super().get_object()
        if not can_change_items(self.request.user, job.body):
            raise PermissionDenied(_("Your role in this public body does not allow this action."))
        return job

    @extend_schema(
        summary="Upload a spreadsheet (.xlsx or .csv): read, mapped and previewed at once",
        request={
            "multipart/form-data": inline_serializer(
                "ImportUpload",
                {
                    "file": serializers.FileField(help_text="An .xlsx workbook or a .csv file."),
                    "body": serializers.SlugField(help_text="The public body's slug."),
                },
            )
        },
        responses={202: ImportAccepted},
    )
    def create(self, request):
        upload = request.FILES.get("file")
        slug = request.data.get("body") or ""
        errors = {}
        body = bodies_for_user(request.user).filter(slug=slug).first() if slug else None
        if body is None:
            errors["body"] = [_("There is no public body “%(slug)s” among yours.") % {"slug": slug}]
        if upload is None:
            errors["file"] = [_("Choose a spreadsheet file.")]
        if errors:
            raise serializers.ValidationError(errors)
        job = imports.import_job_create(body=body, user=request.user, upload=upload)
        return Response({"id": job.pk, "status": job.status}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Import the valid rows of a previewed upload (a task; follow it on GET)",
        request=ImportCommitRequest,
        responses={202: ImportAccepted},
    )
    @action(detail=True, methods=["post"], pagination_class=None)
    def commit(self, request, pk=None):
        job = self.get_object()
        data = ImportCommitRequest(data=request.data)
        data.is_valid(raise_exception=True)
        job = imports.import_job_commit(job=job, user=request.user, **data.validated_data)
        job.refresh_from_db(fields=["status"])
        return Response({"id": job.pk, "status": job.status}, status=status.HTTP_202_ACCEPTED)
