"""Matching rounds' forms: a new round, a pair to pin or forbid, a mentee's shortlist."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from journeys.forms import DateBoxesField
from staff.imports import parsing

from . import addresses, services
from .models import MAX_SHORTLIST, Round

UPLOAD_MAX_BYTES = 2 * 1024 * 1024

MENTEE_CHOICES = [
    (services.MENTEES_UNMATCHED, _("Every mentee with a complete profile who has no mentor and no open request")),
    (services.MENTEES_JOINED_SINCE, _("Mentees who joined since a date")),
    (services.MENTEES_LISTED, _("A list of email addresses (pasted or uploaded)")),
]
MENTOR_CHOICES = [
    (services.MENTORS_AVAILABLE, _("Every mentor open to requests with a place left")),
    (services.MENTORS_LISTED, _("A list of email addresses (pasted or uploaded)")),
]


def _read_upload(upload) -> addresses.AddressList:
    if upload is None:
        return addresses.AddressList()
    if upload.size > UPLOAD_MAX_BYTES:
        raise forms.ValidationError(gettext("The file is too large: upload at most 2 MB of email addresses."))
    data = upload.read()
    # An Excel workbook's first sheet, read as an import reads it.
    if parsing.is_xlsx(upload.name, data):
        try:
            return addresses.read_sheet(parsing.xlsx_records(data))
        except parsing.UnreadableFile:
            raise forms.ValidationError(
                gettext(
                    "We could not open that file as an Excel workbook (.xlsx): save it again from Excel, or "
                    "upload a text or CSV file of email addresses."
                )
            ) from None
    # UTF-8, Windows text (cp1252: Excel's "CSV" on Windows) or UTF-16 with its mark, as an import reads it.
    try:
        return addresses.read_uploaded(parsing.decode_text(data))
    except parsing.UnreadableFile:
        raise forms.ValidationError(
            gettext(
                "We could not read that file: upload a text or CSV file, or an Excel workbook (.xlsx), of email "
                "addresses."
            )
        ) from None


def and_more(more: int) -> str:
    """ " And 3 more." after a list cut short (at ``services.NAMED_LEFT_OUT``), or nothing."""
    return " " + ngettext("And %(n)d more.", "And %(n)d more.", more) % {"n": more} if more > 0 else ""


def _not_addresses_error(read: addresses.AddressList) -> str:
    """The lines (a workbook's rows) that are not email addresses, named (the first ``services.NAMED_LEFT_OUT``)."""
    lines = read.not_addresses
    shown = ", ".join(f"“{line}”" for line in lines[: services.NAMED_LEFT_OUT])
    if read.from_sheet:
        text = ngettext(
            "%(n)d row is not an email address: %(list)s. Correct or remove it.",
            "%(n)d rows are not email addresses: %(list)s. Correct or remove them.",
            len(lines),
        )
    else:
        text = ngettext(
            "%(n)d line is not an email address: %(list)s. Correct or remove it.",
            "%(n)d lines are not email addresses: %(list)s. Correct or remove them.",
            len(lines),
        )
    return text % {"n": len(lines), "list": shown} + and_more(len(lines) - services.NAMED_LEFT_OUT)


class NewRoundForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the round"),
        max_length=120,
        help_text=_(
            "Mentees see it when they are invited to shortlist: in the email, on their Relationships page and "
            "on their shortlist page. For example, September graduates."
        ),
    )
    mentees = forms.ChoiceField(
        label=_("Mentees"), choices=MENTEE_CHOICES, widget=forms.RadioSelect, initial=services.MENTEES_UNMATCHED
    )
    joined_since = DateBoxesField(
        label=_("Joined on or after"),
        required=False,
        help_text=_("For mentees who joined since a date. For example, 1 9 2026"),
    )
    mentee_emails = forms.CharField(
        label=_("Mentees' email addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For a list: one address a line, or separated by commas. Addresses copied with their names from "
            "an email program are fine too."
        ),
    )
    mentee_file = forms.FileField(
        label=_("Or upload the mentees' list"),
        required=False,
        help_text=_(
            "A text or CSV file, or an Excel workbook (.xlsx: its first sheet), with their email addresses: one a "
            "line (or a row), or in a column headed “Email address” (as in the members list's export)."
        ),
    )
    mentors = forms.ChoiceField(
        label=_("Mentors"), choices=MENTOR_CHOICES, widget=forms.RadioSelect, initial=services.MENTORS_AVAILABLE
    )
    mentor_emails = forms.CharField(
        label=_("Mentors' email addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For a list: one address a line, or separated by commas. Addresses copied with their names from "
            "an email program are fine too. Only mentors open to requests with a place left are taken."
        ),
    )
    mentor_file = forms.FileField(
        label=_("Or upload the mentors' list"),
        required=False,
        help_text=_(
            "A text or CSV file, or an Excel workbook (.xlsx: its first sheet), with their email addresses: one a "
            "line (or a row), or in a column headed “Email address” (as in the members list's export)."
        ),
    )
    mentor_cap = forms.IntegerField(
        label=_("Most mentees per mentor in this round"),
        required=False,
        min_value=1,
        max_value=50,
        help_text=_("Mentors never get more than their places left."),
    )
    min_score = forms.DecimalField(
        label=_("Minimum score"),
        min_value=Decimal(0),
        max_value=Decimal(1000),
        decimal_places=2,
        initial=Decimal(1),
        help_text=_(
            "A pair scoring less is never proposed (Find Mentor's score: each matching area of support, the role, the professional community, the region and keywords add their weight)."
        ),
    )
    shortlist_closes_on = DateBoxesField(
        label=_("Shortlists close on"),
        required=False,
        help_text=_(
            "Mentees are emailed and may shortlist up to three mentors until the end of this day, at most a year ahead. Leave empty for no shortlists. For example, 30 9 2026"
        ),
    )
    shortlist_weight = forms.DecimalField(
        label=_("Shortlist weight"),
        min_value=Decimal(0),
        max_value=Decimal(1000),
        decimal_places=2,
        initial=Decimal(2),
        help_text=_("Points added to a pair's score when the mentee shortlisted that mentor."),
    )
    avoid_same_organisation = forms.BooleanField(
        label=_("Never pair people from the same organisation"), required=False, initial=True
    )
    avoid_past_pairs = forms.BooleanField(
        label=_("Never propose a pair that was declined or ended before"),
        required=False,
        initial=True,
        help_text=_(
            "A request closed because its mentor left the programme or was deactivated does not count: "
            "that pair may be proposed again."
        ),
    )
    on_decline = forms.ChoiceField(
        label=_("When a mentor declines a proposed request or stops taking part"),
        choices=Round.OnDecline.choices,
        widget=forms.RadioSelect,
        initial=Round.OnDecline.PROPOSE,
    )

    def clean_shortlist_closes_on(self):
        day = self.cleaned_data.get("shortlist_closes_on")
        if day is not None and (why := services.why_not_closing_date(day)):
            raise forms.ValidationError(why)
        return day

    def _refuse_what_the_choice_leaves_out(self, data) -> None:
        """A date, addresses or a file given for a way of choosing that is not the one chosen would be
        dropped without a word (the round opened with other people): each is an error on its field."""
        joined = dict(MENTEE_CHOICES)[services.MENTEES_JOINED_SINCE]
        if data.get("mentees") in (services.MENTEES_UNMATCHED, services.MENTEES_LISTED) and data.get("joined_since"):
            self.add_error(
                "joined_since",
                gettext("This date is only read for “%(choice)s”: choose that under Mentees, or clear the date.")
                % {"choice": joined},
            )
        listed = dict(MENTEE_CHOICES)[services.MENTEES_LISTED]
        for side, others in (
            ("mentee", (services.MENTEES_UNMATCHED, services.MENTEES_JOINED_SINCE)),
            ("mentor", (services.MENTORS_AVAILABLE,)),
        ):
            if data.get(f"{side}s") not in others:
                continue
            heading = self.fields[f"{side}s"].label
            if (data.get(f"{side}_emails") or "").strip():
                self.add_error(
                    f"{side}_emails",
                    gettext(
                        "These addresses are only read for “%(choice)s”: choose that under %(heading)s, "
                        "or clear this box."
                    )
                    % {"choice": listed, "heading": heading},
                )
            if data.get(f"{side}_file"):
                self.add_error(
                    f"{side}_file",
                    gettext(
                        "A file is only read for “%(choice)s”: choose that under %(heading)s and upload the file "
                        "again, or leave this empty."
                    )
                    % {"choice": listed, "heading": heading},
                )

    def clean(self):
        data = super().clean()
        if (
            data.get("mentees") == services.MENTEES_JOINED_SINCE
            and not data.get("joined_since")
            and "joined_since" not in self.errors
        ):
            self.add_error("joined_since", gettext("Enter the date from which new mentees are taken."))
        self._refuse_what_the_choice_leaves_out(data)
        for side in ("mentee", "mentor"):
            if data.get(f"{side}s") != services.MENTEES_LISTED:
                continue
            try:
                uploaded = _read_upload(data.get(f"{side}_file"))
            except forms.ValidationError as error:
                self.add_error(f"{side}_file", error)
                continue
            typed = addresses.read_typed(data.get(f"{side}_emails") or "")
            for field_name, read in ((f"{side}_emails", typed), (f"{side}_file", uploaded)):
                if read.not_addresses:
                    self.add_error(field_name, _not_addresses_error(read))
            emails = list(dict.fromkeys(typed.emails + uploaded.emails))
            if not emails and not typed.not_addresses and not uploaded.not_addresses:
                self.add_error(f"{side}_emails", gettext("Paste or upload at least one email address."))
            data[f"{side}_list"] = emails
        return data


class PairForm(forms.Form):
    """A pair by the two people's email addresses (the review page's "Pin a pair" / "Forbid a pair")."""

    mentee = forms.EmailField(label=_("Mentee's email address"))
    mentor = forms.EmailField(label=_("Mentor's email address"))


class ShortlistForm(forms.Form):
    mentors = forms.MultipleChoiceField(
        label=_("Mentors you would like"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose up to three."),
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=200,
        help_text=_(
            "Words to look for in mentors' biographies and experience, for example: rail freight. They count in the matching like a Find Mentor search."
        ),
    )
    note = forms.CharField(
        label=_("A few words for your mentor"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you hope to get from mentoring. Your mentor sees this with the request."),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentors"].choices = list(choices)

    def clean_mentors(self):
        chosen = self.cleaned_data.get("mentors") or []
        if len(chosen) > MAX_SHORTLIST:
            raise forms.ValidationError(gettext("Choose at most three mentors."))
        return [int(pk) for pk in chosen]
