"""What each event says lives in templates; this table says where its one link goes.

Services never write prose. They name the event and pass the data it is about::

    notify(mentor, "request_sent", relationship=rel)
    notify_staff("withdrawn_staff", relationship=rel, actor=user, reason=reason)
    send_reminder(user, Kind.FEEDBACK, "reminder_feedback", relationship=rel, other=other)

and ``Message.for_event`` renders ``templates/notifications/events/<event>/``:

- ``subject.txt``  the subject (also the line in the in-app list), flattened to one line;
- ``body.txt``     the plain-text paragraphs, one blank line between them;
- ``body.html``    the same paragraphs as ``<p>`` elements;

all three with the same context: what the service passed, plus ``SITE_NAME``. The outer
layout (greeting, the link as a button, the footer, the stop-reminder link) stays in
``notifications/email.txt`` and ``email.html``. Every sentence is marked for translation;
the ``.txt`` templates are wrapped in ``{% autoescape off %}`` (plain text is never
HTML-escaped), the ``.html`` ones escape as usual.

``EVENTS`` gives each event its link: a URL name, the context value that fills its one
argument (a model's ``pk``, or the value itself), the button's label, and for meetings the
``.ics`` invite (for a relationship's end, the cancellation of each meeting it cancelled). An event missing from the table, or its templates, is a programming error
(``notifications/tests/test_event_templates.py`` checks every event the services use).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

DEFAULT_LINK_LABEL = _("Open the platform")


@dataclass(frozen=True)
class Event:
    link_label: str = DEFAULT_LINK_LABEL
    url: str = ""  # a URL name; "" for no link
    url_arg: str = ""  # the context value that fills its argument
    ics: Callable[[dict], str] | None = None  # the calendar attachment, from the context
    # Written by a person (a staff reply to a Contact message), not by the platform: sent without
    # ``Auto-Submitted: auto-generated``, so an out-of-office answer to it comes back as to any email.
    by_a_person: bool = False

    def link(self, context: dict) -> str:
        if not self.url:
            return ""
        if not self.url_arg:
            return reverse(self.url)
        value = context[self.url_arg]
        return reverse(self.url, args=[getattr(value, "pk", value)])


def _invite(cancelled: bool) -> Callable[[dict], str]:
    def ics(context: dict) -> str:
        from .ics import meeting_invite

        return meeting_invite(context["meeting"], cancelled=cancelled)

    return ics


def _cancellations(context: dict) -> str:
    """The cancellations of the meetings a relationship's end cancelled (none: no attachment)."""
    from .ics import meeting_cancellations

    return meeting_cancellations(context.get("cancelled_meetings") or ())


_view_request = Event(_("View the request"), "relationship", "relationship")
_view_relationship = Event(_("View the relationship"), "relationship", "relationship")
_give_feedback = Event(_("Give feedback"), "next_step", "relationship")
_review_request = Event(_("Review the request"), "next_step", "relationship")
_arrange_first = Event(_("Arrange your first meeting"), "next_step", "relationship")
_open_goals = Event(_("Open Goals"), "goals", "relationship")
_meetings = Event(_("See your meetings"), "meetings", "relationship")

