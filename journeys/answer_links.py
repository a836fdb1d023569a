"""Accept or decline a request from its email: signed, expiring, single-use links.

The email to the mentor (a request sent, proposed, reinstated, or a reminder) carries two links,
``/requests/answer/<token>/``, one to accept and one to decline. The token is signed
(``django.core.signing.TimestampSigner``, with a salt of its own) and names the relationship, the
action and the mentor's review task it was made for. It works as long as its request can be answered:
until the request's own expiry moment (``Relationship.expires_at``, fixed when the request was sent or
reinstated), whatever REQUEST_EXPIRE_DAYS says now; for a request that never expires, for
``DAYS_WHEN_REQUESTS_NEVER_EXPIRE`` days after the email (``still_good``).

- Opening a link changes nothing (mail scanners open links): it shows a confirmation page whose
  button (a POST) runs the same service as the review page (``relationships.accept_request`` /
  ``decline_request``), which finishes the flow's review step exactly as the page does.
- Single use: the link works only while its review task is still waiting. Once the request is
  answered, withdrawn, expired (or reinstated, which starts a new review step with new links),
  the page says what happened instead, and nothing changes.
- Who may use it: the link itself authorises this one action on this one request, so it works
  without signing in; the page shows only the mentee's name, the area and their statement (what
  the email itself says). Someone signed in as another person is refused (sign out first).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task

from . import rules
from .models import Relationship, State

SALT = "journeys.answer_links"
ACTIONS = ("accept", "decline")
DAYS_WHEN_REQUESTS_NEVER_EXPIRE = 30


def make_token(relationship_id: int, task_id: int, action: str) -> str:
    if action not in ACTIONS:
        raise ValueError(action)
    return signing.TimestampSigner(salt=SALT).sign_object(
        {"r": relationship_id, "t": task_id, "a": action}, compress=True
    )


def review_task(relationship: Relationship) -> Task | None:
    """The mentor's review step while it waits (the only open task of theirs on a waiting request)."""
    if relationship.state != State.REQUESTED:
        return None
    tasks = Task.objects.filter(
        process__mentoringprocess__relationship=relationship,
        owner_id=relationship.mentor_id,
        flow_task_type="HUMAN",
        status__in=rules.OPEN_TASK_STATUSES,
    ).order_by("-pk")
    return next((t for t in tasks if t.flow_task.name == "review_request"), None)


def url_for(relationship_id: int, task_id: int, action: str) -> str:
    return reverse("answer_from_email", args=[make_token(relationship_id, task_id, action)])


def urls(relationship: Relationship, task_id: int | None = None) -> dict[str, str]:
    """``{"accept": url, "decline": url}`` (full addresses) for the request's email; {} if it does not wait.

    ``task_id``: the review step's, when the caller has it (the flow has just started the step, or
    read it with the relationship); else it is looked up.
    """
    if relationship.state != State.REQUESTED:
        return {}
    if task_id is None:
        task = review_task(relationship)
        if task is None:
            return {}
        task_id = task.pk
    return {action: settings.SITE_URL + url_for(relationship.pk, task_id, action) for action in ACTIONS}


class BadLink(Exception):
    """A link that was tampered with, cut short, or is not one of ours."""


class ExpiredLink(Exception):
    """A genuine link whose time is over (``still_good``)."""


@dataclass(frozen=True)
class Link:
    relationship: Relationship
    task_id: int
    action: str

    def waiting(self) -> bool:
        """Still usable: the request waits for the mentor, at the review step this link was made for."""
        if self.relationship.state != State.REQUESTED:
            return False
        return Task.objects.filter(pk=self.task_id, status__in=rules.OPEN_TASK_STATUSES).exists()


def still_good(token: str, relationship: Relationship) -> bool:
    """Whether a genuine link to ``relationship`` still works: until the request's own expiry moment,
    the one its emails give (not the current setting: requests sent before REQUEST_EXPIRE_DAYS was
    changed keep theirs); for a request that never expires, ``DAYS_WHEN_REQUESTS_NEVER_EXPIRE`` days
    after the email. A request that has expired is no time-out of the link: its page says the
    request expired, which is why nothing can be done."""
    if relationship.state == State.EXPIRED:
        return True
    if relationship.expires_at is not None:
        return timezone.now() < relationship.expires_at
    try:
        signing.TimestampSigner(salt=SALT).unsign(token, max_age=DAYS_WHEN_REQUESTS_NEVER_EXPIRE * 86400)
    except signing.SignatureExpired:
        return False
    return True


def read(token: str) -> Link:
    """The link ``token`` stands for; ``BadLink`` or ``ExpiredLink`` otherwise (never anything else)."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        data = signer.unsign_object(token)  # how long it works depends on its request (``still_good``)
    except (signing.BadSignature, ValueError, TypeError):
        raise BadLink from None
    try:
        pk, task_id, action = int(data["r"]), int(data["t"]), str(data["a"])
    except (KeyError, TypeError, ValueError):
        raise BadLink from None
    if action not in ACTIONS:
        raise BadLink
    relationship = Relationship.objects.select_related("mentee", "mentor", "area").filter(pk=pk).first()
    if relationship is None:
        raise BadLink  # erased since: nothing to show
    if not still_good(token, relationship):
        raise ExpiredLink
    return Link(relationship, task_id, action)
