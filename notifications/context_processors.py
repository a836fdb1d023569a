from functools import cache


def unread(request):
    """The unread-notifications badge: how many of the user's notifications are unread."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from django.db import connection

    # Every page runs this count; its SQL never changes, so it is written once rather than
    # compiled by the ORM on each page (the same query as
    # ``Notification.objects.filter(recipient=user, read_at__isnull=True).count()``).
    with connection.cursor() as cursor:
        cursor.execute(_unread_sql(), [user.pk])
        return {"unread_notifications": cursor.fetchone()[0]}


@cache
def _unread_sql() -> str:
    from django.db import connection

    from .models import Notification

    meta, quote = Notification._meta, connection.ops.quote_name
    return (
        f"SELECT COUNT(*) FROM {quote(meta.db_table)} "
        f"WHERE {quote(meta.get_field('recipient').column)} = %s AND {quote(meta.get_field('read_at').column)} IS NULL"
    )
