"""allauth's adapter with the programme's sign-up mode (``SignupSettings``) applied.

It extends ``people.adapter.AccountAdapter`` (emails through the outbox) so that ``people`` never
imports the staff side: with sign-up by invitation only, the sign-up page says it is closed; with
a list of domains, any other address is refused with a sentence saying which domains are accepted.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _

from people.adapter import AccountAdapter as PeopleAccountAdapter

from .models import SignupSettings


class AccountAdapter(PeopleAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return SignupSettings.current().mode != SignupSettings.Mode.INVITATION

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        current = SignupSettings.current()
        if current.mode == SignupSettings.Mode.DOMAINS and not current.allows_domain(email):
            raise forms.ValidationError(
                _("Registering is open only to addresses at %(domains)s. Ask the programme team for an invitation.")
                % {"domains": ", ".join(current.domains)}
            )
        return email
