"""An id in a URL beyond what the database can hold answers 404, never a 500.

Every URL pattern with a number in it (``get_resolver()``: ours, viewflow's and the admin's) is
opened, GET and POST, with a number one past the largest id (2**63) and with a far larger one, by a
signed-in participant and by a programme manager. On PostgreSQL (the suite's database) here; the
same pages on SQLite (``make run``), where such a number raised OverflowError in the database
driver, in a child process below.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.converters import IntConverter

from people.tests.factories import make_mentee, make_staff
from project.ids import IdConverter
from project.tests.test_url_permissions import all_patterns

pytestmark = pytest.mark.django_db

HUGE_IDS = [str(2**63), "9" * 20]
_NUMBER = re.compile(r"<int:(\w+)>")
_TEXT = re.compile(r"<(?:\w+:)?(\w+)>")


def routes_with_numbers():
    return sorted({route for _, route in all_patterns() if _NUMBER.search(route)})


def url_for(route: str, number: str) -> str:
    path = _NUMBER.sub(number, route)
    return "/" + _TEXT.sub("x", path)


def test_the_walk_finds_the_pages_that_gave_a_500():
    routes = routes_with_numbers()
    for route in ["mentors/<int:user_id>/", "staff/cases/<int:pk>/", "staff/support-requests/<int:pk>/"]:
        assert route in routes


def test_every_number_in_a_url_is_bounded():
    def walk(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns)
            yield entry

    converters = [c for entry in walk(get_resolver().url_patterns) for c in entry.pattern.converters.values()]
    assert not [c for c in converters if type(c) is IntConverter]
    assert any(isinstance(c, IdConverter) for c in converters)


def outcomes(client: Client) -> dict[str, set[int]]:
    found = {}
    for route in routes_with_numbers():
        for number in HUGE_IDS:
            url = url_for(route, number)
            found[url] = {client.get(url).status_code, client.post(url).status_code}
    return found


def check(found: dict[str, set[int]]):
    errors = {url: codes for url, codes in found.items() if 500 in codes}
    assert not errors
    # 404 where the number is looked up; 403 where the person may not open the page at all, 405
    # for a method the page does not take; never a page or a redirect as if the id were there.
    unexpected = {url: codes for url, codes in found.items() if not codes <= {403, 404, 405}}
    assert not unexpected


def test_a_huge_id_is_not_found_for_a_participant():
    client = Client(raise_request_exception=False)
    client.force_login(make_mentee(email="huge-ids-mentee@example.com"))
    check(outcomes(client))


def test_a_huge_id_is_not_found_for_staff():
    client = Client(raise_request_exception=False)
    client.force_login(make_staff(email="huge-ids-staff@example.com"))
    found = outcomes(client)
    check(found)
    for url in ["mentors/", "staff/cases/", "staff/support-requests/", "meetings/"]:
        assert found[f"/{url}{HUGE_IDS[0]}/"] & {404}


SQLITE_SCRIPT = """
import json
from django.conf import settings
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.converters import IntConverter
from people.tests.factories import make_mentee, make_staff
from project.ids import IdConverter
from project.tests.test_huge_ids import HUGE_IDS, routes_with_numbers, url_for

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
found = {}
for who in (make_mentee(email="sqlite-huge-mentee@example.com"), make_staff(email="sqlite-huge-staff@example.com")):
    client = Client(raise_request_exception=False)
    client.force_login(who)
    for route in routes_with_numbers():
        for number in HUGE_IDS:
            url = url_for(route, number)
            for method in (client.get, client.post):
                found.setdefault(url, []).append(method(url).status_code)
print(json.dumps(found))
"""


def test_a_huge_id_is_not_found_on_sqlite(tmp_path: Path):
    from people.tests.test_search_on_sqlite import MANAGE, _env

    env = _env(tmp_path)
    subprocess.run([*MANAGE, "migrate", "-v0"], env=env, check=True, capture_output=True, cwd=settings.BASE_DIR)
    done = subprocess.run(
        [*MANAGE, "shell", "-c", SQLITE_SCRIPT], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert sorted(url for url, codes in found.items() if 500 in codes) == []
    assert sorted(url for url, codes in found.items() if not set(codes) <= {403, 404, 405}) == []
