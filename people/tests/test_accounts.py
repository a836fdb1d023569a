"""Registration, email verification, onboarding flow, profile and leaving the programme."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from journeys.models import Relationship, State
from journeys.tests.helpers import send, walk_to
from notifications.models import Notification
from people.models import Profile, User
from people.tests.factories import PASSWORD, profile_form_data

pytestmark = pytest.mark.django_db


def onboarding_tasks(user):
    return sorted(
        t.flow_task.name
        for t in Task.objects.filter(
            process__onboardingprocess__participant=user, status__in=[STATUS.NEW, STATUS.ASSIGNED]
        )
    )


def test_register_verify_complete_profile_then_first_request(client, mentor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            reverse("account_signup"),
            {
                "email": "new@example.com",
                "password1": "a-Long-passphrase-9",
                "password2": "a-Long-passphrase-9",
                "first_name": "Nia",
                "last_name": "Jones",
                "register_as": "mentee",
            },
        )
    assert resp.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.profile.is_mentee and not user.profile.is_mentor
    assert onboarding_tasks(user) == ["verify_email"]
    # cannot log in before verifying
    assert not client.login(email="new@example.com", password="wrong")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    client.post(path)
    assert onboarding_tasks(user) == ["complete_profile"]

    client.force_login(user)
    task = Task.objects.get(process__onboardingprocess__participant=user, status=STATUS.ASSIGNED)
    page = client.get(task.flow_task.reverse("execute", args=[task.process_id, task.pk]))
    assert page.status_code == 200 and "Complete your profile" in page.content.decode()
    incomplete = client.post(reverse("profile"), {"first_name": "Nia", "last_name": "Jones", "is_mentee": "on"})
    assert "This field is required" in incomplete.content.decode()
    data = profile_form_data("Nia", "Jones", mentee=True)
    resp = client.post(reverse("profile"), data)
    assert resp.status_code == 302 and resp.url == reverse("find_mentor")
    assert onboarding_tasks(user) == ["find_mentor"]
    send(user, mentor)
    assert onboarding_tasks(user) == []


def test_mentor_onboarding_ends_at_profile(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "m@example.com",
            "password1": "a-Long-passphrase-9",
            "password2": "a-Long-passphrase-9",
            "first_name": "Mo",
            "last_name": "Ali",
            "register_as": "mentor",
        },
    )
    user = User.objects.get(email="m@example.com")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).update(verified=True)
    from journeys.flows import onboarding

    onboarding.email_verified(user)
    client.force_login(user)
    client.post(reverse("profile"), profile_form_data("Mo", "Ali", mentor=True, job_title="Director", capacity=3))
    user.profile.refresh_from_db()
    assert user.profile.is_complete
    assert onboarding_tasks(user) == []


def test_delete_account_withdraws_everywhere_and_anonymises(client, mentee, mentor, django_capture_on_commit_callbacks):
    from people.tests.factories import PASSWORD, make_mentee

    other = make_mentee()
    matched = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    pending = send(other, mentor)
    client.login(email=mentor.email, password=PASSWORD)
    wrong = client.post(reverse("account_delete"), {"confirm": "delete", "password": "nope"})
    assert "That password is not right" in wrong.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("account_delete"), {"confirm": "DELETE", "password": PASSWORD})
    assert resp.status_code == 302
    matched.refresh_from_db()
    pending.refresh_from_db()
    assert matched.state == State.WITHDRAWN
    assert pending.state == State.REQUEST_CLOSED  # closed for the mentor who left, not declined by them
    ended = Notification.objects.get(recipient=mentee, event="withdrawn")
    assert "has left the programme, so your mentoring relationship in" in ended.body_text
    assert "The reason they gave" not in ended.body_text and "has left the programme" in ended.subject
    told = Notification.objects.get(recipient=other, event="request_closed_for_mentee")
    assert "has left the programme, so your request to them has been closed" in told.body_text
    assert " wrote:" not in told.body_text and "declined" not in told.subject
    mentor.refresh_from_db()
    assert mentor.anonymised_at and not mentor.is_active
    assert "alice" not in mentor.email and mentor.first_name == "Former"
    profile = Profile.objects.get(user=mentor)
    assert profile.biography == "" and profile.phone == "" and not profile.is_mentor
    assert not client.login(email="alice@example.com", password=PASSWORD)
    # Nothing further is emailed to the anonymised account
    assert Relationship.objects.filter(mentor=mentor).count() == 2


@pytest.mark.parametrize("typed", ["delete ", "Delete", "DELETE!", "DELET E"])
def test_delete_account_asks_for_exactly_the_word_the_page_says(client, mentee, typed):
    from people.tests.factories import PASSWORD

    client.login(email=mentee.email, password=PASSWORD)
    page = client.get(reverse("account_delete")).content.decode()
    assert "Type DELETE to confirm" in page
    refused = client.post(reverse("account_delete"), {"confirm": typed, "password": PASSWORD})
    assert refused.status_code == 400
    assert "Please type DELETE, in capital letters, to confirm." in refused.content.decode()
    mentee.refresh_from_db()
    assert mentee.is_active and mentee.anonymised_at is None


def test_delete_account_sent_empty_is_answered_by_the_page_on_each_field(client, mentee):
    """The form is ``novalidate``: the page's error box answers (and takes the focus), not the browser."""
    client.force_login(mentee)
    url = reverse("account_delete")
    assert 'class="stacked" novalidate>' in client.get(url).content.decode()
    refused = client.post(url, {"confirm": "", "password": ""})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'class="form-errors" role="alert" tabindex="-1" autofocus' in html
    assert 'id="id_confirm_error"' in html and 'id="id_password_error"' in html
    mentee.refresh_from_db()
    assert mentee.is_active and mentee.anonymised_at is None


