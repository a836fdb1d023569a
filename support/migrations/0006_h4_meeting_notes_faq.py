"""The FAQ "Record meeting notes" describes the real thing (notes on the meeting's own page, and
whether it took place), and a new one explains the personal calendar address.

Only an answer still as 0002 seeded it is replaced, so an answer staff have edited is kept;
``seed`` only adds a question that is missing. Both run again safely (the tests' seeds call them).
"""

from django.db import migrations

QUESTION = "Record meeting notes"

OLD_ANSWER = (
    "Every meeting under Meet / Video has a box for meeting details. Edit the meeting to add an agenda beforehand or a "
    "short summary afterwards; both of you can read it.\n\n"
    "To record progress towards a goal, open Goals, then SMART Goals, and add a milestone, review or outcome to the goal. "
    "Over time this builds a useful record of what you discussed and achieved.\n\n"
    "You can also send the other person a summary, or a file, through Messages."
)

NEW_ANSWER = (
    "Once a meeting has started, go to your Relationships page, choose Meet / Video on the relationship, then Notes beside "
    "the meeting (or its title). Either of you can write notes there: what you talked about, what you agreed and what "
    "comes next. Notes are private to the two of you: programme staff do not see them. Each of you finds them in the copy "
    "of your data you can download from Edit Account.\n\n"
    "On the same page, say whether the meeting took place: \u201cYes, we met\u201d or \u201cNo, it did not happen\u201d. Either "
    "of you can record it, and change it later; the relationship's history shows who did. The meetings recorded as held "
    "are the ones counted in your relationship's record, including the hours for your continuing professional "
    "development.\n\n"
    "If your first conversation happened earlier than the date you entered, the mentee can say so from Next step "
    "(\u201cWe met earlier than planned\u201d): the meeting moves to the real date and is recorded as held.\n\n"
    "To record progress towards a goal, open Goals, then SMART Goals, and add a milestone, review or outcome to the goal. "
    "You can also send the other person a summary, or a file, through Messages."
)

CALENDAR_QUESTION = "Add my meetings to my calendar"
CALENDAR_ANSWER = (
    "Every meeting email comes with a calendar invitation, and each meeting under Meet / Video has an \u201cAdd to "
    "calendar (.ics)\u201d link.\n\n"
    "To see all your meetings, as mentee and as mentor, in your own calendar and keep them up to date, open Meet / Video "
    "on any relationship (or Edit Account) and choose \u201cGet my calendar address\u201d. Then choose \u201cSubscribe in my "
    "calendar app\u201d, or copy the address into your calendar (in Google Calendar: Other calendars, then From URL). New, "
    "changed and cancelled meetings then appear by themselves; calendar apps check every few hours.\n\n"
    "The address is private: anyone who has it can see your meetings. If you shared it by mistake, choose \u201cChange my "
    "calendar address\u201d: the old address stops working at once."
)


def seed(apps, schema_editor):
    FAQ = apps.get_model("support", "FAQ")
    FAQ.objects.filter(question=QUESTION, answer=OLD_ANSWER).update(answer=NEW_ANSWER)
    notes = FAQ.objects.filter(category="general", question=QUESTION).first()
    FAQ.objects.get_or_create(
        category="general",
        question=CALENDAR_QUESTION,
        defaults={"answer": CALENDAR_ANSWER, "position": (notes.position + 5) if notes else 200, "published": True},
    )


def unseed(apps, schema_editor):
    FAQ = apps.get_model("support", "FAQ")
    FAQ.objects.filter(question=QUESTION, answer=NEW_ANSWER).update(answer=OLD_ANSWER)
    FAQ.objects.filter(question=CALENDAR_QUESTION, answer=CALENDAR_ANSWER).delete()


class Migration(migrations.Migration):
    dependencies = [("support", "0005_h5_worksheets_and_proposal")]

    operations = [migrations.RunPython(seed, unseed)]
