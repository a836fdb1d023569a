"""The round's pages as staff and mentees use them (the browser test walks them in Chromium too)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from journeys.services import relationships
from notifications.models import Notification
from people.tests.factories import make_mentee, make_mentor, make_staff
from project.dates import long_date
from staff.matching import forms, services
from staff.matching.models import PairRule, Proposal, Round

from .world import small_world

pytestmark = pytest.mark.django_db


def new_round_post(**extra):
    data = {
        "name": "September graduates",
        "mentees": "unmatched",
        "mentors": "available",
        "min_score": "1",
        "shortlist_weight": "2",
        "avoid_same_organisation": "on",
        "avoid_past_pairs": "on",
        "on_decline": "propose",
        "joined_since_0": "",
        "joined_since_1": "",
        "joined_since_2": "",
        "shortlist_closes_on_0": "",
        "shortlist_closes_on_1": "",
        "shortlist_closes_on_2": "",
    }
    data.update(extra)
    return data


def test_a_manager_opens_a_round_from_an_uploaded_list(client):
    w = small_world()
    client.force_login(w["staff"])
    upload = SimpleUploadedFile("mentees.csv", b"email\nada@example.com\nnobody@example.com\n", content_type="text/csv")
    response = client.post(
        reverse("staff_matching_new"),
        new_round_post(mentees="list", mentee_file=upload),
        follow=True,
    )
    round_ = Round.objects.get()
    assert list(round_.mentees.values_list("mentee__email", flat=True)) == ["ada@example.com"]
    assert round_.mentors.count() == 2
    text = response.content.decode()
    assert "The round is open with 1 mentee and 2 mentors." in text
    assert "1 address in the mentees list has no account: nobody@example.com." in text


def test_bad_input_is_a_message_on_the_page_and_keeps_what_was_typed(client):
    w = small_world()
    client.force_login(w["staff"])
    response = client.post(
        reverse("staff_matching_new"),
        new_round_post(
            mentees="joined",
            name="Keep me",
            shortlist_closes_on_0="1",
            shortlist_closes_on_1="1",
            shortlist_closes_on_2="2001",
        ),
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Enter the date from which new mentees are taken." in text
    assert "The closing date for shortlists has passed: choose today or a later day." in text
    assert 'value="Keep me"' in text
    assert not Round.objects.exists()


def closing_date_post(day):
    return new_round_post(
        shortlist_closes_on_0=str(day.day), shortlist_closes_on_1=str(day.month), shortlist_closes_on_2=str(day.year)
    )


def test_a_closing_date_more_than_a_year_ahead_is_an_error_on_its_field(client):
    w = small_world()
    client.force_login(w["staff"])
    response = client.post(
        reverse("staff_matching_new"),
        new_round_post(shortlist_closes_on_0="31", shortlist_closes_on_1="12", shortlist_closes_on_2="9999"),
    )
    assert response.status_code == 400
    latest = long_date(timezone.localdate() + timedelta(days=365))
    message = f"Shortlists can close at most a year ahead: choose {latest} or an earlier day."
    assert response.context["form"].errors["shortlist_closes_on"] == [message]
    assert f'<p class="error" id="id_shortlist_closes_on_error">{message} </p>' in response.content.decode()
    assert not Round.objects.exists()
    assert not Notification.objects.filter(event="matching_invitation").exists()


def test_a_closing_date_may_be_from_today_to_a_year_ahead():
    today = timezone.localdate()
    for day, ok in (
        (today - timedelta(days=1), False),
        (today, True),
        (today + timedelta(days=365), True),
        (today + timedelta(days=366), False),
    ):
        form = forms.NewRoundForm(closing_date_post(day))
        assert form.is_valid() is ok, (day, form.errors)
        if not ok:
            assert list(form.errors) == ["shortlist_closes_on"]


def test_the_review_page_explains_each_pair_and_charts_the_scores(client, django_assert_max_num_queries):
    w = small_world()
    round_ = services.open_round(
        staff_user=w["staff"],
        name="Autumn",
        mentee_ids=[w["ada"].pk, w["ben"].pk],
        mentor_ids=[w["maya"].pk, w["noor"].pk],
    )
    services.run_proposal(round_, w["staff"])
    client.force_login(w["staff"])
    with django_assert_max_num_queries(40):
        response = client.get(reverse("staff_matching_round", args=[round_.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert '<dd id="total-score">16</dd>' in text
    assert "2 of 2" in text
    area_a, area_b = w["areas"][0].name, w["areas"][1].name
    assert f"Supports {area_a} and {area_b}" in text  # Ada with Maya, worded as Find Mentor words it
    assert "<svg" in text and "Pairs by score" in text  # the chart and its table
    assert "<script" not in text


def test_pin_and_forbid_from_the_table_then_rerun(client):
    w = small_world()
    round_ = services.open_round(
        staff_user=w["staff"],
        name="Autumn",
        mentee_ids=[w["ada"].pk, w["ben"].pk],
        mentor_ids=[w["maya"].pk, w["noor"].pk],
    )
    services.run_proposal(round_, w["staff"])
    client.force_login(w["staff"])
    url = reverse("staff_matching_pin", args=[round_.pk])
    response = client.post(url, {"mentee_id": w["ben"].pk, "mentor_id": w["maya"].pk, "page": "1"}, follow=True)
    assert "Pair pinned. Re-run the proposal to apply it." in response.content.decode()
    assert "re-run it to apply them" in response.content.decode()
    client.post(reverse("staff_matching_run", args=[round_.pk]))
    assert Proposal.objects.get(round=round_, mentee=w["ben"]).mentor == w["maya"]
    # by email, through the form
    response = client.post(
        reverse("staff_matching_forbid", args=[round_.pk]),
        {"mentee": "ADA@example.com", "mentor": "noor@example.com"},
        follow=True,
    )
    assert PairRule.objects.filter(round=round_, kind="forbid", mentee=w["ada"], mentor=w["noor"]).exists()


def test_support_staff_read_the_round_but_cannot_steer_it(client):
    w = small_world()
    round_ = services.open_round(
        staff_user=w["staff"], name="Autumn", mentee_ids=[w["ada"].pk], mentor_ids=[w["maya"].pk]
    )
    services.run_proposal(round_, w["staff"])
    client.force_login(make_staff(email="support@example.com", role="support"))
    text = client.get(reverse("staff_matching_round", args=[round_.pk])).content.decode()
    assert "Pairs" in text and "Maya Mentor" in text
    for control in ("Re-run the proposal", "Publish…", "Forbid", reverse("staff_matching_run", args=[round_.pk])):
        assert control not in text
    assert client.post(reverse("staff_matching_run", args=[round_.pk])).status_code == 403


def test_the_publish_page_of_a_round_with_no_pair_proposed_says_so(client):
    w = small_world()
    round_ = services.open_round(
        staff_user=w["staff"], name="Empty", mentee_ids=[w["ada"].pk], mentor_ids=[w["maya"].pk]
    )
    client.force_login(w["staff"])
    page = client.get(reverse("staff_matching_publish", args=[round_.pk])).content.decode()
    assert "0 proposed pairs" not in page and "No pair is proposed in this round" in page


def test_the_publish_page_asks_first_then_publishes(client):
    w = small_world()
    round_ = services.open_round(
        staff_user=w["staff"],
        name="Autumn",
        mentee_ids=[w["ada"].pk, w["ben"].pk],
        mentor_ids=[w["maya"].pk, w["noor"].pk],
    )
    services.run_proposal(round_, w["staff"])
    client.force_login(w["staff"])
    page = client.get(reverse("staff_matching_publish", args=[round_.pk])).content.decode()
    assert "Each of the 2 proposed pairs becomes a mentoring request" in page
    response = client.post(reverse("staff_matching_publish", args=[round_.pk]), follow=True)
    # The task runs at once in the tests (CELERY_TASK_ALWAYS_EAGER); in production a worker runs it.
    assert "Publishing has started: 2 requests are being sent." in response.content.decode()
    assert Proposal.objects.filter(round=round_, status="published").count() == 2
    round_.refresh_from_db()
    assert round_.publishing_since is None and (round_.publish_sent, round_.publish_refused) == (2, 0)


def test_the_round_page_shows_a_background_run_s_progress_and_then_a_stalled_one(client):
    w = small_world()
    round_ = services.open_round(
        staff_user=w["staff"],
        name="Autumn",
        mentee_ids=[w["ada"].pk, w["ben"].pk],
        mentor_ids=[w["maya"].pk, w["noor"].pk],
    )
    services.run_proposal(round_, w["staff"])
    round_ = services.start_publishing(round_, w["staff"])  # marked, but no worker has run it yet
    client.force_login(w["staff"])
    page = client.get(reverse("staff_matching_round", args=[round_.pk])).content.decode()
    assert "Show the latest progress" in page
    assert '<progress id="publish-progress" value="0" max="2">' in page and "0 of 2 pairs done" in page
    assert "Publish…" not in page
    again = client.post(reverse("staff_matching_publish", args=[round_.pk]), follow=True).content.decode()
    assert "This round is already being published" in again
    # The worker died: after a while without a sign of life, staff may start it again.
    Round.objects.filter(pk=round_.pk).update(
        publish_seen_at=timezone.now() - timedelta(seconds=services.PUBLISH_STALE_SECONDS + 1)
    )
    page = client.get(reverse("staff_matching_round", args=[round_.pk])).content.decode()
    assert "Publishing stopped after 0 of 2 pairs." in page and "Show the latest progress" not in page
    client.post(reverse("staff_matching_publish", args=[round_.pk]))
    assert Proposal.objects.filter(round=round_, status="published").count() == 2


def test_the_mentee_is_invited_on_their_relationships_page_and_saves_a_shortlist(client):
    w = small_world()
    round_ = services.open_round(
        staff_user=w["staff"],
        name="Autumn",
        mentee_ids=[w["ben"].pk],
        mentor_ids=[w["maya"].pk, w["noor"].pk],
        shortlist_closes_on=timezone.localdate() + timedelta(days=3),
    )
    client.force_login(w["ben"])
    page = client.get(reverse("relationships")).content.decode()
    url = reverse("matching_shortlist", args=[round_.pk])
    assert "Matching round: Autumn" in page and url in page and "Choose your shortlist" in page
    shortlist = client.get(url).content.decode()
    assert "Maya Mentor" in shortlist and "Noor Mentor" in shortlist
    response = client.post(
        url, {"mentors": [w["noor"].pk], "keywords": "rail freight", "note": "Planning"}, follow=True
    )
    assert "Your shortlist is saved." in response.content.decode()
    entry = round_.mentees.get()
    assert list(entry.shortlist.values_list("mentor_id", flat=True)) == [w["noor"].pk]
    assert (entry.keywords, entry.note) == ("rail freight", "Planning")
    too_many = client.post(url, {"mentors": [w["noor"].pk, w["maya"].pk, 99999, 99998]})
    assert too_many.status_code == 400
    # Others cannot reach it; after the closing date it is read-only and gone from the Relationships page.
    client.force_login(w["ada"])
    assert client.get(url).status_code == 404
    Round.objects.filter(pk=round_.pk).update(shortlist_closes_on=timezone.localdate() - timedelta(days=1))
    client.force_login(w["ben"])
    assert "Choose your shortlist" not in client.get(reverse("relationships")).content.decode()
    assert "Shortlists for this round are closed." in client.get(url).content.decode()
    late = client.post(url, {"mentors": []})  # refused: the closed page again, nothing changed
    assert late.status_code == 400 and "Shortlists for this round are closed." in late.content.decode()
    assert entry.shortlist.count() == 1


def test_proposed_requests_say_so_to_both_people(client):
    w = small_world()
    round_ = services.open_round(
        staff_user=w["staff"], name="Autumn", mentee_ids=[w["ada"].pk], mentor_ids=[w["maya"].pk]
    )
    services.run_proposal(round_, w["staff"])
    services.publish(round_, w["staff"])
    rel = Proposal.objects.get(round=round_).relationship
    for person in (w["ada"], w["maya"]):
        client.force_login(person)
        assert "Proposed by the programme" in client.get(reverse("relationships")).content.decode()
        assert "Proposed by the programme" in client.get(reverse("relationship", args=[rel.pk])).content.decode()
    client.force_login(w["maya"])
    review = client.get(reverse("next_step", args=[rel.pk]), follow=True).content.decode()
    assert "The programme team proposes you as Ada Mentee’s mentor" in review


def test_addresses_a_file_or_a_date_given_for_a_choice_not_chosen_are_refused_not_dropped(client):
    """Addresses pasted while "Every mentee…" is chosen would be dropped without a word, and the round
    opened with other people: each is an error on its own field, and nothing is opened."""
    w = small_world()
    client.force_login(w["staff"])
    upload = SimpleUploadedFile("mentors.csv", b"noor@example.com\n", content_type="text/csv")
    response = client.post(
        reverse("staff_matching_new"),
        new_round_post(
            mentees="unmatched",
            mentee_emails="ada@example.com",
            joined_since_0="1",
            joined_since_1="1",
            joined_since_2="2024",
            mentors="available",
            mentor_file=upload,
        ),
    )
    assert response.status_code == 400
    listed = "“A list of email addresses (pasted or uploaded)”"
    assert response.context["form"].errors == {
        "mentee_emails": [f"These addresses are only read for {listed}: choose that under Mentees, or clear this box."],
        "joined_since": [
            "This date is only read for “Mentees who joined since a date”: choose that under Mentees, or clear the date."
        ],
        "mentor_file": [
            f"A file is only read for {listed}: choose that under Mentors and upload the file again, "
            "or leave this empty."
        ],
    }
    assert "ada@example.com</textarea>" in response.content.decode()
    assert not Round.objects.exists()
    # The same addresses, with the list chosen, open the round with them.
    response = client.post(
        reverse("staff_matching_new"), new_round_post(mentees="list", mentee_emails="ada@example.com")
    )
    assert response.status_code == 302
    assert list(Round.objects.get().mentees.values_list("mentee__email", flat=True)) == ["ada@example.com"]


def test_a_pair_typed_wrong_is_shown_on_the_form_with_what_was_typed(client):
    """The "Pin or forbid a pair" form: a wrong address is an error on its own field, a refusal is in
    the form's error box (which takes the focus), what was typed is kept, and nothing is changed."""
    w = small_world()
    round_ = services.open_round(
        staff_user=w["staff"], name="Autumn", mentee_ids=[w["ada"].pk], mentor_ids=[w["maya"].pk, w["noor"].pk]
    )
    client.force_login(w["staff"])
    pin = reverse("staff_matching_pin", args=[round_.pk])
    response = client.post(pin, {"mentee": "ada@example.com", "mentor": "nobody@example.com"})
    assert response.status_code == 400
    assert response.context["pair_form"].errors == {"mentor": ["No account has this email address."]}
    text = response.content.decode()
    assert '<div class="form-errors" role="alert" tabindex="-1" autofocus' in text
    assert '<p class="error" id="id_mentor_error">No account has this email address. </p>' in text
    assert 'value="ada@example.com"' in text and 'value="nobody@example.com"' in text
    # A refusal of the rules (Ben is not in this round) is in the error box, the addresses kept.
    response = client.post(
        reverse("staff_matching_forbid", args=[round_.pk]), {"mentee": "ben@example.com", "mentor": "maya@example.com"}
    )
    assert response.status_code == 400
    assert response.context["pair_form"].non_field_errors() == ["That mentee is not in this round."]
    assert 'value="ben@example.com"' in response.content.decode()
    assert not PairRule.objects.exists()
    # Typed right, the pair is pinned and the page says so.
    response = client.post(pin, {"mentee": "Ada@Example.com", "mentor": "maya@example.com"}, follow=True)
    assert "Pair pinned. Re-run the proposal to apply it." in response.content.decode()
    assert PairRule.objects.filter(round=round_, kind="pin", mentee=w["ada"], mentor=w["maya"]).exists()


