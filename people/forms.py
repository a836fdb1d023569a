from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from journeys.forms import DateBoxesField, future_date_example
from project import ratelimit
from project.text import refuse_control_characters

from .models import AreaOfSupport, ProfessionalCommunity, Profile, Region, Role
from .services import register_participant

ROLE_CHOICES = [("mentee", _("Mentee")), ("mentor", _("Mentor")), ("both", _("Both mentor and mentee"))]


class SignupExtraForm(forms.Form):
    """Extra fields on allauth's sign-up page: name and how the person takes part."""

    first_name = forms.CharField(max_length=150, label=_("First name"), validators=[refuse_control_characters])
    last_name = forms.CharField(max_length=150, label=_("Last name"), validators=[refuse_control_characters])
    register_as = forms.ChoiceField(
        choices=ROLE_CHOICES, widget=forms.RadioSelect, label=_("Register as"), initial="mentee"
    )

    def signup(self, request, user):
        register_participant(
            user,
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data["last_name"],
            register_as=self.cleaned_data["register_as"],
        )


class ProfileForm(forms.ModelForm):
    first_name = forms.CharField(max_length=150, label=_("First name"), validators=[refuse_control_characters])
    last_name = forms.CharField(max_length=150, label=_("Last name"), validators=[refuse_control_characters])
    role = forms.ModelChoiceField(queryset=Role.objects.filter(active=True), label=_("Role"))
    community = forms.ModelChoiceField(
        queryset=ProfessionalCommunity.objects.filter(active=True), label=_("Professional community")
    )
    region = forms.ChoiceField(label=_("Region"), required=False, help_text=_("Mentees can look for someone nearby."))
    away_until = DateBoxesField(
        label=_("Away until"),
        required=False,
    )  # its hint (with an example the field accepts) is set in __init__
    biography = forms.CharField(
        label=_("A short biography"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    experience = forms.CharField(
        label=_("Experience"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    areas = forms.ModelMultipleChoiceField(
        queryset=AreaOfSupport.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        label=_("Areas of support"),
        help_text=_("Mentors: where you can help. Mentees: where you would like support."),
    )

    class Meta:
        model = Profile
        fields = [
            "is_mentee",
            "is_mentor",
            "job_title",
            "organisation",
            "phone",
            "role",
            "community",
            "areas",
            "region",
            "biography",
            "experience",
            "capacity",
            "accepting_requests",
            "away_until",
        ]
        labels = {
            "job_title": _("Job title"),
            "organisation": _("Organisation"),
            "biography": _("A short biography"),
            "experience": _("Experience"),
        }
        help_texts = {
            "phone": _("Shown only to the people you are matched with."),
            "capacity": _("Mentors only: how many mentees you can support at the same time."),
            "accepting_requests": _("Mentors only: untick to pause new mentoring requests."),
        }
        widgets = {"biography": forms.Textarea(attrs={"rows": 4}), "experience": forms.Textarea(attrs={"rows": 4})}
        # One message per mistake, each saying what to put instead (``clean`` adds none where these spoke).
        error_messages = {
            "capacity": {
                "required": _("Enter how many mentees you can support at the same time, from 1 to 20."),
                "invalid": _("Enter a whole number of mentees, for example 2."),
                "min_value": _("Mentors need room for at least one mentee."),
                "max_value": _("Twenty mentees at once is the most we allow."),
            }
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["job_title"].required = True
        self.fields["capacity"].widget.attrs.update(min=1, max=20)
        self.fields["away_until"].help_text = " ".join(
            [
                gettext(
                    "Mentors only, optional: while you are away, mentees see your return date and cannot send you requests."
                ),
                future_date_example() + ".",
            ]
        )
        if user is not None:
            self.fields["first_name"].initial = user.first_name
            self.fields["last_name"].initial = user.last_name
        profile = self.instance
        self._offer_taxonomy(profile)
        # Decided from the profile as it was when the form was made (saving changes the instance).
        self.mentee_only = bool(profile and profile.pk and profile.is_mentee and not profile.is_mentor)
        if self.mentee_only:
            for name in self.MENTOR_ONLY:
                del self.fields[name]  # kept as they are on the profile (capacity's default, open to requests)
        order = ["first_name", "last_name"]
        self.order_fields(order + [f for f in self.fields if f not in order])

    def _offer_taxonomy(self, profile) -> None:
        """Active (not retired) choices only, plus what this profile already has: a retired area,
        role, community or region stays on the profiles that had it, and saving keeps it."""
        has_pk = bool(profile and profile.pk)
        if has_pk:
            self.fields["areas"].queryset = AreaOfSupport.objects.filter(
                models.Q(active=True) | models.Q(pk__in=profile.areas.values("pk"))
            )
            for name, model, current in (
                ("role", Role, profile.role_id),
                ("community", ProfessionalCommunity, profile.community_id),
            ):
                if current:
                    self.fields[name].queryset = model.objects.filter(models.Q(active=True) | models.Q(pk=current))
        regions = Region.objects.filter(active=True)
        current_region = profile.region if profile is not None else ""
        if current_region:
            regions = Region.objects.filter(models.Q(active=True) | models.Q(code=current_region))
        choices = [("", gettext("Not stated"))] + list(regions.values_list("code", "name"))
        if current_region and current_region not in {code for code, _name in choices}:
            choices.append((current_region, current_region))
        self.fields["region"].choices = choices

    # The mentor questions: a mentee-only profile is not asked them. Ticking "I want to be a
    # mentor" and saving brings them onto the form (with the defaults until changed).
    MENTOR_ONLY = ("capacity", "accepting_requests", "away_until")

    def clean(self):
        data = super().clean()
        if not data.get("is_mentor") and not data.get("is_mentee"):
            raise forms.ValidationError(gettext("Choose at least one: mentor, mentee or both."))
        capacity = data.get("capacity")  # None when its field already said what is wrong
        if data.get("is_mentor") and capacity == 0:
            self.add_error("capacity", gettext("Mentors need room for at least one mentee."))
        if capacity is not None and capacity > 20:
            self.add_error("capacity", gettext("Twenty mentees at once is the most we allow."))
        away = data.get("away_until")
        if away is not None and away <= timezone.localdate():
            self.add_error("away_until", gettext("Enter a date in the future, or leave it empty if you are not away."))
        return data


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type DELETE to confirm"),
        help_text=_("This withdraws you from every open request and relationship and removes your personal details."),
    )
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}), label=_("Your password")
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.too_many_tries = False  # the page then answers 429

    def clean_confirm(self):
        # Exactly the word the label asks for, in capitals (the field has already trimmed the spaces
        # around it, which nobody sees): "delete" is not what the page says to type.
        if self.cleaned_data["confirm"] != "DELETE":
            raise forms.ValidationError(gettext("Please type DELETE, in capital letters, to confirm."))
        return "DELETE"

    def clean_password(self):
        # Each check takes a place of the hour's allowance before it runs (so guesses sent at once cannot
        # all get through), and a right password gives it back: only wrong ones count.
        try:
            with ratelimit.spend(ratelimit.DELETE_PASSWORD, self.user.pk):
                right = self.user.check_password(self.cleaned_data["password"])
        except ratelimit.LimitReached:
            self.too_many_tries = True
            raise forms.ValidationError(
                gettext("Too many wrong passwords. To keep your account safe, please try again in an hour.")
            ) from None
        if not right:
            raise forms.ValidationError(gettext("That password is not right."))
        ratelimit.give_back(ratelimit.DELETE_PASSWORD, self.user.pk)
        return ""
