"""Download my data: what the platform holds about one person, as a zip of JSON and files.

``people.tasks.request_data_export`` (Edit Account's button) records a ``DataExport`` (``open_data_export``) and queues
``people.tasks.build_data_export`` on commit; the task writes the zip to the private storage
and emails the person a link (through the notification outbox) that works for
DATA_EXPORT_EXPIRE_DAYS. Only the person themselves can download it (``access_data_export``).

What the zip holds (``README.txt`` inside says the same):
account.json (with whether they have a calendar address), sign_in_records.json (django-axes' records of
sign-ins to their addresses), profile.json, relationships.json (as mentee and as mentor, each with its
history, meetings and meeting notes, goals and their entries, worksheets, and the feedback and concerns *they*
wrote), messages.json
(their conversations), notifications.json, support_requests.json, reminder_settings.json,
and files/ (the files they uploaded); apps above people add their own files (``Section``: the matching
rounds' ``matching_rounds.json``). Not included: programme staff's own notes (cases, notes about members,
a round's working proposals), and the calendar address itself (a secret: it is on their Meet / Video pages).
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from journeys.models import CalendarFeed, Conversation, Message, Relationship
from notifications.models import Notification, ReminderOptOut
from notifications.services import notify
from project import identity
from support.models import SupportRequest

from .erasure import any_of
from .models import DataExport, Profile
from .services import surely_their_addresses

logger = logging.getLogger(__name__)

README = _("""What %(site)s holds about you, exported on %(date)s.

account.json          your account: name, email addresses, when you joined and last signed in, and
                      whether you have a calendar address (the address itself is not copied here:
                      anyone who has it can see your meetings; it is on your Meet / Video pages)
sign_in_records.json  the sign-ins to your email addresses we keep against password guessing:
                      each sign-in, and the failed ones (counted per IP address and browser),
                      with the time, IP address and browser
profile.json          your profile as you filled it in
relationships.json    your mentoring requests and relationships (as mentee and as mentor):
                      their history, meetings and meeting notes, goals and milestones, SWOT and G-STAR worksheets
                      (every version and comment), the feedback you gave, and the concerns you raised
                      with the programme team's replies and your answers
