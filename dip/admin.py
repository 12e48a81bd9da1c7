"""Read-only views of the register for administrators; changes go through the services."""

from django.contrib import admin

from dip.models import Attachment, Edition, EditionRow, Item


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["original_name", "content_type", "size", "sha256", "kind", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "body", "classification", "updated_at"]
    list_filter = ["classification", "body"]
    search_fields = ["title", "summary"]
    inlines = [AttachmentInline]


class EditionRowInline(admin.TabularInline):
    model = EditionRow
    extra = 0
    fields = ["number", "classification", "title", "holding_unit"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Edition)
class EditionAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "body",
        "kind",
        "year",
        "revision",
        "state",
        "signed_at",
        "published_at",
    ]
    list_filter = ["state", "kind", "body"]
    inlines = [EditionRowInline]
