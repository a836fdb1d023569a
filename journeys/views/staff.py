"""Staff pages: the declared journeys as diagrams generated from the flow code."""

from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render

from ..flows.mentoring import MentoringFlow
from ..flows.onboarding import OnboardingFlow


@staff_member_required
def journey_maps(request):
    from staff.flows import CaseFlow

    flows = [
        (MentoringFlow, "/journey/mentoring/chart/"),
        (OnboardingFlow, "/journey/onboarding/chart/"),
        (CaseFlow, "/staff/cases/flow/chart/"),
    ]
    items = [
        {
            "title": flow.process_title,
            "description": flow.process_description,
            "chart_url": url,
            "steps": [node for node in flow.instance.nodes() if getattr(node, "task_type", "") == "HUMAN"],
        }
        for flow, url in flows
    ]
    return render(request, "journeys/staff/journey_maps.html", {"flows": items})