messages.json         the messages in your conversations (files/ holds the files you sent)
notifications.json    the notifications and emails we sent you
support_requests.json the messages you sent through the Contact form
reminder_settings.json the kinds of reminder email you stopped
%(more)s
Dates are in ISO 8601 (UTC). Other people appear by name only where you see them on the platform.
Not included: programme staff's own notes (on their cases, about members, and a matching round's
working proposals).
""")


@dataclass(frozen=True)
class Section:
    """A file an app above people adds to the archive, so people imports nothing of it: the matching
    rounds register theirs (``staff.matching.exports``) from their ``ready()``, as staff register their
    part of erasure (``people.erasure.Part``).

    - ``name``: the file's name in the archive;
    - ``about``: what it holds, the line README.txt gives it (translated when the archive is written);
    - ``build(user)``: its content for one person, JSON-ready.
    """

    name: str
    about: object
    build: Callable[[object], object]


SECTIONS: list[Section] = []


def register(section: Section) -> None:
    if all(known.name != section.name for known in SECTIONS):
        SECTIONS.append(section)


class ExportRefused(Exception):
    """A download that cannot be served, with the sentence to show."""


def expire_days() -> int:
    return settings.DATA_EXPORT_EXPIRE_DAYS


def open_data_export(user) -> tuple[DataExport, bool]:
    """The row of a new export for ``user`` (or the one already being prepared); True if new.

    Building it is the caller's to queue: ``people.tasks.request_data_export`` does both.
    """
    with transaction.atomic():
        pending = DataExport.objects.select_for_update().filter(user=user, status=DataExport.Status.PENDING).first()
        if pending:
            return pending, False
        return DataExport.objects.create(user=user), True


def access_data_export(user, token) -> DataExport:
    """The export behind a download link, for its owner only (anyone else: 404)."""
    export = DataExport.objects.filter(token=token, user=user).first() if user.is_authenticated else None
    if export is None:
        raise Http404("No such download.")
    return export


def build(export_id: int) -> DataExport | None:
    """Write the zip and email the link (the task's body). Does nothing if already built."""
    with transaction.atomic():
        export = DataExport.objects.select_for_update().select_related("user").filter(pk=export_id).first()
        if export is None or export.status != DataExport.Status.PENDING:
            return export
        user = export.user
        if user.anonymised_at:
            export.status = DataExport.Status.FAILED
            export.save(update_fields=["status"])
            return export
        now = timezone.now()
        export.file.save(f"{export.token.hex}.zip", ContentFile(build_zip(user)), save=False)
        export.status = DataExport.Status.READY
        export.ready_at = now
        export.expires_at = now + timedelta(days=expire_days())
        export.save(update_fields=["file", "status", "ready_at", "expires_at"])
        notify(user, "data_export_ready", export=export, token=export.token)
    return export


def build_waiting(limit: int = 50) -> int:
    """Build the exports asked for more than QUEUE_GRACE_SECONDS ago and still pending: their queue message
    was lost (the broker was down or silent when they were asked for). How many were built. Safe beside
    their own task and a second sweep: ``build`` holds the row and builds only a pending export. One that
    breaks is logged and left pending for the next sweep; the others are built all the same."""
    since = timezone.now() - timedelta(seconds=settings.QUEUE_GRACE_SECONDS)
    waiting = DataExport.objects.filter(status=DataExport.Status.PENDING, requested_at__lte=since)
    built = 0
    for export_id in waiting.order_by("requested_at", "pk").values_list("pk", flat=True)[:limit]:
        try:
            export = build(export_id)
        except Exception:
            logger.exception("Data export %s could not be built; the next sweep tries again", export_id)
            continue
        built += export is not None and export.status == DataExport.Status.READY
    return built


def remove_expired() -> int:
    """Delete the zip files of expired exports (the rows stay, so old links say "expired")."""
    removed = 0
    for export in DataExport.objects.filter(expires_at__lte=timezone.now()).exclude(file=""):
        export.file.delete(save=False)
        DataExport.objects.filter(pk=export.pk).update(file="")
        removed += 1
    return removed


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _person(user, viewer) -> str:
    return "you" if user is not None and user.pk == viewer.pk else (user.display_name if user else "")


def build_zip(user) -> bytes:
    """The archive's bytes: JSON files about ``user`` and the files they uploaded."""
    conversations, files = _conversations(user)
    parts = [
        ("account.json", _account(user)),
        ("sign_in_records.json", _sign_in_records(user)),
        ("profile.json", _profile(user)),
        ("relationships.json", _relationships(user)),
        ("messages.json", conversations),
        ("notifications.json", _notifications(user)),
        ("support_requests.json", _support_requests(user)),
        ("reminder_settings.json", _reminder_settings(user)),
        *((section.name, section.build(user)) for section in SECTIONS),
    ]
    return _zip(parts, files)


def _account(user) -> dict:
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user)
        ],
        "calendar_address": _calendar_address(user),
    }


def _calendar_address(user) -> dict | None:
    """Whether they have a secret calendar address, and since when (the secret itself stays out)."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        return None
    return {
        "made_at": _iso(feed.created_at),
        "address": gettext(
            "Not copied here: anyone who has it can see your meetings. It is on your Meet / Video pages."
        ),
    }


def _sign_in_records(user) -> dict:
    """django-axes' records for the addresses that are surely theirs (those erasure deletes with them)."""
    addresses = any_of("username__iexact", [user.email, *surely_their_addresses(user)])

    def seen(row) -> dict:
        return {
            "at": _iso(row.attempt_time),
            "email_address_tried": row.username,
            "ip_address": row.ip_address,
            "browser": row.user_agent,
        }

    return {
        "sign_ins": [
            {**seen(row), "signed_out_at": _iso(row.logout_time)}
            for row in AccessLog.objects.filter(addresses).order_by("attempt_time", "pk")
        ],
        # Failed sign-ins, counted per address tried, IP address and browser (what locks an account after
        # AXES_FAILURE_LIMIT of them): the time of the latest and how many.
        "failed_sign_ins": [
            {**seen(row), "failures": row.failures_since_start}
            for row in AccessAttempt.objects.filter(addresses).order_by("attempt_time", "pk")
        ],
        # Each failure on its own, where the deployment keeps that log (AXES_ENABLE_ACCESS_FAILURE_LOG).
        "failed_sign_ins_one_by_one": [
            {**seen(row), "locked_out": row.locked_out}
            for row in AccessFailureLog.objects.filter(addresses).order_by("attempt_time", "pk")
        ],
    }


