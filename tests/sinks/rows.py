"""Rows a sink writes, changed on purpose: how the sink tests make a run fail in the database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def change_post(monkeypatch, sink_class: type, field: str, value: Any | Callable[[list, int], Any], row: int = 0) -> None:
    """Make ``sink_class`` write ``value`` in ``field`` of row ``row`` of each chunk of ``blog.Post``;
    a callable gets the chunk's rows and the field's position and returns the value."""
    rows = sink_class.rows

    def changed(self, chunk):
        out = rows(self, chunk)
        if chunk.model.label == "blog.post":
            at = 1 + [f.name for f in chunk.model.fields].index(field)  # after the pk
            new = value(out, at) if callable(value) else value
            out[row] = out[row][:at] + (new,) + out[row][at + 1:]
        return out

    monkeypatch.setattr(sink_class, "rows", changed)
