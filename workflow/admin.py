from django.contrib import admin

from dip.admin import ReadOnlyAdmin
from workflow.models import (
    AuditEntry,
    InformationRequest,
    Objection,
    RequestNote,
    SertaMertaRequest,
    Sop,
    SopStep,
    Step,
)


class SopStepInline(admin.TabularInline):
    model = SopStep
    extra = 0

    def has_change_permission(self, request, obj=None):
        return obj is None

    def has_delete_permission(self, request, obj=None):
        return obj is None


@admin.register(Sop)
class SopAdmin(admin.ModelAdmin):
    """A first SOP may be added here; every change after that is made in the app (the SOP
    page's "Ubah SOP"), where it becomes a new version with an audit row."""

    list_display = [
        "number",
        "version",
        "name",
        "body",
        "applies_to",
        "effective_on",
        "is_active",
        "is_default_route",
    ]
    list_filter = ["body", "applies_to", "is_active", "is_default_route"]
    readonly_fields = ["version", "replaces", "created_by"]
    inlines = [SopStepInline]

    def has_change_permission(self, request, obj=None):
        return obj is None

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Step)
class StepAdmin(ReadOnlyAdmin):
    list_display = ["edition", "stage", "role", "started_at", "due_at", "finished_at", "transition"]
    list_filter = ["stage", "transition"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "body", "action", "from_state", "to_state"]
    list_filter = ["action", "body"]
    search_fields = ["note", "target_id"]


@admin.register(SertaMertaRequest)
class SertaMertaRequestAdmin(ReadOnlyAdmin):
    """Serta merta requests and their decisions, kept as evidence (never edited here)."""

    list_display = ["title", "body", "state", "requested_at", "due_at", "decided_at"]
    list_filter = ["state", "body"]
    search_fields = ["title"]
    list_select_related = ["body"]


class RequestNoteInline(admin.TabularInline):
    model = RequestNote
    extra = 0
    fields = ["created_at", "author", "text"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(InformationRequest)
class InformationRequestAdmin(ReadOnlyAdmin):
    """The register of requests, kept as evidence: every change goes through the app's services
    (receipt, extension, decision), each with its audit row."""

    list_display = ["register_number", "body", "channel", "received_at", "status", "due_at"]
    list_filter = ["status", "channel", "body"]
    search_fields = ["tracking_code", "name", "information"]
    list_select_related = ["body"]
    inlines = [RequestNoteInline]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["register_number", "body", "ground", "filed_at", "status", "due_at"]
    list_filter = ["status", "ground", "body"]
    list_select_related = ["body"]
