from datetime import timedelta

from django.utils import timezone

from .models import Profile

ACTIVITY_EVERY = timedelta(minutes=10)


class ActivityMiddleware:
    """Record when a participant was last seen (at most once every ten minutes).

    The stamp is one UPDATE that only changes a row stamped more than ten minutes ago. When the
    page has already read the participant's profile (most pages do) and its stamp is recent,
    that UPDATE would change nothing, so it is not sent.
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
            Profile.objects.filter(user=user, last_active_at__lt=cutoff).update(last_active_at=now)
        return response


def _loaded_profile(user):
    """The profile this request already read for ``user`` (``user.profile``), without a query."""
    relation = Profile._meta.get_field("user").remote_field
    try:
        return relation.get_cached_value(user, default=None)
    except AttributeError:  # not a model instance
        return None
