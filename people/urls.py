from django.urls import path

from . import search_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("account/", views.account, name="account"),
    path("account/delete/", views.delete_account, name="account_delete"),
    path("find/", search_views.find_mentor, name="find_mentor"),
    path("mentors/<int:user_id>/", search_views.mentor_profile, name="mentor_profile"),
]