def test_a_shortlist_refused_says_so_in_the_error_box_that_takes_the_focus(client):
    w = small_world()
    extra = [make_mentor(email=f"mentor{n}@example.com", areas=w["areas"][:2]) for n in range(2)]
    round_ = services.open_round(
        staff_user=w["staff"],
        name="Autumn",
        mentee_ids=[w["ben"].pk],
        mentor_ids=[w["maya"].pk, w["noor"].pk, *(m.pk for m in extra)],
        shortlist_closes_on=timezone.localdate() + timedelta(days=3),
    )
    client.force_login(w["ben"])
    url = reverse("matching_shortlist", args=[round_.pk])
    four = [w["maya"].pk, w["noor"].pk, *(m.pk for m in extra)]
    response = client.post(url, {"mentors": four, "keywords": "rail", "note": "Planning"})
    assert response.status_code == 400
    text = response.content.decode()
    assert '<div class="form-errors" role="alert" tabindex="-1" autofocus id="form-errors">' in text
    assert '<a href="#mentors-field">Mentors you would like</a>' in text
    assert '<fieldset id="mentors-field" aria-describedby="mentors-error"' in text
    assert '<p class="error" id="mentors-error">Choose at most three mentors. </p>' in text
    assert text.count(" checked>") == 4 and "Planning</textarea>" in text
    assert not round_.mentees.get().shortlist.exists()


