"""Erasure: remove a departing person's personal data from everywhere it was copied.

``people.services.delete_account`` (a person leaving) and ``people.retention`` (an account
inactive for too long) both end here. The account row itself stays, anonymised, so that past
relationships remain as anonymous records for programme statistics; everything that names,
addresses or rings the person is deleted or rewritten:

- their own notifications (inbox rows and the record of every email sent to them), sessions,
  e-mail addresses (allauth), reminder opt-outs, their calendar address, data exports (rows and zip files);
- the files they uploaded (attachment rows and the files on disk);
- sign-in records kept by django-axes (attempts, failures, the access log);
- support requests they sent (name, address and message removed, and the replies that followed; the
  row stays for counts);
- every copy of their name, e-mail address or phone number in text written elsewhere (calendar
  invitations read with their long lines unfolded, so an address split over two lines is found):
  other people's notifications (subject, bodies, .ics invitations, delivery errors), the
  relationship history notes, messages, meetings and meeting notes, goals and their entries, feedback,
  worksheets (SWOT, G-STAR) and their comments, concerns raised about a relationship (the
  words of their own concerns are removed, with the conversation that followed each), personal statements, staff cases and staff notes, other support requests, attachment file
  names and the admin's change log.

Their first or last name on its own is replaced inside their own relationships and
conversations, and in any text that also gives their full name, e-mail address or phone number
(where it surely means them), as it is written (capitalised as a name: "Will" is replaced, the
words "will" and "WILL" are not); elsewhere it is left alone, so a stranger who shares a first
name keeps it.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import F, Q, QuerySet, TextField, Value
from django.db.models.functions import Replace
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from journeys.models import (
    Attachment,
    CalendarFeed,
    Concern,
    ConcernReply,
    Conversation,
    Feedback,
    Goal,
    GoalEntry,
    Meeting,
    MeetingNote,
    Message,
    Relationship,
    StateChange,
    WorksheetAnswer,
    WorksheetComment,
)
from notifications import ics
from notifications.models import Notification, ReminderOptOut, SentReminder
from project import sessions
from support.models import SupportRequest

from .models import DataExport

# django-axes' sign-in records: each sign-in, the wrong passwords counted, and (where kept) each failure.
SIGN_IN_RECORDS = (AccessAttempt, AccessFailureLog, AccessLog)

logger = logging.getLogger(__name__)

Rows = list[tuple[QuerySet, list[str]]]  # querysets and the text fields to scrub in them


@dataclass(frozen=True)
class Part:
    """What an app above people keeps about people, erased with them. The staff app registers its
    part (its cases, case notes and notes about members: ``staff.erasure``) from its ``ready()``, so
    people imports nothing of it.

    - ``delete_own(user)``: rows that are about the person only, deleted;
    - ``remove_concerns(user, removed)``: where the words of concerns they raised are kept, replaced;
    - ``local(relationships)``: rows inside their relationships, every name form scrubbed;
    - ``everywhere()``: rows anywhere, their full name, address and phone scrubbed.
    """

    delete_own: Callable[[object], None]
    remove_concerns: Callable[[object, str], None]
    local: Callable[[QuerySet], Rows]
    everywhere: Callable[[], Rows]


PARTS: list[Part] = []


def register(part: Part) -> None:
    if part not in PARTS:
        PARTS.append(part)


# Written into the erased person's rows and free text, in the platform's language.
NAME_REPLACEMENT = _("Former participant")
EMAIL_REPLACEMENT = _("[email address removed]")
PHONE_REPLACEMENT = _("[phone number removed]")

# A phone number is recognised by its last nine digits, however it is written: with the international
# prefix (+44, 0044, +44 (0), any country code) or the national trunk 0 (07700 900123), and with spaces,
# dots, dashes, slashes or brackets between the digits. Nine, because the number without its prefix
# (the "national significant number") has nine or ten digits in the UK and in most countries, and the
# prefixes differ only before them; a number written with fewer digits is matched on all of them.
PHONE_DIGITS = 9
# What may stand between two digits of a number (at most three of them): spaces (any), dots, dashes,
# slashes, brackets.
PHONE_GAP = r"[\s.\-\u2010-\u2015/()]{0,3}"
# What may come before the digits: an international prefix (+ or 00, a country code, and perhaps the
# "(0)" some write after it), or the national trunk 0.
PHONE_PREFIX = rf"(?:(?:\+|00){PHONE_GAP}\d{{1,3}}\)?{PHONE_GAP}(?:\(0\){PHONE_GAP})?|0{PHONE_GAP})"


def phone_digits(phone: str) -> str:
    """A phone number's digits without its prefix: the international one (``+`` or ``00``; the country
    code stays), the ``(0)`` written after it, or the national trunk ``0``."""
    text = re.sub(r"\(\s*0\s*\)", "", phone.strip())
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        return digits
    if digits.startswith("00"):
        return digits[2:]
    return digits.removeprefix("0")


def phone_regex(phone: str) -> re.Pattern:
    """The number in any of the ways it is written (``PHONE_DIGITS``), prefix and brackets included.

    The digits before the last nine (the country code, the first digit of a ten-digit number) may be
    there or not: "+44 7700 900123", "0044 7700 900123", "+44 (0)7700-900-123", "07700 900123",
    "(07700) 900.123" and "7700 900123" are all the same number as "+44 7700 900123".
    """
    digits = phone_digits(phone)
    head, core = digits[:-PHONE_DIGITS], digits[-PHONE_DIGITS:]
    # The head's endings, longest first: "447" before "47" before "7".
    heads = "|".join(PHONE_GAP.join(head[i:]) + PHONE_GAP for i in range(len(head)))
    leading = f"(?:{heads})?" if heads else ""
    # Not inside a longer run of digits; a bracket opened before the number is closed after it.
    return re.compile(rf"(?<![\d+])(?P<open>\()?{PHONE_PREFIX}?{leading}{PHONE_GAP.join(core)}(?(open)\)?)(?!\d)")


@dataclass
class Needles:
    """What identifies the person in free text, and what each is replaced with."""

    full_names: list[str]
    part_names: list[str]
    emails: list[str]
    phones: list[str]

    @classmethod
    def for_user(cls, user, emails: Iterable[str] = (), phone: str = "") -> Needles:
        first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
        full = [n for n in {f"{first} {last}".strip(), f"{last} {first}".strip(), f"{last}, {first}"} if " " in n]
        parts = [p for p in (first, last) if len(p) >= 2]
        addresses = sorted({e.strip().lower() for e in [user.email, *emails] if e and "@" in e})
        phones = [phone.strip()] if len(re.sub(r"\D", "", phone or "")) >= 6 else []
        return cls(full_names=full, part_names=parts, emails=addresses, phones=phones)

    def searches(self, *, local: bool) -> list[str]:
        """Substrings a row must contain (case-insensitively) to need scrubbing."""
        terms = [*self.full_names, *self.emails, *(self.part_names if local else [])]
        escaped = [html.escape(t) for t in terms if html.escape(t) != t]
        return [t for t in {*terms, *escaped} if t]

    def phone_patterns(self) -> list[str]:
        """Each phone number's last digits (``PHONE_DIGITS``) as a PostgreSQL regular expression allowing
        anything short between them: it finds the rows to read (a few more than ``scrub`` rewrites)."""
        return ["[^0-9]{0,3}".join(phone_digits(phone)[-PHONE_DIGITS:]) for phone in self.phones]

    def scrub(self, text: str, *, local: bool) -> str:
        if not text:
            return text
        for address in self.emails:
            for variant in {address, html.escape(address)}:
                text = re.sub(re.escape(variant), str(EMAIL_REPLACEMENT), text, flags=re.IGNORECASE)
        for phone in self.phones:
            text = phone_regex(phone).sub(lambda _match: str(PHONE_REPLACEMENT), text)
        for name in sorted(self.full_names, key=len, reverse=True):
            # In any case, and with a dot, dash or underscore for the space: "zebedee.quillfeather@",
            # "cv-zebedee-quillfeather.txt".
            text = _replace_name(text, name, re.IGNORECASE, joined=True)
        if local:
            # A first or last name alone only as it is written, capitalised as a name: "Will" goes,
            # "I will call" and "WILL do" (the other person's own words) stay.
            for name in self.part_names:
                text = _replace_name(text, name, 0)
        return text


def _replace_name(text: str, name: str, flags: int, *, joined: bool = False) -> str:
    for variant in {name, html.escape(name)}:
        pattern = re.escape(variant)
        if joined:
            pattern = pattern.replace(r"\ ", r"[\s._-]+")
        text = re.sub(rf"(?<!\w){pattern}(?!\w)", str(NAME_REPLACEMENT), text, flags=flags)
    return text


class CalendarText(str):
    """A field of iCalendar text (``notifications.ics``): its long lines are folded, so an address or a
    name may be split over two lines. It is searched unfolded, scrubbed line by line unfolded, and
    written back folded."""


def _unfolded(field: str):
    expression = F(field)
    for fold in ics.FOLDS:
        expression = Replace(expression, Value(fold), Value(""), output_field=TextField())
    return expression


def scrub_rows(queryset, fields: list[str], needles: Needles, *, local: bool) -> int:
    """Rewrite ``fields`` of the rows in ``queryset`` that mention the person; return how many changed."""
    terms, phones = needles.searches(local=local), needles.phone_patterns()
    if not (terms or phones):
        return 0
    calendars = {f"{field}_unfolded": _unfolded(field) for field in fields if isinstance(field, CalendarText)}
    match = Q()
    for field in fields:
        searched = f"{field}_unfolded" if isinstance(field, CalendarText) else field
        for term in terms:
            match |= Q(**{f"{searched}__icontains": term})
        for pattern in phones:
            match |= Q(**{f"{searched}__regex": pattern})
    changed = 0
    rows = queryset.annotate(**calendars) if calendars else queryset
    for row in rows.filter(match).only("pk", *fields).iterator(chunk_size=500):
        dirty = []
        for field in fields:
            value = getattr(row, field)
            if isinstance(value, str):
                # A row that names the person in full (or gives their address) is about them:
                # their first or last name alone in it means them too.
                if isinstance(field, CalendarText):
                    new = ics.rewrite_lines(value, lambda line: needles.scrub(line, local=True))
                else:
                    new = needles.scrub(value, local=True)
                if new != value:
                    setattr(row, field, new)
                    dirty.append(field)
        if dirty:
            type(row).objects.filter(pk=row.pk).update(**{f: getattr(row, f) for f in dirty})
            changed += 1
    return changed


def erase_personal_data(user, needles: Needles) -> None:
    """Delete or rewrite every copy of the person's data (call inside a transaction).

    Files are deleted from storage once the transaction commits, so a rollback leaves them.
    """
    by_address = any_of("email__iexact", needles.emails)
    _delete_own_rows(user, needles, by_address)
    _delete_own_files(user)
    _anonymise_support_requests(user, needles, by_address)
    _remove_own_concerns(user)
    _scrub_own_relationships(user, needles)
    _scrub_everywhere(needles)


def any_of(lookup: str, values) -> Q:
    match = Q()
    for value in values:
        match |= Q(**{lookup: value})
    return match


def _delete_own_rows(user, needles: Needles, by_address: Q) -> None:
    """Rows that are the person's own: notifications, reminder settings, addresses, sign-in records, sessions."""
    Notification.objects.filter(Q(recipient=user) | by_address).delete()
    ReminderOptOut.objects.filter(user=user).delete()
    CalendarFeed.objects.filter(user=user).delete()  # their secret calendar address stops at once
    SentReminder.objects.filter(user=user).delete()
    for part in PARTS:
        part.delete_own(user)  # e.g. staff's notes about them (staff.erasure)
    EmailAddress.objects.filter(Q(user=user) | by_address).delete()
    if needles.emails:
        by_username = any_of("username__iexact", needles.emails)
        for model in SIGN_IN_RECORDS:
            model.objects.filter(by_username).delete()
    _delete_sessions(user)


