"""A member's page: what it shows, the managers' actions and their refusals, notes private to staff."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from journeys.models import Relationship
from journeys.services import relationships
from journeys.services.base import Refused
from journeys.states import State
from journeys.tests.helpers import send, walk_to
from notifications.models import Notification
from people.models import Profile
from people.tests.factories import PASSWORD, make_mentee, make_mentor, make_staff
from staff import services as staff_services
from staff.members import services
from staff.members.models import MemberAction, MemberNote

pytestmark = pytest.mark.django_db
User = get_user_model()


def page(pk: int) -> str:
    return reverse("staff_member", args=[pk])


@pytest.fixture
def manager(client):
    staff = make_staff()
    client.force_login(staff)
    return staff


def test_the_page_shows_profile_relationships_activity_and_cases(client, manager):
    mentor = make_mentor(first_name="Max", last_name="Mentor")
    mentee = make_mentee(first_name="Mia", last_name="Mentee")
    also_mentor = make_mentor(first_name="Ola", last_name="Other")
    Profile.objects.filter(user=mentee).update(is_mentor=True)
    mentee = User.objects.get(pk=mentee.pk)
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    send(make_mentee(first_name="Ned", last_name="Newer"), mentee)  # a request to her as a mentor
    staff_services.raise_case(rel, manager, "Checking in")
    response = client.get(page(mentee.pk))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Mentor and mentee" in text
    rels = response.context["relationships"]
    assert [r.mentor for r in rels["mentee"]] == [mentor]
    assert [r.mentee.first_name for r in rels["mentor"]] == ["Ned"]
    assert reverse("relationship", args=[rel.pk]) in text or "/staff/relationships/" in text
    assert "Sent the mentoring request" in text  # her history rows
    assert "Checking in" in text  # the case
    assert also_mentor.display_name not in text


def test_staff_accounts_and_unknown_ids_are_not_members(client, manager):
    assert client.get(page(manager.pk)).status_code == 404
    assert client.get(page(987654)).status_code == 404


def test_pause_and_resume_a_mentor(client, manager):
    mentor = make_mentor(first_name="Max")
    response = client.post(reverse("staff_member_pause", args=[mentor.pk]), follow=True)
    assert "is paused" in response.content.decode()
    assert Profile.objects.get(user=mentor).accepting_requests is False
    response = client.post(reverse("staff_member_pause", args=[mentor.pk]), follow=True)
    assert "already paused" in response.content.decode()
    client.post(reverse("staff_member_resume", args=[mentor.pk]))
    assert Profile.objects.get(user=mentor).accepting_requests is True
    assert list(MemberAction.objects.filter(member=mentor).values_list("kind", flat=True)) == ["resumed", "paused"]


def test_a_mentee_only_member_cannot_be_paused(client, manager):
    mentee = make_mentee(first_name="Mia")
    response = client.post(reverse("staff_member_pause", args=[mentee.pk]), follow=True)
    assert "is not a mentor" in response.content.decode()
    assert not MemberAction.objects.exists()
    with pytest.raises(Refused, match="not a mentor"):
        services.resume_mentor(mentee, manager)


def test_deactivate_asks_first_then_closes_waiting_requests_and_blocks_sign_in(client, manager):
    mentor = make_mentor(first_name="Max")
    waiting_mentee = make_mentee(first_name="Wes")
    to_mentor = send(waiting_mentee, mentor)
    other_mentor = make_mentor(first_name="Ola")
    matched_mentee = make_mentee(first_name="Mat")
    matched = walk_to(send(matched_mentee, mentor), matched_mentee, mentor, "arranging")
    Profile.objects.filter(user=mentor).update(is_mentee=True)
    mentor = User.objects.get(pk=mentor.pk)
    from_mentor = send(mentor, other_mentor)

    confirm = client.get(reverse("staff_member_deactivate", args=[mentor.pk]))
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "can no longer sign in" in text and "is closed (not declined" in text and "withdrawn" in text
    assert "under way" in text  # the matched relationship is named, and left alone
    assert User.objects.get(pk=mentor.pk).is_active  # asking changed nothing

    response = client.post(reverse("staff_member_deactivate", args=[mentor.pk]), follow=True)
    assert "deactivated" in response.content.decode()
    # What happened, each part once (it used to count "1 of their requests withdrawn, 1 request to them
    # closed." and add "The other people were told." whether or not anybody was).
    assert (
        "1 of their requests was withdrawn and its mentor told; 1 request to them was closed and its mentee told"
        in (response.content.decode())
    )
    assert not User.objects.get(pk=mentor.pk).is_active
    # Closed for the mentor, not declined by them (journeys.services.relationships.close_request_for_mentor).
    assert Relationship.objects.get(pk=to_mentor.pk).state == State.REQUEST_CLOSED
    assert Relationship.objects.get(pk=from_mentor.pk).state == State.REQUEST_WITHDRAWN
    assert Relationship.objects.get(pk=matched.pk).state == State.ARRANGING
    # Each is told the programme team closed it, not that the member declined or withdrew it.
    told_mentee = Notification.objects.get(recipient=waiting_mentee, event="request_closed_for_mentee")
    told_mentor = Notification.objects.get(recipient=other_mentor, event="request_closed_for_mentor")
    for note in (told_mentee, told_mentor):
        assert "the programme team has closed" in note.body_text and "not taking part" in note.body_text
        assert " wrote:" not in note.body_text and "declined" not in note.body_text + note.subject
        assert "withdrawn" not in note.body_text + note.subject
    assert not Notification.objects.filter(event__in=["request_declined", "request_withdrawn"]).exists()
    assert MemberAction.objects.get(member=mentor).kind == "deactivated"
    assert MemberAction.objects.get(member=mentor).detail.startswith(
        "1 of their requests was withdrawn and its mentor told; 1 request to them was closed and its mentee told; "
        f"{matched_mentee.display_name}, their partner in a relationship under way, was told they are not taking part for now."
    )

    # they cannot sign in
    client.logout()
    login = client.post(reverse("account_login"), {"login": mentor.email, "password": PASSWORD}, follow=True)
    assert login.status_code == 200
    assert "_auth_user_id" not in client.session
    # ... and are told why and whom to ask, in our words (not allauth's bare "This account is inactive.")
    page = login.content.decode()
    # ... in the words the emails use ("deactivated", "not taking part for now"), never "paused", which is
    # a mentor's switch for new requests.
    assert "Your account is deactivated for now" in page
    assert "The programme team has deactivated this account for now, so you are not taking part in" in page
    assert "paused" not in page.lower()
    assert reverse("contact") in page and "This account is inactive." not in page

    # reactivating lets them back in
    client.force_login(manager)
    client.post(reverse("staff_member_reactivate", args=[mentor.pk]))
    assert User.objects.get(pk=mentor.pk).is_active
    response = client.post(reverse("staff_member_reactivate", args=[mentor.pk]), follow=True)
    assert "already active" in response.content.decode()
    response = client.get(reverse("staff_member_deactivate", args=[mentor.pk]))
    assert response.status_code == 200
    # Requests closed now stay closed, though the account is active again.
    closed = Relationship.objects.get(pk=from_mentor.pk)
    assert closed.is_ended and closed.ended_at is not None
    with pytest.raises(Refused, match="can no longer be reinstated"):
        relationships.reinstate_request(closed, mentor)
    assert not Task.objects.filter(
        process__mentoringprocess__relationship=closed, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    ).exists()  # no "Reinstate your request" step waits


def test_deactivating_twice_is_refused(manager):
    mentee = make_mentee()
    services.deactivate(mentee, manager)
    with pytest.raises(Refused, match="already deactivated"):
        services.deactivate(mentee, manager)


def test_support_staff_read_but_cannot_act(client):
    mentor = make_mentor(first_name="Max")
    support = make_staff(email="support@example.com", role="support")
    client.force_login(support)
    response = client.get(page(mentor.pk))
    assert response.status_code == 200
    assert "Pause new requests" not in response.content.decode()
    assert "Add a note" not in response.content.decode()
    for name in ("staff_member_pause", "staff_member_deactivate", "staff_member_note", "staff_member_reactivate"):
        assert client.post(reverse(name, args=[mentor.pk]), {"body": "x"}).status_code == 403
    assert Profile.objects.get(user=mentor).accepting_requests
    assert not MemberNote.objects.exists()
    with pytest.raises(Refused):
        services.pause_mentor(mentor, support)


def test_notes_are_for_staff_only(client, manager):
    mentee = make_mentee(first_name="Mia")
    response = client.post(reverse("staff_member_note", args=[mentee.pk]), {"body": "Prefers calls after 5pm"})
    assert response.status_code == 302
    assert client.get(page(mentee.pk)).content.decode().count("Prefers calls after 5pm") == 1
    assert 'class="stacked" novalidate>' in client.get(page(mentee.pk)).content.decode()
    empty = client.post(reverse("staff_member_note", args=[mentee.pk]), {"body": "   "})
    assert empty.status_code == 400
    assert b'class="form-errors" role="alert" tabindex="-1" autofocus' in empty.content
    assert b"id_body_error" in empty.content
    assert client.get(page(mentee.pk)).content.decode().count("Prefers calls after 5pm") == 1  # nothing added

    # the member never sees it: their own pages, their notifications, their data export
    client.force_login(mentee)
    for url in ("/", "/profile/", "/account/", "/relationships/", "/notifications/"):
        response = client.get(url, follow=True)
        assert "Prefers calls after 5pm" not in response.content.decode(), url
    assert client.get(page(mentee.pk)).status_code == 403
    from people.exports import build, open_data_export

    export, _new = open_data_export(mentee)
    build(export.pk)
    export.refresh_from_db()
    import zipfile

    with zipfile.ZipFile(export.file.open("rb")) as archive:
        for name in archive.namelist():
            assert b"Prefers calls after 5pm" not in archive.read(name), name


def test_deleting_an_account_removes_the_notes_about_them_and_their_name_in_others(manager):
    mia = make_mentee(first_name="Mia", last_name="Marsh")
    other = make_mentee(first_name="Ola", last_name="Other")
    services.add_note(mia, manager, "Prefers calls")
    services.add_note(other, manager, "Introduced by Mia Marsh")
    from people.services import delete_account

    delete_account(mia)
    assert not MemberNote.objects.filter(member=mia).exists()
    assert MemberNote.objects.get(member=other).body == "Introduced by Former participant"


def test_a_request_closed_for_a_deactivated_mentee_no_longer_stands_between_the_pair(client, manager):
    """The request ended with the deactivation (it cannot be reinstated): once back, the mentee may ask
    that mentor again, is a mentee a matching round can match, and Find Mentor shows no open request."""
    from people import selectors
    from staff.matching.loading import eligible_mentees_q

    mentee, mentor = make_mentee(email="back@example.com"), make_mentor(email="asked@example.com")
    old = send(mentee, mentor)
    services.deactivate(mentee, manager)
    services.reactivate(mentee, manager)
    old.refresh_from_db()
    assert old.state == State.REQUEST_WITHDRAWN and old.ended_at is not None
    assert get_user_model().objects.filter(eligible_mentees_q(), pk=mentee.pk).exists()
    assert selectors.open_relationships_with(mentee, [mentor.pk]) == {}
    assert relationships.why_request_refused(mentee, mentor) is None
    new = send(mentee, mentor)
    assert new.pk != old.pk and new.state == State.REQUESTED
    # Still one open request per pair: a second one is refused.
    with pytest.raises(Refused, match="already have an open request"):
        send(mentee, mentor)


def test_deactivating_a_matched_mentor_tells_their_partner_and_their_pages_promise_no_email(client, manager):
    mentor = make_mentor(first_name="Wei", last_name="Chen")
    mentee = make_mentee(first_name="Hannah", last_name="Lee")
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    Notification.objects.all().delete()

    response = client.post(reverse("staff_member_deactivate", args=[mentor.pk]), follow=True)
    text = response.content.decode()
    assert "0 of their" not in text and "0 requests" not in text and "The other people were told" not in text
    assert "Hannah Lee, their partner in a relationship under way, was told they are not taking part for now." in text
    assert Relationship.objects.get(pk=rel.pk).state == State.ARRANGING  # left as it is
    told = Notification.objects.get(recipient=mentee, event="partner_deactivated")
    assert "Wei Chen is not taking part" in told.subject and "deactivated" in told.body_text
    assert list(Notification.objects.values_list("recipient", flat=True)) == [mentee.pk]

    client.force_login(mentee)
    page_text = client.get(reverse("relationship", args=[rel.pk])).content.decode()
    assert "Wei Chen is not taking part for now: the programme team has deactivated their account." in page_text
    assert "Wei Chen will be told" not in page_text
    assert "The programme team will be told." in page_text
    withdraw_page = client.get(reverse("withdraw", args=[rel.pk])).content.decode()
    assert "We will tell Wei Chen" not in withdraw_page and "they are not emailed" in withdraw_page

    form_page = client.get(reverse("meeting_new", args=[rel.pk])).content.decode()
    assert "Send the details to the other person by email" not in form_page
    assert "no email is sent to them" in form_page
    day = timezone.localdate() + timedelta(days=3)
    saved = client.post(
        reverse("meeting_new", args=[rel.pk]),
        {
            **{"date_0": day.day, "date_1": day.month, "date_2": day.year},
            **{"start_time": "10:00", "duration": "60", "title": "Catch up", "send_details": "on"},
        },
        follow=True,
    ).content.decode()
    assert "Meeting saved. Wei Chen is not taking part for now, so no email was sent to them." in saved
    assert rel.meetings.count() == 1
    assert not Notification.objects.filter(recipient=mentor).exists()
    # Changing it: the same, no box promising an email and no email.
    meeting = rel.meetings.get()
    edit_page = client.get(reverse("meeting_edit", args=[meeting.pk])).content.decode()
    assert "Send the details to the other person by email" not in edit_page
    assert "no email is sent to them" in edit_page
    updated = client.post(
        reverse("meeting_edit", args=[meeting.pk]),
        {
            **{"date_0": day.day, "date_1": day.month, "date_2": day.year},
            **{"start_time": "11:00", "duration": "60", "title": "Catch up", "send_details": "on"},
        },
        follow=True,
    ).content.decode()
    assert "Meeting updated. Wei Chen is not taking part for now, so no email was sent to them." in updated
    assert not Notification.objects.filter(recipient=mentor).exists()


def test_deactivating_someone_with_nothing_under_way_says_nobody_was_told(client, manager):
    mentor = make_mentor(first_name="Solo")
    text = client.post(reverse("staff_member_deactivate", args=[mentor.pk]), follow=True).content.decode()
    assert "No requests were waiting and they have no relationship under way, so nobody else was told." in text
    assert "were told" not in text


def test_reactivating_tells_the_member_what_became_of_their_requests_and_tells_the_partners_told(client, manager):
    """Deactivating told the partners; reactivating used to tell nobody (the notice just vanished from
    the partner's page, and the member was not told they could sign in again)."""
    mentor = make_mentor(first_name="Wei", last_name="Chen")
    Profile.objects.filter(user=mentor).update(is_mentee=True)
    mentor = User.objects.get(pk=mentor.pk)
    partner = make_mentee(first_name="Hannah", last_name="Lee")
    rel = walk_to(send(partner, mentor), partner, mentor, "arranging")
    asker = make_mentee(first_name="Ola", last_name="Ade")
    send(asker, mentor)  # waiting for Wei: closed for them
    asked = make_mentor(first_name="Bo", last_name="Tan")
    send(mentor, asked)  # Wei's own request: withdrawn for them
    unrelated = make_mentee(first_name="Sam", last_name="Solo")
    services.deactivate(mentor, manager)
    Notification.objects.all().delete()

    response = client.post(reverse("staff_member_reactivate", args=[mentor.pk]), follow=True)
    text = html.unescape(response.content.decode())
    assert "Wei Chen's account is active again: they can sign in." in text
    assert "They were emailed to say so; Hannah Lee, their partner in a relationship under way, was told too." in text
    assert "Hannah Lee" in MemberAction.objects.filter(member=mentor, kind="reactivated").get().detail

    to_member = Notification.objects.get(recipient=mentor)
    assert to_member.event == "account_reactivated"
    assert "active again" in to_member.subject and "can sign in" in to_member.body_text
    body = " ".join(to_member.body_text.split())
    assert "Your request to Bo Tan was closed when your account was deactivated, and it stays closed." in body
    assert "The request from Ola Ade, which was waiting for your answer, was closed too (not declined" in body
    assert "Your relationship with Hannah Lee was left as it was, and we have told them you are back." in body
    assert "your profile says you are open to new requests" in body
    assert to_member.email_status == Notification.Email.PENDING  # the account is open again: it is sent

    to_partner = Notification.objects.get(recipient=partner)
    assert to_partner.event == "partner_reactivated"
    assert "Wei Chen is taking part in the programme again" in to_partner.subject
    assert "reactivated Wei Chen's account" in to_partner.body_text
    assert reverse("relationship", args=[rel.pk]) in to_partner.link
    # The people whose requests were closed are not told again (the requests stay closed), nor anyone else.
    assert sorted(Notification.objects.values_list("recipient", flat=True)) == sorted([mentor.pk, partner.pk])
    assert not Notification.objects.filter(recipient__in=[asker, asked, unrelated]).exists()


def test_reactivated_a_second_time_the_member_is_told_only_of_what_the_latest_deactivation_closed(manager):
    mentee = make_mentee(first_name="Mia", last_name="Marsh")
    first, second = make_mentor(first_name="Ann", last_name="First"), make_mentor(first_name="Ben", last_name="Second")
    send(mentee, first)
    services.deactivate(mentee, manager)
    services.reactivate(mentee, manager)
    send(mentee, second)
    services.deactivate(mentee, manager)
    Notification.objects.all().delete()
    done = services.reactivate(mentee, manager)
    assert [rel.mentor for rel in done["closed"]["sent"]] == [second] and done["told"] == []
    body = " ".join(Notification.objects.get(recipient=mentee, event="account_reactivated").body_text.split())
    assert "Your request to Ben Second was closed" in body and "Ann First" not in body
    assert "As a mentor" not in body and "relationship with" not in body


def test_a_deactivated_mentor_is_not_offered_pause_and_cannot_be_paused(client, manager):
    mentor = make_mentor(first_name="Max", last_name="Mentor")
    services.deactivate(mentor, manager)
    text = client.get(page(mentor.pk)).content.decode()
    assert "Pause new requests" not in text and "Resume new requests" not in text
    assert "They get no requests while the account is deactivated." in text
    assert "Their profile says they are open to new requests" in text
    response = client.post(reverse("staff_member_pause", args=[mentor.pk]), follow=True)
    assert "account is deactivated, so they get no requests at all" in html.unescape(response.content.decode())
    assert Profile.objects.get(user=mentor).accepting_requests is True
    assert not MemberAction.objects.filter(member=mentor, kind="paused").exists()
    # Reactivated, the switch is offered again.
    services.reactivate(mentor, manager)
    assert "Pause new requests" in client.get(page(mentor.pk)).content.decode()
