"""`make run` works without a database server (SQLite): the search's one statement must too, and so
must the trigger that keeps who each relationship waits on (staff.models.RelationshipWaiting), and
keywords typed with punctuation or emoji must find what their words find, as on PostgreSQL.

The suite runs on PostgreSQL; this runs the search in a child process on a fresh SQLite file (each
test on its own copy of one migrated database).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

SCRIPT = """
import json
from people import search
from people.models import AreaOfSupport
from people.tests.factories import make_mentee
from people.tests.search_helpers import NETWORKING, CAREER, fill_capacity, mentor_with

networking = AreaOfSupport.objects.get(name=NETWORKING)
career = AreaOfSupport.objects.get(name=CAREER)
mentee = make_mentee(email="sqlite-mentee@example.com")
mentor_with("Both", areas=(NETWORKING, CAREER), biography="Freight planning.")
mentor_with("One", areas=(NETWORKING,))
fill_capacity(mentor_with("Full", areas=(NETWORKING, CAREER)))
mentor_with("Neither", areas=())
page = search.search(search.Criteria(areas=(networking, career), keywords="freight"), mentee)
past = search.search(search.Criteria(areas=(networking,)), mentee, page=7, page_size=1)
from journeys.services import relationships
from journeys.tests.helpers import send
from staff.models import RelationshipWaiting
asker = make_mentee(email="sqlite-asker@example.com")
request = send(asker, mentor_with("Answering", areas=(NETWORKING,)))
waiting = [RelationshipWaiting.objects.values_list("mentee", "mentor").get(relationship=request)]
relationships.accept_request(request, request.mentor)
waiting.append(RelationshipWaiting.objects.values_list("mentee", "mentor").get(relationship=request))
print(json.dumps({
    "waiting": waiting,
    "total": page.total,
    "names": [r.mentor.first_name for r in page.results],
    "percent": [r.explanation.percent for r in page.results],
    "areas": [sorted(r.mentor.area_ids) for r in page.results],
    "full": [r.is_full for r in page.results],
    "past": [past.number, len(past.results), past.notices],
}))
"""


def _env(directory: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{directory / 'db.sqlite3'}",
        "VAR_DIR": str(directory),
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "ALLOW_DEV_SECRET": "true",
        "DEBUG": "false",
    }


MANAGE = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A freshly migrated SQLite database, migrated once for this file's tests."""
    directory = tmp_path_factory.mktemp("sqlite-migrated")
    subprocess.run(
        [*MANAGE, "migrate", "-v0"], env=_env(directory), check=True, capture_output=True, cwd=settings.BASE_DIR
    )
    return directory / "db.sqlite3"


def run_on_sqlite(script: str, migrated: Path, directory: Path) -> dict:
    """Run ``script`` in ``manage.py shell`` on a copy of the migrated database; its last line, as JSON."""
    shutil.copy(migrated, directory / "db.sqlite3")
    done = subprocess.run(
        [*MANAGE, "shell", "-c", script], env=_env(directory), capture_output=True, text=True, cwd=settings.BASE_DIR
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_search_runs_on_sqlite(migrated: Path, tmp_path: Path):
    result = run_on_sqlite(SCRIPT, migrated, tmp_path)
    assert result["total"] == 3
    assert result["names"] == ["Both", "One", "Full"]  # best match first, the full mentor last
    assert result["percent"] == [100, 38, 75]
    assert result["full"] == [False, False, True]
    assert [len(areas) for areas in result["areas"]] == [2, 1, 2]
    assert result["past"][0] == 3 and result["past"][1] == 1 and result["past"][2]
    # Sent, the request waits on the mentor; accepted, on the mentee (who arranges the first meeting).
    assert result["waiting"] == [[False, True], [True, False]]


KEYWORDS_SCRIPT = """
import json
from hypothesis import given, settings
from people import search
from people.tests.factories import make_mentee
from people.tests.search_helpers import TESTER_SEARCHES, keyword_mentors, keywords_with_punctuation, mentioning, names

mentee = make_mentee(email="sqlite-keywords@example.com")
keyword_mentors()


def found(keywords):
    page = search.search(search.Criteria(keywords=keywords), mentee)
    assert page.criteria.keywords == keywords, page.notices
    return names(page)


tester = {typed: [found(typed), found(bare), sorted(mentioning(bare))] for typed, bare in TESTER_SEARCHES}
joined = {typed: sorted(found(typed)) for typed in ["rail-freight", "U.K.", "(COVID-19)", "s/4hana!"]}
nothing = search.search(search.Criteria(keywords="😀 !!! —"), mentee)


@settings(max_examples=40, deadline=None, database=None)
@given(query=keywords_with_punctuation())
def same_as_the_bare_words(query):
    typed, bare = query
    assert found(typed) == found(bare), query
    assert set(found(bare)) == mentioning(bare), query


same_as_the_bare_words()
print(json.dumps({
    "tester": tester,
    "joined": joined,
    "nothing": [nothing.criteria.keywords, nothing.notices, len(nothing.results)],
}))
"""


def test_punctuation_and_emoji_around_keywords_change_nothing_on_sqlite(migrated: Path, tmp_path: Path):
    """SQLite looks for the words as substrings, by the rule PostgreSQL's query is written with
    (``people.search.keywords``): the same searches as ``test_search_keywords.py``."""
    result = run_on_sqlite(KEYWORDS_SCRIPT, migrated, tmp_path)

    for typed, (got, bare, expected) in result["tester"].items():
        assert got == bare and sorted(got) == expected and expected, typed
    assert result["joined"] == {
        "rail-freight": ["Hyphen", "Mixed", "Rail"],
        "U.K.": ["Tokens"],
        "(COVID-19)": ["Tokens"],
        "s/4hana!": ["Tokens"],
    }
    keywords, notices, listed = result["nothing"]
    assert keywords == "" and any("too common" in n for n in notices) and listed == 6