def _delete_own_files(user) -> None:
    """Their data exports and uploads: the rows now, the files once the transaction commits."""
    files = [(e.file.storage, e.file.name) for e in DataExport.objects.filter(user=user) if e.file]
    DataExport.objects.filter(user=user).delete()
    uploads = Attachment.objects.filter(message__sender=user)
    files += [(a.file.storage, a.file.name) for a in uploads if a.file]
    uploads.delete()

    def remove_files():
        for storage, name in files:
            try:
                storage.delete(name)
            except OSError:  # pragma: no cover - logged; the rows are already gone
                logger.exception("Could not delete %s after erasing an account", name)

    transaction.on_commit(remove_files)


def _anonymise_support_requests(user, needles: Needles, by_address: Q) -> None:
    """Support requests they sent: the row stays (staff statistics), the person goes.

    Theirs are those sent signed in as them, and those sent signed out from their address; never
    one another account sent signed in, whatever address was typed in it."""
    signed_out = (Q(user__isnull=True) & by_address) if by_address else Q(pk__in=[])
    for request in SupportRequest.objects.filter(Q(user=user) | signed_out):
        request.name = str(NAME_REPLACEMENT)
        request.email = user.email  # the anonymised placeholder address
        request.subject = needles.scrub(request.subject, local=True)
        request.message = gettext("(Removed: the sender deleted their account.)")
        request.user = None
        request.save(update_fields=["name", "email", "subject", "message", "user"])
        request.replies.all().delete()  # the conversation that followed (support.models.SupportReply)


