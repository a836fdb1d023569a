"""Every word a template shows a person is marked for translation.

Each template (the project's ``templates/`` and every app's own) is read with Django's template
Lexer. What a ``{% translate %}`` or ``{% blocktranslate %}`` renders, variables and other tags
become a placeholder; what is left is the template's own, untranslated text. That text is parsed
as HTML, and any letter in it fails the test: in a text node, or in an attribute a person reads
or hears (alt, title, aria-label, placeholder, the value of a submit button). String literals
that a page shows (``|default:"..."``, ``{% cycle %}``, ``{% firstof %}``, where they land in text or
a read attribute) must be wrapped in ``_("...")`` too.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.template.base import Lexer, TokenType

BASE = Path(settings.BASE_DIR)

# Templates no person using the platform reads: developer-only pages. Keep this list short.
SKIPPED = {
    # The development email inbox (/dev/emails/, DEBUG only): a developer's tool.
    "templates/devmail/inbox.html",
    "templates/devmail/message.html",
    # Markup only, no text of its own: its tag name is chosen by {% if %} (<a> or <button>), which
    # no HTML parser can read; what it shows is allauth's own translated label, passed in a slot.
    "templates/allauth/elements/button.html",
}

# Untranslated text that is allowed, whole text nodes after stripping. Keep it short, each with
# its reason.
ALLOWED_TEXT = {
    # none needed yet: punctuation, entities (&middot;, &rsaquo;) and variables are not words
}

# The attributes a person reads or hears; "value" only where it labels a button.
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "aria-placeholder", "aria-roledescription"}
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}

# Filters and tags whose string literals end up on the page.
SHOWN_FILTERS = ("default", "default_if_none", "yesno")
SHOWN_TAGS = ("cycle", "firstof")

MARK = "\u2063"  # an invisible separator: stands for what a tag or variable renders
LETTER = re.compile(r"[^\W\d_]")


def template_files():
    roots = [BASE / "templates"]
    roots += sorted(p for p in BASE.glob("*/templates") if p.parent.name not in {".venv", "node_modules"})
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in {".html", ".txt"}:
                rel = path.relative_to(BASE).as_posix()
                if rel not in SKIPPED:
                    yield rel


def shown_literals(token):
    """The untranslated string literals a variable or tag shows: ``|default:"..."``,
    ``{% cycle "..." %}``; ``_("...")`` is translated, and date formats and the like are not shown."""
    if token.token_type == TokenType.VAR:
        pattern = r"\|\s*(?:" + "|".join(SHOWN_FILTERS) + r")\s*:\s*([\"'])(.*?)\1"
    elif token.contents.split()[:1] and token.contents.split()[0] in SHOWN_TAGS:
        pattern = r"(?<!_\()([\"'])(.*?)\1"
    else:
        return []
    return [literal for _, literal in re.findall(pattern, token.contents)]


def skeleton(source):
    """The template's own text: every tag, variable and translated text becomes MARK, except the
    untranslated literals a variable or tag shows, which stay where they are shown."""
    text = []
    depth_translated = 0  # inside {% blocktranslate %} ... {% endblocktranslate %}
    in_comment = False
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.COMMENT:
            continue
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            if name == "comment":
                in_comment = True
            elif name == "endcomment":
                in_comment = False
            elif name in ("blocktranslate", "blocktrans"):
                depth_translated += 1
            elif name in ("endblocktranslate", "endblocktrans"):
                depth_translated -= 1
        if in_comment:
            continue
        if token.token_type in (TokenType.BLOCK, TokenType.VAR):
            text.append(MARK + MARK.join(shown_literals(token)) + MARK)
        else:
            text.append(MARK if depth_translated else token.contents)
    return "".join(text)


class Reader(HTMLParser):
    """Collects the words left in text nodes and read attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        attrs = dict(attrs)
        for name, value in attrs.items():
            if value is None:
                continue
            shown = name in READ_ATTRIBUTES or (
                name == "value" and tag == "input" and (attrs.get("type") or "").lower() in BUTTON_INPUT_TYPES
            )
            if shown and LETTER.search(value):
                self.found.append(f'<{tag} {name}="{re.sub(MARK + "+", "…", value)}">')

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if self.skip:
            return
        for piece in data.split(MARK):
            piece = " ".join(piece.split())
            if piece and LETTER.search(piece) and piece not in ALLOWED_TEXT:
                self.found.append(piece)


def untranslated(source):
    reader = Reader()
    reader.feed(skeleton(source))
    reader.close()
    return reader.found


@pytest.mark.parametrize("name", list(template_files()))
def test_every_word_in_the_template_is_translated(name):
    source = (BASE / name).read_text(encoding="utf-8")
    engines["django"].from_string(source)  # it compiles: {% blocktranslate %} takes no filters or lookups inside
    found = untranslated(source)
    assert not found, f"{name} shows text outside translate/blocktranslate: {found}"


def test_the_checker_finds_what_it_should():
    """The checker itself: untranslated text, attributes and literals are caught; translated
    ones, variables, punctuation and entities are not."""
    assert untranslated("<p>Hello</p>") == ["Hello"]
    assert untranslated("{% load i18n %}<p>{% translate 'Hello' %} &middot; {{ name }} ›</p>") == []
    assert untranslated("{% blocktranslate with n=x %}Hi {{ n }}{% endblocktranslate %}") == []
    assert untranslated('<img alt="A diagram of {{ flow }}">') == ['<img alt="A diagram of …">']
    assert untranslated('<nav aria-label="{% translate "Pages" %}"></nav>') == []
    assert untranslated('<input type="submit" value="Go">') == ['<input value="Go">']
    assert untranslated('<input type="hidden" name="x" value="1"><button name="a" value="yes">') == []
    assert untranslated('<p>{{ x|default:"Not given" }}</p>') == ["Not given"]
    assert (
        untranslated('<p>{{ x|default:_("Not given") }} {{ x|date:"j F Y" }}</p><p id="{{ y|default:"form" }}"></p>')
        == []
    )
    assert untranslated('<label>{% cycle "Day" "Month" %}</label>') == ["Day", "Month"]
    assert untranslated('<label>{% cycle _("Day") _("Month") %}</label>') == []
    assert untranslated("{% comment %}Notes for developers{% endcomment %}{# and this #}") == []
    assert untranslated("<p>{% if a %}Yes{% else %}{% translate 'No' %}{% endif %}</p>") == ["Yes"]
