"""Find and load the Django settings a run uses."""

from __future__ import annotations

import os
import sys
import urllib.parse

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


_URL_ENGINES = {
    "postgresql": "django.db.backends.postgresql",
    "postgres": "django.db.backends.postgresql",
    "mysql": "django.db.backends.mysql",
    "mariadb": "django.db.backends.mysql",
    "sqlite": "django.db.backends.sqlite3",
}


def parse_database_url(url: str) -> dict:
    """Django's DATABASES entry for ``postgresql://user:pw@host:port/name``, ``mysql://…`` or ``sqlite:///path``.

    Query parameters become OPTIONS (``?sslmode=require``). An SQLite file
    must exist: seedgen fills migrated databases, it does not make them.
    """
    parts = urllib.parse.urlsplit(url)
    engine = _URL_ENGINES.get(parts.scheme)
    if engine is None:
        raise SettingsError(f"database URL {_safe(url)!r}: unknown scheme {parts.scheme!r}; "
                            "use postgresql://, mysql:// or sqlite:///path")
    options = dict(urllib.parse.parse_qsl(parts.query))
    if parts.scheme == "sqlite":
        path = urllib.parse.unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path or parts.netloc:
            raise SettingsError(f"database URL {url!r}: write sqlite:///relative/path or sqlite:////absolute/path")
        if not os.path.isfile(path):
            raise SettingsError(f"database URL {url!r}: no SQLite database at {path}; create it with `manage.py migrate`")
        return {"ENGINE": engine, "NAME": path, "OPTIONS": options}
    name = urllib.parse.unquote(parts.path.lstrip("/"))
    if not name:
        raise SettingsError(f"database URL {_safe(url)!r}: no database name; end it with /NAME")
    try:
        port = parts.port
    except ValueError:
        raise SettingsError(f"database URL {_safe(url)!r}: the port is not a number") from None
    if parts.scheme in ("mysql", "mariadb"):
        options.setdefault("charset", "utf8mb4")
    return {
        "ENGINE": engine,
        "NAME": name,
        "USER": urllib.parse.unquote(parts.username or ""),
        "PASSWORD": urllib.parse.unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        "OPTIONS": options,
    }


def use_database_url(url: str, alias: str = "default") -> None:
    """Point Django's database ``alias`` at ``url`` for the rest of the process."""
    from django.conf import settings
    from django.db import connections

    config = parse_database_url(url)
    if hasattr(connections._connections, alias):
        connections[alias].close()
        del connections[alias]
    settings.DATABASES[alias] = config
    # The handler caches its settings on first use; make it fill in the defaults of the new entry.
    connections.__dict__["settings"] = connections.configure_settings(settings.DATABASES)


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))
