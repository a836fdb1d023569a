from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", views.open_notification, name="notification_open"),
    path("notifications/read-all/", views.read_all, name="notifications_read_all"),
    path("reminders/stop/<str:token>/", views.stop_reminders, name="reminders_stop"),
    path("account/reminders/", views.reminder_settings, name="reminder_settings"),
]
