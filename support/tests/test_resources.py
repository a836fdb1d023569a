"""Resources: guides and videos grouped by journey stage, and a page for each."""

import re

import pytest
from django.urls import reverse

from support.models import Resource

from .helpers import headings, sections, text

pytestmark = pytest.mark.django_db

STAGES_IN_JOURNEY_ORDER = ["Getting started", "Your first conversation", "Progression", "Journey completion"]


def titles(html: str) -> list[str]:
    return [text(t) for t in re.findall(r"<h3[^>]*>(.*?)</h3>", html, re.S)]


def test_resources_are_grouped_by_stage_in_journey_order(client, mentee):
    client.force_login(mentee)

    html = client.get(reverse("resources")).content.decode()

    assert headings(html, 1) == ["Resources"]
    assert headings(html, 2) == STAGES_IN_JOURNEY_ORDER
    by_stage = sections(html)
    first = titles(by_stage["Your first conversation"])
    for guide in ("Preparing for your first conversation", "Using SWOT", "Using G-STAR", "Writing SMART goals"):
        assert guide in first
    assert "Keeping momentum" in titles(by_stage["Progression"])
    assert "Ending well" in titles(by_stage["Journey completion"])
    assert "Video coming soon" not in html  # a video with nothing to watch is a draft, never shown


def test_resources_tab_is_highlighted(client, mentee):
    client.force_login(mentee)

    html = client.get(reverse("resources")).content.decode()

    assert re.search(r'href="/resources/"\s+aria-current="page"', html)


def test_a_new_resource_appears_under_its_stage_in_position_order(client):
    Resource.objects.create(
        title="Saying thank you", kind=Resource.Kind.GUIDE, stage=Resource.Stage.COMPLETION, summary="s", position=1
    )

    html = client.get(reverse("resources")).content.decode()

    assert titles(sections(html)["Journey completion"])[0] == "Saying thank you"


def test_unpublished_resources_are_hidden_from_participants(client, mentee):
    hidden = Resource.objects.get(title="Using SWOT")
    hidden.published = False
    hidden.save()
    Resource.objects.filter(stage=Resource.Stage.PROGRESSION).update(published=False)
    client.force_login(mentee)

    html = client.get(reverse("resources")).content.decode()

    assert "Using SWOT" not in html
    assert "Progression" not in headings(html, 2)
    assert client.get(reverse("resource", args=[hidden.pk])).status_code == 404


def test_staff_can_preview_a_hidden_resource(client, staff):
    hidden = Resource.objects.get(title="Using SWOT")
    hidden.published = False
    hidden.save()
    client.force_login(staff)

    response = client.get(reverse("resource", args=[hidden.pk]))

    assert response.status_code == 200
    assert "only staff can see this page" in text(response.content.decode())


def test_guide_page_shows_the_guide(client):
    guide = Resource.objects.get(title="Using G-STAR")

    html = client.get(reverse("resource", args=[guide.pk])).content.decode()

    assert headings(html, 1) == ["Using G-STAR"]
    assert "Goals: what do you want to achieve?" in text(html)
    assert html.count("<p>") >= 3  # paragraphs, not one block of text


def test_a_draft_video_without_a_link_says_coming_soon_to_staff_only(client, staff, mentee):
    video = Resource.objects.filter(kind=Resource.Kind.VIDEO, url="").first()
    client.force_login(mentee)
    assert client.get(reverse("resource", args=[video.pk])).status_code == 404
    client.force_login(staff)

    html = client.get(reverse("resource", args=[video.pk])).content.decode()

    assert "Video coming soon" in html
    assert "Watch the video" not in html


def test_video_with_a_link_offers_it(client):
    video = Resource.objects.create(
        title="Mentoring in five minutes",
        kind=Resource.Kind.VIDEO,
        stage=Resource.Stage.GETTING_STARTED,
        summary="A short film.",
        url="https://video.example.org/watch/1",
    )

    list_html = client.get(reverse("resources")).content.decode()
    page = client.get(reverse("resource", args=[video.pk])).content.decode()

    assert "Mentoring in five minutes" in list_html
    assert 'href="https://video.example.org/watch/1"' in page
    assert "Watch the video" in page
    assert "coming soon" not in page


def test_unknown_resource_is_not_found(client):
    assert client.get(reverse("resource", args=[999999])).status_code == 404


def test_resources_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    for n in range(20):
        Resource.objects.create(title=f"Extra {n}", stage=Resource.Stage.PROGRESSION, summary="s")

    with django_assert_max_num_queries(3):
        response = client.get(reverse("resources"))

    assert "Extra 19" in response.content.decode()


def test_no_video_without_a_link_or_file_is_published():
    """The starter set's video placeholders are drafts until staff give them a link or a file."""
    nothing = Resource.objects.filter(kind=Resource.Kind.VIDEO, url="", video="")
    assert nothing.exists() and not nothing.filter(published=True).exists()


def test_the_admin_refuses_to_publish_a_video_without_a_link_or_file(admin_client):
    video = Resource.objects.filter(kind=Resource.Kind.VIDEO, url="", video="").first()
    change = reverse("admin:support_resource_change", args=[video.pk])
    data = {
        "title": video.title,
        "kind": "video",
        "stage": video.stage,
        "summary": video.summary,
        "body": "",
        "url": "",
        "position": video.position,
        "published": "on",
    }
    response = admin_client.post(change, data)
    assert response.status_code == 200 and "Give the video&#x27;s link or upload a file" in response.content.decode()
    changelist = reverse("admin:support_resource_changelist")
    rows = list(Resource.objects.order_by("stage", "position", "pk"))
    form = {"form-TOTAL_FORMS": len(rows), "form-INITIAL_FORMS": len(rows), "_save": "Save"}
    for i, row in enumerate(rows):
        form |= {f"form-{i}-id": row.pk, f"form-{i}-position": row.position}
        if row.published or row.pk == video.pk:
            form[f"form-{i}-published"] = "on"
    response = admin_client.post(changelist, form)
    assert response.status_code == 200 and "Give the video&#x27;s link or upload a file" in response.content.decode()
    video.refresh_from_db()
    assert not video.published
