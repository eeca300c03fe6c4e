"""Find and load the Django settings a run uses."""

from __future__ import annotations

import os
import re
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


# The line of a manage.py that names its settings, as startproject writes it.
_MANAGE_SETTINGS = re.compile(r"""os\.environ\.setdefault\(\s*["']DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']""")


def find_project(start: str | None = None) -> tuple[str, str] | None:
    """(directory, settings module) of the Django project around ``start`` (the working directory):
    the nearest manage.py in it or a parent that names its settings, as manage.py would use them."""
    directory = os.path.abspath(start or os.getcwd())
    while True:
        manage = os.path.join(directory, "manage.py")
        if os.path.isfile(manage):
            try:
                with open(manage, encoding="utf-8") as file:
                    match = _MANAGE_SETTINGS.search(file.read())
            except (OSError, UnicodeDecodeError):
                match = None
            if match:
                return directory, match.group(1)
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def setup_django(settings_module: str | None = None, profile_settings: str | None = None) -> str:
    """Set Django up once: ``--settings``, then DJANGO_SETTINGS_MODULE, the profile's, the project
    around the working directory (its manage.py), or the demo's.

    Returns the settings module in use.
    """
    from django.apps import apps
    from django.conf import settings

    if apps.ready:
        return os.environ.get("DJANGO_SETTINGS_MODULE", "")
    module = settings_module or os.environ.get("DJANGO_SETTINGS_MODULE") or profile_settings
    project = find_project() if module is None else None
    if project is not None:
        directory, module = project
        if directory not in sys.path:
            sys.path.insert(0, directory)  # as manage.py puts its own directory first
    module = module or DEMO_SETTINGS
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


def parse_database_url(url: str, *, new_sqlite: bool = False) -> dict:
    """Django's DATABASES entry for ``postgresql://user:pw@host:port/name``, ``mysql://…`` or ``sqlite:///path``.

    Query parameters become OPTIONS (``?sslmode=require``). An SQLite file
    must exist, so that a typo does not fill an empty new database, unless
    ``new_sqlite`` (the demo settings, which migrate what they fill).
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
        if not os.path.isfile(path) and not new_sqlite:
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
        # Lets the sink LOAD DATA LOCAL INFILE when the server allows it (?local_infile=0 keeps to INSERTs).
        options["local_infile"] = options.get("local_infile", "1") not in ("0", "false", "False", "")
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
    """Point Django's database ``alias`` at ``url`` for the rest of the process.

    With the demo settings an SQLite URL may name a file that does not exist yet:
    the demo migrates the database it fills.
    """
    from django.conf import settings
    from django.db import connections

    config = parse_database_url(url, new_sqlite=os.environ.get("DJANGO_SETTINGS_MODULE") == DEMO_SETTINGS)
    if alias in connections.settings:
        connections[alias].close()
        del connections[alias]  # the next use opens a connection with the new settings
    settings.DATABASES[alias] = config
    connections.settings[alias] = connections.configure_settings(dict(settings.DATABASES))[alias]


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))
