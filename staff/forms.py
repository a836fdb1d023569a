import re

from django import forms
from django.utils.translation import gettext_lazy as _

from journeys.forms import DateBoxesField
from project.dates import why_range_reversed, within_programme_years

from .reports import PERIODS
from .services import LARGEST_NUMBER, NUDGE_WHO, why_not_snooze


class NudgeForm(forms.Form):
    who = forms.ChoiceField(
        label=_("Who to nudge"),
        choices=list(NUDGE_WHO.items()),
        widget=forms.RadioSelect,
    )
    personal = forms.CharField(
        label=_("A line of your own"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Added to the templated email."),  # the label says "(optional)" already
    )


class RaiseCaseForm(forms.Form):
    reason = forms.CharField(
        label=_("What needs attention?"),
        max_length=200,
        error_messages={"required": _("Please say what needs attention.")},
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Private note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen by programme staff only."),
    )


class SnoozeForm(forms.Form):
    until = DateBoxesField(label=_("Snooze until"), help_text=_("For example, 18 4 2027. Up to 90 days ahead."))

    def clean_until(self):
        """The service's own rule (``why_not_snooze``), said on this field rather than above the form."""
        until = self.cleaned_data["until"]
        if refusal := why_not_snooze(until):
            raise forms.ValidationError(refusal)
        return until


class SuggestForm(forms.Form):
    mentors = forms.TypedMultipleChoiceField(
        label=_("Mentors to suggest"), coerce=int, choices=[], widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, suggestions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentors"].choices = [
            (r.mentor.user_id, f"{r.mentor.display_name}" + (f", {r.mentor.subtitle}" if r.mentor.subtitle else ""))
            for r in suggestions
        ]


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for closing"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Both participants are told, with this reason; their meetings still to come are cancelled."),
    )

    def __init__(self, *args, is_request: bool = False, **kwargs):
        """``is_request``: the case is about a request the mentor has not accepted (no meetings to cancel)."""
        super().__init__(*args, **kwargs)
        if is_request:
            self.fields["reason"].help_text = _(
                "Both of them are told the request was closed, with this reason; the mentee is pointed to Find Mentor."
            )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("How was it resolved?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the case in the archive."),
    )


class PeriodForm(forms.Form):
    """The period the staff home's charts show (a GET form: the address can be kept and shared)."""

    MAX_DAYS = 5 * 366

    start = DateBoxesField(
        label=_("From"),
        help_text=_("For example, 1 9 2026"),
        error_messages={"required": _("Enter a start date.")},
        validators=[within_programme_years],
    )
    end = DateBoxesField(
        label=_("To"),
        help_text=_("For example, 31 8 2027 (the day is included)"),
        error_messages={"required": _("Enter an end date.")},
        validators=[within_programme_years],
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if self.errors or start is None or end is None:
            return data
        if reversed_range := why_range_reversed(start, end):
            self.add_error("end", reversed_range)
        elif (end - start).days > self.MAX_DAYS:
            self.add_error("end", _("Choose a period of five years at most."))
        return data


class ReportPeriodForm(forms.Form):
    """The period of the programme reports, one of ``staff.reports.PERIODS`` (a GET form)."""

    period = forms.ChoiceField(
        label=_("Period"),
        choices=[(key, label) for key, (label, _days) in PERIODS.items()],
        error_messages={
            "required": _("Choose one of the periods in the list."),
            "invalid_choice": _("Choose one of the periods in the list."),
        },
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Emailed to the sender and kept on this case."),
    )

    def __init__(self, *args, how_to_answer: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if how_to_answer:  # support.services.how_the_sender_can_answer
            self.fields["body"].help_text = how_to_answer


class FindCaseForm(forms.Form):
    """The inbox's "Find a case" box (a GET form): a case number, or the reference number a member was
    given for a Contact message or a concern (``services.cases_numbered``)."""

    find = forms.CharField(
        label=_("Find a case by its number or a member's reference"),
        max_length=40,
        help_text=_(
            "A case number, or the reference number a member was given for their Contact message or concern, "
            "for example 12."
        ),
        error_messages={"required": _("Type a case number or a member's reference number, for example 12.")},
    )

    def clean_find(self) -> int:
        numbers = re.findall(r"\d+", self.cleaned_data["find"])
        if len(numbers) != 1:
            raise forms.ValidationError(_("Type one number: a case number or a member's reference, for example 12."))
        number = int(numbers[0])
        if not 0 < number <= LARGEST_NUMBER:
            raise forms.ValidationError(_("No case or reference has that number."))
        return number
