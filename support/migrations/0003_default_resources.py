"""Seed the Resources tab with a starter set of guides and video placeholders.

The text is the programme's own. Videos have no link yet, so the page says
“Video coming soon” until staff add one in the admin. ``seed`` only adds what is
missing, so running it again never overwrites staff changes.
"""

from django.db import migrations

# (stage, kind, title, summary, body)
RESOURCES = [
    (
        "getting_started",
        "guide",
        "Getting the most from mentoring",
        "What mentoring is, what it is not, and how to make a good start as a mentee or a mentor.",
        "Mentoring is a relationship in which someone with more experience helps another person think through their "
        "own challenges and grow. A mentor listens, asks good questions, shares what they have learnt and offers a "
        "different point of view. They do not do the work for you, and they are not your manager.\n\n"
        "Mentees get the most from it when they take the lead: decide what you want to work on, arrange the meetings, "
        "come prepared and follow up on what you agreed.\n\n"
        "Mentors get the most from it when they stay curious: resist the urge to solve everything, help the mentee find "
        "their own answers, and be honest about what you can and cannot offer.\n\n"
        "Both of you should agree early on how often you will meet, how you will keep in touch between meetings and "
        "what stays confidential.",
    ),
    (
        "getting_started",
        "guide",
        "Choosing a mentor and writing your request",
        "How to use Find Mentor well and write a request that a mentor will want to accept.",
        "Start with what you want help with. Pick the areas of support that matter most to you on your Profile, then "
        "look through the suggested mentors under Find Mentor. Read their profiles: experience that is close to your "
        "situation often matters more than a senior job title.\n\n"
        "Not sure? Use Ask Question to find out whether a mentor could help with what you have in mind.\n\n"
        "When you send a request, make your personal statement specific. Say where you are now, what you would like to "
        "change and why you think this mentor could help. Two or three short paragraphs are plenty. A clear request is "
        "much easier to say yes to, and it gives your first conversation a head start.",
    ),
    (
        "getting_started",
        "video",
        "Welcome to the mentoring programme",
        "A short introduction to the programme and the platform.",
        "",
    ),
    (
        "first_conversation",
        "guide",
        "Preparing for your first conversation",
        "What to think about before you meet, and a simple plan for the meeting itself.",
        "Your first conversation sets the tone for everything that follows, so a little preparation goes a long way.\n\n"
        "Before you meet, the mentee should read their request again and jot down what they hope to get from the "
        "relationship. Completing a SWOT or G-STAR (under Goals on the relationship) is a good way to do this. Mentors "
        "should read the request and the mentee's profile, and think about which of their own experiences might be useful.\n\n"
        "A simple plan for the meeting:\n"
        "1. Get to know each other: your backgrounds, and why you joined the programme.\n"
        "2. Talk about what the mentee wants to achieve and why it matters to them.\n"
        "3. Agree how you will work together: how often you will meet, how, and how you will keep in touch in between.\n"
        "4. Agree what is confidential.\n"
        "5. Set at least one SMART goal, and agree what each of you will do before you next meet.\n\n"
        "Afterwards, record your goal under Goals → SMART Goals and arrange your next meeting under Meet / Video.",
    ),
    (
        "first_conversation",
        "guide",
        "Using SWOT",
        "Look at your strengths, weaknesses, opportunities and threats to find out where to focus.",
        "A SWOT is a quick way to take stock of where you are. Divide a page into four boxes:\n\n"
        "Strengths: what you do well, and what others come to you for.\n"
        "Weaknesses: where you lack skills, experience or confidence.\n"
        "Opportunities: things around you that you could make use of, such as a new project, a course or a contact.\n"
        "Threats: things that could get in your way, such as changes at work or too little time.\n\n"
        "Strengths and weaknesses are about you; opportunities and threats are about your surroundings. Be honest and "
        "specific, and aim for three to five points in each box.\n\n"
        "Then look for links: a strength that could help you seize an opportunity, or a weakness that leaves you exposed "
        "to a threat. These links make good subjects for your mentoring and for your first SMART goals. You will find the "
        "SWOT tool under Goals on your relationship.",
    ),
    (
        "first_conversation",
        "guide",
        "Using G-STAR",
        "A simple structure for talking through a goal: Goals, Situation, Thinking, Actions and Results.",
        "G-STAR gives a mentoring conversation a clear shape, especially when the mentee has a particular issue or goal "
        "in mind. Work through it in order:\n\n"
        "Goals: what do you want to achieve?\n"
        "Situation: where are you now, and what is happening around you?\n"
        "Thinking: how do you feel about it, and what assumptions are you making?\n"
        "Actions: what could you do? Which options will you choose?\n"
        "Results: what will success look like, and how will you know you have got there?\n\n"
        "Mentors: use each heading as a prompt for open questions rather than a checklist to complete. Mentees: jot down "
        "your thoughts under each heading before you meet. You will find the G-STAR tool under Goals on your relationship.",
    ),
    (
        "first_conversation",
        "guide",
        "Writing SMART goals",
        "Turn a good intention into a goal you can actually achieve and show that you have achieved.",
        "Setting off without a goal is like starting a journey without deciding where you are going. A SMART goal is:\n\n"
        "Specific: say exactly what you will do. “Speak at a team meeting about our new process” is better than "
        "“Get more confident”.\n"
        "Measurable: decide how you will know it is done.\n"
        "Achievable: it should stretch you, but it must be within your control and ability.\n"
        "Realistic: choose something you can influence, not something that factors outside your control could derail.\n"
        "Time-bound: give it a date, so you can track progress and keep going.\n\n"
        "Start with one or two goals rather than many. Add them under Goals → SMART Goals on your relationship, where "
        "you can later record milestones, reviews and outcomes. Your mentor can see your goals but cannot change them.",
    ),
    (
        "first_conversation",
        "video",
        "Your first conversation",
        "A short video on making your first mentoring meeting a success.",
        "",
    ),
    (
        "progression",
        "guide",
        "Keeping momentum",
        "Practical habits that keep a mentoring relationship moving between meetings.",
        "The middle of a mentoring relationship is where most of the progress happens, and also where relationships "
        "most often drift. A few habits help:\n\n"
        "Put the next meeting in the diary before you finish the current one, and add it under Meet / Video.\n"
        "End each meeting by agreeing one or two actions, and note them as milestones on your goals.\n"
        "Send a short message between meetings, even if it is only to say how an action went.\n"
        "Review your goals every few meetings. It is fine to change a goal that no longer fits; say so, and set a new one.\n"
        "If life gets busy, tell the other person rather than going quiet. A shorter call is better than no call.\n\n"
        "If the relationship has stalled and you are not sure how to restart it, contact us through Need Help?.",
    ),
    (
        "progression",
        "guide",
        "Recording milestones, reviews and outcomes",
        "Keep a simple record of progress so that you can both see how far you have come.",
        "Each SMART goal on your relationship can hold a running record:\n\n"
        "Milestone: a step along the way, such as “Booked onto the course” or “First draft finished”.\n"
        "Review: a moment to look back, such as what went well, what did not and what to change.\n"
        "Outcome: what happened in the end, and what difference it made.\n\n"
        "Add these from Goals → SMART Goals as soon as they happen, while they are fresh. The record helps you prepare for "
        "meetings, shows you both that things are moving, and makes it much easier to reflect when you reach the end. "
        "When a goal is achieved, mark it as complete.",
    ),
    (
        "progression",
        "video",
        "Keeping your mentoring on track",
        "A short video with techniques for making steady progress towards your goals.",
        "",
    ),
    (
        "completion",
        "guide",
        "Ending well",
        "How to bring a mentoring relationship to a good close, and what can come next.",
        "All mentoring relationships come to an end, and a good ending is part of a good relationship.\n\n"
        "When you feel you have achieved your goals, plan a final meeting. Look back together at where you started, what "
        "you have done and what you have learnt, using the milestones, reviews and outcomes on your goals. Mark any goals "
        "you have finished as complete.\n\n"
        "Talk about what happens next. Some people keep in touch informally, some set new goals and start a new journey, "
        "and some simply say thank you and move on. All of these are fine; agree what suits you both.\n\n"
        "Then the mentee chooses Next step and Ready to give feedback, and you both tell us how it went.",
    ),
    (
        "completion",
        "guide",
        "Giving useful feedback",
        "Your feedback shapes the programme. Here is what helps us most.",
        "When you are asked for feedback, you give a rating and some comments. The most useful comments are specific: "
        "what made the biggest difference, what got in the way, and what you would change about the programme or the "
        "platform.\n\n"
        "Be honest. Feedback that something did not work is just as valuable as praise, and it helps us support future "
        "mentors and mentees better.",
    ),
]


def seed(apps, schema_editor):
    Resource = apps.get_model("support", "Resource")
    for position, (stage, kind, title, summary, body) in enumerate(RESOURCES, start=1):
        Resource.objects.get_or_create(
            title=title,
            kind=kind,
            defaults={
                "stage": stage,
                "summary": summary,
                "body": body,
                "url": "",
                "position": position * 10,
                "published": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("support", "0002_default_faqs")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
