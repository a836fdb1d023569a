from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from viewflow.workflow.flow import FlowViewset

from journeys.flows.mentoring import MentoringFlow
from journeys.flows.onboarding import OnboardingFlow
from project.health import health
from project.ids import bounded
from staff.flows import CaseFlow

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("accounts/", include("allauth.urls")),
    # Each flow node serves its own page to the person it waits on.
    path("journey/mentoring/", FlowViewset(MentoringFlow).urls),
    path("journey/onboarding/", FlowViewset(OnboardingFlow).urls),
    path("staff/cases/flow/", FlowViewset(CaseFlow).urls),
    path("", include("people.urls")),
    path("", include("journeys.urls")),
    path("", include("notifications.urls")),
    path("", include("support.urls")),
    path("", include("staff.urls")),
    path("", include("staff.matching.urls")),
    path("", include("staff.members.urls")),
    path("", include("staff.imports.urls")),
    path("", include("staff.content.urls")),
    path("", include("staff.identity.urls")),
]

handler403 = "project.errors.permission_denied"  # a reason only when one was written for the person

# Development only: the emails sent, readable in the browser (project/devmail.py).
if settings.DEBUG:
    urlpatterns.insert(0, path("dev/emails/", include("project.devmail")))

# A number in a URL past the largest id is not found (404), on every page, never a database error.
bounded(urlpatterns)
