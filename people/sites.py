"""The site's name is the programme's (Staff → Programme settings, ``project.identity``; SITE_NAME
until staff set one) and its address comes from settings (SITE_URL).

django.contrib.sites starts with Site 1 called "example.com"; allauth's emails print
``current_site.name`` and ``current_site.domain``. ``sync_site`` (run after every
``migrate``, and saving the programme settings does the same) writes them into Site 1, and
``current_site`` builds the same values for the emails, so they read right even before a migrate.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sites.models import Site

from project import identity


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).netloc or settings.SITE_URL


def current_site():
    return Site(id=settings.SITE_ID, domain=site_domain(), name=identity.current().name)


def sync_site(using: str = "default", **kwargs) -> None:
    """post_migrate: make Site SITE_ID say what the settings say."""
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": site_domain()[:100], "name": identity.current().name[:50]}
    )
