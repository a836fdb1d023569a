from django.contrib import admin

from .models import Notification

PRIVATE_FIELDS = {"body_text", "body_html", "ics"}


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: staff decide about failed and uncertain emails on their own page (/staff/email/).

    Without the email's text, HTML and calendar attachment: they quote messages and meetings' places,
    links and details, which the privacy page promises programme staff do not see."""

    list_display = ["created_at", "event", "email", "email_status", "email_attempts", "next_attempt_at", "read_at"]
    list_filter = ["email_status", "event"]
    search_fields = ["email", "subject"]
    fields = [f.name for f in Notification._meta.fields if f.name not in PRIVATE_FIELDS]
    readonly_fields = fields
