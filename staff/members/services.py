"""What programme managers do to a member's account: one function each, in one transaction, with
a guard that says why when it cannot be done, and a row in the member's staff record.

- ``pause_mentor`` / ``resume_mentor``: close or reopen a mentor to new requests (the same switch
  as "open to new requests" on their profile, ``Profile.accepting_requests``). Refused for a deactivated
  account: it takes no requests at all, so pausing it would mean nothing (its page says so instead).
- ``deactivate``: the account can no longer sign in (``is_active`` False; a session already open
  stops working) and the member disappears from Find Mentor and matching (``people.rules``).
  Requests still waiting for an answer are closed through the journey's own services: the member's
  own requests are withdrawn, requests waiting on them as a mentor are closed for them ("Request
  closed: the mentor stopped taking part", not declined: the mentee may ask someone else, and may be
  proposed to them again once they are back), and the other person is told the programme team closed
  it because the member is not taking part for now (``because=DEACTIVATED``), never that the member
  declined or withdrew it. Matched relationships are left as they are: deactivating can be undone,
  ending a relationship cannot; staff close one from a case. The other person in each is told
  (``partner_deactivated``) that the member is not taking part for now and gets no emails from the
  platform about it meanwhile, so they do not write, or arrange meetings, into silence (the one email
  a deactivated account is sent is the retention warning, ``people.retention``).
- ``reactivate``: the account may sign in again (answered requests stay answered, and the requests
  deactivating closed stay closed). The member is emailed that they can sign in again
  (``account_reactivated``: which requests were closed and stay so, which relationships are still under
  way and that they were not emailed about them meanwhile), and the other person in each relationship
  under way, told of the deactivation, is told they are back (``partner_reactivated``).
- ``add_note``: a note private to staff. ``log_export``: one download of the member list.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from journeys.models import Relationship
from journeys.services import relationships as journey
from journeys.services.base import Refused
from journeys.states import CLOSED_ACTIONS, MATCHED_STATES, State
from notifications.services import notify_each
from people.models import Profile
from project.roles import EXPORT, MANAGE, can
from project.text import has_control_characters

from .models import MemberAction, MemberExport, MemberNote

User = get_user_model()
NOTE_MAX = 4000


def _require(user, perm: str = MANAGE) -> None:
    if not can(user, perm):
        raise Refused(_("Only programme managers can change members' accounts."))


def _lock_member(member, *, lock: bool = True):
    users = User.objects.select_for_update() if lock else User.objects
    found = users.filter(pk=member.pk, is_staff=False, anonymised_at__isnull=True).first()
    if found is None:
        raise Refused(_("This account is not a member's account any more."))
    return found


def _mentor_profile(member) -> Profile:
    if not member.is_active:
        raise Refused(
            _(
                "%(name)s's account is deactivated, so they get no requests at all. Reactivate the account "
                "first, then pause or resume their new requests."
            )
            % {"name": member.display_name}
        )
    profile = Profile.objects.select_for_update().filter(user=member).first()
    if profile is None or not profile.is_mentor:
        raise Refused(
            _("%(name)s is not a mentor: only mentors take requests, so there is nothing to pause or resume.")
            % {"name": member.display_name}
        )
    return profile


def pause_mentor(member, staff_user) -> Profile:
    _require(staff_user)
    with transaction.atomic():
        member = _lock_member(member)
        profile = _mentor_profile(member)
        if not profile.accepting_requests:
            raise Refused(_("%(name)s is already paused.") % {"name": member.display_name})
        profile.accepting_requests = False
        profile.save(update_fields=["accepting_requests"])
        MemberAction.objects.create(member=member, by=staff_user, kind=MemberAction.Kind.PAUSED)
    return profile


def resume_mentor(member, staff_user) -> Profile:
    _require(staff_user)
    with transaction.atomic():
        member = _lock_member(member)
        profile = _mentor_profile(member)
        if profile.accepting_requests:
            raise Refused(_("%(name)s is already open to new requests.") % {"name": member.display_name})
        profile.accepting_requests = True
        profile.save(update_fields=["accepting_requests"])
        MemberAction.objects.create(member=member, by=staff_user, kind=MemberAction.Kind.RESUMED)
    return profile


def waiting_requests(member) -> dict[str, list]:
    """The requests deactivating ``member`` would close: theirs as a mentee, and those waiting on them."""
    waiting = Relationship.objects.filter(state=State.REQUESTED).select_related("mentee", "mentor")
    return {"sent": list(waiting.filter(mentee=member)), "received": list(waiting.filter(mentor=member))}


def deactivate(member, staff_user) -> dict:
    """Stop the member signing in, close the requests waiting for an answer and tell the other person
    in each matched relationship (see the module). Returns what was done: the requests ``withdrawn``
    and ``closed``, and ``told``, the people told (a list of users)."""
    _require(staff_user)
    reason = _("Closed by the programme team: this person is no longer taking part for now.")
    closed = {"withdrawn": 0, "closed": 0, "told": []}

    def close_waiting():
        # Each request through the journey's service, which locks the relationship itself (its flow
        # rows first, as every service does), tells the other person and ends the flow.
        waiting = waiting_requests(member)
        for rel in waiting["sent"]:
            journey.withdraw_request(rel, member, reason, because=journey.DEACTIVATED)
        for rel in waiting["received"]:
            journey.close_request_for_mentor(rel, member, reason, because=journey.DEACTIVATED)
        closed["withdrawn"] += len(waiting["sent"])
        closed["closed"] += len(waiting["received"])

    with transaction.atomic():
        if not _lock_member(member, lock=False).is_active:
            raise Refused(_("%(name)s's account is already deactivated.") % {"name": member.display_name})
        close_waiting()
        _lock_member(member)
        User.objects.filter(pk=member.pk).update(is_active=False)
        close_waiting()  # a request sent while the first ones were being closed
        matched = Relationship.objects.filter(Q(mentee=member) | Q(mentor=member), state__in=MATCHED_STATES)
        notices = []
        for rel in matched.select_related("mentee", "mentor").order_by("pk"):
            partner = rel.other(member)
            notices.append((partner, "partner_deactivated", {"relationship": rel, "member": member}))
            closed["told"].append(partner)
        notify_each(*notices)
        detail = closed_requests_words(closed)
        MemberAction.objects.create(member=member, by=staff_user, kind=MemberAction.Kind.DEACTIVATED, detail=detail)
    member.is_active = False
    return closed


def closed_requests_words(closed: dict) -> str:
    """What ``deactivate`` did, only what happened: "2 of their requests withdrawn; 1 request to them
    closed. Told: Hannah Lee, Ola Ade." or "No requests were waiting and nobody else was told." """
    parts = []
    if closed["withdrawn"]:
        parts.append(
            ngettext(
                "%(n)d of their requests was withdrawn and its mentor told",
                "%(n)d of their requests were withdrawn and each mentor told",
                closed["withdrawn"],
            )
            % {"n": closed["withdrawn"]}
        )
    if closed["closed"]:
        parts.append(
            ngettext(
                "%(n)d request to them was closed and its mentee told",
                "%(n)d requests to them were closed and each mentee told",
                closed["closed"],
            )
            % {"n": closed["closed"]}
        )
    told = closed.get("told") or []
    if told:
        parts.append(
            ngettext(
                "%(names)s, their partner in a relationship under way, was told they are not taking part for now",
                "%(names)s, their partners in relationships under way, were told they are not taking part for now",
                len(told),
            )
            % {"names": ", ".join(person.display_name for person in told)}
        )
    if not parts:
        return _("No requests were waiting and they have no relationship under way, so nobody else was told.")
    return _("%(done)s.") % {"done": "; ".join(parts)}


