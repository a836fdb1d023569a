"""Matching rounds end to end through their services: open, shortlist, propose, pin, forbid,
publish, a decline and what follows it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from journeys.flows.mentoring import MentoringFlow
from journeys.models import Relationship, State
from journeys.services import relationships
from journeys.services.base import Refused
from notifications.models import Notification
from people.tests.factories import make_mentor
from staff.matching import selectors, services
from staff.matching.models import PAST_STATUSES, PairRule, Proposal, Reason, Round
from staff.members import services as members

from .world import small_world

pytestmark = pytest.mark.django_db


def open_round(w, **options):
    return services.open_round(
        staff_user=w["staff"],
        name="September graduates",
        mentee_ids=[w["ada"].pk, w["ben"].pk],
        mentor_ids=[w["maya"].pk, w["noor"].pk],
        **options,
    )


def current(round_, mentee):
    return Proposal.objects.filter(round=round_, mentee=mentee).exclude(status__in=PAST_STATUSES).get()


def test_the_proposal_maximises_the_total_not_each_mentee_in_turn():
    w = small_world()
    round_ = services.run_proposal(open_round(w, min_score=1), w["staff"])
    # Maya (one place) suits both; Ada suits nobody else, so the best total gives Maya to Ada.
    assert current(round_, w["ada"]).mentor == w["maya"]
    assert current(round_, w["ben"]).mentor == w["noor"]
    ada, ben = current(round_, w["ada"]), current(round_, w["ben"])
    # Ada: two areas with Maya (3 + 3); Ben: two areas, role and community with Noor (3 + 3 + 2 + 2).
    assert (ada.score, ben.score) == (600, 1000)
    assert round_.proposal_seconds is not None and round_.proposed_at is not None


def test_unmatched_mentees_are_listed_with_why():
    w = small_world()
    round_ = services.run_proposal(open_round(w, min_score=11), w["staff"])
    ada = current(round_, w["ada"])
    assert ada.status == Proposal.Status.UNMATCHED and ada.reason == Reason.BELOW_MINIMUM
    assert ada.detail == {"best": 600}
    from staff.matching.selectors import why_words

    assert why_words(ada) == "No mentor scores at least the minimum: the best pair scores 6."


def test_same_organisation_is_never_proposed_and_says_so():
    w = small_world()
    w["ada"].profile.organisation = "northern  RAIL"
    w["ada"].profile.save()
    round_ = services.run_proposal(open_round(w, min_score=4), w["staff"])
    ada = current(round_, w["ada"])
    assert ada.status == Proposal.Status.UNMATCHED and ada.reason == Reason.EXCLUDED
    from staff.matching.selectors import why_words

    assert why_words(ada) == "Only mentors from their own organisation score at least the minimum."
    with pytest.raises(Refused, match="same organisation"):
        services.pin(round_, w["staff"], mentee_id=w["ada"].pk, mentor_id=w["maya"].pk)


def test_a_pin_is_kept_and_the_rest_reoptimised_and_a_forbidden_pair_never_comes_back():
    w = small_world()
    round_ = services.run_proposal(open_round(w, min_score=1), w["staff"])
    services.pin(round_, w["staff"], mentee_id=w["ben"].pk, mentor_id=w["maya"].pk)
    round_.refresh_from_db()
    assert round_.needs_rerun
    with pytest.raises(Refused, match="re-run"):
        services.publish(round_, w["staff"])
    round_ = services.run_proposal(round_, w["staff"])
    assert not round_.needs_rerun
    ben = current(round_, w["ben"])
    assert (ben.mentor, ben.pinned) == (w["maya"], True)
    # Maya's one place is Ben's: Ada goes to Noor (area c is not hers... she shares none) or nowhere.
    ada = current(round_, w["ada"])
    assert ada.mentor != w["maya"]

    services.forbid(round_, w["staff"], mentee_id=w["ben"].pk, mentor_id=w["maya"].pk)
    assert not PairRule.objects.filter(round=round_, kind=PairRule.Kind.PIN).exists()  # the ban replaced the pin
    round_ = services.run_proposal(round_, w["staff"])
    assert current(round_, w["ben"]).mentor == w["noor"]
    assert current(round_, w["ada"]).mentor == w["maya"]


def test_a_pin_beyond_the_mentors_places_is_refused():
    w = small_world()
    round_ = services.run_proposal(open_round(w, min_score=0), w["staff"])
    services.pin(round_, w["staff"], mentee_id=w["ada"].pk, mentor_id=w["maya"].pk)
    with pytest.raises(Refused, match="places in the round are all taken"):
        services.pin(round_, w["staff"], mentee_id=w["ben"].pk, mentor_id=w["maya"].pk)


def test_publishing_sends_proposed_requests_into_the_usual_review_step():
    w = small_world()
    round_ = services.run_proposal(open_round(w, min_score=1), w["staff"])
    mail.outbox.clear()
    outcome = services.publish(round_, w["staff"])
    assert (outcome.sent, outcome.refused) == (2, 0)
    round_.refresh_from_db()
    assert round_.status == Round.Status.PUBLISHED
    rel = Relationship.objects.get(mentee=w["ada"], mentor=w["maya"])
    assert rel.proposed_by_programme and rel.state == State.REQUESTED
    # The area is the first of Ada's areas that Maya supports.
    assert rel.area == w["areas"][0]
    assert rel.history.get().action == "propose_request" and rel.history.get().actor == w["staff"]
    review = Task.objects.get(process__mentoringprocess__relationship=rel, flow_task=MentoringFlow.review_request)
    assert review.owner == w["maya"] and review.status in (STATUS.NEW, STATUS.ASSIGNED)
    # The timers of the review step (two reminders, the escalation, the expiry) are scheduled as for any request.
    assert Task.objects.filter(process=review.process, status=STATUS.SCHEDULED).count() == 4
    events = set(
        Notification.objects.filter(event__startswith="request_proposed").values_list("recipient__email", "event")
    )
    assert events == {
        ("maya@example.com", "request_proposed"),
        ("ada@example.com", "request_proposed_confirmation"),
        ("noor@example.com", "request_proposed"),
        ("ben@example.com", "request_proposed_confirmation"),
    }
    assert set(
        current(round_, w["ada"])
        .relationship.__class__.objects.filter(proposed_by_programme=True)
        .values_list("mentee__email", flat=True)
    ) == {
        "ada@example.com",
        "ben@example.com",
    }
    # Published pairs stay as they are when the proposal is re-run.
    round_ = services.run_proposal(round_, w["staff"])
    assert current(round_, w["ada"]).status == Proposal.Status.PUBLISHED


def test_a_mentee_who_can_no_longer_be_matched_when_the_round_is_published_is_not_sent_a_request():
    """Between the proposal and publishing, Ben was published in another round (a request waiting for
    Noor) and Ada was deactivated: neither is sent a request now, each pair keeping why."""
    w = small_world()
    round_ = services.run_proposal(open_round(w, min_score=1), w["staff"])
    other = services.open_round(
        staff_user=w["staff"], name="Other", mentee_ids=[w["ben"].pk], mentor_ids=[w["noor"].pk]
    )
    services.run_proposal(other, w["staff"])
    services.publish(other, w["staff"])
    members.deactivate(w["ada"], w["staff"])
    Notification.objects.all().delete()
    outcome = services.publish(round_, w["staff"])
    assert (outcome.sent, outcome.refused) == (0, 2)
    assert not Relationship.objects.filter(mentee=w["ada"]).exists()
    assert list(Relationship.objects.filter(mentee=w["ben"]).values_list("mentor__email", flat=True)) == [
        "noor@example.com"
    ]
    assert not Notification.objects.exists()
    assert current(round_, w["ada"]).problem == "Not sent: Ada Mentee cannot be matched now (account deactivated)."
    assert current(round_, w["ben"]).problem == (
        "Not sent: Ben Mentee cannot be matched now (has an open request or relationship as mentee)."
    )


def test_the_mentor_accepts_a_proposed_request_as_any_other():
    w = small_world()
    round_ = services.run_proposal(open_round(w, min_score=1), w["staff"])
    services.publish(round_, w["staff"])
    rel = current(round_, w["ada"]).relationship
    relationships.accept_request(rel, w["maya"])
    rel.refresh_from_db()
    assert rel.state == State.ARRANGING


@pytest.mark.parametrize("on_decline", [Round.OnDecline.PROPOSE, Round.OnDecline.PUBLISH])
def test_a_decline_proposes_the_mentees_next_best_mentor(on_decline, django_capture_on_commit_callbacks):
    w = small_world()
    round_ = services.run_proposal(open_round(w, min_score=1, on_decline=on_decline), w["staff"])
    services.publish(round_, w["staff"])
    ben_rel = current(round_, w["ben"]).relationship
    with django_capture_on_commit_callbacks(execute=True):
        relationships.decline_request(ben_rel, w["noor"], "Not this time")
    declined = Proposal.objects.get(round=round_, mentee=w["ben"], status=Proposal.Status.DECLINED)
    assert declined.mentor == w["noor"]
    nxt = current(round_, w["ben"])
    # Maya's one place is taken by Ada's request (pending): Ben has no one left above the minimum.
    assert nxt.status == Proposal.Status.UNMATCHED and nxt.reason == Reason.FULL
    # Ada's request is declined too: she is re-proposed, never to Maya again.
    ada_rel = current(round_, w["ada"]).relationship
    with django_capture_on_commit_callbacks(execute=True):
        relationships.decline_request(ada_rel, w["maya"], "Full up")
    ada_next = current(round_, w["ada"])
    assert ada_next.mentor_id != w["maya"].pk


def test_after_a_decline_with_room_left_the_next_best_is_published_when_the_round_says_so(
    django_capture_on_commit_callbacks,
):
    w = small_world()
    w["maya"].profile.capacity = 2
    w["maya"].profile.save()
    round_ = services.run_proposal(open_round(w, min_score=1, on_decline=Round.OnDecline.PUBLISH), w["staff"])
    services.publish(round_, w["staff"])
    ben = current(round_, w["ben"])
    first_mentor = ben.mentor
    other = w["maya"] if first_mentor == w["noor"] else w["noor"]
    with django_capture_on_commit_callbacks(execute=True):
        relationships.decline_request(ben.relationship, first_mentor, "")
    nxt = current(round_, w["ben"])
    assert nxt.status == Proposal.Status.PUBLISHED and nxt.mentor == other
    assert nxt.relationship.proposed_by_programme and nxt.relationship.state == State.REQUESTED


def test_a_decline_with_nothing_to_do_leaves_the_mentee_unmatched(django_capture_on_commit_callbacks):
    w = small_world()
    round_ = services.run_proposal(open_round(w, min_score=1, on_decline=Round.OnDecline.NOTHING), w["staff"])
    services.publish(round_, w["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        relationships.decline_request(current(round_, w["ben"]).relationship, w["noor"], "")
    nxt = current(round_, w["ben"])
    assert (nxt.status, nxt.reason) == (Proposal.Status.UNMATCHED, Reason.DECLINED)


def test_shortlists_raise_the_pairs_score_and_close_on_their_date():
    w = small_world()
    round_ = open_round(w, min_score=1, shortlist_closes_on=timezone.localdate(), shortlist_weight=8)
    entry = round_.mentees.get(mentee=w["ben"])
    services.save_shortlist(entry, w["ben"], mentor_ids=[w["maya"].pk], keywords="", note="Hoping to learn planning.")
    round_ = services.run_proposal(round_, w["staff"])
    ben = current(round_, w["ben"])
    # Ben with Maya (3 + 3 + role 2 + community 2 = 10, + 8 shortlisted) and Ada unmatched (18) now
    # beats Ada with Maya (6) and Ben with Noor (10).
    assert (ben.mentor, ben.shortlisted, ben.score, ben.match_score) == (w["maya"], True, 1800, 1000)
    assert current(round_, w["ada"]).reason == Reason.FULL
    with pytest.raises(Refused, match="at most 3"):
        services.save_shortlist(entry, w["ben"], mentor_ids=[1, 2, 3, 4])
    with pytest.raises(Refused, match="Only the mentee"):
        services.save_shortlist(entry, w["ada"], mentor_ids=[])
    Round.objects.filter(pk=round_.pk).update(shortlist_closes_on=timezone.localdate() - timedelta(days=1))
    entry.refresh_from_db()
    with pytest.raises(Refused, match="closed"):
        services.save_shortlist(entry, w["ben"], mentor_ids=[])
    # The note is the statement the mentor reads on the request.
    services.publish(round_, w["staff"])
    assert current(round_, w["ben"]).relationship.statement == "Hoping to learn planning."


def test_opening_a_round_with_a_closing_date_invites_each_mentee_by_email():
    w = small_world()
    open_round(w, shortlist_closes_on=timezone.localdate() + timedelta(days=7))
    invites = Notification.objects.filter(event="matching_invitation")
    assert sorted(invites.values_list("recipient__email", flat=True)) == ["ada@example.com", "ben@example.com"]


def test_a_round_refuses_a_closing_date_in_the_past_or_more_than_a_year_ahead():
    w = small_world()
    today = timezone.localdate()
    with pytest.raises(Refused, match="has passed"):
        open_round(w, shortlist_closes_on=today - timedelta(days=1))
    with pytest.raises(Refused, match="at most a year ahead"):
        open_round(w, shortlist_closes_on=today + timedelta(days=366))
    assert not Round.objects.exists() and not Notification.objects.exists()
    assert open_round(w, shortlist_closes_on=today + timedelta(days=365)).shortlist_closes_on == today + timedelta(
        days=365
    )


def test_the_round_takes_only_mentees_who_can_be_matched_and_mentors_who_can_be_asked():
    w = small_world()
    relationships.send_request(w["ada"], w["noor"], w["areas"][2], "Please")
    w["maya"].profile.accepting_requests = False
    w["maya"].profile.save()
    mentees = services.select_mentees(services.MENTEES_UNMATCHED)
    assert w["ada"].pk not in mentees.user_ids and w["ben"].pk in mentees.user_ids
    listed = services.select_mentees(
        services.MENTEES_LISTED, emails=["ada@example.com", "ben@example.com", "who@example.com"]
    )
    assert (listed.user_ids, listed.unknown, listed.left_out) == ([w["ben"].pk], ["who@example.com"], 1)
    mentors = services.select_mentors(services.MENTORS_AVAILABLE)
    assert w["maya"].pk not in mentors.user_ids and w["noor"].pk in mentors.user_ids
    since = services.select_mentees(services.MENTEES_JOINED_SINCE, since=timezone.localdate())
    assert since.user_ids == [w["ben"].pk] and since.left_out == 1


def test_a_closed_round_changes_no_more():
    w = small_world()
    round_ = services.run_proposal(open_round(w), w["staff"])
    services.close_round(round_, w["staff"])
    assert not Proposal.objects.filter(round=round_, status=Proposal.Status.PROPOSED).exists()
    for action in (
        lambda: services.run_proposal(round_, w["staff"]),
        lambda: services.pin(round_, w["staff"], mentee_id=w["ada"].pk, mentor_id=w["maya"].pk),
        lambda: services.publish(round_, w["staff"]),
    ):
        with pytest.raises(Refused, match="closed"):
            action()


# -- someone who is both mentee and mentor ----------------------------------------------------


def both_sides(w, *, with_ada=True, mentors=("priya", "noor"), **options):
    """Priya, a mentor (one place) who is also a mentee, fits herself best (areas a, b, c, role and
    community: 13); Ada now shares only area a with her (3) and nothing with Noor; Noor shares area c,
    the role and the community with Priya (7). A round of Priya (and Ada), mentored by ``mentors``."""
    a, b, c, _d = w["areas"]
    w["priya"] = priya = make_mentor(
        first_name="Priya",
        last_name="Patel",
        email="priya.patel@example.com",
        capacity=1,
        areas=[a, b, c],
        role=w["roles"][0],
        community=w["communities"][0],
        organisation="Patel Consulting",
    )
    priya.profile.is_mentee = True
    priya.profile.save()
    w["ada"].profile.areas.set([a])
    round_ = services.open_round(
        staff_user=w["staff"],
        name="Both sides",
        mentee_ids=[priya.pk, w["ada"].pk] if with_ada else [priya.pk],
        mentor_ids=[w[name].pk for name in mentors],
        **{"min_score": 1, "avoid_same_organisation": False, **options},
    )
    return priya, round_


def test_someone_who_is_mentee_and_mentor_is_never_proposed_to_themselves():
    w = small_world()
    priya, round_ = both_sides(w)
    round_ = services.run_proposal(round_, w["staff"])
    # Priya with herself (13) would beat Priya with Noor (7) and Ada with Priya (3): that pair does
    # not exist, and it takes none of Priya's places as a mentor.
    assert current(round_, priya).mentor == w["noor"]
    assert current(round_, w["ada"]).mentor == priya
    assert not Proposal.objects.filter(round=round_, mentee=priya, mentor=priya).exists()
    # Staff cannot pin her to herself either.
    with pytest.raises(Refused, match="own mentor"):
        services.pin(round_, w["staff"], mentee_id=priya.pk, mentor_id=priya.pk)
    assert not PairRule.objects.filter(round=round_).exists()


def test_someone_who_is_mentee_and_mentor_cannot_be_forbidden_with_themselves_either():
    w = small_world()
    priya, round_ = both_sides(w)
    # As a pin is refused, so is a ban: there is no pair of Priya with herself to forbid.
    with pytest.raises(Refused, match="own mentor"):
        services.forbid(round_, w["staff"], mentee_id=priya.pk, mentor_id=priya.pk)
    assert not PairRule.objects.filter(round=round_).exists()
    assert selectors.rules_of(round_) == []


def test_someone_who_is_mentee_and_mentor_is_not_their_own_colleague_in_the_reasons():
    w = small_world()
    # Nobody else is at Priya's organisation, and Noor (7) is below the minimum of 8.
    priya, round_ = both_sides(w, with_ada=False, min_score=8, avoid_same_organisation=True)
    round_ = services.run_proposal(round_, w["staff"])
    row = current(round_, priya)
    assert (row.status, row.reason, row.detail) == (Proposal.Status.UNMATCHED, Reason.BELOW_MINIMUM, {"best": 700})
    from staff.matching.selectors import why_words

    assert why_words(row) == "No mentor scores at least the minimum: the best pair scores 7."


def test_a_mentee_whose_only_mentor_is_themselves_is_told_so_not_that_no_mentor_has_a_place():
    w = small_world()
    priya, round_ = both_sides(w, with_ada=False, mentors=("priya",), min_score=0)
    round_ = services.run_proposal(round_, w["staff"])
    row = current(round_, priya)
    assert (row.status, row.reason) == (Proposal.Status.UNMATCHED, Reason.ONLY_THEMSELVES)
    from staff.matching.selectors import why_words

    assert why_words(row) == "The round's only mentor is this mentee themselves: no one else can mentor them."


def test_after_a_decline_the_next_best_mentor_is_never_the_mentee_themselves(django_capture_on_commit_callbacks):
    w = small_world()
    priya, round_ = both_sides(w, with_ada=False)
    round_ = services.run_proposal(round_, w["staff"])
    assert current(round_, priya).mentor == w["noor"]
    services.publish(round_, w["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        relationships.decline_request(current(round_, priya).relationship, w["noor"], "")
    row = current(round_, priya)
    # Noor declined her in this round, and she is no candidate for herself: nobody is left.
    assert (row.status, row.mentor, row.reason) == (Proposal.Status.UNMATCHED, None, Reason.EXCLUDED)
    assert (row.detail["same_organisation"], row.detail["forbidden"]) == (0, 1)


def test_someone_who_is_mentee_and_mentor_cannot_shortlist_themselves():
    w = small_world()
    priya, round_ = both_sides(
        w, with_ada=False, mentors=("priya", "maya", "noor"), shortlist_closes_on=timezone.localdate()
    )
    entry = round_.mentees.get(mentee=priya)
    offered = [choice["card"].user_id for choice in selectors.shortlist_choices(entry)]
    assert priya.pk not in offered and set(offered) == {w["maya"].pk, w["noor"].pk}
    with pytest.raises(Refused, match="this round's list"):
        services.save_shortlist(entry, priya, mentor_ids=[priya.pk])


def test_a_published_request_closed_by_deactivating_the_mentor_is_not_called_a_decline(
    client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from staff.members.services import deactivate

    w = small_world()
    round_ = services.run_proposal(open_round(w, min_score=1), w["staff"])
    services.publish(round_, w["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        relationships.decline_request(current(round_, w["ada"]).relationship, w["maya"], "Full up")
        deactivate(w["noor"], w["staff"])
    client.force_login(w["staff"])
    page = client.get(reverse("staff_matching_round", args=[round_.pk])).content.decode()
    maya, noor, ben = w["maya"].display_name, w["noor"].display_name, w["ben"].display_name
    section = page[page.index('id="declined-head"') :]
    assert f"{maya} declined {w['ada'].display_name}" in section
    assert f"{ben}'s request to {noor} was closed: {noor} is not taking part now" in section
    assert f"{noor} declined" not in page


def test_a_pair_whose_request_was_closed_when_the_mentor_stopped_taking_part_may_be_proposed_again():
    """The rule "never propose a pair that was declined or ended before" bars a declined pair, not one whose request
    was closed because the mentor was deactivated (or left): back again, the mentor may be proposed."""
    from staff.matching import loading
    from staff.members.services import deactivate, reactivate

    w = small_world()
    w["maya"].profile.capacity = 2
    w["maya"].profile.save()
    relationships.decline_request(relationships.send_request(w["ben"], w["noor"], w["areas"][2], "Hi"), w["noor"], "")
    closed = relationships.send_request(w["ada"], w["maya"], w["areas"][0], "Hello")
    deactivate(w["maya"], w["staff"])
    reactivate(w["maya"], w["staff"])
    assert Relationship.objects.get(pk=closed.pk).state == State.REQUEST_CLOSED
    round_ = open_round(w, min_score=1)
    assert round_.avoid_past_pairs
    loaded = loading.load(round_)
    mentee, mentor = loaded.mentees.index, loaded.mentors.index
    assert (mentee(w["ada"].pk), mentor(w["maya"].pk)) not in loaded.data.past
    assert (mentee(w["ben"].pk), mentor(w["noor"].pk)) in loaded.data.past
    round_ = services.run_proposal(round_, w["staff"])
    assert current(round_, w["ada"]).mentor == w["maya"]
    assert current(round_, w["ben"]).mentor == w["maya"]  # never Noor, who declined him


def test_a_published_pair_closed_when_its_mentor_stopped_taking_part_is_not_their_decline(
    django_capture_on_commit_callbacks,
):
    """Noor is deactivated while Ben's proposed request waits for her: the round records the pair as closed
    (not declined), proposes Ben's next best mentor as it would after a decline, and does not bar the pair:
    back again, Noor may be pinned to Ben."""
    from staff.members.services import deactivate, reactivate

    w = small_world()
    round_ = services.run_proposal(open_round(w, min_score=1, on_decline=Round.OnDecline.PROPOSE), w["staff"])
    services.publish(round_, w["staff"])
    assert current(round_, w["ben"]).mentor == w["noor"]
    w["maya"].profile.capacity = 2  # room for Ben with Maya
    w["maya"].profile.save()
    with django_capture_on_commit_callbacks(execute=True):
        deactivate(w["noor"], w["staff"])
    closed = Proposal.objects.get(round=round_, mentee=w["ben"], mentor=w["noor"])
    assert closed.status == Proposal.Status.CLOSED and closed.get_status_display() == (
        "Closed: the mentor stopped taking part"
    )
    assert not Proposal.objects.filter(round=round_, status=Proposal.Status.DECLINED).exists()
    nxt = current(round_, w["ben"])
    assert (nxt.status, nxt.mentor) == (Proposal.Status.PROPOSED, w["maya"])
    summary = selectors.summary(round_)
    assert (summary.declined, summary.closed) == (0, 1)
    reactivate(w["noor"], w["staff"])
    services.pin(round_, w["staff"], mentee_id=w["ben"].pk, mentor_id=w["noor"].pk)  # not barred
    round_ = services.run_proposal(round_, w["staff"])
    assert current(round_, w["ben"]).mentor == w["noor"]


@pytest.mark.parametrize("how", ["left", "deactivated"])
def test_with_nothing_to_do_the_mentee_is_unmatched_because_the_mentor_stopped_taking_part(
    how, django_capture_on_commit_callbacks
):
    from people.services import delete_account
    from staff.matching.selectors import why_words
    from staff.members.services import deactivate

    w = small_world()
    round_ = services.run_proposal(open_round(w, min_score=1, on_decline=Round.OnDecline.NOTHING), w["staff"])
    services.publish(round_, w["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        if how == "left":
            delete_account(w["noor"])
        else:
            deactivate(w["noor"], w["staff"])
    nxt = current(round_, w["ben"])
    assert (nxt.status, nxt.reason) == (Proposal.Status.UNMATCHED, Reason.CLOSED_FOR_MENTOR)
    assert why_words(nxt) == (
        "The proposed mentor stopped taking part (left the programme, or was deactivated) before answering, "
        "and the round does not propose another."
    )
    assert Proposal.objects.get(round=round_, mentee=w["ben"], mentor=w["noor"]).status == Proposal.Status.CLOSED


def test_the_round_page_tells_a_decline_from_a_pair_closed_for_its_mentor_whoever_is_active_now(
    client, django_capture_on_commit_callbacks
):
    """Maya declines Ada and is deactivated later; Noor is deactivated while Ben's request waits, then comes
    back. The page says what happened to each pair, not what each account is now."""
    from django.urls import reverse

    from staff.members.services import deactivate, reactivate

    w = small_world()
    round_ = services.run_proposal(open_round(w, min_score=1, on_decline=Round.OnDecline.NOTHING), w["staff"])
    services.publish(round_, w["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        relationships.decline_request(current(round_, w["ada"]).relationship, w["maya"], "Full up")
        deactivate(w["noor"], w["staff"])
    deactivate(w["maya"], w["staff"])
    reactivate(w["noor"], w["staff"])
    client.force_login(w["staff"])
    page = client.get(reverse("staff_matching_round", args=[round_.pk])).content.decode()
    maya, noor = w["maya"].display_name, w["noor"].display_name
    ada, ben = w["ada"].display_name, w["ben"].display_name
    section = page[page.index('id="declined-head"') :]
    assert f"{maya} declined {ada}" in section
    assert f"{ben}'s request to {noor} was closed: {noor} is not taking part now" in section
    assert f"{noor} declined" not in page and f"{ada}'s request to {maya} was closed" not in page
    totals = "".join(page[page.index('id="round-totals"') :].split("</dl>")[0].split())
    assert "<dt>Declinedbythementor</dt><dd>1</dd>" in totals
    assert "<dt>Closed:thementorstoppedtakingpart</dt><dd>1</dd>" in totals
    assert "When a mentor declines or stops taking part" in page
