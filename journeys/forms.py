from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.conf import settings
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from people.models import AreaOfSupport

from . import rules
from .models import Feedback, GoalEntry
from .services import files

DURATIONS = [
    (15, _("15 minutes")),
    (30, _("30 minutes")),
    (45, _("45 minutes")),
    (60, _("1 hour")),
    (90, _("1 hour 30 minutes")),
    (120, _("2 hours")),
]
TIMES = [(f"{h:02d}:{m:02d}", f"{h:02d}:{m:02d}") for h in range(7, 22) for m in (0, 15, 30, 45)]


class RequestForm(forms.Form):
    area = forms.ModelChoiceField(
        queryset=AreaOfSupport.objects.filter(active=True),
        label=_("Area I need support with"),
        error_messages={"required": _("Choose the area you would like support with.")},
    )
    statement = forms.CharField(
        label=_("Personal statement"),
        error_messages={"required": _("Write your personal statement: why you would like to be mentored.")},
        widget=forms.Textarea(attrs={"rows": 7}),
        max_length=5000,
        help_text=_(
            "Why would you like to be mentored? Say what you hope to get from the relationship and any "
            "topics you would like guidance on. The more you tell your mentor, the better they can help."
        ),
    )

    def clean_statement(self):
        text = self.cleaned_data["statement"].strip()
        if len(text) < 20:
            raise forms.ValidationError(gettext("Please tell your mentor a little more (at least 20 characters)."))
        return text


class DecisionForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the mentee"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        # The label already says "(optional)" (form_fields.html): the help says what becomes of it.
        help_text=_("Sent to the mentee with your answer, whether you accept or decline."),
    )


class ReasonForm(forms.Form):
    """Why someone withdraws from a relationship (Actions → Withdraw): needed, and said how when left out."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Write a sentence on why you are withdrawing, for example that you no longer have the time.")
        },
    )


class OptionalReasonForm(forms.Form):
    """A reason that may be left out (withdrawing a request); still checked like any text."""

    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


def form_errors(form: forms.Form) -> str:
    """A form's errors as one sentence per field, for a page the form itself is not on."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


class MessageForm(forms.Form):
    # Not required on its own (a file may be sent alone), but not optional either: a message needs
    # text or a file. ``one_of_needed`` keeps form_fields.html from calling it "(optional)".
    body = forms.CharField(
        label=_("New message"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Write a message, add a file, or both."),
    )
    body.one_of_needed = True
    # An empty file is refused by the upload check (services.files.check_upload), in words that name it.
    attachment = forms.FileField(label=_("Add file"), required=False, allow_empty_file=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The limit and the kinds the upload check applies (ATTACHMENT_MAX_BYTES, ATTACHMENT_ALLOWED_TYPES).
        self.fields["attachment"].help_text = gettext("Up to %(megabytes)d MB: %(kinds)s.") % {
            "megabytes": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
            "kinds": files.accepted_kinds(),
        }

    def clean(self):
        data = super().clean()
        if self.errors:  # a field already said what is wrong (too long, an empty file): one message
            return data
        if not (data.get("body") or "").strip() and not data.get("attachment"):
            raise forms.ValidationError(gettext("Write a message or add a file before sending."))
        return data


class DateBoxesWidget(forms.MultiWidget):
    template_name = "journeys/widgets/date_boxes.html"

    def __init__(self, attrs=None):
        widgets = [
            forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 2, "autocomplete": "off"}),
            forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 2, "autocomplete": "off"}),
            forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4, "autocomplete": "off"}),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateBoxesBoundField(BoundField):
    """A date's three boxes are each described by the field's hint and error.

    The boxes are a group (``use_fieldset``: ``form_fields.html`` puts them in a fieldset whose legend
    is the field's label), and Django describes only the widgets of fields that are not groups. A
    screen reader reads the description of the box being typed in, so each box carries
    ``aria-describedby`` (the ids ``<id>_helptext`` and ``<id>_error`` that ``form_fields.html``
    gives the hint and the error); the fieldset does not, or it would be read twice.
    """

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if not attrs.get("aria-describedby") and (described := self.aria_describedby):
            attrs["aria-describedby"] = described
        return attrs

    @property
    def id_for_label(self):
        """The Day box: where a link to the field (from the error box) takes the keyboard focus.

        Django gives a group of widgets no id to label (its legend names it), so without this the
        error box's link to a date went nowhere.
        """
        return f"{self.auto_id}_0" if self.auto_id else ""


