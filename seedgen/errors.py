"""The one exception tree of seedgen.

Every error a user can cause is a ``SeedgenError``; its message is one line
that says what was wrong, where, and what to do::

    SeedgenError            anything the user can fix
    ├── ProfileError        the YAML profile (file:line: key: problem)
    ├── SettingsError       Django settings that cannot be loaded
    ├── PlanError           a profile that does not fit the models
    └── SinkError           an output file or database that cannot take the rows
        └── Interrupted     Ctrl-C during a write; nothing was kept
"""

from __future__ import annotations


class SeedgenError(Exception):
    """An error the user can fix; ``str()`` is the one-line message."""


class ProfileError(SeedgenError):
    def __init__(self, message: str, *, file: str = "<profile>", line: int | None = None, key: str = "") -> None:
        self.file, self.line, self.key = file, line, key
        where = file if line is None else f"{file}:{line}"
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


class SettingsError(SeedgenError):
    pass


class PlanError(SeedgenError):
    pass


class SinkError(SeedgenError):
    pass


class Interrupted(SinkError):
    pass
