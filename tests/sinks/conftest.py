"""Fixtures the database sinks' tests share."""

from __future__ import annotations

import pytest

from seedgen.sinks import database


@pytest.fixture(params=[0, 10**9], ids=["rebuilt", "kept"])
def rebuild_min(request, monkeypatch) -> int:
    """The new rows from which a model's keys and indexes are rebuilt: 0 (always) or 10**9 (never)."""
    monkeypatch.setattr(database, "REBUILD_MIN_ROWS", request.param)
    return request.param
