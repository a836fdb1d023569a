"""The mentee's keywords, split into words by one rule for every way they are searched.

Keywords follow PostgreSQL's ``websearch_to_tsquery`` syntax: words (a mentor must mention
them all), ``"quoted phrases"``, ``or`` between alternatives and ``-word`` to leave out
mentors who mention a word. Everything else a mentee may type around or between the words
(commas, full stops, brackets, emoji...) is not part of any word.

A word is a run of letters and digits (with the marks that belong to them, as in हिन्दी).
Two characters join such runs into one word, because PostgreSQL indexes what they join as one
token in a mentor's text, so only the whole token can find it: a dot or a slash between letters
or digits (``U.K``, ``3.5``, ``24/7``, ``S/4HANA``), and a hyphen before a digit (``COVID-19``).
Any other character separates words: ``rail-freight`` is the two words ``rail freight`` (a
hyphenated word is indexed as its parts too), and so are ``rail, freight`` and ``😀rail😀freight``.

Every search reads the keywords through this module:

- ``websearch_query``: the same keywords, written back with nothing but their words and the
  syntax, for ``websearch_to_tsquery`` on PostgreSQL (Find Mentor, the matching rounds);
- ``keyword_words``: the words a mentor must mention, which SQLite (``make run``'s default
  database) looks for as substrings, and the tests' reference ranking too.

So PostgreSQL's own parser never sees punctuation it could read differently (``rail-freight``
alone would ask for mentors who wrote the hyphenated word), and SQLite looks for ``rail``,
not ``rail;``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_WORDS = 10  # SQLite: how many words are looked for (each is a LIKE on two columns)
OR = "or"

# The syntax: a quoted phrase (an unclosed quote runs to the end), or any other run without spaces.
_CHUNK = re.compile(r'(-?)"([^"]*)"?|([^\s"]+)')
# On text where every character is a word character, one of "./-", or a space (see _word_chars).
_PART = r"[^\s./-]+"
_WORD = re.compile(rf"{_PART}(?:[./]{_PART}|-(?=\d){_PART})*")


@dataclass(frozen=True)
class Term:
    """One thing the mentee asked for: a word, several words typed together, or a quoted phrase."""

    words: tuple[str, ...]
    excluded: bool = False
    phrase: bool = False

    def websearch(self) -> str:
        if self.phrase or (self.excluded and len(self.words) > 1):
            # "-rail-freight" leaves out mentors who wrote rail-freight (or "rail freight"), not
            # every mentor who mentions rail or freight.
            text = '"' + " ".join(self.words) + '"'
        else:
            text = " ".join(self.words)
        return "-" + text if self.excluded else text


def _is_word_char(char: str) -> bool:
    if char.isalnum():
        return True
    # Vowel signs and accents belong to the letter before them; variation selectors (which
    # turn a character into an emoji) do not.
    return unicodedata.category(char) in ("Mn", "Mc") and not (
        "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef"
    )


def _word_chars(text: str) -> str:
    return "".join(c if _is_word_char(c) or c in "./-" else " " for c in text)


def words_of(text: str) -> tuple[str, ...]:
    """The words in ``text`` (no syntax: a quote or a leading hyphen is punctuation here)."""
    words = _WORD.findall(_word_chars(unicodedata.normalize("NFC", text)))
    return tuple(w for w in words if any(c.isalnum() for c in w))


def parse(keywords: str) -> list[Term | str]:
    """The keywords as terms, with ``OR`` between the alternatives; nothing without a word."""
    parts: list[Term | str] = []
    for match in _CHUNK.finditer(keywords or ""):
        minus, quoted, bare = match.groups()
        if bare is None:  # a quoted phrase ("or" inside one is a word, as PostgreSQL reads it)
            words = words_of(quoted)
            term = Term(words, excluded=bool(minus), phrase=True)
        elif bare.casefold() == OR:
            parts.append(OR)
            continue
        else:
            excluded = bare.startswith("-")
            # "or" typed inside other characters ("rail-or-freight") is a common word, not the operator.
            words = tuple(w for w in words_of(bare[1:] if excluded else bare) if w.casefold() != OR)
            term = Term(words, excluded=excluded)
        if term.words:
            parts.append(term)
    # "or" only between two terms.
    tidy: list[Term | str] = []
    for part in parts:
        if part == OR and (not tidy or tidy[-1] == OR):
            continue
        tidy.append(part)
    while tidy and tidy[-1] == OR:
        tidy.pop()
    return tidy


def websearch_query(keywords: str) -> str:
    """The keywords for PostgreSQL's ``websearch_to_tsquery``: their words and syntax only."""
    return " ".join(part if part == OR else part.websearch() for part in parse(keywords))


def keyword_words(keywords: str) -> list[str]:
    """The words a mentor must mention, where there is no full-text search (SQLite).

    Without PostgreSQL's parser, a phrase is looked for as its words, and ``or`` and left-out
    words are ignored: every wanted word must be there.
    """
    words = [
        word
        for part in parse(keywords)
        if isinstance(part, Term) and not part.excluded
        for word in part.words
        if word.casefold() != OR
    ]
    return words[:MAX_WORDS]
