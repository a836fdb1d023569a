from django import forms
from django.utils.translation import gettext_lazy as _

from .reminders import Kind


class ReminderSettingsForm(forms.Form):
    """Which reminder emails a participant receives (Edit Account)."""

    send = forms.MultipleChoiceField(
        label=_("Send me these reminders"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untick a kind to stop it. Messages from people and news about your requests are always sent."),
        # only from a page older than the list (or a changed one): said in words, with the ticks kept
        error_messages={"invalid_choice": _("Choose only from the reminders listed here, then save again.")},
    )

    @classmethod
    def for_user(cls, user, stopped: set[str], data=None) -> "ReminderSettingsForm":
        return cls(data, initial={"send": [k for k in Kind.values if k not in stopped]}, prefix="reminders")

    def stopped(self) -> set[str]:
        return set(Kind.values) - set(self.cleaned_data["send"])
