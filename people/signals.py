"""Keep the onboarding flow in step with allauth's account events."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from journeys.flows import onboarding


@receiver(email_confirmed)
def on_email_confirmed(request, email_address, **kwargs):
    onboarding.address_confirmed(email_address.user)
