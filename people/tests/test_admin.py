"""The Django admin deletes no member (that would end their relationships unannounced and skip erasure):
members are erased as Delete my account does, by ``manage.py erase_account`` when they cannot do it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from journeys.models import Relationship
from journeys.tests.helpers import send, walk_to
from people.tests.factories import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return make_staff(email="root@example.com", is_superuser=True)


def test_the_admin_offers_no_way_to_delete_a_member(client, superuser, mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    client.force_login(superuser)
    change = client.get(reverse("admin:people_user_change", args=[mentee.pk])).content.decode()
    assert reverse("admin:people_user_delete", args=[mentee.pk]) not in change
    assert client.get(reverse("admin:people_user_delete", args=[mentee.pk])).status_code == 403
    assert client.post(reverse("admin:people_user_delete", args=[mentee.pk]), {"post": "yes"}).status_code == 403
    changelist = client.get(reverse("admin:people_user_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    client.post(
        reverse("admin:people_user_changelist"),
        {"action": "delete_selected", "_selected_action": [mentee.pk], "post": "yes"},
    )
    assert get_user_model().objects.filter(pk=mentee.pk, anonymised_at__isnull=True).exists()
    assert Relationship.objects.get(pk=rel.pk).mentee_id == mentee.pk


def test_erase_account_erases_a_member_as_delete_my_account_does(
    mentee, mentor, monkeypatch, capsys, django_capture_on_commit_callbacks
):
    walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    monkeypatch.setattr("builtins.input", lambda prompt: "someone@else.example")
    with pytest.raises(CommandError, match="not the same"):
        call_command("erase_account", mentee.email)
    mail.outbox.clear()
    monkeypatch.setattr("builtins.input", lambda prompt: mentee.email.upper())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("erase_account", mentee.email)
    assert "Erased John Smith's account" in capsys.readouterr().out
    mentee.refresh_from_db()
    assert mentee.anonymised_at and mentee.first_name == "Former" and "john" not in mentee.email
    assert [m.to for m in mail.outbox if "left the programme" in m.subject] == [[mentor.email]]
    with pytest.raises(CommandError, match="No account"):
        call_command("erase_account", "john@example.com", "--yes")


def test_erase_account_leaves_staff_accounts_alone(superuser):
    with pytest.raises(CommandError, match="staff account"):
        call_command("erase_account", superuser.email, "--yes")


def test_the_admin_offers_no_way_to_delete_a_relationship(client, superuser, mentee, mentor):
    """It ends through the journey (withdraw, or staff closing it), which tells both people."""
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    client.force_login(superuser)
    url = reverse("admin:journeys_relationship_delete", args=[rel.pk])
    assert url not in client.get(reverse("admin:journeys_relationship_change", args=[rel.pk])).content.decode()
    assert client.post(url, {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:journeys_relationship_changelist"),
        {"action": "delete_selected", "_selected_action": [rel.pk], "post": "yes"},
    )
    assert Relationship.objects.filter(pk=rel.pk).exists()
