"""The privacy page (/privacy/): what the platform uses and stores, in words staff can change."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import PrivacyNotice

# Shown until staff save their own wording; a translation can replace it as a whole.
DEFAULT_PRIVACY_TEXT = _("""This page explains what information the mentoring platform uses and stores about you, why, for how long, and what you can do about it.

Your account

Your name, your email address (it is how you sign in), your password (stored only as a one-way hash, never readable), when you joined and when you last signed in or used the platform.

Your profile

Whether you take part as a mentor, a mentee or both; your job title, organisation, phone number, role, professional community, region, areas of support, biography and experience; as a mentor, how many mentees you can take, whether you are open to requests and any date you are away until. Mentors' profiles are shown to mentees in Find Mentor. A mentee's profile is not listed anywhere. A mentor sees your name when you ask them a question; your name, job title and organisation, with your request's area of support and personal statement, when you ask them for mentoring, or when the programme team proposes them as your mentor in a matching round (your statement is then the few words you wrote for your mentor); and once they accept, your email address and phone number too, as you see theirs. As a mentee, we remember your last Find Mentor search so the page opens where you left it (in a cookie: see Cookies below).

Your mentoring

Your requests and personal statements; your relationships and their history (who did what, and when); the messages you exchange and the files you attach; meetings (title, time, place or video link, details), the notes either of you keeps on a meeting, and the calendar invitations we send for them; the secret address of your calendar feed, if you use one; goals, milestones, reviews and outcomes; the SWOT and G-STAR worksheets you fill in, every saved version and the comments on them; the feedback you give at the end; and any concern you raise with the programme team about a relationship. If the programme team matches mentees and mentors in a matching round: as a mentee in it, the keywords, the few words for your mentor and the shortlist of mentors you give, and the requests the round sends for you; as a mentor, that the round listed you.

Emails and notifications

A copy of every notification and email we send you, whether it was delivered, and the kinds of reminder email you have stopped.

Support

Messages you send through the Contact form (your name, email address, subject and message), and the cases programme staff open to help a relationship along, with their notes. Staff notes are not shown to participants.

Security

To protect accounts against password guessing we record failed and successful sign-ins: the email address tried, the IP address, the browser's description and the time. We keep these records for a year; wrong passwords count towards a lockout only until a sign-in succeeds. Your session (staying signed in) is kept on our server, with its key in a cookie.

Cookies

The platform sets only the cookies it needs to work, none for advertising or tracking:

sessionid: a random key to your session, which keeps you signed in. It is deleted when you sign out; otherwise it lasts until you close your browser, or two weeks if you ticked "Remember Me" when signing in.

csrftoken: a random value that proves the forms you send come from our pages, not from another site. It lasts a year.

messages: a short notice to show you on the next page (such as "Your profile has been saved"). It is deleted once shown.

find_mentor_search: as a mentee, your last Find Mentor search (its filters and keywords), signed for your account so nobody else signing in on the same browser gets it. It lasts 90 days; "Clear search" deletes it.

Who can see it

The other person in each of your relationships sees what you share in it: your messages and files, meetings and their notes, goals and their entries, and worksheets. They do not see the feedback you give, or a concern you raise.

Programme staff see what they need to run the programme and help you: your account and profile, your requests and statements, your relationships and their history, the titles and times of your meetings, your goals and their entries, the feedback you give, concerns you raise, the notifications and emails we send you, and your messages to the Contact form.

Programme staff do not see your messages or the files attached to them, your meeting notes or a meeting's own page (its place, video link and details), your SWOT and G-STAR worksheets, or your calendar feed's address: only you (and, for all but the calendar address, the other person in the relationship) can open them.

We do not sell your information or share it with anyone else; emails are sent through our mail provider.

How long we keep it

While your account is in use. If you do not sign in or use the platform for three years, we email you a warning, and a month later we anonymise your account as described below unless you sign in again. The same applies to an account the programme team has deactivated: as you cannot sign in to it, the warning asks you to write to the programme team through the Contact form before that date if you want to keep it; they can reactivate it, and signing in again then keeps it. Download links for your data expire after a few days and the copies are then deleted.

Your rights

Download my data: on Edit Account you can ask for a copy of what we store about you, as a zip file of JSON with the files you uploaded. It includes your sign-in records and whether you have a calendar address (not the address itself, which works like a password: it is on your Meet / Video pages); it leaves out programme staff's own notes. We email you a link when it is ready; it works only when you are signed in, for a limited time.

Delete my account: on Edit Account you can leave the programme. Your open requests and relationships are ended (the other person is told), and your name, email address, phone number, profile, notifications, sign-in records, support requests, the keywords and words for your mentor you gave in matching rounds, and uploaded files are erased, including where your name was quoted in messages, meetings, goals, histories and staff records. What remains is an anonymous record ("Former participant") of past relationships, kept so the programme's figures stay right.

You can also correct your details on your profile at any time, and contact the programme team through Need Help? with any question about your information or to complain; you may also complain to the Information Commissioner's Office (https://ico.org.uk/).""")


def current_notice() -> PrivacyNotice:
    """The newest saved notice, or (until staff save one) an unsaved notice with the default text."""
    notice = PrivacyNotice.objects.order_by("-updated_at", "-pk").select_related("updated_by").first()
    return notice or PrivacyNotice(body=DEFAULT_PRIVACY_TEXT)


def standard_fingerprint() -> str:
    """The platform's standard text, as shown now, in a few characters that change when it changes."""
    return hashlib.sha256(str(DEFAULT_PRIVACY_TEXT).encode()).hexdigest()


def standard_changed_since(notice: PrivacyNotice) -> bool:
    """Whether the platform's standard text has changed since staff saved ``notice`` (their own wording,
    or the standard text as it was then): it may tell people about something the page they show does not."""
    return notice.pk is not None and notice.standard_seen != standard_fingerprint()


def save_notice(*, staff_user, body: str) -> PrivacyNotice:
    """Staff publish a new wording (earlier versions are kept), having seen the standard text as it is now."""
    if not staff_user.is_staff:
        raise PermissionError("Only programme staff can change the privacy page.")
    with transaction.atomic():
        return PrivacyNotice.objects.create(
            body=body.strip(), updated_by=staff_user, standard_seen=standard_fingerprint()
        )
