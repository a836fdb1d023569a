"""A matching round in the browser: staff open it, a mentee shortlists, staff review, pin, re-run and
publish; the mentor accepts the proposed request through the usual review page. axe on every page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from journeys.models import Relationship, State
from staff.matching.models import Proposal, Round
from staff.matching.tests.world import small_world

pytestmark = pytest.mark.e2e


def test_staff_run_a_round_and_the_mentor_accepts_the_proposed_request(new_page, visit, check_a11y, mailbox):
    w = small_world()
    staff = new_page(w["staff"])

    # Staff open a round: two mentees from a pasted list, every mentor open to requests.
    visit(staff, "/staff/matching/")
    staff.get_by_role("link", name="Open a matching round").click()
    staff.wait_for_url(re.compile("/staff/matching/new/"))
    check_a11y(staff)
    staff.get_by_label("Name of the round").fill("September graduates")
    staff.get_by_label("A list of email addresses (pasted or uploaded)").first.check()
    staff.get_by_label("Mentees' email addresses").fill("ada@example.com\nben@example.com")
    staff.get_by_label("Minimum score").fill("1")
    closes = timezone.localdate() + timedelta(days=3)
    staff.locator("#id_shortlist_closes_on_0").fill(str(closes.day))
    staff.locator("#id_shortlist_closes_on_1").fill(str(closes.month))
    staff.locator("#id_shortlist_closes_on_2").fill(str(closes.year))
    staff.get_by_role("button", name="Open the round").click()
    staff.wait_for_url(re.compile(r"/staff/matching/\d+/$"))
    check_a11y(staff)
    expect(staff.get_by_text("The round is open with 2 mentees and 2 mentors.")).to_be_visible()
    round_ = Round.objects.get()

    # Ben is invited by email and from his Relationships page, and shortlists Maya.
    invite = mailbox.wait_for(to="ben@example.com", subject_contains="Matching round")
    assert "shortlist up to three" in invite.text
    ben = new_page(w["ben"])
    visit(ben, "/relationships/")
    ben.get_by_role("link", name="Choose your shortlist").click()
    ben.wait_for_url(re.compile(rf"/matching/{round_.pk}/shortlist/"))
    check_a11y(ben)
    ben.get_by_label("Maya Mentor").check()
    ben.get_by_label("A few words for your mentor").fill("I would like to learn rail planning.")
    ben.get_by_role("button", name="Save my shortlist").click()
    expect(ben.get_by_text("Your shortlist is saved.")).to_be_visible()
    check_a11y(ben)

    # Staff propose: the best total gives Maya (one place) to Ada, Ben to Noor.
    staff.get_by_role("button", name="Propose pairs").click()
    expect(staff.get_by_text(re.compile(r"Proposal ready in"))).to_be_visible()
    check_a11y(staff)
    expect(staff.locator("#total-score")).to_have_text("16")
    expect(staff.locator("#pairs tbody tr")).to_have_count(2)
    expect(staff.get_by_role("img", name="Pairs by score, one bar per point")).to_be_visible()

    # Pin Ben with Maya (his shortlist), re-run: Ada is left unmatched, and the page says why.
    expect(staff.get_by_role("button", name=re.compile(r"^Pin\W+Ben Mentee with Noor Mentor$"))).to_be_visible()
    staff.get_by_label("Mentee's email address").fill("ben@example.com")
    staff.get_by_label("Mentor's email address").fill("maya@example.com")
    staff.get_by_role("button", name="Pin this pair").click()
    expect(staff.get_by_text("Pair pinned. Re-run the proposal to apply it.")).to_be_visible()
    expect(staff.locator("#rerun-notice")).to_be_visible()
    check_a11y(staff)
    staff.get_by_role("button", name="Re-run the proposal").click()
    expect(staff.get_by_text(re.compile(r"Proposal ready in"))).to_be_visible()
    expect(staff.locator("#pairs tbody tr")).to_have_count(1)
    row = staff.locator("#pairs tbody tr").first
    expect(row).to_contain_text("Maya Mentor")
    expect(row).to_contain_text("Pinned")
    expect(row).to_contain_text("Shortlisted")
    expect(staff.locator("#unmatched")).to_contain_text("All candidates full")
    check_a11y(staff)

    # Publish, from its own confirmation page.
    staff.get_by_role("link", name="Publish…").click()
    staff.wait_for_url(re.compile(r"/publish/$"))
    check_a11y(staff)
    staff.get_by_role("button", name="Publish and send the requests").click()
    expect(staff.get_by_text("Publishing has started: 1 request is being sent.")).to_be_visible()
    check_a11y(staff)
    # The real worker publishes in the background; the round's page shows how far it has got.
    for _ in range(30):
        if not staff.locator("#publish-refresh").count():
            break
        staff.wait_for_timeout(500)
        staff.locator("#publish-refresh").click()
    expect(staff.locator("#publishing")).to_have_count(0)
    expect(staff.locator("#round-totals")).to_contain_text("Published")
    check_a11y(staff)
    proposal = Proposal.objects.get(round=round_, mentee=w["ben"], status=Proposal.Status.PUBLISHED)
    rel = proposal.relationship
    assert rel.proposed_by_programme and rel.statement == "I would like to learn rail planning."

    # Ben is told; Maya is asked, and accepts on the usual review page.
    told = mailbox.wait_for(to="ben@example.com", subject_contains="proposed Maya Mentor")
    assert "on your behalf" in told.text
    asked = mailbox.wait_for(to="maya@example.com", subject_contains="proposes you")
    link = re.search(r"/relationships/\d+/next/", asked.text).group(0)
    maya = new_page(w["maya"])
    maya.goto(link)
    maya.wait_for_url(re.compile("/journey/mentoring/"))
    check_a11y(maya)
    expect(maya.get_by_text("Proposed by the programme").first).to_be_visible()
    maya.get_by_role("button", name="Accept").click()
    maya.wait_for_url(re.compile(rf"/relationships/{rel.pk}/$"))
    check_a11y(maya)
    rel.refresh_from_db()
    assert rel.state == State.ARRANGING
    mailbox.wait_for(to="ben@example.com", subject_contains="accepted")
    assert Relationship.objects.filter(proposed_by_programme=True).count() == 1
