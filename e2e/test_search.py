"""Find Mentor in Chromium: searching, filtering, exact matching, paging, and on to a profile."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from people import search
from people.models import DefaultRegion
from people.tests.factories import make_mentee
from people.tests.search_helpers import CAREER, NETWORKING, mentor_with

pytestmark = pytest.mark.e2e


@pytest.fixture
def mentors():
    """Six mentors; the conftest-style mentee wants networking and career progression."""
    mentor_with(
        "Alice", areas=(NETWORKING, CAREER), role_name="Operations", community_name="Logistics", active_days_ago=1
    )
    mentor_with("Bilal", areas=(NETWORKING, CAREER), role_name="Planning", active_days_ago=2)
    mentor_with("Chloe", areas=(NETWORKING,), role_name="Operations", active_days_ago=3)
    mentor_with("Dev", areas=(NETWORKING,), active_days_ago=4, biography="I run a professional network for planners.")
    mentor_with("Erin", areas=(CAREER,), active_days_ago=5, region=DefaultRegion.WALES)
    mentor_with("Farah", areas=("Procurement",), active_days_ago=6)


def result_names(page) -> list[str]:
    return [name.strip() for name in page.locator("ol.results h3").all_inner_texts()]


def test_search_filter_and_exact_matching(new_page, visit, check_a11y, mentors):
    mentee = make_mentee(first_name="Maya", email="maya@example.com")
    page = new_page(mentee)

    visit(page, "/find/")
    expect(page.get_by_role("heading", name="Suggested for you")).to_be_visible()
    assert result_names(page)[:2] == ["Alice Mentor", "Bilal Mentor"]

    # Filter: networking only, Operations role, any community (the profile suggested one).
    page.get_by_label("Career progression").uncheck()
    page.get_by_label("Mentor's role").select_option(label="Operations")
    page.get_by_label("Professional community").select_option(label="Any professional community")
    page.get_by_role("button", name="Update search results").click()
    page.wait_for_url(re.compile(r"/find/\?.*role="))
    expect(page.get_by_role("heading", name="Search results")).to_be_visible()
    assert result_names(page) == ["Alice Mentor", "Chloe Mentor", "Bilal Mentor", "Dev Mentor"]
    first = page.locator("ol.results > li").first
    expect(first).to_contain_text("Meets everything you asked for")
    expect(first.get_by_role("link", name=re.compile("Mentor Request"))).to_be_visible()
    check_a11y(page)

    # Exact matching keeps only those who meet both.
    page.get_by_label("Add exact matching").check()
    page.get_by_role("button", name="Update search results").click()
    page.wait_for_url(re.compile(r"exact=on"))
    assert result_names(page) == ["Alice Mentor", "Chloe Mentor"]
    expect(page.get_by_label("Add exact matching")).to_be_checked()

    # And off again.
    page.get_by_label("Add exact matching").uncheck()
    page.get_by_role("button", name="Update search results").click()
    page.wait_for_url(lambda url: "exact=on" not in url)
    assert len(result_names(page)) == 4

    # The search is remembered: the Find Mentor tab brings it back.
    page.get_by_role("link", name="Relationships").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Find Mentor").click()
    page.wait_for_url(re.compile(r"role="))
    expect(page.get_by_label("Mentor's role")).to_have_value(re.compile(r"\d+"))


def test_keywords_with_stemming_and_explanations(new_page, visit, mentors):
    mentee = make_mentee(first_name="Maya", email="maya@example.com")
    page = new_page(mentee)
    visit(page, "/find/?full=end")

    for box in page.locator("fieldset.areas input[type=checkbox]").all():
        box.uncheck()
    page.get_by_label("Keywords").fill("networking")
    page.get_by_role("button", name="Update search results").click()
    page.wait_for_url(re.compile(r"q=networking"))

    assert result_names(page) == ["Dev Mentor"]
    expect(page.locator("ol.results")).to_contain_text("Mentions “networking” in their biography or experience")


def test_paging_and_the_back_button(new_page, visit, check_a11y, mentors, monkeypatch):
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    mentee = make_mentee(first_name="Maya", email="maya@example.com")
    page = new_page(mentee)
    visit(page, "/find/")

    expect(page.locator("#results-summary")).to_contain_text("Showing 1 to 2, page 1 of 3")
    first_page = result_names(page)
    pages = page.get_by_role("navigation", name="Result pages")
    pages.get_by_role("link", name="Next page").click()
    page.wait_for_url(re.compile(r"page=2"))
    expect(page.locator("#results-summary")).to_contain_text("Showing 3 to 4, page 2 of 3")
    second_page = result_names(page)
    assert not set(first_page) & set(second_page)
    check_a11y(page)

    pages = page.get_by_role("navigation", name="Result pages")
    pages.get_by_role("link", name="Page 3").click()
    page.wait_for_url(re.compile(r"page=3"))
    expect(pages.locator("[aria-current=page]")).to_have_text("Page 3")

    page.go_back()
    page.wait_for_url(re.compile(r"page=2"))
    assert result_names(page) == second_page


def test_from_a_result_to_the_mentor_profile(new_page, visit, mentors):
    mentee = make_mentee(first_name="Maya", email="maya@example.com")
    page = new_page(mentee)
    visit(page, "/find/")

    page.get_by_role("link", name="Alice Mentor", exact=True).click()
    page.wait_for_url(re.compile(r"/mentors/\d+/"))
    expect(page.get_by_role("heading", level=1, name="Alice Mentor")).to_be_visible()
    expect(page.get_by_role("link", name="Mentor Request")).to_be_visible()
    expect(page.get_by_role("link", name="Ask Question")).to_be_visible()
    visit(page, page.url)  # and it passes axe

    page.get_by_role("link", name="Back to Find Mentor").click()
    page.wait_for_url(re.compile(r"/find/"))
