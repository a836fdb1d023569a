from django.urls import path

from . import views

urlpatterns = [
    path("staff/settings/", views.settings_page, name="staff_settings"),
    path("programme/logo/<int:version>/", views.logo, name="programme_logo"),
]
