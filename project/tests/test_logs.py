"""A 403 is logged once, in one line, without a traceback (project/logs.py)."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from people.tests.factories import make_mentee

pytestmark = pytest.mark.django_db


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def test_a_refused_page_is_one_line_in_the_log(client, mentee, mentor):
    from django.conf import settings

    from journeys.tests.helpers import send

    rel = send(mentee, mentor)
    client.force_login(mentor)
    step = client.get(reverse("next_step", args=[rel.pk])).url  # the mentor's review step

    handler = Collect()  # after the configured console handler, whose filter has seen the record first
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        client.force_login(make_mentee())  # someone else: refused (project.errors.Denied)
        assert client.get(step).status_code == 403
    finally:
        root.removeHandler(handler)
    forbidden = [line for line in handler.lines if "Forbidden" in line]
    assert len(forbidden) == 1 and "Traceback" not in forbidden[0], handler.lines
    assert settings.LOGGING["loggers"]["django"]["handlers"] == []  # not printed a second time by Django's own
