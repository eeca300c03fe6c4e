"""The e2e tests' URLconf: the seeding service under /__seed__/ beside the demo blog's pages."""

from django.urls import include, path

urlpatterns = [
    path("__seed__/", include("seedgen.contrib.e2e.urls")),
    path("", include("seedgen.demo.urls")),
]
