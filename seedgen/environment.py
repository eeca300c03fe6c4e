"""Find and load the Django settings a run uses."""

from __future__ import annotations

import os
import sys

from seedgen.errors import SettingsError

DEMO_SETTINGS = "seedgen.demo.settings"


def use_pymysql() -> None:
    """Let Django's MySQL backend run on PyMySQL when mysqlclient is not installed."""
    try:
        import MySQLdb  # noqa: F401
    except ImportError:
        try:
            import pymysql
        except ImportError:
            return
        pymysql.install_as_MySQLdb()


def setup_django(settings_module: str | None = None, profile_settings: str | None = None) -> str:
    """Set Django up once: ``--settings``, then DJANGO_SETTINGS_MODULE, the profile's, or the demo's.

    Returns the settings module in use.
    """
    from django.apps import apps
    from django.conf import settings

    if apps.ready:
        return os.environ.get("DJANGO_SETTINGS_MODULE", "")
    module = settings_module or os.environ.get("DJANGO_SETTINGS_MODULE") or profile_settings or DEMO_SETTINGS
    os.environ["DJANGO_SETTINGS_MODULE"] = module
    if os.getcwd() not in sys.path:
        # Like manage.py: a project's settings are importable from where it is run.
        sys.path.insert(0, os.getcwd())
    use_pymysql()
    import django

    try:
        settings.INSTALLED_APPS  # noqa: B018 - importing the module happens here
        django.setup()
    except ImportError as exc:
        raise SettingsError(f"cannot import settings module {module!r}: {exc}") from None
    except Exception as exc:
        if type(exc).__name__ == "ImproperlyConfigured":
            raise SettingsError(f"settings {module!r}: {exc}") from None
        raise
    return module
