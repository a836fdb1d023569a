"""The wording of every notification lives in its event's templates, and nowhere else.

(a) Every event the services name has a row in ``notifications.events.EVENTS`` and its three
templates, and each renders with a realistic context without a missing variable (the
template engine is told to print a marker for anything it cannot find).
(b) No service module writes prose: they name an event and pass data (a source scan).
"""

from __future__ import annotations

import ast
import copy
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import get_template
from django.utils import timezone

from journeys.models import State
from journeys.services import activity, relationships
from journeys.tests.helpers import goal, meet, send
from notifications.events import EVENTS, template_names
from notifications.services import Message, _fields
from people.models import DataExport
from people.tests.factories import make_mentee, make_mentor
from staff.models import CaseKind
from staff.services import open_case
from support.models import SupportRequest

ROOT = Path(django_settings.BASE_DIR)
MISSING = "MISSING-TEMPLATE-VARIABLE[%s]"
NOTIFY_CALLS = {"notify", "notify_staff", "notify_batched", "send_reminder", "send_reminder_once", "for_event"}
# Where the services live: none of them may write an email's words.
SERVICE_SOURCES = [
    *sorted((ROOT / "journeys" / "services").glob("*.py")),
    ROOT / "journeys" / "models.py",
    ROOT / "staff" / "services.py",
    *sorted((ROOT / "support").glob("*.py")),
    *sorted((ROOT / "people").glob("*.py")),
]


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            yield name, node


def _event_argument(name: str, call: ast.Call) -> ast.expr | None:
    """The event name in a notify call: the first string argument in its place."""
    position = {"notify": 1, "notify_staff": 0, "notify_batched": 1, "send_reminder": 2, "send_reminder_once": 3}
    position = {**position, "for_event": 0}[name]
    return call.args[position] if len(call.args) > position else None


def events_named_by_services() -> list[str]:
    """Each event name (or, for an f-string, its pattern) that the services pass to notify & co."""
    names = []
    for path in SERVICE_SOURCES:
        for name, call in _calls(path):
            if name not in NOTIFY_CALLS:
                continue
            arg = _event_argument(name, call)
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                names.append(re.escape(arg.value))
            elif isinstance(arg, ast.JoinedStr):
                names.append(
                    "".join(
                        re.escape(part.value) if isinstance(part, ast.Constant) else r"[a-z_]+" for part in arg.values
                    )
                )
            elif isinstance(arg, ast.Name):  # a variable holding the event (e.g. message or question)
                continue
            else:
                pytest.fail(f"{path.name}:{call.lineno}: {name}() is not given an event name")
    return names


def test_every_event_the_services_name_is_declared():
    patterns = events_named_by_services()
    assert len(patterns) >= 30
    for pattern in patterns:
        assert any(re.fullmatch(pattern, event) for event in EVENTS), f"no event in EVENTS matches {pattern!r}"


def test_every_declared_event_has_its_three_templates():
    for event in EVENTS:
        for name in template_names(event).values():
            get_template(name)  # raises TemplateDoesNotExist