def test_delete_account_takes_the_word_with_spaces_around_it(client, mentee):
    from people.tests.factories import PASSWORD

    client.login(email=mentee.email, password=PASSWORD)
    assert client.post(reverse("account_delete"), {"confirm": "  DELETE ", "password": PASSWORD}).status_code == 302
    mentee.refresh_from_db()
    assert mentee.anonymised_at is not None


def test_password_reset_by_email(client, mentee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("account_reset_password"), {"email": mentee.email})
    assert resp.status_code == 302
    body = mail.outbox[-1].body
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(set_url, {"password1": "Another-long-passphrase-7", "password2": "Another-long-passphrase-7"})
    assert done.status_code == 302
    client.logout()
    assert client.login(email=mentee.email, password="Another-long-passphrase-7")


def test_change_email_address_after_confirming_it(client, mentee, django_capture_on_commit_callbacks):
    from allauth.account.models import EmailAddress

    client.force_login(mentee)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("account_email"), {"action_add": "", "email": "john.new@example.com"})
    assert resp.status_code == 302
    confirm = mail.outbox[-1]
    assert confirm.to == ["john.new@example.com"]
    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", confirm.body).group(1)
    client.post(path)
    mentee.refresh_from_db()
    assert mentee.email == "john.new@example.com"
    assert EmailAddress.objects.get(user=mentee, primary=True).email == "john.new@example.com"


def _described_content(page: str, element_id: str) -> str:
    """What a browser puts in the element with this id: a ``<p>`` ends at the first list or block in it."""
    opening = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>', page)
    tag, rest = opening.group(1), page[opening.end() :]
    if tag == "p":
        return re.split(r"<(?:ul|ol|div|p)\b|</p>", rest)[0]
    return rest.split(f"</{tag}>")[0]


@pytest.mark.parametrize("url_name, logged_in", [("account_signup", False), ("account_change_password", True)])
def test_password_hint_the_box_points_to_holds_the_list(client, mentee, url_name, logged_in):
    if logged_in:
        client.force_login(mentee)
    page = client.get(reverse(url_name)).content.decode()
    box = re.search(r'<input[^>]*name="password1"[^>]*>', page).group(0)
    hint_id = re.search(r'aria-describedby="([^"]*)"', box).group(1).split()[0]
    content = _described_content(page, hint_id)
    assert "<ul" in content and "<li>" in content


def test_the_check_your_email_page_says_how_to_contact_us(client):
    """It says "contact us if it does not come": it gives the way to (the contact form works signed out)."""
    resp = client.post(
        reverse("account_signup"),
        {
            "email": "waiting@example.com",
            "password1": "a-Long-passphrase-9",
            "password2": "a-Long-passphrase-9",
            "first_name": "Ada",
            "last_name": "Waits",
            "register_as": "mentee",
        },
        follow=True,
    )
    body = resp.content.decode()
    assert "Verify Your Email Address" in body
    assert f'href="{reverse("contact")}"' in body
    assert client.get(reverse("contact")).status_code == 200


