"""Retention: accounts nobody has used for RETENTION_INACTIVE_DAYS are anonymised, after a warning.

Run daily by Celery beat (``people.tasks.apply_retention``) or by hand
(``manage.py apply_retention``). One pass:

1. A person who was warned and has since signed in or used the platform is no longer due:
   their warning is cleared (a later spell of inactivity warns them again).
2. A person inactive for RETENTION_INACTIVE_DAYS - RETENTION_WARNING_DAYS who has not been
   warned is emailed once (through the notification outbox) and stamped ``retention_warned_at``.
3. A person warned at least RETENTION_WARNING_DAYS ago and not seen since is anonymised, exactly
   as if they had deleted their account (``people.services.delete_account``).

"Seen" is the latest of: signing in (``last_login``), using the platform (``Profile.last_active_at``)
and joining. Staff accounts are never swept. Expired data-export files, and sign-in records older than
SIGN_IN_RECORDS_KEEP_DAYS (everyone's, staff's too), are removed on each pass.

An account the programme team deactivated is swept too: nobody can use it, so it is exactly the kind
of account the privacy page promises to anonymise. Its owner cannot sign in to keep it, so their warning
(``retention_warning_deactivated``, the one email a deactivated account is sent) asks them to contact the
programme team instead: staff can reactivate the account, and signing in again then keeps it.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from .erasure import SIGN_IN_RECORDS

logger = logging.getLogger(__name__)


@dataclass
class RetentionResult:
    warned: int = 0
    anonymised: int = 0
    came_back: int = 0
    expired_exports_removed: int = 0
    sign_in_records_removed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _candidates():
    """Participants' accounts not yet anonymised (active or deactivated), each with ``last_seen``."""
    return (
        get_user_model()
        .objects.filter(anonymised_at__isnull=True, is_staff=False, is_superuser=False)
        .annotate(
            last_seen=Greatest(
                Coalesce(F("last_login"), F("date_joined")),
                Coalesce(F("profile__last_active_at"), F("date_joined")),
                F("date_joined"),
            )
        )
    )


def apply_retention(now=None) -> RetentionResult:
    from .exports import remove_expired
    from .services import delete_account

    now = now or timezone.now()
    inactive_days = settings.RETENTION_INACTIVE_DAYS
    warning_days = min(settings.RETENTION_WARNING_DAYS, inactive_days)
    result = RetentionResult()

    # 1. Came back after the warning: no longer due.
    back_ids = list(
        _candidates()
        .filter(retention_warned_at__isnull=False, last_seen__gt=F("retention_warned_at"))
        .values_list("pk", flat=True)
    )
    result.came_back = get_user_model().objects.filter(pk__in=back_ids).update(retention_warned_at=None)

    # 2. Warn, once.
    warn_before = now - timedelta(days=inactive_days - warning_days)
    for pk in (
        _candidates().filter(retention_warned_at__isnull=True, last_seen__lte=warn_before).values_list("pk", flat=True)
    ):
        if _warn(pk, now, warn_before, warning_days):
            result.warned += 1

    # 3. Anonymise those warned long enough ago and not seen since.
    due = _candidates().filter(
        retention_warned_at__lte=now - timedelta(days=warning_days),
        last_seen__lte=F("retention_warned_at"),
    )
    for user in due:
        try:
            delete_account(user)
            result.anonymised += 1
        except Exception:  # one failure must not stop the sweep; it is retried tomorrow
            logger.exception("Retention could not anonymise account %s", user.pk)

    result.expired_exports_removed = remove_expired()
    result.sign_in_records_removed = remove_old_sign_in_records(now)
    if any(result.as_dict().values()):
        logger.info("Retention: %s", result.as_dict())
    return result


def remove_old_sign_in_records(now) -> int:
    """Sign-in records (django-axes: each sign-in, and wrong passwords) older than SIGN_IN_RECORDS_KEEP_DAYS,
    as the privacy page says; how many rows went."""
    before = now - timedelta(days=settings.SIGN_IN_RECORDS_KEEP_DAYS)
    return sum(model.objects.filter(attempt_time__lt=before).delete()[0] for model in SIGN_IN_RECORDS)


def _warn(pk: int, now, warn_before, warning_days: int) -> bool:
    from notifications.services import notify

    with transaction.atomic():
        user = (
            _candidates()
            .select_for_update(skip_locked=True, of=("self",))
            .filter(Q(pk=pk), retention_warned_at__isnull=True, last_seen__lte=warn_before)
            .first()
        )
        if user is None:  # already warned by another run, or came back meanwhile
            return False
        user.retention_warned_at = now
        user.save(update_fields=["retention_warned_at"])
        # A deactivated person cannot sign in to keep their account: they are told whom to ask instead.
        event = "retention_warning" if user.is_active else "retention_warning_deactivated"
        notify(user, event, anonymise_on=now + timedelta(days=warning_days))
    return True
