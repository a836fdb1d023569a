"""Writes for the Content pages (``staff.content``): FAQs and Resources added, edited, reordered
and deleted by programme managers. Each function is one transaction; a refusal says why."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from journeys.services.base import Refused

from .models import FAQ, Resource
from .videos import VIDEO_TYPES


def _next_position(queryset) -> int:
    last = queryset.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1


@transaction.atomic
def save_faq(form, *, faq: FAQ | None = None) -> FAQ:
    """A new FAQ (at the end of its section) or the edited one; moving it to another section puts it
    at the end there."""
    item = form.save(commit=False)
    moved = faq is None or FAQ.objects.filter(pk=item.pk).exclude(category=item.category).exists()
    if moved:
        item.position = _next_position(FAQ.objects.filter(category=item.category).exclude(pk=item.pk))
    item.save()
    return item


@transaction.atomic
def save_resource(form, *, resource: Resource | None = None) -> Resource:
    """A new resource (at the end of its stage) or the edited one; a new stage puts it at the end there.

    The form has checked an uploaded video (MP4 or WebM) and its captions (WebVTT); they go to the
    private storage, and the files they replace are deleted once the change is committed.
    """
    item = form.save(commit=False)
    moved = resource is None or Resource.objects.filter(pk=item.pk).exclude(stage=item.stage).exists()
    if moved:
        item.position = _next_position(Resource.objects.filter(stage=item.stage).exclude(pk=item.pk))
    data = form.cleaned_data
    replaced: list[str] = []
    if data.get("remove_video") and not data.get("video"):
        replaced += [f.name for f in (item.video, item.captions) if f]
        item.video, item.captions, item.video_type = "", "", ""
    if data.get("video"):
        replaced += [item.video.name] if item.video else []
        extension = VIDEO_TYPES[data["video_type"]]
        item.video.save(f"video{extension}", data["video"], save=False)
        item.video_type = data["video_type"]
    if data.get("captions"):
        replaced += [item.captions.name] if item.captions else []
        item.captions.save("captions.vtt", data["captions"], save=False)
    item.save()
    _delete_after_commit(replaced)
    return item


def _delete_after_commit(names: list[str]) -> None:
    storage = Resource._meta.get_field("video").storage
    for name in names:
        transaction.on_commit(lambda name=name: storage.delete(name))


def _move(model, pk: int, direction: str, group: str):
    if direction not in ("up", "down"):
        raise Refused(_("An item can only move up or down."))
    item = model.objects.select_for_update().filter(pk=pk).first()
    if item is None:
        raise Refused(_("That item has already been deleted."))
    siblings = list(
        model.objects.select_for_update().filter(**{group: getattr(item, group)}).order_by("position", "pk")
    )
    index = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        if direction == "up":
            raise Refused(_("“%(name)s” is already first in its section.") % {"name": item})
        raise Refused(_("“%(name)s” is already last in its section.") % {"name": item})
    siblings[index], siblings[other] = siblings[other], siblings[index]
    changed = []
    for position, sibling in enumerate(siblings):
        if sibling.position != position:
            sibling.position = position
            changed.append(sibling)
    model.objects.bulk_update(changed, ["position"])
    return item


@transaction.atomic
def move_faq(pk: int, direction: str) -> FAQ:
    """One place up or down within its section of Need Help?."""
    return _move(FAQ, pk, direction, "category")


@transaction.atomic
def move_resource(pk: int, direction: str) -> Resource:
    """One place up or down within its stage on Resources."""
    return _move(Resource, pk, direction, "stage")


@transaction.atomic
def delete_faq(pk: int) -> str:
    faq = FAQ.objects.select_for_update().filter(pk=pk).first()
    if faq is None:
        raise Refused(_("That question has already been deleted."))
    question = faq.question
    faq.delete()
    return question


@transaction.atomic
def delete_resource(pk: int) -> str:
    """Delete a resource (and its uploaded video and captions, once the deletion is committed)."""
    resource = Resource.objects.select_for_update().filter(pk=pk).first()
    if resource is None:
        raise Refused(_("That resource has already been deleted."))
    title = resource.title
    files = [f.name for f in (resource.video, resource.captions) if f]
    resource.delete()
    _delete_after_commit(files)
    return title
