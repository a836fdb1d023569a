"""The 403 page (project.errors): one sentence saying why, and never an exception's own text."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from people.tests.factories import make_staff
from project.errors import Denied, permission_denied

pytestmark = pytest.mark.django_db

GENERIC = "You do not have access to it."


def page_for(user, exception) -> str:
    request = RequestFactory().get("/somewhere/")
    request.user = user
    response = permission_denied(request, exception)
    assert response.status_code == 403
    return response.content.decode()


def test_an_exceptions_own_text_is_never_shown(mentee):
    page = page_for(mentee, PermissionDenied('Start :: no transition from "DONE"'))
    assert "no transition" not in page and "DONE" not in page
    assert "This page is not available to you" in page and GENERIC in page
    assert "someone else" not in page  # not a guess at why
    assert reverse("relationships") in page


def test_a_reason_written_for_the_person_is_the_only_one_given(mentee):
    page = page_for(mentee, Denied("This page is for the programme team only."))
    assert "This page is for the programme team only." in page
    assert GENERIC not in page and "someone else" not in page


def test_a_staff_page_refused_to_a_participant_says_one_thing(client, mentee):
    client.force_login(mentee)
    page = client.get(reverse("staff_inbox"))
    assert page.status_code == 403
    body = page.content.decode()
    assert "This page is for the programme team only." in body
    assert GENERIC not in body and "someone else" not in body and "mentoring journey" not in body


def test_staff_are_sent_back_to_the_staff_area(client):
    client.force_login(make_staff(email="s@example.com", role="support"))
    body = client.get(reverse("staff_reports_csv")).content.decode()
    assert "This page is for programme managers only." in body and GENERIC not in body
    assert f'<a href="{reverse("staff_home")}">Go to the staff area</a>' in body


@pytest.mark.django_db
@pytest.mark.parametrize("name, args", [("notifications_read_all", []), ("staff_member_reactivate", [1])])
def test_a_form_address_opened_on_its_own_says_so_with_the_same_405(client, name, args):
    """A POST-only address opened with a GET (a bookmark, a reload) is a 405 that says what it is and
    that nothing changed, not a blank page; the Allow header stays."""
    client.force_login(make_staff())
    response = client.get(reverse(name, args=args))
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    page = response.content.decode()
    assert "Nothing to show at this address" in page and "nothing was changed" in page