@pytest.fixture
def strict_templates(settings):
    """Print a marker for every variable the templates cannot resolve."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = MISSING
    settings.TEMPLATES = templates  # setting_changed resets the template engines


@pytest.fixture
def world(db):
    """A realistic cast: a relationship with a meeting, a goal, a staff case, a support request."""
    mentee = make_mentee(first_name="Priya", last_name="O'Neil & <Co>")
    mentor = make_mentor(first_name="Alice", last_name="Kember")
    rel = send(mentee, mentor)
    relationships.accept_request(rel, mentor)
    meeting = meet(rel, mentee, days=1)
    meeting.details = "Bring your CV.\nAnd questions."
    meeting.video, meeting.video_token = True, "abc"
    target = goal(rel, mentee)
    target.due_date = timezone.localdate() + timedelta(days=2)
    case = open_case(CaseKind.STALLED, relationship=rel, summary="for 30 days", tell_staff=False)
    support_request = SupportRequest.objects.create(
        name="Priya <O'Neil>", email="priya@example.com", subject="Help & advice", message="Line one\nLine two"
    )
    export = DataExport(user=mentee, expires_at=timezone.now() + timedelta(days=7))
    message = activity.send_message(rel.conversation, mentee, "Hello\nthere")
    upload = SimpleUploadedFile("agenda <1>.txt", b"Agenda\n", content_type="text/plain")
    message_with_file = activity.send_message(rel.conversation, mentee, "", upload)
    suggestion = SimpleNamespace(
        mentor=SimpleNamespace(display_name="Bo Mentor", subtitle="Engineer at Acme"), profile_url="/mentors/1/"
    )
    return SimpleNamespace(
        mentee=mentee,
        mentor=mentor,
        rel=rel,
        meeting=meeting,
        goal=target,
        case=case,
        support_request=support_request,
        export=export,
        message=message,
        message_with_file=message_with_file,
        suggestion=suggestion,
    )


def _meeting_variants(meeting):
    """By video chat (with details), at a place, and with neither."""
    at_a_place = copy.copy(meeting)
    at_a_place.video, at_a_place.location, at_a_place.details = False, "Café <Nero>", ""
    nowhere = copy.copy(at_a_place)
    nowhere.location = ""
    return [meeting, at_a_place, nowhere]


def contexts(w) -> dict[str, list[dict]]:
    """For each event, the contexts its service passes (every variant the templates branch on)."""
    rel = {"relationship": w.rel}
    request_events = {
        f"request_{what}{suffix}": [rel]
        for what in ("edited", "withdrawn", "reinstated")
        for suffix in ("", "_confirmation")
    }
    meeting = {"relationship": w.rel, "meeting": w.meeting, "actor": w.mentee}
    nudge = {"relationship": w.rel, "other": w.mentee}
    return {
        "request_sent": [rel, {**rel, "answer": {"accept": "http://x/requests/answer/a/", "decline": "http://x/d/"}}],
        "request_sent_confirmation": [rel],
        **request_events,
        "request_withdrawn": [{**rel, "reason": "I found a course instead."}, {**rel, "reason": ""}],
        "request_accepted": [
            {**rel, "message": "See you soon!"},
            {**rel, "message": ""},
            {**rel, "message": "", "other_mentors": ["Bea Second"]},
            {**rel, "message": "Hi", "other_mentors": ["Bea Second", "Cal <Third> & co"]},
        ],
        # h1: expired requests, and requests withdrawn once matched elsewhere
        "request_expired": [rel],
        "request_expired_confirmation": [{**rel, "mentors": [w.suggestion, w.suggestion]}, {**rel, "mentors": []}],
        "request_withdrawn_matched": [rel],
        "request_declined": [{**rel, "message": "I am full."}, {**rel, "message": ""}],
        "request_closed_for_mentee": [{**rel, "because": "left"}, {**rel, "because": "deactivated"}],
        "request_closed_for_mentor": [{**rel, "because": "left"}, {**rel, "because": "deactivated"}],
        "ready_for_feedback": [rel],
        "completion_open_goals": [{**rel, "open_goals": ["Grow my network"]}, {**rel, "open_goals": ["A", "B"]}],
        "stage_completed": [
            {**rel, "actor": w.mentee, "stage": State("progression"), "open_goals": ["Grow my network", "B"]},
            {**rel, "actor": w.mentee, "stage": State("first_conversation"), "open_goals": []},
        ],
        "relationship_completed": [rel],
        "feedback_pending": [{**rel, "actor": w.mentor}],
        # The end of a relationship, with no meeting still to come, one, or several (cancelled with it).
        "withdrawn": [
            {**rel, "actor": w.mentor, "reason": "Moving abroad", "cancelled_meetings": cancelled}
            for cancelled in ([], [w.meeting], _meeting_variants(w.meeting))
        ]
        + [
            {**rel, "actor": actor, "reason": "", "left": True, "cancelled_meetings": [w.meeting]}
            for actor in (w.mentor, w.mentee)
        ]
        # to the mentee: pointed to Find Mentor
        + [{**rel, "recipient": w.mentee, "actor": w.mentor, "reason": "Moving abroad", "cancelled_meetings": []}],
        "withdrawn_meetings_cancelled": [
            {**rel, "cancelled_meetings": cancelled} for cancelled in ([w.meeting], _meeting_variants(w.meeting))
        ],
        "withdrawn_staff": [
            {**rel, "actor": actor, "reason": "Moving abroad", "left": left}
            for actor in (w.mentee, w.mentor)
            for left in (False, True)
        ],
        "closed_by_staff": [
            {**rel, "reason": "Duplicate", "cancelled_meetings": cancelled}
            for cancelled in ([], [w.meeting], _meeting_variants(w.meeting))
        ],
        # A request staff closed before the mentor accepted it
        "request_closed_by_staff_to_mentee": [{**rel, "reason": "The mentor is away"}],
        "request_closed_by_staff_to_mentor": [{**rel, "reason": "The mentor is away"}],
        **{
            event: [
                {"conversation": w.rel.conversation, "sender": w.mentee, "message": w.message, "burst": burst}
                for burst in ([w.message], [w.message, w.message_with_file], [w.message_with_file])
            ]
            for event in ("message_received", "question_received")
        },
        **{
            f"meeting_{what}": [{**meeting, "meeting": variant} for variant in _meeting_variants(w.meeting)]
            + ([{**meeting, "met_earlier": True}] if what == "changed" else [])
            for what in ("arranged", "changed", "cancelled")
        },
        "reminder_review_request": [rel, {**rel, "answer": {"accept": "http://x/a/", "decline": "http://x/d/"}}],
        "reminder_first_meeting": [rel],
        "reminder_feedback": [{**rel, "other": w.mentor}],
        "reminder_profile": [
            {"as_mentor": as_mentor, "as_mentee": as_mentee}
            for as_mentor in (True, False)
            for as_mentee in (True, False)
        ],
        "reminder_find_mentor": [{}],
        "reminder_meeting_tomorrow": [
            {**rel, "meeting": variant, "other": w.mentor} for variant in _meeting_variants(w.meeting)
        ],
        "reminder_goal_due": [{**rel, "goal": w.goal}],
        "reminder_goal_overdue": [{**rel, "goal": w.goal}],
        "reminder_set_goal": [rel],
        "staff_case_opened": [{"case": w.case}],
        "staff_nudge": [
            {**nudge, "situation": situation, "personal": personal, "reminded": reminded}
            for situation in (
                "answer_request",
                "request_waiting",
                "arrange_first_meeting",
                "feedback",
                "feedback_given",
                "quiet",
                "check_in",
            )
            for personal in ("", "We are here to help.")
            for reminded in ((True, False) if situation == "request_waiting" else (False,))
        ],
        "staff_suggested_mentors": [{"mentors": [w.suggestion, w.suggestion]}],
        "partner_deactivated": [{**rel, "member": w.mentor}],
        "account_reactivated": [
            {
                "member": w.mentor,
                "sent_to": sent_to,
                "received_from": received_from,
                "partners": partners,
                "is_mentor": is_mentor,
                "accepting_requests": accepting,
            }
            for sent_to, received_from, partners in (([], [], []), (["Ola Ade"], ["Bo Lee", "Cy <Tan>"], ["Priya"]))
            for is_mentor, accepting in ((False, False), (True, True), (True, False))
        ],
        "partner_reactivated": [{**rel, "member": w.mentor}],
        "support_request_staff": [
            {"support_request": w.support_request, "case": w.case, "signed_in": signed_in}
            for signed_in in (True, False)
        ],
        "support_request_confirmation": [{"support_request": w.support_request}],
        **_support_reply_contexts(w),
        "data_export_ready": [{"export": w.export, "token": w.export.token}],
        "retention_warning": [{"anonymise_on": timezone.now() + timedelta(days=30)}],
        "retention_warning_deactivated": [{"anonymise_on": timezone.now() + timedelta(days=30)}],
        "matching_invitation": [
            {
                "round": SimpleNamespace(pk=1, name="September <graduates> & co"),
                "closes_on": timezone.localdate() + timedelta(days=7),
            }
        ],
        "matching_round_closed": [{"round": SimpleNamespace(pk=1, name="September <graduates> & co")}],
        "request_proposed": [rel],
        "request_proposed_confirmation": [rel],
        "invitation": [{"token": "abc:def", "expires_at": timezone.now() + timedelta(days=14)}],
        **_worksheet_and_concern_contexts(w),
    }


def _support_reply_contexts(w) -> dict[str, list[dict]]:
    """h7: the programme's reply to a Contact message, and the sender's answer (support.services)."""
    from support.models import SupportReply

    staff_reply = SupportReply(support_request=w.support_request, written_by="staff", body="Try <this> & that\nthen")
    answer = SupportReply(support_request=w.support_request, written_by="sender", body="Thanks & <bye>", via="email")
    on_platform = SupportReply(support_request=w.support_request, written_by="sender", body="Thanks", via="platform")
    to_sender = [{"support_request": w.support_request, "reply": staff_reply, "by_email": b} for b in (True, False)]
    return {
        "support_reply": to_sender,
        "support_reply_guest": to_sender,
        "support_reply_staff": [
            {"support_request": w.support_request, "reply": r, "case": w.case} for r in (answer, on_platform)
        ],
    }


def _worksheet_and_concern_contexts(w) -> dict[str, list[dict]]:
    """Issue 9 (h5): worksheets (journeys.services.worksheets) and concerns (journeys.services.concerns)."""
    from journeys.models import ConcernReply
    from journeys.services import concerns, worksheets

    version = worksheets.save_worksheet(w.rel, w.mentee, kind="gstar", answers={"goals": "Lead <a> team"})
    comment = worksheets.comment_on_worksheet(w.rel, w.mentor, kind="gstar", text="Good & clear\nstart")
    concern = concerns.raise_concern(w.rel, w.mentee, "My mentor has gone quiet.")
    sheet = version.worksheet
    return {
        "worksheet_saved": [{"relationship": w.rel, "worksheet": sheet, "author": w.mentee}],
        "worksheet_comment": [
            {"relationship": w.rel, "worksheet": sheet, "comment": comment, "author": author}
            for author in (w.mentee, w.mentor)
        ],
        "concern_raised_confirmation": [{"relationship": w.rel, "concern": concern, "other": w.mentor}],
        "concern_reply": [
            {
                "relationship": w.rel,
                "concern": concern,
                "other": w.mentor,
                "reply": ConcernReply(concern=concern, written_by="staff", body="We will call <you> & talk\nsoon"),
            }
        ],
        "concern_answer_staff": [
            {
                "concern": concern,
                "case": w.case,
                "reply": ConcernReply(concern=concern, written_by="raiser", body="OK & <thanks>"),
            }
        ],
    }


def test_every_event_renders_with_a_realistic_context(world, strict_templates):
    samples = contexts(world)
    assert set(samples) == set(EVENTS), "give every event in EVENTS a sample context here"
    marker = MISSING.split("[")[0]
    for event, variants in samples.items():
        for context in variants:
            # notify() tells every event's templates whom they are written to (``other_than``)
            message = Message.for_event(event, **{"recipient": world.mentor, **context})
            for part in (message.subject, message.body_text, message.body_html):
                assert part.strip(), f"{event}: an empty part"
                assert marker not in part, f"{event}: {part}"
            assert "\n" not in message.subject, event
            assert "&amp;" not in message.subject + message.body_text and "&#x27;" not in message.body_text, event
            # Paragraphs, line breaks and plain links (the answer links) are the only markup: every
            # other "<" is escaped text.
            markup = r'</?p>|<br>|<a href="[^"<>]*">|</a>'
            assert "<" not in re.sub(markup, "", message.body_html), f"{event}: {message.body_html}"
            if context.get("answer"):
                for url in context["answer"].values():
                    assert f'<a href="{url}">' in message.body_html, event
            assert message.link and message.link_label, event
            assert "\n\n\n" not in message.body_text, event


def test_the_text_part_is_never_escaped_and_the_html_part_always_is(world):
    message = Message.for_event("withdrawn", relationship=world.rel, actor=world.mentee, reason="A & <B>")
    assert message.subject == "Priya O'Neil & <Co> has withdrawn from your mentoring relationship"
    assert "The reason they gave: “A & <B>”" in message.body_text
    assert "Priya O&#x27;Neil &amp; &lt;Co&gt; has ended your mentoring relationship." in message.body_html
    assert "A &amp; &lt;B&gt;" in message.body_html


def test_an_address_in_angle_brackets_is_escaped_in_html(world):
    message = Message.for_event(
        "support_request_staff", support_request=world.support_request, case=world.case, signed_in=True
    )
    assert "From: Priya <O'Neil> <priya@example.com> (signed in)" in message.body_text
    assert "From: Priya &lt;O&#x27;Neil&gt; &lt;priya@example.com&gt; (signed in)" in message.body_html


def test_meeting_events_carry_the_invite(world):
    ctx = {"relationship": world.rel, "meeting": world.meeting, "actor": world.mentee}
    assert "METHOD:REQUEST" in Message.for_event("meeting_arranged", **ctx).ics
    assert "METHOD:CANCEL" in Message.for_event("meeting_cancelled", **ctx).ics
    assert Message.for_event("request_sent", relationship=world.rel).ics == ""


def test_an_unknown_event_is_a_programming_error():
    with pytest.raises(ValueError, match="EVENTS"):
        Message.for_event("no_such_event")


# -- (b) the rule: services pass data, never prose -------------------------------------


def test_no_service_module_writes_an_emails_words():
    offences = []
    for path in SERVICE_SOURCES:
        source = path.read_text()
        if re.search(r"from notifications\.services import[^\n]*\bMessage\b", source):
            offences.append(f"{path.name}: imports notifications' Message (name an event instead)")
        for name, call in _calls(path):
            keywords = {k.arg for k in call.keywords}
            if "paragraphs" in keywords or "link_label" in keywords:
                offences.append(f"{path.name}:{call.lineno}: {name}(paragraphs=/link_label=...)")
            if name in NOTIFY_CALLS | {"Message", "Notice"} and keywords & {"subject", "paragraphs", "link"}:
                offences.append(f"{path.name}:{call.lineno}: {name}() is given prose: {sorted(keywords)}")
    assert offences == []


def test_the_end_of_a_relationship_carries_a_cancellation_per_meeting(world):
    """A relationship that ended with meetings still to come: its email lists them and carries one
    CANCEL per meeting (iTIP: one UID per message), each attached on its own."""
    from notifications.ics import split_calendars

    first = world.meeting
    second = meet(world.rel, world.mentor, days=8, title="Second <talk>")
    ctx = {"relationship": world.rel, "actor": world.mentee, "reason": "Moving", "recipient": world.mentor}
    assert Message.for_event("withdrawn", **ctx, cancelled_meetings=[]).ics == ""
    message = Message.for_event("withdrawn", **ctx, cancelled_meetings=[first, second])
    calendars = split_calendars(message.ics)
    assert len(calendars) == 2
    for calendar, meeting in zip(calendars, (first, second), strict=True):
        assert "METHOD:CANCEL" in calendar and "STATUS:CANCELLED" in calendar
        assert calendar.count("BEGIN:VEVENT") == 1 and f"UID:{meeting.uid}@mentoring" in calendar
    assert "Your 2 meetings still to come are cancelled (the cancellations attached" in message.body_text
    assert "“Second <talk>”" in message.body_text and "“Second &lt;talk&gt;”" in message.body_html
    closed = Message.for_event(
        "closed_by_staff", relationship=world.rel, reason="Duplicate", cancelled_meetings=[first]
    )
    assert len(split_calendars(closed.ics)) == 1 and "Your meeting still to come is cancelled" in closed.body_text


# -- every web address in an email's HTML part is a link --------------------------------

WEB_ADDRESS = re.compile(r"https?://[^\s<>\"“”]+")


class _Links(HTMLParser):
    """The hrefs of an HTML part, and any web address written in its text outside a link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.bare: list[str] = []
        self.inside_a = 0

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.inside_a += 1
            self.hrefs.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag):
        if tag == "a":
            self.inside_a -= 1

    def handle_data(self, data):
        if not self.inside_a:
            self.bare += WEB_ADDRESS.findall(data)


