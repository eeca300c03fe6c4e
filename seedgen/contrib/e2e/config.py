"""The ``SEEDGEN_E2E`` setting, read and checked, and the rule of where the service may be mounted.

``SEEDGEN_E2E = {"TOKEN": "...", "PROFILES": {"blog": "profiles/blog.yaml"}, "DATABASE": "default",
"ENABLED": False}``; relative profile paths are read from the server's working directory.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from seedgen.errors import SettingsError, suggest

KEYS = ("TOKEN", "PROFILES", "DATABASE", "ENABLED")
# A profile name is the first part of a fixture's file name in the URL, so no dots or slashes.
PROFILE_NAME = re.compile(r"[A-Za-z0-9_-]+\Z")


class E2EConfigError(SettingsError, ImproperlyConfigured):
    """``SEEDGEN_E2E`` is missing or wrong, or the service is mounted where it must not be; an
    ``ImproperlyConfigured`` too, so Django refuses to load the URLconf."""


@dataclass(frozen=True)
class E2EConfig:
    token: str
    profiles: Mapping[str, Path]  # name in requests -> profile file
    database: str  # the alias that reset clears and fills
    enabled: bool  # mounted even with DEBUG off


def read_config() -> E2EConfig:
    """``settings.SEEDGEN_E2E`` as an ``E2EConfig``; ``E2EConfigError`` names what is wrong."""
    from django.conf import settings

    raw = getattr(settings, "SEEDGEN_E2E", None)
    if not isinstance(raw, Mapping):
        raise E2EConfigError("settings.SEEDGEN_E2E must be a dict such as "
                             "{'TOKEN': '...', 'PROFILES': {'blog': 'profiles/blog.yaml'}}")
    for key in raw:
        if key not in KEYS:
            raise E2EConfigError(f"SEEDGEN_E2E: unknown key {key!r}{suggest(key, KEYS)}; the keys are {', '.join(KEYS)}")
    token = raw.get("TOKEN")
    if not isinstance(token, str) or not token.strip():
        raise E2EConfigError("SEEDGEN_E2E['TOKEN'] must be a non-empty string; requests send it as "
                             "'Authorization: Bearer <token>'")
    profiles = raw.get("PROFILES")
    if not isinstance(profiles, Mapping) or not profiles:
        raise E2EConfigError("SEEDGEN_E2E['PROFILES'] must map a name to a profile file, e.g. {'blog': 'profiles/blog.yaml'}")
    for name, path in profiles.items():
        if not isinstance(name, str) or not PROFILE_NAME.match(name):
            raise E2EConfigError(f"SEEDGEN_E2E['PROFILES']: {name!r} is not a profile name; use letters, digits, - and _")
        if not isinstance(path, str | os.PathLike):
            raise E2EConfigError(f"SEEDGEN_E2E['PROFILES'][{name!r}] must be the path of a profile file, got {path!r}")
    database = raw.get("DATABASE", "default")
    if database not in settings.DATABASES:
        raise E2EConfigError(f"SEEDGEN_E2E['DATABASE']: no database {database!r} in DATABASES; "
                             f"choose one of {', '.join(settings.DATABASES)}")
    enabled = raw.get("ENABLED", False)
    if not isinstance(enabled, bool):
        raise E2EConfigError(f"SEEDGEN_E2E['ENABLED'] must be True or False, got {enabled!r}")
    return E2EConfig(token=token, profiles={name: Path(path) for name, path in profiles.items()},
                     database=database, enabled=enabled)


def check_mountable() -> E2EConfig:
    """The settings, if this process may serve the service: ``DEBUG`` on or ``SEEDGEN_E2E['ENABLED']``."""
    from django.conf import settings

    config = read_config()
    if not (settings.DEBUG or config.enabled):
        # The service deletes rows on request: a production URLconf that includes it by mistake must not load.
        raise E2EConfigError("seedgen.contrib.e2e clears and reseeds the database on request; include its URLconf "
                             "only in test settings, with DEBUG = True or SEEDGEN_E2E['ENABLED'] = True")
    return config
