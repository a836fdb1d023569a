"""Writes for bringing members in: an uploaded file's preview and import, invitations, sign-up mode.

- ``preview`` reads and checks an uploaded file (``parsing``, ``checks``) into an ``ImportBatch``
  and its rows; nothing else changes until staff confirm.
- ``confirm`` queues the import (``queue_soon``: a broker down or silent costs the page about
  NOTIFICATION_BROKER_TIMEOUT, never an error; an import not started within QUEUE_GRACE_SECONDS is
  started by the sweep, ``tasks.start_waiting_imports``); ``run`` (the Celery task ``tasks.run_import``, and
  ``bench_import``) creates the valid rows' accounts ``IMPORT_CHUNK`` at a time, each chunk in one
  transaction that also records the batch's progress: users, profiles, their areas, allauth's
  (unverified) email addresses and invitations with ``bulk_create``, and the invitation emails as
  outbox rows written together and published after commit. An address that has an account by then is
  skipped, so running a batch again, or importing the same file again, creates nothing twice.
- ``invite`` (one person by hand), ``resend`` (a new link; the old one stops working) and
  ``accept`` (the person sets a password: their address is verified, onboarding starts).
- ``set_signup_mode``: open, invitations only, or listed email domains (``SignupSettings``).
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from journeys.flows import onboarding
from journeys.services.base import Refused
from notifications.services import notify
from notifications.tasks import queue_soon
from people.models import Profile

from . import checks, parsing, tokens
from .models import ImportBatch, ImportRow, Invitation, SignupSettings
from .running import IMPORT_CHUNK, _context, _expiry, _send_invitations, run  # noqa: F401 (run: the task's work)
from .tasks import run_import

User = get_user_model()


# --------------------------------------------------------------------------- upload and preview


def preview(*, staff_user, upload) -> ImportBatch:
    """Read and check ``upload``; its rows wait, checked, for ``confirm``."""
    try:
        sheet = parsing.read(upload)
    except parsing.UnreadableFile as unreadable:
        raise Refused(str(unreadable)) from None
    checked = checks.check(sheet)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            created_by=staff_user,
            filename=(getattr(upload, "name", "") or "upload")[:200],
            total_rows=len(checked),
            valid_rows=sum(1 for row in checked if row.status == ImportRow.Status.VALID),
        )
        ImportRow.objects.bulk_create(
            [
                ImportRow(
                    batch=batch,
                    line=row.line,
                    email=row.email or row.cells["email"][:254],
                    first_name=row.cells["first_name"][:150],
                    last_name=row.cells["last_name"][:150],
                    organisation=row.cells["organisation"][:120],
                    role=row.role,
                    area_ids=row.area_ids,
                    community_id=row.community_id,
                    raw=row.cells,
                    problems=row.problems,
                    status=row.status,
                )
                for row in checked
            ],
            batch_size=2000,
        )
    return batch


def confirm(batch: ImportBatch, *, staff_user) -> ImportBatch:
    """Start creating the accounts of ``batch``'s valid rows in the background (at once, or, when the
    task queue cannot be reached, within a few minutes by the sweep)."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        _refuse_unless_preview(batch, cancelling=False)
        if not batch.valid_rows:
            raise Refused(_("No row of this file can be imported: correct the file and upload it again."))
        batch.status = ImportBatch.Status.QUEUED
        batch.queued_at = timezone.now()
        batch.save(update_fields=["status", "queued_at"])
        transaction.on_commit(lambda: queue_soon(run_import, batch.pk))
    return batch


def _refuse_unless_preview(batch: ImportBatch, *, cancelling: bool) -> None:
    """Only a checked batch waiting for confirmation may be confirmed or cancelled: otherwise say
    what became of it, in the words of the action asked for."""
    status = batch.status
    if status == ImportBatch.Status.PREVIEW:
        return
    if status == ImportBatch.Status.CANCELLED:
        why = (
            _("This import has already been cancelled.")
            if cancelling
            else _("This import was cancelled: to import this file, upload it again.")
        )
    elif status == ImportBatch.Status.DONE:
        why = (
            _("This import has already finished: it can no longer be cancelled.")
            if cancelling
            else _("This import has already been confirmed, and it has finished.")
        )
    elif status == ImportBatch.Status.FAILED:
        why = (
            _("This import has already run and stopped on an error: it can no longer be cancelled.")
            if cancelling
            else _(
                "This import has already been confirmed, and it stopped on an error: to import the rest, upload the file again."
            )
        )
    else:  # queued or running
        why = (
            _(
                "This import has already been confirmed and its accounts are being created: it can no longer be cancelled."
            )
            if cancelling
            else _("This import has already been confirmed: its accounts are being created.")
        )
    raise Refused(why)


