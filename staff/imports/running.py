"""The import itself: a confirmed batch's accounts created chunk by chunk, and the invitation emails
of many people at once (the Celery task ``tasks.run_import`` runs ``run``; ``services`` re-exports it
and uses the invitation helpers for one person too). See ``services`` for the whole story."""

from __future__ import annotations

import logging
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from notifications.models import Notification
from notifications.services import deliver_after_commit, written_fields
from people.models import Profile

from . import tokens
from .models import ImportBatch, ImportRow, Invitation

User = get_user_model()
IMPORT_CHUNK = 500
logger = logging.getLogger(__name__)


def run(batch_pk: int, *, chunk: int = IMPORT_CHUNK) -> ImportBatch:
    """Create the accounts of a confirmed batch, chunk by chunk (safe to run again: done rows stay done)."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_pk)
        if batch.status not in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING):
            return batch
        batch.status = ImportBatch.Status.RUNNING
        batch.started_at = batch.started_at or timezone.now()
        batch.save(update_fields=["status", "started_at"])
    try:
        while _import_next_chunk(batch_pk, chunk):
            pass
    except Exception:
        ImportBatch.objects.filter(pk=batch_pk).update(
            status=ImportBatch.Status.FAILED,
            finished_at=timezone.now(),
            error=_("The import stopped on an unexpected error. The accounts made so far are kept."),
        )
        raise
    ImportBatch.objects.filter(pk=batch_pk).update(status=ImportBatch.Status.DONE, finished_at=timezone.now())
    return ImportBatch.objects.get(pk=batch_pk)


def start_waiting() -> int:
    """The sweep's work: run the imports confirmed more than QUEUE_GRACE_SECONDS ago that have not started
    (their queue message was lost to a broker outage), oldest first; how many were run. Safe beside
    their own task and a second sweep: ``run`` takes a batch only while it is queued or running, and
    creates its accounts one locked chunk at a time, so no row is imported twice."""
    since = timezone.now() - timedelta(seconds=settings.QUEUE_GRACE_SECONDS)
    waiting = ImportBatch.objects.filter(status=ImportBatch.Status.QUEUED).filter(
        Q(queued_at__lte=since) | Q(queued_at__isnull=True)  # null: confirmed before queued_at was kept
    )
    ran = 0
    for batch_pk in waiting.order_by("pk").values_list("pk", flat=True):
        try:
            run(batch_pk)
        except Exception:  # recorded on the batch by ``run`` (it stopped on an error); go on with the next
            logger.exception("Import %s stopped on an error", batch_pk)
        ran += 1
    return ran


def _import_next_chunk(batch_pk: int, chunk: int) -> bool:
    """One chunk of rows, in one transaction; False when no row is left."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                batch = ImportBatch.objects.select_for_update().get(pk=batch_pk)
                rows = list(batch.rows.filter(status=ImportRow.Status.VALID).order_by("line")[:chunk])
                if not rows:
                    return False
                _create_accounts(batch, rows)
                return True
        except IntegrityError:  # someone signed up with one of these addresses meanwhile: check again
            if attempt == 2:
                raise
    return True  # pragma: no cover


def _create_accounts(batch: ImportBatch, rows: list[ImportRow]) -> None:
    now = timezone.now()
    taken = set(User.objects.filter(email__in=[r.email for r in rows]).values_list("email", flat=True))
    new_rows = [r for r in rows if r.email not in taken]
    users = User.objects.bulk_create(
        [
            User(
                email=r.email,
                first_name=r.first_name,
                last_name=r.last_name,
                password=make_password(None),
                date_joined=now,
            )
            for r in new_rows
        ]
    )
    profiles = Profile.objects.bulk_create(
        [
            Profile(
                user=user,
                is_mentor=r.role in ("mentor", "both"),
                is_mentee=r.role in ("mentee", "both"),
                organisation=r.organisation,
                community_id=r.community_id,
                last_active_at=now,
            )
            for user, r in zip(users, new_rows, strict=True)
        ]
    )
    Through = Profile.areas.through
    Through.objects.bulk_create(
        [
            Through(profile_id=profile.pk, areaofsupport_id=area_id)
            for profile, r in zip(profiles, new_rows, strict=True)
            for area_id in r.area_ids
        ]
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, verified=False, primary=True) for user in users]
    )
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(user=user, invited_by_id=batch.created_by_id, batch=batch, sent_at=now, expires_at=_expiry(now))
            for user in users
        ]
    )
    _send_invitations(invitations)
    # Two statements, not one per row: each created row gets the account of its address.
    ImportRow.objects.filter(pk__in=[r.pk for r in new_rows]).update(
        status=ImportRow.Status.CREATED,
        user_id=Subquery(User.objects.filter(email=OuterRef("email")).values("pk")[:1]),
    )
    if taken:
        ImportRow.objects.filter(pk__in=[r.pk for r in rows if r.email in taken]).update(
            status=ImportRow.Status.SKIPPED
        )
    ImportBatch.objects.filter(pk=batch.pk).update(
        processed=F("processed") + len(rows),
        created_count=F("created_count") + len(users),
        skipped_count=F("skipped_count") + len(rows) - len(users),
    )


def _expiry(now):
    return now + timedelta(days=settings.INVITATION_EXPIRE_DAYS)


def _context(invitation: Invitation) -> dict:
    return {"token": tokens.make(invitation), "expires_at": invitation.expires_at}


# Stand-ins rendered once per chunk and replaced per person: letters only, so neither HTML escaping
# nor a URL changes them (the token itself is URL-safe base64 and colons).
_NAME, _EMAIL, _TOKEN = "Zq7NameStandIn", "zq7emailstandin", "Zq7TokenStandIn"


def _send_invitations(invitations: list[Invitation]) -> None:
    """The invitation emails of many people: outbox rows written together, published after commit.

    The event is rendered once for everyone with a first name (stand-ins for their name, address
    and link, replaced per person, the name HTML-escaped in the HTML part), which is what makes
    10,000 invitations quick; ``test_bulk_invitations_are_what_notify_writes`` checks the rows equal
    what ``notify`` writes. Anyone without a first name is rendered on their own.
    """
    if not invitations:
        return
    shape = None
    rows = []
    for inv in invitations:
        user = inv.user
        context = _context(inv)
        if not user.first_name:
            fields = written_fields(user, "invitation", context)
        else:
            if shape is None or shape[0] != inv.expires_at:
                stand_in = User(email=_EMAIL, first_name=_NAME)
                shape = (inv.expires_at, written_fields(stand_in, "invitation", {**context, "token": _TOKEN}))
            fields = {key: _fill(key, value, user, context["token"]) for key, value in shape[1].items()}
        rows.append(Notification(recipient=user, email=user.email, event="invitation", **fields))
    notes = Notification.objects.bulk_create(rows, batch_size=1000)
    for note in notes:
        deliver_after_commit(note)


def _fill(key: str, value, user, token: str):
    if not isinstance(value, str):
        return value
    html = key == "body_html"
    name = escape(user.first_name) if html else user.first_name
    email = escape(user.email) if html else user.email
    return value.replace(_TOKEN, token).replace(_NAME, name).replace(_EMAIL, email)
