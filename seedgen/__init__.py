"""seedgen: seeded, realistic sample data for Django models, at any volume.

What users may import, all from here::

    export(profile, "blog.json")            write a fixture that loaddata accepts
    insert(profile, database="default")     insert the rows, all or none
    plan(profile)                           everything decided before a value is made
    check(profile)                          full_clean() a sample inside a rolled-back transaction
    init_profile(["blog"])                  the text of a bare-count profile of installed apps
    load_profile(path), parse_profile(text) a validated Profile

``profile`` is a path or a ``Profile``; every error a user can cause is a
``SeedgenError`` (see ``seedgen.errors``). For tests: ``seedgen.testing``
(``load_profile``, ``SeededTestCase``, and the pytest plugin's ``seed_data``).
"""

from seedgen.api import Report, check, export, init_profile, insert
from seedgen.api import prepare as plan
from seedgen.errors import FixtureError, Interrupted, PlanError, ProfileError, SeedgenError, SettingsError, SinkError

__all__ = [
    "FixtureError", "Interrupted", "PlanError", "Profile", "ProfileError", "Report", "SeedgenError", "SettingsError", "SinkError",
    "check", "export", "init_profile", "insert", "load_profile", "parse_profile", "plan",
]


def __getattr__(name: str):
    # The profile step pulls in the strategies (Faker, numpy): imported on first use, so that
    # `seedgen --help` and the pytest plugin start fast.
    if name in ("Profile", "load_profile", "parse_profile"):
        import seedgen.profile

        return getattr(seedgen.profile, name)
    raise AttributeError(f"module 'seedgen' has no attribute {name!r}")
