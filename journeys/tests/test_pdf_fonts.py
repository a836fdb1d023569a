"""Every PDF the platform makes prints names and text as typed, in an embedded Unicode font (DejaVu
Sans, kept in the repository: journeys/fonts/); a character the font cannot print is shown as "□"
and the PDF says so, never silently lost."""

from __future__ import annotations

import datetime as dt
import unicodedata
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from reportlab.lib.enums import TA_RIGHT

from journeys import pdf
from journeys.services import activity, meetings
from journeys.services import worksheets as worksheet_service
from people.tests.factories import PASSWORD, make_mentee, make_mentor

from .helpers import send, walk_to
from .pdftext import pdf_text as pdf_text_as_printed

pytestmark = pytest.mark.django_db

POLISH = "Tariq Kłan"
GREEK = "Ελένη Παπαδοπούλου"
CYRILLIC = "Расширить сеть контактов"
ARABIC = "مرحبا"
# The same word with its letters joined, as printed (left to right, so its first letter at the right):
# final alef, medial beh, initial hah, final reh, initial meem.
ARABIC_JOINED = "\ufe8e\ufe92\ufea3\ufeae\ufee3"
NOTE = "cannot be printed in this PDF"


def pdf_text(data: bytes) -> str:
    """The PDF's text with joined Arabic letters read back as the letters they are (NFKC): a reader's
    copy and paste, or a search in the PDF, finds the word as typed."""
    return unicodedata.normalize("NFKC", pdf_text_as_printed(data))


@pytest.fixture
def rel():
    mentee = make_mentee(first_name="Tariq", last_name="Kłan", email="tariq@example.com")
    mentor = make_mentor(first_name="Ελένη", last_name="Παπαδοπούλου", email="eleni@example.com")
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    starts_at = timezone.now() - dt.timedelta(days=3)
    held = activity.create_meeting(
        rel, mentor, title=f"Встреча {ARABIC}", starts_at=starts_at, duration_minutes=60, send_details=False
    )
    meetings.record_meeting_outcome(held, mentor, held=True)
    return rel


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)


