"""Values cut from a row's own random bits: uuid and binary."""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np

from seedgen.strategies import rng
from seedgen.strategies.base import TEXTS, Context, Fail, Strategy, is_pair, register


@register
class Uuid(Strategy):
    """Random UUIDs (version 4); a primary key gets time-ordered ones (version 7)."""

    fits = frozenset({"UUIDField"}) | TEXTS
    name = "uuid"

    def column(self, ctx: Context) -> list[Any]:
        # Appending to a table that holds rows, the draws go on past them (number_from), so a unique
        # UUID never meets one an earlier run made with the same seed.
        rows = ctx.rows + (self.model.number_from - 1) if self.field.unique else ctx.rows
        high = rng.bits(self.key, rows, salt=1).tolist()
        low = rng.bits(self.key, rows, salt=2).tolist()
        if self.field.field is not None and self.field.field.primary_key:
            return self.time_ordered(rows, high, low)
        return [uuid.UUID(int=(h << 64) | lo, version=4) for h, lo in zip(high, low)]

    def time_ordered(self, rows: np.ndarray, high: list[int], low: list[int]) -> list[uuid.UUID]:
        """UUIDv7 for a primary key: a millisecond a row from a year before "now", so the rows come out in
        pk order, as dumpdata and the database's own order put them."""
        start = int((self.plan.now.timestamp() - 365 * 86400) * 1000)
        out = []
        for i, h, lo in zip(rows.tolist(), high, low):
            bits = ((start + i) & (2**48 - 1)) << 80 | 0x7 << 76 | (h & 0xFFF) << 64 | 0b10 << 62 | lo & (2**62 - 1)
            out.append(uuid.UUID(int=bits))
        return out


@register
class Binary(Strategy):
    """Bytes of a length in [min, max], from the row's own random bits."""

    fits = frozenset({"BinaryField"})
    name = "binary"

    @classmethod
    def check_arg(cls, arg: Any, options: dict[str, Any], fail: Fail) -> None:
        if not (is_pair(arg) and all(isinstance(b, int) and not isinstance(b, bool) and b >= 0 for b in arg)
                and arg[0] <= arg[1]):
            raise fail("binary takes a range [min, max] of lengths in bytes")

    def column(self, ctx: Context) -> list[Any]:
        low, high = self.field.arg
        lengths = rng.integers(self.key, ctx.rows, low, high, salt=1).tolist()
        words = [rng.bits(self.key, ctx.rows, salt=2 + w).tolist() for w in range((high + 7) // 8)]
        out = []
        for r, length in enumerate(lengths):
            data = b"".join(w[r].to_bytes(8, "little") for w in words)
            out.append(data[:length])
        return out
