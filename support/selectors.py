"""Reads for Need Help? and Resources."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from .models import FAQ, Resource


@dataclass
class Group:
    """One titled section of a page: a FAQ category or a journey stage."""

    key: str
    label: str
    items: list


def faq_sections() -> list[Group]:
    """Published FAQs, grouped by category in the order of FAQ.Category (empty groups left out)."""
    faqs = list(FAQ.objects.filter(published=True).order_by("position", "pk"))
    groups = [Group(value, label, [f for f in faqs if f.category == value]) for value, label in FAQ.Category.choices]
    return [g for g in groups if g.items]


def resource_sections() -> list[Group]:
    """Published resources, grouped by journey stage in journey order (empty stages left out)."""
    resources = list(Resource.objects.filter(published=True).order_by("position", "pk"))
    groups = [
        Group(value, label, [r for r in resources if r.stage == value]) for value, label in Resource.Stage.choices
    ]
    return [g for g in groups if g.items]


def all_faq_sections() -> list[Group]:
    """Staff: every FAQ, drafts included, in every section (empty ones too)."""
    faqs = list(FAQ.objects.order_by("position", "pk"))
    return [Group(value, label, [f for f in faqs if f.category == value]) for value, label in FAQ.Category.choices]


def all_resource_sections() -> list[Group]:
    """Staff: every resource, drafts included, by stage (empty stages too)."""
    resources = list(Resource.objects.order_by("position", "pk"))
    return [Group(value, label, [r for r in resources if r.stage == value]) for value, label in Resource.Stage.choices]


def access_resource(user, pk: int) -> Resource:
    """A resource someone may read: published ones for everyone; staff may also preview hidden ones."""
    resource = Resource.objects.filter(pk=pk).first()
    if resource is None or not (resource.published or (user.is_authenticated and user.is_staff)):
        raise Http404("No such resource")
    return resource
