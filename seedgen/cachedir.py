"""Where seedgen keeps what it can compute once and reuse: generated rows of test runs, password hashes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

_pytest_cache: Any = None  # pytest's config.cache while a session runs (set by the plugin)


def use_pytest_cache(cache: Any) -> None:
    """Put entries under pytest's cache directory (``.pytest_cache/d/seedgen``) while its session runs."""
    global _pytest_cache
    _pytest_cache = cache


def cache_directory() -> Path:
    """``$SEEDGEN_CACHE_DIR``, else the Django setting ``SEEDGEN_CACHE_DIR``, else pytest's cache
    directory in a pytest session, else ``$XDG_CACHE_HOME/seedgen`` (``~/.cache/seedgen``)."""
    if os.environ.get("SEEDGEN_CACHE_DIR"):
        return Path(os.environ["SEEDGEN_CACHE_DIR"])
    from django.conf import settings

    if getattr(settings, "SEEDGEN_CACHE_DIR", None):
        return Path(settings.SEEDGEN_CACHE_DIR)
    if _pytest_cache is not None:
        return Path(_pytest_cache.mkdir("seedgen"))
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "seedgen"


def remembered(kind: str, key: str, make) -> str:
    """The text ``make()`` gives, kept in ``<cache>/<kind>/<key>`` for the next run; the cache is only
    a shortcut: when it cannot be read or written, the text is made again."""
    path = cache_directory() / kind / key
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    text = make()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False) as file:
            file.write(text)
        os.replace(file.name, path)
    except OSError:
        pass
    return text