EVENTS: dict[str, Event] = {
    # Requests and stages (journeys.services.relationships)
    "request_sent": _review_request,
    "request_sent_confirmation": Event(_("See your relationships"), "relationships"),
    "request_edited": _view_request,
    "request_edited_confirmation": _view_request,
    "request_withdrawn": _view_request,
    "request_withdrawn_confirmation": _view_request,
    "request_withdrawn_matched": _view_request,
    "request_reinstated": _view_request,
    "request_reinstated_confirmation": _view_request,
    "request_accepted": _arrange_first,
    "request_declined": Event(_("Find another mentor"), "find_mentor"),
    # Closed for the other person: they left the programme, or staff deactivated them (``because``)
    "request_closed_for_mentee": Event(_("Find another mentor"), "find_mentor"),
    "request_closed_for_mentor": _view_request,
    "request_expired": _view_request,
    "request_expired_confirmation": Event(_("See suggested mentors"), "find_mentor"),
    "ready_for_feedback": _give_feedback,
    "completion_open_goals": _open_goals,
    "stage_completed": _view_relationship,
    "relationship_completed": _view_relationship,
    "feedback_pending": _give_feedback,
    # The end of a relationship: its meetings still to come are cancelled, and these carry their cancellations.
    "withdrawn": replace(_view_relationship, ics=_cancellations),
    "withdrawn_meetings_cancelled": replace(_meetings, ics=_cancellations),
    # Staff: the relationship's staff page (the participants' page is not theirs to act from)
    "withdrawn_staff": Event(_("Open the relationship in the staff area"), "staff_relationship", "relationship"),
    "closed_by_staff": replace(_view_relationship, ics=_cancellations),
    # A request staff closed before the mentor accepted it: no relationship, no meetings.
    "request_closed_by_staff_to_mentee": Event(_("Find another mentor"), "find_mentor"),
    "request_closed_by_staff_to_mentor": _view_request,
    # Messages and meetings (journeys.services.activity)
    "message_received": Event(_("Read and reply"), "conversation", "conversation"),
    "question_received": Event(_("Read and reply"), "conversation", "conversation"),
    "meeting_arranged": Event(_meetings.link_label, "meetings", "relationship", _invite(cancelled=False)),
    "meeting_changed": Event(_meetings.link_label, "meetings", "relationship", _invite(cancelled=False)),
    "meeting_cancelled": Event(_meetings.link_label, "meetings", "relationship", _invite(cancelled=True)),
    # Worksheets and concerns (journeys.services.worksheets, journeys.services.concerns)
    "worksheet_saved": Event(_("Read the worksheet"), "worksheet_open", "worksheet"),
    "worksheet_comment": Event(_("Read the comment"), "worksheet_open", "worksheet"),
    "concern_raised_confirmation": Event(_("See your concern"), "concern", "concern"),
    # The programme's reply to a concern (journeys.services.concerns.reply_as_staff): its page, where the
    # person who raised it reads the conversation and answers (or they reply to the email, as to a staff
    # reply to a Contact message: a person's words); their answer, to staff (staff.services)
    "concern_reply": Event(_("Read and answer"), "concern", "concern", by_a_person=True),
    "concern_answer_staff": Event(_("Open the case"), "staff_case", "case"),
    # Reminders (journeys.services.reminders)
    "reminder_review_request": _review_request,
    "reminder_first_meeting": _arrange_first,
    "reminder_feedback": _give_feedback,
    "reminder_profile": Event(_("Complete your profile"), "profile"),
    "reminder_find_mentor": Event(_("See suggested mentors"), "find_mentor"),
    "reminder_meeting_tomorrow": Event(_("See the meeting"), "meetings", "relationship"),
    "reminder_goal_due": _open_goals,
    "reminder_goal_overdue": _open_goals,
    "reminder_set_goal": Event(_("Set a goal"), "goals", "relationship"),
    # Matching rounds (staff.matching.services, journeys.services.proposals)
    "matching_invitation": Event(_("Choose your shortlist"), "matching_shortlist", "round"),
    "matching_round_closed": Event(_("Find a mentor"), "find_mentor"),
    "request_proposed": _review_request,
    "request_proposed_confirmation": _view_request,
    # Staff (staff.services)
    "staff_case_opened": Event(_("Open the case"), "staff_case", "case"),
    "staff_nudge": Event(_("Next step"), "next_step", "relationship"),
    "staff_suggested_mentors": Event(_("Find Mentor"), "find_mentor"),
    # Members (staff.members.services.deactivate): the other person in a relationship under way
    "partner_deactivated": _view_relationship,
    # (staff.members.services.reactivate): the member, who may sign in again, and the partners told above
    "account_reactivated": Event(_("Sign in"), "account_login"),
    "partner_reactivated": _view_relationship,
    # Need Help? (support.services)
    # (Need Help? does not know the case staff.receivers opened: the link finds it by the request)
    "support_request_staff": Event(
        _("Open the case in the staff inbox"), "staff_support_request_case", "support_request"
    ),
    "support_request_confirmation": Event(_("Need Help? and FAQs"), "help"),
    # The programme's reply to a Contact message (support.services.reply_as_staff): to a sender with an
    # account, their conversation on the platform; to one without, the Contact form.
    "support_reply": Event(_("See the conversation"), "support_message", "support_request", by_a_person=True),
    "support_reply_guest": Event(_("Write to the programme"), "contact", by_a_person=True),
    # The sender answered (staff.services.sender_replied)
    "support_reply_staff": Event(_("Open the case"), "staff_case", "case"),
    # Accounts (people.exports, people.retention)
    "data_export_ready": Event(_("Download my data"), "data_export_download", "token"),
    "retention_warning": Event(_("Sign in to keep my account"), "account_login"),
    # Deactivated by the programme team, they cannot sign in: they write to the programme instead.
    "retention_warning_deactivated": Event(_("Write to the programme"), "contact"),
    # Invitations (staff.imports.services): the signed link to set a password
    "invitation": Event(_("Set my password and join"), "invitation_accept", "token"),
}


def auto_generated(event: str) -> bool:
    """Whether the platform wrote ``event``'s email (every notification, reminder and account email,
    ``account_*``), rather than a person: it then carries ``Auto-Submitted: auto-generated`` (RFC 3834),
    so mail programs send no out-of-office answer to it (they would land in the support inbox)."""
    spec = EVENTS.get(event)
    return not (spec and spec.by_a_person)


def template_names(event: str) -> dict[str, str]:
    base = f"notifications/events/{event}/"
    return {"subject": base + "subject.txt", "text": base + "body.txt", "html": base + "body.html"}
