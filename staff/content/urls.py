from django.urls import path

from . import views

urlpatterns = [
    path("staff/content/", views.index, name="staff_content"),
    path("staff/content/lists/<slug:kind>/", views.taxonomy_list, name="staff_content_taxonomy"),
]
