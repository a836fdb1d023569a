"""Input that used to give a 500: a clear message on the page instead, nothing saved.

- a day, month or year box with a huge number (OverflowError in the date field), in every
  form that has date boxes;
- a NUL byte in the reasons read without a form (withdrawing a request, staff raising a case);
- a line break in a name or a Contact subject (BadHeaderError on every email carrying it):
  refused at the form, and flattened where notification subjects are built.
"""

import importlib
import inspect

import pytest
from django import forms
from django.core import mail
from django.urls import reverse

from journeys.forms import DateBoxesField
from journeys.models import Goal, Meeting, Relationship, State, StateChange
from journeys.services import activity
from people.models import User
from people.tests.factories import PASSWORD, make_staff
from staff.models import StaffCase
from support.models import SupportRequest

from .helpers import send, walk_to

pytestmark = pytest.mark.django_db

HUGE = "9" * 30
FORM_MODULES = ["journeys.forms", "people.forms", "staff.forms", "support.forms", "notifications.forms"]


def forms_with_date_boxes():
    found = []
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or cls.__module__ != module_name:
                continue
            for name, field in cls.base_fields.items():
                if isinstance(field, DateBoxesField):
                    found.append((cls, name))
    return found


def test_every_date_box_form_is_found():
    names = {f"{cls.__name__}.{field}" for cls, field in forms_with_date_boxes()}
    assert {"MeetingForm.date", "GoalForm.due_date", "ProfileForm.away_until", "SnoozeForm.until"} <= names


@pytest.mark.parametrize("boxes", [(HUGE, "4", "2026"), ("18", HUGE, "2026"), ("18", "4", HUGE), ("0", "0", "0000")])
@pytest.mark.parametrize("form_class,field", forms_with_date_boxes(), ids=lambda v: getattr(v, "__name__", v))
def test_a_huge_number_in_a_date_box_is_a_field_error(form_class, field, boxes):
    data = {f"{field}_{i}": value for i, value in enumerate(boxes)}
    form = form_class(data=data)
    assert not form.is_valid()
    assert field in form.errors
    message = " ".join(form.errors[field])
    assert "date" in message.lower() or "digits" in message.lower() or "year" in message.lower()


def test_a_huge_day_on_the_meeting_and_goal_pages_is_shown_not_a_500(client, mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    client.login(email=mentee.email, password=PASSWORD)
    meetings = Meeting.objects.count()
    resp = client.post(
        reverse("meeting_new", args=[rel.pk]),
        {"date_0": HUGE, "date_1": "4", "date_2": "2030", "start_time": "09:00", "duration": "60", "title": "T"},
    )
    assert resp.status_code == 200
    assert "day and the month with one or two digits" in resp.content.decode()
    assert Meeting.objects.count() == meetings
    goals = Goal.objects.count()
    resp = client.post(
        reverse("goals", args=[rel.pk]),
        {"goal-label": "Grow", "goal-due_date_0": "1", "goal-due_date_1": HUGE, "goal-due_date_2": "2030"},
    )
    assert resp.status_code == 200 and "one or two digits" in resp.content.decode()
    assert Goal.objects.count() == goals


def test_nul_in_a_request_withdrawal_reason_is_refused_with_a_message(client, mentee, mentor):
    rel = send(mentee, mentor)
    client.login(email=mentee.email, password=PASSWORD)
    resp = client.post(reverse("request_withdraw", args=[rel.pk]), {"reason": "bad\x00reason"}, follow=True)
    assert resp.status_code == 400
    assert "Null characters are not allowed" in resp.content.decode()
    rel.refresh_from_db()
    assert rel.state == State.REQUESTED
    # Without the NUL it still works.
    client.post(reverse("request_withdraw", args=[rel.pk]), {"reason": "Found help elsewhere"})
    rel.refresh_from_db()
    assert rel.state == State.REQUEST_WITHDRAWN
    assert StateChange.objects.filter(relationship=rel, note="Found help elsewhere").exists()


def test_nul_in_a_staff_case_reason_is_refused_with_a_message(client, mentee, mentor):
    rel = send(mentee, mentor)
    staff = make_staff()
    client.login(email=staff.email, password=PASSWORD)
    resp = client.post(reverse("staff_raise_case", args=[rel.pk]), {"reason": "look\x00here"})
    assert resp.status_code == 400
    assert "Null characters are not allowed" in resp.content.decode()
    assert not StaffCase.objects.filter(relationship=rel).exists()
    long = client.post(reverse("staff_raise_case", args=[rel.pk]), {"reason": "x" * 201})
    assert long.status_code == 400
    assert "at most 200 characters" in long.content.decode() and f'value="{"x" * 201}"' in long.content.decode()
    assert not StaffCase.objects.filter(relationship=rel).exists()


@pytest.mark.parametrize("name", ["Eve\nBcc: x@example.com", "Eve\rX", "Eve\tX", "Eve\u2028X"])
def test_a_line_break_in_a_name_is_refused_at_sign_up_and_in_the_profile(client, name):
    resp = client.post(
        reverse("account_signup"),
        {
            "email": "eve@example.org",
            "password1": "a-Long-passphrase-9",
            "password2": "a-Long-passphrase-9",
            "first_name": name,
            "last_name": "Smith",
            "register_as": "mentee",
        },
    )
    assert resp.status_code == 200
    assert "Write this on one line" in resp.content.decode()
    assert not User.objects.filter(email="eve@example.org").exists()


def test_a_line_break_in_a_profile_name_is_refused(client, mentee):
    client.login(email=mentee.email, password=PASSWORD)
    resp = client.post(reverse("profile"), {"first_name": "John\nX", "last_name": "Smith", "is_mentee": "on"})
    assert resp.status_code == 200
    assert "Write this on one line" in resp.content.decode()
    mentee.refresh_from_db()
    assert mentee.first_name == "John"


def test_a_line_break_in_a_contact_subject_is_refused(client):
    resp = client.post(
        reverse("contact"),
        {"name": "Eve", "email": "eve@example.org", "subject": "Help\nBcc: x@example.com", "message": "Hello"},
    )
    assert resp.status_code == 200
    assert "Write this on one line" in resp.content.decode()
    assert not SupportRequest.objects.exists()


def test_a_name_stored_with_a_line_break_still_gets_its_emails_delivered(
    mentee, mentor, django_capture_on_commit_callbacks, settings
):
    """Data from before the form check: the subject is flattened, so the email goes out."""
    settings.MESSAGE_EMAIL_QUIET_MINUTES = 0  # each message emailed at once (no grouping)
    User.objects.filter(pk=mentee.pk).update(first_name="John\r\nBcc: evil@example.com")
    mentee.refresh_from_db()
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        activity.send_message(rel.conversation, mentee, "Hello!")
    (message,) = [m for m in mail.outbox if m.to == [mentor.email] and "New message" in m.subject]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "New message from John Bcc: evil@example.com" in message.subject
    assert message.message()["Bcc"] is None
    assert Relationship.objects.get(pk=rel.pk).state == State.ARRANGING