def _addresses(text: str) -> set[str]:
    return {url.rstrip(".,;:)") for url in WEB_ADDRESS.findall(text)}


def test_every_web_address_in_an_emails_html_part_is_a_link(world):
    """A web address written out as plain text in the HTML part cannot be clicked in most mail
    programs: each is a link there, and the plain-text part gives the same addresses."""
    problems = set()
    for event, variants in contexts(world).items():
        for context in variants:
            context = {name: value for name, value in context.items() if name != "recipient"}
            for recipient in (world.mentee, world.mentor):
                message = Message.for_event(event, **{"recipient": recipient, **context})
                if event.startswith("reminder_"):
                    message.stop_url, message.stop_label = "http://testserver/reminders/stop/t/", "Stop these"
                fields = _fields(recipient, message)
                links = _Links()
                links.feed(fields["body_html"])
                where = f"{event} to {recipient.first_name}"
                if links.bare:
                    problems.add(f"{where}: not linked in the HTML part: {', '.join(links.bare)}")
                web_links = {href for href in links.hrefs if href.startswith("http")}
                if web_links != _addresses(fields["body_text"]):
                    problems.add(f"{where}: the parts differ: {web_links ^ _addresses(fields['body_text'])}")
    assert sorted(problems) == [], "\n".join(sorted(problems))
