"""Seed the Need Help? page with the programme's frequently asked questions.

Staff edit or hide these in the admin afterwards; ``seed`` only adds questions that
are missing, so running it again never overwrites their changes.
"""

from django.db import migrations

GENERAL = [
    (
        "How it works",
        "This platform brings mentees and mentors together and guides you through a mentoring relationship, one step at a time.\n\n"
        "Register as a mentor, a mentee or both, then complete your Profile. Mentees use Find Mentor to see suggested mentors, "
        "can ask a mentor a question first, and then send a mentoring request. The mentor accepts or declines it.\n\n"
        "Once a request is accepted, the relationship appears on your Relationships page. From there you arrange your first "
        "conversation, prepare for it with the SWOT, G-STAR and SMART goal tools, meet, set goals and work towards them. "
        "When you have achieved what you set out to do, you say you are ready to give feedback and both of you tell us how it went.\n\n"
        "Next step on each relationship always takes you to whatever is waiting for you, and we email you whenever something needs your attention.",
    ),
    (
        "Change/retrieve my password",
        "If you are logged in, choose Edit Account at the top of the page and then the option to change your password. "
        "You will need to enter your current password as well as the new one.\n\n"
        "If you have forgotten your password, go to the Log In page and follow the link for a forgotten password. Enter the "
        "email address you registered with and we will send you a link to choose a new one. The link only works for a "
        "limited time, so use it soon. If the email does not arrive within a few minutes, check your junk or spam folder.\n\n"
        "After several unsuccessful attempts to log in, we pause logins to your account for a while to keep it safe. "
        "If that happens, wait a little and try again.",
    ),
    (
        "Change my email address",
        "Choose Edit Account at the top of the page, then the option to manage your email address. Enter your new address "
        "and we will send a confirmation link to it. The new address replaces the old one once you follow that link; until "
        "then we keep using your current address.\n\n"
        "Remember that your email address is also what you use to log in.",
    ),
    (
        "Cancel my account and withdraw from the programme",
        "Choose Edit Account at the top of the page, then Delete account. To make sure it really is you, we ask you to type "
        "DELETE and enter your password.\n\n"
        "Deleting your account withdraws you from every open request and mentoring relationship, and we let the other people "
        "involved know. Your personal details are then removed and you will no longer be able to log in. This cannot be undone.\n\n"
        "If you only want a break, there are gentler options: you can leave a single relationship under Actions → Withdraw, "
        "and mentors can pause new requests from their Profile. If you would like to talk it over first, send us a message "
        "using the contact form on the Need Help? page.",
    ),
    (
        "Arrange a meeting using the platform",
        "First agree a date and time with the other person, for example through Messages. Then go to your Relationships page, "
        "choose Meet / Video on the relationship and create a meeting. Enter the date, the start time (in UK time), how long "
        "it will last and a title. You can also say where or how you will meet and add any details.\n\n"
        "Tick the box to send the details to the other person and they will receive an email with a calendar invitation "
        "that they can add to their diary. You can both see the meeting under Meet / Video, where it can be changed or "
        "cancelled; the other person is told if it is. We also send you both a reminder the day before.\n\n"
        "If you arranged your first conversation outside the platform, please still add it and tick the box to say it was "
        "arranged elsewhere, so that your relationship can move on to the next stage.",
    ),
    (
        "Use video chat for meetings",
        "When you create or edit a meeting under Meet / Video, tick Video chat meeting. We then create a private video link "
        "for that meeting alone. You will find it on the meeting under Meet / Video and, if you send the details, in the "
        "email the other person receives.\n\n"
        "At the time of the meeting, both of you open the link. Most people can join straight from a web browser; allow it "
        "to use your camera and microphone when it asks. Please keep the link to yourselves.\n\n"
        "If the video does not work for you, agree another way to talk, such as a phone call, using Messages.",
    ),
    (
        "View the SWOT / G-STAR / Goals for my relationship",
        "Go to your Relationships page and choose Goals on the relationship. The menu offers three tools: SWOT, G-STAR and "
        "SMART Goals. You can use them whenever you like, but they are particularly helpful when preparing for your first "
        "conversation.\n\n"
        "Under SMART Goals you can create goals, add milestones, reviews and outcomes as you go, download a goal as a PDF "
        "and mark it as complete. The other person in the relationship can see your goals but cannot change them.\n\n"
        "The Resources tab has short guides to each of these tools.",
    ),
    (
        "View the proposal for my mentoring relationship",
        "Your proposal is the mentoring request: the area you would like support with and the personal statement. Go to "
        "your Relationships page and open the relationship: mentees will find it under Mentors, and mentors under Mentees. "
        "The request is shown on the relationship's page, together with its history.\n\n"
        "While the request is still waiting for the mentor, the mentee can edit it from the same page.",
    ),
    (
        "Mark my mentoring relationship as complete",
        "A relationship moves through three stages after the first meeting is arranged: the first conversation, progression "
        "and completion. When a stage is done, the mentee chooses Next step on the relationship and marks the stage as "
        "completed; the mentor is told.\n\n"
        "At the completion stage, once you feel you have achieved your goals, choose Next step and then Ready to give "
        "feedback. Remember to mark any SMART goals you have finished as complete first. You will both be asked for "
        "feedback, and once you have both given it the relationship is complete.\n\n"
        "A completed relationship stays on your Relationships page so you can look back at it. You are welcome to keep in "
        "touch informally, or to start a new mentoring journey with fresh goals.",
    ),
    (
        "See what information is used and stored on the mentoring platform",
        "We keep the information the programme needs to work: your account details (name and email address), your Profile "
        "(role, professional community, areas of support, job title, organisation, biography, experience and a phone number "
        "if you add one), and what happens in your relationships: requests, messages and files, meetings, goals and their "
        "progress, feedback, and a record of each step taken.\n\n"
        "Mentees see mentors' profiles when they search, and mentors see a mentee's details when they receive a request. "
        "Email addresses and phone numbers are only shown to the other person once a mentor has accepted a request. "
        "Messages, meetings and goals can be seen by the two people in the relationship. Programme staff can see "
        "relationships so that they can support you and run the programme.\n\n"
        "If you delete your account, we remove your personal details. For any other question about your information, "
        "send us a message using the contact form on the Need Help? page.",
    ),
    (
        "Record meeting notes",
        "Every meeting under Meet / Video has a box for meeting details. Edit the meeting to add an agenda beforehand or a "
        "short summary afterwards; both of you can read it.\n\n"
        "To record progress towards a goal, open Goals, then SMART Goals, and add a milestone, review or outcome to the goal. "
        "Over time this builds a useful record of what you discussed and achieved.\n\n"
        "You can also send the other person a summary, or a file, through Messages.",
    ),
]

