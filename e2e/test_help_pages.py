"""axe-core checks of the Need Help? and Resources pages in Chromium, as participants see them.

(Moved here from support/tests: a second Playwright in a process whose first one still runs, as
happens when a test worker has run other browser tests before, refuses to start.)"""

import pytest
from django.test import Client
from django.urls import reverse

from support.models import Resource

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_page(browser, live_server):
    """A fresh browser context on the session's Chromium (``e2e/conftest.py``): one Playwright per
    process, whichever test file a worker runs first."""
    context = browser.new_context()
    yield context
    context.close()


def violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in results.response["violations"]]


def sign_in(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


def test_help_and_contact_pages_pass_axe(browser_page, live_server):
    page = browser_page.new_page()
    page.goto(live_server.url + reverse("help"))
    assert violations(page) == []

    page.locator("details summary").first.click()
    assert violations(page) == []

    # A bad submission: the errors shown on the Contact page must be accessible too.
    page.fill("#id_name", "Pat Visitor")
    page.fill("#id_email", "not-an-email")
    page.click("button:has-text('Send Request')")
    page.wait_for_url("**" + reverse("contact"))
    assert page.locator("#id_email_error").is_visible()
    assert violations(page) == []


def test_resources_pages_pass_axe_for_a_participant(browser_page, live_server, mentee):
    guide = Resource.objects.get(title="Writing SMART goals")
    video = Resource.objects.filter(kind=Resource.Kind.VIDEO).first()
    # The starter set's videos are drafts until they have a link or a file: give this one a link.
    Resource.objects.filter(pk=video.pk).update(url="https://video.example.org/watch/1", published=True)
    sign_in(browser_page, live_server, mentee)
    page = browser_page.new_page()

    for url in (reverse("resources"), reverse("resource", args=[guide.pk]), reverse("resource", args=[video.pk])):
        page.goto(live_server.url + url)
        assert page.locator("h1").count() == 1
        assert violations(page) == [], url
