"""Delete my account erases the person everywhere: every table of the database and the file store."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from journeys import rules
from journeys.models import Relationship, State, StateChange
from journeys.services import activity, relationships
from journeys.services.base import Refused, why_not
from journeys.tests.helpers import open_task_names, send, walk_to
from people.erasure import Needles
from people.tests.factories import PASSWORD, make_mentee
from project.sessions import SessionStore

pytestmark = pytest.mark.django_db

FIRST, LAST = "Zebedee", "Quillfeather"
EMAIL = "zebedee.quillfeather@example.org"
PHONE = "07700 900461"
# What must be found nowhere afterwards. Stems too: PostgreSQL's full-text vectors hold
# "quillfeath", not "quillfeather".
NEEDLES = ["zebedee", "zebede", "quillfeather", "quillfeath", EMAIL, "zebedee.quillfeather", "07700 900461",
           "07700900461", "900461", "900 461"]  # fmt: skip
TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb", "tsvector")


def every_text_column() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type = ANY(%s) ORDER BY table_name, column_name",
            [list(TEXT_TYPES)],
        )
        return cursor.fetchall()


def database_mentions(needles: list[str]) -> list[str]:
    """Every table.column (over the whole test database, not just our models) holding a needle."""
    found = []
    with connection.cursor() as cursor:
        for table, column in every_text_column():
            for needle in needles:
                cursor.execute(
                    f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE %s',  # noqa: S608 - names from the catalogue
                    [f"%{needle}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column} contains {needle!r}")
    return found


def file_mentions(root: Path, needles: list[str]) -> list[str]:
    """Files under ``root`` whose name or bytes (or, for a zip, any member's) hold a needle."""
    found = []
    for path in root.rglob("*") if root.exists() else []:
        if path.is_file():
            data = path.read_bytes()
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as archive:
                    data += b"".join(archive.namelist()[i].encode() + archive.read(n)
                                     for i, n in enumerate(archive.namelist()))  # fmt: skip
            data = data.lower()
            for needle in needles:
                if needle.lower().encode() in data or needle.lower() in str(path).lower():
                    found.append(f"{path} contains {needle!r}")
    return found


@pytest.fixture
def zebedee(db):
    person = make_mentee(first_name=FIRST, last_name=LAST, email=EMAIL)
    profile = person.profile
    profile.phone = PHONE
    profile.biography = f"I am {FIRST} {LAST}; ring me on {PHONE} or write to {EMAIL}. Quillfeathers everywhere."
    profile.job_title = "Quillfeather Logistics lead"
    profile.save()
    return person


def live_through_a_relationship(client, zebedee, mentor, staff, settings, capture):
    """Everything a participant leaves behind, each step as the platform really does it."""
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from people.tasks import request_data_export
    from staff.services import note, raise_case
    from support.services import submit_support_request

    settings.AXES_ENABLED = True
    assert client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD}).status_code == 302
    # a failed login since (one before a successful sign-in no longer counts: it is cleared)
    Client().post(reverse("account_login"), {"login": EMAIL, "password": "wrong-password"})
    settings.AXES_ENABLED = False
    with capture(execute=True):
        rel = send(zebedee, mentor, statement=f"Hello, I am {FIRST} {LAST} ({PHONE}); I want to grow my network.")
        rel = walk_to(rel, zebedee, mentor, "progression")
        activity.create_meeting(
            rel,
            mentor,
            title=f"Coffee with {FIRST}",
            starts_at=rel.created_at.replace(year=rel.created_at.year + 1),
            duration_minutes=30,
            location=f"Call {FIRST} on {PHONE}",
            details=f"{FIRST} {LAST} suggested this.",
        )
        upload = SimpleUploadedFile("cv-zebedee-quillfeather.txt", f"CV of {FIRST} {LAST}, {PHONE}\n".encode())
        activity.send_message(rel.conversation, zebedee, f"Hi, it's {FIRST}. Email me at {EMAIL}.", upload)
        activity.send_message(rel.conversation, mentor, f"Thanks {FIRST} {LAST}, talk soon.")
        goal = activity.create_goal(rel, zebedee, label=f"{FIRST}'s network", details=f"By {LAST}", due_date=None)
        activity.add_goal_entry(goal, mentor, kind="review", text=f"{FIRST} is doing well")
        from journeys.services import concerns, worksheets

        worksheets.save_worksheet(rel, zebedee, kind="swot", answers={"strengths": f"{FIRST} {LAST}, {PHONE}"})
        worksheets.comment_on_worksheet(rel, mentor, kind="swot", text=f"Well done {FIRST}")
        concerns.raise_concern(rel, zebedee, f"Call me on {PHONE}, {FIRST} {LAST} here.")
        concerns.raise_concern(rel, mentor, f"{FIRST} {LAST} missed a meeting.")
        relationships.complete_stage(rel, zebedee, "progression")
        relationships.complete_stage(rel, zebedee, "completion")
        relationships.give_feedback(rel, mentor, 5, f"{FIRST} {LAST} was a pleasure to mentor.")
        submit_support_request(
            name=f"{FIRST} {LAST}",
            email=EMAIL,
            subject=f"Question from {FIRST}",
            message=f"Please call me on {PHONE}.",
            user=zebedee,
        )
        case = raise_case(rel, staff, f"{FIRST} {LAST} asked for a call on {PHONE}")
        note(case, staff, f"Rang {FIRST}; {EMAIL} bounced.")
        from staff.members.services import add_note

        add_note(zebedee, staff, f"{FIRST} prefers calls on {PHONE}.")  # about them: deleted with them
        add_note(mentor, staff, f"Matched with {FIRST} {LAST} after a call.")  # about someone else: scrubbed
        LogEntry.objects.create(
            user=staff,
            content_type=ContentType.objects.get_for_model(zebedee),
            object_id=str(zebedee.pk),
            object_repr=str(zebedee),
            action_flag=CHANGE,
            change_message=f"Changed phone for {FIRST} {LAST}",
        )
        request_data_export(zebedee)  # built by the (eager) task: a zip in the private store
    return Relationship.objects.get(pk=rel.pk)


