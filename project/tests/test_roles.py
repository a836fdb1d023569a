"""The two staff roles (project.roles): groups made by migrate, what each may open, and the words of a refusal."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from people.tests.factories import make_staff
from project import roles
from staff.nav import SECTIONS

pytestmark = pytest.mark.django_db


def test_migrate_makes_both_groups_with_their_permissions():
    managers = Group.objects.get(name=roles.MANAGERS)
    support = Group.objects.get(name=roles.SUPPORT)
    assert sorted(p.codename for p in managers.permissions.all()) == sorted(c for c, _ in roles.PERMISSIONS)
    assert not support.permissions.exists()


def test_role_of_each_kind_of_account(mentee):
    manager = make_staff(email="m@example.com")
    helper = make_staff(email="s@example.com", role="support")
    ungrouped = make_staff(email="n@example.com", role=None)
    assert roles.role_of(manager) == "manager"
    assert roles.role_of(helper) == "support"
    assert roles.role_of(ungrouped) == "support"  # the least a staff account can do
    assert roles.role_of(mentee) is None
    assert roles.can(manager, roles.EXPORT) and not roles.can(helper, roles.EXPORT)
    roles.set_role(helper, "manager")
    assert roles.role_of(helper) == "manager"
    helper.is_active = False
    assert roles.role_of(helper) is None


def test_a_refusal_says_why(client, mentee):
    client.force_login(mentee)
    page = client.get(reverse("staff_inbox"))
    assert page.status_code == 403
    assert "for the programme team only" in page.content.decode()
    client.force_login(make_staff(email="s@example.com", role="support"))
    page = client.get(reverse("staff_reports_csv"))
    assert page.status_code == 403
    assert "for programme managers only" in page.content.decode()


def test_anonymous_people_are_sent_to_sign_in_and_back(client):
    response = client.get(reverse("staff_inbox"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={reverse('staff_inbox')}"


def test_the_staff_navigation_shows_each_role_its_sections(client):
    client.force_login(make_staff(email="s@example.com", role="support"))
    page = client.get(reverse("staff_inbox")).content.decode()
    assert 'aria-label="Staff area"' in page
    for section in SECTIONS:
        shown = f'href="{reverse(section.url_name)}"' in page
        assert shown == (section.perm is None), section.key
    assert 'aria-current="page">Inbox<' in page
    assert 'aria-label="Main"' not in page  # not the participants' tabs