def test_a_wrong_current_password_is_called_wrong_on_its_field(client, mentee):
    """allauth said 'Please type your current password.' to someone who had typed one, a wrong one."""
    client.force_login(mentee)
    new = "a-Long-passphrase-9"
    resp = client.post(
        reverse("account_change_password"), {"oldpassword": "not-" + PASSWORD, "password1": new, "password2": new}
    )
    page = resp.content.decode()
    assert resp.status_code == 200
    error = _described_content(page, "id_oldpassword_error")
    assert "That is not your current password" in error
    assert "Please type your current password" not in page
    mentee.refresh_from_db()
    assert mentee.check_password(PASSWORD)


def _delete_through_the_page(client, user, capture):
    from people.tests.factories import PASSWORD

    client.force_login(user)
    mail.outbox.clear()
    # Delivered after the erasure, as a worker a moment late would send them: they must read well then too.
    with capture(execute=True):
        assert client.post(reverse("account_delete"), {"confirm": "DELETE", "password": PASSWORD}).status_code == 302
    client.logout()


def _read(address: str) -> list[str]:
    """Each email to ``address`` as read: subject, then the plain-text body."""
    return [f"{m.subject}\n{m.body}" for m in mail.outbox if m.to == [address]]


def test_the_emails_about_someone_who_left_read_naturally_without_their_name(
    client, mentee, mentor, staff, django_capture_on_commit_callbacks
):
    """Their name is erased as soon as they leave, so the emails telling the others say who left by
    role ("Your mentee has left the programme"), never "Former participant withdrew"."""
    from people.tests.factories import make_mentee, make_mentor

    bob = make_mentor(first_name="Bob", last_name="Waiting", email="bob@example.com")
    with django_capture_on_commit_callbacks(execute=True):  # (their emails sent then, before anyone leaves)
        walk_to(send(mentee, mentor), mentee, mentor, "progression")  # John Smith, mentored by Alice Kember
        asked_bob = send(mentee, bob)
    _delete_through_the_page(client, mentee, django_capture_on_commit_callbacks)  # John leaves

    (to_alice,) = _read(mentor.email)
    assert "Your mentee has left the programme: your mentoring relationship has ended\n" in to_alice
    assert "Your mentee has left the programme, so your mentoring relationship in “" in to_alice
    (to_bob,) = _read(bob.email)
    assert "A mentee who asked you for mentoring has left the programme: their request is closed\n" in to_bob
    sent_on = asked_bob.created_at.strftime("%-d %B %Y")
    assert f"The mentee who asked you for mentoring in “{asked_bob.area.name}” on {sent_on} has left" in to_bob
    (to_staff,) = _read(staff.email)
    assert "A mentee left the programme: their relationship with Alice Kember ended\n" in to_staff
    assert (
        "their mentoring relationship with Alice Kember in “" in to_staff and "Alice Kember has been told." in to_staff
    )

    # A mentor leaves: her mentee, and a mentee whose request was waiting for her, are told.
    carol = make_mentor(first_name="Carol", last_name="Leaving", email="carol@example.com")
    mia = make_mentee(first_name="Mia", last_name="Matched", email="mia@example.com")
    ned = make_mentee(first_name="Ned", last_name="Asking", email="ned@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        walk_to(send(mia, carol), mia, carol, "first_conversation")
        asked_carol = send(ned, carol)
    _delete_through_the_page(client, carol, django_capture_on_commit_callbacks)

    (to_mia,) = _read(mia.email)
    assert "Your mentor has left the programme: your mentoring relationship has ended\n" in to_mia
    assert "Your mentor has left the programme, so your mentoring relationship in “" in to_mia
    (to_ned,) = _read(ned.email)
    assert "A mentor you asked has left the programme: your request is closed\n" in to_ned
    sent_on = asked_carol.created_at.strftime("%-d %B %Y")
    assert f"The mentor you asked for mentoring in “{asked_carol.area.name}” on {sent_on} has left" in to_ned
    (to_staff,) = _read(staff.email)
    assert "A mentor left the programme: their relationship with Mia Matched ended\n" in to_staff

    for email in mail.outbox:
        assert "Former participant" not in email.subject + email.body, email.subject
        assert "Carol" not in email.subject + email.body and "John" not in email.subject + email.body


def test_delete_my_account_limits_wrong_passwords_and_says_so_on_the_field(client, mentee, mentor, settings):
    """The password field is the account's current password (for password managers), and guessing it is
    limited as sign-in is: after DELETE_ACCOUNT_PASSWORD_TRIES_PER_HOUR wrong ones, every password is
    refused on the field for the hour, the right one too (429); right ones do not count."""
    from people.tests.factories import PASSWORD

    settings.DELETE_ACCOUNT_PASSWORD_TRIES_PER_HOUR = 3
    client.force_login(mentee)
    url = reverse("account_delete")
    page = client.get(url).content.decode()
    assert re.search(r'<input type="password" name="password" autocomplete="current-password"', page)

    # A right password with the confirmation mistyped: refused on the confirmation only, and not counted.
    for _ in range(4):
        typo = client.post(url, {"confirm": "delete", "password": PASSWORD})
        assert typo.status_code == 400 and "That password is not right" not in typo.content.decode()
    for _ in range(3):
        wrong = client.post(url, {"confirm": "DELETE", "password": "guess"})
        assert wrong.status_code == 400 and "That password is not right." in wrong.content.decode()
    for password in ("guess", PASSWORD):
        refused = client.post(url, {"confirm": "DELETE", "password": password})
        assert refused.status_code == 429
        field = re.search(r'<p class="error" id="id_password_error">([^<]*)</p>', refused.content.decode())
        assert field and "Too many wrong passwords. To keep your account safe, please try again in an hour." in (
            field.group(1)
        )
    mentee.refresh_from_db()
    assert mentee.anonymised_at is None and mentee.is_active

    # Another account is not affected, and the hour over, the right password deletes the account.
    from django.core.cache import cache
    from django.test import Client

    other = Client()
    other.force_login(mentor)
    assert other.post(url, {"confirm": "DELETE", "password": "guess"}).status_code == 400
    cache.clear()
    assert client.post(url, {"confirm": "DELETE", "password": PASSWORD}).status_code == 302
    mentee.refresh_from_db()
    assert mentee.anonymised_at is not None


def _reset_link(client, capture, email):
    with capture(execute=True):
        client.post(reverse("account_reset_password"), {"email": email})
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body).group(1)


