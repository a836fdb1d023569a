"""Who may open every URL the platform serves: one table, generated checks.

Every URL pattern (``get_resolver()``, including viewflow's ``FlowViewset`` URLs and the admin)
must have a row in ``TABLE``; a pattern without one fails ``test_every_url_pattern_has_a_row``.
Each row says what each kind of person gets:

- ``anon``: not signed in;
- ``outsider``: a signed-in mentee with no part in anything in the world;
- ``mentee`` and ``mentor``: the two parties of the world's relationships. For relationship
  pages the mentee is the owner (their request, their goal, their notification) and the mentor
  the other party; for a flow task, the row's comment says whose task it is;
- ``staff``: a programme manager (``is_staff`` in the "Programme managers" group: the staff roles'
  permissions, ``project.roles``; no superuser, no model permissions);
- ``support``: support staff (``is_staff`` in the "Support staff" group): the inbox, members and
  relationships read-only, no exports, no settings. A row that does not say gives them what
  ``staff`` gets.

Outcomes: ``OK`` (200), ``GO`` (a redirect that is not to a sign-in page: the action was done or
the person is sent on), ``LOGIN`` (to a sign-in page), ``NO`` (403 or 404). A set allows any of
its outcomes. POST rows run inside a savepoint that is rolled back, so each request meets the
same world.

Rows marked ``H3`` are viewflow's built-in task actions (assign, unassign, undo, cancel, revive)
that non-staff must not get (only the platform's own pages act on a task).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib import admin
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from journeys import answer_links
from journeys.flows import onboarding
from journeys.flows.mentoring import MentoringFlow
from journeys.flows.onboarding import OnboardingFlow
from journeys.models import OnboardingProcess
from journeys.services import activity, relationships, worksheets
from journeys.services import meetings as meeting_services
from journeys.tests.helpers import goal, send, walk_to
from notifications import reminders
from notifications.models import Notification
from people import exports
from people.tests.factories import make_mentee, make_mentor, make_staff
from project.models import Heartbeat
from project.tasks import WORKER_AND_BEAT
from staff import services as staff_services
from staff.flows import CaseFlow
from staff.imports import services as imports_services
from staff.imports import tokens as imports_tokens
from staff.imports.models import ImportBatch
from staff.matching import services as matching_services
from support import services as support_services
from support.models import FAQ, Resource

pytestmark = pytest.mark.django_db

ROLES = ("anon", "outsider", "mentee", "mentor", "staff", "support")
OK, GO, LOGIN, NO = "ok", "go", "login", "no"
MISSING_TASK = 987654321


# --------------------------------------------------------------------------- the URL patterns


def all_patterns(patterns=None, prefix="", namespace=None):
    """(key, route) for every pattern: the key is the namespaced name, or the route when unnamed."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace and (f"{namespace}:{p.namespace}" if namespace else p.namespace) or namespace
            yield from all_patterns(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            name = p.name and (f"{namespace}:{p.name}" if namespace else p.name)
            yield name or route, route


_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
_GROUP = re.compile(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)")


def fill(route: str, kwargs: dict[str, Any]) -> str:
    path = _GROUP.sub(lambda m: str(kwargs[m.group(1)]), route)
    path = _CONVERTER.sub(lambda m: str(kwargs[m.group(1)]), path)
    return "/" + path.replace("^", "").replace("$", "")


# --------------------------------------------------------------------------- the table


@dataclass
class Row:
    expect: dict[str, Any]
    kwargs: Any = None  # a function of the world giving the URL's kwargs
    method: str = "get"
    h3: bool = False  # refused for non-staff only on branch h3
    data: dict = field(default_factory=dict)


def row(anon, outsider, mentee, mentor, staff, kwargs=None, *, support=None, **options) -> Row:
    """What each kind of person gets; ``support`` (support staff) gets what ``staff`` gets unless it says."""
    seen = (anon, outsider, mentee, mentor, staff, staff if support is None else support)
    return Row(dict(zip(ROLES, seen, strict=True)), kwargs, **options)


def rel(w):
    return {"pk": w["rel"].pk}


def _mentees_message(w):
    """A Contact message the world's mentee sent signed in (made when first asked for)."""
    from support.models import SupportRequest

    mentee = w["users"]["mentee"]
    found, _new = SupportRequest.objects.get_or_create(
        user=mentee, defaults={"name": "Mia Mentee", "email": mentee.email, "subject": "Hello", "message": "Hi"}
    )
    return found


def _mentees_concern(w):
    """A concern the world's mentee raised about the world's relationship (made when first asked for)."""
    from journeys.models import Concern

    found, _new = Concern.objects.get_or_create(
        relationship=w["rel"], raised_by=w["users"]["mentee"], defaults={"message": "My mentor is quiet."}
    )
    return found


def goal_pk(w, **extra):
    return {"pk": w["goal"].pk, **extra}


POSTED = {"reason": "x", "body": "x", "entry-kind": "review", "entry-text": "x", "text": "x", "outcome": "held"}
PARTY = row(LOGIN, NO, OK, OK, NO, rel)  # a relationship's private pages: its two parties only
STAFF_ONLY = row(LOGIN, NO, NO, NO, OK)  # project.roles.staff_required: participants get 403
MANAGERS_ONLY = row(LOGIN, NO, NO, NO, OK, support=NO)  # staff_required(perm=MANAGE or EXPORT)
SIGNED_IN = row(LOGIN, OK, OK, OK, OK)
PUBLIC = row(OK, OK, OK, OK, OK)

TABLE: dict[str, Row] = {
    # the platform
    "health": PUBLIC,
    # allauth (signed-in people are sent on from the sign-in and sign-up pages)
    "account_login": row(OK, GO, GO, GO, GO),
    "account_logout": row(GO, OK, OK, OK, OK),
    "account_inactive": PUBLIC,
    "account_signup": row(OK, GO, GO, GO, GO),
    "account_reauthenticate": SIGNED_IN,
    "account_request_reauthentication_code": SIGNED_IN,
    "account_confirm_reauthentication_code": row(LOGIN, GO, GO, GO, GO),
    "account_email": SIGNED_IN,
    "account_email_verification_sent": PUBLIC,
    "account_change_password": SIGNED_IN,
    "account_set_password": row(LOGIN, GO, GO, GO, GO),  # they have a password: sent to change it
    "account_reset_password": PUBLIC,
    "account_confirm_login_code": row(LOGIN, GO, GO, GO, GO),
    "account_confirm_email": PUBLIC,  # an unknown key: the page says the link is not valid
    "account_reset_password_from_key_done": PUBLIC,
    "account_reset_password_from_key": PUBLIC,  # an unknown key: the page says the link is not valid
    "account_reset_password_done": PUBLIC,
    # people
    "home": row(OK, GO, GO, GO, GO),
    "profile": SIGNED_IN,
    "account": SIGNED_IN,
    "account_delete": SIGNED_IN,
    # "Download my data": asking is for anyone signed in; the zip is its owner's only
    "data_export_request": row(LOGIN, GO, GO, GO, GO, method="post"),
    "data_export_download": row(LOGIN, NO, OK, NO, NO, lambda w: {"token": w["export"].token}),
    "find_mentor": SIGNED_IN,
    "mentor_profile": row(LOGIN, OK, OK, OK, OK, lambda w: {"user_id": w["users"]["mentor"].pk}),
    # journeys: the relationship (first conversation stage), its goal, meeting, messages and file
    "relationships": SIGNED_IN,
    "relationship": row(LOGIN, NO, OK, OK, OK, rel),  # staff see the summary, not the private pages
    "next_step": row(LOGIN, NO, GO, GO, GO, rel),  # on to the person's task, or the relationship page
    "withdraw": PARTY,
    "request_edit": row(LOGIN, NO, OK, NO, NO, rel),  # the mentee's (the service refuses once accepted)
    # the mentor is sent back with the service's refusal (a sentence on the page, nothing changed)
    "request_withdraw": row(LOGIN, NO, GO, GO, NO, rel, method="post", data=POSTED),
    "request_reinstate": row(LOGIN, NO, GO, GO, NO, rel, method="post", data=POSTED),
    "messages": PARTY,
    "meetings": PARTY,
    "meeting_new": PARTY,
    "goals": PARTY,
    "tool": row(LOGIN, NO, OK, OK, NO, lambda w: {"pk": w["rel"].pk, "name": "smart"}),  # SWOT, G-STAR: worksheets
    "meeting_edit": row(LOGIN, NO, OK, OK, NO, lambda w: {"pk": w["meeting"].pk}),
    "meeting_cancel": row(LOGIN, NO, GO, GO, NO, lambda w: {"pk": w["meeting"].pk}, method="post", data=POSTED),
    "meeting_ics": row(LOGIN, NO, OK, OK, NO, lambda w: {"pk": w["meeting"].pk}),
    # access_goal lets staff read any goal (unlike the goals page, which is the parties' only); the
    # other party and staff are sent back from the edit page with "only the person who set it".
    "goal_edit": row(LOGIN, NO, OK, GO, GO, goal_pk),
    "goal_pdf": row(LOGIN, NO, OK, OK, OK, goal_pk),
    "goal_action": row(
        LOGIN, NO, GO, GO, NO, lambda w: goal_pk(w, action="complete"), method="post", data=POSTED
    ),  # the mentor is sent back with a refusal; the goal is unchanged (journeys/tests/test_permissions.py)
    # the forms show to anyone signed in; sending is what the services refuse (to oneself, non-mentees)
    "request_new": row(LOGIN, OK, OK, OK, OK, lambda w: {"user_id": w["users"]["mentor"].pk}),
    "ask_question": row(LOGIN, OK, OK, OK, OK, lambda w: {"user_id": w["users"]["mentor"].pk}),
    # the relationship's thread: its parties are sent on to the relationship's Messages page
    "conversation": row(LOGIN, NO, GO, GO, NO, lambda w: {"pk": w["rel"].conversation_id}),
    "attachment": row(LOGIN, NO, OK, OK, NO, lambda w: {"pk": w["message"].attachment_id}),
    "journey_maps": STAFF_ONLY,
    "journey_diagram": row(LOGIN, NO, NO, NO, OK, lambda w: {"name": "mentoring"}),
    # notifications
    "notifications": SIGNED_IN,
    "notification_open": row(LOGIN, NO, GO, NO, NO, lambda w: {"pk": w["notification"].pk}),
    "notifications_read_all": row(LOGIN, GO, GO, GO, GO, method="post"),
    "reminders_stop": row(OK, OK, OK, OK, OK, lambda w: {"token": w["stop_token"]}),  # the token is the key
    "reminder_settings": row(LOGIN, GO, GO, GO, GO, method="post"),
    # the staff email page (failed and uncertain emails): programme staff only, others told 403
    "staff_email": row(LOGIN, NO, NO, NO, OK),
    "staff_email_retry": row(LOGIN, NO, NO, NO, GO, lambda w: {"pk": w["failed_email"].pk}, method="post"),
    "staff_email_discard": row(LOGIN, NO, NO, NO, GO, lambda w: {"pk": w["failed_email"].pk}, method="post"),
    # support
    "help": PUBLIC,
    "contact": PUBLIC,
    "resources": PUBLIC,
    # an uploaded video and its captions (private storage): signed-in members only
    "resource_video": row(LOGIN, OK, OK, OK, OK, lambda w: {"pk": w["video_resource"].pk}),
    "resource_captions": row(LOGIN, OK, OK, OK, OK, lambda w: {"pk": w["video_resource"].pk}),
    "resource": row(OK, OK, OK, OK, OK, lambda w: {"pk": w["resource"].pk}),
    "privacy": PUBLIC,
    "privacy_edit": MANAGERS_ONLY,
    # the sender's side of the conversation after a Contact message: their own only (staff read it on the case)
    "support_messages": SIGNED_IN,
    "support_message": row(LOGIN, NO, OK, NO, NO, lambda w: {"pk": _mentees_message(w).pk}),
    # answers by email, posted by the mail provider with the shared secret (none here: 404 to all)
    "support_inbound": row(NO, NO, NO, NO, NO, method="post"),
    # staff
    "staff_home": STAFF_ONLY,
    "staff_home_csv": row(LOGIN, NO, NO, NO, OK, lambda w: {"key": "funnel"}, support=NO),
    "staff_feedback_csv": MANAGERS_ONLY,
    "staff_inbox": STAFF_ONLY,
    "staff_case": row(LOGIN, NO, NO, NO, {OK, GO}, lambda w: {"pk": w["case"].pk}),
    "staff_support_request_case": row(LOGIN, NO, NO, NO, GO, lambda w: {"pk": w["support_request"].pk}),
    "staff_claim": row(LOGIN, NO, NO, NO, GO, lambda w: {"pk": w["case"].pk}, method="post"),
    "staff_raise_case": row(
        LOGIN, NO, NO, NO, GO, lambda w: {"relationship_pk": w["rel"].pk}, method="post", data=POSTED
    ),
    "staff_reports": STAFF_ONLY,
    # the relationship directory and the staff view of one relationship: any programme staff (read-only)
    "staff_relationships": STAFF_ONLY,
    "staff_relationship": row(LOGIN, NO, NO, NO, OK, rel),
    "staff_reports_csv": MANAGERS_ONLY,
    # the member directory (staff.members): support staff read it, managers act and export
    "staff_members": STAFF_ONLY,
    "staff_members_csv": MANAGERS_ONLY,
    "staff_member": row(LOGIN, NO, NO, NO, OK, lambda w: {"pk": w["users"]["mentee"].pk}),
    "staff_member_note": row(
        LOGIN, NO, NO, NO, GO, lambda w: {"pk": w["users"]["mentee"].pk}, method="post", support=NO, data=POSTED
    ),
    "staff_member_pause": row(
        LOGIN, NO, NO, NO, GO, lambda w: {"pk": w["users"]["mentor"].pk}, method="post", support=NO
    ),
    # the mentor is not paused: the manager is sent back with the refusal
    "staff_member_resume": row(
        LOGIN, NO, NO, NO, GO, lambda w: {"pk": w["users"]["mentor"].pk}, method="post", support=NO
    ),
    "staff_member_deactivate": row(LOGIN, NO, NO, NO, OK, lambda w: {"pk": w["users"]["mentee"].pk}, support=NO),
    # the mentee is active: the manager is sent back with the refusal
    "staff_member_reactivate": row(
        LOGIN, NO, NO, NO, GO, lambda w: {"pk": w["users"]["mentee"].pk}, method="post", support=NO
    ),
    # programme identity (staff.identity): the settings are managers' only; the logo is on every page, for
    # everyone (the world has none, so it is 404 here; staff/identity/tests serve one)
    "staff_settings": MANAGERS_ONLY,
    "programme_logo": row(NO, NO, NO, NO, NO, lambda w: {"version": 1}),
    # matching rounds (staff.matching): support staff read the rounds and proposals, managers act
    "staff_matching": STAFF_ONLY,
    "staff_matching_new": MANAGERS_ONLY,
    "staff_matching_round": row(LOGIN, NO, NO, NO, OK, lambda w: {"pk": w["round"].pk}),
    "staff_matching_run": row(LOGIN, NO, NO, NO, GO, lambda w: {"pk": w["round"].pk}, method="post", support=NO),
    # (a pair with no addresses is refused on the round's page, its error box naming the fields: 400)
    "staff_matching_pin": row(
        LOGIN, NO, NO, NO, "400", lambda w: {"pk": w["round"].pk}, method="post", support=NO, data=POSTED
    ),
    "staff_matching_forbid": row(
        LOGIN, NO, NO, NO, "400", lambda w: {"pk": w["round"].pk}, method="post", support=NO, data=POSTED
    ),
    "staff_matching_rule_remove": row(
        LOGIN, NO, NO, NO, GO, lambda w: {"pk": w["round"].pk, "rule_pk": 1}, method="post", support=NO
    ),
    "staff_matching_publish": row(LOGIN, NO, NO, NO, OK, lambda w: {"pk": w["round"].pk}, support=NO),
    "staff_matching_close": row(LOGIN, NO, NO, NO, OK, lambda w: {"pk": w["round"].pk}, support=NO),
    # a mentee's own place in a round: 404 for everyone else
    # content (staff.content): programme managers only
    "staff_content": MANAGERS_ONLY,
    "staff_content_taxonomy": row(LOGIN, NO, NO, NO, OK, lambda w: {"kind": "areas"}, support=NO),
    "staff_content_faqs": MANAGERS_ONLY,
    "staff_content_faq_new": MANAGERS_ONLY,
    "staff_content_faq_edit": row(LOGIN, NO, NO, NO, OK, lambda w: {"pk": w["faq"].pk}, support=NO),
    "staff_content_faq_delete": row(LOGIN, NO, NO, NO, OK, lambda w: {"pk": w["faq"].pk}, support=NO),
    "staff_content_resources": MANAGERS_ONLY,
    "staff_content_resource_new": MANAGERS_ONLY,
    "staff_content_resource_edit": row(LOGIN, NO, NO, NO, OK, lambda w: {"pk": w["resource"].pk}, support=NO),
    "staff_content_resource_delete": row(LOGIN, NO, NO, NO, OK, lambda w: {"pk": w["resource"].pk}, support=NO),
    "matching_shortlist": row(LOGIN, NO, OK, NO, NO, lambda w: {"pk": w["round"].pk}),
    # bulk import, invitations and the sign-up mode (staff.imports): programme managers only
    "staff_import": MANAGERS_ONLY,
    "staff_import_batch": row(LOGIN, NO, NO, NO, OK, lambda w: {"pk": w["import"].pk}, support=NO),
    "staff_import_confirm": row(LOGIN, NO, NO, NO, GO, lambda w: {"pk": w["import"].pk}, method="post", support=NO),
    "staff_import_cancel": row(LOGIN, NO, NO, NO, GO, lambda w: {"pk": w["import"].pk}, method="post", support=NO),
    "staff_import_errors": row(LOGIN, NO, NO, NO, OK, lambda w: {"pk": w["import"].pk}, support=NO),
    "staff_import_invite": row(
        LOGIN,
        NO,
        NO,
        NO,
        GO,
        method="post",
        support=NO,
        data={
            "invite-email": "new@example.org",
            "invite-first_name": "N",
            "invite-last_name": "P",
            "invite-role": "mentee",
        },
    ),
    "staff_invitation_resend": row(
        LOGIN, NO, NO, NO, GO, lambda w: {"pk": w["invitation"].pk}, method="post", support=NO
    ),
    "staff_signup_settings": MANAGERS_ONLY,
    # the invitation link: anyone (the signed token is the key; a bad one only gets a sentence)
    "invitation_accept": row(OK, OK, OK, OK, OK, lambda w: {"token": w["invitation_token"]}),
    # issue 9 (h5): worksheets are the pair's own (staff 404 too, like messages); the proposal is
    # on the relationship's summary, which staff see; the CPD pack is each person's own
    "worksheet": row(LOGIN, NO, OK, OK, NO, lambda w: {"pk": w["rel"].pk, "kind": "swot"}),
    "worksheet_version": row(LOGIN, NO, OK, OK, NO, lambda w: {"pk": w["rel"].pk, "kind": "swot", "number": 1}),
    "worksheet_pdf": row(LOGIN, NO, OK, OK, NO, lambda w: {"pk": w["rel"].pk, "kind": "swot"}),
    "worksheet_open": row(LOGIN, NO, GO, GO, NO, lambda w: {"pk": w["worksheet"].pk}),
    "proposal": row(LOGIN, NO, OK, OK, OK, rel),
    "cpd_pdf": row(LOGIN, NO, OK, OK, NO, rel),
    "raise_concern": PARTY,
    # a concern and its conversation: the person who raised it only (the other person and staff get 404)
    "concern": row(LOGIN, NO, OK, NO, NO, lambda w: {"pk": _mentees_concern(w).pk}),
    # the signed-in person's own hours as a mentor: anyone who never was one is sent back with why
    "mentoring_hours_pdf": row(LOGIN, GO, GO, OK, GO),
    # the mentor is sent back from the goal's confirmation page: only the person who set it may delete it
    "goal_delete_confirm": row(LOGIN, NO, OK, GO, NO, goal_pk),
    "meeting_cancel_confirm": row(LOGIN, NO, OK, OK, NO, lambda w: {"pk": w["meeting"].pk}),
    # the world's relationship is past its request: the mentee is sent back with the reason
    "request_withdraw_confirm": row(LOGIN, NO, GO, NO, NO, rel),
    # h4: a meeting's page (notes, held or not) is the two's only: staff and outsiders get 404. The world's
    # meeting is still to come, so posting notes or an outcome shows the refusal on the page (nothing saved).
    "meeting": row(LOGIN, NO, OK, OK, NO, lambda w: {"pk": w["meeting"].pk}),
    "meeting_note_add": row(LOGIN, NO, OK, OK, NO, lambda w: {"pk": w["meeting"].pk}, method="post", data=POSTED),
    "meeting_outcome": row(LOGIN, NO, OK, OK, NO, lambda w: {"pk": w["meeting"].pk}, method="post", data=POSTED),
    # "We met earlier than planned" is the mentee's; the mentor is sent back to the relationship
    "first_meeting_earlier": row(LOGIN, NO, OK, GO, NO, rel),
    # each person's own calendar address (made on request), its reset confirmation, and the feed: the
    # address is the key (no sign-in), so anyone holding it gets the calendar
    "calendar": SIGNED_IN,
    "calendar_reset": SIGNED_IN,
    "calendar_feed": row(OK, OK, OK, OK, OK, lambda w: {"key": w["feed"].key, "secret": w["feed"].secret}),
    # h1: a request's accept / decline link from its email: the signed token is the authority, so it works
    # without signing in; anyone signed in as someone else than the mentor is refused (403). The world's
    # link is for its declined request: the page says it was declined, and nothing changes.
    "answer_from_email": row(
        OK, NO, NO, OK, NO, lambda w: {"token": answer_links.make_token(w["declined"].pk, 1, "accept")}
    ),
    # once matched, the mentee's other open requests (withdraw each in one click): the mentee's only
    "other_requests": row(LOGIN, NO, OK, NO, NO, rel),
}


# viewflow's FlowViewset URLs: every node of each flow, with the actions viewflow gives it. True
# when the world has a task at that node (otherwise its URLs point at a task id nobody has).
HUMAN = ("index", "detail", "execute", "assign", "unassign", "undo", "cancel", "revive")
GATE = ("index", "detail", "undo", "cancel", "revive")  # gateways, jobs, reminders, escalations
END = ("index", "detail", "undo", "revive")
START = ("index", "detail", "undo")
TIMER = ("index", "detail", "cancel")
FLOW_NODES = {
    "mentoring": {
        "start": (START, True),
        "review_request": (HUMAN, True),  # the mentor's task
        "review_request__timeout": (TIMER, True),
        "review_request__timeout_2": (TIMER, True),
        "review_request__timeout_3": (TIMER, True),
        "review_request__timeout_4": (TIMER, True),  # the request expires (REQUEST_EXPIRE_DAYS)
        "expire_request": (GATE, False),
        "after_expiry": (GATE, False),
        "expired": (END, False),
        "remind_mentor": (GATE, False),
        "escalate_request": (GATE, False),
        "after_review": (GATE, True),
        "declined": (END, True),
        "reinstate_request": (HUMAN, False),
        "arrange_first_meeting": (HUMAN, True),  # the mentee's
        "arrange_first_meeting__timeout": (TIMER, True),
        "arrange_first_meeting__timeout_2": (TIMER, True),
        "remind_to_arrange": (GATE, False),
        "escalate_no_meeting": (GATE, False),
        "first_conversation": (HUMAN, True),  # the mentee's, open in the world
        "progression": (HUMAN, True),  # the mentee's
        "completion": (HUMAN, True),  # the mentee's
        "feedback": (END, True),
        "mentee_feedback": (HUMAN, True),
        "mentee_feedback__timeout": (TIMER, True),
        "mentee_feedback__timeout_2": (TIMER, True),  # the staff inbox (FEEDBACK_ESCALATE_DAYS)
        "remind_mentee_feedback": (GATE, False),
        "mentor_feedback": (HUMAN, True),  # the mentor's
        "mentor_feedback__timeout": (TIMER, True),
        "mentor_feedback__timeout_2": (TIMER, True),
        "remind_mentor_feedback": (GATE, False),
        "escalate_no_feedback": (GATE, False),
        "feedback_given": (GATE, True),
        "completed": (END, True),
        "ended": (END, False),
        "reminded": (END, False),
    },
    "onboarding": {
        "start": (START, True),
        "verify_email": (GATE, True),
        "complete_profile": (HUMAN, False),
        "complete_profile__timeout": (TIMER, False),
        "remind_profile": (GATE, False),
        "mentee_or_mentor": (GATE, False),
        "find_mentor": (HUMAN, False),
        "find_mentor__timeout": (TIMER, False),
        "nudge_to_search": (GATE, False),
        "end": (END, False),
        "reminded": (END, False),
    },
    "case": {
        "start": (START, True),
        "handle": (HUMAN, True),  # the staff member's, claimed in the world
        "resolved": (END, False),
    },
}
# Where the table differs from "index sends everyone on to the task's page, which refuses them;
# every other task URL is refused (403/404) to everyone, anonymous included":
FLOW_EXCEPTIONS = {
    "mentoring:first_conversation:execute": row(LOGIN, NO, OK, NO, NO),  # the mentee's open task
    # the staff member's claimed case: another staff member (support) is sent to the case page, which
    # says who has it (and offers to take it over): staff.flows.CaseStep
    "case:handle:execute": row(NO, NO, NO, NO, OK, support=GO),
    "case:handle:unassign": row(NO, NO, NO, NO, OK, support=NO),  # staff may release their own case
}
# A participant's step (journeys.nodes.participant_step.step_view): signed out, to sign in and back (its
# address may come from an email); a finished step of the world (the completed relationship's, the review
# of each request) sends its owner on to the relationship's page, saying what became of it.
for _node, _owner in (
    ("review_request", "mentor"),
    ("arrange_first_meeting", "mentee"),
    ("progression", "mentee"),
    ("completion", "mentee"),
    ("mentee_feedback", "mentee"),
    ("mentor_feedback", "mentor"),
):
    FLOW_EXCEPTIONS[f"mentoring:{_node}:execute"] = row(
        LOGIN, NO, GO if _owner == "mentee" else NO, GO if _owner == "mentor" else NO, NO
    )
for _name in (
    "mentoring:reinstate_request:execute",
    "onboarding:complete_profile:execute",
    "onboarding:find_mentor:execute",
):
    FLOW_EXCEPTIONS[_name] = row(LOGIN, NO, NO, NO, NO)  # no task at that step in the world
# A participant's step answers the task's address without execute/ (viewflow's index) as its own address
# (step_view, index=True): its owner is sent on to the step's page while it waits (go where that page is
# ok), and everyone else gets what the page's address gives them (never viewflow's "no rights" redirect).
for _name in [key for key in FLOW_EXCEPTIONS if key.startswith(("mentoring:", "onboarding:"))]:
    if _name.endswith(":execute"):
        _seen = FLOW_EXCEPTIONS[_name].expect
        FLOW_EXCEPTIONS[_name.replace(":execute", ":index")] = row(
            *(GO if _seen[role] == OK else _seen[role] for role in ROLES[:5])
        )
# viewflow's built-in task actions must be refused to participants (fixed on branch h3): today a
# participant reaches the "unassign" confirmation of their own tasks.
for _name in (
    "mentoring:arrange_first_meeting:unassign",
    "mentoring:first_conversation:unassign",
    "mentoring:progression:unassign",
    "mentoring:completion:unassign",
    "mentoring:mentee_feedback:unassign",
    "mentoring:mentor_feedback:unassign",
    "mentoring:review_request:unassign",
):
    FLOW_EXCEPTIONS[_name] = row(NO, NO, NO, NO, NO, h3=True)  # fixed on branch h3

for _flow, _nodes in FLOW_NODES.items():
    TABLE[f"{_flow}:index"] = row(LOGIN, NO, NO, NO, NO)  # viewflow's dashboards: for flow admins only
    TABLE[f"{_flow}:process_list"] = row(LOGIN, NO, NO, NO, NO)
    TABLE[f"{_flow}:task_list"] = row(LOGIN, NO, NO, NO, NO)
    TABLE[f"{_flow}:chart"] = row(NO, NO, NO, NO, NO)  # staff with the flow permission (superusers)
    for _page in ("process_detail", "process_cancel", "process_chart"):
        TABLE[f"{_flow}:{_page}"] = row(NO, NO, NO, NO, NO)
    for _node, (_actions, _in_world) in _nodes.items():
        for _action in _actions:
            _key = f"{_flow}:{_node}:{_action}"
            if _key in FLOW_EXCEPTIONS:
                TABLE[_key] = FLOW_EXCEPTIONS[_key]
            elif _action == "index" and _in_world:
                TABLE[_key] = row(GO, GO, GO, GO, GO)
            else:
                TABLE[_key] = row(NO, NO, NO, NO, NO)

# The admin: Django's admin site lets in active staff only, and then only with model permissions
# (the world's staff member has none). Object pages point at id 1, which may not exist: then the
# admin sends staff back to its index.
TO_ADMIN_LOGIN = (LOGIN, LOGIN, LOGIN, LOGIN)
TABLE.update(
    {
        "admin:index": row(*TO_ADMIN_LOGIN, OK),
        "admin:login": row(OK, OK, OK, OK, GO),
        "admin:logout": row(GO, GO, GO, GO, "405"),  # GET is refused; logging out is a POST
        "admin:password_change": row(*TO_ADMIN_LOGIN, OK),
        "admin:password_change_done": row(*TO_ADMIN_LOGIN, OK),
        "admin:jsi18n": row(*TO_ADMIN_LOGIN, OK),
        "admin:autocomplete": row(*TO_ADMIN_LOGIN, NO),
        "admin:view_on_site": row(*TO_ADMIN_LOGIN, NO),
        "admin:app_list": row(*TO_ADMIN_LOGIN, NO),
        "admin/(?P<url>.*)$": row(*TO_ADMIN_LOGIN, NO),
        "admin:auth_user_password_change": row(*TO_ADMIN_LOGIN, NO),
    }
)
for _model in admin.site._registry:
    _app, _name = _model._meta.app_label, _model._meta.model_name
    for _page in ("changelist", "add", "change", "delete"):
        TABLE[f"admin:{_app}_{_name}_{_page}"] = row(*TO_ADMIN_LOGIN, NO)
    TABLE[f"admin:{_app}_{_name}_history"] = row(*TO_ADMIN_LOGIN, {NO, GO})
    TABLE[f"admin/{_app}/{_name}/<path:object_id>/"] = row(*TO_ADMIN_LOGIN, GO)  # on to .../change/


# --------------------------------------------------------------------------- the world


@pytest.fixture
def world(db):
    mentee = make_mentee(first_name="Mia", last_name="Mentee", email="mia@example.com")
    mentor = make_mentor(first_name="Max", last_name="Mentor", email="max@example.com", capacity=5)
    outsider = make_mentee(first_name="Olive", last_name="Outsider", email="olive@example.com")
    staff = make_staff()
    support = make_staff(email="support@example.com", role="support")
    onboarding.start(mentee)
    done = walk_to(send(mentee, mentor), mentee, mentor, "completed")
    declined = send(mentee, mentor)
    relationships.decline_request(declined, mentor, "Not this time")
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    g = goal(rel, mentee)
    swot = worksheets.save_worksheet(rel, mentee, kind="swot", answers={"strengths": "Planning"}).worksheet
    meeting = rel.meetings.get()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("notes.txt", b"Agenda\n", content_type="text/plain")
    message = activity.send_message(rel.conversation, mentee, "Agenda attached", upload)
    # (before the case below: the case tasks the table acts on are the newest)
    support_request = support_services.submit_support_request(
        user=None, name="Pat Public", email="pat@example.com", subject="A question", message="Hello"
    )
    case = staff_services.raise_case(rel, staff, "Checking in on this relationship")
    export, _new = exports.open_data_export(mentee)
    exports.build(export.pk)
    failed_email = Notification.objects.filter(recipient=mentor).first()
    Notification.objects.filter(pk=failed_email.pk).update(
        email_status=Notification.Email.FAILED, next_attempt_at=None, last_error="SMTP refused the message"
    )
    matching_round = matching_services.open_round(
        staff_user=staff,
        name="September graduates",
        mentee_ids=[mentee.pk],
        mentor_ids=[mentor.pk],
        shortlist_closes_on=timezone.localdate(),
    )
    return {
        **_imports_world(staff),
        "round": matching_round,
        "users": {"outsider": outsider, "mentee": mentee, "mentor": mentor, "staff": staff, "support": support},
        "rel": rel,
        "done": done,
        "declined": declined,
        "goal": g,
        "worksheet": swot,
        "meeting": meeting,
        "message": message,
        "case": case,
        "export": export,
        "support_request": support_request,
        "failed_email": failed_email,
        "notification": Notification.objects.filter(recipient=mentee).first(),
        "resource": Resource.objects.first(),
        "faq": FAQ.objects.order_by("pk").first(),
        "video_resource": _video_resource(),
        "stop_token": reminders.stop_token(mentee, reminders.Kind.FEEDBACK),
        "heartbeat": Heartbeat.objects.create(name=WORKER_AND_BEAT, seen_at=timezone.now()),
        "feed": meeting_services.open_calendar_feed(mentee),
    }


def _imports_world(staff) -> dict:
    """Bulk import (staff.imports): a checked upload and one person invited by hand."""
    invitation = imports_services.invite(
        staff_user=staff, email="invited@example.org", first_name="In", last_name="Vited", role="mentee"
    )
    return {
        "import": ImportBatch.objects.create(created_by=staff, filename="members.csv"),
        "invitation": invitation,
        "invitation_token": imports_tokens.make(invitation),
    }


def _video_resource() -> Resource:
    from django.core.files.base import ContentFile

    resource = Resource(title="Welcome film", kind="video", summary="Hello", video_type="video/mp4")
    resource.video.save("film.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42" + bytes(64)), save=False)
    resource.captions.save("film.vtt", ContentFile(b"WEBVTT\n"), save=False)
    resource.save()
    return resource


