"""Accounts, participant profiles and the staff-managed matching taxonomy."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone


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
    email = models.EmailField("email address", unique=True)
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
        return self.get_full_name() or self.email

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
        verbose_name = "area of support"
        verbose_name_plural = "areas of support"


class Role(TaxonomyItem):
    class Meta(TaxonomyItem.Meta):
        verbose_name = "role"


class ProfessionalCommunity(TaxonomyItem):
    class Meta(TaxonomyItem.Meta):
        verbose_name = "professional community"
        verbose_name_plural = "professional communities"


class Region(models.TextChoices):
    """Where a participant is based: the UK's nations and English regions."""

    NORTH_EAST = "north-east", "North East England"
    NORTH_WEST = "north-west", "North West England"
    YORKSHIRE = "yorkshire", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east-midlands", "East Midlands"
    WEST_MIDLANDS = "west-midlands", "West Midlands"
    EAST = "east", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south-east", "South East England"
    SOUTH_WEST = "south-west", "South West England"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"
    OUTSIDE_UK = "outside-uk", "Outside the UK"


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
    is_mentor = models.BooleanField("I want to be a mentor", default=False)
    is_mentee = models.BooleanField("I want to be a mentee", default=False)
    job_title = models.CharField(max_length=120, blank=True)
    organisation = models.CharField(max_length=120, blank=True)
    phone = models.CharField("phone number", max_length=40, blank=True)
    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.SET_NULL)
    community = models.ForeignKey(
        ProfessionalCommunity,
        verbose_name="professional community",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    areas = models.ManyToManyField(AreaOfSupport, verbose_name="areas of support", blank=True)
    biography = models.TextField(blank=True)
    experience = models.TextField(blank=True)
    capacity = models.PositiveSmallIntegerField(
        "mentees at once", default=2, help_text="How many mentees you can support at the same time."
    )
    accepting_requests = models.BooleanField(
        "open to new requests",
        default=True,
        help_text="Untick to pause new mentoring requests without leaving the programme.",
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    last_active_at = models.DateTimeField(default=timezone.now)
    region = models.CharField("region", max_length=20, blank=True, choices=Region.choices)
    away_until = models.DateField(
        "away until",
        null=True,
        blank=True,
        help_text="Mentors: if you are away for a while, the date you are back. Mentees see it on your profile.",
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
        return f"Profile of {self.user}"

    @property
    def is_away(self) -> bool:
        return self.away_until is not None and self.away_until > timezone.localdate()

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    def missing_fields(self) -> list[str]:
        """Which required parts of the profile are still empty (areas need a saved pk)."""
        missing = []
        if not (self.user.first_name and self.user.last_name):
            missing.append("name")
        if not self.job_title:
            missing.append("job title")
        if not self.role_id:
            missing.append("role")
        if not self.community_id:
            missing.append("professional community")
        if not (self.is_mentor or self.is_mentee):
            missing.append("mentor or mentee")
        if self.pk and not self.areas.exists():
            missing.append("areas of support")
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
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Could not be prepared"

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
        return f"Data export {self.token} ({self.status})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
