from django.urls import path

from . import relationship_views, views

urlpatterns = [
    path("staff/", views.home, name="staff_home"),
    path("staff/charts/<slug:key>.csv", views.home_csv, name="staff_home_csv"),
    path("staff/feedback.csv", views.feedback_csv, name="staff_feedback_csv"),
    path("staff/inbox/", views.inbox, name="staff_inbox"),
    path("staff/cases/<int:pk>/", views.case_record, name="staff_case"),
    path("staff/cases/<int:pk>/claim/", views.claim, name="staff_claim"),
    path("staff/support-requests/<int:pk>/", views.support_request_case, name="staff_support_request_case"),
    path("staff/relationships/", relationship_views.relationships, name="staff_relationships"),
    path("staff/relationships/<int:pk>/", relationship_views.relationship, name="staff_relationship"),
    path("staff/relationships/<int:relationship_pk>/case/", views.raise_case, name="staff_raise_case"),
    path("staff/journeys/", views.journey_maps, name="journey_maps"),
    path("staff/journeys/<slug:name>.svg", views.journey_diagram, name="journey_diagram"),
    path("staff/reports/", views.reports, name="staff_reports"),
    path("staff/reports/relationships.csv", views.reports_csv, name="staff_reports_csv"),
]
