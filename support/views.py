"""Need Help? (FAQs and the Contact form) and Resources: thin views over selectors and services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from project import identity
from project.ratelimit import LimitReached
from project.roles import MANAGE, staff_required

from . import limits, privacy, selectors, services
from .forms import ContactForm, PrivacyNoticeForm


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


def contact(request):
    form = ContactForm.for_user(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                with limits.spend(request, form.cleaned_data["email"]):
                    services.submit_support_request(user=request.user, **form.cleaned_data)
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
            messages.success(
                request,
                _("Thank you, your message has been sent. We will reply to %(email)s as soon as we can.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("help")
        messages.error(request, _("Your message has not been sent yet. Please correct the highlighted fields."))
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
    return render(request, "support/privacy.html", {"notice": notice, "blocks": _blocks(notice.body), "nav": "privacy"})


@staff_required(perm=MANAGE)
def privacy_edit(request):
    notice = privacy.current_notice()
    if request.method == "POST":
        form = PrivacyNoticeForm(request.POST)
        if form.is_valid():
            privacy.save_notice(staff_user=request.user, body=form.cleaned_data["body"])
            messages.success(request, _("The privacy page has been updated."))
            return redirect("privacy")
        messages.error(request, _("The privacy page has not been saved. Please correct the highlighted field."))
    else:
        form = PrivacyNoticeForm(initial={"body": notice.body})
    return render(request, "support/privacy_edit.html", {"form": form, "notice": notice})


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
