"""Staff → Programme settings: who may open it, what it refuses, and every page reading the result."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from people.tests.factories import make_staff
from project import identity
from project.colour import contrast
from staff.identity.models import ProgrammeIdentity

pytestmark = pytest.mark.django_db

URL = "/staff/settings/"


def form_data(**changes) -> dict:
    data = {
        "programme_name": "Northern Mentoring",
        "organisation": "Institute of Northern Engineers",
        "brand_colour": "#0b5e3f",
        "brand_text": "#ffffff",
        "sender_name": "",
        "reply_to": "",
        "support_email": "help@northern.example",
        "privacy_url": "https://northern.example/privacy",
        "terms_url": "https://northern.example/terms",
        "organisation_url": "https://northern.example/",
        "welcome_text": "Welcome to the Institute's mentoring.\n\nMentors are members who give an hour a month.",
    }
    data.update(changes)
    return data


def png_bytes(size=(40, 20), colour=(11, 94, 63)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def manager_client():
    manager = Client()
    manager.force_login(make_staff())
    return manager


def test_a_fresh_install_looks_as_before(client):
    assert identity.current().name == settings.SITE_NAME
    page = client.get("/").content.decode()
    assert f"<title>Welcome · {settings.SITE_NAME}</title>" in page
    assert "--brand:#4b2a85;--on-brand:#ffffff;" in page
    assert "Whether you want guidance" in page  # the built-in welcome


def test_the_form_starts_from_what_the_platform_shows_now(manager_client, settings):
    settings.SUPPORT_EMAIL = "support@programme.example"
    page = manager_client.get(URL).content.decode()
    assert f'value="{settings.SITE_NAME}"' in page
    assert 'value="support@programme.example"' in page
    assert not ProgrammeIdentity.objects.exists()  # opening the page saves nothing


def test_a_manager_changes_the_name_and_colour_and_every_page_shows_them(manager_client, client):
    resp = manager_client.post(URL, form_data())
    assert resp.status_code == 302, resp.content.decode()[:3000]
    row = ProgrammeIdentity.objects.get()
    assert row.programme_name == "Northern Mentoring" and row.updated_by.is_staff
    page = client.get("/").content.decode()
    assert "Northern Mentoring</a>" in page and "<title>Welcome · Northern Mentoring</title>" in page
    assert "--brand:#0b5e3f;--on-brand:#ffffff;" in page
    # the footer: organisation (linked to its site), privacy, terms, support email
    assert '<a href="https://northern.example/">Institute of Northern Engineers</a>' in page
    assert 'href="https://northern.example/privacy"' in page and 'href="https://northern.example/terms"' in page
    assert 'href="mailto:help@northern.example"' in page
    # the welcome text, paragraph by paragraph, instead of the built-in one
    assert "<p>Welcome to the Institute&#x27;s mentoring.</p>" in page
    assert "<p>Mentors are members who give an hour a month.</p>" in page
    assert "Whether you want guidance" not in page
    # the sites framework (allauth's emails) follows the name
    assert Site.objects.get(pk=settings.SITE_ID).name == "Northern Mentoring"


def test_the_staff_pages_show_the_new_identity_too(manager_client):
    manager_client.post(URL, form_data(programme_name="Alumni Mentoring", brand_colour="#8a1538"))
    page = manager_client.get(reverse("staff_inbox")).content.decode()
    assert "Alumni Mentoring</a>" in page and "--brand:#8a1538;" in page


@pytest.mark.parametrize(
    ("colour", "text", "says"),
    [
        ("#ffcc00", "#ffffff", "White text on #ffcc00 has a contrast of 1.5:1"),
        ("#1a1a40", "#000000", "Black text on #1a1a40 has a contrast of 1.3:1"),
        ("#7f7f7f", "#ffffff", "White text on #7f7f7f has a contrast of 4.0:1"),
    ],
)
def test_a_colour_text_would_be_hard_to_read_on_is_refused(manager_client, colour, text, says):
    resp = manager_client.post(URL, form_data(brand_colour=colour, brand_text=text))
    assert resp.status_code == 200
    page = resp.content.decode()
    assert says in page and "it needs at least 4.5:1 (WCAG AA)" in page
    # on the field, tied to it
    assert 'id="id_brand_colour_error"' in page
    assert 'aria-describedby="id_brand_colour_helptext id_brand_colour_error"' in page or (
        "id_brand_colour_error" in page.split('name="brand_colour"')[1].split(">")[0]
    )
    assert not ProgrammeIdentity.objects.exists()


def test_a_light_colour_is_fine_with_black_text_and_the_refusal_says_so(manager_client, client):
    page = manager_client.post(URL, form_data(brand_colour="#ffcc00")).content.decode()
    assert "or black text (13.9:1)" in page
    resp = manager_client.post(URL, form_data(brand_colour="#FFCC00", brand_text="#000000"))
    assert resp.status_code == 302
    colours = identity.current().colours
    assert (colours.brand, colours.on_brand) == ("#ffcc00", "#000000")
    # as text on the pages' light backgrounds (links), a darker shade that reads there
    assert colours.ink != "#ffcc00" and contrast(colours.ink, "#ffffff") >= 4.5
    assert contrast(colours.ink, "#ececf1") >= 4.5
    assert "--on-brand:#000000;" in client.get("/").content.decode()


@pytest.mark.parametrize("colour", ["4b2a85", "#4b2a8", "#gggggg", "purple", "#4b2a85; color:red"])
def test_a_colour_must_be_six_hex_digits(manager_client, colour):
    page = manager_client.post(URL, form_data(brand_colour=colour)).content.decode()
    assert "Write the colour as # and six hex digits" in page or "Ensure this value has at most 7" in page
    assert not ProgrammeIdentity.objects.exists()


def test_a_text_file_renamed_png_is_refused_as_a_logo(manager_client):
    fake = SimpleUploadedFile("logo.png", b"Just some words, not a picture.\n", content_type="image/png")
    page = manager_client.post(URL, {**form_data(), "logo": fake}).content.decode()
    assert "This file is not a PNG, JPEG or WebP image" in page
    assert 'id="id_logo_error"' in page
    assert not ProgrammeIdentity.objects.exists()


def test_an_svg_logo_is_refused(manager_client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    page = manager_client.post(
        URL, {**form_data(), "logo": SimpleUploadedFile("logo.svg", svg, content_type="image/svg+xml")}
    ).content.decode()
    assert "This file is not a PNG, JPEG or WebP image" in page


def test_a_truncated_png_is_refused(manager_client):
    broken = png_bytes()[:60]
    page = manager_client.post(
        URL, {**form_data(), "logo": SimpleUploadedFile("logo.png", broken, content_type="image/png")}
    ).content.decode()
    assert "This image is damaged or too large" in page


def test_a_logo_too_large_is_refused(manager_client, settings):
    settings.LOGO_MAX_BYTES = 100
    page = manager_client.post(
        URL, {**form_data(), "logo": SimpleUploadedFile("logo.png", png_bytes((300, 300)), content_type="image/png")}
    ).content.decode()
    assert "a logo can be up to" in page


def test_a_real_logo_is_shown_on_every_page_and_served_to_anyone(manager_client, client):
    image = png_bytes()
    upload = SimpleUploadedFile("anything.txt", image, content_type="text/plain")  # the content decides
    assert manager_client.post(URL, {**form_data(), "logo": upload}).status_code == 302
    url = identity.current().logo_url
    assert url == reverse("programme_logo", kwargs={"version": 1})
    page = client.get("/").content.decode()
    assert f'<img src="{url}" alt="" class="brand-logo">' in page
    resp = client.get(url)
    assert resp.status_code == 200 and resp["Content-Type"] == "image/png"
    assert b"".join(resp.streaming_content) == image
    assert "immutable" in resp["Cache-Control"]
    # a new logo gets a new address; removing it takes it off the pages
    second = SimpleUploadedFile("b.png", png_bytes(colour=(200, 0, 0)), content_type="image/png")
    assert manager_client.post(URL, {**form_data(), "logo": second}).status_code == 302
    assert identity.current().logo_url.endswith("/2/")
    assert manager_client.post(URL, {**form_data(), "remove_logo": "on"}).status_code == 302
    assert identity.current().logo_url == ""
    assert 'class="brand-logo"' not in client.get("/").content.decode()
    assert client.get(url).status_code == 404


def test_names_are_one_line_and_links_are_web_addresses(manager_client):
    page = manager_client.post(
        URL, form_data(programme_name="Northern\r\nBcc: x@example.com", privacy_url="javascript:alert(1)")
    ).content.decode()
    assert "Write this on one line" in page and "Enter a valid URL." in page
    assert not ProgrammeIdentity.objects.exists()


@pytest.mark.parametrize("role", ["support", None])
def test_support_staff_may_not_change_the_settings(client, role):
    client.force_login(make_staff(role=role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data()).status_code == 403
    assert not ProgrammeIdentity.objects.exists()
    assert f'href="{URL}"' not in client.get(reverse("staff_inbox")).content.decode()


def test_participants_may_not_change_the_settings(client, mentee):
    client.force_login(mentee)
    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data()).status_code == 403
    assert not ProgrammeIdentity.objects.exists()
    client.logout()
    assert client.get(URL).status_code == 302


def test_the_identity_is_cached_and_forgotten_when_saved(manager_client, django_assert_num_queries):
    identity.current()  # read once, then cached
    with django_assert_num_queries(0):
        assert identity.current().name == settings.SITE_NAME
    manager_client.post(URL, form_data(programme_name="First name"))
    assert identity.current().name == "First name"
    # a change behind the platform's back is not seen until the cache is dropped ...
    ProgrammeIdentity.objects.update(programme_name="Changed in the database")
    assert identity.current().name == "First name"
    # ... and saving the page drops it, for every process sharing the cache
    manager_client.post(URL, form_data(programme_name="Second name"))
    with django_assert_num_queries(1):
        assert identity.current().name == "Second name"
    assert "Second name</a>" in manager_client.get("/staff/inbox/").content.decode()


def test_the_settings_are_in_the_staff_navigation_for_managers(manager_client):
    page = manager_client.get(URL).content.decode()
    assert f'<a href="{URL}" aria-current="page">Programme settings</a>' in page
