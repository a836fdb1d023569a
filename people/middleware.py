from django.utils import timezone


class ActivityMiddleware:
    """Record when a participant was last seen (at most once every ten minutes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from .models import Profile

            now = timezone.now()
            cutoff = now - timezone.timedelta(minutes=10)
            Profile.objects.filter(user=user, last_active_at__lt=cutoff).update(last_active_at=now)
        return response