def reactivate(member, staff_user) -> dict:
    """Let the member sign in again and tell them, and the partners told of the deactivation, that they
    are back (see the module). Returns what was said: the requests deactivating ``closed`` (a dict
    with ``sent`` and ``received``, the relationships), the relationships ``under_way``, and ``told``,
    the partners told (a list of users)."""
    _require(staff_user)
    with transaction.atomic():
        member = _lock_member(member)
        if member.is_active:
            raise Refused(_("%(name)s's account is already active.") % {"name": member.display_name})
        member.is_active = True
        member.save(update_fields=["is_active"])
        # The requests deactivating closed since the member was last reactivated (or ever): this time's.
        back_before = (
            MemberAction.objects.filter(member=member, kind=MemberAction.Kind.REACTIVATED)
            .order_by("-at", "-pk")
            .values_list("at", flat=True)
            .first()
        )
        closed = closed_by_deactivation(member, back_before)
        # Every relationship under way now was under way when the account was deactivated (a deactivated
        # account takes part in no new one), so the other person in each was told then (``deactivate``).
        under_way = list(
            Relationship.objects.filter(Q(mentee=member) | Q(mentor=member), state__in=MATCHED_STATES)
            .select_related("mentee", "mentor")
            .order_by("pk")
        )
        told = [rel.other(member) for rel in under_way]
        profile = Profile.objects.filter(user=member).first()
        notify_each(
            (
                member,
                "account_reactivated",
                {
                    "member": member,
                    "sent_to": [rel.mentor.display_name for rel in closed["sent"]],
                    "received_from": [rel.mentee.display_name for rel in closed["received"]],
                    "partners": [person.display_name for person in told],
                    "is_mentor": bool(profile and profile.is_mentor),
                    "accepting_requests": bool(profile and profile.accepting_requests),
                },
            ),
            *((rel.other(member), "partner_reactivated", {"relationship": rel, "member": member}) for rel in under_way),
        )
        done = {"closed": closed, "under_way": under_way, "told": told}
        MemberAction.objects.create(
            member=member, by=staff_user, kind=MemberAction.Kind.REACTIVATED, detail=reactivated_words(done)[:300]
        )
    return done


