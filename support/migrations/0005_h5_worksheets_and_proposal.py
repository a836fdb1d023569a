"""The SWOT and G-STAR worksheets and the Proposal page (issue 9): the FAQs and guides that
describe them say what the platform now does.

G-STAR keeps the definition the "Using G-STAR" guide has always given (Goals, Situation,
Thinking, Actions, Results), which is now the worksheet's too (``journeys.worksheets``); the
guides' closing sentences point at the worksheets. Only text still as first seeded is changed:
whatever staff have edited in the admin is theirs.
"""

import importlib

from django.db import migrations

FAQS = importlib.import_module("support.migrations.0002_default_faqs")
GUIDES = importlib.import_module("support.migrations.0003_default_resources")

TOOLS_FAQ = "View the SWOT / G-STAR / Goals for my relationship"
PROPOSAL_FAQ = "View the proposal for my mentoring relationship"

NEW_FAQ_ANSWERS = {
    TOOLS_FAQ: (
        "Go to your Relationships page and choose Goals on the relationship. At the top you will find the SWOT and "
        "G-STAR worksheets, SMART Goals and the Proposal. You can use them whenever you like, but they are particularly "
        "helpful when preparing for your first conversation.\n\n"
        "The mentee fills in the SWOT and G-STAR worksheets; the mentor can read them, and either of you can add "
        "comments, which you both see. Each time the mentee saves a worksheet a new version is kept, and earlier "
        "versions stay readable. Each worksheet downloads as a PDF. Nobody but the two of you sees them.\n\n"
        "Under SMART Goals you can create goals, add milestones, reviews and outcomes as you go, download a goal as a PDF "
        "and mark it as complete. The other person in the relationship can see your goals but cannot change them.\n\n"
        "The Resources tab has short guides to each of these tools."
    ),
    PROPOSAL_FAQ: (
        "Your proposal is the mentoring request: the area you would like support with and the personal statement. It "
        "stays readable for both of you at every stage: while the mentor is deciding, after they have accepted, and "
        "after the relationship has ended.\n\n"
        "Go to your Relationships page and choose Actions on the relationship (mentees will find it under Mentors, "
        "mentors under Mentees). The Proposal section is near the top of the page, with a link to open it on a page of "
        "its own. You can also reach it from Goals, next to the SWOT and G-STAR worksheets.\n\n"
        "While the request is still waiting for the mentor, the mentee can edit it from the same page."
    ),
}

GUIDE_ENDINGS = {
    "Using SWOT": (
        "You will find the SWOT tool under Goals on your relationship.",
        "You will find the SWOT worksheet under Goals on your relationship: the mentee fills it in, the mentor can "
        "read it and comment, and it downloads as a PDF.",
    ),
    "Using G-STAR": (
        "You will find the G-STAR tool under Goals on your relationship.",
        "You will find the G-STAR worksheet under Goals on your relationship: the mentee fills it in before you meet, "
        "the mentor can read it and comment, and it downloads as a PDF.",
    ),
}


def _seeded_faq(question):
    for items in (FAQS.GENERAL, FAQS.MENTEE, FAQS.MENTOR):
        for q, answer in items:
            if q == question:
                return answer
    raise LookupError(question)


def _seeded_guide(title):
    for _stage, kind, t, _summary, body in GUIDES.RESOURCES:
        if t == title and kind == "guide":
            return body
    raise LookupError(title)


def _change(apps, forwards: bool):
    FAQ = apps.get_model("support", "FAQ")
    Resource = apps.get_model("support", "Resource")
    for question, new in NEW_FAQ_ANSWERS.items():
        old = _seeded_faq(question)
        before, after = (old, new) if forwards else (new, old)
        FAQ.objects.filter(question=question, answer=before).update(answer=after)
    for title, (old_end, new_end) in GUIDE_ENDINGS.items():
        old = _seeded_guide(title)
        new = old.replace(old_end, new_end)
        before, after = (old, new) if forwards else (new, old)
        Resource.objects.filter(title=title, kind="guide", body=before).update(body=after)


def forwards(apps, schema_editor):
    _change(apps, forwards=True)


seed = forwards  # conftest.SEEDS runs it again after a transactional test's flush re-seeds the old text


def backwards(apps, schema_editor):
    _change(apps, forwards=False)


class Migration(migrations.Migration):
    dependencies = [("support", "0004_privacy_notice")]

    operations = [migrations.RunPython(forwards, backwards)]
