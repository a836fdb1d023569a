"""The programme's identity (name, organisation, logo, colour, senders, links, welcome text), read once.

Staff edit it on Staff → Programme settings (``staff/identity``, app label ``identity``: one row).
Everything else reads it through ``current()``, never the model: pages (the ``site`` context
processor), emails (notifications, allauth's account emails) and documents. Until staff save the
settings, or for a field left empty, the values come from the settings (``SITE_NAME``,
``SUPPORT_EMAIL``), so a fresh install reads as before.

The stored row is kept in the default cache (shared by every web node and worker); saving it
calls ``forget()``, so the next read anywhere sees the new values. Where processes do not share
the cache (``CACHE_URL=locmemcache://``), a copy is kept at most ``CACHE_SECONDS``. The model is looked up by its
app label, so the apps at the bottom of the house (notifications, people, journeys) read the
identity without importing the staff area.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from email.utils import formataddr

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import DatabaseError

from .colour import BRAND_DEFAULT, WHITE, Palette, palette

CACHE_KEY = "programme-identity:1"
CACHE_SECONDS = 60
FIELDS = (
    "programme_name",
    "organisation",
    "logo",
    "logo_version",
    "brand_colour",
    "brand_text",
    "sender_name",
    "reply_to",
    "support_email",
    "privacy_url",
    "terms_url",
    "organisation_url",
    "welcome_text",
)


@dataclass(frozen=True)
class Identity:
    """What the programme calls itself and how it looks; empty fields fall back to the settings."""

    stored: dict = field(default_factory=dict)

    def _get(self, name: str) -> str:
        return (self.stored.get(name) or "").strip()

    @property
    def name(self) -> str:
        return self._get("programme_name") or settings.SITE_NAME

    @property
    def organisation(self) -> str:
        return self._get("organisation")

    @property
    def logo_url(self) -> str:
        if not self._get("logo"):
            return ""
        from django.urls import reverse

        return reverse("programme_logo", kwargs={"version": self.stored.get("logo_version") or 0})

    @property
    def brand_colour(self) -> str:
        return self._get("brand_colour").lower() or BRAND_DEFAULT

    @property
    def colours(self) -> Palette:
        return palette(self.brand_colour, self._get("brand_text") or WHITE)

    @property
    def sender_name(self) -> str:
        return self._get("sender_name") or self.name

    @property
    def support_email(self) -> str:
        return self._get("support_email") or getattr(settings, "SUPPORT_EMAIL", "")

    @property
    def reply_to(self) -> str:
        """Where replies to the platform's emails go: the reply-to address, else the support email."""
        return self._get("reply_to") or self.support_email

    @property
    def from_email(self) -> str:
        """``DEFAULT_FROM_EMAIL`` with the sender's name: ``"Name" <address>``."""
        return formataddr((self.sender_name, settings.DEFAULT_FROM_EMAIL))

    @property
    def privacy_url(self) -> str:
        return self._get("privacy_url")

    @property
    def terms_url(self) -> str:
        return self._get("terms_url")

    @property
    def organisation_url(self) -> str:
        return self._get("organisation_url")

    @property
    def welcome_paragraphs(self) -> list[str]:
        """The home page's welcome text, one string per paragraph (empty: the built-in welcome)."""
        text = self._get("welcome_text").replace("\r\n", "\n")
        return [p.strip() for p in text.split("\n\n") if p.strip()]


def _stored() -> dict | None:
    """The saved row's values ({} when staff have not saved any), None when the table is missing."""
    try:
        model = apps.get_model("identity", "ProgrammeIdentity")
        row = model.objects.filter(pk=1).values(*FIELDS).first()
    except (LookupError, DatabaseError):  # before the identity app's migration (e.g. during migrate)
        return None
    return row or {}


def current() -> Identity:
    """The programme's identity now (cached; ``forget()`` after a change). Within one web request it is
    read once (the request's emails, page and layout all ask for it); elsewhere, each time."""
    memo = getattr(_request, "identity", None)
    if memo is not None:
        return memo
    stored = cache.get(CACHE_KEY)
    if stored is None:
        stored = _stored()
        if stored is None:
            return Identity()
        cache.set(CACHE_KEY, stored, timeout=CACHE_SECONDS)
    identity = Identity(stored)
    if getattr(_request, "serving", False):
        _request.identity = identity
    return identity


def forget() -> None:
    """Drop the cached identity: the next ``current()`` reads the row again."""
    cache.delete(CACHE_KEY)
    _request.identity = None


# One request's copy: kept from its first ``current()`` until the request ends (Django's
# request_started / request_finished), never in a worker or a command, which run on.
_request = threading.local()


def _request_started(**kwargs) -> None:
    _request.serving, _request.identity = True, None


def _request_finished(**kwargs) -> None:
    _request.serving, _request.identity = False, None


request_started.connect(_request_started, dispatch_uid="project.identity.request_started")
request_finished.connect(_request_finished, dispatch_uid="project.identity.request_finished")