def closed_by_deactivation(member, since=None) -> dict[str, list]:
    """The requests deactivating the member closed (since ``since``, when given): ``sent``, theirs as a
    mentee, and ``received``, those that waited on them as a mentor."""
    rels = Relationship.objects.select_related("mentee", "mentor").order_by("pk")

    def closed_as(role: str) -> list:
        action = CLOSED_ACTIONS[role, journey.DEACTIVATED]
        after = {"history__at__gt": since} if since else {}
        return list(rels.filter(**{role: member}, history__action=action, **after).distinct())

    return {"sent": closed_as("mentee"), "received": closed_as("mentor")}


def reactivated_words(done: dict) -> str:
    """What ``reactivate`` told whom: "They were emailed to say so; Hannah Lee, their partner in a
    relationship under way, was told too." """
    told = done.get("told") or []
    if not told:
        return _("They were emailed to say so.")
    return ngettext(
        "They were emailed to say so; %(names)s, their partner in a relationship under way, was told too.",
        "They were emailed to say so; %(names)s, their partners in relationships under way, were told too.",
        len(told),
    ) % {"names": ", ".join(person.display_name for person in told)}


def add_note(member, staff_user, body: str) -> MemberNote:
    _require(staff_user)
    body = (body or "").strip()
    if not body:
        raise Refused(_("Write the note before saving it."))
    if len(body) > NOTE_MAX or "\x00" in body:
        raise Refused(_("A note can be at most %(n)d characters of plain text.") % {"n": NOTE_MAX})
    with transaction.atomic():
        member = _lock_member(member)
        return MemberNote.objects.create(member=member, author=staff_user, body=body)


def log_export(staff_user, filters: dict[str, str], row_count: int) -> MemberExport:
    if not can(staff_user, EXPORT):
        raise Refused(_("Only programme managers can download the member list."))
    clean = {k[:100]: v[:200] for k, v in filters.items() if not has_control_characters(k + v)}
    return MemberExport.objects.create(by=staff_user, filters=clean, row_count=row_count)
