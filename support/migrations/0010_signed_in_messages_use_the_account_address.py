"""Mend the Contact messages sent signed in with another address typed in the form.

Such a message is its account's (``user``): its replies go to the account's address. Before, the
typed address was kept and used, and whoever owned it was shown the conversation as theirs. The
rows are surely identified (``user`` set, an address other than the account's): the address
becomes the account's. Messages sent signed out keep their typed address; no account lists them.
"""

from django.conf import settings
from django.db import migrations
from django.db.models import F
from django.db.models.functions import Lower


def mend(apps, schema_editor):
    SupportRequest = apps.get_model("support", "SupportRequest")
    wrong = (
        SupportRequest.objects.filter(user__isnull=False)
        .annotate(own=Lower("user__email"), typed=Lower("email"))
        .exclude(typed=F("own"))
    )
    for row in wrong.select_related("user").iterator():
        SupportRequest.objects.filter(pk=row.pk).update(email=row.user.email)


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0009_video_placeholders_are_drafts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(mend, migrations.RunPython.noop)]
