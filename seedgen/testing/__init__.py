"""Seeded data in tests: ``load_profile`` for ``setUpTestData``, ``SeededTestCase``, and a pytest plugin
(``@pytest.mark.seed_profile(...)`` with the ``seed_data`` fixture, in ``seedgen.testing.pytest_plugin``).

Names load on first use: pytest imports the plugin in every session, which must stay cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SeedData", "SeededTestCase", "load_profile"]

_HOMES = {"SeedData": "seedgen.testing.data", "SeededTestCase": "seedgen.testing.testcase",
          "load_profile": "seedgen.testing.seeding"}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_HOMES[name]), name)
