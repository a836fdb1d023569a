from django.contrib import admin

from .models import Feedback, Goal, Meeting, Relationship, StateChange


class HistoryInline(admin.TabularInline):
    model = StateChange
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "action", "from_state", "to_state", "note"]


@admin.register(Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    """Read-mostly: stages change only through the journey's services (the state field is protected)."""

    list_display = ["id", "mentee", "mentor", "area", "state", "created_at", "last_activity_at"]
    list_filter = ["state", "area"]
    search_fields = ["mentee__email", "mentor__email", "mentee__last_name", "mentor__last_name"]
    readonly_fields = [
        "mentee",
        "mentor",
        "conversation",
        "state",
        "created_at",
        "matched_at",
        "ended_at",
        "last_activity_at",
    ]
    inlines = [HistoryInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting the row would take its history, messages, meetings and goals with it, without telling
        # either person: a relationship ends through the journey (withdraw, or programme staff closing it).
        return False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    """Read-only, and without a meeting's own page (its place, video link and details): the privacy page
    promises staff see a meeting's title and time only (the notes are not registered at all)."""

    list_display = ["title", "relationship", "starts_at", "duration_minutes", "cancelled_at", "outcome"]
    fields = ["relationship", "organiser", "title", "starts_at", "duration_minutes", "cancelled_at", "outcome"]
    readonly_fields = fields
    search_fields = ["title"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


admin.site.register(Goal)
admin.site.register(Feedback)
