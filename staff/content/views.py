"""Content pages: the lists participants choose from (areas of support, roles, professional
communities, regions), FAQs and Resources. Programme managers only (``perm=MANAGE``): support
staff and participants get 403. Thin views over ``people.taxonomy`` and ``support.content``.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from journeys.services.base import Refused
from people import taxonomy
from project.roles import MANAGE, staff_required
from support import content
from support import selectors as content_selectors
from support.models import FAQ, Resource

from . import forms


def _moved_to(url_name: str, item_pk: int, action: str, **kwargs):
    """Back to the list after Up or Down, saying which button to focus: the same one, so a keyboard
    user can press it again (the other one when the item reached the end)."""
    return redirect(f"{reverse(url_name, kwargs=kwargs)}?moved={item_pk}-{action}")


def _moved(request) -> dict:
    """The list page's ``moved`` (from ``_moved_to``): ``moved_pk`` and ``moved_dir``, which button to focus
    (base.html then leaves the message unfocused)."""
    pk, _dash, action = request.GET.get("moved", "").partition("-")
    if action not in ("up", "down") or _int(pk) is None:
        return {}
    return {"moved_pk": _int(pk), "moved_dir": action, "focus_elsewhere": True}


def _kind(key: str) -> taxonomy.Kind:
    if key not in taxonomy.KINDS:
        raise Http404("No such list")
    return taxonomy.KINDS[key]


@staff_required(perm=MANAGE)
def index(request):
    lists = []
    for kind in taxonomy.KINDS.values():
        counts = kind.model.objects.aggregate(
            in_use=Count("pk", filter=Q(active=True)), retired=Count("pk", filter=Q(active=False))
        )
        lists.append({"kind": kind, **counts})
    return render(
        request,
        "staff/content/index.html",
        {
            "lists": lists,
            "faqs": FAQ.objects.aggregate(
                shown=Count("pk", filter=Q(published=True)), drafts=Count("pk", filter=Q(published=False))
            ),
            "resources": Resource.objects.aggregate(
                shown=Count("pk", filter=Q(published=True)), drafts=Count("pk", filter=Q(published=False))
            ),
        },
    )


TAXONOMY_ACTIONS = ("add", "rename", "up", "down", "retire", "restore")


@staff_required(perm=MANAGE)
def taxonomy_list(request, kind: str):
    kind = _kind(kind)
    add_form = forms.NameForm(prefix="add")
    failed_rename: tuple[int, forms.NameForm] | None = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        item_pk = _int(request.POST.get("item"))
        if action not in TAXONOMY_ACTIONS or (action != "add" and item_pk is None):
            messages.error(request, _("Nothing was changed: please use the buttons on this page."))
            return redirect("staff_content_taxonomy", kind=kind.key)
        try:
            if action == "add":
                add_form = forms.NameForm(request.POST, prefix="add")
                if add_form.is_valid():
                    item = taxonomy.add_item(kind, add_form.cleaned_data["name"])
                    messages.success(request, _("“%(name)s” has been added.") % {"name": item.name})
                    return redirect("staff_content_taxonomy", kind=kind.key)
            elif action == "rename":
                form = forms.NameForm(request.POST, prefix=f"item{item_pk}")
                failed_rename = (item_pk, form)
                if form.is_valid() or not kind.model.objects.filter(pk=item_pk).exists():
                    # (an item gone since the page was drawn: the service says so, whatever was typed)
                    item = taxonomy.rename_item(kind, item_pk, form.cleaned_data.get("name", ""))
                    messages.success(request, _("Renamed to “%(name)s”.") % {"name": item.name})
                    return redirect("staff_content_taxonomy", kind=kind.key)
            elif action in ("up", "down"):
                item = taxonomy.move_item(kind, item_pk, action)
                messages.success(request, _("“%(name)s” has moved.") % {"name": item.name})
                return _moved_to("staff_content_taxonomy", item.pk, action, kind=kind.key)
            else:
                item = taxonomy.set_active(kind, item_pk, action == "restore")
                if item.active:
                    text = _("“%(name)s” is back in use: people can choose it again.")
                else:
                    text = _(
                        "“%(name)s” is retired: it is no longer offered on profiles or in Find Mentor. "
                        "Profiles that have it keep it."
                    )
                messages.success(request, text % {"name": item.name})
                return redirect("staff_content_taxonomy", kind=kind.key)
        except Refused as refused:
            if action == "add":
                add_form.add_error("name", refused.message)
            elif action == "rename" and kind.model.objects.filter(pk=item_pk).exists():
                failed_rename[1].add_error("name", refused.message)
            else:
                messages.error(request, refused.message)
                return redirect("staff_content_taxonomy", kind=kind.key)
    rows = []
    for item in taxonomy.items(kind):
        form = forms.NameForm(prefix=f"item{item.pk}", initial={"name": item.name})
        if failed_rename is not None and failed_rename[0] == item.pk:
            form = failed_rename[1]
        rows.append({"item": item, "form": form})
    refused = add_form.errors or (failed_rename is not None and failed_rename[1].errors)
    return render(
        request,
        "staff/content/taxonomy.html",
        {"kind": kind, "rows": rows, "add_form": add_form, "lists": taxonomy.KINDS.values(), **_moved(request)},
        status=400 if refused else 200,
    )


def _int(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


# -- FAQs and Resources


def _list_action(request, move, url_name: str):
    """The Up / Down buttons of a list page; answers the redirect back to it."""
    action, pk = request.POST.get("action", ""), _int(request.POST.get("item"))
    if action not in ("up", "down") or pk is None:
        messages.error(request, _("Nothing was changed: please use the buttons on this page."))
    else:
        try:
            item = move(pk, action)
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("“%(name)s” has moved.") % {"name": item})
            return _moved_to(url_name, pk, action)
    return redirect(url_name)


@staff_required(perm=MANAGE)
def faqs(request):
    if request.method == "POST":
        return _list_action(request, content.move_faq, "staff_content_faqs")
    context = {"sections": content_selectors.all_faq_sections(), **_moved(request)}
    return render(request, "staff/content/faqs.html", context)


@staff_required(perm=MANAGE)
def faq_edit(request, pk: int | None = None):
    faq = get_object_or_404(FAQ, pk=pk) if pk is not None else None
    form = forms.FAQForm(request.POST or None, instance=faq)
    if request.method == "POST":
        if form.is_valid():
            saved = content.save_faq(form, faq=faq)
            messages.success(request, _("The question “%(name)s” has been saved.") % {"name": saved.question})
            return redirect("staff_content_faqs")
    return render(request, "staff/content/faq_form.html", {"form": form, "faq": faq})


@staff_required(perm=MANAGE)
def faq_delete(request, pk: int):
    faq = get_object_or_404(FAQ, pk=pk)
    return _delete_page(
        request,
        title=faq.question,
        what=_("This question and its answer disappear from Need Help? for good."),
        back="staff_content_faqs",
        delete=lambda: content.delete_faq(faq.pk),
        deleted=_("The question “%(name)s” has been deleted."),
    )


@staff_required(perm=MANAGE)
def resources(request):
    if request.method == "POST":
        return _list_action(request, content.move_resource, "staff_content_resources")
    context = {"sections": content_selectors.all_resource_sections(), **_moved(request)}
    return render(request, "staff/content/resources.html", context)


@staff_required(perm=MANAGE)
def resource_edit(request, pk: int | None = None):
    resource = get_object_or_404(Resource, pk=pk) if pk is not None else None
    form = forms.ResourceForm(request.POST or None, request.FILES or None, instance=resource)
    if request.method == "POST":
        if form.is_valid():
            saved = content.save_resource(form, resource=resource)
            messages.success(request, _("The resource “%(name)s” has been saved.") % {"name": saved.title})
            return redirect("staff_content_resources")
    return render(request, "staff/content/resource_form.html", {"form": form, "resource": resource})


@staff_required(perm=MANAGE)
def resource_delete(request, pk: int):
    resource = get_object_or_404(Resource, pk=pk)
    return _delete_page(
        request,
        title=resource.title,
        what=_("This resource disappears from Resources for good, with any video uploaded for it."),
        back="staff_content_resources",
        delete=lambda: content.delete_resource(resource.pk),
        deleted=_("The resource “%(name)s” has been deleted."),
    )


def _delete_page(request, *, title: str, what: str, back: str, delete, deleted: str):
    """GET: the confirmation page (it works without JavaScript); POST: ``delete()`` (it returns the
    name of what went, or refuses), said with ``deleted``, then back to the list ``back`` names."""
    if request.method == "POST":
        try:
            name = delete()
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, deleted % {"name": name})
        return redirect(back)
    return render(request, "staff/content/confirm_delete.html", {"title": title, "what": what, "cancel": reverse(back)})