def fonts(data: bytes) -> dict[str, bool]:
    """Each font the PDF's pages use: its name, and whether the font file is embedded in the PDF."""
    found = {}
    for page in PdfReader(BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            found[str(font["/BaseFont"])] = embedded
    return found


def assert_unicode_font_embedded(data: bytes):
    used = fonts(data)
    assert used and all("DejaVuSans" in name for name in used), used
    assert all(used.values()), used  # every one embedded: nothing left to the reader's fonts


def the_pdfs(client, rel):
    goal = activity.create_goal(rel, rel.mentee, label=CYRILLIC, details=f"{ARABIC} — Zoë", due_date=None)
    activity.add_goal_entry(goal, rel.mentee, kind="milestone", text="Καλή αρχή, świetnie")
    worksheet_service.save_worksheet(rel, rel.mentee, kind="swot", answers={"strengths": f"Łódź, {GREEK}"})
    login(client, rel.mentor)
    return {
        "goal": client.get(reverse("goal_pdf", args=[goal.pk])).content,
        "cpd": client.get(reverse("cpd_pdf", args=[rel.pk])).content,
        "hours": client.get(reverse("mentoring_hours_pdf")).content,
        "worksheet": client.get(reverse("worksheet_pdf", args=[rel.pk, "swot"])).content,
    }


def test_every_pdf_prints_polish_greek_cyrillic_and_arabic_as_typed(client, rel):
    made = the_pdfs(client, rel)
    for name, data in made.items():
        text = pdf_text(data)
        assert POLISH in text and GREEK in text, (name, text)
        assert "■" not in text and pdf.MISSING not in text and NOTE not in text, (name, text)
        assert_unicode_font_embedded(data)
    for name in ("goal", "cpd"):
        text = pdf_text(made[name])
        assert CYRILLIC in text and ARABIC in text and "Zoë" in text and "Καλή αρχή, świetnie" in text, name
    assert f"Встреча {ARABIC}" in pdf_text(made["cpd"])
    assert f"Łódź, {GREEK}" in pdf_text(made["worksheet"])


def test_characters_no_embedded_font_has_are_marked_and_the_pdf_says_so(client, rel):
    """Chinese characters and emoji are not in DejaVu Sans: each is printed as "□" and a note at the end
    says why, rather than a glyph box that looks like a printed character, or a name cut short."""
    goal = activity.create_goal(rel, rel.mentee, label="Zoë — 李明 مرحبا 🎯", details="", due_date=None)
    login(client, rel.mentee)
    for data in (
        client.get(reverse("goal_pdf", args=[goal.pk])).content,
        client.get(reverse("cpd_pdf", args=[rel.pk])).content,
    ):
        text = pdf_text(data)
        assert f"Zoë — {pdf.MISSING * 2} {ARABIC}" in text and text.count(pdf.MISSING) >= 4, text
        assert NOTE in text and "They are kept as written on the site." in text
        assert_unicode_font_embedded(data)


def test_the_marking_keeps_every_character_the_font_has_and_sets_right_to_left_words_as_seen():
    assert pdf.printable("Zoë — Kłan Ελένη Иван\nline") == ("Zoë — Kłan Ελένη Иван\nline", False)
    # Stored first letter first; printed left to right, so the first word and letter at the right,
    # and the Arabic letters joined.
    assert pdf.printable("Zoë שלום مرحبا.") == (f"Zoë {ARABIC_JOINED} {'שלום'[::-1]}.", False)
    # A line of its own in Arabic is a right-to-left line: its full stop at the left end.
    assert pdf.printable("Zoë\nمرحبا.") == (f"Zoë\n.{ARABIC_JOINED}", False)
    # lam and alef print as their one ligature.
    assert pdf.printable("لا") == ("\ufefb", False)


def test_arabic_prints_joined_in_the_goal_and_cpd_pdfs(client, rel):
    made = the_pdfs(client, rel)
    for name in ("goal", "cpd"):
        # (pypdf reads a right-to-left run back first letter first)
        assert ARABIC_JOINED[::-1] in pdf_text_as_printed(made[name]), name
    assert pdf.printable("李明 🎯") == (f"{pdf.MISSING * 2} {pdf.MISSING}", True)


def test_a_long_right_to_left_paragraph_reads_from_its_first_line_down(client, rel):
    """Broken into lines before each line is put in the order it is seen: the first words written are on
    the first line (top right), the last on the last line, also when it runs onto a second page or sits in
    a table cell; one that starts in Arabic is set against the right margin."""
    first, last, filler = "أول", "آخر", "كلمة"
    long_text = " ".join([first, *[filler] * 1200, last])
    goal = activity.create_goal(rel, rel.mentee, label="Networking", details=long_text, due_date=None)
    login(client, rel.mentee)
    data = client.get(reverse("goal_pdf", args=[goal.pk])).content
    reader = PdfReader(BytesIO(data))
    assert len(reader.pages) >= 2  # it runs onto the next page
    pages = [unicodedata.normalize("NFKC", page.extract_text() or "") for page in reader.pages]
    assert first in pages[0] and last in pages[-1] and last not in pages[0]  # (read back as written)
    # ...and in a table cell (the CPD pack's meetings): the first word before the last
    title = " ".join([first, *[filler] * 24, last])
    activity.create_meeting(
        rel, rel.mentor, title=title, starts_at=timezone.now() - dt.timedelta(days=2), duration_minutes=30
    )
    cpd = unicodedata.normalize("NFKC", pdf_text_as_printed(client.get(reverse("cpd_pdf", args=[rel.pk])).content))
    assert cpd.index(first) < cpd.index(last)


def test_a_paragraph_that_starts_in_arabic_is_set_against_the_right_margin():
    styles = pdf._styles()
    assert pdf._para("مرحبا Zoë", styles["BodyText"]).style.alignment == TA_RIGHT
    assert pdf._para("Zoë مرحبا", styles["BodyText"]).style.alignment == styles["BodyText"].alignment != TA_RIGHT