FLOWS = {"mentoring": MentoringFlow, "onboarding": OnboardingFlow, "case": CaseFlow}


def _process(world, flow_label: str):
    return {
        "mentoring": lambda: _mentoring_process(world["rel"]),
        "onboarding": lambda: OnboardingProcess.objects.get(participant=world["users"]["mentee"]),
        "case": lambda: Task.objects.filter(flow_task=CaseFlow.handle).first().process,
    }[flow_label]()


def _mentoring_process(rel):
    return Task.objects.filter(process__mentoringprocess__relationship=rel).first().process


def task_kwargs(world, flow_label: str, node: str) -> dict:
    """The world's task at ``node`` (an open one first), or a task id nobody has."""
    tasks = Task.objects.filter(flow_task=getattr(FLOWS[flow_label], node)).order_by("-pk")
    found = tasks.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED]).first() or tasks.first()
    if found is None:
        return {"process_pk": _process(world, flow_label).pk, "task_pk": MISSING_TASK}
    return {"process_pk": found.process_id, "task_pk": found.pk}


PARAMETERS = {  # kwargs that need no more than a placeholder
    "object_id": "1",
    "content_type_id": "1",
    "app_label": "people",
    "url": "nowhere/",
    "key": "not-a-key",
    "id": "1",
    "uidb36": "1",
}


