from django.urls import path

from . import views

urlpatterns = [
    path("staff/members/", views.directory, name="staff_members"),
    path("staff/members/export.csv", views.export_csv, name="staff_members_csv"),
    path("staff/members/<int:pk>/", views.member_page, name="staff_member"),
    path("staff/members/<int:pk>/notes/", views.add_note, name="staff_member_note"),
    path("staff/members/<int:pk>/pause/", views.pause, name="staff_member_pause"),
    path("staff/members/<int:pk>/resume/", views.resume, name="staff_member_resume"),
    path("staff/members/<int:pk>/deactivate/", views.deactivate, name="staff_member_deactivate"),
    path("staff/members/<int:pk>/reactivate/", views.reactivate, name="staff_member_reactivate"),
]