def test_a_list_of_whom_nobody_can_be_matched_says_why_each_was_not_taken(client):
    """Every address listed is someone the round cannot take (a mentor, an unknown address, a mentee with
    a request waiting): the round is not opened, and the error box says why of each, not only that it
    has no mentees."""
    w = small_world()
    relationships.send_request(w["ada"], w["noor"], w["areas"][0], "Hello")
    client.force_login(w["staff"])
    response = client.post(
        reverse("staff_matching_new"),
        new_round_post(mentees="list", mentee_emails="ada@example.com\nmaya@example.com\nnobody@example.com"),
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "The round has no mentees: choose at least one mentee who can be matched.",
        "1 address in the mentees list has no account: nobody@example.com.",
        "2 of the mentees found cannot be matched now and were left out: ada@example.com (has an open request or "
        "relationship as mentee); maya@example.com (is not a mentee).",
    ]
    assert "nobody@example.com" in response.content.decode().split('id="form-errors"')[1].split("</div>")[0]
    assert not Round.objects.exists()


def test_the_new_round_form_says_mentees_see_the_round_s_name(client):
    """The name is in the shortlist email's subject and on the mentee's pages: staff are told before
    they choose it."""
    w = small_world()
    client.force_login(w["staff"])
    page = client.get(reverse("staff_matching_new")).content.decode()
    assert (
        "Mentees see it when they are invited to shortlist: in the email, on their Relationships page and "
        "on their shortlist page. For example, September graduates."
    ) in page


