"""PDFs (ReportLab): a goal (Goals → Actions → Download), a worksheet version, a person's CPD
evidence pack for a relationship, and a mentor's hours across all their mentees.

Every PDF is set in DejaVu Sans, a Unicode TrueType font kept in the repository (``journeys/fonts/``,
its licence beside it) and embedded in each PDF, so names and text print as typed in Latin (with its
extended letters: Polish, Czech, Turkish...), Greek, Cyrillic, Armenian, Georgian, Arabic and Hebrew
letters. A character the font has no glyph for (Chinese, Japanese and Korean characters, emoji) is
printed as "□" and the PDF says so at its end, never a silent box or a dropped letter. Arabic and
Hebrew words are set right to left and Arabic letters joined (``_right_to_left``); a paragraph with
such words is broken into lines first and each line then put in the order it is seen
(``_BidiParagraph``), so a long one reads from its first line down, and one that starts in Arabic or
Hebrew is set against the right margin. Each PDF names its title (shown in the reader's window) and its
language (``language_tag``: the page's, for screen readers)."""

from __future__ import annotations

import unicodedata
from copy import copy
from functools import cache
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from arabic_reshaper import reshape
from bidi import get_display
from django.conf import settings
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from project import identity
from project.dates import long_date


def goal_pdf(goal) -> bytes:
    styles = _styles()
    rel = goal.relationship
    story = [
        _para(goal.label, styles["Title"]),
        _para(
            _("Mentee: %(mentee)s · Mentor: %(mentor)s")
            % {"mentee": rel.mentee.display_name, "mentor": rel.mentor.display_name},
            styles["Normal"],
        ),
        _para(
            _("Due: %(date)s") % {"date": long_date(goal.due_date)} if goal.due_date else _("Due: no completion date"),
            styles["Normal"],
        ),
        _para(
            _("Completed on %(date)s") % {"date": long_date(goal.completed_at)}
            if goal.completed_at
            else _("In progress"),
            styles["Normal"],
        ),
        Spacer(1, 12),
        _para(goal.details, styles["BodyText"]),
        Spacer(1, 12),
    ]
    entries = list(goal.entries.select_related("author"))
    if entries:
        story.append(_para(_("Milestones, reviews and outcomes"), styles["Heading2"]))
        for entry in entries:
            story.append(
                _para(
                    # Translators: "Review by Alice Kember · 7 December 2026: text".
                    _("%(kind)s by %(author)s · %(date)s: %(text)s")
                    % {
                        "kind": entry.get_kind_display(),
                        "author": _author(entry),
                        "date": long_date(entry.at),
                        "text": entry.text,
                    },
                    styles["BodyText"],
                )
            )
    return _build(goal.label, story)


def _author(entry) -> str:
    """Who wrote a goal entry: either of the two people may add one to the other's goal."""
    return entry.author.display_name if entry.author else _("a former participant")


# -- the font: DejaVu Sans, embedded -------------------------------------------------------------

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
# Each face of the sample stylesheet's Helvetica, in DejaVu Sans.
_FACES = {
    "Helvetica": FONT,
    "Helvetica-Bold": f"{FONT}-Bold",
    "Helvetica-Oblique": f"{FONT}-Oblique",
    "Helvetica-BoldOblique": f"{FONT}-BoldOblique",
}
# Printed instead of a character no embedded font has a glyph for (DejaVu Sans has this one).
MISSING = "\u25a1"


@cache
def _font_chars() -> dict[str, frozenset[int]]:
    """Register the four faces (once a process) and answer the characters each covers (the oblique
    faces have no Arabic letters: ``_para`` prints those in the regular face)."""
    for name in _FACES.values():
        pdfmetrics.registerFont(TTFont(name, FONT_DIR / f"{name}.ttf"))
    # <b> and <i> in a paragraph pick the face.
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, f"{FONT}-Bold")
    addMapping(FONT, 0, 1, f"{FONT}-Oblique")
    addMapping(FONT, 1, 1, f"{FONT}-BoldOblique")
    return {name: frozenset(pdfmetrics.getFont(name).face.charToGlyph) for name in _FACES.values()}


def _styles():
    """ReportLab's sample stylesheet, set in DejaVu Sans."""
    _font_chars()
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        for attribute in ("fontName", "bulletFontName"):
            if getattr(style, attribute, None) in _FACES:
                setattr(style, attribute, _FACES[getattr(style, attribute)])
    return styles


_RTL = ("R", "AL")


def _has_right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in _RTL for c in text)


def _starts_right_to_left(text: str) -> bool:
    """Whether the first letter with a direction is Arabic or Hebrew: the paragraph's own direction."""
    for c in text:
        kind = unicodedata.bidirectional(c)
        if kind in _RTL:
            return True
        if kind == "L":
            return False
    return False