def _remove_own_concerns(user) -> None:
    """Concerns they raised ("Raise a concern"): the row and its case stay (staff records), the words go."""
    removed = gettext("(Removed: the sender deleted their account.)")
    Concern.objects.filter(raised_by=user).update(message=removed)
    ConcernReply.objects.filter(concern__raised_by=user).delete()  # the conversation that followed each
    for part in PARTS:
        part.remove_concerns(user, removed)  # the staff cases that carry them (staff.erasure)


def _scrub_own_relationships(user, needles: Needles) -> None:
    """Text about them inside their own relationships and conversations: every name form."""
    relationships = Relationship.objects.filter(Q(mentee=user) | Q(mentor=user))
    conversations = Conversation.objects.filter(Q(mentee=user) | Q(mentor=user))
    local = [
        (relationships, ["statement"]),
        (StateChange.objects.filter(relationship__in=relationships), ["note"]),
        (Message.objects.filter(conversation__in=conversations), ["body"]),
        (Meeting.objects.filter(relationship__in=relationships), ["title", "location", "details"]),
        (MeetingNote.objects.filter(meeting__relationship__in=relationships), ["text"]),
        (Goal.objects.filter(relationship__in=relationships), ["label", "details"]),
        (GoalEntry.objects.filter(goal__relationship__in=relationships), ["text"]),
        (Feedback.objects.filter(relationship__in=relationships), ["comments"]),
        (WorksheetAnswer.objects.filter(version__worksheet__relationship__in=relationships), ["text"]),
        (WorksheetComment.objects.filter(worksheet__relationship__in=relationships), ["text"]),
        (Concern.objects.filter(relationship__in=relationships), ["message"]),
        (ConcernReply.objects.filter(concern__relationship__in=relationships), ["body"]),
        *(rows for part in PARTS for rows in part.local(relationships)),
    ]
    for queryset, fields in local:
        scrub_rows(queryset, fields, needles, local=True)


