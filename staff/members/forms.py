from django import forms
from django.utils.translation import gettext_lazy as _

from .services import NOTE_MAX


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Add a note"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only programme staff see notes; the member never does."),
    )
