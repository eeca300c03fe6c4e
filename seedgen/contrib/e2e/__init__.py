"""A seeding service for end-to-end browser tests: a URLconf for test settings only.

``path("__seed__/", include("seedgen.contrib.e2e.urls"))`` with ``SEEDGEN_E2E`` in the settings;
see ``seedgen.contrib.e2e.config`` for the settings and ``seedgen.contrib.e2e.views`` for the API.
"""
