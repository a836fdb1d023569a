"""allauth's emails (confirm address, reset password...) go through our outbox.

So they are delivered by the Celery worker with retries, exactly once, like every
other email, and an SMTP outage during sign-up never turns into an error page.
They are not listed as in-app notifications (recipient is None).
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.utils.html import linebreaks


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        from notifications.models import Notification
        from notifications.services import deliver_after_commit

        message = self.render_mail(template_prefix, email, context)
        html = next((body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"), "")
        if message.content_subtype == "html":
            html, text = message.body, ""
        else:
            text = message.body
        note = Notification.objects.create(
            recipient=None,
            email=email,
            event="account_" + template_prefix.rsplit("/", 1)[-1],
            subject=message.subject[:200],
            body_text=text,
            body_html=html or linebreaks(text),
        )
        deliver_after_commit(note)
