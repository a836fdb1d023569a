"""Every box in a form says what it is for, and its hint and error are tied to it.

The pages are read as a screen reader would: each input, select and textarea has a label (or is
wrapped in one); every ``for`` and every id in ``aria-describedby`` names an element on the page, and
no ``aria-describedby`` is empty. A date (``DateBoxesField``: Day, Month and Year boxes) is a group: a
fieldset whose legend is the field's label, each box labelled Day, Month or Year, and each box
described by the field's hint and, when there is one, its error.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from journeys.tests.helpers import send, walk_to
from people.tests.factories import make_staff
from staff.models import CaseKind
from staff.services import open_case

pytestmark = pytest.mark.django_db
NOT_TYPED_IN = {"hidden", "submit", "button", "reset", "image"}


@dataclass
class Control:
    tag: str
    attrs: dict
    wrapped_in_label: str | None  # the words of the label around it, if any
    fieldsets: list  # the fieldsets around it, innermost last
    in_date_boxes: bool

    @property
    def legends(self) -> list[str]:
        return [f.legend for f in self.fieldsets]


@dataclass
class Fieldset:
    attrs: dict
    legend: str = ""


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.labels: list[tuple[str | None, str]] = []  # (for, words)
        self.controls: list[Control] = []
        self.fieldsets: list[Fieldset] = []
        self.described_by: list[str] = []  # every aria-describedby value on the page
        self._open: list[tuple[str, object]] = []  # open elements we collect words for
        self._fieldsets: list[Fieldset] = []
        self._label: list | None = None  # [for, words, controls inside]
        self._legend: list[str] | None = None
        self._date_depth = 0
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if "aria-describedby" in attrs:
            self.described_by.append(attrs["aria-describedby"] or "")
        if tag in ("input", "br", "img", "meta", "link", "hr"):
            self._void(tag, attrs)
            return
        self._depth += 1
        self._open.append((tag, self._depth))
        if tag == "div" and "date-boxes" in (attrs.get("class") or "").split():
            self._date_depth = self._depth
        if tag == "fieldset":
            fieldset = Fieldset(attrs)
            self.fieldsets.append(fieldset)
            self._fieldsets.append(fieldset)
        elif tag == "legend":
            self._legend = []
        elif tag == "label":
            self._label = [attrs.get("for"), [], []]
        elif tag in ("select", "textarea"):
            self._control(tag, attrs)

    def _void(self, tag, attrs):
        if tag == "input" and attrs.get("type", "text") not in NOT_TYPED_IN:
            self._control(tag, attrs)

    def _control(self, tag, attrs):
        control = Control(tag, attrs, None, list(self._fieldsets), bool(self._date_depth))
        self.controls.append(control)
        if self._label is not None:
            self._label[2].append(control)

    def handle_data(self, data):
        if self._label is not None:
            self._label[1].append(data)
        if self._legend is not None:
            self._legend.append(data)

    def handle_endtag(self, tag):
        if tag not in [t for t, _ in self._open]:
            return
        while self._open:
            open_tag, depth = self._open.pop()
            self._depth = depth - 1
            if depth == self._date_depth:
                self._date_depth = 0
            if open_tag == tag:
                break
        if tag == "fieldset" and self._fieldsets:
            self._fieldsets.pop()
        elif tag == "legend" and self._legend is not None:
            if self._fieldsets:
                self._fieldsets[-1].legend = " ".join("".join(self._legend).split())
            self._legend = None
        elif tag == "label" and self._label is not None:
            label_for, words, inside = self._label
            words = " ".join("".join(words).split())
            self.labels.append((label_for, words))
            for control in inside:
                control.wrapped_in_label = words
            self._label = None


def read(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def check(html: str) -> Page:
    """The rules every form page keeps (see the module's docstring); returns the page read."""
    page = read(html)
    assert page.controls, "no form on the page"
    for label_for, words in page.labels:
        assert label_for != "", f"<label for=''>: {words}"
        assert label_for is None or label_for in page.ids, f"a label for a missing id: {label_for} ({words})"
    labelled = {label_for: words for label_for, words in page.labels if label_for}
    for control in page.controls:
        a = control.attrs
        name = labelled.get(a.get("id")) or control.wrapped_in_label or a.get("aria-label") or a.get("aria-labelledby")
        assert name, f"an unlabelled <{control.tag} name={a.get('name')!r}>"
    for value in page.described_by:
        assert value.strip(), 'an empty aria-describedby=""'
        for id_ in value.split():
            assert id_ in page.ids, f"aria-describedby names a missing id: {id_}"
    # A hint or error under a field is read with it: every one on the page is referenced.
    referenced = {id_ for value in page.described_by for id_ in value.split()}
    for id_ in page.ids:
        if id_.endswith(("_helptext", "_error")) and id_.startswith("id_"):
            assert id_ in referenced, f"{id_} is shown but tied to nothing"
    check_dates(page)
    return page


def check_dates(page: Page) -> None:
    boxes = [c for c in page.controls if c.in_date_boxes]
    assert len(boxes) % 3 == 0
    labelled = dict(page.labels)
    for day, month, year in zip(boxes[::3], boxes[1::3], boxes[2::3], strict=True):
        base = day.attrs["id"].removesuffix("_0")
        assert [b.attrs["id"] for b in (day, month, year)] == [f"{base}_0", f"{base}_1", f"{base}_2"]
        assert [labelled[b.attrs["id"]] for b in (day, month, year)] == ["Day", "Month", "Year"]
        assert day.legends and day.legends[-1], f"{base}: no fieldset with a legend around the boxes"
        # the boxes are described, not the group as well (a screen reader would read it twice)
        assert "aria-describedby" not in day.fieldsets[-1].attrs, base
        expected = [id_ for id_ in (f"{base}_helptext", f"{base}_error") if id_ in page.ids]
        for box in (day, month, year):
            assert (box.attrs.get("aria-describedby") or "").split() == expected, box.attrs
            assert (box.attrs.get("aria-invalid") == "true") == (f"{base}_error" in page.ids)


def date_group(page: Page, base: str) -> Control:
    [day] = [c for c in page.controls if c.attrs.get("id") == f"{base}_0"]
    return day


# -- the pages -----------------------------------------------------------------------------


@pytest.fixture
def arranging(mentee, mentor):
    return walk_to(send(mentee, mentor), mentee, mentor, "arranging")


def boxes(prefix: str, day: str, month: str, year: str) -> dict:
    return {f"{prefix}_0": day, f"{prefix}_1": month, f"{prefix}_2": year}


def meeting_post(**dates) -> dict:
    return {**boxes("date", **dates), "start_time": "10:00", "duration": "60", "title": "Kick-off"}


def test_the_first_meeting_step_and_a_new_meeting(client, arranging, mentee):
    client.force_login(mentee)
    step = client.get(reverse("next_step", args=[arranging.pk])).url
    for url in (step, reverse("meeting_new", args=[arranging.pk])):
        page = check(client.get(url).content.decode())
        assert date_group(page, "id_date").legends[-1] == "Date of meeting"
        assert date_group(page, "id_date").attrs["aria-describedby"] == "id_date_helptext"
        wrong = client.post(url, meeting_post(day="31", month="2", year="2030"))
        assert wrong.status_code == 200
        page = check(wrong.content.decode())
        assert "That date does not exist" in wrong.content.decode()
        assert date_group(page, "id_date").attrs["aria-describedby"] == "id_date_helptext id_date_error"


def test_a_goal_and_its_edit_page(client, arranging, mentee, mentor):
    rel = walk_to(arranging, mentee, mentor, "progression")
    client.force_login(mentee)
    url = reverse("goals", args=[rel.pk])
    page = check(client.get(url).content.decode())
    # A date or "No completion date" must be given: the date is not called optional.
    assert date_group(page, "id_goal-due_date").legends[-1] == "Expected goal completion date"
    wrong = client.post(url, {"goal-label": "Lead a team", **boxes("goal-due_date", "1", "1", "20")})
    page = check(wrong.content.decode())
    assert "id_goal-due_date_error" in date_group(page, "id_goal-due_date").attrs["aria-describedby"]
    goal = rel.goals.first()
    check(client.get(reverse("goal_edit", args=[goal.pk])).content.decode())


def test_the_day_the_first_meeting_happened(client, arranging, mentee, mentor):
    rel = walk_to(arranging, mentee, mentor, "first_conversation")
    client.force_login(mentee)
    page = check(client.get(reverse("first_meeting_earlier", args=[rel.pk])).content.decode())
    assert [c for c in page.controls if c.in_date_boxes]


def test_a_mentors_profile(client, mentor):
    client.force_login(mentor)
    page = check(client.get(reverse("profile")).content.decode())
    assert date_group(page, "id_away_until").legends[-1] == "Away until (optional)"


def test_radio_groups_without_a_hint_or_error_are_not_described_by_nothing(client, arranging, mentee, mentor):
    signup = client.get(reverse("account_signup")).content.decode()
    page = check(signup)
    [register_as] = [f for f in page.fieldsets if f.legend == "Register as"]
    assert "aria-describedby" not in register_as.attrs
    rel = walk_to(arranging, mentee, mentor, "feedback")
    client.force_login(mentee)
    feedback = client.get(client.get(reverse("next_step", args=[rel.pk])).url).content.decode()
    page = check(feedback)
    [rating] = [f for f in page.fieldsets if f.legend.startswith("How would you rate")]
    assert "aria-describedby" not in rating.attrs
    refused = client.post(client.get(reverse("next_step", args=[rel.pk])).url, {"comments": "Fine"})
    page = check(refused.content.decode())
    [rating] = [f for f in page.fieldsets if f.legend.startswith("How would you rate")]
    assert rating.attrs["aria-describedby"].split() == ["id_rating_error"]


def test_staff_date_fields(client, arranging):
    staff = make_staff(email="dates-staff@example.com")
    client.force_login(staff)
    today = timezone.localdate()
    page = check(client.get(reverse("staff_home")).content.decode())
    assert date_group(page, "id_start").legends[-1] == "From"
    wrong = {**boxes("start", "31", "2", str(today.year)), **boxes("end", "1", "1", str(today.year))}
    page = check(client.get(reverse("staff_home"), wrong).content.decode())
    assert date_group(page, "id_start").attrs["aria-describedby"] == "id_start_helptext id_start_error"
    check(client.get(reverse("staff_matching_new")).content.decode())
    case = open_case(CaseKind.STALLED, relationship=arranging, summary="quiet", tell_staff=False)
    workspace = client.post(reverse("staff_claim", args=[case.pk]))["Location"]
    page = check(client.get(workspace).content.decode())
    assert date_group(page, "id_snooze-until").legends[-1] == "Snooze until"
    snoozed = client.post(workspace, {"action": "snooze", **boxes("snooze-until", "1", "13", str(today.year))})
    page = check(snoozed.content.decode())
    described = "id_snooze-until_helptext id_snooze-until_error"
    assert date_group(page, "id_snooze-until").attrs["aria-describedby"] == described
