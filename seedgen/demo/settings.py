"""Django settings used when no project is given: the demo blog on SQLite.

The database file is ``$SEEDGEN_DEMO_DB`` or ``seedgen-demo.sqlite3`` in the
current directory.
"""

import os

SECRET_KEY = "seedgen-demo-not-secret"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "seedgen.demo.blog",
    "seedgen.demo.shop",
    "seedgen",
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SEEDGEN_DEMO_DB", "seedgen-demo.sqlite3"),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The blog's page of posts (seedgen/demo/urls.py), for the end-to-end browser test.
ROOT_URLCONF = "seedgen.demo.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
