from django import forms
from django.utils.translation import gettext_lazy as _

from project.text import refuse_control_characters


class ContactForm(forms.Form):
    """The Contact form on Need Help?; anyone may use it, signed in or not."""

    name = forms.CharField(
        max_length=120,
        label=_("Your name"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        validators=[refuse_control_characters],
    )
    email = forms.EmailField(
        max_length=254,
        label=_("Your email address"),
        help_text=_("We will reply to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    subject = forms.CharField(max_length=150, label=_("Subject"), validators=[refuse_control_characters])
    message = forms.CharField(
        max_length=5000,
        label=_("Message"),
        help_text=_(
            "Tell us what you need help with. If it is about a particular relationship, say who it is with. "
            "Up to 5,000 characters."
        ),
        widget=forms.Textarea(attrs={"rows": 7}),
    )

    @classmethod
    def for_user(cls, user, data=None) -> "ContactForm":
        """A form prefilled with a signed-in person's name and email address.

        Signed in, the message is the account's: the address is the account's own, shown but not
        editable (a typed address is ignored), since the replies go to the account
        (``services.submit_support_request``)."""
        initial = {}
        if user.is_authenticated:
            initial = {"name": user.get_full_name(), "email": user.email}
        form = cls(data, initial=initial)
        if user.is_authenticated:
            email = form.fields["email"]
            email.disabled = True
            email.help_text = _(
                "Your account's address: we will reply to it and under My messages to the programme. "
                "To use another address, change your account's address first."
            )
        return form


class PrivacyNoticeForm(forms.Form):
    """Staff: the privacy page's text."""

    body = forms.CharField(
        label=_("Privacy page text"),
        max_length=50000,
        help_text=_(
            "Plain text. Leave a blank line between paragraphs; a paragraph of one short line "
            "without a full stop becomes a heading; web addresses become links."
        ),
        widget=forms.Textarea(attrs={"rows": 30}),
        error_messages={"required": _("Write the page's text: an empty privacy page would tell people nothing.")},
    )


class SupportReplyForm(forms.Form):
    """The sender's answer in the conversation that follows their Contact message."""

    body = forms.CharField(
        max_length=5000,
        label=_("Your answer"),
        help_text=_("The programme team is told and answers here and by email. Up to 5,000 characters."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
