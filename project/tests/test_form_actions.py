"""Every form that posts names where it posts (``action``), so the page after it starts clean.

A form with no ``action`` posts to the page's whole address, ``#fragment`` included, and a redirect
without a fragment of its own keeps it. The error box links each message to its field
(``#id_body``), so after a refused then accepted answer the next page would open on ``#id_body``:
the browser then skips the autofocus, and the message saying what happened never takes the focus
(a screen reader hears nothing). ``action="{{ request.get_full_path }}"`` posts where the form did,
query string included, without the fragment (``e2e/test_concern_conversation.py`` walks one such
page in Chromium).
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
FORM_TAG = re.compile(r"<form\b[^>]*>", re.IGNORECASE)


def posting_forms_without_action() -> list[str]:
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for tag in FORM_TAG.findall(path.read_text(encoding="utf-8")):
            if re.search(r"""method=["']post["']""", tag, re.IGNORECASE) and "action=" not in tag:
                found.append(f"{path.relative_to(TEMPLATES)}: {tag[:80]}")
    return found


def test_every_posting_form_names_its_action():
    assert posting_forms_without_action() == []


def test_the_action_is_the_page_address_with_its_query_and_no_fragment():
    request = RequestFactory().get("/relationships/7/goals/new/?next=/relationships/7/&x=1")
    html = render_to_string("staff/content/_move.html", {"request": request, "forloop": {"first": False, "last": True}})
    assert 'action="/relationships/7/goals/new/?next=/relationships/7/&amp;x=1"' in html
