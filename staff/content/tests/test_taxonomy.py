"""Content: the lists (areas, roles, communities, regions) added, renamed, reordered, retired and
restored on the platform, and what retiring means: gone from new choices, kept on old records."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from journeys.services.base import Refused
from people import taxonomy
from people.models import AreaOfSupport, Profile, Region
from people.search.criteria import Taxonomy
from people.search.form import SearchForm
from people.tests.factories import make_mentee, make_staff, profile_form_data
from people.tests.search_helpers import mentor_with

pytestmark = pytest.mark.django_db
AREAS = taxonomy.KINDS["areas"]
REGIONS = taxonomy.KINDS["regions"]


def test_regions_are_seeded_from_the_former_choices():
    assert Region.objects.get(code="wales").name == "Wales"
    assert Region.objects.filter(active=True).count() >= 13


def test_add_rename_and_duplicates_refused_whatever_the_case():
    item = taxonomy.add_item(AREAS, "  Public   speaking ")
    assert item.name == "Public speaking" and item.active
    assert item.position > AreaOfSupport.objects.exclude(pk=item.pk).order_by("-position").first().position - 1
    with pytest.raises(Refused, match="already on this list"):
        taxonomy.add_item(AREAS, "public speaking")
    with pytest.raises(Refused, match="name"):
        taxonomy.add_item(AREAS, "   ")
    other = taxonomy.add_item(AREAS, "Negotiation")
    with pytest.raises(Refused, match="already on this list"):
        taxonomy.rename_item(AREAS, other.pk, "PUBLIC SPEAKING")
    assert taxonomy.rename_item(AREAS, other.pk, "Negotiating well").name == "Negotiating well"
    taxonomy.set_active(AREAS, item.pk, False)
    with pytest.raises(Refused, match="retired: restore it"):
        taxonomy.add_item(AREAS, "Public speaking")


def test_a_new_region_gets_a_code_and_keeps_it_when_renamed():
    region = taxonomy.add_item(REGIONS, "Isle of Man")
    assert region.code == "isle-of-man"
    assert taxonomy.rename_item(REGIONS, region.pk, "The Isle of Man").code == "isle-of-man"
    assert taxonomy.add_item(REGIONS, "Isle-of-Man!").code == "isle-of-man-2"


def test_move_up_and_down_and_the_ends_refused():
    names = [i.name for i in taxonomy.items(AREAS)]
    second = AreaOfSupport.objects.get(name=names[1])
    taxonomy.move_item(AREAS, second.pk, "up")
    assert [i.name for i in taxonomy.items(AREAS)][:2] == [names[1], names[0]]
    with pytest.raises(Refused, match="already first"):
        taxonomy.move_item(AREAS, second.pk, "up")
    last = AreaOfSupport.objects.get(name=names[-1])
    with pytest.raises(Refused, match="already last"):
        taxonomy.move_item(AREAS, last.pk, "down")
    taxonomy.move_item(AREAS, second.pk, "down")
    assert [i.name for i in taxonomy.items(AREAS)] == names


def test_retire_twice_and_restore_twice_are_refused():
    area = AreaOfSupport.objects.first()
    taxonomy.set_active(AREAS, area.pk, False)
    with pytest.raises(Refused, match="already retired"):
        taxonomy.set_active(AREAS, area.pk, False)
    taxonomy.set_active(AREAS, area.pk, True)
    with pytest.raises(Refused, match="already in use"):
        taxonomy.set_active(AREAS, area.pk, True)


def test_a_retired_area_leaves_new_profiles_and_find_mentor_but_stays_on_old_ones(client):
    area = AreaOfSupport.objects.create(name="Rail signalling", position=99)
    wales = Region.objects.get(code="wales")
    mentor = mentor_with("Rhian", areas=("Rail signalling",), region="wales")
    taxonomy.set_active(AREAS, area.pk, False)
    taxonomy.set_active(REGIONS, wales.pk, False)

    # A profile without it: its form no longer offers it.
    newcomer = make_mentee(first_name="Nia", last_name="New")
    client.force_login(newcomer)
    html = client.get(reverse("profile")).content.decode()
    assert "Rail signalling" not in html and ">Wales<" not in html
    response = client.post(reverse("profile"), profile_form_data("Nia", "New", mentee=True, areas=[area.pk]))
    assert response.status_code == 200 and not newcomer.profile.areas.filter(pk=area.pk).exists()

    # Find Mentor: neither in the filters, nor usable from an old bookmark.
    form = SearchForm(taxonomy=Taxonomy.load())
    assert str(area.pk) not in dict(form.fields["area"].choices)
    assert "wales" not in dict(form.fields["region"].choices)
    page = client.get(reverse("find_mentor"), {"area": area.pk, "region": "wales"}).content.decode()
    assert "does not exist any more" in page and "We do not know that region" in page

    # The mentor who had them keeps them, shown on their profile, and saving it keeps them.
    client.force_login(newcomer)
    shown = client.get(reverse("mentor_profile", args=[mentor.pk])).content.decode()
    assert "Rail signalling" in shown and "Wales" in shown
    client.force_login(mentor)
    form_html = client.get(reverse("profile")).content.decode()
    assert "Rail signalling" in form_html and ">Wales<" in form_html
    data = profile_form_data("Rhian", "Mentor", mentor=True, areas=[area.pk], region="wales")
    assert client.post(reverse("profile"), data).status_code == 302
    profile = Profile.objects.get(user=mentor)
    assert profile.region == "wales" and profile.areas.filter(pk=area.pk).exists()
    assert profile.get_region_display() == "Wales"


def test_a_renamed_region_shows_its_new_name_on_old_profiles(client):
    mentor = mentor_with("Rhian", areas=(), region="wales")
    taxonomy.rename_item(REGIONS, Region.objects.get(code="wales").pk, "Cymru")
    client.force_login(make_mentee())
    assert "Cymru" in client.get(reverse("mentor_profile", args=[mentor.pk])).content.decode()


# -- the pages


@pytest.fixture
def manager_client(client):
    client.force_login(make_staff())
    return client


def test_support_staff_and_participants_are_refused(client):
    for user in (make_staff(email="s@example.com", role="support"), make_mentee()):
        client.force_login(user)
        assert client.get(reverse("staff_content")).status_code == 403
        url = reverse("staff_content_taxonomy", args=["areas"])
        assert client.post(url, {"action": "add", "add-name": "X"}).status_code == 403
    assert not AreaOfSupport.objects.filter(name="X").exists()


def test_the_content_section_is_in_the_managers_navigation_only(manager_client):
    client = Client()
    html = manager_client.get(reverse("staff_inbox")).content.decode()
    assert f'href="{reverse("staff_content")}"' in html
    client.force_login(make_staff(email="s@example.com", role="support"))
    assert f'href="{reverse("staff_content")}"' not in client.get(reverse("staff_inbox")).content.decode()


def test_the_list_page_adds_renames_retires_and_explains_a_duplicate(manager_client):
    url = reverse("staff_content_taxonomy", args=["roles"])
    assert manager_client.get(url).status_code == 200
    response = manager_client.post(url, {"action": "add", "add-name": "Apprentice"}, follow=True)
    assert "“Apprentice” has been added." in response.content.decode()
    role = taxonomy.KINDS["roles"].model.objects.get(name="Apprentice")
    response = manager_client.post(url, {"action": "add", "add-name": "apprentice"})
    html = response.content.decode()
    assert response.status_code == 400 and "already on this list" in html
    assert 'aria-describedby="id_add-name_error"' in html
    response = manager_client.post(url, {"action": "rename", "item": role.pk, f"item{role.pk}-name": "Operations"})
    assert "already on this list" in response.content.decode()
    assert f'aria-describedby="id_item{role.pk}-name_error"' in response.content.decode()
    manager_client.post(url, {"action": "rename", "item": role.pk, f"item{role.pk}-name": "Apprentices"})
    manager_client.post(url, {"action": "retire", "item": role.pk})
    role.refresh_from_db()
    assert role.name == "Apprentices" and not role.active
    response = manager_client.post(url, {"action": "retire", "item": role.pk}, follow=True)
    assert "already retired" in response.content.decode()
    manager_client.post(url, {"action": "restore", "item": role.pk})
    role.refresh_from_db()
    assert role.active


def test_an_unknown_list_or_action_changes_nothing(manager_client):
    assert manager_client.get(reverse("staff_content_taxonomy", args=["planets"])).status_code == 404
    url = reverse("staff_content_taxonomy", args=["areas"])
    response = manager_client.post(url, {"action": "explode", "item": "1"}, follow=True)
    assert "Nothing was changed" in response.content.decode()


def test_the_content_page_counts_each_list(manager_client):
    AreaOfSupport.objects.filter(pk=AreaOfSupport.objects.first().pk).update(active=False)
    response = manager_client.get(reverse("staff_content"))
    html = response.content.decode()
    assert response.status_code == 200 and "Areas of support" in html and "Regions" in html
    assert response.context["lists"][0]["retired"] == 1


def test_renaming_an_item_that_no_longer_exists_says_so(manager_client):
    url = reverse("staff_content_taxonomy", args=["roles"])
    gone = taxonomy.add_item(taxonomy.KINDS["roles"], "Seasonal")
    taxonomy.KINDS["roles"].model.objects.filter(pk=gone.pk).delete()
    for typed in ("Seasonal staff", ""):  # a name, or none (which the form alone would refuse)
        response = manager_client.post(
            url, {"action": "rename", "item": gone.pk, f"item{gone.pk}-name": typed}, follow=True
        )
        assert "That role no longer exists." in response.content.decode()
    assert not taxonomy.KINDS["roles"].model.objects.filter(name="Seasonal staff").exists()


def test_an_empty_name_is_refused_on_its_box_by_the_page_not_the_browser(manager_client):
    """The add and rename forms are ``novalidate``: sent empty, the page answers (400), the box says why
    (described by the error, with the focus) and nothing is added or renamed."""
    url = reverse("staff_content_taxonomy", args=["roles"])
    role = taxonomy.add_item(taxonomy.KINDS["roles"], "Seasonal")
    page = manager_client.get(url).content.decode()
    assert page.count('class="inline-form" aria-labelledby="add-heading" novalidate>') == 1
    assert 'class="inline-form" novalidate>' in page
    count = taxonomy.KINDS["roles"].model.objects.count()
    added = manager_client.post(url, {"action": "add", "add-name": "  "})
    assert added.status_code == 400
    assert 'aria-describedby="id_add-name_error" autofocus' in added.content.decode()
    assert '<p class="error" id="id_add-name_error">This field is required. </p>' in added.content.decode()
    renamed = manager_client.post(url, {"action": "rename", "item": role.pk, f"item{role.pk}-name": ""})
    assert renamed.status_code == 400
    assert f'aria-describedby="id_item{role.pk}-name_error" autofocus' in renamed.content.decode()
    assert taxonomy.KINDS["roles"].model.objects.count() == count
    role.refresh_from_db()
    assert role.name == "Seasonal"
