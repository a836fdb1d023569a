"""allauth's emails (confirm address, reset password...) go through our outbox.

So they are delivered by the Celery worker with retries, exactly once, like every
other email, and an SMTP outage during sign-up never turns into an error page.
They are not listed as in-app notifications (recipient is None).

allauth's templates are plain text, written with autoescaping off (right for text);
the HTML part is built from that text with everything escaped, so a name such as
``<b>Eve</b>`` arrives as those characters, never as markup, in a page of its own that names
its language (``account/email/message.html``). Like every email, they are written in the
programme's language (``notifications.services.in_programme_language``).
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import linebreaks, urlize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification
from notifications.services import deliver_after_commit, in_programme_language
from project import identity
from project.roles import is_staff
from project.text import one_line

from .sites import current_site


def _belongs_to_another(address: str, user_id: int) -> bool:
    """Whether ``address`` is another account's sign-in address or one it has confirmed."""
    others = get_user_model().objects.filter(email__iexact=address).exclude(pk=user_id)
    confirmed = EmailAddress.objects.filter(email__iexact=address, verified=True).exclude(user_id=user_id)
    return others.exists() or confirmed.exists()


def text_to_html(text: str, subject: str = "") -> str:
    """A plain-text email as an HTML page: its paragraphs and links, every character of the text
    escaped, in a document that says its language (as the notifications' layout does)."""
    body = mark_safe(linebreaks(urlize(text, autoescape=True)))  # urlize escaped every character of the text
    return render_to_string("account/email/message.html", {"subject": subject, "body": body})


def _greet_name(template_prefix: str, email: str, user) -> str:
    """The first name an account email greets its reader by: the account's, when the email is to the
    account's own address (or, for a security notice, the address it had). Nobody's when it is to an
    address someone asked to add (its owner may be someone else), or when no account was named: the
    signed-in person may be someone else (``address_in_use`` goes to the other account's owner)."""
    if user is None or not getattr(user, "pk", None):
        return ""
    if template_prefix.startswith("account/email/email_confirmation") and user.email.lower() != email.lower():
        return ""
    return user.first_name


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # allauth's limit on wrong passwords per network address (settings.ACCOUNT_RATE_LIMITS); one
        # account's lockout is axes' page, account/locked_out.html.
        "too_many_login_attempts": _(
            "Too many wrong passwords have been tried from your network in the last minute. "
            "Wait a minute, then try again."
        ),
        # Change password: said when the current password typed is wrong (an empty box has its own error).
        "enter_current_password": _(
            "That is not your current password. Type the password you sign in with now, "
            "or use “Forgot your password?” to choose a new one."
        ),
    }

    def get_login_redirect_url(self, request) -> str:
        """Programme staff land on the staff home; participants where they always did. (A ``next``
        address, e.g. the page that sent them to sign in, still comes first: allauth asks this only
        without one.)"""
        if is_staff(request.user):
            return reverse("staff_home")
        return super().get_login_redirect_url(request)

    def send_confirmation_mail(self, request, emailconfirmation, signup: bool) -> None:
        """An address someone adds to their account is confirmed by its owner, as allauth does; but an
        address that is already another account's (its sign-in address, or one it confirmed) could
        never be confirmed on theirs, so its owner is told that someone tried, without a link to
        confirm it (``address_in_use``), rather than asked to confirm it."""
        address = emailconfirmation.email_address
        if not signup and _belongs_to_another(address.email, address.user_id):
            reset = settings.SITE_URL + reverse("account_reset_password")
            self.send_mail("account/email/address_in_use", address.email, {"password_reset_url": reset})
            return
        super().send_confirmation_mail(request, emailconfirmation, signup)

    def send_notification_mail(self, template_prefix: str, user, context: dict | None = None, email=None) -> None:
        """allauth's security notices (a password changed, set or reset; the account's address changed,
        to the old address; an address removed), sent when ACCOUNT_EMAIL_NOTIFICATIONS is on. Our
        words (templates/account/email/) greet the person by name and say what to do if it was not
        them: choose a new password, and tell the programme team through the contact form."""
        programme = identity.current()
        context = {
            "user": user,
            "password_reset_url": settings.SITE_URL + reverse("account_reset_password"),
            "contact_url": settings.SITE_URL + reverse("contact"),
            "support_email": programme.support_email,
            **(context or {}),
        }
        super().send_notification_mail(template_prefix, user, context, email)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # allauth's own send_mail adds the request, the address and the site; ours adds the programme and the
        # site's address too, for the greeting by name and the sign-off every notification has
        # (templates/account/email/base_message.txt).
        ctx = {
            "request": allauth_context.request,
            "email": email,
            **context,
            "current_site": current_site(),
            "programme": identity.current(),
            "site_url": settings.SITE_URL,
            "greet_name": _greet_name(template_prefix, email, context.get("user")),
        }
        with in_programme_language():
            message = self.render_mail(template_prefix, email, ctx)
            html = next((body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"), "")
            if message.content_subtype == "html":
                html, text = message.body, ""
            else:
                text = message.body
            html = html or text_to_html(text, message.subject)
        note = Notification.objects.create(
            recipient=None,
            email=email,
            event="account_" + template_prefix.rsplit("/", 1)[-1],
            subject=one_line(message.subject)[:200],
            body_text=text,
            body_html=html,
        )
        deliver_after_commit(note)