def test_deleting_the_account_leaves_no_trace_in_any_table_or_file(
    client, zebedee, mentor, staff, settings, private_store, django_capture_on_commit_callbacks
):
    from axes.models import AccessAttempt, AccessLog

    rel = live_through_a_relationship(client, zebedee, mentor, staff, settings, django_capture_on_commit_callbacks)
    # The walk really left the person everywhere the search looks.
    before = database_mentions(NEEDLES)
    tables = {m.split(".")[0] for m in before}
    for table in ("people_user", "people_profile", "journeys_message", "journeys_meeting", "journeys_goal",
                  "journeys_goalentry", "journeys_feedback", "journeys_relationship", "notifications_notification",
                  "support_supportrequest", "staff_staffcase", "staff_staffnote", "members_membernote", "axes_accessattempt",
                  "axes_accesslog", "account_emailaddress", "django_admin_log", "journeys_attachment",
                  "journeys_worksheetanswer", "journeys_worksheetcomment", "journeys_concern"):  # fmt: skip
        assert table in tables, f"the walk-through left nothing in {table}"
    columns = {m.split(" contains")[0] for m in before}
    assert {
        "notifications_notification.ics",
        "notifications_notification.body_html",
        "journeys_statechange.note",
    } <= columns
    assert file_mentions(private_store, NEEDLES), "the upload and the export should be on disk"
    assert AccessAttempt.objects.filter(username=EMAIL).exists() and AccessLog.objects.filter(username=EMAIL).exists()

    client.force_login(zebedee)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("account_delete"), {"confirm": "DELETE", "password": PASSWORD})
    assert resp.status_code == 302

    after = database_mentions(NEEDLES)
    assert after == [], "\n".join(after)
    assert file_mentions(private_store, NEEDLES) == []
    # The relationship stays as an anonymous record, and its history says the person left.
    rel.refresh_from_db()
    assert rel.state == State.WITHDRAWN and rel.mentee_id == zebedee.pk
    ending = StateChange.objects.get(relationship=rel, action="withdraw")
    assert ending.note == "Ended: the mentee left the programme."
    assert "Closed by programme staff" not in ending.to_label()
    # After it, the meeting still to come, cancelled with the relationship (its title scrubbed).
    last = StateChange.objects.filter(relationship=rel).last()
    assert (last.action, last.note) == ("cancel_meeting_at_end", "Coffee with Former participant")
    assert rel.meetings.get(title="Coffee with Former participant").cancelled_at is not None
    # Other people's words stay, with the person's name taken out.
    assert rel.conversation.messages.filter(body="Thanks Former participant, talk soon.").exists()
    assert rel.feedback.get(author=mentor).comments == "Former participant was a pleasure to mentor."
    # Their own concern keeps its row (and its staff case), without their words; the mentor's is scrubbed.
    assert rel.concerns.get(raised_by=zebedee).message == "(Removed: the sender deleted their account.)"
    assert rel.concerns.get(raised_by=mentor).message == "Former participant missed a meeting."


