"""Need Help? (FAQs and the Contact form) and Resources: thin views over selectors and services."""

import base64
import binascii

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from journeys.services.base import Refused
from project import identity
from project.ratelimit import LimitReached
from project.roles import MANAGE, staff_required

from . import inbound, limits, privacy, selectors, services
from .forms import ContactForm, PrivacyNoticeForm, SupportReplyForm


def _support_email() -> str:
    return identity.current().support_email


def help_page(request):
    return render(
        request,
        "support/help.html",
        {
            "sections": selectors.faq_sections(),
            "form": ContactForm.for_user(request.user),
            "support_email": _support_email(),
        },
    )


def _copy_fields(data: dict) -> dict:
    return {k: data[k] for k in ("email", "subject", "message")}


def contact(request):
    form = ContactForm.for_user(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                sent = services.earlier_copy(user=request.user, **_copy_fields(form.cleaned_data))
                if sent is None:  # a repeat is not counted against the hourly limit
                    with limits.spend(request, form.cleaned_data["email"]):
                        sent = services.submit_support_request(user=request.user, **form.cleaned_data)
            except LimitReached:
                if _support_email():
                    refusal = _(
                        "You have sent us several messages in the last hour, so this one has not been sent. Please "
                        "try again later, or email %(email)s."
                    ) % {"email": _support_email()}
                else:
                    refusal = _(
                        "You have sent us several messages in the last hour, so this one has not been sent. Please "
                        "try again later."
                    )
                form.add_error(None, refusal)
                return render(
                    request, "support/contact.html", {"form": form, "support_email": _support_email()}, status=429
                )
            if getattr(sent, "already_sent", True):
                messages.success(
                    request,
                    _(
                        "You had already sent us this message at %(time)s, so it has not been sent again. "
                        "We will reply to %(email)s as soon as we can."
                    )
                    % {"time": date_format(timezone.localtime(sent.created_at), "TIME_FORMAT"), "email": sent.email},
                )
            else:
                messages.success(
                    request,
                    _("Thank you, your message has been sent. We will reply to %(email)s as soon as we can.")
                    % {"email": sent.email},
                )
            return redirect("help")
    return render(request, "support/contact.html", {"form": form, "support_email": _support_email()})


def resources(request):
    return render(request, "support/resources.html", {"sections": selectors.resource_sections(), "nav": "resources"})


def resource(request, pk: int):
    item = selectors.access_resource(request.user, pk)
    return render(request, "support/resource.html", {"resource": item, "nav": "resources"})


def _blocks(text: str) -> list[tuple[str, str]]:
    """The notice as ("h2", line) headings and ("p", text) paragraphs (blank lines between)."""
    blocks = []
    for chunk in (c.strip() for c in text.replace("\r\n", "\n").split("\n\n")):
        if not chunk:
            continue
        heading = "\n" not in chunk and len(chunk) <= 60 and not chunk.endswith((".", "?", "!", ":"))
        blocks.append(("h2" if heading else "p", chunk))
    return blocks


def privacy_page(request):
    notice = privacy.current_notice()
    return render(
        request,
        "support/privacy.html",
        {
            "notice": notice,
            "blocks": _blocks(notice.body),
            "nav": "privacy",
            # Staff are told when the platform's standard text has changed since their version was saved.
            "standard_changed": request.user.is_staff and privacy.standard_changed_since(notice),
        },
    )


@staff_required(perm=MANAGE)
def privacy_edit(request):
    notice = privacy.current_notice()
    if request.method == "POST":
        form = PrivacyNoticeForm(request.POST)
        if form.is_valid():
            privacy.save_notice(staff_user=request.user, body=form.cleaned_data["body"])
            messages.success(request, _("The privacy page has been updated."))
            return redirect("privacy")
        # Refused: the form's own error box says why and takes the focus (form_fields.html); a second
        # message above it would take the focus instead, naming no field.
    else:
        form = PrivacyNoticeForm(initial={"body": notice.body})
    return render(
        request,
        "support/privacy_edit.html",
        {
            "form": form,
            "notice": notice,
            "standard_changed": privacy.standard_changed_since(notice),
            "standard_text": privacy.DEFAULT_PRIVACY_TEXT,
        },
    )


# -- the sender's side of the conversation ------------------------------------------------


@login_required
def my_messages(request):
    """ "My messages to the programme": the person's Contact messages, each with its conversation."""
    items = selectors.mine(request.user).prefetch_related("replies")
    return render(request, "support/my_messages.html", {"items": items})


@login_required
def my_message(request, pk: int):
    support_request = selectors.access_my_support_request(request.user, pk)
    form = SupportReplyForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.receive_sender_reply(
                    support_request, form.cleaned_data["body"], via="platform", user=request.user
                )
            except Refused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("Your answer has been sent to the programme team."))
                return redirect("support_message", support_request.pk)
        status = 400
    return render(
        request,
        "support/my_message.html",
        {
            "support_request": support_request,
            "conversation": selectors.conversation(support_request),
            "form": form,
        },
        status=status,
    )


