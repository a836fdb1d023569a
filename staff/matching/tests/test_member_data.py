"""What a round keeps about a member reaches their Download my data, and goes with Delete my account."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.utils import timezone

from people.exports import build_zip
from people.services import delete_account
from staff.matching import services
from staff.matching.models import RoundMentee
from support.privacy import DEFAULT_PRIVACY_TEXT

from .world import small_world

pytestmark = pytest.mark.django_db


def _round_with_ben_shortlisting(w):
    round_ = services.open_round(
        staff_user=w["staff"],
        name="September graduates",
        mentee_ids=[w["ada"].pk, w["ben"].pk],
        mentor_ids=[w["maya"].pk, w["noor"].pk],
        shortlist_closes_on=timezone.localdate(),
        shortlist_weight=8,
    )
    services.save_shortlist(
        round_.mentees.get(mentee=w["ben"]),
        w["ben"],
        mentor_ids=[w["maya"].pk],
        keywords="rail planning",
        note="Ben hopes to learn timetable planning.",
    )
    services.save_shortlist(
        round_.mentees.get(mentee=w["ada"]),
        w["ada"],
        mentor_ids=[],
        note="Ada would love Maya Mentor, who spoke at the rail day.",
    )
    services.run_proposal(round_, w["staff"])
    services.publish(round_, w["staff"])
    return round_


def _archive(user) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(build_zip(user)))


def test_the_mentees_rounds_reach_their_download_with_their_own_words_and_shortlist():
    """The privacy page says what a round keeps, and Download my data holds it all."""
    assert "as a mentee in it, the keywords, the few words for your mentor and the shortlist of mentors you give" in (
        str(DEFAULT_PRIVACY_TEXT)
    )
    w = small_world()
    _round_with_ben_shortlisting(w)

    archive = _archive(w["ben"])
    rounds = json.loads(archive.read("matching_rounds.json"))
    (entry,) = rounds["as_mentee"]
    assert entry["round"] == "September graduates"
    assert entry["keywords"] == "rail planning"
    assert entry["note_for_your_mentor"] == "Ben hopes to learn timetable planning."
    assert entry["shortlist"] == ["Maya Mentor"]
    assert entry["invited_to_shortlist"] and entry["shortlist_saved"]
    # Shortlisted and weighted, Ben is sent to Maya: the request the round sent for him is listed.
    assert entry["requests_sent_for_you"] == [{"mentor": "Maya Mentor", "status": "Published"}]
    assert rounds["as_mentor"] == []
    readme = archive.read("README.txt").decode()
    assert "matching_rounds.json" in readme and "the keywords, note and shortlist you gave" in readme

    # Nobody else's words: Ada's note is not in Ben's download, nor Ben's in Ada's; the mentor is told
    # only that she was listed.
    assert "Ada would love" not in archive.read("matching_rounds.json").decode()
    assert "Ben hopes" not in _archive(w["ada"]).read("matching_rounds.json").decode()
    maya = json.loads(_archive(w["maya"]).read("matching_rounds.json"))
    assert maya == {
        "as_mentee": [],
        "as_mentor": [{"round": "September graduates", "added": maya["as_mentor"][0]["added"]}],
    }


def test_deleting_the_account_clears_the_mentees_words_and_their_name_from_other_notes():
    """As the privacy page says of Delete my account."""
    assert "the keywords and words for your mentor you gave in matching rounds" in str(DEFAULT_PRIVACY_TEXT)
    w = small_world()
    _round_with_ben_shortlisting(w)

    delete_account(w["ben"])
    ben_entry = RoundMentee.objects.get(mentee=w["ben"])
    assert (ben_entry.keywords, ben_entry.note) == ("", "")

    delete_account(w["maya"])
    ada_entry = RoundMentee.objects.get(mentee=w["ada"])
    assert "Maya" not in ada_entry.note
    assert ada_entry.note == "Ada would love Former participant, who spoke at the rail day."