def test_deleting_the_account_signs_out_every_other_browser_too(client, zebedee):
    """Sessions are read from the cache first (project/sessions.py): erasure drops both copies."""
    other = Client()
    other.force_login(zebedee)
    assert other.get(reverse("relationships")).status_code == 200
    key = other.session.session_key
    assert cache.get(SessionStore.cache_key_prefix + key) is not None  # the copy every page reads first
    client.force_login(zebedee)
    assert client.post(reverse("account_delete"), {"confirm": "DELETE", "password": PASSWORD}).status_code == 302
    assert not Session.objects.filter(pk=key).exists()
    assert cache.get(SessionStore.cache_key_prefix + key) is None
    assert other.get(reverse("relationships")).status_code == 302  # to the sign-in page


def test_a_request_withdrawn_then_left_says_the_person_left_not_closed_by_staff(client, zebedee, mentor):
    rel = send(zebedee, mentor)
    relationships.withdraw_request(rel, zebedee, "Changed my mind")
    client.force_login(zebedee)
    client.post(reverse("account_delete"), {"confirm": "DELETE", "password": PASSWORD})
    rel.refresh_from_db()
    last = rel.history.last()
    assert last.note == "Ended: the mentee left the programme."
    assert last.action_label == "Left the programme"
    assert last.to_label() == "Ended: left the programme"
    client.force_login(mentor)
    page = client.get(reverse("relationship", args=[rel.pk])).content.decode()
    history = page[page.index("Everything that has happened in this relationship") :]
    assert "Ended: left the programme" in history
    assert "Closed by programme staff" not in page  # neither in the history nor in the stage shown at the top
    # It stays a withdrawn request (the reports count it as one), not a withdrawn relationship; it ended.
    assert rel.state == State.REQUEST_WITHDRAWN and rel.ended_at is not None and rel.is_ended
    assert last.from_state == last.to_state == State.REQUEST_WITHDRAWN
    assert why_not(rel, "reinstate") == (
        "This request ended when one of you left the programme, so it can no longer be reinstated."
    )
    assert open_task_names(rel) == []  # its journey is over: no "Reinstate your request" step waits


def test_a_request_pending_when_its_mentee_leaves_ends_as_a_withdrawn_request(client, zebedee, mentor):
    rel = send(zebedee, mentor)
    client.force_login(zebedee)
    client.post(reverse("account_delete"), {"confirm": "DELETE", "password": PASSWORD})
    rel.refresh_from_db()
    assert rel.state == State.REQUEST_WITHDRAWN and rel.is_ended and rel.matched_at is None
    # Withdrawn for her, ending there (one line: the note says why).
    assert [(c.action, c.note) for c in rel.history.all()] == [
        ("send_request", ""),
        ("withdraw_request", "Ended: the mentee left the programme."),
    ]
    assert open_task_names(rel) == []
    with pytest.raises(Refused, match="no longer be reinstated"):
        relationships.reinstate_request(rel, zebedee)
    # The mentor sees it among the ended ones; nothing new can be written to the person who left.
    client.force_login(mentor)
    page = client.get(reverse("relationships")).content.decode()
    ended = page[page.index('id="mentees-ended-head"') :]
    assert reverse("relationship", args=[rel.pk]) in ended and "Request withdrawn" in ended
    assert rules.why_conversation_read_only(rel.conversation) == (
        "This request was withdrawn, so nothing new can be added to it. You can still read everything in it."
    )


