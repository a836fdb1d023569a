from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import FAQ, Resource, SupportRequest


@admin.register(FAQ)
class FAQAdmin(admin.ModelAdmin):
    list_display = ["question", "category", "position", "published"]
    list_editable = ["position", "published"]
    list_filter = ["category", "published"]
    search_fields = ["question", "answer"]
    ordering = ["category", "position", "pk"]


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    list_display = ["subject", "name", "email", "status", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["name", "email", "subject", "message"]
    date_hierarchy = "created_at"
    readonly_fields = ["name", "email", "user", "subject", "message", "created_at"]
    fields = ["status", "name", "email", "user", "created_at", "subject", "message"]
    actions = ["mark_resolved", "mark_open"]

    def has_add_permission(self, request) -> bool:
        # Requests arrive through the Contact form only.
        return False

    @admin.action(description=_("Mark selected requests as resolved"))
    def mark_resolved(self, request, queryset):
        count = services.set_support_request_status(queryset, SupportRequest.Status.RESOLVED)
        self.message_user(
            request,
            ngettext("%(count)d request marked as resolved.", "%(count)d requests marked as resolved.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Open selected requests again"))
    def mark_open(self, request, queryset):
        count = services.set_support_request_status(queryset, SupportRequest.Status.OPEN)
        self.message_user(
            request,
            ngettext("%(count)d request opened again.", "%(count)d requests opened again.", count) % {"count": count},
            messages.SUCCESS,
        )


class ResourceAdminForm(forms.ModelForm):
    """The admin's resource (its page and the list's Published boxes) under the rule Staff → Content keeps."""

    def clean(self):
        data = super().clean()
        if self.has_error("url") or self.has_error("video"):
            return data

        def value(name: str):
            return data.get(name) if name in self.fields else getattr(self.instance, name)

        why_not = Resource.why_not_published(
            kind=value("kind"),
            published=bool(value("published")),
            url=value("url") or "",
            has_file=bool(value("video")),
            body=value("body") or "",
        )
        if why_not:
            field = Resource.missing_field(value("kind"))
            self.add_error(field if field in self.fields else "published", why_not)
        return data


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    form = ResourceAdminForm
    list_display = ["title", "kind", "stage", "position", "published"]
    list_editable = ["position", "published"]
    list_filter = ["stage", "kind", "published"]
    search_fields = ["title", "summary", "body"]
    ordering = ["stage", "position", "pk"]

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=ResourceAdminForm, **kwargs)
