"""Counter-based randomness: every draw is a hash of (stream key, row index).

Nothing here keeps state, so row *i* gets the same values whichever chunk,
process or run computes it. The mixer is SplitMix64's finaliser over NumPy
``uint64`` arrays (arithmetic wraps modulo 2**64 by definition).
"""

from __future__ import annotations

import hashlib

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def stream_key(seed: int, *names: object) -> int:
    """A 64-bit key for one stream of draws, e.g. (seed, 'blog.post', 'title')."""
    text = "\x1f".join([str(seed), *(str(n) for n in names)])
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def _mix(x: np.ndarray) -> np.ndarray:
    x = (x ^ (x >> _S30)) * _M1
    x = (x ^ (x >> _S27)) * _M2
    return x ^ (x >> _S31)


def bits(key: int, rows: np.ndarray, salt: int = 0) -> np.ndarray:
    """64 random bits per row; ``salt`` picks another draw of the same row."""
    base = np.uint64(stream_key(key, salt) if salt else key)
    return _mix(rows.astype(np.uint64) * _GOLDEN + base)


def uniform(key: int, rows: np.ndarray, salt: int = 0) -> np.ndarray:
    """Floats in [0, 1), 53 bits each."""
    return (bits(key, rows, salt) >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


def weighted(key: int, rows: np.ndarray, cdf: np.ndarray, salt: int = 0) -> np.ndarray:
    """One index in [0, len(cdf)) per row, drawn under the cumulative weights ``cdf`` (ending at 1)."""
    return np.minimum(np.searchsorted(cdf, uniform(key, rows, salt), side="right"), len(cdf) - 1)


def integers(key: int, rows: np.ndarray, low: int, high: int, salt: int = 0) -> np.ndarray:
    """Whole numbers in [low, high], both included."""
    span = high - low + 1
    if span <= 1 << 53:
        return np.floor(uniform(key, rows, salt) * span).astype(np.int64) + low
    return (bits(key, rows, salt) % np.uint64(span)).astype(object) + low


class Permutation:
    """A keyed bijection of [0, size): a balanced Feistel network with cycle walking.

    It lets row *i* take a distinct pool slot without remembering which slots
    earlier rows took.
    """

    ROUNDS = 4

    def __init__(self, key: int, size: int) -> None:
        if size < 1:
            raise ValueError("a permutation needs at least one element")
        self.size = size
        half = max(1, ((size - 1).bit_length() + 1) // 2)
        self.half = np.uint64(half)
        self.mask = np.uint64((1 << half) - 1)
        self.keys = [np.uint64(stream_key(key, "feistel", r)) for r in range(self.ROUNDS)]

    def _round_trip(self, x: np.ndarray) -> np.ndarray:
        left, right = x >> self.half, x & self.mask
        for k in self.keys:
            left, right = right, left ^ (_mix(right + k) & self.mask)
        return (left << self.half) | right

    def __call__(self, index: np.ndarray) -> np.ndarray:
        x = np.asarray(index, dtype=np.uint64)
        out = self._round_trip(x)
        todo = out >= np.uint64(self.size)
        while todo.any():
            out[todo] = self._round_trip(out[todo])
            todo = out >= np.uint64(self.size)
        return out.astype(np.int64)
