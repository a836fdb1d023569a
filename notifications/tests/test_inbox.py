"""The in-app notifications: the list, the unread count in the top bar, opening, mark all read."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.services import Message, notify
from people.tests.factories import make_mentee

pytestmark = pytest.mark.django_db


def tell(user, subject: str, link: str = "") -> Notification:
    return notify(user, Message(subject=subject, paragraphs=["Something happened."], link=link), "test")


@pytest.fixture
def reader(client, mentee):
    client.force_login(mentee)
    return client


def test_list_shows_my_notifications_only_newest_first(reader, mentee, outsider, django_assert_max_num_queries):
    for n in range(30):
        tell(mentee, f"Mine {n}")
    tell(outsider, "Olive's private news")

    with django_assert_max_num_queries(12):
        response = reader.get(reverse("notifications"))

    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 30
    assert [n.subject for n in page.object_list][:2] == ["Mine 29", "Mine 28"]
    assert "Olive&#x27;s private news" not in response.text and "Olive's private news" not in response.text
    assert reader.get(reverse("notifications"), {"page": 2}).context["page"].object_list[0].subject == "Mine 4"


def test_unread_count_is_in_the_top_bar_of_every_page(reader, mentee, outsider):
    tell(mentee, "One")
    tell(mentee, "Two")
    tell(outsider, "Not mine")
    Notification.objects.filter(subject="Two").update(read_at="2026-01-01T00:00Z")
    tell(mentee, "Three")

    response = reader.get(reverse("help"))

    assert response.context["unread_notifications"] == 2
    assert 'aria-label="2 unread"' in response.text


def test_no_unread_badge_for_anonymous_visitors(client):
    response = client.get(reverse("help"))
    assert "unread_notifications" not in response.context


def test_opening_marks_read_and_follows_the_link(reader, mentee):
    note = tell(mentee, "Accepted", link="/relationships/")
    other = tell(mentee, "Still unread")

    response = reader.get(reverse("notification_open", args=[note.pk]))

    assert response.status_code == 302 and response.url == "/relationships/"
    note.refresh_from_db()
    other.refresh_from_db()
    assert note.read_at is not None
    assert other.read_at is None
    assert reader.get(reverse("help")).context["unread_notifications"] == 1


@pytest.mark.parametrize(
    "link",
    ["https://evil.example/phish", "//evil.example/phish", "javascript:alert(1)", "http://testserver.evil.example/"],
)
def test_opening_never_redirects_off_site(reader, mentee, link):
    note = tell(mentee, "Suspicious", link=link)
    response = reader.get(reverse("notification_open", args=[note.pk]))
    assert response.status_code == 302 and response.url == reverse("notifications")
    note.refresh_from_db()
    assert note.read_at is not None


def test_opening_a_same_host_absolute_link_follows_it(reader, mentee):
    note = tell(mentee, "Absolute", link="http://testserver/relationships/")
    response = reader.get(reverse("notification_open", args=[note.pk]))
    assert response.url == "http://testserver/relationships/"


def test_a_notification_without_a_link_opens_the_list(reader, mentee):
    note = tell(mentee, "No link")
    response = reader.get(reverse("notification_open", args=[note.pk]))
    assert response.url == reverse("notifications")


def test_someone_elses_notification_is_not_found_and_stays_unread(reader, outsider):
    theirs = tell(outsider, "Olive's news", link="/relationships/")
    response = reader.get(reverse("notification_open", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read_marks_only_mine(reader, mentee, outsider):
    mine = [tell(mentee, f"Mine {n}") for n in range(3)]
    theirs = tell(outsider, "Olive's news")

    response = reader.post(reverse("notifications_read_all"), follow=True)

    assert response.redirect_chain == [(reverse("notifications"), 302)]
    assert "Marked 3 notifications as read." in response.text
    assert response.context["unread_notifications"] == 0
    assert not Notification.objects.filter(pk__in=[n.pk for n in mine], read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read_with_nothing_unread_says_so(reader, mentee):
    tell(mentee, "Already read").__class__.objects.update(read_at=timezone.now())
    response = reader.post(reverse("notifications_read_all"), follow=True)
    assert "Nothing was unread, so nothing was changed." in response.text
    assert "Marked 0" not in response.text


def test_mark_all_as_read_needs_a_post(reader, mentee):
    tell(mentee, "Unread")
    assert reader.get(reverse("notifications_read_all")).status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


@pytest.mark.parametrize("name, args", [("notifications", []), ("notification_open", [1])])
def test_anonymous_visitors_are_sent_to_log_in(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_the_list_page_has_what_a_reader_needs(reader, mentee):
    note = tell(mentee, "Your request was accepted")
    response = reader.get(reverse("notifications"))
    assert reverse("notification_open", args=[note.pk]) in response.text
    assert "Mark all as read" in response.text
    assert "New" in response.text


def test_an_anonymised_or_addressless_recipient_is_not_emailed(db):
    gone = make_mentee(email="gone@example.com")
    gone.anonymised_at = "2026-01-01T00:00Z"
    gone.save()
    assert tell(gone, "Too late").email_status == Notification.Email.SKIPPED
    assert notify(None, Message(subject="Nobody", paragraphs=[]), "test").email_status == Notification.Email.SKIPPED
