"""Accounts, participant profiles and the staff-managed matching taxonomy."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person with an account; the email address is the login."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # Retention (people.retention): when this inactive account was warned it will be anonymised.
    retention_warned_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        return self.name_to_show(self.first_name, self.last_name, self.email)

    @staticmethod
    def name_to_show(first_name: str, last_name: str, email: str) -> str:
        """``display_name`` from the three columns, for lists read without building accounts."""
        return f"{first_name} {last_name}".strip() or email

    @property
    def initials(self) -> str:
        parts = [p for p in (self.first_name, self.last_name) if p]
        if not parts:
            return (self.email[:1] or "?").upper()
        return "".join(p[0] for p in parts).upper()


class TaxonomyItem(models.Model):
    name = models.CharField(max_length=120, unique=True)
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class AreaOfSupport(TaxonomyItem):
    class Meta(TaxonomyItem.Meta):
        verbose_name = _("area of support")
        verbose_name_plural = _("areas of support")


class Role(TaxonomyItem):
    class Meta(TaxonomyItem.Meta):
        verbose_name = _("role")


class ProfessionalCommunity(TaxonomyItem):
    class Meta(TaxonomyItem.Meta):
        verbose_name = _("professional community")
        verbose_name_plural = _("professional communities")


class DefaultRegion(models.TextChoices):
    """The regions a new programme starts with (migration 0006 seeds ``Region`` from them): the
    UK's nations and English regions. Staff add, rename and retire regions afterwards."""

    NORTH_EAST = "north-east", _("North East England")
    NORTH_WEST = "north-west", _("North West England")
    YORKSHIRE = "yorkshire", _("Yorkshire and the Humber")
    EAST_MIDLANDS = "east-midlands", _("East Midlands")
    WEST_MIDLANDS = "west-midlands", _("West Midlands")
    EAST = "east", _("East of England")
    LONDON = "london", _("London")
    SOUTH_EAST = "south-east", _("South East England")
    SOUTH_WEST = "south-west", _("South West England")
    WALES = "wales", _("Wales")
    SCOTLAND = "scotland", _("Scotland")
    NORTHERN_IRELAND = "northern-ireland", _("Northern Ireland")
    OUTSIDE_UK = "outside-uk", _("Outside the UK")


class Region(TaxonomyItem):
    """Where a participant is based. ``Profile.region`` holds its ``code`` (so the search's SQL
    and matching compare short strings); the name is what people read and staff may change."""

    code = models.SlugField(max_length=20, unique=True)

    class Meta(TaxonomyItem.Meta):
        verbose_name = _("region")

    @classmethod
    def names(cls) -> dict[str, str]:
        """Every region's name by code, retired ones included (old records still show them)."""
        return dict(cls.objects.values_list("code", "name"))


class AreaIdsField(ArrayField):
    """A ``bigint[]`` on PostgreSQL; elsewhere (SQLite in development) an unused text column."""

    def db_type(self, connection):
        return super().db_type(connection) if connection.vendor == "postgresql" else "text"

    def get_placeholder(self, value, compiler, connection):
        return super().get_placeholder(value, compiler, connection) if connection.vendor == "postgresql" else "%s"


# A mentor who may appear in Find Mentor (account checks aside): the condition of its indexes.
LISTED_MENTOR = models.Q(is_mentor=True, completed_at__isnull=False)


class Profile(models.Model):
    """What a participant tells the programme about themselves."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    is_mentor = models.BooleanField(_("I want to be a mentor"), default=False)
    is_mentee = models.BooleanField(_("I want to be a mentee"), default=False)
    job_title = models.CharField(max_length=120, blank=True)
    organisation = models.CharField(max_length=120, blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.SET_NULL)
    community = models.ForeignKey(
        ProfessionalCommunity,
        verbose_name=_("professional community"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    areas = models.ManyToManyField(AreaOfSupport, verbose_name=_("areas of support"), blank=True)
    biography = models.TextField(blank=True)
    experience = models.TextField(blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("mentees at once"), default=2, help_text=_("How many mentees you can support at the same time.")
    )
    accepting_requests = models.BooleanField(
        _("open to new requests"),
        default=True,
        help_text=_("Untick to pause new mentoring requests without leaving the programme."),
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    last_active_at = models.DateTimeField(default=timezone.now)
    # The code of a ``Region`` (not a foreign key: the search's SQL and matching compare codes).
    region = models.CharField(_("region"), max_length=20, blank=True)
    away_until = models.DateField(
        _("away until"),
        null=True,
        blank=True,
        help_text=_("Mentors: if you are away for a while, the date you are back. Mentees see it on your profile."),
    )
    # Biography and experience as an English full-text document. PostgreSQL keeps it up to
    # date with a trigger (migration 0003), so bulk inserts and queryset updates are covered.
    search_vector = SearchVectorField(null=True, editable=False)
    # A copy of ``areas`` (their ids, sorted) that the database maintains with triggers, so a
    # search can test areas on the profile row itself. Never written by Django (always NULL on SQLite).
    area_ids = AreaIdsField(models.BigIntegerField(), null=True, editable=False)

    class Meta:
        # Migration 0003 also creates, on PostgreSQL only, ``profile_mentor_rank``: listed
        # mentors by recent activity, covering every column Find Mentor's ranking reads.
        # The GIN indexes hold listed mentors only: mentees' profiles are never searched.
        indexes = [
            GinIndex(fields=["search_vector"], name="profile_search_gin", condition=LISTED_MENTOR),
            GinIndex(fields=["area_ids"], name="profile_area_ids_gin", condition=LISTED_MENTOR),
        ]

    def __str__(self) -> str:
        return gettext("Profile of %(user)s") % {"user": self.user}

    @property
    def is_away(self) -> bool:
        return self.away_until is not None and self.away_until > timezone.localdate()

    def get_region_display(self) -> str:
        """The region's name (a retired region's too); the code itself if it is not known."""
        if not self.region:
            return ""
        name = Region.objects.filter(code=self.region).values_list("name", flat=True).first()
        return name or self.region

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    def missing_fields(self) -> list[str]:
        """Which required parts of the profile are still empty (areas need a saved pk)."""
        missing = []
        if not (self.user.first_name and self.user.last_name):
            missing.append(gettext("name"))
        if not self.job_title:
            missing.append(gettext("job title"))
        if not self.role_id:
            missing.append(gettext("role"))
        if not self.community_id:
            missing.append(gettext("professional community"))
        if not (self.is_mentor or self.is_mentee):
            missing.append(gettext("mentor or mentee"))
        if self.pk and not self.areas.exists():
            missing.append(gettext("areas of support"))
        return missing


def data_export_path(instance: DataExport, filename: str) -> str:
    return f"exports/{instance.token.hex}.zip"


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class DataExport(models.Model):
    """A participant's "Download my data" archive: built by a Celery task, kept privately, expiring.

    The zip lives in the private storage (never under a public URL) and is served only by
    ``people.views.download_data_export`` to the person it belongs to.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Could not be prepared")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_exports")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to=data_export_path, storage=_private_storage, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return gettext("Data export %(token)s (%(status)s)") % {"token": self.token, "status": self.status}

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