def _right_to_left(text: str) -> str:
    """Each line with Arabic or Hebrew letters in the order it is seen: ReportLab lays out characters
    left to right in the order stored, so the line is put in display order by the Unicode
    bidirectional algorithm (python-bidi), its Arabic letters first given their joined forms
    (arabic-reshaper: the initial, medial and final forms DejaVu Sans has)."""
    if not _has_right_to_left(text):
        return text
    return "\n".join(get_display(reshape(line)) for line in text.replace("\r\n", "\n").split("\n"))


def _marked(text: str) -> tuple[str, bool]:
    """Each character the font cannot print (other than line breaks) as ``MISSING``; and whether any was."""
    chars = _font_chars()[FONT]
    missing = {c for c in text if ord(c) not in chars and c not in "\n\r\t"}
    if not missing:
        return text, False
    return "".join(MISSING if c in missing else c for c in text), True


def printable(text: str) -> tuple[str, bool]:
    """The text as the PDF prints it, line by line: right-to-left words in the order they are seen,
    Arabic letters joined (``_right_to_left``), and each character the font cannot print (other than
    line breaks) as ``MISSING``; and whether any was."""
    return _marked(_right_to_left(text))


# -- shared by the worksheet, CPD and hours PDFs ---------------------------------------------


def _markup(text: str, style) -> str:
    """Plain text as paragraph markup: escaped, line breaks kept, a character this face lacks (an
    Arabic letter in an oblique heading) set in the regular face."""
    face = _font_chars().get(style.fontName, _font_chars()[FONT])
    markup = []
    for c in text:
        if ord(c) in face or c in "\n\r\t":
            markup.append(escape(c))
        else:
            markup.append(f'<font face="{FONT}">{escape(c)}</font>')
    return "".join(markup).replace("\n", "<br/>")


def _para(text, style) -> Paragraph:
    """Plain text as a paragraph: escaped, line breaks kept, and each character the font cannot
    print marked (``printable``), the paragraph remembering it for the note at the end. Text with
    Arabic or Hebrew words is a ``_BidiParagraph``."""
    text = str(text or "")
    if _has_right_to_left(text):
        return _BidiParagraph(text, style)
    text, missing = _marked(text)
    paragraph = Paragraph(_markup(text, style), style)
    paragraph.missing_glyphs = missing
    return paragraph


class _BidiParagraph(Paragraph):
    """A paragraph with right-to-left words, broken into lines in the order it was written and only then
    each line put in the order it is seen, as the Unicode bidirectional algorithm asks (ReportLab would
    otherwise wrap the whole paragraph already reordered, so its lines would read from the last up).
    The breaking is done again at each width the paragraph is offered (a table measures more than once).
    A paragraph whose first letter with a direction is Arabic or Hebrew is set against the right margin."""

    def __init__(self, text: str | None, style, **pieces):
        if text is None:  # a part of one already set, when it is split across pages: lines as they are
            self._written = None
            super().__init__(None, style, **pieces)
            return
        self._base_dir = "R" if _starts_right_to_left(text) else "L"
        if self._base_dir == "R":
            style = copy(style)
            style.alignment = TA_RIGHT
        # joined letter forms first (they are what is measured and printed), still in written order
        self._written, self.missing_glyphs = _marked("\n".join(reshape(line) for line in text.splitlines() or [""]))
        super().__init__(self._display(None, style), style)

    def _display(self, width: float | None, style) -> str:
        lines = []
        for written in self._written.split("\n"):
            pieces = _fit(written, width, style) if width else [written]
            lines.extend(get_display(piece, base_dir=self._base_dir) for piece in pieces)
        return _markup("\n".join(lines), style)

    def wrap(self, availWidth, availHeight):
        if self._written is None:
            return super().wrap(availWidth, availHeight)
        width = availWidth - self.style.leftIndent - self.style.rightIndent
        style, missing = self.style, self.missing_glyphs
        Paragraph.__init__(self, self._display(width, style), style)
        self.missing_glyphs = missing
        return super().wrap(availWidth, availHeight)


def _fit(written: str, width: float, style) -> list[str]:
    """The line broken at spaces into pieces no wider than ``width`` (a word wider than that alone on its
    piece, as ReportLab would set it), measured in the style's face."""
    font = style.fontName if style.fontName in _font_chars() else FONT
    pieces, current = [], ""
    for word in written.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and pdfmetrics.stringWidth(candidate, font, style.fontSize) > width:
            pieces.append(current)
            current = word
        else:
            current = candidate
    pieces.append(current)
    return pieces


def _missing_glyphs(flowables) -> bool:
    for flowable in flowables:
        if getattr(flowable, "missing_glyphs", False):
            return True
        if isinstance(flowable, Table) and any(_missing_glyphs(row) for row in flowable._cellvalues):
            return True
    return False


