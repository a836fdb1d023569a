"""A member who deleted their account, as staff see them afterwards: someone who left the programme,
with no address to write to (their account keeps only a placeholder), not a deactivated account that
could be reactivated."""

from __future__ import annotations

import pytest
from django.urls import reverse

from journeys.tests.helpers import send
from people.services import delete_account
from staff import services

pytestmark = pytest.mark.django_db

LEFT = "Left the programme: their account and personal details were deleted."


def test_the_staff_pages_say_a_member_who_deleted_their_account_left_and_give_no_address(client, mentee, mentor, staff):
    rel = send(mentee, mentor)
    case = services.escalate_unanswered_request(rel)
    delete_account(mentor)
    mentor.refresh_from_db()
    client.force_login(staff)

    for url in (reverse("staff_relationship", args=[rel.pk]), reverse("staff_case", args=[case.pk])):
        page = client.get(url).content.decode()
        assert LEFT in page, url
        assert mentor.email not in page and "deleted.invalid" not in page, url  # the placeholder is nobody's
        assert "Account deactivated" not in page, url
        # The other person is shown as before.
        assert '(<a href="mailto:john@example.com">john@example.com</a>)' in page, url


def test_a_deactivated_member_is_still_shown_as_deactivated_with_their_address(client, mentee, mentor, staff):
    from staff.members.services import deactivate

    rel = send(mentee, mentor)
    deactivate(mentor, staff)
    client.force_login(staff)
    page = client.get(reverse("staff_relationship", args=[rel.pk])).content.decode()
    assert "Account deactivated" in page and LEFT not in page
    assert '(<a href="mailto:alice@example.com">alice@example.com</a>)' in page
