"""PDFs (ReportLab): a goal (Goals → Actions → Download), a worksheet version, a person's CPD
evidence pack for a relationship, and a mentor's hours across all their mentees."""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from project import identity
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


# -- shared by the worksheet, CPD and hours PDFs ---------------------------------------------


def _para(text, style) -> Paragraph:
    """Plain text as a paragraph: escaped, line breaks kept."""
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)


def _build(title: str, story: list) -> bytes:
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, author=identity.current().name)
    doc.build(story)
    return buffer.getvalue()


def _table(rows: list[list], widths: list[float], styles) -> Table:
    cells = [[_para(cell, styles["BodyText"]) for cell in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def worksheet_pdf(relationship, definition, version, comments) -> bytes:
    """One version of a SWOT or G-STAR worksheet, with the comments written on it."""
    styles = getSampleStyleSheet()
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

    styles = getSampleStyleSheet()
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
                    f"{entry.get_kind_display()} ({long_date(entry.at)}): {entry.text}",
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

    styles = getSampleStyleSheet()
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
