from django.urls import path

from . import views

urlpatterns = [
    path("staff/matching/", views.round_list, name="staff_matching"),
    path("staff/matching/new/", views.round_new, name="staff_matching_new"),
    path("staff/matching/<int:pk>/", views.round_detail, name="staff_matching_round"),
    path("staff/matching/<int:pk>/run/", views.run, name="staff_matching_run"),
    path("staff/matching/<int:pk>/pin/", views.pin, name="staff_matching_pin"),
    path("staff/matching/<int:pk>/forbid/", views.forbid, name="staff_matching_forbid"),
    path("staff/matching/<int:pk>/rules/<int:rule_pk>/remove/", views.remove_rule, name="staff_matching_rule_remove"),
    path("staff/matching/<int:pk>/publish/", views.publish, name="staff_matching_publish"),
    path("staff/matching/<int:pk>/close/", views.close, name="staff_matching_close"),
    path("matching/<int:pk>/shortlist/", views.shortlist, name="matching_shortlist"),
]
