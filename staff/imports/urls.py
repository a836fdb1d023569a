from django.urls import path

from . import views

urlpatterns = [
    path("staff/import/", views.import_page, name="staff_import"),
    path("staff/import/<int:pk>/", views.batch_page, name="staff_import_batch"),
    path("staff/import/<int:pk>/confirm/", views.confirm, name="staff_import_confirm"),
    path("staff/import/<int:pk>/cancel/", views.discard, name="staff_import_cancel"),
    path("staff/import/<int:pk>/problems.csv", views.errors_csv, name="staff_import_errors"),
    path("staff/import/invite/", views.invite, name="staff_import_invite"),
    path("staff/import/invitations/<int:pk>/resend/", views.resend, name="staff_invitation_resend"),
    path("staff/settings/signup/", views.signup_settings, name="staff_signup_settings"),
    path("invitation/<str:token>/", views.accept, name="invitation_accept"),
]
