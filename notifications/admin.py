from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: staff decide about failed and uncertain emails on their own page (/staff/email/)."""

    list_display = ["created_at", "event", "email", "email_status", "email_attempts", "next_attempt_at", "read_at"]
    list_filter = ["email_status", "event"]
    search_fields = ["email", "subject"]
    readonly_fields = [f.name for f in Notification._meta.fields]
