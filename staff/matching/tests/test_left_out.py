"""Opening a round from a list of addresses names each person left out and why (mentees and mentors,
each side's reasons read from the rule that decides), and a line that is not an email address is an
error on its field, keeping what was typed."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeys import rules as journey_rules
from journeys.models import Conversation, Relationship, State
from journeys.services import relationships
from people.models import AreaOfSupport, Profile
from people.tests.factories import make_mentee, make_mentor, make_staff, make_user
from project.dates import long_date
from staff.matching import loading, services
from staff.matching.models import Round
from staff.matching.views import _left_out_message

from .test_pages import new_round_post
from .world import small_world

pytestmark = pytest.mark.django_db


def people():
    w = small_world()
    relationships.send_request(w["ben"], w["noor"], w["areas"][2], "Please")  # Ben: an open request
    paused = make_mentee(email="paused@example.com")
    paused.is_active = False
    paused.save()
    closed = make_mentee(email="closed@example.com")
    closed.anonymised_at = timezone.now()
    closed.save()
    other_staff = make_staff(email="helper@example.com", role="support")
    nobody_role = make_user(email="plain@example.com")
    return w, paused, closed, other_staff, nobody_role


def test_each_reason_comes_from_the_rule_that_decides():
    w, paused, closed, other_staff, plain = people()
    everyone = [w["ada"], w["ben"], w["maya"], paused, closed, other_staff, plain]
    why = loading.why_not_eligible_mentees([u.pk for u in everyone])
    assert why == {
        w["ben"].pk: "has an open request or relationship as mentee",
        w["maya"].pk: "is not a mentee",
        paused.pk: "account deactivated",
        closed.pk: "account closed (left the programme)",
        other_staff.pk: "is programme staff, not a mentee",
        plain.pk: "is not a mentee",
    }
    # One rule: exactly those without a reason are the eligible ones.
    eligible = set(
        get_user_model()
        .objects.filter(loading.eligible_mentees_q(), pk__in=[u.pk for u in everyone])
        .values_list("pk", flat=True)
    )
    assert eligible == {u.pk for u in everyone} - set(why) == {w["ada"].pk}


def test_the_page_names_each_mentee_left_out_and_why(client):
    w, paused, *_ = people()
    client.force_login(w["staff"])
    listed = "\n".join(
        ["ben@example.com", "staff@example.com", "maya@example.com", "ada@example.com", "paused@example.com"]
    )
    response = client.post(
        reverse("staff_matching_new"), new_round_post(mentees="list", mentee_emails=listed), follow=True
    )
    round_ = Round.objects.get()
    assert list(round_.mentees.values_list("mentee__email", flat=True)) == ["ada@example.com"]
    text = response.content.decode()
    assert (
        "4 of the mentees found cannot be matched now and were left out: "
        "ben@example.com (has an open request or relationship as mentee); "
        "staff@example.com (is programme staff, not a mentee); "
        "maya@example.com (is not a mentee); "
        "paused@example.com (account deactivated)."
    ) in text


def test_a_long_list_left_out_names_the_first_twenty_and_counts_the_rest():
    make_mentee(email="ada@example.com")
    staff = [make_staff(email=f"s{i:02}@example.com", role="support") for i in range(23)]
    selection = services.select_mentees(services.MENTEES_LISTED, emails=[u.email for u in staff] + ["ada@example.com"])
    assert selection.left_out == 23
    assert [email for email, _why in selection.named_left_out] == [f"s{i:02}@example.com" for i in range(20)]
    message = _left_out_message(selection, "mentees")
    assert message.endswith("s19@example.com (is programme staff, not a mentee). And 3 more.")


def test_a_line_that_is_not_an_address_is_an_error_on_its_field_keeping_what_was_typed(client):
    w = small_world()
    client.force_login(w["staff"])
    typed = "ada@example.com\nnot-an-email\nnobody@example.com"
    response = client.post(reverse("staff_matching_new"), new_round_post(mentees="list", mentee_emails=typed))
    assert response.status_code == 400
    message = "1 line is not an email address: “not-an-email”. Correct or remove it."
    assert response.context["form"].errors["mentee_emails"] == [message]
    text = response.content.decode()
    assert message in text
    assert "not-an-email\nnobody@example.com</textarea>" in text
    assert not Round.objects.exists()


def test_an_uploaded_file_may_have_a_heading_but_not_other_lines_without_an_address(client):
    w = small_world()
    client.force_login(w["staff"])
    upload = SimpleUploadedFile("mentees.csv", b"email\nada@example.com\nBen Mentee\n", content_type="text/csv")
    response = client.post(reverse("staff_matching_new"), new_round_post(mentees="list", mentee_file=upload))
    assert response.status_code == 400
    assert response.context["form"].errors["mentee_file"] == [
        "1 line is not an email address: “Ben Mentee”. Correct or remove it."
    ]
    assert not Round.objects.exists()


# -- mentors ---------------------------------------------------------------------------------------


def mentors_left_out():
    """Noor takes the round; every other one fails one condition of the mentors' rule (or has no profile)."""
    w = small_world()
    rel = relationships.send_request(w["ben"], w["maya"], w["areas"][1], "Please")
    relationships.accept_request(rel, w["maya"])  # Maya's one place is taken
    paused = make_mentor(email="paused@example.com", accepting_requests=False)
    away = make_mentor(email="away@example.com")
    Profile.objects.filter(user=away).update(away_until=timezone.localdate() + timedelta(days=10))
    unfinished = make_mentor(email="unfinished@example.com")
    Profile.objects.filter(user=unfinished).update(completed_at=None)
    deactivated = make_mentor(email="deactivated@example.com", is_active=False)
    closed = make_mentor(email="closed@example.com", anonymised_at=timezone.now())
    no_profile_deactivated = make_user(email="gone@example.com", is_active=False)
    plain = make_user(email="plain@example.com")
    people = {
        "maya": w["maya"],
        "paused": paused,
        "away": away,
        "unfinished": unfinished,
        "deactivated": deactivated,
        "closed": closed,
        "gone": no_profile_deactivated,
        "staff": w["staff"],
        "ada": w["ada"],
        "plain": plain,
    }
    return w, people


