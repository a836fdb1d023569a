from django import forms
from django.utils.translation import gettext_lazy as _

from people.taxonomy import NAME_MAX_LENGTH
from project.text import refuse_control_characters


class NameForm(forms.Form):
    """Adding an item to a list, or renaming one (the service checks the name is not taken)."""

    name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH, validators=[refuse_control_characters])