def default_kwargs(world, key: str, route: str) -> dict:
    flow_task = re.fullmatch(r"(mentoring|onboarding|case):(\w+):(\w+)", key)
    if flow_task:
        return task_kwargs(world, flow_task[1], flow_task[2])
    flow = re.fullmatch(r"(mentoring|onboarding|case):process_\w+", key)
    if flow:
        return {"process_pk": _process(world, flow[1]).pk}
    return PARAMETERS


# --------------------------------------------------------------------------- running a row


def outcome(response) -> str:
    if response.status_code == 200:
        return OK
    if response.status_code in (301, 302):
        return LOGIN if "/login/" in response.url else GO
    if response.status_code in (403, 404):
        return NO
    return str(response.status_code)


def observe(client, world, key: str, route: str, r: Row) -> dict[str, str]:
    kwargs = r.kwargs(world) if r.kwargs else default_kwargs(world, key, route)
    url = fill(route, kwargs)
    match = resolve(url)  # the URL filled in is one of this pattern's, so the row checks its page
    assert (match.route == route) if key == route else (match.view_name == key), (key, url, match)
    seen = {}
    for role in ROLES:
        client.logout()
        if role != "anon":
            client.force_login(world["users"][role])
        with transaction.atomic():
            response = getattr(client, r.method)(url, r.data)
            transaction.set_rollback(True)
        seen[role] = outcome(response)
    return seen


