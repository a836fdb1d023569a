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


admin.site.register(Meeting)
admin.site.register(Goal)
admin.site.register(Feedback)
