"""Content pages: the lists participants choose from (areas of support, roles, professional
communities, regions), FAQs and Resources. Programme managers only (``perm=MANAGE``): support
staff and participants get 403. Thin views over ``people.taxonomy`` and ``support.content``.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from journeys.services.base import Refused
from people import taxonomy
from project.roles import MANAGE, staff_required

from . import forms


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
    return render(request, "staff/content/index.html", {"lists": lists})


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
                if form.is_valid():
                    item = taxonomy.rename_item(kind, item_pk, form.cleaned_data["name"])
                    messages.success(request, _("Renamed to “%(name)s”.") % {"name": item.name})
                    return redirect("staff_content_taxonomy", kind=kind.key)
            elif action in ("up", "down"):
                item = taxonomy.move_item(kind, item_pk, action)
                messages.success(request, _("“%(name)s” has moved.") % {"name": item.name})
                return redirect("staff_content_taxonomy", kind=kind.key)
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
            elif action == "rename" and failed_rename is not None:
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
    return render(
        request,
        "staff/content/taxonomy.html",
        {"kind": kind, "rows": rows, "add_form": add_form, "lists": taxonomy.KINDS.values()},
    )


def _int(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None