def _scrub_everywhere(needles: Needles) -> None:
    """Everywhere else: the full name, the e-mail address and the phone number."""
    everywhere = [
        (Notification.objects.all(), ["subject", "body_text", "body_html", CalendarText("ics"), "last_error"]),
        (StateChange.objects.all(), ["note"]),
        (Message.objects.all(), ["body"]),
        (Meeting.objects.all(), ["title", "location", "details"]),
        (MeetingNote.objects.all(), ["text"]),
        (Goal.objects.all(), ["label", "details"]),
        (GoalEntry.objects.all(), ["text"]),
        (Feedback.objects.all(), ["comments"]),
        (WorksheetAnswer.objects.all(), ["text"]),
        (WorksheetComment.objects.all(), ["text"]),
        (Concern.objects.all(), ["message"]),
        (ConcernReply.objects.all(), ["body"]),
        (Relationship.objects.all(), ["statement"]),
        *(rows for part in PARTS for rows in part.everywhere()),
        (SupportRequest.objects.all(), ["name", "email", "subject", "message"]),
        (Attachment.objects.all(), ["original_name"]),
        (LogEntry.objects.all(), ["object_repr", "change_message"]),
    ]
    for queryset, fields in everywhere:
        scrub_rows(queryset, fields, needles, local=False)


def _delete_sessions(user) -> None:
    """Sign the person out everywhere: their sessions hold their id (and perhaps more)."""
    doomed = []
    for session in Session.objects.all().iterator(chunk_size=500):
        try:
            data = session.get_decoded()
        except Exception:  # noqa: BLE001 - an unreadable session is nobody's
            continue
        if str(data.get("_auth_user_id")) == str(user.pk):
            doomed.append(session.pk)
    Session.objects.filter(pk__in=doomed).delete()
    sessions.forget(doomed)  # and their copies in the cache, which every page reads first