MENTOR_REASONS = {
    "maya": "has no place left (1 of 1 taken)",
    "paused": "has paused new requests",
    "away": "is away until {back}",
    "unfinished": "has not finished their profile",
    "deactivated": "account deactivated",
    "closed": "account closed (left the programme)",
    "gone": "account deactivated",
    "staff": "is programme staff, not a mentor",
    "ada": "is not a mentor",
    "plain": "is not a mentor",
}


def expected_reason(name: str) -> str:
    return MENTOR_REASONS[name].format(back=long_date(timezone.localdate() + timedelta(days=10)))


def test_each_mentor_left_out_has_the_reason_of_the_condition_they_fail():
    w, people = mentors_left_out()
    why = loading.why_not_eligible_mentors([w["noor"].pk] + [u.pk for u in people.values()])
    assert why == {user.pk: expected_reason(name) for name, user in people.items()}


def test_the_page_names_each_mentor_left_out_and_why(client):
    w, people = mentors_left_out()
    client.force_login(w["staff"])
    listed = "\n".join(["noor@example.com"] + [u.email for u in people.values()])
    response = client.post(
        reverse("staff_matching_new"), new_round_post(mentors="list", mentor_emails=listed), follow=True
    )
    round_ = Round.objects.get()
    assert list(round_.mentors.values_list("mentor__email", flat=True)) == ["noor@example.com"]
    named = "; ".join(f"{user.email} ({expected_reason(name)})" for name, user in people.items())
    assert f"10 of the mentors found cannot be matched now and were left out: {named}." in response.content.decode()


_seq = itertools.count(1)


@pytest.fixture
def takers(db):
    """Two mentees to hold the generated mentors' places, and an area for their requests."""
    mentees = [make_mentee(email=f"taker{n}@example.com") for n in range(2)]
    return mentees, AreaOfSupport.objects.order_by("pk").first()


def _generated_mentor(spec: tuple, mentees: list, area) -> int:
    """A user from ``spec``: account open or not, a profile or none, mentor or not, finished or not,
    paused, away (or back), places offered and taken (as ``people/tests/test_rules_agree.py`` makes them)."""
    is_active, anonymised, has_profile, is_mentor, completed, accepting, away_days, capacity, taken = spec
    user = get_user_model().objects.create(
        email=f"m{next(_seq)}@example.com", is_active=is_active, anonymised_at=timezone.now() if anonymised else None
    )
    if has_profile:
        Profile.objects.create(
            user=user,
            is_mentor=is_mentor,
            completed_at=timezone.now() if completed else None,
            accepting_requests=accepting,
            away_until=timezone.localdate() + timedelta(days=away_days) if away_days is not None else None,
            capacity=capacity,
        )
    for mentee in mentees[:taken]:
        conversation = Conversation.objects.create(mentee=mentee, mentor=user)
        Relationship.objects.create(
            mentee=mentee, mentor=user, conversation=conversation, area=area, statement="Please", state=State.ARRANGING
        )
    return user.pk


mentor_specs = st.tuples(
    st.booleans() | st.just(True),  # account active
    st.booleans() | st.just(False),  # anonymised
    st.booleans() | st.just(True),  # has a profile
    st.booleans() | st.just(True),  # is a mentor
    st.booleans() | st.just(True),  # profile finished
    st.booleans() | st.just(True),  # open to requests
    st.none() | st.sampled_from([-3, 0, 3]),  # away until today + days
    st.integers(min_value=1, max_value=2),  # places offered
    st.integers(min_value=0, max_value=2),  # places taken
)


@settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(mentor_specs, min_size=1, max_size=6))
def test_a_listed_mentor_has_a_reason_exactly_when_the_round_leaves_them_out(takers, specs):
    mentees, area = takers
    with transaction.atomic():
        ids = [_generated_mentor(spec, mentees, area) for spec in specs]
        emails = list(get_user_model().objects.filter(pk__in=ids).order_by("pk").values_list("email", flat=True))
        selection = services.select_mentors(services.MENTORS_LISTED, emails=emails)
        why = loading.why_not_eligible_mentors(ids)
        assert set(why) == set(ids) - set(selection.user_ids)
        assert all(why.values())
        assert [reason for _email, reason in selection.named_left_out] == [why[uid] for uid in ids if uid in why]
        # ... and the filter is the Python rule Find Mentor's cards read.
        profiles = Profile.objects.filter(user_id__in=ids).select_related("user")
        assert set(selection.user_ids) == {p.user_id for p in profiles if journey_rules.mentor_takes_requests(p)}
        transaction.set_rollback(True)
