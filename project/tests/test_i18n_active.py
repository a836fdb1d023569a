"""Translation happens: with a catalogue for another language, pages, form errors, refusals and
lazy labels come out in that language.

The catalogue is a tiny French one written by the test (a .mo file built here in Python, so no
GNU gettext is needed), in a LOCALE_PATHS directory of its own; the platform runs with
LANGUAGE_CODE "fr", as a deployment in French would.
"""

from __future__ import annotations

import re
import struct

import pytest
from django.urls import reverse
from django.utils import translation

from journeys.models import State
from journeys.services.reminders import remind_mentor_to_review
from journeys.tests.helpers import send, walk_to
from notifications.models import Notification
from people.models import AreaOfSupport

# msgid -> msgstr; a tuple key is (singular, plural) -> (forms...)
FRENCH = {
    # templates: plain, with a variable, in an attribute, plural
    "Relationships": "Relations",
    "Mentors": "Mentors (FR)",
    "Messages": "Messagerie",
    "Actions for %(name)s": "Actions pour %(name)s",
    "Review the mentoring request": "Examiner la demande de mentorat",
    "Accept": "Accepter",
    "Decline": "Refuser",
    "Personal statement": "Présentation personnelle",
    "Mentoring request from %(name)s": "Demande de mentorat de %(name)s",
    ("%(total)s mentor matches.", "%(total)s mentors match."): (
        "%(total)s mentor correspond.",
        "%(total)s mentors correspondent.",
    ),
    # Python: a State label (gettext_lazy, read when the page is drawn)
    "Request awaiting the mentor": "Demande en attente du mentor",
    "Matched: arrange the first meeting": "Binôme formé : organisez la première rencontre",
    # a form's error
    "Please tell your mentor a little more (at least 20 characters).": (
        "Dites-en un peu plus à votre mentor (au moins 20 caractères)."
    ),
    # a guard's refusal (gettext_lazy at import), shown as a message
    "Set at least one SMART goal on the Goals page before completing the first conversation.": (
        "Fixez au moins un objectif SMART sur la page Objectifs avant de terminer la première conversation."
    ),
    # a message with a placeholder (gettext in a view)
    "Your request has been sent to %(name)s.": "Votre demande a été envoyée à %(name)s.",
    # a form label the model field's name would otherwise give, in English
    "Organisation": "Organisme",
    # emails: an event's subject, the layout's greeting, a reminder's stop link, an account email
    "New mentoring request from %(mentee)s": "Nouvelle demande de mentorat de %(mentee)s",
    "Hello %(name)s,": "Bonjour %(name)s,",
    "Stop %(kind)s": "Arrêter les %(kind)s",
    "Reminders to answer a mentoring request": "Rappels de réponse",
    "Choose a new password": "Choisissez un nouveau mot de passe",
}


def write_mo(path, catalogue: dict) -> None:
    """A GNU .mo file (the format Python's gettext and Django read) for ``catalogue``."""
    header = "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n > 1);\n"
    entries = {b"": header.encode()}
    for msgid, msgstr in catalogue.items():
        if isinstance(msgid, tuple):
            entries["\0".join(msgid).encode()] = "\0".join(msgstr).encode()
        else:
            entries[msgid.encode()] = msgstr.encode()
    keys = sorted(entries)
    ids, strs = b"", b""
    offsets = []
    for key in keys:
        offsets.append((len(ids), len(key), len(strs), len(entries[key])))
        ids += key + b"\0"
        strs += entries[key] + b"\0"
    start = 7 * 4 + 16 * len(keys)
    ids_start, strs_start = start, start + len(ids)
    table_ids = b"".join(struct.pack("<2I", length, ids_start + o) for o, length, _s, _l in offsets)
    table_strs = b"".join(struct.pack("<2I", length, strs_start + o) for _i, _k, o, length in offsets)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        struct.pack("<7I", 0x950412DE, 0, len(keys), 28, 28 + 8 * len(keys), 0, 0) + table_ids + table_strs + ids + strs
    )


@pytest.fixture
def french(settings, tmp_path):
    write_mo(tmp_path / "fr" / "LC_MESSAGES" / "django.mo", FRENCH)
    settings.LOCALE_PATHS = [tmp_path]  # (setting_changed empties Django's translation caches)
    settings.LANGUAGE_CODE = "fr"
    settings.LANGUAGES = [("fr", "French"), ("en-gb", "English")]
    translation.activate("fr")
    yield
    translation.activate("en-gb")


def test_the_catalogue_is_read(french):
    assert translation.gettext("Relationships") == "Relations"
    assert translation.ngettext("%(total)s mentor matches.", "%(total)s mentors match.", 3) == (
        "%(total)s mentors correspondent."
    )
    assert str(State.REQUESTED.label) == "Demande en attente du mentor"


@pytest.mark.django_db
def test_the_relationships_page_in_french(french, client, mentee, mentor):
    send(mentee, mentor)
    client.force_login(mentee)
    page = client.get(reverse("relationships")).content.decode()
    assert '<html lang="fr">' in page
    assert "<h1>Relations</h1>" in page
    assert "Demande en attente du mentor" in page  # the state's label, a lazy TextChoices label
    assert f'aria-label="Actions pour {mentor.display_name}"' in page  # a translated attribute
    assert ">Messagerie</a>" in page
    assert "<h1>Relationships</h1>" not in page and "Request awaiting the mentor" not in page


