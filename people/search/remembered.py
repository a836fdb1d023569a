"""The mentee's last search, kept in a signed cookie so that reading Find Mentor writes nothing.

Coming back to Find Mentor (or "Back to results" on a mentor's page) returns to the last
search made in this browser; "Clear search" forgets it. The cookie holds only the query
string of the criteria, signed so it cannot be edited into something else, and it is read
back through the same parameter list the form understands. It is signed for the person who
searched (their account in the salt): someone else signing in on the same browser (a shared
computer) never gets it, and it is theirs again when they sign in.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from .criteria import Criteria
from .form import SEARCH_PARAMS, KnownChoicesField

COOKIE = "find_mentor_search"
SALT = "people.search.remembered"
MAX_AGE = 60 * 60 * 24 * 90  # a quarter of a year
MAX_LENGTH = 2000


def _salt(request: HttpRequest) -> str:
    """The cookie's signature names the person it was made for (``SALT`` alone for nobody signed in)."""
    return f"{SALT}:{request.user.pk}" if request.user.is_authenticated else SALT


def saved_search_params(request: HttpRequest) -> dict[str, list[str]]:
    """The remembered criteria of the person signed in, limited to the parameters the search understands."""
    try:
        query = request.get_signed_cookie(COOKIE, default="", salt=_salt(request), max_age=MAX_AGE)
    except (signing.BadSignature, ValueError):
        return {}
    if not query or len(query) > MAX_LENGTH:
        return {}
    return {
        key: values[: KnownChoicesField.MAX_VALUES] for key, values in parse_qs(query).items() if key in SEARCH_PARAMS
    }


def remember_search(request: HttpRequest, response: HttpResponse, criteria: Criteria) -> None:
    """Keep these criteria for next time (a cookie on the response, only when they change)."""
    params = criteria.query_params()
    if saved_search_params(request) == params:
        return
    query = urlencode(params, doseq=True)
    if len(query) <= MAX_LENGTH:
        response.set_signed_cookie(
            COOKIE,
            query,
            salt=_salt(request),
            max_age=MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


def forget_search(request: HttpRequest, response: HttpResponse) -> None:
    if COOKIE in request.COOKIES:
        response.delete_cookie(COOKIE, samesite="Lax")
