"""The Need Help? page: the seeded FAQs, grouped, as expandable questions, and the Contact form."""

import pytest
from django.urls import reverse

from support.models import FAQ

from .helpers import headings, input_value, sections, summaries, text

pytestmark = pytest.mark.django_db

SEEDED_GENERAL = [
    "How it works",
    "Change/retrieve my password",
    "Change my email address",
    "Cancel my account and withdraw from the programme",
    "Arrange a meeting using the platform",
    "Use video chat for meetings",
    "View the SWOT / G-STAR / Goals for my relationship",
    "View the proposal for my mentoring relationship",
    "Mark my mentoring relationship as complete",
    "See what information is used and stored on the mentoring platform",
    "Record meeting notes",
    "Add my meetings to my calendar",
]
SEEDED_MENTEE = [
    "Search for a mentor",
    "Wait before a mentor accepts my proposal",
    "Edit my mentoring proposal",
    "Withdraw / reinstate my mentoring proposal",
]


def test_anyone_sees_the_seeded_faqs_grouped_in_order(client):
    response = client.get(reverse("help"))

    assert response.status_code == 200
    html = response.content.decode()
    assert headings(html, 1) == ["Need Help?"]
    assert headings(html, 2) == ["General questions", "Mentee questions", "Mentor questions", "Contact us"]
    by_section = sections(html)
    assert summaries(by_section["General questions"]) == SEEDED_GENERAL
    assert summaries(by_section["Mentee questions"]) == SEEDED_MENTEE
    mentor_questions = summaries(by_section["Mentor questions"])
    assert 4 <= len(mentor_questions) <= 6
    assert "Accept or decline a mentoring request" in mentor_questions


def test_every_answer_is_in_a_details_element_with_text(client):
    html = client.get(reverse("help")).content.decode()

    assert html.count("<details") == FAQ.objects.filter(published=True).count()
    assert "Delete account" in text(html)  # from the answer on cancelling an account


def test_unpublished_questions_are_hidden(client):
    FAQ.objects.filter(question="Record meeting notes").update(published=False)
    FAQ.objects.filter(category=FAQ.Category.MENTOR).update(published=False)

    html = client.get(reverse("help")).content.decode()

    assert "Record meeting notes" not in html
    assert "Mentor questions" not in headings(html, 2)
    assert "How it works" in summaries(html)


def test_answers_are_plain_text_split_into_paragraphs(client):
    FAQ.objects.create(
        category=FAQ.Category.GENERAL,
        question="Reach the team quickly",
        answer="First <b>paragraph</b>.\n\nSecond paragraph, see https://example.org/help.",
        position=1,
    )

    html = client.get(reverse("help")).content.decode()

    assert "<p>First &lt;b&gt;paragraph&lt;/b&gt;.</p>" in html
    assert '<a href="https://example.org/help"' in html
    assert summaries(html)[0] == "Reach the team quickly"  # position 1 comes first


def test_contact_form_and_programme_email_are_on_the_page(client, settings):
    settings.SUPPORT_EMAIL = "mentoring@example.org"

    html = client.get(reverse("help")).content.decode()

    assert f'action="{reverse("contact")}"' in html
    assert 'href="mailto:mentoring@example.org"' in html
    for label in ("Your name", "Your email address", "Subject", "Message"):
        assert f">{label}</label>" in html


def test_no_email_line_without_the_setting(client, settings):
    settings.SUPPORT_EMAIL = ""

    html = client.get(reverse("help")).content.decode()

    assert "mailto:" not in html


def test_signed_in_person_finds_their_name_and_email_filled_in(client, mentee):
    client.force_login(mentee)

    html = client.get(reverse("help")).content.decode()

    assert input_value(html, "name") == "John Smith"
    assert input_value(html, "email") == "john@example.com"


def test_anonymous_visitor_gets_an_empty_form(client):
    html = client.get(reverse("help")).content.decode()

    assert input_value(html, "name") == ""
    assert input_value(html, "email") == ""


def test_help_page_query_count_does_not_grow_with_faqs(client, django_assert_max_num_queries):
    for n in range(30):
        FAQ.objects.create(category=FAQ.Category.MENTEE, question=f"Extra question {n}", answer="An answer.")

    with django_assert_max_num_queries(3):
        response = client.get(reverse("help"))

    assert "Extra question 29" in summaries(response.content.decode())


def test_the_help_and_the_goals_guide_say_what_the_other_person_may_do_with_your_goals(client):
    """The goals page's promise, in the seeded Need Help? answers and guide too: the other person may add
    milestones, reviews and outcomes, so "cannot change them" alone would be untrue."""
    from support.models import FAQ, Resource

    assert not FAQ.objects.filter(answer__contains="but cannot change them.").exists()
    assert not Resource.objects.filter(body__contains="but cannot change them.").exists()
    html = client.get(reverse("help")).content.decode()
    assert "can see your goals and add milestones, reviews and outcomes to them, but cannot change" in html
