"""Content: FAQs and Resources added, edited, reordered and deleted by programme managers."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from journeys.services.base import Refused
from journeys.stages import STAGES
from people.tests.factories import make_mentee, make_staff
from support import content
from support.models import FAQ, Resource
from support.selectors import faq_sections

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client):
    client.force_login(make_staff())
    return client


def test_resource_stages_follow_the_journey():
    """Resources are grouped by the journey's stages (journeys/stages.py), after "Getting started"."""
    values = list(Resource.Stage.values)
    assert values[0] == "getting_started" and values[1:] == list(STAGES)


def test_add_edit_and_reorder_a_faq(manager_client):
    response = manager_client.post(
        reverse("staff_content_faq_new"),
        {
            "category": "mentor",
            "question": "Pause  my requests",
            "answer": "Untick Open to new requests.",
            "published": "on",
        },
    )
    assert response.status_code == 302
    faq = FAQ.objects.get(question="Pause my requests")
    last = FAQ.objects.filter(category="mentor").order_by("-position", "-pk").first()
    assert last == faq
    response = manager_client.post(
        reverse("staff_content_faq_edit", args=[faq.pk]),
        {"category": "mentor", "question": "pause my requests", "answer": "Changed."},
    )
    faq.refresh_from_db()
    assert response.status_code == 302 and faq.answer == "Changed." and not faq.published
    moved = manager_client.post(reverse("staff_content_faqs"), {"action": "up", "item": faq.pk}, follow=True)
    section = list(FAQ.objects.filter(category="mentor").order_by("position", "pk"))
    assert section[-2] == faq
    # the focus stays on the button just pressed (so it can be pressed again), not on the message
    html = moved.content.decode()
    assert "has moved." in html and '<div class="messages" role="status" aria-live="polite" tabindex="-1">' in html
    [focused] = re.findall(r"<button[^>]*autofocus[^>]*>(.*?)</button>", html)
    assert focused == f'Up<span class="visually-hidden"> {faq.question}</span>'
    # Participants see it only when published.
    shown = [f.pk for section in faq_sections() for f in section.items]
    assert faq.pk not in shown


def test_a_duplicate_question_is_explained_on_the_field(manager_client):
    existing = FAQ.objects.first()
    response = manager_client.post(
        reverse("staff_content_faq_new"),
        {"category": existing.category, "question": existing.question.upper(), "answer": "Again"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "This section already has that question" in html
    assert 'id="id_question_error"' in html


def test_moving_past_the_ends_is_refused():
    first = FAQ.objects.filter(category="general").order_by("position", "pk").first()
    with pytest.raises(Refused, match="already first"):
        content.move_faq(first.pk, "up")
    with pytest.raises(Refused, match="up or down"):
        content.move_faq(first.pk, "sideways")


def test_delete_asks_first_without_javascript(manager_client):
    faq = FAQ.objects.first()
    url = reverse("staff_content_faq_delete", args=[faq.pk])
    page = manager_client.get(url).content.decode()
    assert "This cannot be undone." in page
    assert FAQ.objects.filter(pk=faq.pk).exists()
    response = manager_client.post(url, follow=True)
    assert "has been deleted" in response.content.decode() and not FAQ.objects.filter(pk=faq.pk).exists()
    assert manager_client.get(url).status_code == 404


def test_add_a_resource_to_a_stage_and_participants_see_it_there(manager_client):
    client = Client()
    response = manager_client.post(
        reverse("staff_content_resource_new"),
        {
            "title": "Planning a review meeting",
            "kind": "guide",
            "stage": "progression",
            "summary": "How to look back together.",
            "body": "Agree what to look at.",
            "url": "",
            "published": "on",
        },
    )
    assert response.status_code == 302
    resource = Resource.objects.get(title="Planning a review meeting")
    assert resource.stage == "progression"
    assert Resource.objects.filter(stage="progression").order_by("-position", "-pk").first() == resource
    client.force_login(make_mentee())
    page = client.get(reverse("resources"))
    section = next(s for s in page.context["sections"] if s.key == "progression")
    assert resource in section.items


def _guide(**extra) -> dict:
    data = {"title": "An empty guide", "kind": "guide", "stage": "progression", "summary": "Only this."}
    data.update(extra)
    return data


def test_a_published_guide_needs_its_text_or_a_link_and_a_draft_may_wait(manager_client):
    new = reverse("staff_content_resource_new")
    response = manager_client.post(new, _guide(published="on", body="   "))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="id_body_error"' in html
    assert "Write the guide&#x27;s text or give its link" in html
    assert not Resource.objects.filter(title="An empty guide").exists()
    assert manager_client.post(new, _guide()).status_code == 302  # a draft may be empty
    guide = Resource.objects.get(title="An empty guide")
    assert not guide.published
    edit = reverse("staff_content_resource_edit", args=[guide.pk])
    assert 'id="id_body_error"' in manager_client.post(edit, _guide(published="on")).content.decode()
    assert manager_client.post(edit, _guide(published="on", url="https://example.org/guide")).status_code == 302
    guide.refresh_from_db()
    assert guide.published
    assert manager_client.post(edit, _guide(published="on", body="Agree what to look at.")).status_code == 302


def test_the_admin_keeps_the_guide_rule_too():
    from django.forms import modelform_factory

    from support.admin import ResourceAdminForm

    fields = ["title", "kind", "stage", "summary", "body", "url", "position", "published"]
    form_class = modelform_factory(Resource, form=ResourceAdminForm, fields=fields)
    form = form_class(data={**_guide(published="on"), "position": 0, "body": "", "url": ""})
    assert not form.is_valid() and "Write the guide" in str(form.errors)


def test_resource_form_refuses_a_duplicate_title_and_a_bad_link(manager_client):
    existing = Resource.objects.first()
    response = manager_client.post(
        reverse("staff_content_resource_new"),
        {
            "title": existing.title,
            "kind": "video",
            "stage": "completion",
            "summary": "x",
            "url": "javascript:alert(1)",
        },
    )
    html = response.content.decode()
    assert "Another resource already has this title" in html and 'id="id_url_error"' in html


def test_delete_a_resource(manager_client):
    resource = Resource.objects.first()
    manager_client.post(reverse("staff_content_resource_delete", args=[resource.pk]))
    assert not Resource.objects.filter(pk=resource.pk).exists()


def test_support_staff_cannot_reach_faqs_or_resources(client):
    client.force_login(make_staff(email="s@example.com", role="support"))
    faq = FAQ.objects.first()
    for url in (
        reverse("staff_content_faqs"),
        reverse("staff_content_faq_new"),
        reverse("staff_content_faq_delete", args=[faq.pk]),
        reverse("staff_content_resources"),
    ):
        assert client.get(url).status_code == 403
    assert client.post(reverse("staff_content_faq_delete", args=[faq.pk])).status_code == 403
    assert FAQ.objects.filter(pk=faq.pk).exists()
