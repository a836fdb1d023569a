"""Doing a thing twice (two tabs, a second click) says plainly that nothing changed and why."""

from __future__ import annotations

import pytest

from journeys.services import relationships
from journeys.services.base import Refused

from .helpers import send, walk_to

pytestmark = pytest.mark.django_db


def test_withdrawing_twice_says_it_has_ended(mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    relationships.withdraw(rel, mentee, "Moving abroad")
    with pytest.raises(Refused) as refused:
        relationships.withdraw(rel, mentee, "Moving abroad")
    assert refused.value.message == "Nothing was changed: this has ended (Withdrawn)."


def test_reinstating_twice_says_where_it_is_now(mentee, mentor):
    rel = send(mentee, mentor)
    relationships.withdraw_request(rel, mentee)
    relationships.reinstate_request(rel, mentee)
    with pytest.raises(Refused) as refused:
        relationships.reinstate_request(rel, mentee)
    assert refused.value.message == (
        "Nothing was changed: this is now at “Request awaiting the mentor”, so it may have been done already."
    )


def test_saving_a_request_unchanged_tells_nobody(client, mentee, mentor, django_capture_on_commit_callbacks):
    from django.core import mail
    from django.urls import reverse

    rel = send(mentee, mentor, statement="I would like help building my professional network.")
    mail.outbox.clear()
    client.force_login(mentee)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("request_edit", args=[rel.pk]),
            {"area": rel.area_id, "statement": "I would like help building my professional network.  "},
        )
    assert "Nothing was changed: your request is as it was" in page.content.decode()
    assert mail.outbox == [] and not rel.history.filter(action="edit").exists()


def _messages(page) -> list[str]:
    return [str(m) for m in page.context["messages"]]


def test_withdrawing_a_request_twice_says_it_is_withdrawn_already_once(client, mentee, mentor):
    """Back and send again: the second sending shows what the first did, in one message on the request's page."""
    from django.urls import reverse

    rel = send(mentee, mentor)
    client.force_login(mentee)
    confirm = reverse("request_withdraw_confirm", args=[rel.pk])
    url = reverse("request_withdraw", args=[rel.pk])
    client.post(url, {"reason": ""}, HTTP_REFERER=confirm, follow=True)
    again = client.post(url, {"reason": ""}, HTTP_REFERER=confirm, follow=True)
    assert again.redirect_chain[-1][0] == reverse("relationship", args=[rel.pk])
    assert _messages(again) == [
        f"Nothing was changed: you have already withdrawn your request to {mentor.display_name}."
    ]


def test_a_request_accepted_while_its_withdrawal_was_on_screen_says_so_once(client, mentee, mentor):
    """The mentor accepted while the mentee's confirmation page was open: nothing was withdrawn, and the
    page says it was accepted (not that it "may have been done already"), once."""
    from django.urls import reverse

    rel = send(mentee, mentor)
    client.force_login(mentee)
    confirm = reverse("request_withdraw_confirm", args=[rel.pk])
    assert client.get(confirm).status_code == 200
    relationships.accept_request(rel, mentor)
    sent = client.post(reverse("request_withdraw", args=[rel.pk]), {"reason": ""}, HTTP_REFERER=confirm, follow=True)
    assert sent.redirect_chain[-1][0] == reverse("relationship", args=[rel.pk])
    assert _messages(sent) == [
        f"Nothing was changed: {mentor.display_name} accepted your request before it could be withdrawn, so you "
        "are now matched. If you do not want to go ahead, end the relationship with Withdraw under Actions."
    ]
    rel.refresh_from_db()
    assert rel.state == "arranging"


def test_a_request_declined_while_its_withdrawal_was_on_screen_says_so(mentee, mentor):
    rel = send(mentee, mentor)
    relationships.decline_request(rel, mentor)
    with pytest.raises(Refused) as refused:
        relationships.withdraw_request(rel, mentee)
    assert refused.value.message == (
        f"Nothing was changed: {mentor.display_name} declined your request before it could be withdrawn."
    )
