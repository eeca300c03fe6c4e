"""Django settings of the compatibility report: every third-party app of requirements.txt, one database from the environment.

``SEEDGEN_COMPAT_DATABASE`` is ``sqlite`` (``SEEDGEN_COMPAT_NAME`` a file path) or
``postgresql`` (``SEEDGEN_COMPAT_NAME`` a database on 127.0.0.1:5432, user postgres);
run.py makes and drops those per run.
"""

from __future__ import annotations

import os
import tempfile

SECRET_KEY = "seedgen-compat-not-secret"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
SITE_ID = 1
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
ROOT_URLCONF = "bench.compat.urls"

# The django.contrib apps that have models of their own are measured too; auth and contenttypes
# are also what most third-party apps point at.
CONTRIB_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.redirects",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

# One entry per PyPI package: the apps it installs (app labels are looked up by run.py).
THIRD_PARTY_APPS = {
    "django-taggit": ["taggit"],
    "django-allauth": ["allauth", "allauth.account", "allauth.socialaccount", "allauth.mfa", "allauth.usersessions",
                       "allauth.idp.oidc"],
    "django-guardian": ["guardian"],
    "django-reversion": ["reversion"],
    "django-otp": ["django_otp", "django_otp.plugins.otp_static", "django_otp.plugins.otp_totp",
                   "django_otp.plugins.otp_hotp", "django_otp.plugins.otp_email"],
    "django-axes": ["axes"],
    "djangorestframework": ["rest_framework", "rest_framework.authtoken"],
    "django-rest-knox": ["knox"],
    "django-oauth-toolkit": ["oauth2_provider"],
    "django-celery-beat": ["django_celery_beat"],
    "django-celery-results": ["django_celery_results"],
    "django-q2": ["django_q"],
    "django-waffle": ["waffle"],
    "django-flags": ["flags"],
    "django-auditlog": ["auditlog"],
    "django-constance": ["constance"],
    "django-contrib-comments": ["django_comments"],
    "django-activity-stream": ["actstream"],
    "easy-thumbnails": ["easy_thumbnails"],
}

INSTALLED_APPS = CONTRIB_APPS + [app for apps in THIRD_PARTY_APPS.values() for app in apps]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

STATIC_URL = "static/"

# Both stay in the database: no broker, cache or Redis on this machine.
CONSTANCE_BACKEND = "constance.backends.database.DatabaseBackend"
CONSTANCE_CONFIG = {"SITE_NAME": ("seedgen", "The site's name")}
Q_CLUSTER = {"name": "compat", "orm": "default", "timeout": 60, "retry": 120}
CELERY_RESULT_BACKEND = "django-db"
SILENCED_SYSTEM_CHECKS = ["axes.W003"]


def _database() -> dict:
    engine = os.environ.get("SEEDGEN_COMPAT_DATABASE", "sqlite")
    if engine == "postgresql":
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ["SEEDGEN_COMPAT_NAME"],
            "USER": "postgres",
            "HOST": "127.0.0.1",
            "PORT": "5432",
        }
    if engine != "sqlite":
        raise ValueError(f"SEEDGEN_COMPAT_DATABASE={engine!r}: use sqlite or postgresql")
    # Without a name (an export, which reads only the models) the file is one nobody else uses.
    name = os.environ.get("SEEDGEN_COMPAT_NAME") or os.path.join(tempfile.gettempdir(), f"seedgen_compat_{os.getpid()}.sqlite3")
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": name}


DATABASES = {"default": _database()}
