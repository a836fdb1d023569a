"""Fuzz every form of the platform: hostile input gives a page, never a 5xx, and saves nothing it should refuse.

Each page in ``PAGES`` is opened as the person who uses it; its forms are read from the
HTML (fields, options, hidden values, buttons, the URL each posts to), then hypothesis
first posts each typed field with each of a few hostile values (the others filled in
well), then posts generated values: NUL bytes, 1 MB strings, huge numbers, line breaks, impossible
dates, markup. After every post:

- the answer is not a server error (5xx);
- when a typed field held a NUL byte or 1 MB of text (which every text field must
  refuse), nothing in the database changed;
- names and subjects stored anywhere are one line (no control characters).

``test_every_url_is_fuzzed_or_declared_formless`` keeps the list honest: every URL of our
apps is either a page fuzzed here, the target of a form found on one, or declared in
``NO_FORM`` with the reason.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from viewflow.workflow.models import Process, Task

from journeys.services import meetings, relationships
from journeys.tests.helpers import open_task, send, walk_to
from people.tests.factories import make_mentee, make_mentor, make_staff, make_user
from project.text import has_control_characters
from support.models import FAQ, Resource

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
OUR_APPS = ("people", "journeys", "notifications", "support", "staff", "identity")
MEGABYTE = "y" * 1_000_000
HOSTILE = [
    "\x00",
    "a\x00b",
    MEGABYTE,
    "9" * 40,
    "-1",
    "0",
    "31",
    "13",
    "2026",
    "١٢",
    "1e309",
    "NaN",
    "2026-02-30",
    "line\nbreak",
    "Subject\r\nBcc: someone@example.com",
    "\t",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "",
    "   ",
    "😀" * 3,
]
GOOD = {
    "body": "Hello, how are you getting on?",
    "statement": "I would like help with building my professional network.",
    "message": "I would like some help with my profile, please.",
    "title": "Catch-up",
    "label": "Grow my network",
    "details": "Meet three new people",
    "reason": "Moving on to something new",
    "resolution": "Sorted out by phone",
    "subject": "A question",
    "name": "Eve Example",
    "email": "eve@example.org",
    "login": "eve@example.org",
    "first_name": "Eve",
    "last_name": "Example",
    "text": "Met the first milestone",
    "comments": "Very helpful",
    "keywords": "logistics",
    "location": "Video",
    "job_title": "Planner",
    "organisation": "Mango Logistics",
    "biography": "I plan routes.",
    "experience": "Ten years",
    "capacity": "2",
    "date_0": "18",
    "date_1": "4",
    "date_2": "2027",
    "until_0": "18",
    "until_1": "1",
    "until_2": "2027",
}
TYPED = {"text", "textarea", "email", "password", "search", "url", "tel", "number"}


# -- reading forms from a page -------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # a TYPED input type, "hidden", "checkbox", "radio", "select", "submit", "file"
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, Field] = field(default_factory=dict)


class FormReader(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._select: Field | None = None
        self._textarea: Field | None = None

    def _add(self, f: Field) -> None:
        if not self.forms or not f.name or f.name == "csrfmiddlewaretoken":
            return
        fields = self.forms[-1].fields
        if f.name in fields and f.kind in ("radio", "checkbox", "submit"):
            fields[f.name].options.append(f.value)
        else:
            if f.kind in ("radio", "checkbox", "submit"):
                f.options = [f.value]
            fields[f.name] = f

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append(Form((a.get("method") or "get").lower(), a.get("action") or self.page_url))
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            self._add(Field(a.get("name", ""), kind, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "button" and a.get("name"):
            self._add(Field(a["name"], "submit", a.get("value", "")))
        elif tag == "textarea":
            self._textarea = Field(a.get("name", ""), "textarea")
            self._add(self._textarea)
        elif tag == "select":
            self._select = Field(a.get("name", ""), "select")
            self._add(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data


def read_forms(client: Client, url: str) -> list[Form]:
    resp = client.get(url, follow=True)
    assert resp.status_code == 200, (url, resp.status_code)
    final = resp.redirect_chain[-1][0] if resp.redirect_chain else url
    reader = FormReader(urlsplit(final).path)
    reader.feed(resp.content.decode())
    # The sign-out button is on every page; posting it would only end the session being fuzzed.
    return [f for f in reader.forms if (f.fields or f.method == "post") and _name(f.action) != "account_logout"]


def good_value(f: Field) -> str:
    key = f.name.split("-", 1)[-1]
    if key in GOOD:
        return GOOD[key]
    if f.options:
        real = [o for o in f.options if o]
        return real[0] if real else ""
    return f.value


def field_strategy(f: Field):
    """None means "leave the field out" (an unticked box, an unpressed button)."""
    if f.kind == "checkbox":
        return st.sampled_from([None, *f.options])
    if f.kind == "submit":
        return st.sampled_from([None, *f.options])
    if f.kind == "hidden":
        return st.sampled_from([f.value, f.value, *HOSTILE[:3]])
    if f.kind == "file":
        return st.just(None)
    choices = [good_value(f)] + (f.options if f.kind in ("select", "radio") else [])
    return st.one_of(st.sampled_from(choices), st.sampled_from(HOSTILE), st.text(max_size=40))


# -- what must hold after every post ----------------------------------------------------


def database_digest() -> dict[str, str]:
    """A fingerprint of every row of our apps' tables (and the flows' processes and tasks), per
    table, computed by PostgreSQL in one query."""
    from django.db import connection

    models = [m for m in apps.get_models() if m._meta.app_label in OUR_APPS and not m._meta.proxy]
    tables = sorted({m._meta.db_table for m in [*models, Process, Task]})
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT %s, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {quote(table)} t"
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, tables)
        return dict(cursor.fetchall())


def assert_one_line_everywhere() -> None:
    from notifications.models import Notification
    from people.models import User
    from support.models import SupportRequest

    for first, last in User.objects.values_list("first_name", "last_name"):
        assert not has_control_characters(first + last), (first, last)
    for name, subject in SupportRequest.objects.values_list("name", "subject"):
        assert not has_control_characters(name + subject), (name, subject)
    for (subject,) in Notification.objects.values_list("subject"):
        assert "\n" not in subject and "\r" not in subject, subject
    # The remembered Find Mentor search is a signed cookie now (people.search.remembered), not a row.


LONG = "y" * 100_000  # longer than any field takes; the 1 MB string is in the generated values
MUST_REFUSE = ("\x00", LONG[:20_000])  # no text field takes a NUL byte, or 20,000 characters and more
SWEEP = ["a\x00b", LONG, "9" * 40, "Subject\r\nBcc: someone@example.com"]


def post_and_check(client: Client, form: Form, payload: dict[str, str]) -> None:
    # A search (GET) form remembers its valid criteria even when one is refused; the
    # invariants below check that what it remembers is clean.
    must_refuse = form.method == "post" and any(
        bad in (payload.get(name) or "")
        for name, f in form.fields.items()
        if f.kind in TYPED | {"select"}
        for bad in MUST_REFUSE
    )
    before = database_digest() if must_refuse else None
    send_it = client.post if form.method == "post" else client.get
    resp = send_it(form.action, payload)
    if os.environ.get("FUZZ_DEBUG"):
        print(
            "FUZZ", form.action, resp.status_code, sorted(k for k, v in payload.items() if len(v) > 1000 or "\x00" in v)
        )
    shown = {k: (v[:60] + "..." if len(v) > 60 else v) for k, v in payload.items()}
    assert resp.status_code < 500, (form.action, resp.status_code, shown)
    if must_refuse:
        after = database_digest()
        changed = sorted(label for label in after if after[label] != before.get(label))
        assert not changed, f"{form.action} saved input it must refuse: {shown}, in {changed}"
    assert_one_line_everywhere()


def good_payload(form: Form) -> dict[str, str]:
    """Well-filled values: known good text, the first real option, the first box of a group ticked."""
    return {name: good_value(f) for name, f in form.fields.items() if f.kind not in ("submit", "file")}


def form_signature(form: Form) -> tuple:
    return (_name(form.action), form.method, tuple(sorted(form.fields)))


def sweep_page(client: Client, forms: list[Form], swept: set) -> None:
    """Each typed field of each form, one hostile value at a time, the others filled in well.

    A form met again (the same URL name and fields: one per goal, or the profile form on its
    page and as the onboarding step) is swept once."""
    fresh = []
    for form in forms:
        if form_signature(form) in swept:
            continue
        swept.add(form_signature(form))
        fresh.append(form)
    # Value by value, so every must-refuse post runs before a post that may succeed
    # (and, say, finish the step whose page this is).
    for bad in SWEEP:
        for form in fresh:
            for name, f in form.fields.items():
                if f.kind in TYPED:
                    post_and_check(client, form, {**good_payload(form), name: bad})


def fuzz_page(client: Client, url: str, swept: set) -> None:
    forms = read_forms(client, url)
    assert forms, f"no form found on {url}"
    sweep_page(client, forms, swept)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def post_something(data):
        form = data.draw(st.sampled_from(forms), label="form")
        values = {name: data.draw(field_strategy(f), label=name) for name, f in form.fields.items()}
        post_and_check(client, form, {k: v for k, v in values.items() if v is not None})

    post_something()


# -- the pages, and who opens them ------------------------------------------------------


@pytest.fixture
def world(db):
    mentee, mentor, staff = make_mentee(first_name="Mia"), make_mentor(first_name="Rob", capacity=8), make_staff()
    other_mentor = make_mentor(first_name="Ola", capacity=5)
    spare_mentor = make_mentor(first_name="Sia", capacity=5)
    requested = send(mentee, mentor)
    matched = walk_to(send(mentee, other_mentor), mentee, other_mentor, "progression")
    arranging_mentee = make_mentee(first_name="Ari")
    arranging = walk_to(send(arranging_mentee, mentor), arranging_mentee, mentor, "arranging")
    feedback_mentee = make_mentee(first_name="Fay")
    feedback = walk_to(send(feedback_mentee, mentor), feedback_mentee, mentor, "feedback")
    withdrawn_mentee = make_mentee(first_name="Wes")
    withdrawn = send(withdrawn_mentee, mentor)
    relationships.withdraw_request(withdrawn, withdrawn_mentee, "Changed my mind")
    from journeys.flows import onboarding
    from people.services import register_participant
    from staff.services import raise_case

    newcomer = make_user(email="newcomer@example.com")
    register_participant(newcomer, first_name="Nia", last_name="New", register_as="mentee")
    onboarding.email_verified(newcomer)
    review_mentee = make_mentee(first_name="Rey")
    review = send(review_mentee, mentor)
    case_mentee = make_mentee(first_name="Cas")
    case = raise_case(walk_to(send(case_mentee, mentor), case_mentee, mentor, "arranging"), staff, "Check on this")
    first_mentee = make_mentee(first_name="Fio")
    first_conversation = walk_to(send(first_mentee, spare_mentor), first_mentee, spare_mentor, "first_conversation")
    from journeys.services import worksheets

    worksheets.save_worksheet(matched, mentee, kind="swot", answers={"strengths": "Planning"})  # so it takes comments
    from staff.matching import services as matching

    matching_round = matching.open_round(
        staff_user=staff,
        name="Autumn intake",
        mentee_ids=[mentee.pk, make_mentee(first_name="Ron").pk],
        mentor_ids=[spare_mentor.pk],
        shortlist_closes_on=timezone.localdate(),
        min_score=0,
    )
    matching.run_proposal(matching_round, staff)
    member = make_mentor(first_name="Mel", capacity=3)  # the member directory's pages act on her
    from support.services import submit_support_request

    support_request = submit_support_request(
        user=mentee, name="Mia", email=mentee.email, subject="My mentor is away", message="What now?"
    )
    from journeys.services import concerns

    concern = concerns.raise_concern(matched, mentee, "My mentor has gone quiet.")
    # h1: a request answered from its email (the link works without signing in)
    from journeys import answer_links

    email_request = send(make_mentee(first_name="Eve"), make_mentor(first_name="Eli", capacity=3))
    record_mentee = make_mentee(first_name="Rec")
    record_case = raise_case(
        walk_to(send(record_mentee, mentor), record_mentee, mentor, "arranging"), staff, "And this"
    )
    return {
        "mentee": mentee,
        "mentor": mentor,
        "staff": staff,
        "spare_mentor": spare_mentor,
        "requested": requested,
        "review": review,
        "matched": matched,
        "arranging": arranging,
        "arranging_mentee": arranging_mentee,
        "feedback": feedback,
        "feedback_mentee": feedback_mentee,
        "withdrawn": withdrawn,
        "withdrawn_mentee": withdrawn_mentee,
        "newcomer": newcomer,
        "case": case,
        "record_case": record_case,
        "first_mentee": first_mentee,
        "first_conversation": first_conversation,
        "round": matching_round,
        "member": member,
        "support_request": support_request,
        "concern": concern,
        **_imports_world(staff),
        "email_answer": urlsplit(answer_links.urls(email_request)["decline"]).path,
    }


def _imports_world(staff) -> dict:
    """Bulk import (staff.imports): a checked upload and one person invited by hand."""
    from staff.imports import services as imports
    from staff.imports import tokens
    from staff.imports.models import ImportBatch

    invitation = imports.invite(
        staff_user=staff, email="invited@example.org", first_name="In", last_name="Vited", role="mentee"
    )
    batch = ImportBatch.objects.create(created_by=staff, filename="members.csv")
    return {"import": batch, "invitation_token": tokens.make(invitation)}


def step_url(rel, user):
    task = open_task(rel, user)
    return task.flow_task.reverse("execute", args=[task.process_id, task.pk])


def onboarding_url(user):
    task = Task.objects.get(process__onboardingprocess__participant=user, owner=user, status="ASSIGNED")
    return task.flow_task.reverse("execute", args=[task.process_id, task.pk])


def case_url(case):
    from staff.services import handle_task

    task = handle_task(case)
    return task.flow_task.reverse("execute", args=[task.process_id, task.pk])


# (who, page): the pages are fuzzed in this order, the ones that end things last.
PAGES = [
    (None, lambda w: "/accounts/signup/"),
    (None, lambda w: "/accounts/login/"),
    (None, lambda w: "/accounts/password/reset/"),
    (None, lambda w: "/help/contact/"),
    (None, lambda w: f"/invitation/{w['invitation_token']}/"),  # before the Import page resends it
    ("mentee", lambda w: "/profile/"),
    ("mentee", lambda w: "/account/"),
    ("mentee", lambda w: "/find/"),
    ("mentee", lambda w: f"/mentors/{w['spare_mentor'].pk}/request/"),
    ("mentee", lambda w: f"/mentors/{w['spare_mentor'].pk}/question/"),
    ("mentee", lambda w: f"/relationships/{w['requested'].pk}/request/edit/"),
    ("mentee", lambda w: f"/relationships/{w['matched'].pk}/messages/"),
    ("mentee", lambda w: f"/conversations/{w['matched'].conversation_id}/"),
    ("mentee", lambda w: f"/relationships/{w['matched'].pk}/meet/new/"),
    ("mentee", lambda w: f"/meetings/{w['matched'].meetings.first().pk}/"),  # (before the edits move it)
    ("mentee", lambda w: f"/meetings/{w['matched'].meetings.first().pk}/edit/"),
    ("first_mentee", lambda w: f"/relationships/{w['first_conversation'].pk}/first-meeting/earlier/"),
    # The reset form is there only once the person has a calendar address; the fuzzed posts to
    # /calendar/ above may all be refused, so the address is made here (as the page's POST makes it).
    ("mentee", lambda w: (meetings.open_calendar_feed(w["mentee"]), "/calendar/reset/")[1]),
    ("mentee", lambda w: f"/goals/{w['matched'].goals.first().pk}/edit/"),
    ("mentee", lambda w: f"/relationships/{w['matched'].pk}/goals/"),
    ("mentee", lambda w: "/notifications/"),
    ("mentee", lambda w: f"/support/messages/{w['support_request'].pk}/"),  # answering the programme's reply
    ("mentee", lambda w: f"/relationships/{w['matched'].pk}/worksheets/swot/"),
    ("mentee", lambda w: f"/relationships/{w['matched'].pk}/concern/"),
    ("mentee", lambda w: f"/concerns/{w['concern'].pk}/"),  # answering the programme's reply to a concern
    ("mentee", lambda w: f"/meetings/{w['matched'].meetings.first().pk}/cancel/confirm/"),
    ("staff", lambda w: f"/relationships/{w['matched'].pk}/"),
    ("staff", lambda w: "/staff/"),
    ("staff", lambda w: "/staff/inbox/"),
    ("staff", lambda w: f"/staff/cases/{w['record_case'].pk}/"),
    ("staff", lambda w: case_url(w["case"])),
    ("staff", lambda w: "/staff/reports/"),
    ("staff", lambda w: "/staff/relationships/"),  # the directory's filters (a GET form)
    ("staff", lambda w: f"/staff/relationships/{w['arranging'].pk}/"),  # opens a case (staff_raise_case)
    ("staff", lambda w: "/privacy/edit/"),
    ("staff", lambda w: "/staff/settings/"),
    ("staff", lambda w: "/staff/matching/new/"),
    ("staff", lambda w: "/staff/content/lists/areas/"),
    ("staff", lambda w: "/staff/content/faqs/"),
    ("staff", lambda w: "/staff/content/faqs/new/"),
    ("staff", lambda w: f"/staff/content/faqs/{FAQ.objects.order_by('pk').first().pk}/"),
    ("staff", lambda w: "/staff/content/resources/"),
    ("staff", lambda w: "/staff/content/resources/new/"),
    ("staff", lambda w: f"/staff/content/resources/{Resource.objects.order_by('pk').first().pk}/"),
    ("staff", lambda w: f"/staff/matching/{w['round'].pk}/"),
    ("mentee", lambda w: f"/matching/{w['round'].pk}/shortlist/"),
    ("staff", lambda w: "/staff/members/"),
    ("staff", lambda w: f"/staff/members/{w['member'].pk}/"),
    ("staff", lambda w: f"/staff/members/{w['member'].pk}/deactivate/"),
    ("staff", lambda w: "/staff/import/"),
    ("staff", lambda w: "/staff/settings/signup/"),
    ("staff", lambda w: f"/staff/import/{w['import'].pk}/"),
    ("newcomer", lambda w: onboarding_url(w["newcomer"])),
    ("arranging_mentee", lambda w: step_url(w["arranging"], w["arranging_mentee"])),
    ("withdrawn_mentee", lambda w: step_url(w["withdrawn"], w["withdrawn_mentee"])),
    ("mentor", lambda w: step_url(w["review"], w["mentor"])),
    ("feedback_mentee", lambda w: step_url(w["feedback"], w["feedback_mentee"])),
    ("mentee", lambda w: f"/relationships/{w['requested'].pk}/request/withdraw/confirm/"),
    (None, lambda w: w["email_answer"]),
    ("mentee", lambda w: step_url(w["matched"], w["mentee"])),
    ("mentee", lambda w: f"/relationships/{w['matched'].pk}/withdraw/"),
    ("mentee", lambda w: "/accounts/password/change/"),
    ("mentee", lambda w: "/accounts/email/"),
    ("mentee", lambda w: "/account/delete/"),
]

# URLs of our apps with no form of their own, and why (their POST targets are reached from
# the forms on the pages above).
NO_FORM = {
    "other_requests": "no free input: one Withdraw button per waiting request (a hidden id, checked against the mentee's own)",
    "home": "the dashboard: links only",
    "mentor_profile": "a mentor's public profile: links only",
    "relationships": "the list of relationships: links only",
    "next_step": "redirects to the person's current step",
    "journey_diagram": "a flow diagram (SVG) for staff",
    "staff_support_request_case": "redirects staff to the case a Contact form message opened",
    "tool": "SWOT / G-STAR / SMART guides: text only",
    "meeting_ics": "a calendar file download",
    "goal_pdf": "a PDF download",
    "attachment": "a file download",
    "journey_maps": "the flow charts: read only",
    "notification_open": "opens a notification's link",
    "reminders_stop": "one-click stop link from an email (token in the URL, no free input)",
    "help": "the FAQ: read only",
    "resources": "the resource list: read only",
    "resource": "one resource: read only",
    "staff_reports_csv": "a CSV download",
    "programme_logo": "the programme's logo (an image)",
    "staff_home_csv": "a chart's numbers as a CSV download (the period's dates are checked by the home's form)",
    "staff_feedback_csv": "the feedback comments as a CSV download (the same period form as the home)",
    "find_mentor": "a search (GET) form, fuzzed above as a GET",
    "meeting_cancel": "no free input: the cancel button on the meetings page",
    "request_reinstate": "no free input: the reinstate button on the relationship page",
    "staff_claim": "no free input: the claim button on the case page",
    "privacy": "the privacy page: read only",
    "data_export_download": "a zip download (token in the URL, no free input)",
    "staff_email": "the failed-email list: only Retry and Discard buttons, no free input",
    "staff_email_retry": "no free input: the Retry button on the staff email page",
    "staff_email_discard": "no free input: the Discard button on the staff email page",
    "notifications_read_all": "no free input: the button on the notifications page",
    "mentoring:first_conversation:execute": "no free input: the 'mark stage as completed' button",
    "mentoring:completion:execute": "no free input: the 'ready to give feedback' button",
    "mentoring:mentor_feedback:execute": "the same feedback form as mentee_feedback, fuzzed above",
    "onboarding:find_mentor:execute": "redirects to Find Mentor",
    # A participant's step at its address without execute/ (ParticipantStep.index_path): never a form,
    # only on to the step's page (fuzzed above) or what that page answers once the step is over.
    **{
        f"{flow}:{node}:index": "redirects to the step's own page (execute/)"
        for flow, node in (
            ("mentoring", "review_request"),
            ("mentoring", "reinstate_request"),
            ("mentoring", "arrange_first_meeting"),
            ("mentoring", "first_conversation"),
            ("mentoring", "progression"),
            ("mentoring", "completion"),
            ("mentoring", "mentee_feedback"),
            ("mentoring", "mentor_feedback"),
            ("onboarding", "complete_profile"),
            ("onboarding", "find_mentor"),
        )
    },
    "worksheet_version": "an earlier version of a worksheet: read only",
    "worksheet_pdf": "a PDF download",
    "worksheet_open": "redirects to the worksheet's page",
    "proposal": "the mentoring request: read only",
    "cpd_pdf": "a PDF download",
    "mentoring_hours_pdf": "a PDF download",
    "goal_delete_confirm": "no free input: the confirmation button posts to goal_action",
    "meetings": "the meeting list: links only (cancelling asks on a page of its own, fuzzed above)",
    "calendar_feed": "a calendar feed (.ics) for calendar apps (key and secret in the URL, no free input)",
    "support_messages": "the list of a person's Contact messages: links only",
    "support_inbound": "the mail provider's webhook: a raw email with a shared secret (support/tests/test_replies.py)",
    "staff_matching": "the list of matching rounds: links only",
    "staff_import_errors": "a CSV download of an import's problem rows",
    "staff_import_confirm": "no free input: the Import button of a preview",
    "staff_import_cancel": "no free input: the Cancel button of a preview",
    "staff_invitation_resend": "no free input: the Resend button beside an invitation",
    "staff_content": "the Content overview: links only",
    "resource_video": "an uploaded video file, played on a resource's page",
    "resource_captions": "an uploaded video's captions file (WebVTT)",
    "staff_content_faq_delete": "a confirmation page: no free input, only the Delete button",
    "staff_content_resource_delete": "a confirmation page: no free input, only the Delete button",
    "staff_matching_forbid": "the pin form's second button (formaction): the same fields, fuzzed through staff_matching_pin",
    "staff_matching_run": "no free input: the Propose / Re-run button on the round's page",
    "staff_matching_rule_remove": "no free input: the Remove button beside a pin or ban",
    "staff_matching_publish": "no free input: the confirmation button",
    "staff_matching_close": "no free input: the confirmation button",
    "staff_members_csv": "a CSV download (the directory's search and filters, fuzzed above as a GET)",
    "staff_member_resume": "no free input: the Resume button, shown in place of Pause once a mentor is paused",
    "staff_member_reactivate": "no free input: the Reactivate button, shown in place of Deactivate",
}
FLOW_STEP_MODULES = ("journeys.views.steps", "staff.views")


def our_url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name:
                module = getattr(p.callback, "__module__", "")
                if module.split(".")[0] in OUR_APPS:
                    names.add(f"{namespace}{p.name}")

    walk(get_resolver().url_patterns)
    return names


def login_as(client: Client, user) -> Client:
    if user is not None:
        client.force_login(user)
    return client


def test_every_url_is_fuzzed_or_declared_formless(world):
    covered = set()
    for who, page in PAGES:
        client = login_as(Client(), world.get(who))
        url = page(world)
        covered.add(_name(url))
        for form in read_forms(client, url):
            covered.add(_name(form.action))
    missing = our_url_names() - covered - set(NO_FORM)
    assert not missing, f"pages with forms that the fuzz test does not post to: {sorted(missing)}"


def _name(url: str) -> str:
    match = resolve(urlsplit(url).path)
    return ":".join([*match.namespaces, match.url_name]) if match.namespaces else match.url_name


def test_fuzz_every_form_page(world):
    swept: set = set()
    for who, page in PAGES:
        client = login_as(Client(raise_request_exception=False), world.get(who))
        fuzz_page(client, page(world), swept)
    assert len(swept) >= 25, sorted(swept)
