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


def test_a_contact_message_from_someone_who_then_deleted_their_account_has_nobody_to_reply_to(
    client, mentee, staff, django_capture_on_commit_callbacks
):
    from journeys.services.base import Refused
    from notifications.models import Notification
    from staff.models import StaffCase
    from support.services import submit_support_request

    with django_capture_on_commit_callbacks(execute=True):
        request = submit_support_request(
            name="John Smith", email="john@example.com", subject="My data", message="What do you keep?", user=mentee
        )
    case = StaffCase.objects.get(support_request=request)
    delete_account(mentee)
    client.force_login(staff)

    page = client.get(reverse("staff_case", args=[case.pk])).content.decode()
    assert "The sender deleted their account after writing" in page
    assert "No account uses this address" not in page  # they were a participant
    assert "deleted.invalid" not in page and "Claim the case to reply" not in page

    before = Notification.objects.count()
    with pytest.raises(Refused, match="deleted their account"):
        services.reply_to_sender(case, staff, "Here is what we keep.")
    assert Notification.objects.count() == before  # no email to the placeholder address
