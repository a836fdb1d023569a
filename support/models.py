"""Need Help? and Resources: FAQs, support requests from the contact form, guides and videos.

Programme managers edit FAQs and resources on the platform (``staff.content``); participants
only read them, and anyone (signed in or not) may send a support request.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class FAQ(models.Model):
    class Category(models.TextChoices):
        # The order here is the order of the sections on the Need Help? page.
        GENERAL = "general", _("General questions")
        MENTEE = "mentee", _("Mentee questions")
        MENTOR = "mentor", _("Mentor questions")

    category = models.CharField(max_length=10, choices=Category.choices, default=Category.GENERAL, db_index=True)
    question = models.CharField(
        max_length=200, help_text=_("Written as the end of “How do I…”, e.g. “Change my email address”.")
    )
    answer = models.TextField(
        help_text=_("Plain text. Leave a blank line between paragraphs; web addresses become links.")
    )
    position = models.PositiveSmallIntegerField(default=0, help_text=_("Lower numbers come first within the section."))
    published = models.BooleanField(default=True, help_text=_("Untick to hide this question from the Need Help? page."))

    class Meta:
        ordering = ["category", "position", "pk"]
        verbose_name = _("FAQ")
        verbose_name_plural = _("FAQs")
        constraints = [models.UniqueConstraint(fields=["category", "question"], name="support_faq_unique_question")]

    def __str__(self) -> str:
        return self.question


class SupportRequest(models.Model):
    """One message sent through the Contact form; staff work through them in the admin."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    name = models.CharField(max_length=120)
    email = models.EmailField(max_length=254)
    subject = models.CharField(max_length=150)
    message = models.TextField()
    # Kept when the sender was signed in; the request survives if the account goes.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_requests",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.subject} ({self.name})"


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


def resource_video_path(instance: Resource, filename: str) -> str:
    extension = os.path.splitext(filename)[1].lower()
    return f"resources/videos/{uuid.uuid4().hex}{extension if extension in ('.mp4', '.webm') else ''}"


def resource_captions_path(instance: Resource, filename: str) -> str:
    return f"resources/captions/{uuid.uuid4().hex}.vtt"


class Resource(models.Model):
    """A guide (text written here) or a video: linked (``url``) or uploaded to the platform (``video``,
    with captions). A video with neither, or a guide with no text and no link, may be kept as a draft,
    never published (``why_not_published``)."""

    class Kind(models.TextChoices):
        GUIDE = "guide", _("Guide")
        VIDEO = "video", _("Video")

    class Stage(models.TextChoices):
        # In journey order: the Resources page shows the groups in this order.
        GETTING_STARTED = "getting_started", _("Getting started")
        FIRST_CONVERSATION = "first_conversation", _("Your first conversation")
        PROGRESSION = "progression", _("Progression")
        COMPLETION = "completion", _("Journey completion")

    title = models.CharField(max_length=150)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.GUIDE)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.GETTING_STARTED, db_index=True)
    summary = models.CharField(max_length=300, help_text=_("One or two sentences shown in the list of resources."))
    body = models.TextField(
        blank=True, help_text=_("Guides: the guide itself, in plain text. Leave a blank line between paragraphs.")
    )
    url = models.URLField(
        _("link"),
        blank=True,
        help_text=_("An external link, for example to a video. A published video needs its link or an uploaded file."),
    )
    position = models.PositiveSmallIntegerField(default=0, help_text=_("Lower numbers come first within the stage."))
    published = models.BooleanField(default=True, help_text=_("Untick to hide this resource from participants."))
    # An uploaded video (MP4 or WebM, checked by content: support/videos.py) and its WebVTT captions.
    # Both live in the private storage and are served only to signed-in members by
    # support.views.resource_video / resource_captions.
    video = models.FileField(_("uploaded video"), upload_to=resource_video_path, storage=_private_storage, blank=True)
    video_type = models.CharField(max_length=20, blank=True, editable=False)
    captions = models.FileField(_("captions"), upload_to=resource_captions_path, storage=_private_storage, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def video_coming_soon(self) -> bool:
        """A video with nothing to watch yet: only ever a draft, so only staff previewing it see this."""
        return self.kind == self.Kind.VIDEO and not self.url and not self.video

    @classmethod
    def why_not_published(cls, *, kind: str, published: bool, url: str, has_file: bool, body: str = "") -> str | None:
        """Why a resource in this state may not be saved, or None: the one rule, used by every form.

        A published video needs something to watch, its link or an uploaded file; a published guide
        needs something to read, its text or its link (members would otherwise open a page with only
        its summary). A draft may wait for either, so staff can write the title and summary first;
        participants never see a draft, so never an empty “Video coming soon” or an empty guide.
        The forms say it on the field that is missing: ``missing_field``.
        """
        if not published:
            return None
        if kind == cls.Kind.VIDEO and not url and not has_file:
            return gettext(
                "Give the video's link or upload a file. Until you have one, keep the resource as a draft "
                "(not shown on Resources)."
            )
        if kind == cls.Kind.GUIDE and not url and not (body or "").strip():
            return gettext(
                "Write the guide's text or give its link. Until you have one, keep the resource as a draft "
                "(not shown on Resources)."
            )
        return None

    @classmethod
    def missing_field(cls, kind: str) -> str:
        """The field ``why_not_published``'s refusal is said on: a guide's text, a video's link."""
        return "body" if kind == cls.Kind.GUIDE else "url"


class PrivacyNotice(models.Model):
    """The text of the privacy page (/privacy/): one row, edited by staff on the platform.

    Until staff save their own wording the page shows ``support.privacy.DEFAULT_PRIVACY_TEXT``.
    Each save is a new row, so the notice's earlier versions are kept (newest is shown).
    """

    body = models.TextField(
        help_text=_("Plain text. Leave a blank line between paragraphs; web addresses become links.")
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The platform's standard text as it was when this version was saved (its SHA-256): when the standard
    # text changes later, staff are told their page may not describe something new (empty: saved before
    # this was kept, so nobody knows).
    standard_seen = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-updated_at", "-pk"]
        get_latest_by = "updated_at"

    def __str__(self) -> str:
        return gettext("Privacy notice of %(when)s") % {"when": f"{self.updated_at:%Y-%m-%d %H:%M}"}


class SupportReply(models.Model):
    """One message in the conversation that follows a Contact form message: the programme team's
    reply (emailed to the sender) or the sender's answer (on the platform, or by replying to the
    email: ``support.inbound``). Shown on the staff case and on the sender's "My messages" page."""

    class Author(models.TextChoices):
        STAFF = "staff", _("The programme team")
        SENDER = "sender", _("The sender")

    class Via(models.TextChoices):
        PLATFORM = "platform", _("On the platform")
        EMAIL = "email", _("By email")

    support_request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="replies")
    written_by = models.CharField(max_length=10, choices=Author.choices)
    # The staff member, or the sender's account when they answered signed in (None by email).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.PLATFORM)
    # An answer by email: the address it came from.
    email_from = models.CharField(max_length=254, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = _("support replies")

    def __str__(self) -> str:
        return gettext("Reply to %(subject)s") % {"subject": self.support_request.subject}

    @property
    def from_staff(self) -> bool:
        return self.written_by == self.Author.STAFF
