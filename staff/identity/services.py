"""Saving the programme's identity: the one row, the sites framework's name, the cache."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sites.models import Site
from django.db import transaction

from project import identity

from .forms import IdentityForm
from .models import SINGLETON, ProgrammeIdentity


def editable() -> ProgrammeIdentity:
    """The row to edit: the saved one, or a new one holding what the platform shows now."""
    row = ProgrammeIdentity.objects.filter(pk=SINGLETON).first()
    if row is None:
        now = identity.current()
        row = ProgrammeIdentity(pk=SINGLETON, programme_name=now.name[:50], support_email=now.support_email)
    return row


def save_identity(form: IdentityForm, staff_user) -> ProgrammeIdentity:
    """Save the settings form (valid, made on ``editable()``): every page and email uses them at once."""
    with transaction.atomic():
        ProgrammeIdentity.objects.select_for_update().filter(pk=SINGLETON).first()  # one save at a time
        row = form.save(commit=False)
        row.pk = SINGLETON
        row.updated_by = staff_user
        previous = ProgrammeIdentity.objects.filter(pk=SINGLETON).values_list("logo", "logo_version").first()
        old_logo, version = previous or ("", 0)
        new_upload = "logo" in form.changed_data and bool(form.cleaned_data.get("logo"))
        if new_upload or (form.cleaned_data.get("remove_logo") and old_logo):
            row.logo_version = version + 1
            if not new_upload:
                row.logo = ""
        row.save()
        # allauth's emails read the sites framework's name: it follows the programme's.
        Site.objects.filter(pk=settings.SITE_ID).update(name=row.programme_name[:50])
        if old_logo and old_logo != row.logo.name:
            storage, name = row.logo.storage, old_logo
            transaction.on_commit(lambda: storage.delete(name))
        transaction.on_commit(identity.forget)
    identity.forget()
    return row