def test_pinning_a_mentee_to_another_mentor_says_which_pin_it_replaced(client):
    """A mentee has one pin: pinning them again replaces the first, and the message names it, so the
    first pin does not vanish without a word."""
    w = small_world()
    round_ = services.open_round(
        staff_user=w["staff"], name="Autumn", mentee_ids=[w["ben"].pk], mentor_ids=[w["maya"].pk, w["noor"].pk]
    )
    client.force_login(w["staff"])
    pin = reverse("staff_matching_pin", args=[round_.pk])
    first = client.post(pin, {"mentee_id": w["ben"].pk, "mentor_id": w["maya"].pk}, follow=True).content.decode()
    assert "Pair pinned. Re-run the proposal to apply it." in first
    # From the form, by addresses, and from the table, by ids: the same message.
    second = client.post(pin, {"mentee": "ben@example.com", "mentor": "noor@example.com"}, follow=True)
    third = client.post(pin, {"mentee_id": w["ben"].pk, "mentor_id": w["maya"].pk}, follow=True)
    for response, mentor, earlier in ((second, "Noor Mentor", "Maya Mentor"), (third, "Maya Mentor", "Noor Mentor")):
        assert (
            f"Pair pinned: Ben Mentee with {mentor}. It replaces Ben Mentee’s earlier pin to {earlier}, as a mentee "
            "has one pin. Re-run the proposal to apply it."
        ) in response.content.decode()
    assert list(PairRule.objects.values_list("mentor__email", flat=True)) == ["maya@example.com"]
    # Pinning the same pair again replaces nothing.
    again = client.post(pin, {"mentee_id": w["ben"].pk, "mentor_id": w["maya"].pk}, follow=True).content.decode()
    assert "Pair pinned. Re-run the proposal to apply it." in again and "It replaces" not in again


