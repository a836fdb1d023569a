"""Find Mentor's form: the criteria read from the query string, never refusing to search."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from .criteria import Criteria, Taxonomy, normalise_keywords

KEYWORDS_MAX_LENGTH = 200
# The query-string names of the search form; any of them in the URL means "this is a search".
SEARCH_PARAMS = ("area", "role", "community", "q", "region", "exact", "away", "full")


def _known_id(raw) -> int | None:
    text = str(raw).strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


class KnownChoicesField(forms.MultipleChoiceField):
    """Several ids: keeps those it knows and remembers how many it had to leave out.

    A stale bookmark with one retired area should still search with the others.
    """

    MAX_VALUES = 50

    def clean(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        known = {str(key) for key, _label in self.choices}
        kept = list(dict.fromkeys(str(v).strip() for v in values[: self.MAX_VALUES] if str(v).strip() in known))
        self.left_out = sum(1 for v in values if str(v).strip() and str(v).strip() not in known)
        return kept


FULL_CHOICES = [
    ("end", _("Show them at the end, marked as full")),
    ("hide", _("Hide them")),
]


class SearchForm(forms.Form):
    """Find Mentor's criteria, read from the query string.

    Bad input never stops the search: each field that cannot be used carries an error saying
    what was left out, and the search runs with the rest (see ``criteria``). Choices come from
    a preloaded ``Taxonomy``, so checking them costs no query.
    """

    area = KnownChoicesField(
        required=False,
        label=_("Areas of support"),
        help_text=_("Choose one or more. Mentors who cover more of them come first."),
    )
    role = forms.ChoiceField(
        required=False,
        label=_("Mentor's role"),
        error_messages={"invalid_choice": _("We could not find that role, so we searched every role.")},
    )
    community = forms.ChoiceField(
        required=False,
        label=_("Professional community"),
        error_messages={"invalid_choice": _("We could not find that professional community, so we searched them all.")},
    )
    q = forms.CharField(
        required=False,
        max_length=KEYWORDS_MAX_LENGTH,
        label=_("Keywords"),
        help_text=_("Words to look for in mentors' biographies and experience, for example: rail freight."),
        error_messages={
            # Django fills in %(limit_value)d (KEYWORDS_MAX_LENGTH) when it shows the error.
            "max_length": ngettext_lazy(
                "Keywords can be at most %(limit_value)d character, so we searched without them.",
                "Keywords can be at most %(limit_value)d characters, so we searched without them.",
                "limit_value",
            )
        },
    )
    region = forms.ChoiceField(
        required=False,
        label=_("Region"),
        error_messages={"invalid_choice": _("We do not know that region, so we searched everywhere.")},
    )
    exact = forms.BooleanField(
        required=False,
        label=_("Add exact matching"),
        help_text=_("Only show mentors who meet every criterion you chose."),
    )
    away = forms.BooleanField(
        required=False,
        label=_("Also show mentors who are away or have paused new requests"),
        help_text=_("They come after available mentors with the same match, with the date they are back if known."),
    )
    full = forms.ChoiceField(
        choices=FULL_CHOICES,
        required=False,
        label=_("Mentors with no places left"),
        initial="end",
        error_messages={"invalid_choice": _("Please choose whether to show or hide full mentors.")},
    )

    def __init__(self, *args, taxonomy: Taxonomy | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.taxonomy = taxonomy or Taxonomy.load()
        self.fields["area"].choices = [(str(pk), a.name) for pk, a in self.taxonomy.areas.items()]
        self.fields["role"].choices = [("", gettext("Any role"))] + [
            (str(pk), r.name) for pk, r in self.taxonomy.roles.items()
        ]
        self.fields["community"].choices = [("", gettext("Any professional community"))] + [
            (str(pk), c.name) for pk, c in self.taxonomy.communities.items()
        ]
        self.fields["region"].choices = [("", gettext("Anywhere"))] + [
            (code, r.name) for code, r in self.taxonomy.regions.items()
        ]
        self._kept: dict = {}

    def clean_q(self) -> str:
        return normalise_keywords(self.cleaned_data.get("q", ""))

    def clean(self):
        data = super().clean()
        left_out = getattr(self.fields["area"], "left_out", 0)
        if left_out:
            # add_error() drops the field from cleaned_data: keep the areas we could use.
            self._kept["area"] = data.get("area", [])
            self.add_error(
                "area",
                ngettext(
                    "One of the areas you chose does not exist any more, so we left it out.",
                    "%(count)d of the areas you chose do not exist any more, so we left them out.",
                    left_out,
                )
                % {"count": left_out},
            )
        return data

    def criteria(self) -> Criteria:
        """The usable criteria: everything valid, nothing that was not."""
        if not self.is_bound:
            return Criteria()
        self.is_valid()
        data = self.cleaned_data

        def get(name, default):
            if name in data:
                return data[name]
            return self._kept.get(name, default)

        taxonomy = self.taxonomy
        return Criteria(
            areas=tuple(taxonomy.areas[int(pk)] for pk in get("area", [])),
            role=taxonomy.roles.get(_known_id(get("role", "")) or 0),
            community=taxonomy.communities.get(_known_id(get("community", "")) or 0),
            keywords=get("q", ""),
            region=get("region", ""),
            exact=bool(get("exact", False)),
            show_unavailable=bool(get("away", False)),
            hide_full=get("full", "end") == "hide",
        )
