"""A goal as a PDF (ReportLab), for Goals → Actions → Download (PDF)."""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from project.dates import long_date


def goal_pdf(goal) -> bytes:
    buffer = BytesIO()
    styles = getSampleStyleSheet()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=goal.label)
    rel = goal.relationship
    story = [
        Paragraph(escape(goal.label), styles["Title"]),
        Paragraph(
            escape(
                _("Mentee: %(mentee)s · Mentor: %(mentor)s")
                % {"mentee": rel.mentee.display_name, "mentor": rel.mentor.display_name}
            ),
            styles["Normal"],
        ),
        Paragraph(
            escape(
                _("Due: %(date)s") % {"date": long_date(goal.due_date)}
                if goal.due_date
                else _("Due: no completion date")
            ),
            styles["Normal"],
        ),
        Paragraph(escape(_("Completed") if goal.completed_at else _("In progress")), styles["Normal"]),
        Spacer(1, 12),
        Paragraph(escape(goal.details or "").replace("\n", "<br/>"), styles["BodyText"]),
        Spacer(1, 12),
    ]
    entries = list(goal.entries.all())
    if entries:
        story.append(Paragraph(escape(_("Milestones, reviews and outcomes")), styles["Heading2"]))
        for entry in entries:
            when = format_date(timezone.localtime(entry.at), "j M Y")
            story.append(Paragraph(escape(f"{entry.get_kind_display()} · {when}: {entry.text}"), styles["BodyText"]))
    doc.build(story)
    return buffer.getvalue()
