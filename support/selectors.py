"""Reads for Need Help? and Resources."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404

from .models import FAQ, Resource, SupportReply, SupportRequest


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


# -- Contact messages and their conversations ---------------------------------------------


def mine(user) -> QuerySet[SupportRequest]:
    """The Contact messages a person sent while signed in as this account (the same rule as their
    data export, ``people.exports``). A message sent signed out is nobody's here, whatever address
    was typed in it: anyone can type an address; its sender is answered by email."""
    if not user.is_authenticated:
        return SupportRequest.objects.none()
    return SupportRequest.objects.filter(user=user)


def access_my_support_request(user, pk: int) -> SupportRequest:
    """One of the person's own Contact messages (404 for anyone else, staff included: staff read it
    on its case)."""
    found = mine(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such message")
    return found


def conversation(support_request: SupportRequest) -> list[SupportReply]:
    return list(support_request.replies.select_related("author"))


def sender_left(support_request: SupportRequest) -> bool:
    """The sender deleted their account since (``people.erasure``): the request keeps only the placeholder
    address of their anonymised account, so there is nobody to reply to."""
    if support_request.user_id:
        return False
    User = get_user_model()
    return User.objects.filter(email__iexact=support_request.email, anonymised_at__isnull=False).exists()


def sender_account(support_request: SupportRequest):
    """``(account, confirmed)``: the account the message came from (``confirmed``: sent signed in),
    else the account whose address it was sent from (not confirmed: anyone can type an address),
    else ``(None, False)``."""
    if support_request.user_id:
        return support_request.user, True
    User = get_user_model()
    return User.objects.filter(email__iexact=support_request.email, anonymised_at__isnull=True).first(), False
