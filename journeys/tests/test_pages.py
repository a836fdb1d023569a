"""The journey through its pages, as a participant's browser would post them (Django test client)."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from journeys.models import Relationship, State
from people.models import AreaOfSupport
from people.tests.factories import PASSWORD

from .helpers import open_task

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def follow_next_step(client, rel):
    resp = client.get(reverse("next_step", args=[rel.pk]))
    assert resp.status_code == 302
    return resp.url


def test_request_preview_send_accept_and_contact_details(client, mentee, mentor, django_capture_on_commit_callbacks):
    area = AreaOfSupport.objects.first()
    login(client, mentee)
    url = reverse("request_new", args=[mentor.pk])
    assert client.get(url).status_code == 200
    short = client.post(url, {"area": area.pk, "statement": "help"})
    assert "at least 20 characters" in short.content.decode()
    # Nothing filled in: the server's error box says what each field needs (the form is novalidate, so the
    # browser's own bubble does not answer first)
    empty = client.post(url, {}).content.decode()
    assert "novalidate" in empty and "This field is required" not in empty
    assert "Choose the area you would like support with." in empty
    assert "Write your personal statement: why you would like to be mentored." in empty
    preview = client.post(url, {"area": area.pk, "statement": "I would like help with my networking skills."})
    body = preview.content.decode()
    assert "The following mentoring details will be sent to Alice Kember" in body
    assert Relationship.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            url, {"area": area.pk, "statement": "I would like help with my networking skills.", "send": "1"}
        )
    rel = Relationship.objects.get()
    assert sent.url == reverse("relationship", args=[rel.pk])
    assert any(m.to == [mentor.email] for m in mail.outbox)

    # Before acceptance, the mentee does not see the mentor's email on the Relationships page.
    page = client.get(reverse("relationships")).content.decode()
    assert "Alice Kember" in page and mentor.email not in page

    client.logout()
    login(client, mentor)
    step = follow_next_step(client, rel)
    assert "/journey/mentoring/" in step and "review_request" in step
    assert "networking skills" in client.get(step).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(step, {"accept": "1", "message": "Happy to help"})
    assert resp.status_code == 302
    rel.refresh_from_db()
    assert rel.state == State.ARRANGING
    page = client.get(reverse("relationships")).content.decode()
    assert mentee.email in page
    assert any("accepted" in m.subject and m.to == [mentee.email] for m in mail.outbox)


def test_other_party_cannot_open_the_task_page(client, mentee, mentor):
    from journeys.selectors import task_url

    from .helpers import send

    rel = send(mentee, mentor)
    task = open_task(rel, mentor)
    login(client, mentee)
    assert client.get(task_url(task)).status_code == 403
    # and Next step for the mentee says it is the mentor's turn
    resp = client.get(reverse("next_step", args=[rel.pk]), follow=True)
    assert "turn" in resp.content.decode()


def test_meeting_form_date_boxes_errors_keep_input(client, mentee, mentor):
    from .helpers import send, walk_to

    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    login(client, mentee)
    step = follow_next_step(client, rel)
    resp = client.post(
        step,
        {"date_0": "31", "date_1": "2", "date_2": "2027", "start_time": "10:00", "duration": "60", "title": "Kick-off"},
    )
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "That date does not exist" in body
    assert 'value="Kick-off"' in body
    assert "aria-describedby" in body or 'id="id_date_error"' in body
    future = dt.date.today() + dt.timedelta(days=10)
    resp = client.post(
        step,
        {
            "date_0": future.day,
            "date_1": future.month,
            "date_2": future.year,
            "start_time": "10:00",
            "duration": "60",
            "title": "Kick-off",
            "send_details": "on",
            "video": "on",
        },
    )
    assert resp.status_code == 302
    rel.refresh_from_db()
    assert rel.state == State.FIRST_CONVERSATION
    meeting = rel.meetings.get()
    assert meeting.video_url.startswith("https://")
    ics = client.get(reverse("meeting_ics", args=[meeting.pk]))
    assert b"BEGIN:VCALENDAR" in ics.content and b"Kick-off" in ics.content


def test_goals_page_complete_stage_refused_without_goal(client, mentee, mentor):
    from .helpers import meet, send, walk_to

    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    meet(rel, mentee)
    login(client, mentee)
    step = follow_next_step(client, rel)
    resp = client.post(step, follow=True)
    # why, and where to go to do it (the message takes the focus; "Go to Goals" is on the page)
    assert "Set at least one SMART goal on the Goals page before completing the first conversation." in (
        resp.content.decode()
    )
    resp = client.post(
        reverse("goals", args=[rel.pk]), {"goal-label": "Grow my network", "goal-details": "", "goal-no_due_date": "on"}
    )
    assert resp.status_code == 302
    goal = rel.goals.get()
    # the mentor can view but not change the mentee's goal
    client.logout()
    login(client, mentor)
    assert "Grow my network" in client.get(reverse("goals", args=[rel.pk])).content.decode()
    client.post(reverse("goal_action", args=[goal.pk, "complete"]), follow=True)
    goal.refresh_from_db()
    assert goal.completed_at is None
    client.post(reverse("goal_action", args=[goal.pk, "entry"]), {"entry-kind": "review", "entry-text": "Went well"})
    assert goal.entries.filter(kind="review").count() == 1
    pdf = client.get(reverse("goal_pdf", args=[goal.pk]))
    assert pdf.content.startswith(b"%PDF")


def test_message_with_attachment_private(client, mentee, mentor, outsider):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .helpers import send

    rel = send(mentee, mentor)
    login(client, mentor)
    pdf = SimpleUploadedFile(
        "plan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", content_type="application/pdf"
    )
    resp = client.post(reverse("messages", args=[rel.pk]), {"body": "Some reading before we start", "attachment": pdf})
    assert resp.status_code == 302
    message = rel.conversation.messages.get()
    url = reverse("attachment", args=[message.attachment.pk])
    assert client.get(url).status_code == 200
    client.logout()
    login(client, outsider)
    assert client.get(url).status_code == 404
    fake = SimpleUploadedFile(
        "evil.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(range(256)), content_type="application/pdf"
    )
    client.logout()
    login(client, mentee)
    resp = client.post(reverse("messages", args=[rel.pk]), {"body": "", "attachment": fake})
    assert resp.status_code == 400  # refused: said on the page
    assert "not a type of file we accept" in resp.content.decode()


@pytest.mark.django_db(transaction=True)
def test_after_a_completed_journey_the_mentee_can_start_a_new_one_with_the_same_mentor(client, mentee, mentor):
    from .helpers import send, walk_to

    done = walk_to(send(mentee, mentor), mentee, mentor, "completed")
    login(client, mentee)
    page = client.get(reverse("relationship", args=[done.pk])).content.decode()
    start = reverse("request_new", args=[mentor.pk])
    assert "Start a new journey with Alice Kember" in page and start in page
    statement = "Now I would like help preparing for a leadership role."
    client.post(start, {"area": done.area_id, "statement": statement, "send": "1"})
    again = Relationship.objects.exclude(pk=done.pk).get()
    assert again.state == State.REQUESTED and again.mentor == mentor and again.statement == statement
    login(client, mentor)
    assert "Start a new journey" not in client.get(reverse("relationship", args=[done.pk])).content.decode()


def test_a_goal_entry_too_long_is_shown_again_on_its_goal_with_the_text_kept(client, mentee, mentor):
    from .helpers import goal, send, walk_to

    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    first, second = goal(rel, mentee, "Grow my network"), goal(rel, mentee, "Speak at a meeting")
    login(client, mentee)
    text = "We met and " + "z" * 5000
    resp = client.post(reverse("goal_action", args=[second.pk, "entry"]), {"entry-kind": "outcome", "entry-text": text})
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "at most 5000 characters" in html
    assert "Choose a type and write what happened" not in html
    # The error is on the field of the goal it was for, with what was typed and chosen.
    assert f'aria-describedby="entry-text-{second.pk}_error"' in html
    assert f'id="entry-text-{second.pk}_error"' in html and f'id="entry-text-{first.pk}_error"' not in html
    assert text in html and html.count(text) == 1
    assert '<option value="outcome" selected>' in html
    # A box above the fields says why and takes the keyboard focus as the page loads (no script: autofocus),
    # each error a link to its field (e2e/test_goal_entry_errors.py checks the focus in the browser).
    assert f'tabindex="-1" autofocus id="entry-errors-{second.pk}"' in html and html.count("autofocus") == 1
    assert f'<a href="#entry-text-{second.pk}">What happened: Write at most 5000 characters' in html
    # The page's other forms still post where they belong.
    assert f'action="{reverse("goals", args=[rel.pk])}"' in html
    assert not second.entries.exists()
    empty = client.post(reverse("goal_action", args=[first.pk, "entry"]), {"entry-kind": "review", "entry-text": ""})
    assert "Write what happened before saving." in empty.content.decode()
    client.post(reverse("goal_action", args=[second.pk, "entry"]), {"entry-kind": "outcome", "entry-text": text[:5000]})
    assert second.entries.get().text == text[:5000]


def test_send_refused_because_the_mentor_paused_meanwhile_offers_no_send_again_and_keeps_the_words(
    client, mentee, mentor
):
    """The mentee previewed; the mentor paused new requests before Send Request was pressed. The page says
    why nothing was sent and keeps the statement to read, but offers no Send Request that cannot work."""
    login(client, mentee)
    url = reverse("request_new", args=[mentor.pk])
    statement = "I would like help with my networking skills, please."
    area = AreaOfSupport.objects.first()
    assert 'name="send"' in client.post(url, {"area": area.pk, "statement": statement, "preview": "1"}).content.decode()
    mentor.profile.accepting_requests = False
    mentor.profile.save()
    page = client.post(url, {"area": area.pk, "statement": statement, "send": "1"})
    body = page.content.decode()
    assert page.status_code == 200 and not Relationship.objects.exists()
    assert "Your request was not sent" in body and 'id="request-refused"' in body
    assert "Alice Kember has paused new mentoring requests for now." in body and "Nothing was sent." in body
    assert statement in body
    assert 'name="send"' not in body and reverse("find_mentor") in body


def test_send_request_pressed_twice_shows_the_request_sent_the_first_time(client, mentee, mentor):
    login(client, mentee)
    url = reverse("request_new", args=[mentor.pk])
    form = {"area": AreaOfSupport.objects.first().pk, "statement": "I would like help with my networking.", "send": "1"}
    first = client.post(url, form)
    again = client.post(url, form)
    rel = Relationship.objects.get()
    assert first.status_code == again.status_code == 302
    assert again.url == first.url == reverse("relationship", args=[rel.pk])
    page = client.get(again.url).content.decode()
    assert "You already have an open request or relationship with Alice Kember." in page
    assert "Your request was not sent" not in page
