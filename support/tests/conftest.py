"""Fixtures for the support app's tests."""

import pytest


@pytest.fixture
def no_extra_staff_addresses(settings):
    """Staff notifications go to staff accounts only, so counts in tests are exact."""
    settings.STAFF_NOTIFICATION_EMAILS = []