def _profile(user) -> dict:
    profile = Profile.objects.filter(user=user).select_related("role", "community").first()
    if not profile:
        return {}
    return {
        "is_mentor": profile.is_mentor,
        "is_mentee": profile.is_mentee,
        "job_title": profile.job_title,
        "organisation": profile.organisation,
        "phone": profile.phone,
        "role": profile.role.name if profile.role else None,
        "professional_community": profile.community.name if profile.community else None,
        "areas_of_support": [a.name for a in profile.areas.all()],
        "region": profile.get_region_display() if profile.region else "",
        "biography": profile.biography,
        "experience": profile.experience,
        "mentees_at_once": profile.capacity,
        "open_to_new_requests": profile.accepting_requests,
        "away_until": _iso(profile.away_until),
        "completed_at": _iso(profile.completed_at),
        "last_active_at": _iso(profile.last_active_at),
    }


def _relationships(user) -> list[dict]:
    rels = (
        Relationship.objects.filter(Q(mentee=user) | Q(mentor=user))
        .select_related("mentee", "mentor", "area")
        .prefetch_related(
            "history__actor",
            "meetings__organiser",
            "meetings__notes__author",
            "goals__entries__author",
            "goals__owner",
            "feedback",
            "worksheets__versions__answers",
            "worksheets__versions__author",
            "worksheets__comments__author",
            "concerns__replies",
        )
        .order_by("created_at", "pk")
    )
    return [_relationship(rel, user) for rel in rels]


def _relationship(rel, user) -> dict:
    return {
        "your_role": rel.role_of(user),
        "mentee": _person(rel.mentee, user),
        "mentor": _person(rel.mentor, user),
        "area_of_support": rel.area.name,
        "personal_statement": rel.statement,
        "state": rel.get_state_display(),
        "requested_at": _iso(rel.created_at),
        "matched_at": _iso(rel.matched_at),
        "ended_at": _iso(rel.ended_at),
        "history": [
            {
                "at": _iso(h.at),
                "who": _person(h.actor, user) or gettext("the platform"),
                "what": h.action_label,
                "stage": h.to_label(),
                "note": h.note,
            }
            for h in rel.history.all()
        ],
        "meetings": [
            {
                "title": m.title,
                "starts_at": _iso(m.starts_at),
                "duration_minutes": m.duration_minutes,
                "location": m.location,
                "details": m.details,
                "video": m.video,
                "organiser": _person(m.organiser, user),
                "cancelled_at": _iso(m.cancelled_at),
                "took_place": str(m.get_outcome_display()) if m.outcome else gettext("not recorded"),
                "first_planned_for": _iso(m.planned_starts_at),
                # Notes are private to the two people, so each one's copy has all of them.
                "notes": [{"by": _person(n.author, user), "at": _iso(n.at), "text": n.text} for n in m.notes.all()],
            }
            for m in rel.meetings.all()
        ],
        "goals": [_goal(g, user) for g in rel.goals.all()],
        # Feedback stays private: only what this person wrote.
        "feedback_you_gave": [
            {"rating": f.rating, "comments": f.comments, "at": _iso(f.at)}
            for f in rel.feedback.all()
            if f.author_id == user.pk
        ],
        # The SWOT and G-STAR worksheets: both people see them (every version and comment).
        "worksheets": [_worksheet(w, user) for w in rel.worksheets.all()],
        # "Raise a concern": only the ones this person raised.
        "concerns_you_raised": [
            {
                "message": c.message,
                "raised_at": _iso(c.raised_at),
                # The conversation that followed: the programme team's replies and your answers.
                "conversation": [
                    {"at": _iso(r.at), "from": r.get_written_by_display(), "via": r.get_via_display(), "text": r.body}
                    for r in c.replies.all()
                ],
            }
            for c in rel.concerns.all()
            if c.raised_by_id == user.pk
        ],
    }


