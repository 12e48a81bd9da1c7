from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from ppid.models import Body, Officer, Unit


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
