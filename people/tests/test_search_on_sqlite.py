"""`make run` works without a database server (SQLite): the search's one statement must too, and so
must the trigger that keeps who each relationship waits on (staff.models.RelationshipWaiting).

The suite runs on PostgreSQL; this runs the search in a child process on a fresh SQLite file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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


def test_the_search_runs_on_sqlite(tmp_path: Path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "ALLOW_DEV_SECRET": "true",
        "DEBUG": "false",
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, capture_output=True, cwd=settings.BASE_DIR)
    done = subprocess.run(
        [*manage, "shell", "-c", SCRIPT], env=env, check=True, capture_output=True, text=True, cwd=settings.BASE_DIR
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["total"] == 3
    assert result["names"] == ["Both", "One", "Full"]  # best match first, the full mentor last
    assert result["percent"] == [100, 38, 75]
    assert result["full"] == [False, False, True]
    assert [len(areas) for areas in result["areas"]] == [2, 1, 2]
    assert result["past"][0] == 3 and result["past"][1] == 1 and result["past"][2]
    # Sent, the request waits on the mentor; accepted, on the mentee (who arranges the first meeting).
    assert result["waiting"] == [[False, True], [True, False]]
