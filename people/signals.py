"""Keep the onboarding flow and the sign-in lockout in step with allauth's account events."""

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, password_reset
from axes.utils import reset as reset_lockout
from django.dispatch import receiver

from journeys.flows import onboarding


@receiver(email_confirmed)
def on_email_confirmed(request, email_address, **kwargs):
    onboarding.address_confirmed(email_address.user)


@receiver(password_reset)
def on_password_reset(request, user, **kwargs):
    """A new password chosen from the reset email ends the account's lockout (the lockout page offers
    that way back in): the link proved the person holds the account's address. Attempts are counted
    per address typed, lower-cased (``people.lockout``), so every address of the account is cleared;
    other accounts stay as they are."""
    addresses = {user.email} | set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    for address in {a.strip().lower() for a in addresses if a}:
        reset_lockout(username=address)
