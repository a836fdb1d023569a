"""The programme's identity is read once per web request (project/identity.py), and afresh in the next."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from project import identity

pytestmark = pytest.mark.django_db


@contextmanager
def a_request():
    """Django's request signals around the block (as the test client sends them: without closing the
    test's database connection)."""
    request_started.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
        yield
    finally:
        request_finished.disconnect(close_old_connections)
        try:
            request_finished.send(sender=None)
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


def rename(name: str) -> None:
    """As staff saving the settings on another web node: the row changes, the shared copy is dropped."""
    model = apps.get_model("identity", "ProgrammeIdentity")
    model.objects.update_or_create(pk=1, defaults={"programme_name": name})
    cache.delete(identity.CACHE_KEY)


def test_one_request_reads_the_identity_once_and_the_next_request_sees_a_change():
    rename("Before")
    with a_request():
        first = identity.current()
        assert first.name == "Before"
        rename("Changed elsewhere")
        assert identity.current() is first  # the same request: its emails, page and layout agree
    with a_request():
        assert identity.current().name == "Changed elsewhere"


def test_a_change_saved_in_the_request_itself_is_seen_at_once():
    rename("Before")
    with a_request():
        assert identity.current().name == "Before"
        rename("Saved here")
        identity.forget()  # what the settings page does after saving
        assert identity.current().name == "Saved here"


def test_outside_a_request_every_read_sees_the_latest():
    """A worker or a command runs on for hours: it keeps no copy of its own."""
    rename("First")
    assert identity.current().name == "First"
    rename("Second")
    assert identity.current().name == "Second"
