"""Read-only views of the register for administrators; changes go through the services."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dip.models import (
    Aggregator,
    Announcement,
    Attachment,
    Delivery,
    DeliveryStatus,
    Edition,
    EditionRow,
    Item,
)
from dip.tasks import deliver


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


class AggregatorForm(forms.ModelForm):
    """The shared secret is never shown again; leave it empty to keep the current one."""

    url = forms.URLField(label=_("push URL"), assume_scheme="https", max_length=200)

    secret = forms.CharField(
        label=_("shared secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the current secret."),
    )

    class Meta:
        model = Aggregator
        fields = ["body", "name", "url", "secret", "is_active"]

    def clean_secret(self) -> str:
        secret = self.cleaned_data["secret"]
        if not secret:
            if self.instance.pk and self.instance.secret:
                return self.instance.secret
            raise forms.ValidationError(_("An aggregator needs a shared secret."))
        return secret


@admin.register(Aggregator)
class AggregatorAdmin(admin.ModelAdmin):
    form = AggregatorForm
    list_display = ["name", "body", "url", "is_active"]
    list_filter = ["is_active", "body"]
    search_fields = ["name", "url"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "edition",
        "aggregator",
        "status",
        "attempts",
        "response_status",
        "sent_at",
        "updated_at",
        "last_error",
    ]
    list_filter = ["status", "aggregator"]
    list_select_related = ["edition__body", "aggregator"]
    actions = ["send_again"]

    @admin.action(description=_("Send the selected deliveries again"))
    def send_again(self, request, queryset):
        ids = list(queryset.exclude(status=DeliveryStatus.SENT).values_list("pk", flat=True))
        for delivery_id in ids:
            deliver.delay(delivery_id)
        self.message_user(
            request,
            ngettext("%d delivery queued.", "%d deliveries queued.", len(ids)) % len(ids),
            messages.SUCCESS,
        )


@admin.register(Announcement)
class AnnouncementAdmin(ReadOnlyAdmin):
    """The evidence of what was announced to the public, and when (never edited)."""

    list_display = ["title", "body", "kind", "announced_at", "announced_by", "edition"]
    list_filter = ["kind", "body"]
    search_fields = ["title", "summary"]
    list_select_related = ["body", "announced_by", "edition"]