MENTEE = [
    (
        "Search for a mentor",
        "Complete your Profile first: the areas of support, role and professional community you choose are used to "
        "suggest mentors. Then open Find Mentor. Mentors who match most closely are at the top of the list, followed by "
        "those who match some, but not all, of what you are looking for.\n\n"
        "You can change the area of support, the mentor's role and the professional community, and add exact matching to "
        "see only mentors who match everything you have chosen. Open a mentor's profile to find out more. If you are not "
        "sure whether they are right for you, choose Ask Question; when you are ready, choose Mentor Request.",
    ),
    (
        "Wait before a mentor accepts my proposal",
        "Mentors give their time alongside busy jobs, so please allow them a few days to reply. We email the mentor as soon "
        "as your request arrives and remind them if they have not answered. If there is still no reply after about ten "
        "days, our team is told and will follow it up.\n\n"
        "The mentor may message you to ask about your request before deciding, so keep an eye on your email and on "
        "Messages. If they decline, we let you know and you can choose another mentor from Find Mentor. If you would "
        "rather not wait, you can withdraw your request.",
    ),
    (
        "Edit my mentoring proposal",
        "While your request is waiting for the mentor, go to your Relationships page, open the request and choose to edit "
        "it. You can change the area of support and your personal statement, and the mentor is told that you have updated "
        "it.\n\n"
        "A little more detail about the help you are looking for makes it easier for a mentor to say yes. Once a mentor has "
        "accepted, the request can no longer be changed, but you can talk about anything new through Messages.",
    ),
    (
        "Withdraw / reinstate my mentoring proposal",
        "To withdraw a request that is still waiting for the mentor, go to your Relationships page, open the request and "
        "choose to withdraw it. The mentor is told.\n\n"
        "Changed your mind? Open the withdrawn request and choose to reinstate it. This works as long as the mentor still "
        "has room for another mentee; if they do not, you will see a message saying so, and you can look for another "
        "mentor under Find Mentor.\n\n"
        "Once a mentor has accepted, either of you can end the relationship instead under Actions → Withdraw, giving a reason.",
    ),
]

MENTOR = [
    (
        "Accept or decline a mentoring request",
        "We email you when a mentee sends you a request. Go to your Relationships page: the request is in your Mentees "
        "section, and Next step takes you straight to it. Read the area of support and the personal statement, then "
        "choose to accept or decline. You can add a short message, which we send with your answer.\n\n"
        "If you accept, you can both see each other's contact details and the mentee is asked to arrange your first "
        "conversation. If you decline, we let the mentee know and point them back to Find Mentor. You cannot accept more "
        "mentees than the number you have set on your Profile.",
    ),
    (
        "Pause new requests or change how many mentees I support",
        "On your Profile, set how many mentees you can support at the same time. Once you reach that number, you cannot "
        "accept further requests until one of your relationships ends.\n\n"
        "To take a break, untick the option to be open to new requests. Mentees cannot send you new requests while it is "
        "unticked, but your current relationships carry on as normal. Tick it again whenever you are ready.",
    ),
    (
        "Message a mentee before accepting their request",
        "If something in a request is unclear, open it from your Relationships page and choose Messages to ask the mentee. "
        "They receive an email, and their reply appears in the same conversation. Take the time you need, then accept or "
        "decline.\n\n"
        "The mentee's email address and phone number are only shown to you once you have accepted.",
    ),
    (
        "Reply to a question from a mentee",
        "Mentees can use Ask Question on your profile before deciding whether to send you a request. We email you when a "
        "question arrives: follow the link in the email, or open it from Notifications at the top of the page, and write "
        "your reply in the same conversation. You can attach a file if it helps.",
    ),
    (
        "Give feedback at the end of a relationship",
        "When the mentee chooses Ready to give feedback at the completion stage, we email you both. Choose Next step on the "
        "relationship to give a rating and a few comments; it only takes a couple of minutes. The relationship is complete "
        "once both of you have given feedback, and we send a gentle reminder if yours is still outstanding after a week.\n\n"
        "Your feedback helps us improve the programme for future mentors and mentees.",
    ),
]


def seed(apps, schema_editor):
    FAQ = apps.get_model("support", "FAQ")
    for category, items in (("general", GENERAL), ("mentee", MENTEE), ("mentor", MENTOR)):
        for position, (question, answer) in enumerate(items, start=1):
            FAQ.objects.get_or_create(
                category=category,
                question=question,
                defaults={"answer": answer, "position": position * 10, "published": True},
            )


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
