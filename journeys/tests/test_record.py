"""The record: meetings held (one rule), the CPD evidence pack, a mentor's hours, the goal PDF;
every PDF read back with pypdf."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from journeys import record, selectors
from journeys.models import Meeting
from journeys.services import activity, meetings, relationships
from people.tests.factories import PASSWORD, make_mentee, make_mentor, make_staff

from .helpers import goal, send, walk_to
from .pdftext import pdf_language, pdf_shows_its_title, pdf_text, pdf_title

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def meeting(
    rel, user, *, days_ago: float, minutes: int, title: str, cancelled: bool = False, recorded: bool = True
) -> Meeting:
    """A meeting in the past; recorded as held by ``user`` (unless ``recorded`` is False), or cancelled
    (while it was still to come: one that has taken place cannot be)."""
    starts_at = timezone.now() - dt.timedelta(days=days_ago)
    m = activity.create_meeting(
        rel,
        user,
        title=title,
        starts_at=starts_at + dt.timedelta(days=days_ago + 1) if cancelled else starts_at,
        duration_minutes=minutes,
        send_details=False,
    )
    if cancelled:
        activity.cancel_meeting(m, user, send_details=False)
        Meeting.objects.filter(pk=m.pk).update(starts_at=starts_at)
        m.refresh_from_db()
    elif recorded:
        meetings.record_meeting_outcome(m, user, held=True)
    return m


@pytest.fixture
def journey(mentee, mentor):
    """A completed relationship with meetings held and not, goals with milestones, reviews and
    outcomes by both people, and feedback from both."""
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")  # its first meeting is in 7 days
    meeting(rel, mentee, days_ago=20, minutes=60, title="Getting to know each other")
    meeting(rel, mentor, days_ago=10, minutes=90, title="Networking plan")
    meeting(rel, mentee, days_ago=5, minutes=30, title="Called off", cancelled=True)
    # Started 10 minutes ago, not recorded (it counts); and one recorded as not having happened.
    meeting(rel, mentee, days_ago=10 / (24 * 60), minutes=60, title="Going on now", recorded=False)
    missed = meeting(rel, mentor, days_ago=7, minutes=60, title="Missed", recorded=False)
    meetings.record_meeting_outcome(missed, mentee, held=False)
    network = goal(rel, mentee, "Grow my network")
    activity.add_goal_entry(network, mentee, kind="milestone", text="Joined the regional forum")
    activity.add_goal_entry(network, mentee, kind="review", text="I find cold introductions hard")
    activity.add_goal_entry(network, mentor, kind="review", text="John is too modest about his progress")
    activity.add_goal_entry(network, mentee, kind="outcome", text="Five new contacts in the sector")
    activity.complete_goal(network, mentee)
    goal(rel, mentee, "Speak at a team meeting")
    relationships.complete_stage(rel, mentee, "first_conversation")
    relationships.complete_stage(rel, mentee, "progression")
    relationships.complete_stage(rel, mentee, "completion")
    relationships.give_feedback(rel, mentee, 5, "The mentoring changed how I network.")
    relationships.give_feedback(rel, mentor, 3, "Mentee sometimes missed meetings.")
    rel.refresh_from_db()
    assert rel.state == "completed"
    return rel


def test_a_meeting_is_held_once_its_time_has_passed_unless_cancelled_or_said_not_to_have_happened(journey):
    held = [m.title for m in selectors.meetings_held(journey)]
    assert held == ["Getting to know each other", "Networking plan", "Going on now"]


def test_the_mentee_cpd_pack(client, journey, mentee):
    login(client, mentee)
    resp = client.get(reverse("cpd_pdf", args=[journey.pk]))
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert resp["Content-Disposition"].startswith('attachment; filename="cpd-mentoring-')
    text = pdf_text(resp.content)
    assert "CPD evidence: mentoring" in text
    assert "John Smith, as mentee of Alice Kember" in text
    today = timezone.localdate()
    assert f"Requested: {today:%-d %B %Y}" in text and f"Matched: {today:%-d %B %Y}" in text
    assert "Ended:" in text and "(Completed)" in text
    # Meetings held: three, 3 hours 30 minutes, the one going on (started, nobody said it did not happen)
    # among them; not the cancelled one, the one that did not happen, the future one.
    assert "Getting to know each other" in text and "Networking plan" in text and "Going on now" in text
    assert "Called off" not in text and "First conversation" not in text
    assert "Missed" not in text
    assert "Meetings held: 3. Total time: 3 hours 30 minutes (3.50 hours)." in text
    assert "1 hour 30 minutes" in text
    # Goals set and completed, with milestones and outcomes.
    assert "Goals set: 2. Completed: 1." in text
    assert "Grow my network" in text and "Speak at a team meeting" in text and "not completed" in text
    assert "Milestone" in text and "Joined the regional forum" in text
    assert "Five new contacts in the sector" in text
    # Their own reflections and feedback; never the mentor's review or private feedback.
    assert "My reflections" in text and "I find cold introductions hard" in text
    assert "rated 5 out of 5. The mentoring changed how I network." in text
    assert "too modest" not in text and "missed meetings" not in text and "rated 3" not in text


def test_the_mentor_cpd_pack_has_their_own_reflections_only(client, journey, mentor):
    login(client, mentor)
    text = pdf_text(client.get(reverse("cpd_pdf", args=[journey.pk])).content)
    assert "Alice Kember, as mentor of John Smith" in text
    assert "Meetings held: 3. Total time: 3 hours 30 minutes (3.50 hours)." in text
    assert "John is too modest about his progress" in text and "rated 3 out of 5" in text
    assert "I find cold introductions hard" not in text and "changed how I network" not in text


def test_a_mentor_gets_the_hours_given_across_all_their_mentees(client, journey, mentor):
    second_mentee = make_mentee(first_name="Priya", last_name="Shah")
    second = walk_to(send(second_mentee, mentor), second_mentee, mentor, "first_conversation")
    meeting(second, mentor, days_ago=3, minutes=45, title="Kick-off")
    meeting(second, mentor, days_ago=2, minutes=45, title="Cancelled one", cancelled=True)
    # The mentor's own mentoring as a mentee does not count as hours given.
    other_mentor = make_mentor(first_name="Omar", last_name="Other")
    mentor.profile.is_mentee = True
    mentor.profile.save()
    as_mentee = walk_to(send(mentor, other_mentor), mentor, other_mentor, "first_conversation")
    meeting(as_mentee, mentor, days_ago=1, minutes=120, title="Alice's own mentoring")

    hours = record.mentoring_hours(mentor)
    assert [(r.relationship.mentee.display_name, r.meetings, r.minutes) for r in hours.rows] == [
        ("John Smith", 3, 210),
        ("Priya Shah", 1, 45),
    ]
    login(client, mentor)
    resp = client.get(reverse("mentoring_hours_pdf"))
    text = pdf_text(resp.content)
    assert "CPD evidence: mentoring hours" in text and "Alice Kember, as a mentor" in text
    assert "John Smith" in text and "Priya Shah" in text
    assert "In all: 4 meetings held with 2 mentees, 4 hours 15 minutes (4.25 hours)." in text
    assert "Omar Other" not in text


def test_a_mentor_with_no_mentee_yet_gets_an_empty_statement(client):
    login(client, make_mentor(first_name="Nina", last_name="New"))
    text = pdf_text(client.get(reverse("mentoring_hours_pdf")).content)
    assert "Nina New, as a mentor" in text
    assert "No mentoring relationships yet." in text and "In all: 0 meetings held with 0 mentees" in text


def test_someone_who_was_never_a_mentor_gets_no_hours_statement_but_is_told_why(client, journey, mentee, outsider):
    """A mentee-only participant (with or without a mentor) and staff are not "<name>, as a mentor"."""
    for person in (outsider, mentee, make_staff()):
        login(client, person)
        response = client.get(reverse("mentoring_hours_pdf"), follow=True)
        assert response.redirect_chain[-1][0] == reverse("relationships")
        text = response.content.decode()
        assert "The mentoring hours statement is for mentors, and you have not been a mentor in the programme." in text
        assert reverse("mentoring_hours_pdf") not in text
        client.logout()


def test_someone_who_mentored_before_keeps_their_hours_statement(client, journey, mentor):
    mentor.profile.is_mentor = False
    mentor.profile.is_mentee = True
    mentor.profile.save()
    login(client, mentor)
    assert reverse("mentoring_hours_pdf") in client.get(reverse("relationships")).content.decode()
    text = pdf_text(client.get(reverse("mentoring_hours_pdf")).content)
    assert "Alice Kember, as a mentor" in text and "John Smith" in text


def test_a_pack_of_someone_elses_relationship_is_404(client, journey, outsider):
    url = reverse("cpd_pdf", args=[journey.pk])
    assert client.get(url).status_code == 302  # to the sign-in page
    for person in (outsider, make_staff()):
        login(client, person)
        assert client.get(url).status_code == 404
        client.logout()
    assert client.get(reverse("cpd_pdf", args=[987654])).status_code == 302


def test_the_goal_pdf_reads_back(client, journey, mentee, mentor):
    network = journey.goals.get(label="Grow my network")
    login(client, mentor)
    text = pdf_text(client.get(reverse("goal_pdf", args=[network.pk])).content)
    assert "Grow my network" in text and "Mentee: John Smith · Mentor: Alice Kember" in text
    assert "Completed" in text and "Meet three new people" in text
    assert "Milestone" in text and "Joined the regional forum" in text and "Outcome" in text


def test_the_pages_offer_the_downloads(client, journey, mentee, mentor):
    login(client, mentee)
    page = client.get(reverse("relationship", args=[journey.pk])).content.decode()
    assert reverse("cpd_pdf", args=[journey.pk]) in page
    assert reverse("mentoring_hours_pdf") not in client.get(reverse("relationships")).content.decode()
    client.logout()
    login(client, mentor)
    assert reverse("mentoring_hours_pdf") in client.get(reverse("relationships")).content.decode()


def test_the_pack_counts_past_meetings_nobody_recorded(client, mentee, mentor):
    """The one rule (``journeys.rules.held_q``): a meeting whose time has passed counts as held unless it
    was cancelled or one of the two said it did not happen; nobody has to mark it held first."""
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")  # its first meeting is in 7 days
    meeting(rel, mentee, days_ago=14, minutes=60, title="Kick-off", recorded=False)
    meeting(rel, mentor, days_ago=7, minutes=45, title="Follow-up", recorded=False)
    meeting(rel, mentee, days_ago=5, minutes=30, title="Called off", cancelled=True)
    missed = meeting(rel, mentor, days_ago=3, minutes=60, title="Missed", recorded=False)
    meetings.record_meeting_outcome(missed, mentee, held=False)
    assert [m.title for m in selectors.meetings_held(rel)] == ["Kick-off", "Follow-up"]
    for person in (mentee, mentor):
        login(client, person)
        text = pdf_text(client.get(reverse("cpd_pdf", args=[rel.pk])).content)
        assert "Meetings held: 2. Total time: 1 hour 45 minutes (1.75 hours)." in text
        assert "Kick-off" in text and "Follow-up" in text
        assert "Called off" not in text and "Missed" not in text  # (the first meeting, still to come, is not either)
        client.logout()
    login(client, mentor)
    text = pdf_text(client.get(reverse("mentoring_hours_pdf")).content)
    assert "In all: 2 meetings held with 1 mentee, 1 hour 45 minutes (1.75 hours)." in text


def test_one_meeting_with_one_mentee_is_counted_in_the_singular(client, mentee, mentor):
    """ngettext: "1 meeting held with 1 mentee", never "1 meetings held with 1 mentees"."""
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")  # its first meeting is in 7 days
    meeting(rel, mentor, days_ago=3, minutes=60, title="Kick-off")
    goal(rel, mentee, "Grow my network")
    login(client, mentor)
    hours = pdf_text(client.get(reverse("mentoring_hours_pdf")).content)
    assert "In all: 1 meeting held with 1 mentee, 1 hour (1.00 hours)." in hours
    assert "meetings held with" not in hours and "1 mentees" not in hours
    pack = pdf_text(client.get(reverse("cpd_pdf", args=[rel.pk])).content)
    assert "Meetings held: 1. Total time: 1 hour (1.00 hours)." in pack and "Goals set: 1. Completed: 0." in pack


def test_each_goal_entry_says_who_wrote_it(client, mentee, mentor):
    """A mentor may add milestones, reviews and outcomes to the mentee's goal: the CPD pack and the
    goal PDF name the author of each entry, not only the goal's owner."""
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    network = goal(rel, mentee, "Grow my network")
    activity.add_goal_entry(network, mentee, kind="milestone", text="Joined the regional forum")
    activity.add_goal_entry(network, mentor, kind="milestone", text="Introduced John to the county forum")
    activity.add_goal_entry(network, mentor, kind="review", text="John is too modest about his progress")
    activity.add_goal_entry(network, mentor, kind="outcome", text="Five new contacts in the sector")
    today = f"{timezone.localdate():%-d %B %Y}"  # both PDFs write dates in full
    for person in (mentee, mentor):
        login(client, person)
        pack = pdf_text(client.get(reverse("cpd_pdf", args=[rel.pk])).content)
        assert f"Milestone by John Smith ({today}): Joined the regional forum" in pack
        assert f"Milestone by Alice Kember ({today}): Introduced John to the county forum" in pack
        assert f"Outcome by Alice Kember ({today}): Five new contacts in the sector" in pack
        goal_text = pdf_text(client.get(reverse("goal_pdf", args=[network.pk])).content)
        assert f"Milestone by John Smith · {today}: Joined the regional forum" in goal_text
        assert f"Milestone by Alice Kember · {today}: Introduced John to the county forum" in goal_text
        assert f"Review by Alice Kember · {today}: John is too modest about his progress" in goal_text
        client.logout()