def test_pinning_a_forbidden_pair_says_it_lifts_the_ban(client):
    w = small_world()
    round_ = services.open_round(
        staff_user=w["staff"], name="Autumn", mentee_ids=[w["ben"].pk], mentor_ids=[w["maya"].pk, w["noor"].pk]
    )
    client.force_login(w["staff"])
    pair = {"mentee_id": w["ben"].pk, "mentor_id": w["maya"].pk}
    client.post(reverse("staff_matching_forbid", args=[round_.pk]), pair)
    pinned = client.post(reverse("staff_matching_pin", args=[round_.pk]), pair, follow=True).content.decode()
    assert "Pair pinned. This pair had been forbidden: the pin lifts that. Re-run the proposal to apply it." in pinned
    assert list(PairRule.objects.values_list("kind", flat=True)) == [PairRule.Kind.PIN]


def test_closing_a_round_tells_the_mentees_left_without_a_request_and_their_link_says_so(client):
    """The invitation promised a proposed mentor even to mentees who choose nobody. Closed with Ben's
    pair unpublished, the round emails Ben (not Ada, whose request was sent) and the shortlist link
    both were emailed says the round has closed and what each can do now, instead of a 404; anyone
    else still gets a 404."""
    w = small_world()
    round_ = services.open_round(
        staff_user=w["staff"],
        name="Autumn",
        mentee_ids=[w["ada"].pk, w["ben"].pk],
        mentor_ids=[w["maya"].pk, w["noor"].pk],
        shortlist_closes_on=timezone.localdate() + timedelta(days=3),
    )
    services.run_proposal(round_, w["staff"])
    services.publish(round_, w["staff"], only=[w["ada"].pk])
    client.force_login(w["staff"])
    close = reverse("staff_matching_close", args=[round_.pk])
    asked = client.get(close).content.decode()
    assert (
        "1 mentee invited to shortlist has had no request from this round and can still be matched: they are "
        "emailed that the round closed without a mentor for them, and pointed to Find Mentor to look for one "
        "themselves."
    ) in asked
    done = client.post(close, follow=True).content.decode()
    assert (
        "The round is closed. 1 mentee invited to shortlist, who had no request from it, is emailed that it closed "
        "without a mentor for them."
    ) in done
    told = Notification.objects.filter(event="matching_round_closed")
    assert [n.recipient for n in told] == [w["ben"]]
    assert "Autumn" in told.get().subject and reverse("find_mentor") in told.get().link

    url = reverse("matching_shortlist", args=[round_.pk])
    client.force_login(w["ben"])
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Matching round closed: Autumn</h1>" in text
    assert "The programme team has closed this matching round, so shortlists can no longer be chosen" in text
    assert "No mentor was proposed for you in this round." in text
    assert f'href="{reverse("find_mentor")}">Find a mentor</a>' in text
    late = client.post(url, {"mentors": [w["noor"].pk]})
    assert late.status_code == 400 and "Your shortlist was not saved" in late.content.decode()
    assert not round_.mentees.get(mentee=w["ben"]).shortlist.exists()

    client.force_login(w["ada"])
    text = client.get(url).content.decode()
    assert "In this round the programme team sent a mentoring request to Maya Mentor on your behalf." in text
    assert "Find a mentor" not in text  # her request is waiting for Maya's answer

    # Anyone else: as before, no such round for them.
    for other in (make_mentee(email="cleo@example.com"), make_staff(email="other.staff@example.com")):
        client.force_login(other)
        assert client.get(url).status_code == 404
        assert client.post(url, {"mentors": []}).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_closing_a_round_without_shortlists_emails_nobody():
    """Mentees never invited to shortlist were promised nothing, and one with a request of their own by
    then has a mentor in view: neither is emailed."""
    w = small_world()
    quiet = services.open_round(
        staff_user=w["staff"], name="Quiet", mentee_ids=[w["ada"].pk], mentor_ids=[w["maya"].pk]
    )
    assert services.close_round(quiet, w["staff"]).told == 0
    invited = services.open_round(
        staff_user=w["staff"],
        name="Invited",
        mentee_ids=[w["ben"].pk],
        mentor_ids=[w["maya"].pk],
        shortlist_closes_on=timezone.localdate(),
    )
    relationships.send_request(w["ben"], w["noor"], w["areas"][2], "Hello")
    assert services.close_round(invited, w["staff"]).told == 0
    assert not Notification.objects.filter(event="matching_round_closed").exists()
