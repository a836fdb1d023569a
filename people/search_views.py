"""Find Mentor and the mentor profile page: thin views over people.search and people.selectors."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from project.server_timing import timed

from . import search, selectors
from .search import remembered


def _search_url(params: dict[str, list[str]], page: int | None = None) -> str:
    query = dict(params)
    if page and page > 1:
        query["page"] = [str(page)]
    encoded = urlencode(query, doseq=True)
    return reverse("find_mentor") + (f"?{encoded}" if encoded else "")


def _page_urls(params: dict[str, list[str]]):
    """``_search_url(params, page)`` for every page, encoding the criteria once."""
    first = _search_url(params)
    joiner = "&" if "?" in first else "?"
    return lambda page: f"{first}{joiner}page={int(page)}" if page > 1 else first


def _fields(form: search.SearchForm, criteria: search.Criteria) -> dict[str, dict]:
    """What the template needs to draw each field, showing the criteria actually used."""

    def field(name: str, **extra) -> dict:
        bound = form[name]
        return {
            "name": name,
            "id": f"id_{name}",
            "label": bound.label,
            "help": bound.help_text,
            "errors": list(bound.errors),
            **extra,
        }

    def options(choices, selected: set[str]) -> list[dict]:
        return [{"value": str(v), "label": label, "selected": str(v) in selected} for v, label in choices]

    def with_html(f: dict, markup) -> dict:
        f["options_html"] = mark_safe("".join(markup(o) for o in f["options"]))
        return f

    chosen_areas = {str(a.pk) for a in criteria.areas}
    keywords = criteria.keywords
    if form.is_bound and form["q"].errors:
        keywords = str(form.data.get("q", ""))[: search.KEYWORDS_MAX_LENGTH]
    chosen_role, chosen_community = str(getattr(criteria.role, "pk", "")), str(getattr(criteria.community, "pk", ""))
    return {
        "area": with_html(field("area", options=options(form.fields["area"].choices, chosen_areas)), _checkbox),
        "role": with_html(field("role", options=options(form.fields["role"].choices, {chosen_role})), _option),
        "community": with_html(
            field("community", options=options(form.fields["community"].choices, {chosen_community})), _option
        ),
        "q": field("q", value=keywords, max_length=search.KEYWORDS_MAX_LENGTH),
        "region": with_html(
            field("region", options=options(form.fields["region"].choices, {criteria.region})), _option
        ),
        "exact": field("exact", checked=criteria.exact),
        "away": field("away", checked=criteria.show_unavailable),
        "full": with_html(
            field("full", options=options(search.FULL_CHOICES, {"hide" if criteria.hide_full else "end"})), _radio
        ),
    }


# The choices of the search form, drawn here rather than by a template loop: about fifty of
# them on every page, and a template spends far longer on each than this does. Every value
# and label is escaped; the markup is what the template's loops used to write.


def _option(o: dict) -> str:
    value, label = escape(o["value"]), escape(o["label"])
    return f'<option value="{value}"{" selected" if o["selected"] else ""}>{label}</option>'


def _checkbox(o: dict) -> str:
    value, label = escape(o["value"]), escape(o["label"])
    checked = " checked" if o["selected"] else ""
    return (
        f'<li><input type="checkbox" name="area" value="{value}" id="area-{value}"{checked}> '
        f'<label for="area-{value}">{label}</label></li>'
    )


def _radio(o: dict) -> str:
    value, label = escape(o["value"]), escape(o["label"])
    checked = " checked" if o["selected"] else ""
    return (
        f'<li><input type="radio" name="full" value="{value}" id="full-{value}"{checked}> '
        f'<label for="full-{value}">{label}</label></li>'
    )


def _field_errors(form: search.SearchForm) -> list[tuple[str, str, str]]:
    """(label, error, id of the field to jump to) for the summary above the form."""
    if not form.is_bound:
        return []
    anchors = {"area": "field-area", "full": "field-full"}
    return [(f.label, e, anchors.get(f.name, f"id_{f.name}")) for f in form if f.errors for e in f.errors]


@login_required
def find_mentor(request: HttpRequest) -> HttpResponse:
    profile = selectors.profile_of(request.user)
    params = request.GET
    if "reset" in params:
        response = redirect("find_mentor")
        remembered.forget_search(request, response)
        return response
    is_search = any(key in params for key in search.SEARCH_PARAMS)
    saved = remembered.saved_search_params(request)
    if not is_search and "page" not in params and saved:
        return redirect(_search_url(saved))

    taxonomy = search.Taxonomy.load()
    if is_search:
        form = search.SearchForm(params, taxonomy=taxonomy)
        criteria = form.criteria()
    else:  # before any search: suggestions from the mentee's own profile
        criteria = search.criteria_from_profile(profile, taxonomy)
        form = search.SearchForm(initial=criteria.form_initial(), taxonomy=taxonomy)
    page_number, page_notice = search.parse_page(params.get("page"))
    with timed(request, "search"):
        result = search.search(
            criteria,
            request.user,
            page=page_number,
            notices=[page_notice] if page_notice else [],
            suggestions=not is_search,  # "Suggested for you" leaves out whom journeys.selectors.suggested_mentors does
        )
    page_url = _page_urls(result.criteria.query_params() if is_search else {})
    fields = _fields(form, result.criteria)
    with timed(request, "render"):
        response = render(
            request,
            "people/find_mentor.html",
            {
                "form": form,
                "fields": fields,
                "select_fields": [fields["role"], fields["community"], fields["region"]],
                "field_errors": _field_errors(form),
                "page": result,
                "mode": "search" if is_search else "suggestions",
                "page_links": [
                    {"number": n, "url": page_url(n), "current": n == result.number} if n else None
                    for n in result.page_links()
                ],
                "previous_url": page_url(result.number - 1) if result.has_previous else "",
                "next_url": page_url(result.number + 1) if result.has_next else "",
                "can_request": bool(profile and profile.is_mentee),
                "profile": profile,
                "nav": "find",
            },
        )
    if is_search:
        remembered.remember_search(request, response, criteria)
    return response


@login_required
def mentor_profile(request: HttpRequest, user_id: int) -> HttpResponse:
    mentor = selectors.access_mentor(request.user, user_id)
    viewer_profile = selectors.profile_of(request.user)
    is_self = mentor.user_id == request.user.pk
    relationship = (
        None if is_self else selectors.open_relationships_with(request.user, [mentor.user_id]).get(mentor.user_id)
    )
    availability = selectors.availability(mentor)
    is_mentee = bool(viewer_profile and viewer_profile.is_mentee)
    question_closed = selectors.why_question_closed(request.user, mentor.user) if is_mentee and not is_self else None
    saved = remembered.saved_search_params(request)
    return render(
        request,
        "people/mentor_profile.html",
        {
            "mentor": mentor,
            "person": mentor.user,
            "areas": list(mentor.areas.all()),
            "availability": availability,
            "responsiveness": selectors.responsiveness(mentor.user),
            "relationship": relationship,
            "is_self": is_self,
            "can_request": is_mentee and not is_self and relationship is None and availability.is_open,
            "can_ask": is_mentee and not is_self and not question_closed,
            "question_closed": question_closed,
            "back_url": _search_url(saved) if saved else reverse("find_mentor"),
            "nav": "find",
        },
    )