def test_every_record_pdf_says_its_title_and_language(client, journey, mentee, mentor):
    """A screen reader reads a PDF in the voice of the language it names, and a PDF reader shows its
    title in the window: each PDF of the record names both (they named no language at all)."""
    from journeys.services import worksheets

    second_mentee = make_mentee(first_name="Priya", last_name="Shah")
    second = walk_to(send(second_mentee, mentor), second_mentee, mentor, "first_conversation")
    worksheets.save_worksheet(second, second_mentee, kind="swot", answers={"strengths": "Planning"})
    network = journey.goals.get(label="Grow my network")
    login(client, mentor)
    downloads = {
        reverse("cpd_pdf", args=[journey.pk]): "CPD evidence: mentoring",
        reverse("mentoring_hours_pdf"): "CPD evidence: mentoring hours",
        reverse("goal_pdf", args=[network.pk]): "Grow my network",
        reverse("worksheet_pdf", args=[second.pk, "swot"]): "SWOT worksheet",
    }
    for url, title in downloads.items():
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", url
        assert pdf_title(response.content) == title, url
        assert pdf_language(response.content) == "en-GB", url
        assert pdf_shows_its_title(response.content), url


@pytest.mark.parametrize(
    ("active", "tag"), [("en-gb", "en-GB"), ("cy", "cy"), ("pt-br", "pt-BR"), ("zh-hans", "zh-hans")]
)
def test_the_pdf_language_is_the_pages_as_bcp47_writes_it(active, tag):
    from django.utils import translation

    from journeys.pdf import language_tag

    with translation.override(active):
        assert language_tag() == tag
