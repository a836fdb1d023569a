"""allauth's emails (confirm address, reset password...) go through our outbox.

So they are delivered by the Celery worker with retries, exactly once, like every
other email, and an SMTP outage during sign-up never turns into an error page.
They are not listed as in-app notifications (recipient is None).

allauth's templates are plain text, written with autoescaping off (right for text);
the HTML part is built from that text with everything escaped, so a name such as
``<b>Eve</b>`` arrives as those characters, never as markup.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.urls import reverse
from django.utils.html import linebreaks, urlize

from notifications.models import Notification
from notifications.services import deliver_after_commit
from project.roles import is_staff
from project.text import one_line

from .sites import current_site


def text_to_html(text: str) -> str:
    """Paragraphs and links of a plain-text email, every character of the text escaped."""
    return linebreaks(urlize(text, autoescape=True))


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request) -> str:
        """Programme staff land on the staff home; participants where they always did. (A ``next``
        address, e.g. the page that sent them to sign in, still comes first: allauth asks this only
        without one.)"""
        if is_staff(request.user):
            return reverse("staff_home")
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # allauth's own send_mail adds these; ours must too, or the emails read "Hello from !".
        ctx = {"request": allauth_context.request, "email": email, **context, "current_site": current_site()}
        message = self.render_mail(template_prefix, email, ctx)
        html = next((body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"), "")
        if message.content_subtype == "html":
            html, text = message.body, ""
        else:
            text = message.body
        note = Notification.objects.create(
            recipient=None,
            email=email,
            event="account_" + template_prefix.rsplit("/", 1)[-1],
            subject=one_line(message.subject)[:200],
            body_text=text,
            body_html=html or text_to_html(text),
        )
        deliver_after_commit(note)