@pytest.mark.django_db
def test_a_step_page_in_french(french, client, mentee, mentor):
    rel = send(mentee, mentor)
    client.force_login(mentor)
    page = client.get(reverse("next_step", args=[rel.pk]), follow=True).content.decode()
    assert "Examiner la demande de mentorat" in page  # the title
    assert f"Demande de mentorat de {mentee.display_name}" in page  # a sentence with a name in it
    assert ">Accepter</button>" in page and ">Refuser</button>" in page
    assert "<dt>Présentation personnelle</dt>" in page


@pytest.mark.django_db
def test_a_form_error_and_a_message_in_french(french, client, mentee, mentor):
    client.force_login(mentee)
    url = reverse("request_new", args=[mentor.pk])
    area = AreaOfSupport.objects.filter(active=True).first()
    page = client.post(url, {"area": area.pk, "statement": "Too short", "preview": "1"}).content.decode()
    assert "Dites-en un peu plus à votre mentor (au moins 20 caractères)." in page
    assert "Please tell your mentor a little more" not in page
    statement = "I would like help building my professional network."
    response = client.post(url, {"area": area.pk, "statement": statement, "send": "1"}, follow=True)
    assert f"Votre demande a été envoyée à {mentor.display_name}." in response.content.decode()


@pytest.mark.django_db
def test_a_guards_refusal_in_french(french, client, mentee, mentor):
    """A guard's sentence is declared once at import (gettext_lazy): it still follows the language."""
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    client.force_login(mentee)
    task_url = client.get(reverse("next_step", args=[rel.pk])).url
    page = client.post(task_url, follow=True).content.decode()
    assert "Fixez au moins un objectif SMART sur la page Objectifs avant de terminer la première conversation." in page


@pytest.mark.django_db
def test_a_plural_in_french(french, client, mentee, mentor):
    client.force_login(mentee)
    page = client.get(reverse("find_mentor")).content.decode()
    assert re.search(r"\b1 mentor correspond\.|\b\d+ mentors correspondent\.", page)
    assert "mentor matches." not in page and "mentors match." not in page


@pytest.mark.django_db
def test_english_stays_the_default(client, mentee, mentor):
    send(mentee, mentor)
    client.force_login(mentee)
    page = client.get(reverse("relationships")).content.decode()
    assert '<html lang="en-gb">' in page and "<h1>Relationships</h1>" in page


@pytest.mark.django_db
def test_the_profile_form_labels_every_field_in_french(french, client, mentee):
    """A model field with no verbose_name is labelled from its name, in English: the form names it."""
    client.force_login(mentee)
    page = client.get(reverse("profile")).content.decode()
    assert '<label for="id_organisation">Organisme' in page


def test_every_form_labels_its_fields_with_marked_words():
    """A form field's label is a gettext_lazy string (or none): a plain string, such as the one Django
    makes from a model field's name, never follows the language."""
    import importlib
    import inspect
    import pkgutil

    from django import forms
    from django.utils.functional import Promise

    unmarked = []
    for app in ("people", "journeys", "notifications", "support", "staff", "project"):
        for info in pkgutil.walk_packages(importlib.import_module(app).__path__, app + "."):
            if any(part in info.name for part in (".tests", ".migrations", ".management", "project.settings")):
                continue
            module = importlib.import_module(info.name)
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ != module.__name__ or not issubclass(cls, forms.BaseForm):
                    continue
                for field_name, field in cls.base_fields.items():
                    if field.label is not None and not isinstance(field.label, Promise):
                        unmarked.append(f"{info.name}.{name}.{field_name}: {field.label!r}")
    assert unmarked == []


@pytest.mark.django_db
def test_an_email_in_french_says_its_language(french, client, mentee, mentor):
    send(mentee, mentor)
    note = Notification.objects.get(recipient=mentor, event="request_sent")
    assert note.subject == f"Nouvelle demande de mentorat de {mentee.display_name}"
    assert note.body_text.startswith(f"Bonjour {mentor.first_name},")
    assert '<html lang="fr">' in note.body_html and "en-GB" not in note.body_html


@pytest.mark.django_db
def test_an_email_is_in_the_programmes_language_whatever_the_senders_browser(french, client, mentee, mentor):
    """The mentee reads the pages in English (their browser asks for it); the mentor is emailed in the
    programme's language, as the reminders the worker writes are, not in the mentee's."""
    client.force_login(mentee)
    area = AreaOfSupport.objects.filter(active=True).first()
    statement = "I would like help building my professional network."
    response = client.post(
        reverse("request_new", args=[mentor.pk]),
        {"area": area.pk, "statement": statement, "send": "1"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9",
    )
    assert f"Your request has been sent to {mentor.display_name}." in response.content.decode()
    note = Notification.objects.get(recipient=mentor, event="request_sent")
    assert note.subject == f"Nouvelle demande de mentorat de {mentee.display_name}"
    assert '<html lang="fr">' in note.body_html


@pytest.mark.django_db
def test_a_reminders_stop_link_is_in_the_programmes_language(french, mentee, mentor):
    rel = send(mentee, mentor)
    with translation.override("en-gb"):  # whoever or whatever sends it
        assert remind_mentor_to_review(rel)
    note = Notification.objects.get(recipient=mentor, event="reminder_review_request")
    assert "Arrêter les rappels de réponse: http" in note.body_text
    assert "Stop reminders" not in note.body_text


@pytest.mark.django_db
def test_an_account_email_in_french_says_its_language(french, client, mentee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": mentee.email}, HTTP_ACCEPT_LANGUAGE="en-GB")
    note = Notification.objects.get(email=mentee.email, event="account_password_reset_key")
    assert note.subject == "Choisissez un nouveau mot de passe"
    assert note.body_html.startswith("<!DOCTYPE html>") and '<html lang="fr">' in note.body_html
