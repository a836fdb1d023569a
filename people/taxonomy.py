"""Writes for the matching taxonomy: the areas of support, roles, professional communities and
regions staff manage on the Content pages (``staff.content``).

An item is never deleted: it is *retired* (``active=False``). A retired item is no longer offered
on profile forms or in Find Mentor (``people.forms.ProfileForm``, ``people.search.criteria.Taxonomy``
read active items only), but the profiles that already have it keep it and still show it.
Names are unique within a list, whatever their case.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journeys.services.base import Refused

from .models import AreaOfSupport, ProfessionalCommunity, Region, Role, TaxonomyItem

NAME_MAX_LENGTH = 120


@dataclass(frozen=True)
class Kind:
    key: str  # in the URL: /staff/content/<key>/
    model: type[TaxonomyItem]
    label: str  # the list's title
    item_label: str  # one item, in a sentence


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind("areas", AreaOfSupport, gettext_lazy("Areas of support"), gettext_lazy("area of support")),
        Kind("roles", Role, gettext_lazy("Roles"), gettext_lazy("role")),
        Kind(
            "communities",
            ProfessionalCommunity,
            gettext_lazy("Professional communities"),
            gettext_lazy("professional community"),
        ),
        Kind("regions", Region, gettext_lazy("Regions"), gettext_lazy("region")),
    )
}


def kind_of(key: str) -> Kind:
    return KINDS[key]


def items(kind: Kind) -> list[TaxonomyItem]:
    """Every item of the list in its order, retired ones included (staff see them all)."""
    return list(kind.model.objects.order_by("position", "name", "pk"))


def _clean_name(kind: Kind, name: str, *, exclude_pk: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise Refused(_("Please give the %(item)s a name.") % {"item": kind.item_label})
    if len(name) > NAME_MAX_LENGTH:
        raise Refused(_("A name can be at most %(count)d characters.") % {"count": NAME_MAX_LENGTH})
    clash = kind.model.objects.filter(name__iexact=name).exclude(pk=exclude_pk).first()
    if clash is not None:
        if clash.active:
            raise Refused(_("“%(name)s” is already on this list: each name can be used once.") % {"name": clash.name})
        raise Refused(
            _("“%(name)s” is already on this list, retired: restore it instead of adding it again.")
            % {"name": clash.name}
        )
    return name


def _new_code(name: str) -> str:
    """A region's code from its name: short, unique, never changed afterwards."""
    base = slugify(name)[:16].strip("-") or "region"
    code, number = base, 2
    while Region.objects.filter(code=code).exists():
        code, number = f"{base}-{number}", number + 1
    return code


@transaction.atomic
def add_item(kind: Kind, name: str) -> TaxonomyItem:
    """A new item at the end of the list."""
    name = _clean_name(kind, name)
    last = kind.model.objects.order_by("-position").values_list("position", flat=True).first()
    extra = {"code": _new_code(name)} if kind.model is Region else {}
    return kind.model.objects.create(name=name, position=(last or 0) + 1, **extra)


def _locked(kind: Kind, pk: int) -> TaxonomyItem:
    item = kind.model.objects.select_for_update().filter(pk=pk).first()
    if item is None:
        raise Refused(_("That %(item)s no longer exists.") % {"item": kind.item_label})
    return item


@transaction.atomic
def rename_item(kind: Kind, pk: int, name: str) -> TaxonomyItem:
    """A new name: every profile that has the item shows the new name (a region keeps its code)."""
    item = _locked(kind, pk)
    item.name = _clean_name(kind, name, exclude_pk=item.pk)
    item.save(update_fields=["name"])
    return item


@transaction.atomic
def set_active(kind: Kind, pk: int, active: bool) -> TaxonomyItem:
    """Retire an item (``active=False``) or restore it."""
    item = _locked(kind, pk)
    if item.active == active:
        if active:
            raise Refused(_("“%(name)s” is already in use.") % {"name": item.name})
        raise Refused(_("“%(name)s” is already retired.") % {"name": item.name})
    item.active = active
    item.save(update_fields=["active"])
    return item


@transaction.atomic
def move_item(kind: Kind, pk: int, direction: str) -> TaxonomyItem:
    """Move an item one place up or down the list (the order forms and Find Mentor show)."""
    if direction not in ("up", "down"):
        raise Refused(_("An item can only move up or down."))
    ordered = list(kind.model.objects.select_for_update().order_by("position", "name", "pk"))
    index = next((i for i, item in enumerate(ordered) if item.pk == pk), None)
    if index is None:
        raise Refused(_("That %(item)s no longer exists.") % {"item": kind.item_label})
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        if direction == "up":
            raise Refused(_("“%(name)s” is already first.") % {"name": ordered[index].name})
        raise Refused(_("“%(name)s” is already last.") % {"name": ordered[index].name})
    ordered[index], ordered[other] = ordered[other], ordered[index]
    changed = []
    for position, item in enumerate(ordered):
        if item.position != position:
            item.position = position
            changed.append(item)
    kind.model.objects.bulk_update(changed, ["position"])
    return ordered[other]
