"""Bad input and odd URLs: a clear answer, never a 500."""

import pytest

from journeys.tests.helpers import send, walk_to
from people.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_odd_urls_and_bad_input_never_give_a_server_error(client, mentee, mentor):
    """Unknown ids, garbage parameters and malformed forms answer 4xx or a page with a message."""
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    client.raise_request_exception = False
    client.login(email=mentee.email, password=PASSWORD)
    m = rel.meetings.first()
    urls = [
        "/relationships/999999/",
        "/relationships/999999/next/",
        "/goals/999/edit/",
        "/goals/1/bogus/",
        "/journey/mentoring/1/review_request/99999/execute/",
        "/journey/mentoring/99999/review_request/1/execute/",
        f"/relationships/{rel.pk}/goals/nope/",
        "/files/99999/",
        "/conversations/9999/",
        "/mentors/99999/",
        "/mentors/99999/request/",
        "/find/?page=abc&areas=zz&role=-1&keywords=" + "x" * 5000,
        "/find/?areas=<script>",
        "/notifications/?page=9999",
        "/notifications/99999/open/",
        "/resources/99999/",
        f"/meetings/{m.pk}/invite.ics",
        "/journey/mentoring/",
        "/journey/mentoring/flows/",
        "/journey/mentoring/tasks/",
        "/journey/mentoring/chart/",
        "/staff/journeys/",
        "/admin/",
    ]
    bad = []
    for u in urls:
        r = client.get(u)
        if r.status_code >= 500:
            bad.append((u, r.status_code))
    posts = [
        (
            f"/relationships/{rel.pk}/goals/",
            {"goal-label": "x" * 500, "goal-due_date_0": "99", "goal-due_date_1": "99", "goal-due_date_2": "99999"},
        ),
        (
            f"/relationships/{rel.pk}/meet/new/",
            {"date_0": "a", "date_1": "b", "date_2": "c", "start_time": "99:99", "duration": "abc", "title": ""},
        ),
        (
            f"/meetings/{m.pk}/edit/",
            {"date_0": "1", "date_1": "1", "date_2": "1999", "start_time": "10:00", "duration": "60", "title": "t"},
        ),
        (f"/relationships/{rel.pk}/withdraw/", {"reason": ""}),
        (f"/relationships/{rel.pk}/messages/", {"body": ""}),
        (f"/relationships/{rel.pk}/request/edit/", {"area": "abc", "statement": "x"}),
        (f"/relationships/{rel.pk}/request/reinstate/", {}),
        (f"/relationships/{rel.pk}/request/withdraw/", {}),
        ("/profile/", {"capacity": "-5", "role": "zzz", "areas": ["x"], "away_until_0": "40"}),
        ("/help/contact/", {"name": "", "email": "nope"}),
        ("/account/delete/", {"confirm": "x"}),
        (f"/goals/{rel.goals.first().pk if rel.goals.exists() else 1}/entry/", {"entry-kind": "zzz", "entry-text": ""}),
    ]
    for u, d in posts:
        r = client.post(u, d)
        if r.status_code >= 500:
            bad.append((u, r.status_code))
    assert not bad, bad