def matches(expected, seen) -> bool:
    return seen in expected if isinstance(expected, set | frozenset) else seen == expected


def test_every_url_pattern_has_a_row():
    missing = [key for key, _ in all_patterns() if key not in TABLE]
    assert not missing, "URL patterns with no row in TABLE:\n" + "\n".join(missing)
    stale = set(TABLE) - {key for key, _ in all_patterns()}
    assert not stale, f"rows for URL patterns that no longer exist: {sorted(stale)}"


def _check(client, world, keys) -> list[str]:
    routes = dict(all_patterns())
    wrong = []
    for key in keys:
        r = TABLE[key]
        seen = observe(client, world, key, routes[key], r)
        bad = {role: seen[role] for role in ROLES if not matches(r.expect[role], seen[role])}
        if bad:
            wrong.append(f"{key}: expected {r.expect}, got {seen}")
    return wrong


def test_every_url_gives_each_kind_of_person_what_the_table_says(client, world):
    keys = [key for key, _ in all_patterns() if key in TABLE and not TABLE[key].h3]
    wrong = _check(client, world, keys)
    assert not wrong, f"{len(wrong)} of {len(keys)} URL patterns differ from the table:\n" + "\n".join(wrong)


@pytest.mark.parametrize("key", sorted(k for k, r in TABLE.items() if r.h3))
def test_participants_cannot_use_viewflows_task_actions(client, world, key):
    assert not _check(client, world, [key])
