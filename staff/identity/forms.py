"""Programme settings: the identity form, with the checks on the logo and the brand colour."""

from __future__ import annotations

import filetype
from django import forms
from django.conf import settings
from django.core.validators import RegexValidator, URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from project.colour import AA, BLACK, HEX, contrast
from project.text import refuse_control_characters

from .models import ProgrammeIdentity

# What a logo may be, by its content (never by its name); SVG is refused (it can carry script).
LOGO_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
LOGO_MAX_PIXELS = 4000
WEB_ONLY = [URLValidator(schemes=["http", "https"])]


def text_colour_name(colour: str) -> str:
    return _("black") if colour == BLACK else _("white")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


class IdentityForm(forms.ModelForm):
    remove_logo = forms.BooleanField(label=gettext_lazy("Remove the logo"), required=False)

    class Meta:
        model = ProgrammeIdentity
        fields = [
            "programme_name",
            "organisation",
            "logo",
            "brand_colour",
            "brand_text",
            "sender_name",
            "reply_to",
            "support_email",
            "privacy_url",
            "terms_url",
            "organisation_url",
            "welcome_text",
        ]
        widgets = {
            "logo": forms.FileInput(attrs={"accept": ",".join(LOGO_TYPES)}),
            "brand_colour": forms.TextInput(attrs={"size": 8, "spellcheck": "false", "autocomplete": "off"}),
            "brand_text": forms.RadioSelect,
            "welcome_text": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "brand_colour": gettext_lazy(
                "A hex colour such as #4b2a85. Buttons are filled with it; the text on them must be readable "
                "(a contrast of at least 4.5:1, WCAG AA)."
            ),
            "brand_text": gettext_lazy("The colour of the text on buttons and badges filled with the brand colour."),
            "sender_name": gettext_lazy("The name emails come from. Empty: the programme name."),
            "reply_to": gettext_lazy("Where replies to the platform's emails go. Empty: the support email."),
            "support_email": gettext_lazy("Shown at the foot of every page and on Need Help?."),
            "privacy_url": gettext_lazy(
                "A privacy notice on your organisation's site, linked at the foot of every page."
            ),
            "terms_url": gettext_lazy("Terms of use, linked at the foot of every page."),
            "organisation_url": gettext_lazy("Your organisation's website, linked at the foot of every page."),
            "welcome_text": gettext_lazy(
                "Shown on the home page to people who are not signed in. Plain text; leave a blank line between "
                "paragraphs. Empty: the platform's own welcome."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields([*self.Meta.fields[:3], "remove_logo"])
        if not self.instance.logo:
            del self.fields["remove_logo"]
        self.fields["logo"].help_text = _("PNG, JPEG or WebP, up to %(megabytes)s MB.") % {
            "megabytes": _megabytes(settings.LOGO_MAX_BYTES)
        }
        self.fields["brand_colour"].validators.append(
            RegexValidator(HEX, _("Write the colour as # and six hex digits, such as #4b2a85."))
        )
        for name in ("programme_name", "organisation", "sender_name"):
            self.fields[name].validators.append(refuse_control_characters)
        for name in ("privacy_url", "terms_url", "organisation_url"):
            self.fields[name].validators = WEB_ONLY
        self.fields["brand_text"].choices = ProgrammeIdentity.TextColour.choices  # no empty choice

    def clean_brand_colour(self) -> str:
        return self.cleaned_data["brand_colour"].strip().lower()

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if not upload or upload == self.instance.logo or not hasattr(upload, "content_type"):
            return upload
        if upload.size > settings.LOGO_MAX_BYTES:
            raise forms.ValidationError(
                _("This file is too large: a logo can be up to %(megabytes)s MB.")
                % {"megabytes": _megabytes(settings.LOGO_MAX_BYTES)}
            )
        upload.seek(0)
        kind = filetype.guess(upload.read(8192))
        upload.seek(0)
        if kind is None or kind.mime not in LOGO_TYPES:
            raise forms.ValidationError(_("This file is not a PNG, JPEG or WebP image (its content was checked)."))
        if not _decodes(upload):
            raise forms.ValidationError(_("This image is damaged or too large to show (at most 4000 × 4000 pixels)."))
        upload.name = f"logo.{LOGO_TYPES[kind.mime]}"
        return upload

    def clean(self):
        data = super().clean()
        colour, text = data.get("brand_colour"), data.get("brand_text")
        if colour and text and HEX.match(colour):
            ratio = contrast(colour, text)
            if ratio < AA:
                other = ProgrammeIdentity.TextColour.WHITE if text == BLACK else ProgrammeIdentity.TextColour.BLACK
                other_ratio = contrast(colour, other)
                message = _(
                    "%(text)s text on %(colour)s has a contrast of %(ratio).1f:1; it needs at least 4.5:1 (WCAG AA)."
                ) % {"text": text_colour_name(text).capitalize(), "colour": colour, "ratio": ratio}
                if other_ratio >= AA:
                    message += " " + _(
                        "Choose a darker or lighter colour, or %(other)s text (%(other_ratio).1f:1)."
                    ) % {"other": text_colour_name(other), "other_ratio": other_ratio}
                self.add_error("brand_colour", message)
        return data


def _decodes(upload) -> bool:
    """Pillow reads the whole image without error, and it is of a sensible size."""
    from PIL import Image

    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if max(image.size) > LOGO_MAX_PIXELS:
                return False
            image.verify()
        return True
    except Exception:  # noqa: BLE001 - any failure to decode means "not a usable image"
        return False
    finally:
        upload.seek(0)