def test_a_request_withdrawn_earlier_ends_when_its_mentor_leaves(client, mentor, mentee):
    """The mentee withdrew a request; then the mentor deletes their account: the request ends, and the
    mentee is no longer offered to reinstate it (nor left with a step that can never be done)."""
    from people.services import delete_account

    rel = send(mentee, mentor)
    relationships.withdraw_request(rel, mentee, "Changed my mind")
    assert open_task_names(rel) == ["reinstate_request"]
    delete_account(mentor)
    rel.refresh_from_db()
    assert rel.state == State.REQUEST_WITHDRAWN and rel.is_ended
    assert rel.history.last().note == "Ended: the mentor left the programme."
    assert open_task_names(rel) == []
    with pytest.raises(Refused, match="no longer be reinstated"):
        relationships.reinstate_request(rel, mentee)
    client.force_login(mentee)
    page = client.get(reverse("relationship", args=[rel.pk])).content.decode()
    assert "no longer be reinstated" in page and "Reinstate request" not in page


def test_a_stranger_who_shares_only_a_first_name_is_left_alone(zebedee, mentor, outsider):
    """Outside the person's own relationships only the full name, address and phone are replaced."""
    from people.services import delete_account

    other = make_mentee(first_name=FIRST, last_name="Other")
    rel = walk_to(send(other, mentor), other, mentor, "arranging")
    activity.send_message(rel.conversation, mentor, f"Hello {FIRST}, welcome.")
    activity.send_message(rel.conversation, mentor, f"I also mentor {FIRST} {LAST} (or {LAST}, {FIRST}).")
    delete_account(zebedee)
    bodies = list(rel.conversation.messages.values_list("body", flat=True))
    assert bodies == [f"Hello {FIRST}, welcome.", "I also mentor Former participant (or Former participant)."]


def test_phone_numbers_are_found_whatever_their_spacing():
    from types import SimpleNamespace

    needles = Needles.for_user(SimpleNamespace(first_name=FIRST, last_name=LAST, email=EMAIL), phone=PHONE)
    text = "07700900461 / +44 7700 900 461 / +44 (0)7700-900-461 / 07700 900461 / 01234 567890"
    scrubbed = needles.scrub(text, local=False)
    assert not re.search(r"7700", scrubbed)
    assert scrubbed.endswith("01234 567890")


SAME_NUMBER = [
    "07700900456",
    "07700 900456",
    "07700 900 456",
    "07700-900-456",
    "07700.900.456",
    "(07700) 900456",
    "(07700 900456)",
    "+44 7700 900456",
    "+447700900456",
    "+44 (7700) 900-456",
    "+44 (0)7700 900456",
    "+44 (0) 7700-900-456",
    "(+44) 7700 900456",
    "0044 7700 900456",
    "7700 900456",
]


@pytest.mark.parametrize("stored", ["+44 7700 900456", "07700 900456", "0044 (0)7700-900-456"])
@pytest.mark.parametrize("written", SAME_NUMBER)
def test_the_same_number_is_found_with_any_prefix_and_removed_whole(stored, written):
    """International prefix or national 0, brackets, dashes, dots and spaces: the whole number goes,
    its "+" and brackets with it."""
    from types import SimpleNamespace

    needles = Needles.for_user(SimpleNamespace(first_name=FIRST, last_name=LAST, email=EMAIL), phone=stored)
    assert needles.scrub(f"Ring me on {written}, thanks.", local=False) == "Ring me on [phone number removed], thanks."