def test_a_used_reset_link_says_so_plainly_and_offers_a_new_one(client, mentee, django_capture_on_commit_callbacks):
    """allauth headed this page 'Bad Token'."""
    link = _reset_link(client, django_capture_on_commit_callbacks, mentee.email)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = "Another-long-passphrase-7"
    assert client.post(set_url, {"password1": new, "password2": new}).status_code == 302
    client.logout()
    for url in (link, set_url):
        page = client.get(url, follow=True).content.decode()
        assert "Bad Token" not in page and "invalid" not in page
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1).strip()
        assert heading == "This password reset link has been used or has expired"
        assert re.search(r"<title>This password reset link has been used or has expired ·", page)
        new_link = re.search(rf'<a href="{reverse("account_reset_password")}">([^<]+)</a>', page)
        assert new_link and new_link.group(1) == "ask for a new link"
        assert "A password reset link works once, and only for a limited time." in page
        assert 'name="password1"' not in page


_LOG_IN_WORDS = re.compile(r"\blog(?:ged)?[ -]?(?:in|ins|out)\b", re.I)


def _visible_text(page: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S))


def test_signing_in_is_called_signing_in_everywhere(client, mentee, settings):
    """The top bar said 'Log In' and 'Log Out' where allauth's pages say 'Sign In' and 'Sign Out'; the
    lockout page spoke of log-ins, the stop-reminders page of being logged in."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    pages = {}
    for name in ("home", "account_login", "account_signup", "account_reset_password", "help", "contact"):
        pages[name] = client.get(reverse(name), follow=True).content.decode()
    pages["stop, link cut short"] = client.get(reverse("reminders_stop", args=["cut-short"])).content.decode()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": mentee.email, "password": "wrong-password"})
    pages["lockout"] = client.post(
        reverse("account_login"), {"login": mentee.email, "password": PASSWORD}
    ).content.decode()
    assert "Too many failed sign-in attempts" in pages["lockout"]
    client.force_login(mentee)
    for name in (
        "home",
        "account",
        "account_change_password",
        "account_email",
        "account_logout",
        "account_reset_password",
        "account_reset_password_done",
    ):
        pages[name + ", signed in"] = client.get(reverse(name), follow=True).content.decode()
    for name, page in pages.items():
        assert not _LOG_IN_WORDS.findall(_visible_text(page)), name
    assert ">Sign In</a>" in pages["home"] and ">Sign Out</button>" in pages["home, signed in"]
    assert "You are already signed in as John Smith." in pages["account_reset_password, signed in"]


def test_a_new_password_is_said_to_be_changed_once(client, mentee, django_capture_on_commit_callbacks):
    """After a reset, allauth showed 'Password successfully changed.' above 'Your password is now changed.'."""
    link = _reset_link(client, django_capture_on_commit_callbacks, mentee.email)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = "Another-long-passphrase-7"
    done = client.post(set_url, {"password1": new, "password2": new}, follow=True)
    page = done.content.decode()
    assert done.redirect_chain[-1][0] == reverse("account_reset_password_from_key_done")
    assert page.count("changed") == 1, page
    assert "Your password has been changed." in page
    assert re.search(rf'<a href="{reverse("account_login")}">Sign in</a> with your new password\.', page)
    # Changed from the account page: the same sentence, once, above the form.
    mentee.refresh_from_db()
    client.force_login(mentee)
    again = "Yet-another-passphrase-5"
    changed = client.post(
        reverse("account_change_password"), {"oldpassword": new, "password1": again, "password2": again}, follow=True
    ).content.decode()
    assert changed.count("changed") == 1 and "Your password has been changed." in changed


def test_registering_is_called_registering_everywhere(client):
    """The top bar and the home page say Register; allauth's page said 'Sign Up' and 'Signup'."""
    home = _visible_text(client.get(reverse("home")).content.decode())
    page = client.get(reverse("account_signup")).content.decode()
    assert "Register" in home
    assert "<title>Register" in page and re.search(r"<h1[^>]*>\s*Register\s*</h1>", page)
    assert re.search(r"<button[^>]*>\s*Register\s*</button>", page)
    assert not re.search(r"sign ?up", _visible_text(page), re.I)
    # and the page after registering says the same
    sent = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": "a-Long-passphrase-9",
            "password2": "a-Long-passphrase-9",
            "first_name": "Ada",
            "last_name": "New",
            "register_as": "mentee",
        },
        follow=True,
    ).content.decode()
    assert "finish registering" in sent and not re.search(r"sign ?up", _visible_text(sent), re.I)


