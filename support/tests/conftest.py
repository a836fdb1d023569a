"""Fixtures for the support app's tests."""

import importlib

import pytest


@pytest.fixture(autouse=True)
def support_content(request):
    """The seeded FAQs and resources (transactional tests flush the migrations' rows).

    Both seeds only add what is missing, so this is harmless when the rows are there.
    """
    marker = request.node.get_closest_marker("django_db")
    if "db" not in request.fixturenames and "transactional_db" not in request.fixturenames and not marker:
        return
    transactional = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    transactional = transactional or bool(marker and marker.kwargs.get("transaction"))
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.apps import apps as django_apps

    for name in ("0002_default_faqs", "0003_default_resources"):
        importlib.import_module(f"support.migrations.{name}").seed(django_apps, None)


@pytest.fixture
def no_extra_staff_addresses(settings):
    """Staff notifications go to staff accounts only, so counts in tests are exact."""
    settings.STAFF_NOTIFICATION_EMAILS = []
