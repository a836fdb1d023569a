"""The staff side of relationships: the directory and one relationship as staff see it.

Any programme staff may read both (support staff too: there is nothing to change here but opening
a case, which is inbox work). What stays private to the two people stays private: messages are
counted, never shown; meeting notes and worksheets are not shown at all; feedback comments are
shown without their authors unless the staff member may see who wrote them
(``project.see_feedback_authors``).
"""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from journeys import rules
from journeys.models import Relationship
from project.roles import SEE_FEEDBACK_AUTHORS, staff_required

from . import directory, forms
from .services import FINISHED


@staff_required
def relationships(request):
    filterset, page = directory.directory(request.GET, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    current = request.GET.get("sort", "") if filterset.form.is_valid() else ""
    sort_links = {}
    for key in ("started", "activity", "ended"):
        q = query.copy()
        q["sort"] = key if current == f"-{key}" else f"-{key}"  # newest first, then oldest first
        state = "descending" if current == f"-{key}" else "ascending" if current == key else ""
        if key == "started" and not current:
            q["sort"], state = "started", "descending"
        sort_links[key] = {"url": "?" + q.urlencode(), "sort": state}
    return render(
        request,
        "staff/relationships.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "page": page,
            "query": query.urlencode(),
            "sort_links": sort_links,
            "filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
            "form_key": f"{get_language()}?{query.urlencode()}",  # the filters' HTML, cached by both
            "nav": "staff",
        },
    )


@staff_required
def relationship(request, pk: int):
    return relationship_page(request, pk)


def relationship_page(request, pk: int, *, raise_form=None, status: int = 200):
    """One relationship as staff see it. A reason refused by Open a case (``staff.views.raise_case``)
    shows it again with ``raise_form``: the error on the field, what was typed kept."""
    rel = get_object_or_404(
        Relationship.objects.select_related("mentee__profile", "mentor__profile", "area", "conversation"), pk=pk
    )
    tasks = list(Task.objects.filter(rules.open_task_q(), process__mentoringprocess__relationship=rel))
    waits_mentee, waits_mentor = rules.waits_on(tasks, rel.mentee), rules.waits_on(tasks, rel.mentor)
    see_authors = request.user.has_perm(SEE_FEEDBACK_AUTHORS)
    feedback = list(rel.feedback.select_related("author").order_by("at" if see_authors else "rating", "pk"))
    cases = list(
        rel.staff_cases.select_related("resolved_by")
        .prefetch_related(
            Prefetch(
                "task_set", queryset=Task.objects.filter(rules.open_task_q()).select_related("owner"), to_attr="open"
            )
        )
        .order_by("-created", "-pk")
    )
    return render(
        request,
        "staff/relationship.html",
        {
            "relationship": rel,
            "people": [(rel.mentee, _("Mentee")), (rel.mentor, _("Mentor"))],
            "waiting_on": directory.waiting_label(waits_mentee, waits_mentor),
            "history": list(rel.history.select_related("actor")),
            "meetings": list(rel.meetings.select_related("organiser").order_by("starts_at", "pk")),
            "goals": list(rel.goals.select_related("owner").annotate(entry_count=Count("entries"))),
            "message_count": rel.conversation.messages.count(),
            "feedback": feedback,
            "see_feedback_authors": see_authors,
            "open_cases": [c for c in cases if c.status not in FINISHED],
            "past_cases": [c for c in cases if c.status in FINISHED],
            "raise_form": raise_form or forms.RaiseCaseForm(),
            "nav": "staff",
        },
        status=status,
    )
