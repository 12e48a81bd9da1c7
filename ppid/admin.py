from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from ppid.forms import AdminLoginForm
from ppid.models import Body, Officer, Unit
from ppid.services import token_revoke


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Body)
class BodyAdmin(GuardedModelAdmin):
    list_display = ["name", "slug", "parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [UnitInline]


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "position", "nip"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "nip"]


# The admin's sign-in with our Indonesian wrong-login message (ppid/forms.py).
admin.site.login_form = AdminLoginForm


# --- API tokens: deleting one in the admin revokes it through the service (audited) ----------


admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class RevokingTokenAdmin(TokenAdmin):
    def delete_model(self, request, obj):
        token_revoke(user=obj.user, actor=request.user)

    def delete_queryset(self, request, queryset):
        for token in queryset.select_related("user"):
            token_revoke(user=token.user, actor=request.user)
