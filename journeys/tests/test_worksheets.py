"""SWOT and G-STAR worksheets: the mentee fills them in, the mentor reads and comments, every
save is a version, each version downloads as a PDF; only the two people see them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from journeys import worksheets
from journeys.models import Worksheet, WorksheetVersion
from journeys.services import relationships
from journeys.services import worksheets as service
from journeys.services.base import Refused
from notifications.models import Notification
from people.tests.factories import PASSWORD, make_mentee, make_mentor, make_staff
from support.models import Resource

from .helpers import send, walk_to
from .pdftext import pdf_text, pdf_title

pytestmark = pytest.mark.django_db

SWOT = {
    "strengths": "Planning routes under pressure",
    "weaknesses": "Speaking at large meetings",
    "opportunities": "A new depot opening next spring",
    "threats": "Too little time for study",
}


@pytest.fixture
def rel(mentee, mentor):
    return walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def url(rel, kind="swot"):
    return reverse("worksheet", args=[rel.pk, kind])


# -- one definition of each worksheet ---------------------------------------------------------


def test_gstar_is_goals_situation_thinking_actions_results_everywhere():
    assert [str(h.label) for h in worksheets.GSTAR.headings] == ["Goals", "Situation", "Thinking", "Actions", "Results"]
    assert [str(h.label) for h in worksheets.SWOT.headings] == [
        "Strengths",
        "Weaknesses",
        "Opportunities",
        "Threats",
    ]


@pytest.mark.parametrize("kind", ["swot", "gstar"])
def test_the_resources_guide_gives_the_worksheets_own_headings(kind):
    definition = worksheets.KINDS[kind]
    guide = Resource.objects.get(title=definition.guide_title, kind="guide")
    for heading in definition.headings:
        assert f"{heading.label}:" in guide.body, (definition.guide_title, heading.label)
    assert f"{definition.title} worksheet under Goals" in guide.body
    if kind == "gstar":  # the old text page's words are gone
        assert not any(word in guide.body for word in ("Target:", "Alternatives:", "Review:"))


# -- the service ---------------------------------------------------------------------------------


def test_every_save_is_a_new_version_with_who_and_when(rel, mentee, mentor):
    first = service.save_worksheet(rel, mentee, kind="swot", answers=SWOT)
    second = service.save_worksheet(rel, mentee, kind="swot", answers={**SWOT, "threats": "A long commute"})
    assert (first.number, second.number) == (1, 2)
    assert first.author == second.author == mentee and first.saved_at <= second.saved_at
    first.refresh_from_db()
    assert dict((h.name, t) for h, t in first.answer_list())["threats"] == "Too little time for study"
    assert dict((h.name, t) for h, t in second.answer_list())["threats"] == "A long commute"
    assert Worksheet.objects.get().versions.count() == 2
    assert rel.history.filter(action="save_worksheet").count() == 2


def test_the_mentor_is_told_of_the_first_version_only(rel, mentee, mentor):
    service.save_worksheet(rel, mentee, kind="gstar", answers={"goals": "Lead a team"})
    service.save_worksheet(rel, mentee, kind="gstar", answers={"goals": "Lead a team of five"})
    told = Notification.objects.filter(recipient=mentor, event="worksheet_saved")
    assert told.count() == 1
    assert told.get().subject == "John Smith has filled in their G-STAR"
    assert told.get().link == reverse("worksheet_open", args=[Worksheet.objects.get().pk])


def test_only_the_mentee_fills_it_in(rel, mentor):
    with pytest.raises(Refused, match="Only the mentee"):
        service.save_worksheet(rel, mentor, kind="swot", answers=SWOT)
    assert not WorksheetVersion.objects.exists()


def test_an_empty_or_unchanged_worksheet_saves_no_version(rel, mentee):
    with pytest.raises(Refused, match="at least one heading"):
        service.save_worksheet(rel, mentee, kind="swot", answers={"strengths": "   "})
    service.save_worksheet(rel, mentee, kind="swot", answers=SWOT)
    with pytest.raises(Refused, match="Nothing has changed"):
        service.save_worksheet(rel, mentee, kind="swot", answers={k: f" {v} " for k, v in SWOT.items()})
    assert WorksheetVersion.objects.count() == 1


def test_not_before_the_match_nor_after_the_end(mentee, mentor):
    waiting = send(mentee, mentor)
    with pytest.raises(Refused, match="once the mentor has accepted"):
        service.save_worksheet(waiting, mentee, kind="swot", answers=SWOT)
    relationships.accept_request(waiting, mentor)
    service.save_worksheet(waiting, mentee, kind="swot", answers=SWOT)
    relationships.withdraw(waiting, mentor, "Moving abroad")
    with pytest.raises(Refused, match="withdrawn"):
        service.save_worksheet(waiting, mentee, kind="swot", answers={"strengths": "More"})
    with pytest.raises(Refused, match="withdrawn"):
        service.comment_on_worksheet(waiting, mentor, kind="swot", text="Good luck")


def test_both_comment_and_each_is_told(rel, mentee, mentor):
    with pytest.raises(Refused, match="nothing to comment on"):
        service.comment_on_worksheet(rel, mentor, kind="swot", text="Looks good")
    version = service.save_worksheet(rel, mentee, kind="swot", answers=SWOT)
    with pytest.raises(Refused, match="Write your comment"):
        service.comment_on_worksheet(rel, mentor, kind="swot", text="  ")
    comment = service.comment_on_worksheet(rel, mentor, kind="swot", text="Your planning is a real strength.")
    reply = service.comment_on_worksheet(rel, mentee, kind="swot", text="Thank you!")
    assert comment.version == reply.version == version
    to_mentee = Notification.objects.get(recipient=mentee, event="worksheet_comment")
    assert to_mentee.subject == "Alice Kember commented on the SWOT"
    assert "Your planning is a real strength." in to_mentee.body_text
    assert Notification.objects.get(recipient=mentor, event="worksheet_comment").subject == (
        "John Smith commented on the SWOT"
    )


def test_someone_outside_the_pair_is_refused(rel, outsider):
    with pytest.raises(Refused):
        service.save_worksheet(rel, outsider, kind="swot", answers=SWOT)


# -- the pages ------------------------------------------------------------------------------------


def test_the_mentee_fills_in_the_mentor_reads_and_comments(client, rel, mentee, mentor):
    login(client, mentee)
    page = client.get(url(rel)).content.decode()
    assert "What do you do well?" in page and 'name="sheet-strengths"' in page
    resp = client.post(url(rel), {"action": "save", **{f"sheet-{k}": v for k, v in SWOT.items()}})
    assert resp.status_code == 302
    page = client.get(url(rel)).content.decode()
    assert "Your SWOT is saved (version 1). Alice Kember can read it." in page
    assert "Planning routes under pressure" in page  # the form holds the newest answers

    client.logout()
    login(client, mentor)
    page = client.get(url(rel)).content.decode()
    assert 'name="sheet-strengths"' not in page  # the mentor reads, never edits
    assert "John Smith's answers" in page and "Speaking at large meetings" in page
    assert client.post(url(rel), {"action": "save", "sheet-strengths": "Hijacked"}).status_code == 302
    assert not WorksheetVersion.objects.filter(answers__text="Hijacked").exists()
    resp = client.post(url(rel), {"action": "comment", "comment-text": "Try a small team meeting first."})
    assert resp.status_code == 302
    assert "Try a small team meeting first." in client.get(url(rel)).content.decode()

    client.logout()
    login(client, mentee)
    assert "Try a small team meeting first." in client.get(url(rel)).content.decode()


def test_bad_input_keeps_what_was_typed(client, rel, mentee, mentor):
    login(client, mentee)
    resp = client.post(url(rel), {"action": "save", "sheet-strengths": "", "sheet-threats": "  "})
    assert resp.status_code == 400
    assert "Write something under at least one heading before saving." in resp.content.decode()
    long = "x" * 6000
    resp = client.post(url(rel), {"action": "save", "sheet-strengths": long, "sheet-threats": "Keep me"})
    assert resp.status_code == 400 and "Keep me" in resp.content.decode()
    service.save_worksheet(rel, mentee, kind="swot", answers=SWOT)
    resp = client.post(url(rel), {"action": "comment", "comment-text": ""})
    assert resp.status_code == 400 and "Write your comment before sending it." in resp.content.decode()
    assert not WorksheetVersion.objects.filter(number=2).exists()


@pytest.mark.parametrize("kind", ["swot", "gstar"])
def test_no_heading_is_called_optional_when_one_must_be_written(client, rel, mentee, kind):
    """Saving with every heading empty is refused, so the headings are not each "(optional)": the page
    says one is needed, as the refusal does."""
    login(client, mentee)
    page = client.get(reverse("worksheet", args=[rel.pk, kind])).content.decode()
    assert 'name="sheet-' in page
    assert "(optional)" not in page
    assert "Write under at least one heading; the others may stay empty." in page


def test_earlier_versions_stay_readable(client, rel, mentee):
    service.save_worksheet(rel, mentee, kind="gstar", answers={"goals": "Lead a team", "situation": "New in post"})
    service.save_worksheet(rel, mentee, kind="gstar", answers={"goals": "Lead a team of five"})
    login(client, mentee)
    page = client.get(url(rel, "gstar")).content.decode()
    assert "Earlier versions" in page
    first = client.get(reverse("worksheet_version", args=[rel.pk, "gstar", 1])).content.decode()
    assert "New in post" in first and "A newer version has been saved since." in first
    assert client.get(reverse("worksheet_version", args=[rel.pk, "gstar", 3])).status_code == 404


def test_each_version_downloads_as_a_pdf_with_its_comments(client, rel, mentee, mentor):
    service.save_worksheet(rel, mentee, kind="gstar", answers={"goals": "Lead a team", "thinking": "Nervous"})
    service.comment_on_worksheet(rel, mentor, kind="gstar", text="Start with one-to-ones.")
    service.save_worksheet(rel, mentee, kind="gstar", answers={"goals": "Lead a team of five"})
    login(client, mentor)
    resp = client.get(reverse("worksheet_pdf", args=[rel.pk, "gstar"]))
    assert resp["Content-Type"] == "application/pdf"
    newest = pdf_text(resp.content)
    assert "G-STAR worksheet" in newest and "Mentee: John Smith · Mentor: Alice Kember" in newest
    assert "Version 2, saved by John Smith" in newest and "Lead a team of five" in newest
    for heading in ("Goals", "Situation", "Thinking", "Actions", "Results"):
        assert heading in newest
    assert "Start with one-to-ones." not in newest  # written on version 1
    assert pdf_title(resp.content) == "G-STAR worksheet"
    first = pdf_text(client.get(reverse("worksheet_pdf", args=[rel.pk, "gstar"]) + "?version=1").content)
    assert (
        "Version 1" in first and "Nervous" in first and "Alice Kember" in first and "Start with one-to-ones." in first
    )
    assert client.get(reverse("worksheet_pdf", args=[rel.pk, "gstar"]) + "?version=x").status_code == 404
    assert client.get(reverse("worksheet_pdf", args=[rel.pk, "gstar"]) + "?version=9").status_code == 404
    nothing = client.get(reverse("worksheet_pdf", args=[rel.pk, "swot"]))  # not saved yet: back to the page
    assert nothing.status_code == 302 and nothing.url == url(rel)


def test_nobody_outside_the_pair_sees_a_worksheet_staff_included(client, rel, mentee, outsider):
    service.save_worksheet(rel, mentee, kind="swot", answers=SWOT)
    sheet = Worksheet.objects.get()
    other_pair = walk_to(send(make_mentee(), make_mentor()), *_people_of_new_pair(), "arranging")
    urls = [
        url(rel),
        reverse("worksheet_version", args=[rel.pk, "swot", 1]),
        reverse("worksheet_pdf", args=[rel.pk, "swot"]),
        reverse("worksheet_open", args=[sheet.pk]),
    ]
    for person in (outsider, make_staff()):
        client.logout()
        login(client, person)
        for address in urls:
            assert client.get(address).status_code == 404, (person, address)
        assert client.post(url(rel), {"action": "comment", "comment-text": "Hello"}).status_code == 404
    # One of another pair cannot reach this pair's worksheet by changing the id either.
    client.logout()
    login(client, other_pair.mentee)
    assert client.get(url(rel)).status_code == 404
    assert client.get(url(other_pair, "nonsense")).status_code == 404


def _people_of_new_pair():
    from journeys.models import Relationship

    rel = Relationship.objects.order_by("-pk").first()
    return rel.mentee, rel.mentor


def test_the_old_tool_links_lead_to_the_worksheets(client, rel, mentee):
    login(client, mentee)
    resp = client.get(reverse("tool", args=[rel.pk, "gstar"]))
    assert resp.status_code == 302 and resp.url == url(rel, "gstar")
    assert client.get(reverse("tool", args=[rel.pk, "smart"])).status_code == 200
    goals = client.get(reverse("goals", args=[rel.pk])).content.decode()
    assert url(rel, "swot") in goals and url(rel, "gstar") in goals and reverse("proposal", args=[rel.pk]) in goals


def test_the_page_costs_the_same_queries_for_two_versions_or_many(client, rel, mentee, mentor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        client.get(url(rel))  # warm: the session's and "last active"'s cache keys aside
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(rel)).status_code == 200
        return len(queries)

    service.save_worksheet(rel, mentee, kind="swot", answers={"strengths": "One"})
    service.comment_on_worksheet(rel, mentor, kind="swot", text="First comment")
    service.save_worksheet(rel, mentee, kind="swot", answers={"strengths": "Two"})
    login(client, mentor)
    few = count()
    for n in range(3, 9):
        service.save_worksheet(rel, mentee, kind="swot", answers={"strengths": f"Version {n}", "threats": "More"})
        service.comment_on_worksheet(rel, mentee, kind="swot", text=f"Comment {n}")
    assert count() == few
