"""The pytest plugin: ``@pytest.mark.seed_profile(...)`` says what the ``seed_data`` fixture inserts into
pytest-django's test database. Loaded in every session by entry point, so it imports nothing heavy:
Django and seedgen's pipeline load when a test first asks for ``seed_data``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from seedgen.testing.data import SeedData

MARKER = "seed_profile"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(profile, *, seed=None, counts=None, scale=1.0, using='default', cache=True): insert a seedgen "
        "profile (a path relative to the rootdir) into the test database for the seed_data fixture.",
    )
    from seedgen.testing import cache

    cache.use_pytest_cache(getattr(config, "cache", None))  # None with -p no:cacheprovider


def pytest_unconfigure(config: pytest.Config) -> None:
    from seedgen.testing import cache

    cache.use_pytest_cache(None)


def seed_profile(profile: str | Path, *, seed: int | None = None, counts: Mapping[str, int] | None = None,
                 scale: float = 1.0, using: str = "default", cache: bool = True) -> dict[str, Any]:
    """The marker's signature (what ``seedgen.testing.load_profile`` takes), as a dict."""
    return {"profile": profile, "seed": seed, "counts": counts, "scale": scale, "using": using, "cache": cache}


@pytest.fixture
def seed_data(request: pytest.FixtureRequest, db: None) -> SeedData:
    """The rows of the test's ``@pytest.mark.seed_profile(...)`` profile, inserted into the test database
    (pytest-django's ``db``, or ``transactional_db`` when the test asks for it) and gone after the test:
    a ``seedgen.testing.SeedData``."""
    # ``db`` is a parameter, not looked up: pytest-django makes the test databases that the tests'
    # fixtures need, read before any test runs, and decides from the test whether it is transactional.
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        pytest.fail(f"seed_data needs a profile: mark the test, its class or module with "
                    f"@pytest.mark.{MARKER}('profiles/blog.yaml', seed=1)", pytrace=False)
    # pytest.fail() outside the except blocks: the one line alone, without the chained traceback.
    problem = None
    try:
        options = seed_profile(*marker.args, **marker.kwargs)
    except TypeError as exc:
        problem = f"{exc}; @pytest.mark.{MARKER} takes (profile, *, seed, counts, scale, using, cache)"
    if problem:
        pytest.fail(problem, pytrace=False)

    from seedgen.errors import SeedgenError
    from seedgen.testing.seeding import load_profile

    profile = Path(options.pop("profile"))
    if not profile.is_absolute():
        profile = request.config.rootpath / profile
    try:
        return load_profile(profile, **options)
    except SeedgenError as exc:
        problem = f"seed_data: {exc}"
    pytest.fail(problem, pytrace=False)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from seedgen.testing.cache import stats

    if not stats["seeded"]:
        return  # nothing was seeded in this process
    line = f"seedgen: {stats['seeded']} seeded, {stats['hits']} replayed from the row cache"
    if stats["ignored"]:
        line += f", {stats['ignored']} unusable cache entries rewritten"
    terminalreporter.write_line(line)
