"""The programme's identity: one row (pk 1), edited on Staff → Programme settings.

Read it through ``project.identity.current()`` (cached, with the settings as defaults), never
through this model.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from project.colour import BLACK, BRAND_DEFAULT, WHITE

SINGLETON = 1


class ProgrammeIdentity(models.Model):
    class TextColour(models.TextChoices):
        WHITE = WHITE, _("White")
        BLACK = BLACK, _("Black")

    programme_name = models.CharField(
        _("programme name"), max_length=50, help_text=_("Shown at the top of every page and in every email.")
    )
    organisation = models.CharField(
        _("organisation"), max_length=120, blank=True, help_text=_("The body that runs the programme.")
    )
    logo = models.FileField(_("logo"), upload_to="identity/", blank=True)
    logo_version = models.PositiveIntegerField(default=0)
    brand_colour = models.CharField(_("brand colour"), max_length=7, default=BRAND_DEFAULT)
    brand_text = models.CharField(
        _("text on the brand colour"), max_length=7, choices=TextColour.choices, default=TextColour.WHITE
    )
    sender_name = models.CharField(_("sender name"), max_length=80, blank=True)
    reply_to = models.EmailField(_("reply-to address"), blank=True)
    support_email = models.EmailField(_("support email"), blank=True)
    privacy_url = models.URLField(_("privacy notice address"), blank=True)
    terms_url = models.URLField(_("terms of use address"), blank=True)
    organisation_url = models.URLField(_("organisation's website"), blank=True)
    welcome_text = models.TextField(_("welcome text"), blank=True, max_length=4000)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("programme identity")
        constraints = [models.CheckConstraint(condition=Q(pk=SINGLETON), name="identity_single_row")]

    def __str__(self) -> str:
        return self.programme_name