SIGN_UP = re.compile(r"sign[ -]?up", re.I)


def test_every_page_and_email_about_making_an_account_says_register(client, mentee):
    """The sign-in page said 'please sign up first', the closed registration page 'Sign Up Closed', and
    allauth's emails 'sign up' and 'signup', where the site says Register everywhere else."""
    login = client.get(reverse("account_login")).content.decode()
    assert "Not registered yet? Then" in login and f'<a href="{reverse("account_signup")}">register</a>' in login
    assert not SIGN_UP.search(_visible_text(login))

    # An address nobody uses asks for a new password: the email says register.
    Notification.objects.all().delete()
    client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    unknown = Notification.objects.get(email="nobody@example.com")
    assert unknown.subject.endswith("No account uses this email address")
    assert "To register with this address:" in unknown.body_text
    # Someone registers with an address an account uses: its owner is told, in the same words.
    client.post(
        reverse("account_signup"),
        {
            "email": mentee.email,
            "password1": "a-Long-passphrase-9",
            "password2": "a-Long-passphrase-9",
            "first_name": "Ada",
            "last_name": "Again",
            "register_as": "mentee",
        },
    )
    exists = Notification.objects.get(email=mentee.email, event="account_account_already_exists")
    assert "tried to register" in exists.body_text and "sign in instead" in exists.body_text
    for note in (unknown, exists):
        words = re.sub(r"https?://\S+", " ", note.subject + note.body_text + _visible_text(note.body_html))
        assert not SIGN_UP.search(words), note.event  # (the link's address may say /signup/)


def test_with_registration_by_invitation_the_closed_page_says_so_in_the_same_word(client):
    from people.tests.factories import make_staff
    from staff.imports import services

    services.set_signup_mode(staff_user=make_staff(), mode="invitation", domains=[])
    page = client.get(reverse("account_signup")).content.decode()
    assert "<title>Registration is by invitation only" in page
    assert "the programme team invites each member by email" in page and reverse("contact") in page
    assert not SIGN_UP.search(_visible_text(page))
