from django.urls import path

from . import views

urlpatterns = [
    path("help/", views.help_page, name="help"),
    path("help/contact/", views.contact, name="contact"),
    path("resources/", views.resources, name="resources"),
    path("resources/<int:pk>/", views.resource, name="resource"),
    path("resources/<int:pk>/video/", views.resource_video, name="resource_video"),
    path("resources/<int:pk>/captions.vtt", views.resource_captions, name="resource_captions"),
    path("privacy/", views.privacy_page, name="privacy"),
    path("privacy/edit/", views.privacy_edit, name="privacy_edit"),
    path("support/messages/", views.my_messages, name="support_messages"),
    path("support/messages/<int:pk>/", views.my_message, name="support_message"),
    path("support/inbound/", views.inbound_email, name="support_inbound"),
]
