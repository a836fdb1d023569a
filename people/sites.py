"""The site's name and address come from settings (SITE_NAME, SITE_URL), not from the database.

django.contrib.sites starts with Site 1 called "example.com"; allauth's emails print
``current_site.name`` and ``current_site.domain``. ``sync_site`` (run after every
``migrate``) writes the settings into Site 1, and ``current_site`` builds the same
values from settings for the emails, so they read right even before a migrate.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sites.models import Site


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).netloc or settings.SITE_URL


def current_site():
    return Site(id=settings.SITE_ID, domain=site_domain(), name=settings.SITE_NAME)


def sync_site(using: str = "default", **kwargs) -> None:
    """post_migrate: make Site SITE_ID say what the settings say."""
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": site_domain()[:100], "name": settings.SITE_NAME[:50]}
    )
