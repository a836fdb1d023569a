"""A goal as a PDF (ReportLab), for Goals → Actions → Download (PDF)."""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer


def goal_pdf(goal) -> bytes:
    buffer = BytesIO()
    styles = getSampleStyleSheet()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=goal.label)
    rel = goal.relationship
    story = [
        Paragraph(escape(goal.label), styles["Title"]),
        Paragraph(escape(f"Mentee: {rel.mentee.display_name} · Mentor: {rel.mentor.display_name}"), styles["Normal"]),
        Paragraph(
            escape("Due: " + (goal.due_date.strftime("%-d %B %Y") if goal.due_date else "no completion date")),
            styles["Normal"],
        ),
        Paragraph("Completed" if goal.completed_at else "In progress", styles["Normal"]),
        Spacer(1, 12),
        Paragraph(escape(goal.details or "").replace("\n", "<br/>"), styles["BodyText"]),
        Spacer(1, 12),
    ]
    entries = list(goal.entries.all())
    if entries:
        story.append(Paragraph("Milestones, reviews and outcomes", styles["Heading2"]))
        for entry in entries:
            when = timezone.localtime(entry.at).strftime("%-d %b %Y")
            story.append(Paragraph(escape(f"{entry.get_kind_display()} · {when}: {entry.text}"), styles["BodyText"]))
    doc.build(story)
    return buffer.getvalue()
