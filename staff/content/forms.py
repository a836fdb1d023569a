from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from journeys.services.base import Refused
from people.taxonomy import NAME_MAX_LENGTH
from project.text import refuse_control_characters
from support import videos
from support.models import FAQ, Resource


class NameForm(forms.Form):
    """Adding an item to a list, or renaming one (the service checks the name is not taken)."""

    name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH, validators=[refuse_control_characters])


class FAQForm(forms.ModelForm):
    """A question on Need Help? (its place in the section: the Up and Down buttons)."""

    answer = forms.CharField(
        label=_("Answer"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain text. Leave a blank line between paragraphs; web addresses become links."),
    )

    class Meta:
        model = FAQ
        fields = ["category", "question", "answer", "published"]
        labels = {
            "category": _("Section"),
            "question": _("Question"),
            "answer": _("Answer"),
            "published": _("Show on Need Help?"),
        }
        help_texts = {"published": _("Untick to keep it as a draft that participants do not see.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].validators.append(refuse_control_characters)

    def clean(self):
        data = super().clean()
        question, category = " ".join((data.get("question") or "").split()), data.get("category")
        if question and category:
            data["question"] = question
            clash = FAQ.objects.filter(category=category, question__iexact=question).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("question", _("This section already has that question: edit it instead."))
        return data


class ResourceForm(forms.ModelForm):
    """A guide or a video on Resources, in a stage of the journey."""

    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Guides: the guide itself, in plain text. Leave a blank line between paragraphs."),
    )
    video = forms.FileField(
        label=_("Upload a video"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "video/mp4,video/webm"}),
    )
    captions = forms.FileField(
        label=_("Captions for the uploaded video"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".vtt,text/vtt"}),
        help_text=_("A WebVTT file (.vtt). Required with an uploaded video, so everyone can follow it."),
    )
    remove_video = forms.BooleanField(label=_("Remove the uploaded video and its captions"), required=False)

    class Meta:
        model = Resource
        fields = ["title", "kind", "stage", "summary", "body", "url", "published"]
        labels = {
            "title": _("Title"),
            "kind": _("Kind"),
            "stage": _("Stage of the journey"),
            "summary": _("Summary"),
            "url": _("Link"),
            "published": _("Show on Resources"),
        }
        help_texts = {
            "url": _(
                "A page or a video on another website (https://…). A video shown on Resources needs this link "
                "or an uploaded file."
            ),
            "published": _("Untick to keep it as a draft that participants do not see."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].validators.append(refuse_control_characters)
        self.fields["url"].assume_scheme = "https"
        limit = settings.RESOURCE_VIDEO_MAX_BYTES // (1024 * 1024)
        self.fields["video"].help_text = _(
            "Optional: an MP4 or WebM file of up to %(megabytes)d MB, played on the platform to signed-in "
            "members only. Instead, you can give a link to a video on another website."
        ) % {"megabytes": limit}
        if not (self.instance.pk and self.instance.video):
            del self.fields["remove_video"]

    def clean_title(self):
        title = " ".join((self.cleaned_data.get("title") or "").split())
        if Resource.objects.filter(title__iexact=title).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another resource already has this title: choose a different one."))
        return title

    def clean(self):
        data = super().clean()
        instance = self.instance
        video, captions = data.get("video"), data.get("captions")
        if video:
            try:
                data["video_type"] = videos.check_video(video)
            except Refused as refused:
                self.add_error("video", refused.message)
                video = None
        if captions:
            try:
                videos.check_captions(captions)
            except Refused as refused:
                self.add_error("captions", refused.message)
        removing = bool(data.get("remove_video")) and not video
        has_video = bool(video) or (bool(instance.pk and instance.video) and not removing)
        if has_video and data.get("kind") and data["kind"] != Resource.Kind.VIDEO:
            self.add_error("kind", _("A resource with an uploaded video must be of the kind Video."))
        if captions and not has_video and not self.has_error("video"):
            self.add_error("captions", _("Captions need an uploaded video: upload the video too."))
        if video and not captions and not (instance.pk and instance.captions) and not self.has_error("captions"):
            self.add_error("captions", _("Add a captions file (WebVTT) with the video, so everyone can follow it."))
        why_not = Resource.why_not_published(
            kind=data.get("kind"),
            published=bool(data.get("published")),
            url=data.get("url") or "",
            has_file=has_video,
            body=data.get("body") or "",
        )
        if why_not and not self.has_error("url") and not self.has_error("video"):
            field = Resource.missing_field(data.get("kind"))
            if not self.has_error(field):
                self.add_error(field, why_not)
        return data

    def clean_url(self):
        url = self.cleaned_data.get("url") or ""
        if url and not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(_("Enter a web address starting with https://."))
        return url