def discard(batch: ImportBatch) -> None:
    """Forget a preview that will not be imported."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        _refuse_unless_preview(batch, cancelling=True)
        batch.status = ImportBatch.Status.CANCELLED
        batch.save(update_fields=["status"])
        batch.rows.all().delete()


# --------------------------------------------------------------------------- invitations


def invite(*, staff_user, email: str, first_name: str, last_name: str, role: str, organisation: str = "") -> Invitation:
    """Staff invite one person by hand: their account, profile and invitation, and the email."""
    email = email.strip().lower()
    with transaction.atomic():
        existing = User.objects.filter(email=email).select_related("invitation").first()
        if existing is not None:
            if getattr(existing, "invitation", None) and not existing.invitation.is_accepted:
                raise Refused(
                    _("%(email)s has already been invited: resend the invitation instead.") % {"email": email}
                )
            raise Refused(_("%(email)s already has an account.") % {"email": email})
        now = timezone.now()
        user = User.objects.create(
            email=email, first_name=first_name.strip(), last_name=last_name.strip(), password=make_password(None)
        )
        Profile.objects.create(
            user=user,
            is_mentor=role in ("mentor", "both"),
            is_mentee=role in ("mentee", "both"),
            organisation=organisation.strip(),
        )
        EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
        invitation = Invitation.objects.create(user=user, invited_by=staff_user, sent_at=now, expires_at=_expiry(now))
        notify(user, "invitation", **_context(invitation))
    return invitation


def resend(invitation: Invitation, *, staff_user) -> Invitation:
    """A new link, valid INVITATION_EXPIRE_DAYS from now; every older link stops working."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
        if invitation.is_accepted:
            raise Refused(_("%(name)s has already joined.") % {"name": invitation.user.display_name})
        if not invitation.user.is_active or invitation.user.anonymised_at:
            raise Refused(_("This account is closed: it cannot be invited again."))
        now = timezone.now()
        invitation.secret = Invitation._meta.get_field("secret").get_default()
        invitation.sent_at = now
        invitation.expires_at = _expiry(now)
        invitation.times_sent = F("times_sent") + 1
        invitation.save(update_fields=["secret", "sent_at", "expires_at", "times_sent"])
        invitation.refresh_from_db(fields=["times_sent"])
        notify(invitation.user, "invitation", **_context(invitation))
    return invitation


class InvalidLink(Exception):
    """The link cannot be used; ``str()`` says why in words for the person who followed it."""


def open_invitation(token: str) -> Invitation:
    """The invitation a link stands for, if it may still be accepted (else ``InvalidLink``)."""
    read = tokens.read(token)
    invitation = Invitation.objects.select_related("user").filter(pk=read[0]).first() if read is not None else None
    if invitation is None or not tokens.matches(invitation, read[1]):
        if invitation is not None and invitation.is_accepted:
            raise InvalidLink(_("This invitation has already been used. Sign in with your email address and password."))
        raise InvalidLink(
            _(
                "This invitation link is not valid: it may have been replaced by a newer one, or copied only in "
                "part. Use the link in the most recent invitation email, or ask the programme team for a new one."
            )
        )
    if invitation.is_accepted:
        raise InvalidLink(_("This invitation has already been used. Sign in with your email address and password."))
    if not invitation.user.is_active or invitation.user.anonymised_at:
        raise InvalidLink(_("This account is closed. Contact the programme team if you think this is a mistake."))
    if invitation.is_expired:
        raise InvalidLink(
            _("This invitation expired on %(date)s. Ask the programme team to send you a new one.")
            % {"date": date_format(timezone.localtime(invitation.expires_at), "j F Y")}
        )
    return invitation


def accept(token: str, *, password: str):
    """The invited person chose a password (already validated): their address counts as verified."""
    with transaction.atomic():
        invitation = open_invitation(token)
        invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
        if invitation.is_accepted:
            raise InvalidLink(_("This invitation has already been used. Sign in with your email address and password."))
        user = invitation.user
        user.set_password(password)
        user.save(update_fields=["password"])
        address, _created = EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        if not address.verified:
            address.verified = True
            address.save(update_fields=["verified"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        onboarding.email_verified(user)
    return user


# --------------------------------------------------------------------------- sign-up mode


def set_signup_mode(*, staff_user, mode: str, domains: list[str]) -> SignupSettings:
    if mode == SignupSettings.Mode.DOMAINS and not domains:
        raise Refused(_("List at least one email domain, or choose another mode."))
    with transaction.atomic():
        current, _created = SignupSettings.objects.select_for_update().get_or_create(pk=1)
        current.mode = mode
        current.domains = sorted({d.strip().lower().lstrip("@") for d in domains if d.strip()})
        current.updated_by = staff_user
        current.save()
    return current
