"""A file sent with a message, in Chromium: its name (accents, spaces, quotes, an emoji) is shown and
downloaded by the other person under the name the sender's file had."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from journeys.tests.helpers import send, walk_to
from people.tests.factories import make_mentee, make_mentor

pytestmark = pytest.mark.e2e

NAME = 'Réunion d\'équipe "final" 🎉 plan.pdf'
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_a_file_keeps_the_name_it_was_sent_with(new_page, visit, tmp_path):
    mentee = make_mentee(first_name="John", last_name="Smith", email="john.files@example.com")
    mentor = make_mentor(first_name="Alice", last_name="Kember", email="alice.files@example.com")
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    sent = tmp_path / NAME
    sent.write_bytes(PDF)

    page = new_page(mentee)
    visit(page, f"/relationships/{rel.pk}/messages/")
    page.get_by_role("textbox", name="New message").fill("My plan for the forum")
    page.get_by_label("Add file").set_input_files(str(sent))
    page.get_by_role("button", name="Send Message").click()
    expect(page.locator(".messages")).to_be_focused()
    expect(page.locator(".thread")).to_contain_text(f"File: {NAME}")

    other = new_page(mentor)
    visit(other, f"/relationships/{rel.pk}/messages/")
    link = other.get_by_role("link", name=NAME)
    expect(link).to_be_visible()
    # (Chromium saves a name's quotes as "_", as it must on some systems: the header is what we send.)
    response = other.request.get(link.get_attribute("href"))
    disposition = response.headers["content-disposition"]
    assert disposition == "attachment; filename*=utf-8''" + quote(NAME)
    assert response.body() == PDF
