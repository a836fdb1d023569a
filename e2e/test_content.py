"""A programme manager runs the content in the browser: retires an area of support (gone from a
mentee's profile form and Find Mentor, kept on the mentor who had it) and adds a Resources video
with captions, which a mentee then finds under its stage and plays. axe checks every content page."""

import re

import pytest
from playwright.sync_api import expect

from people.models import AreaOfSupport
from people.tests.factories import make_mentee, make_mentor, make_staff
from staff.content.tests.test_videos import MP4, VTT
from support.models import Resource

pytestmark = pytest.mark.e2e


def test_manager_retires_an_area_and_adds_a_video_resource(new_page, visit, check_a11y, tmp_path):
    manager = make_staff(email="maya@example.com")
    area = AreaOfSupport.objects.create(name="Rail signalling", position=99)
    mentor = make_mentor(first_name="Rhian", last_name="Jones", areas=[area])
    mentee = make_mentee(first_name="Nia", last_name="Hughes")

    page = new_page(manager)
    visit(page, "/staff/inbox/")
    page.get_by_role("navigation", name="Staff area").get_by_role("link", name="Content").click()
    page.wait_for_url(re.compile("/staff/content/$"))
    check_a11y(page)
    page.get_by_role("link", name="Areas of support").click()
    page.wait_for_url(re.compile("/staff/content/lists/areas/"))
    check_a11y(page)
    page.get_by_role("button", name="Retire Rail signalling").click()
    expect(page.get_by_text("“Rail signalling” is retired")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Rail signalling")).to_contain_text("Retired")
    check_a11y(page)
    # A duplicate name is explained beside the field.
    page.get_by_label("Name", exact=True).fill("rail signalling")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("restore it instead of adding it again")).to_be_visible()
    check_a11y(page)

    visit(page, "/staff/content/resources/")
    page.get_by_role("link", name="Add a resource").click()
    check_a11y(page)
    page.get_by_label("Title", exact=True).fill("Your first conversation, in two minutes")
    page.get_by_label("Kind").select_option("video")
    page.get_by_label("Stage of the journey").select_option("first_conversation")
    page.get_by_label("Summary").fill("A short film on how to open your first meeting.")
    (tmp_path / "film.mp4").write_bytes(MP4)
    (tmp_path / "film.vtt").write_bytes(VTT)
    page.get_by_label("Upload a video").set_input_files(str(tmp_path / "film.mp4"))
    page.get_by_label("Captions for the uploaded video").set_input_files(str(tmp_path / "film.vtt"))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("has been saved")).to_be_visible()
    section = page.locator("section").filter(
        has=page.get_by_role("heading", name="Your first conversation", exact=True)
    )
    expect(section).to_contain_text("Your first conversation, in two minutes")
    check_a11y(page)
    resource = Resource.objects.get(title="Your first conversation, in two minutes")
    assert resource.video and resource.captions and resource.published

    # The mentee: the retired area is not offered any more; the mentor who had it still shows it.
    other = new_page(mentee)
    visit(other, "/profile/")
    expect(other.get_by_label("Rail signalling")).to_have_count(0)
    visit(other, "/find/")
    expect(other.get_by_label("Rail signalling")).to_have_count(0)
    visit(other, f"/mentors/{mentor.pk}/")
    expect(other.get_by_text("Rail signalling")).to_be_visible()

    # Resources: under its stage, and it plays here with captions.
    visit(other, "/resources/")
    stage = other.locator("section").filter(
        has=other.get_by_role("heading", name="Your first conversation", exact=True)
    )
    stage.get_by_role("link", name="Your first conversation, in two minutes").click()
    other.wait_for_url(re.compile(rf"/resources/{resource.pk}/"))
    check_a11y(other)
    video = other.locator("video")
    expect(video).to_have_count(1)
    expect(video.locator('track[kind="captions"]')).to_have_attribute("src", f"/resources/{resource.pk}/captions.vtt")
    captions = other.request.get(f"/resources/{resource.pk}/captions.vtt")
    assert captions.ok and captions.text().startswith("WEBVTT")
    assert other.request.get(f"/resources/{resource.pk}/video/").body() == MP4

    # Signed out: the page asks to sign in, and the file is refused.
    anonymous = new_page()
    visit(anonymous, f"/resources/{resource.pk}/")
    expect(anonymous.get_by_text("Sign in to watch this video.")).to_be_visible()
    refused = anonymous.request.get(f"/resources/{resource.pk}/video/", max_redirects=0)
    assert refused.status == 302 and "/accounts/login/" in refused.headers["location"]


def test_a_name_refused_on_a_list_takes_the_keyboard_focus_with_why(new_page, check_a11y):
    AreaOfSupport.objects.create(name="Rail signalling", position=98)
    AreaOfSupport.objects.create(name="Port logistics", position=99)
    page = new_page(make_staff(email="maya@example.com"))
    page.goto("/staff/content/lists/areas/")
    page.get_by_label("Name", exact=True).fill("rail signalling")
    page.get_by_label("Name", exact=True).press("Enter")
    page.wait_for_load_state()
    added = page.get_by_label("Name", exact=True)
    expect(added).to_be_focused()
    expect(added).to_have_accessible_description(re.compile("already on this list"))
    renamed = page.get_by_label("New name for Port logistics")
    renamed.fill("Rail signalling")
    renamed.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_label("New name for Port logistics")).to_be_focused()
    expect(page.get_by_label("New name for Port logistics")).to_have_accessible_description(
        re.compile("already on this list")
    )
    check_a11y(page)


def test_moving_an_item_keeps_the_focus_on_its_button(new_page, visit, check_a11y):
    """Up or Down, pressed from the keyboard, leaves the focus on the same button so it can be pressed
    again; once the item reaches the end, on the button that is left. The message still says what moved."""
    manager = make_staff(email="maya@example.com")
    AreaOfSupport.objects.create(name="Zeppelin logistics", position=999)  # the last in the list

    page = new_page(manager)
    visit(page, "/staff/content/lists/areas/")
    page.get_by_role("button", name="Up Zeppelin logistics").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("“Zeppelin logistics” has moved.")).to_be_visible()
    expect(page.get_by_role("button", name="Up Zeppelin logistics")).to_be_focused()
    check_a11y(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # up again, from where the focus was left
    names = list(AreaOfSupport.objects.order_by("position", "name").values_list("name", flat=True))
    assert names[-3] == "Zeppelin logistics"
    # each key press waits for the new page to have put the focus back (under load it comes a moment
    # after the page has loaded; a page that focuses nothing still fails here)
    expect(page.get_by_role("button", name="Up Zeppelin logistics")).to_be_focused()
    page.keyboard.press("Tab")  # to its Down button
    expect(page.get_by_role("button", name="Down Zeppelin logistics")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Down Zeppelin logistics")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # back at the end: there is no Down button, so the focus is on its Up button
    expect(page.get_by_role("button", name="Down Zeppelin logistics")).to_have_count(0)
    expect(page.get_by_role("button", name="Up Zeppelin logistics")).to_be_focused()
