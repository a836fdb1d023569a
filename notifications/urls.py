from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", views.open_notification, name="notification_open"),
    path("notifications/read-all/", views.read_all, name="notifications_read_all"),
    path("reminders/stop/<str:token>/", views.stop_reminders, name="reminders_stop"),
    path("staff/email/", views.email_problems, name="staff_email"),
    path("staff/email/<int:pk>/retry/", views.email_retry, name="staff_email_retry"),
    path("staff/email/<int:pk>/discard/", views.email_discard, name="staff_email_discard"),
]