@pytest.mark.parametrize(
    "other", ["07700 900457", "07700 900 4567", "1207700900456", "01234 567890", "+44 7700 900 45", "900456"]
)
def test_other_numbers_are_left_alone(other):
    from types import SimpleNamespace

    needles = Needles.for_user(SimpleNamespace(first_name=FIRST, last_name=LAST, email=EMAIL), phone="+44 7700 900456")
    assert needles.scrub(f"Ring {other} instead.", local=False) == f"Ring {other} instead."


def test_any_country_code_and_its_national_form():
    from types import SimpleNamespace

    needles = Needles.for_user(
        SimpleNamespace(first_name=FIRST, last_name=LAST, email=EMAIL), phone="+33 6 12 34 56 78"
    )
    text = "06 12 34 56 78 / +33 (0)6 12-34-56-78 / 0033 612345678"
    assert needles.scrub(text, local=False) == " / ".join(["[phone number removed]"] * 3)


def test_a_phone_number_written_another_way_in_a_message_is_removed(client, mentor):
    """The profile says "+44 7700 900456"; she wrote it in a message two other ways. After she deletes
    her account the mentor reads neither, nor a stray "+"."""
    leaver = make_mentee(first_name="Phoebe", last_name="Dialling")
    Profile = type(leaver.profile)
    Profile.objects.filter(user=leaver).update(phone="+44 7700 900456")
    rel = walk_to(send(leaver, mentor), leaver, mentor, "arranging")
    activity.send_message(rel.conversation, leaver, "Call me on 07700900456 or +44 (7700) 900-456 after six.")
    client.force_login(leaver)
    assert client.post(reverse("account_delete"), {"confirm": "DELETE", "password": PASSWORD}).status_code == 302
    body = rel.conversation.messages.get().body
    assert body == "Call me on [phone number removed] or [phone number removed] after six."
    client.force_login(mentor)
    page = client.get(reverse("messages", args=[rel.pk])).content.decode()
    assert "900456" not in page and "900-456" not in page and "+[phone number removed]" not in page


def test_an_address_split_by_a_calendar_line_fold_is_erased_from_the_other_persons_invitations():
    """An invitation (.ics) folds its lines at 75 characters: a short name puts the fold inside the
    address ("mailto:joh" / " n.smith@example.com"). Erasure reads the lines unfolded, and the
    calendar it writes back is still a calendar (folded again)."""
    from datetime import timedelta

    from django.utils import timezone
    from icalendar import Calendar

    from notifications.models import Notification
    from people.services import delete_account
    from people.tests.factories import make_mentor

    john = make_mentee(first_name="John", last_name="Smith", email="john.smith@example.com")
    mentor = make_mentor(first_name="Alice", last_name="Kember", email="alice.kember@example.com")
    rel = walk_to(send(john, mentor), john, mentor, "arranging")
    activity.create_meeting(
        rel, john, title="First conversation", starts_at=timezone.now() + timedelta(days=7), duration_minutes=60
    )
    invitation = Notification.objects.filter(recipient=mentor).exclude(ics="").latest("pk")
    # One copy of the address (the attendee's) is split by a fold: the case this is about.
    assert invitation.ics.replace("\r\n ", "").count("john.smith@example.com") > invitation.ics.count(
        "john.smith@example.com"
    )

    delete_account(john)

    for notification in Notification.objects.filter(recipient=mentor).exclude(ics=""):
        unfolded = notification.ics.replace("\r\n ", "").replace("\r\n\t", "")
        assert "john.smith" not in unfolded.lower(), unfolded
        assert "John Smith" not in unfolded
        assert all(len(line.encode()) <= 75 for line in notification.ics.split("\r\n"))
        calendar = Calendar.from_ical(notification.ics)
        attendees = [str(a) for event in calendar.walk("VEVENT") for a in event.get("attendee", [])]
        assert "mailto:[email address removed]" in attendees and "mailto:alice.kember@example.com" in attendees