class DateBoxesField(forms.MultiValueField):
    """A date entered as day / month / year boxes, with clear messages for each mistake."""

    widget = DateBoxesWidget
    bound_field_class = DateBoxesBoundField

    def __init__(self, **kwargs):
        # The boxes are not required one by one: a box left empty is said by ``compress`` in our words
        # ("Enter a day, a month and a year."), not by Django's "Enter a complete value.".
        fields = (forms.CharField(required=False), forms.CharField(required=False), forms.CharField(required=False))
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, values):
        if not values or not any(values):
            return None
        day, month, year = (str(v or "").strip() for v in values)
        if not (day and month and year):
            raise forms.ValidationError(gettext("Enter a day, a month and a year."))
        if not all(part.isascii() and part.isdigit() for part in (day, month, year)):
            raise forms.ValidationError(gettext("Use numbers only, for example 18 4 2026."))
        if len(year) != 4:
            raise forms.ValidationError(gettext("Enter the year with four digits, for example 2026."))
        if len(day) > 2 or len(month) > 2:
            raise forms.ValidationError(
                gettext("Enter the day and the month with one or two digits, for example 18 4 2026.")
            )
        try:
            return dt.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise forms.ValidationError(gettext("That date does not exist. Check the day and month.")) from None


def future_date_example() -> str:
    """A date hint whose example the field accepts: a day about a month from today, as the boxes take it."""
    day = timezone.localdate() + dt.timedelta(days=30)
    return gettext("For example, %(day)d %(month)d %(year)d") % {"day": day.day, "month": day.month, "year": day.year}


class MeetingForm(forms.Form):
    date = DateBoxesField(label=_("Date of meeting"))
    start_time = forms.ChoiceField(
        choices=[("", _("Select start time")), *TIMES], label=_("Start time"), help_text=_("Please use UK time.")
    )
    duration = forms.TypedChoiceField(choices=[("", _("Select duration")), *DURATIONS], coerce=int, label=_("Duration"))
    title = forms.CharField(max_length=150, label=_("Title"))
    location = forms.CharField(
        max_length=200,
        required=False,
        label=_("Method / location"),
        help_text=_("For example: a place, face to face, video, phone or email."),
    )
    details = forms.CharField(
        required=False, label=_("Meeting details"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    video = forms.BooleanField(required=False, label=_("Video chat meeting (we create a private video link)"))
    send_details = forms.BooleanField(
        required=False, initial=True, label=_("Send the details to the other person by email")
    )
    arranged_elsewhere = forms.BooleanField(required=False, label=_("This meeting was arranged outside the platform"))
    # Which rendering of the form this is: create_meeting makes one meeting per form sent, however often
    # the same form arrives (a new one each time the page is shown; empty from an older page: no check).
    submission = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, relationship=None, keeping=None, other_away: bool = False, **kwargs):
        """``relationship``: whose meeting it is (its day may not be before the match);
        ``keeping``: the meeting being changed (its day as it is may stay); ``other_away``: the other
        person is not taking part for now (``rules.deactivated``): the outbox sends them no email, so
        there is no box promising one (``cleaned_data.get("send_details")`` is then None)."""
        super().__init__(*args, **kwargs)
        if keeping is not None:
            del self.fields["submission"]  # a change is checked by what it changes (update_meeting)
        elif not self.is_bound:
            self.fields["submission"].initial = uuid.uuid4()
        if other_away:
            del self.fields["send_details"]
        self.fields["date"].help_text = future_date_example()  # computed each time: a fixed day would pass
        matched_at = getattr(relationship, "matched_at", None)
        self.matched_on = timezone.localdate(matched_at) if matched_at else None
        self.keeping = timezone.localdate(keeping.starts_at) if keeping is not None else None

    def meeting_fields(self) -> dict:
        """The meeting's own fields, as create_meeting / update_meeting take them."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "starts_at": data["starts_at"],
            "duration_minutes": data["duration"],
            "location": data["location"],
            "details": data["details"],
            "video": data["video"],
        }

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("start_time"):
            hour, minute = (int(x) for x in data["start_time"].split(":"))
            naive = dt.datetime.combine(data["date"], dt.time(hour, minute))
            data["starts_at"] = timezone.make_aware(naive)
        if data.get("date"):
            refusal = rules.why_meeting_day_refused(data["date"], self.matched_on, keeping=self.keeping)
            if refusal:
                self.add_error("date", refusal)
        return data


class GoalForm(forms.Form):
    label = forms.CharField(
        max_length=150,
        label=_("Goal label"),
        error_messages={"required": _("Write your goal in a few words: what you will achieve.")},
    )
    details = forms.CharField(
        required=False, label=_("Goal details"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    due_date = DateBoxesField(label=_("Expected goal completion date"), required=False)
    no_due_date = forms.BooleanField(required=False, label=_("No completion date"))

    def __init__(self, *args, keeping=None, **kwargs):
        """``keeping``: the goal being changed (its date as it is may stay, even once passed)."""
        super().__init__(*args, **kwargs)
        self.fields["due_date"].help_text = future_date_example()  # computed each time: a fixed day would pass
        # A date, or "No completion date" ticked: not "(optional)" (form_fields.html reads this).
        self.fields["due_date"].one_of_needed = True
        self.keeping = keeping.due_date if keeping is not None else None

    def goal_fields(self) -> dict:
        """The goal's own fields, as create_goal / update_goal take them."""
        data = self.cleaned_data
        return {"label": data["label"], "details": data["details"], "due_date": data["due_date"]}

    def clean(self):
        data = super().clean()
        if data.get("no_due_date") and data.get("due_date"):
            self.add_error("due_date", gettext("Enter a date or tick “No completion date”, not both."))
        elif data.get("no_due_date"):
            data["due_date"] = None
        elif not data.get("due_date") and "due_date" not in self.errors:
            self.add_error("due_date", gettext("Enter the expected completion date, or tick “No completion date”."))
        elif data.get("due_date"):
            refusal = rules.why_due_date_refused(data["due_date"], keeping=self.keeping)
            if refusal:
                self.add_error("due_date", refusal)
        return data


class GoalEntryForm(forms.Form):
    kind = forms.ChoiceField(
        choices=GoalEntry.Kind.choices, label=_("Type"), error_messages={"required": _("Choose a type.")}
    )
    text = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={
            "required": _("Write what happened before saving."),
            # Django fills in the limit and the length typed when it shows the error.
            "max_length": _(
                "Write at most %(limit_value)d characters: this has %(show_value)d, so shorten it before saving."
            ),
        },
    )


