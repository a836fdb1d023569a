"""Limits on sending mentoring requests, asking questions and sending messages.

When one is reached the page says so (429), what was typed stays in the form, nothing is sent,
and only that person is held back.
"""

import pytest
from django.urls import reverse

from journeys.models import Conversation, Message, Relationship
from people.models import AreaOfSupport
from people.tests.factories import make_mentee, make_mentor
from support.tests.helpers import input_value, text, textarea_value

from .helpers import send, walk_to

pytestmark = pytest.mark.django_db


def _request(client, mentor, statement, capture):
    data = {"area": AreaOfSupport.objects.first().pk, "statement": statement, "send": "1"}
    with capture(execute=True):
        return client.post(reverse("request_new", args=[mentor.pk]), data)


def test_requests_per_day(client, mentee, settings, django_capture_on_commit_callbacks):
    settings.REQUESTS_PER_DAY = 2
    mentors = [make_mentor(first_name=f"Mentor{n}") for n in range(3)]
    client.force_login(mentee)
    for n in range(2):
        response = _request(
            client, mentors[n], f"Request number {n}: help me grow my network", django_capture_on_commit_callbacks
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    statement = "Third request: I would like help with <public speaking> & confidence."
    refused = _request(client, mentors[2], statement, django_capture_on_commit_callbacks)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "You have sent 2 mentoring requests in the last day" in text(page)
    assert input_value(page, "statement") == statement  # the Send button re-sends exactly this
    assert not Relationship.objects.filter(mentor=mentors[2]).exists()
    assert Relationship.objects.filter(mentee=mentee).count() == 2

    # someone else is not held back by this mentee's count
    other = make_mentee(first_name="Nina")
    client.force_login(other)
    assert (
        _request(
            client, mentors[2], "My own request, about my own career", django_capture_on_commit_callbacks
        ).status_code
        == 302
    )


def test_a_refused_request_is_not_counted(client, mentee, mentor, settings, django_capture_on_commit_callbacks):
    """Only requests that were really sent count: a request refused for another reason does not."""
    settings.REQUESTS_PER_DAY = 2
    client.force_login(mentee)
    assert (
        _request(
            client, mentor, "First request: please help me plan my career", django_capture_on_commit_callbacks
        ).status_code
        == 302
    )
    again = _request(
        client, mentor, "Duplicate request: please help me plan my career", django_capture_on_commit_callbacks
    )  # already open: the one there is, with why
    assert "already have an open request" in text(client.get(again.url).content.decode())
    assert (
        _request(
            client,
            make_mentor(first_name="Bea"),
            "Second request: please help me plan my career",
            django_capture_on_commit_callbacks,
        ).status_code
        == 302
    )


def test_questions_per_hour(client, mentee, mentor, settings, django_capture_on_commit_callbacks):
    settings.QUESTIONS_PER_HOUR = 2
    client.force_login(mentee)
    url = reverse("ask_question", args=[mentor.pk])
    for n in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url, {"body": f"Question {n}?"}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url, {"body": "A third question, kept for later?"})
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "You have asked 2 questions in the last hour" in text(page)
    assert 'role="alert"' in page
    assert textarea_value(page, "body") == "A third question, kept for later?"
    assert Conversation.objects.get(mentee=mentee, mentor=mentor).messages.count() == 2


def test_messages_per_hour(client, mentee, mentor, settings, django_capture_on_commit_callbacks):
    settings.MESSAGES_PER_HOUR = 2
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    url = reverse("messages", args=[rel.pk])
    client.force_login(mentee)
    for n in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url, {"body": f"Message {n}"}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url, {"body": "One message too many"})
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "You have sent 2 messages in the last hour" in text(page)
    assert textarea_value(page, "body") == "One message too many"
    assert Message.objects.filter(sender=mentee).count() == 2

    # the mentor can still answer
    client.force_login(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"body": "Happy to help"}).status_code == 302


def test_zero_means_no_limit(client, mentee, mentor, settings, django_capture_on_commit_callbacks):
    settings.QUESTIONS_PER_HOUR = 0
    client.force_login(mentee)
    for n in range(12):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("ask_question", args=[mentor.pk]), {"body": f"Q{n}"}).status_code == 302


def test_processes_racing_for_the_last_places_cannot_overshoot(settings):
    """The allowance is taken with the shared cache's atomic increment before acting: twelve
    threads (as twelve web processes would) racing for 3 places get exactly 3."""
    import threading

    from django.core.cache import cache, caches

    from project import ratelimit
    from project.cache import PrefixedRedisCache

    assert isinstance(caches["default"], PrefixedRedisCache)  # the real, shared Redis cache
    settings.MESSAGES_PER_HOUR = 3
    cache.delete(ratelimit.MESSAGES.key("racer"))
    start, got, refused = threading.Barrier(12), [], []

    def one():
        start.wait()
        try:
            with ratelimit.spend(ratelimit.MESSAGES, "racer"):
                got.append(1)
        except ratelimit.LimitReached:
            refused.append(1)

    threads = [threading.Thread(target=one) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (len(got), len(refused)) == (3, 9)
    assert cache.get(ratelimit.MESSAGES.key("racer")) == 3  # the refused ones are not counted


def test_an_action_that_fails_gives_its_place_back(settings):
    from django.core.cache import cache

    from project import ratelimit

    settings.MESSAGES_PER_HOUR = 1
    cache.delete(ratelimit.MESSAGES.key("clumsy"))
    with pytest.raises(RuntimeError), ratelimit.spend(ratelimit.MESSAGES, "clumsy"):
        raise RuntimeError("the write failed")
    with ratelimit.spend(ratelimit.MESSAGES, "clumsy"):
        pass  # the place was given back, so this one goes
    with pytest.raises(ratelimit.LimitReached), ratelimit.spend(ratelimit.MESSAGES, "clumsy"):
        pass
