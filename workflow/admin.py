from django.contrib import admin

from dip.admin import ReadOnlyAdmin
from workflow.models import AuditEntry, Sop, SopStep, Step


class SopStepInline(admin.TabularInline):
    model = SopStep
    extra = 0


@admin.register(Sop)
class SopAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "name",
        "body",
        "applies_to",
        "effective_on",
        "is_active",
        "is_default_route",
    ]
    list_filter = ["body", "applies_to", "is_active", "is_default_route"]
    inlines = [SopStepInline]


@admin.register(Step)
class StepAdmin(ReadOnlyAdmin):
    list_display = ["edition", "stage", "role", "started_at", "due_at", "finished_at", "transition"]
    list_filter = ["stage", "transition"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "body", "action", "from_state", "to_state"]
    list_filter = ["action", "body"]
    search_fields = ["note", "target_id"]
