"""Ask Question: a private thread between a mentee and a mentor that stays attached to a later request."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from journeys.models import Conversation
from notifications.models import Notification
from notifications.tasks import redeliver_pending
from people.tests.factories import PASSWORD

from .helpers import send

pytestmark = pytest.mark.django_db


def test_question_thread_is_private_emailed_and_attached_to_the_request(
    client, mentee, mentor, outsider, django_capture_on_commit_callbacks
):
    client.login(email=mentee.email, password=PASSWORD)
    cv = SimpleUploadedFile("cv.txt", b"My CV in plain text\n", content_type="text/plain")
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            reverse("ask_question", args=[mentor.pk]), {"body": "Do you mentor planners?", "attachment": cv}
        )
    conversation = Conversation.objects.get(mentee=mentee, mentor=mentor)
    assert resp.url == reverse("conversation", args=[conversation.pk])
    # Emailed once the conversation has been quiet for MESSAGE_EMAIL_QUIET_MINUTES (the sweep sends it).
    assert mail.outbox == []
    Notification.objects.filter(recipient=mentor, event="question_received").update(next_attempt_at=timezone.now())
    redeliver_pending()
    assert any(m.to == [mentor.email] and "New question" in m.subject and "cv.txt" in m.body for m in mail.outbox)
    question = conversation.messages.get()
    assert question.is_question and question.attachment.original_name == "cv.txt"

    # The mentor replies in the same thread; the mentee is told.
    client.logout()
    client.login(email=mentor.email, password=PASSWORD)
    page = client.get(reverse("conversation", args=[conversation.pk])).content.decode()
    assert "Do you mentor planners?" in page
    client.post(reverse("conversation", args=[conversation.pk]), {"body": "Yes, several."})
    assert Notification.objects.filter(recipient=mentee, event="message_received").exists()

    # Nobody else can read it or its file.
    client.logout()
    client.login(email=outsider.email, password=PASSWORD)
    assert client.get(reverse("conversation", args=[conversation.pk])).status_code == 404
    assert client.get(reverse("attachment", args=[question.attachment.pk])).status_code == 404
    assert client.post(reverse("conversation", args=[conversation.pk]), {"body": "hi"}).status_code == 404

    # A request that follows uses the same thread: its Messages page shows the question.
    rel = send(mentee, mentor)
    assert rel.conversation_id == conversation.pk
    client.logout()
    client.login(email=mentee.email, password=PASSWORD)
    messages_page = client.get(reverse("messages", args=[rel.pk])).content.decode()
    assert "Do you mentor planners?" in messages_page and "Yes, several." in messages_page
    # ...and the thread's own address (a new message's email links to it) now opens that page
    assert client.get(reverse("conversation", args=[conversation.pk])).url == reverse("messages", args=[rel.pk])


def test_question_to_non_mentor_or_self_is_refused(client, mentee, outsider):
    client.login(email=mentee.email, password=PASSWORD)
    assert client.get(reverse("ask_question", args=[outsider.pk])).status_code == 404
    assert client.get(reverse("ask_question", args=[mentee.pk])).status_code == 404
    empty = client.post(reverse("ask_question", args=[mentee.pk]), {"body": ""})
    assert empty.status_code == 404


@pytest.mark.parametrize("where", ["question", "relationship"])
def test_a_message_too_long_is_told_so_once_and_kept(client, mentee, mentor, where):
    """Too long is one mistake: the field says so, and the page does not also claim the message is empty."""
    client.login(email=mentee.email, password=PASSWORD)
    url = reverse("ask_question", args=[mentor.pk])
    if where == "relationship":
        url = reverse("messages", args=[send(mentee, mentor).pk])
    text = "x" * 10_001
    page = client.post(url, {"body": text})
    html = page.content.decode()
    assert page.status_code == 400  # refused: the page again, the text kept
    assert "at most 10000 characters" in html
    assert "Write a message or add a file" not in html
    assert text in html  # kept in the box
    empty = client.post(url, {"body": "  "}).content.decode()
    assert "Write a message or add a file before sending." in empty


def test_the_message_box_is_not_called_optional(client, mentee, mentor):
    """A message needs text or a file: the text box says so instead of "(optional)"."""
    client.login(email=mentee.email, password=PASSWORD)
    page = client.get(reverse("ask_question", args=[mentor.pk])).content.decode()
    label = page.split('for="id_body"', 1)[1].split("</label>", 1)[0]
    assert "optional" not in label
    assert "Write a message, add a file, or both." in page


def test_a_mentor_asking_themselves_is_told_at_once_without_the_form(client, mentor):
    client.force_login(mentor)
    page = client.get(reverse("ask_question", args=[mentor.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "You cannot ask yourself a question." in body
    assert 'name="body"' not in body and "<form" not in body.split("<main", 1)[-1]
    sent = client.post(reverse("ask_question", args=[mentor.pk]), {"body": "Hello me"})
    assert "You cannot ask yourself a question." in sent.content.decode()
    assert not Conversation.objects.exists()


def test_ask_question_is_not_offered_once_the_pairs_relationship_has_ended_and_says_why(client, mentee, mentor):
    """The pair's one conversation reads as their latest relationship: completed (or a withdrawn request
    that ended), it takes nothing new, so the profile does not offer Ask Question and the question page
    says why before anything is typed (it used to refuse only after the question was written)."""
    from journeys.states import State

    from .helpers import walk_to

    rel = walk_to(send(mentee, mentor), mentee, mentor, "completed")
    assert rel.state == State.COMPLETED
    client.login(email=mentee.email, password=PASSWORD)
    profile = client.get(reverse("mentor_profile", args=[mentor.pk])).content.decode()
    assert reverse("ask_question", args=[mentor.pk]) not in profile
    assert "which has ended, so a new question cannot be added to it" in profile
    page = client.get(reverse("ask_question", args=[mentor.pk])).content.decode()
    assert 'id="question-refused"' in page and "which has ended" in page and "<textarea" not in page
    # A post anyway is refused in the same words, and nothing is written.
    client.post(reverse("ask_question", args=[mentor.pk]), {"body": "One more thing?"})
    assert not rel.conversation.messages.filter(body="One more thing?").exists()

    # A new request opens the conversation again: Ask Question is offered again.
    send(mentee, mentor)
    profile = client.get(reverse("mentor_profile", args=[mentor.pk])).content.decode()
    assert reverse("ask_question", args=[mentor.pk]) in profile


def test_after_a_declined_request_ask_question_says_the_request_is_over_not_a_relationship(client, mentee, mentor):
    """The mentor declined: there was never a relationship to end, nor to take up "again"."""
    from journeys.services import relationships

    relationships.decline_request(send(mentee, mentor), mentor, "Not my field.")
    client.login(email=mentee.email, password=PASSWORD)
    profile = client.get(reverse("mentor_profile", args=[mentor.pk])).content.decode()
    assert reverse("ask_question", args=[mentor.pk]) not in profile
    assert "belongs to your request to them, which is over, so a new question cannot be added to it" in profile
    assert "relationship with them" not in profile and f"To work with {mentor.display_name} again" not in profile
