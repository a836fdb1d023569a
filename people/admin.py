from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AreaOfSupport, ProfessionalCommunity, Profile, Region, Role, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "anonymised_at"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Name"), {"fields": ("first_name", "last_name")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined", "anonymised_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting the row would take the person's relationships with it, without telling the other
        # person, and skip erasure (people.erasure: their name in others' records, files, sign-in records).
        # A member leaves through Delete my account, the retention sweep, or ``manage.py erase_account``,
        # which all run people.services.delete_account; a staff account is deactivated instead.
        return False


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "is_mentor",
        "is_mentee",
        "job_title",
        "organisation",
        "capacity",
        "accepting_requests",
        "completed_at",
    ]
    list_filter = ["is_mentor", "is_mentee", "accepting_requests", "role", "community"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organisation"]
    filter_horizontal = ["areas"]
    raw_id_fields = ["user"]


class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "active"]
    list_editable = ["position", "active"]
    search_fields = ["name"]


admin.site.register(AreaOfSupport, TaxonomyAdmin)
admin.site.register(Role, TaxonomyAdmin)
admin.site.register(ProfessionalCommunity, TaxonomyAdmin)


@admin.register(Region)
class RegionAdmin(TaxonomyAdmin):
    list_display = ["name", "code", "position", "active"]
