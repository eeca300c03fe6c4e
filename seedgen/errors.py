"""The one exception tree of seedgen.

Every error a user can cause is a ``SeedgenError``; its message is one line
that says what was wrong, where, and what to do::

    SeedgenError            anything the user can fix
    ├── ProfileError        the YAML profile (file:line: key: problem)
    ├── SettingsError       Django settings that cannot be loaded
    ├── PlanError           a profile that does not fit the models
    ├── SinkError           an output file or database that cannot take the rows
    │   └── Interrupted     Ctrl-C, SIGTERM or SIGHUP during a write; nothing was kept
    └── FixtureError        a fixture or backup read by validate, load or restore
        ├── FixtureReadError  a file that cannot be parsed (path:line:column)   seedgen.fixtures.reader
        ├── LoadError         a fixture the database cannot take; nothing kept   seedgen.fixtures.load
        └── BackupError       a backup that cannot be written or restored        seedgen.fixtures.backup

``suggest``, ``short`` and ``first_line`` are the pieces of messages every step shares.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any


class SeedgenError(Exception):
    """An error the user can fix; ``str()`` is the one-line message."""


class ProfileError(SeedgenError):
    """A mistake in the YAML profile; the message starts with file:line: key."""

    def __init__(self, message: str, *, file: str = "<profile>", line: int | None = None, key: str = "") -> None:
        self.file, self.line, self.key = file, line, key
        where = file if line is None else f"{file}:{line}"
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


class SettingsError(SeedgenError):
    """Django settings (or a database URL) that cannot be used."""


class PlanError(SeedgenError):
    """A profile that does not fit the installed models, or options that do not fit the profile."""


class SinkError(SeedgenError):
    """An output file or a database that cannot take the rows; nothing of the run is kept."""


class FixtureError(SeedgenError):
    """A fixture or backup that the fixture toolkit cannot read, load or restore."""


class Interrupted(SinkError):
    """A run stopped by a signal; ``exit_code`` is the shell's 128 + signal number (130 for Ctrl-C)."""

    def __init__(self, message: str, *, exit_code: int = 130) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def suggest(word: Any, choices: Iterable[Any]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices``, or nothing when none is close."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def short(value: Any) -> str:
    """A value as a one-line message shows it: cut to 60 characters."""
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


def first_line(exc: BaseException) -> str:
    """An exception's message as one line of ours: its first line, or its type when it has none."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
