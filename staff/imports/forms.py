"""Bulk import's forms: the upload, one person invited by hand, setting a password, the sign-up mode."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from project.text import refuse_control_characters

from .models import SignupSettings
from .parsing import MAX_BYTES

ROLE_CHOICES = [("mentee", _("Mentee")), ("mentor", _("Mentor")), ("both", _("Both mentor and mentee"))]
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet of members"),
        help_text=_(
            "A CSV or text file (UTF-8, UTF-16 or Windows text; commas, semicolons or tabs) or an Excel "
            "workbook (.xlsx), at most 5 MB. The first row names the columns: "
            "email (required), first name, last name, organisation, role (mentor, mentee or both), "
            "areas (separated by semicolons) and community."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,text/csv,text/plain"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(gettext("The file is too large: upload at most 5 MB."))
        return upload


class InviteForm(forms.Form):
    prefix = "invite"

    email = forms.EmailField(label=_("Email address"))
    first_name = forms.CharField(label=_("First name"), max_length=150, validators=[refuse_control_characters])
    last_name = forms.CharField(label=_("Last name"), max_length=150, validators=[refuse_control_characters])
    organisation = forms.CharField(
        label=_("Organisation"), max_length=120, required=False, validators=[refuse_control_characters]
    )
    role = forms.ChoiceField(label=_("Takes part as"), choices=ROLE_CHOICES, widget=forms.RadioSelect, initial="mentee")


class SetPasswordForm(forms.Form):
    """The invited person's new password, checked by the platform's password validators."""

    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", gettext("The two passwords are not the same."))
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class SignupModeForm(forms.Form):
    mode = forms.ChoiceField(label=_("Who may register"), choices=SignupSettings.Mode.choices, widget=forms.RadioSelect)
    domains = forms.CharField(
        label=_("Email domains"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For registering limited to domains: one a line, or separated by commas, for example example.org. "
            "Addresses at their subdomains are accepted too."
        ),
    )

    def clean_domains(self):
        raw = self.cleaned_data["domains"]
        domains = [d.strip().lower().lstrip("@") for d in re.split(r"[\s,;]+", raw) if d.strip()]
        bad = [d for d in domains if not _DOMAIN.match(d)]
        if bad:
            raise forms.ValidationError(
                gettext("These are not email domains: %(list)s.") % {"list": ", ".join(bad[:10])}
            )
        return domains

    def clean(self):
        data = super().clean()
        if data.get("mode") == SignupSettings.Mode.DOMAINS and not data.get("domains") and "domains" in data:
            self.add_error("domains", gettext("List at least one email domain, or choose another mode."))
        return data
