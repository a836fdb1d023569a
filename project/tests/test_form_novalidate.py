"""Every form that posts something typed or chosen is ``novalidate``: the server answers.

Without it the browser checks ``required`` (and the like) itself, in a bubble that some screen readers
never announce and that the page's own words cannot replace. With it, an empty or wrong form reaches
the server, which shows the page again with the error box (``templates/form_fields.html``: it takes
the focus) and each message tied to its field, what was typed kept (status 400). A form with hidden
fields and buttons only has nothing for the browser to check.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
POSTING_FORM = re.compile(r"(<form\b[^>]*>)(.*?)</form>", re.IGNORECASE | re.DOTALL)
POSTS = re.compile(r"""\bmethod=["']post["']""", re.IGNORECASE)
# A field someone fills in: the house's fields template, a form's field drawn whole (``{{ form.name }}``,
# not a value such as ``{{ form.cleaned_data.area.pk }}``), or an input that is not hidden or a button.
VISIBLE_FIELD = re.compile(
    r"""form_fields\.html|\{\{\s*(?:form|field)(?:\.\w+)?\s*\}\}|<select\b|<textarea\b"""
    r"""|<input\b(?![^>]*\btype=["'](?:hidden|submit|button)["'])""",
    re.IGNORECASE,
)

# Posting forms with a visible field that may stay without novalidate, each with why. (None now.)
ALLOWED: dict[str, str] = {}


def forms_without_novalidate(text: str) -> list[str]:
    return [
        tag
        for tag, body in POSTING_FORM.findall(text)
        if POSTS.search(tag) and "novalidate" not in tag and VISIBLE_FIELD.search(body)
    ]


def test_every_posting_form_with_a_field_is_novalidate():
    found = [
        f"{path.relative_to(TEMPLATES)}: {tag}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        if str(path.relative_to(TEMPLATES)) not in ALLOWED
        for tag in forms_without_novalidate(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_allow_list_names_only_templates_that_still_need_it():
    for name in ALLOWED:
        assert forms_without_novalidate((TEMPLATES / name).read_text(encoding="utf-8")), name


def test_the_check_finds_a_field_but_not_hidden_fields_and_buttons():
    field = '<form method="post" action="/x/" class="stacked">{% include "form_fields.html" %}</form>'
    typed = '<form method="post" action="/x/"><input type="text" name="reason" required></form>'
    checkbox = "<form method='post' action='/x/'><input type='checkbox' name='tell'></form>"
    buttons = '<form method="post" action="/x/"><input type="hidden" name="a" value="1"><button>Go</button></form>'
    searching = '<form method="get" action="/x/"><input type="search" name="q"></form>'
    assert forms_without_novalidate(field + typed + checkbox) == [
        '<form method="post" action="/x/" class="stacked">',
        '<form method="post" action="/x/">',
        "<form method='post' action='/x/'>",
    ]
    preview = (
        '<form method="post" action="/x/"><input type="hidden" name="a" value="{{ form.cleaned_data.a.pk }}"></form>'
    )
    assert forms_without_novalidate(buttons + searching + preview) == []
    assert forms_without_novalidate('<form method="post" action="/x/">{{ form.body }}</form>')
    assert forms_without_novalidate(field.replace('class="stacked">', 'class="stacked" novalidate>')) == []
