"""Forms of the meeting's own page (notes, whether it took place) and of "We met earlier than planned"."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .forms import TIMES, DateBoxesField
from .models import MeetingOutcome


class MeetingNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Your notes"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Only the two of you can read them: what you talked about, what you agreed, what comes next."),
        error_messages={"required": _("Write your notes before saving them.")},
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write your notes before saving them."))
        return text


class MeetingOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Did this meeting take place?"),
        choices=[(MeetingOutcome.HELD, _("Yes, we met")), (MeetingOutcome.NOT_HELD, _("No, it did not happen"))],
        widget=forms.RadioSelect,
        help_text=_(
            "Until one of you says it did not happen, a meeting whose time has passed counts as held, "
            "in your CPD record and the programme's figures."
        ),
        error_messages={"required": _("Choose whether the meeting took place.")},
    )

    @property
    def held(self) -> bool:
        return self.cleaned_data["outcome"] == MeetingOutcome.HELD


class MetEarlierForm(forms.Form):
    date = DateBoxesField(label=_("The day you met"), help_text=_("For example, 18 4 2026"))
    start_time = forms.ChoiceField(
        choices=[("", _("Select the time")), *TIMES],
        label=_("The time you met"),
        help_text=_("Please use UK time."),
    )

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("start_time"):
            hour, minute = (int(x) for x in data["start_time"].split(":"))
            data["met_at"] = timezone.make_aware(dt.datetime.combine(data["date"], dt.time(hour, minute)))
            if data["met_at"] > timezone.now():
                self.add_error("date", _("That is still to come: enter the day and time you met."))
        return data