class FeedbackForm(forms.ModelForm):
    # No "---------" choice and nothing ticked until the person chooses.
    rating = forms.TypedChoiceField(
        label=_("How would you rate your mentoring overall? (5 is best)"),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comments = forms.CharField(
        label=_("Comments"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    class Meta:
        model = Feedback
        fields = ["rating", "comments"]
        labels = {"rating": _("How would you rate your mentoring overall? (5 is best)"), "comments": _("Comments")}
        widgets = {"rating": forms.RadioSelect, "comments": forms.Textarea(attrs={"rows": 4})}


# -- worksheets and concerns (journeys.views.worksheets, journeys.views.record) ------------------


class WorksheetForm(forms.Form):
    """One text box per heading of a worksheet (``journeys.worksheets``), labelled and prompted from it."""

    def __init__(self, definition, *args, **kwargs):
        from .worksheets import ANSWER_MAX_LENGTH

        super().__init__(*args, **kwargs)
        self.definition = definition
        for heading in definition.headings:
            self.fields[heading.name] = forms.CharField(
                label=heading.label,
                help_text=heading.prompt,
                required=False,
                max_length=ANSWER_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            # Each may stay empty, but not all of them (the page says so): none is "(optional)".
            self.fields[heading.name].one_of_needed = True


class WorksheetCommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write your comment before sending it.")},
    )


class ConcernAnswerForm(forms.Form):
    """The answer of the person who raised a concern, in the conversation that follows it."""

    body = forms.CharField(
        label=_("Your answer"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Only the programme team reads it; they are told, and reply here and by email."),
        error_messages={"required": _("Please write your answer before sending it.")},
    )


class ConcernForm(forms.Form):
    message = forms.CharField(
        label=_("Your concern"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("For example: my mentor has not replied to my messages for several weeks."),
        error_messages={"required": _("Please write your concern before sending it.")},
    )
