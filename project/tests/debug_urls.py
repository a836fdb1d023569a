"""``project.urls`` as a DEBUG server loads it (with /dev/emails/), for tests that switch DEBUG on.

The tests point ROOT_URLCONF here rather than reloading ``project.urls``: a reload would build
the flows' viewsets a second time, and their URL namespaces with them.
"""

from django.urls import include, path

from project.urls import urlpatterns as _production

urlpatterns = [path("dev/emails/", include("project.devmail")), *_production]
