"""Accounts, participant profiles and the staff-managed matching taxonomy."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
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

    def __str__(self) -> str:
        return f"Profile of {self.user}"

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
