from django.urls import path

from . import search_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("account/", views.account, name="account"),
    path("account/reminders/", views.reminder_settings, name="reminder_settings"),
    path("account/delete/", views.delete_account, name="account_delete"),
    path("account/my-data/", views.request_data_export, name="data_export_request"),
    path("account/my-data/<uuid:token>/", views.download_data_export, name="data_export_download"),
    path("find/", search_views.find_mentor, name="find_mentor"),
    path("mentors/<int:user_id>/", search_views.mentor_profile, name="mentor_profile"),
]
