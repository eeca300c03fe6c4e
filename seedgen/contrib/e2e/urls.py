"""The URLconf: ``path("__seed__/", include("seedgen.contrib.e2e.urls"))``, in test settings only.

Importing it raises ``ImproperlyConfigured`` unless ``DEBUG`` is on or ``SEEDGEN_E2E['ENABLED']`` is True.
"""

from django.urls import path

from seedgen.contrib.e2e import views
from seedgen.contrib.e2e.config import check_mountable

# Here, not in the views: Django imports a URLconf when it loads the project's own (first request,
# `manage.py check`, runserver), so a settings mistake stops the site before any request is served.
check_mountable()

app_name = "seedgen_e2e"
urlpatterns = [
    path("reset", views.reset, name="reset"),
    path("fixture/<str:filename>", views.fixture, name="fixture"),
]