# -- answers by email (support.inbound) ----------------------------------------------------


def _inbound_secret(request) -> str:
    """The secret the caller gave: ``X-Support-Inbound-Secret``, ``Authorization: Bearer`` or the
    password of HTTP Basic authentication (``https://inbound:SECRET@host/support/inbound/``)."""
    given = request.headers.get("X-Support-Inbound-Secret", "")
    auth = request.headers.get("Authorization", "")
    if not given and auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    elif not given and auth.lower().startswith("basic "):
        try:
            given = base64.b64decode(auth[6:].strip()).decode("utf-8").partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            given = ""
    return given


@csrf_exempt
@require_POST
def inbound_email(request):
    """An email answering a programme reply, posted raw by the mail provider or the MTA.

    The body is the RFC 822 message itself, or a form with it in ``email`` (SendGrid's raw mode) or
    ``body-mime`` (Mailgun's MIME route), and the envelope recipient in ``recipient`` / ``to``.
    Answers: 200 appended (or an automatic message, ignored), 400 not an email, 403 wrong secret,
    404 when SUPPORT_INBOUND_SECRET is not set, 406 not addressed to a valid reply address, or a
    concern's answered from another address than its raiser's (do not retry).
    """
    secret = settings.SUPPORT_INBOUND_SECRET
    if not secret:
        raise Http404("Answers by email are not set up.")
    if not constant_time_compare(_inbound_secret(request), secret):
        return HttpResponse(_("Wrong or missing secret.") + "\n", status=403, content_type="text/plain")
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        field = request.FILES.get("email") or request.FILES.get("body-mime")
        raw = field.read() if field else (request.POST.get("email") or request.POST.get("body-mime") or "").encode()
        recipients = " ".join(request.POST.get(k, "") for k in ("recipient", "to", "envelope"))
    else:
        raw, recipients = request.body, ""
    outcome = inbound.receive(raw, recipients)
    status = {"added": 200, "ignored": 200, "empty": 200, "unknown": 406, "refused": 406, "bad": 400}[outcome.status]
    return HttpResponse(outcome.status + "\n", status=status, content_type="text/plain")


def _private_file(field, content_type: str) -> FileResponse:
    """A resource's uploaded file from the private storage, played in the page (not downloaded)."""
    if not field:
        raise Http404("No such file")
    try:
        handle = field.open("rb")
    except FileNotFoundError as missing:
        raise Http404("No such file") from missing
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def resource_video(request, pk: int):
    """An uploaded video: to signed-in members only (the file is never under a public URL)."""
    item = selectors.access_resource(request.user, pk)
    return _private_file(item.video, item.video_type or "video/mp4")


@login_required
def resource_captions(request, pk: int):
    item = selectors.access_resource(request.user, pk)
    return _private_file(item.captions, "text/vtt; charset=utf-8")