def _worksheet(sheet, user) -> dict:
    return {
        "worksheet": str(sheet.definition.title),
        "versions": [
            {
                "number": v.number,
                "saved_by": _person(v.author, user),
                "saved_at": _iso(v.saved_at),
                "answers": {str(heading.label): text for heading, text in v.answer_list()},
            }
            for v in sheet.versions.all()
        ],
        "comments": [{"by": _person(c.author, user), "at": _iso(c.at), "text": c.text} for c in sheet.comments.all()],
    }


def _goal(g, user) -> dict:
    return {
        "label": g.label,
        "details": g.details,
        "due_date": _iso(g.due_date),
        "set_by": _person(g.owner, user),
        "created_at": _iso(g.created_at),
        "completed_at": _iso(g.completed_at),
        "entries": [
            {"kind": e.get_kind_display(), "text": e.text, "by": _person(e.author, user), "at": _iso(e.at)}
            for e in g.entries.all()
        ],
    }


def _conversations(user) -> tuple[list[dict], list[tuple[str, object]]]:
    """Their conversations, and the files they uploaded (path in the archive, stored file)."""
    files: list[tuple[str, object]] = []
    conversations = []
    for conv in (
        Conversation.objects.filter(Q(mentee=user) | Q(mentor=user)).select_related("mentee", "mentor").order_by("pk")
    ):
        entries = []
        for msg in Message.objects.filter(conversation=conv).select_related("sender", "attachment"):
            entry = {"at": _iso(msg.sent_at), "from": _person(msg.sender, user), "text": msg.body}
            if msg.attachment_id:
                entry["file"] = msg.attachment.download_name
                if msg.sender_id == user.pk:
                    path = f"files/{msg.pk}-{msg.attachment.download_name}"
                    entry["file_in_this_archive"] = path
                    files.append((path, msg.attachment.file))
            entries.append(entry)
        conversations.append({"with": _person(conv.other(user), user), "messages": entries})
    return conversations, files


def _notifications(user) -> list[dict]:
    return [
        {
            "at": _iso(n.created_at),
            "subject": n.subject,
            "text": n.body_text,
            "link": n.link,
            "read_at": _iso(n.read_at),
            "emailed_at": _iso(n.emailed_at),
            "email_status": n.get_email_status_display(),
        }
        for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk")
    ]


def _support_requests(user) -> list[dict]:
    return [
        {
            "at": _iso(s.created_at),
            "name": s.name,
            "email": s.email,
            "subject": s.subject,
            "message": s.message,
            "status": s.get_status_display(),
            "replies": [
                {"at": _iso(r.at), "from": r.get_written_by_display(), "via": r.get_via_display(), "text": r.body}
                for r in s.replies.all()
            ],
        }
        # Only those sent signed in as this account: a typed address proves nothing (support.selectors.mine).
        for s in SupportRequest.objects.filter(user=user).prefetch_related("replies").order_by("created_at")
    ]


def _reminder_settings(user) -> list[dict]:
    return [{"stopped": o.kind, "at": _iso(o.created_at)} for o in ReminderOptOut.objects.filter(user=user)]


def _zip(parts: list[tuple[str, object]], files: list[tuple[str, object]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            str(README)
            % {
                "site": identity.current().name,
                "date": timezone.localdate().isoformat(),
                "more": "".join(f"{section.name:<21} {section.about}\n" for section in SECTIONS),
            },
        )
        for name, data in parts:
            archive.writestr(name, json.dumps(data, indent=2, ensure_ascii=False))
        for path, field in files:
            try:
                with field.open("rb") as handle:
                    archive.writestr(path, handle.read())
            except (OSError, ValueError):
                archive.writestr(path + ".missing.txt", gettext("This file could no longer be found."))
    return buffer.getvalue()