def _build(title: str, story: list) -> bytes:
    if _missing_glyphs(story):
        story = [
            *story,
            Spacer(1, 12),
            _para(
                _(
                    "Some characters (such as Chinese, Japanese or Korean characters, or emoji) cannot be "
                    "printed in this PDF and are shown as “%(mark)s”. They are kept as written on the site."
                )
                % {"mark": MISSING},
                _styles()["Italic"],
            ),
        ]
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=str(title),
        author=identity.current().name,
        lang=language_tag(),
        # PDF readers show the title, not the file name, in their window and tab, and read it aloud first.
        displayDocTitle=True,
        initialFontName=FONT,
    )
    doc.build(story)
    return buffer.getvalue()


def language_tag() -> str:
    """The language the PDF is written in, as its catalogue's /Lang gives it (BCP 47: "en-GB"), so a
    screen reader reads it in the right voice: the language the page that made it was in."""
    code = get_language() or settings.LANGUAGE_CODE
    language, _sep, region = code.partition("-")
    return f"{language}-{region.upper()}" if len(region) == 2 else code


def _table(rows: list[list], widths: list[float], styles) -> Table:
    cells = [[_para(cell, styles["BodyText"]) for cell in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def worksheet_pdf(relationship, definition, version, comments) -> bytes:
    """One version of a SWOT or G-STAR worksheet, with the comments written on it."""
    styles = _styles()
    title = _("%(worksheet)s worksheet") % {"worksheet": definition.title}
    story = [
        _para(title, styles["Title"]),
        _para(
            _("Mentee: %(mentee)s · Mentor: %(mentor)s")
            % {"mentee": relationship.mentee.display_name, "mentor": relationship.mentor.display_name},
            styles["Normal"],
        ),
        _para(
            _("Version %(number)d, saved by %(author)s on %(date)s")
            % {
                "number": version.number,
                "author": version.author.display_name if version.author else _("a former participant"),
                "date": long_date(version.saved_at),
            },
            styles["Normal"],
        ),
        Spacer(1, 12),
    ]
    for heading, text in version.answer_list():
        story.append(_para(heading.label, styles["Heading2"]))
        story.append(_para(heading.prompt, styles["Italic"]))
        story.append(_para(text or _("(left empty)"), styles["BodyText"]))
    if comments:
        story.append(_para(_("Comments"), styles["Heading2"]))
        for comment in comments:
            who = comment.author.display_name if comment.author else _("a former participant")
            story.append(
                _para(
                    _("%(who)s, %(date)s (on version %(number)s): %(text)s")
                    % {
                        "who": who,
                        "date": long_date(comment.at),
                        "number": comment.version.number if comment.version else "?",
                        "text": comment.text,
                    },
                    styles["BodyText"],
                )
            )
    return _build(str(title), story)


def cpd_pdf(record) -> bytes:
    """A person's CPD evidence pack for one relationship (``journeys.record.cpd_record``)."""
    from .record import hours_and_minutes

    styles = _styles()
    rel = record.relationship
    role = _("mentor") if record.role == "mentor" else _("mentee")
    title = _("CPD evidence: mentoring")
    story = [
        _para(title, styles["Title"]),
        _para(
            _("%(person)s, as %(role)s of %(other)s")
            % {"person": record.person.display_name, "role": role, "other": record.other.display_name},
            styles["Normal"],
        ),
        _para(
            _("Prepared on %(date)s by %(site)s")
            % {"date": long_date(record.generated_at), "site": identity.current().name},
            styles["Normal"],
        ),
        Spacer(1, 12),
        _para(_("The relationship"), styles["Heading2"]),
        _para(_("Area of support: %(area)s") % {"area": rel.area}, styles["BodyText"]),
        _para(_("Requested: %(date)s") % {"date": long_date(rel.created_at)}, styles["BodyText"]),
        _para(
            _("Matched: %(date)s") % {"date": long_date(rel.matched_at) if rel.matched_at else _("not matched")},
            styles["BodyText"],
        ),
        _para(
            _("Ended: %(date)s (%(state)s)") % {"date": long_date(rel.ended_at), "state": rel.get_state_display()}
            if rel.ended_at
            else _("Still under way (%(state)s)") % {"state": rel.get_state_display()},
            styles["BodyText"],
        ),
        _para(_("Meetings held"), styles["Heading2"]),
    ]
    if record.meetings:
        rows = [[_("Date"), _("Meeting"), _("Duration")]]
        rows += [[long_date(m.starts_at), m.title, hours_and_minutes(m.duration_minutes)] for m in record.meetings]
        story.append(_table(rows, [110, 250, 120], styles))
        story.append(Spacer(1, 6))
    story.append(
        _para(
            _("Meetings held: %(count)d. Total time: %(time)s (%(hours)s hours).")
            % {
                "count": len(record.meetings),
                "time": hours_and_minutes(record.total_minutes),
                "hours": f"{record.total_minutes / 60:.2f}",
            },
            styles["BodyText"],
        )
    )
    story.append(_para(_("Goals"), styles["Heading2"]))
    story.append(
        _para(
            _("Goals set: %(set)d. Completed: %(done)d.")
            % {"set": len(record.goals), "done": len(record.goals_completed)},
            styles["BodyText"],
        )
    )
    for goal in record.goals:
        status = (
            _("completed on %(date)s") % {"date": long_date(goal.completed_at)}
            if goal.completed_at
            else _("not completed")
        )
        owner = goal.owner.display_name if goal.owner else _("a former participant")
        story.append(_para(f"{goal.label}", styles["Heading3"]))
        story.append(
            _para(
                _("Set by %(owner)s on %(date)s; %(status)s.")
                % {"owner": owner, "date": long_date(goal.created_at), "status": status},
                styles["BodyText"],
            )
        )
        if goal.details:
            story.append(_para(goal.details, styles["BodyText"]))
        for entry in goal.recorded:
            story.append(
                _para(
                    # Translators: "Milestone by Alice Kember (7 December 2026): text".
                    _("%(kind)s by %(author)s (%(date)s): %(text)s")
                    % {
                        "kind": entry.get_kind_display(),
                        "author": _author(entry),
                        "date": long_date(entry.at),
                        "text": entry.text,
                    },
                    styles["Bullet"],
                )
            )
    story.append(_para(_("My reflections"), styles["Heading2"]))
    if not record.reflections and not (record.feedback and record.feedback.comments):
        story.append(_para(_("No reviews, outcomes or feedback written yet."), styles["BodyText"]))
    for entry in record.reflections:
        story.append(
            _para(
                _("%(kind)s on “%(goal)s”, %(date)s: %(text)s")
                % {
                    "kind": entry.get_kind_display(),
                    "goal": entry.goal.label,
                    "date": long_date(entry.at),
                    "text": entry.text,
                },
                styles["BodyText"],
            )
        )
    if record.feedback is not None:
        story.append(
            _para(
                _("My feedback on the relationship (%(date)s): rated %(rating)d out of 5. %(comments)s")
                % {
                    "date": long_date(record.feedback.at),
                    "rating": record.feedback.rating,
                    "comments": record.feedback.comments,
                },
                styles["BodyText"],
            )
        )
    return _build(str(title), story)


def hours_pdf(hours) -> bytes:
    """The hours a mentor gave across all their mentees (``journeys.record.mentoring_hours``)."""
    from .record import hours_and_minutes

    styles = _styles()
    title = _("CPD evidence: mentoring hours")
    story = [
        _para(title, styles["Title"]),
        _para(_("%(mentor)s, as a mentor") % {"mentor": hours.mentor.display_name}, styles["Normal"]),
        _para(
            _("Prepared on %(date)s by %(site)s")
            % {"date": long_date(hours.generated_at), "site": identity.current().name},
            styles["Normal"],
        ),
        Spacer(1, 12),
    ]
    if hours.rows:
        rows = [[_("Mentee"), _("Matched"), _("Stage"), _("Meetings held"), _("Time")]]
        rows += [
            [
                r.relationship.mentee.display_name,
                long_date(r.relationship.matched_at),
                r.relationship.get_state_display(),
                str(r.meetings),
                hours_and_minutes(r.minutes),
            ]
            for r in hours.rows
        ]
        story.append(_table(rows, [130, 90, 110, 70, 90], styles))
        story.append(Spacer(1, 6))
    else:
        story.append(_para(_("No mentoring relationships yet."), styles["BodyText"]))
    # Two counts, so two plural forms: each phrase is counted on its own (gettext has one number a message).
    mentee_count = len({r.relationship.mentee_id for r in hours.rows})
    meetings_held = ngettext("%(count)d meeting held", "%(count)d meetings held", hours.total_meetings) % {
        "count": hours.total_meetings
    }
    with_mentees = ngettext("with %(count)d mentee", "with %(count)d mentees", mentee_count) % {"count": mentee_count}
    story.append(
        _para(
            # Translators: "meetings" is "4 meetings held", "mentees" is "with 2 mentees"; "hours" is a
            # decimal such as "4.25".
            _("In all: %(meetings)s %(mentees)s, %(time)s (%(hours)s hours).")
            % {
                "meetings": meetings_held,
                "mentees": with_mentees,
                "time": hours_and_minutes(hours.total_minutes),
                "hours": f"{hours.total_minutes / 60:.2f}",
            },
            styles["BodyText"],
        )
    )
    return _build(str(title), story)
