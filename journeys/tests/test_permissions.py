"""Who must NOT get in: an outsider, the other party and an anonymous visitor, on every relationship URL."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from journeys.selectors import task_url
from journeys.services import activity
from people.tests.factories import PASSWORD, make_staff

from .helpers import goal, open_task, send, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    g = goal(rel, mentee)
    m = rel.meetings.get()
    upload = SimpleUploadedFile("notes.txt", b"Agenda for our first conversation\n", content_type="text/plain")
    msg = activity.send_message(rel.conversation, mentee, "Agenda attached", upload)
    return {"rel": rel, "goal": g, "meeting": m, "message": msg}


def party_urls(w):
    rel, g, m, msg = w["rel"], w["goal"], w["meeting"], w["message"]
    return {
        "get": [
            reverse("relationship", args=[rel.pk]),
            reverse("next_step", args=[rel.pk]),
            reverse("withdraw", args=[rel.pk]),
            reverse("messages", args=[rel.pk]),
            reverse("meetings", args=[rel.pk]),
            reverse("meeting_new", args=[rel.pk]),
            reverse("goals", args=[rel.pk]),
            reverse("tool", args=[rel.pk, "swot"]),
            reverse("meeting_edit", args=[m.pk]),
            reverse("meeting_ics", args=[m.pk]),
            reverse("goal_pdf", args=[g.pk]),
            reverse("conversation", args=[rel.conversation.pk]),
            reverse("attachment", args=[msg.attachment.pk]),
        ],
        "post": [
            reverse("withdraw", args=[rel.pk]),
            reverse("request_withdraw", args=[rel.pk]),
            reverse("request_reinstate", args=[rel.pk]),
            reverse("meeting_cancel", args=[m.pk]),
            reverse("goal_action", args=[g.pk, "complete"]),
            reverse("goal_action", args=[g.pk, "delete"]),
            reverse("goal_action", args=[g.pk, "entry"]),
            reverse("messages", args=[rel.pk]),
        ],
    }


def test_anonymous_is_sent_to_login(client, world):
    urls = party_urls(world)
    task = open_task(world["rel"], world["rel"].mentee)
    for url in urls["get"] + [task_url(task)]:
        resp = client.get(url)
        assert resp.status_code in (302, 403), url
        if resp.status_code == 302:
            assert "/accounts/login/" in resp.url, url
    for url in urls["post"]:
        resp = client.post(url, {"reason": "x", "body": "x"})
        assert resp.status_code == 302 and "/accounts/login/" in resp.url, url


def test_outsider_gets_404_everywhere_and_changes_nothing(client, world, outsider):
    client.login(email=outsider.email, password=PASSWORD)
    urls = party_urls(world)
    for url in urls["get"]:
        assert client.get(url).status_code == 404, url
    for url in urls["post"]:
        assert (
            client.post(url, {"reason": "x", "body": "x", "entry-kind": "review", "entry-text": "x"}).status_code == 404
        ), url
    task = open_task(world["rel"], world["rel"].mentee)
    assert client.get(task_url(task)).status_code == 403
    assert client.post(task_url(task)).status_code == 403
    rel = world["rel"]
    rel.refresh_from_db()
    assert rel.state == "first_conversation"
    assert rel.goals.count() == 1 and rel.conversation.messages.count() == 1


def test_other_party_can_read_but_not_act_for_the_owner(client, world):
    rel = world["rel"]
    client.login(email=rel.mentor.email, password=PASSWORD)
    for url in party_urls(world)["get"]:
        assert client.get(url).status_code in (200, 302), url
    # the mentee's stage task is not the mentor's
    task = open_task(rel, rel.mentee)
    assert client.get(task_url(task)).status_code == 403
    assert client.post(task_url(task)).status_code == 403
    # the mentee's goal cannot be changed by the mentor
    client.post(reverse("goal_action", args=[world["goal"].pk, "delete"]))
    client.post(reverse("goal_action", args=[world["goal"].pk, "complete"]))
    world["goal"].refresh_from_db()
    assert world["goal"].completed_at is None
    # the mentor cannot edit the mentee's request
    assert client.get(reverse("request_edit", args=[rel.pk])).status_code == 404
    rel.refresh_from_db()
    assert rel.state == "first_conversation"


def test_staff_can_view_relationship_but_not_its_private_pages(client, world, staff):
    client.login(email=staff.email, password=PASSWORD)
    rel = world["rel"]
    assert client.get(reverse("relationship", args=[rel.pk])).status_code == 200
    assert client.get(reverse("messages", args=[rel.pk])).status_code == 404
    assert client.get(reverse("attachment", args=[world["message"].attachment.pk])).status_code == 404


def test_journey_diagrams_are_generated_for_staff_only(client, staff, mentee):
    client.force_login(mentee)
    assert client.get(reverse("journey_maps")).status_code == 403  # participants are refused
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    page = client.get(reverse("journey_maps")).content.decode()
    assert "Review the mentoring request" in page and "Give feedback on your mentoring" in page
    svg = client.get("/journey/mentoring/chart/")
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"review_request" in svg.content or b"Review" in svg.content
    assert "Staff case" in page and "Handle the case" in page
    cases = client.get("/staff/cases/flow/chart/")
    assert cases["Content-Type"] == "image/svg+xml" and b"Handle" in cases.content


@pytest.mark.parametrize("role", ["manager", "support"])
def test_the_journey_diagrams_link_to_the_admin_only_for_those_it_shows_something(client, role):
    member_of_staff = make_staff(role=role, email=f"{role}@example.com")
    client.force_login(member_of_staff)
    assert "Go to the admin" not in client.get(reverse("journey_maps")).content.decode()
    assert b"have permission to view or edit anything" in client.get(reverse("admin:index")).content
    member_of_staff.is_superuser = True
    member_of_staff.save()
    assert "Go to the admin" in client.get(reverse("journey_maps")).content.decode()
