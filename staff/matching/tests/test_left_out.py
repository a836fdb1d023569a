"""Opening a round from a list of addresses names each person left out and why, and a line that is
not an email address is an error on its field, keeping what was typed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from journeys.services import relationships
from people.tests.factories import make_mentee, make_staff, make_user
from staff.matching import loading, services
from staff.matching.models import Round

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
        closed.pk: "account closed",
        other_staff.pk: "is programme staff, not a mentee",
        plain.pk: "is not a mentee",
    }
    # One rule: exactly those without a reason are the eligible ones.
    from django.contrib.auth import get_user_model

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
    from staff.matching.views import _left_out_message

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
