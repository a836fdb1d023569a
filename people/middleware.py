from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from .models import Profile

ACTIVITY_EVERY = timedelta(minutes=10)


class ActivityMiddleware:
    """Record when a participant was last seen (at most once every ten minutes).

    The stamp is one UPDATE that only changes a row stamped more than ten minutes ago. When the
    page has already read the participant's profile (most pages do) and its stamp is recent,
    that UPDATE would change nothing, so it is not sent; nor when this person was stamped less
    than ten minutes ago by any web node (a key in the shared cache, ``active:<user id>``, that
    lives ten minutes). Without the cache (it is down) the UPDATE is sent, as before.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now()
            cutoff = now - ACTIVITY_EVERY
            loaded = _loaded_profile(user)
            if loaded is not None and loaded.last_active_at is not None and loaded.last_active_at >= cutoff:
                return response
            if not _first_in_a_while(user):
                return response
            Profile.objects.filter(user=user, last_active_at__lt=cutoff).update(last_active_at=now)
        return response


def _first_in_a_while(user) -> bool:
    """True the first time in ACTIVITY_EVERY that this person is seen (or when the cache cannot tell)."""
    try:
        return bool(cache.add(f"active:{user.pk}", 1, int(ACTIVITY_EVERY.total_seconds())))
    except Exception:  # noqa: BLE001 - the cache being down must not cost the page
        return True


def _loaded_profile(user):
    """The profile this request already read for ``user`` (``user.profile``), without a query."""
    relation = Profile._meta.get_field("user").remote_field
    try:
        return relation.get_cached_value(user, default=None)
    except AttributeError:  # not a model instance
        return None
