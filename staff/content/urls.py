from django.urls import path

from . import views

urlpatterns = [
    path("staff/content/", views.index, name="staff_content"),
    path("staff/content/lists/<slug:kind>/", views.taxonomy_list, name="staff_content_taxonomy"),
    path("staff/content/faqs/", views.faqs, name="staff_content_faqs"),
    path("staff/content/faqs/new/", views.faq_edit, name="staff_content_faq_new"),
    path("staff/content/faqs/<int:pk>/", views.faq_edit, name="staff_content_faq_edit"),
    path("staff/content/faqs/<int:pk>/delete/", views.faq_delete, name="staff_content_faq_delete"),
    path("staff/content/resources/", views.resources, name="staff_content_resources"),
    path("staff/content/resources/new/", views.resource_edit, name="staff_content_resource_new"),
    path("staff/content/resources/<int:pk>/", views.resource_edit, name="staff_content_resource_edit"),
    path("staff/content/resources/<int:pk>/delete/", views.resource_delete, name="staff_content_resource_delete"),
]
