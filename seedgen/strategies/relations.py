"""References to other rows: ref (a foreign key or a many-to-many list), and the two the
planner sets itself, generic (a GenericForeignKey's halves) and own_ctype (django-polymorphic).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from seedgen.strategies import rng
from seedgen.strategies.base import Context, Fail, Planning, Strategy, is_pair, joint_digit, pick, register
from seedgen.strategies.numbers import ZIPF_A, check_distribution, zipf_cdf


@register
class Ref(Strategy):
    """A foreign key (one target row) or a many-to-many field (a sorted list of distinct ones).

    A target row is written as its pk, as the value of the ``to_field`` the
    key points at, or, for rows that already exist (content types, ``existing:
    true``), as the value the plan holds for it (a natural key in a fixture).
    The planner matches it to the relation it fills, counts and existing rows.

    Targets are drawn under zipf (``ZIPF_A``) unless ``distribution: uniform``:
    a few authors write most posts, a few tags carry most links. Which target
    rows are the popular ones is a keyed shuffle, not the first rows.
    """

    name = "ref"
    options = ("count", "distribution", "a", "tree", "existing", "each")
    fills_var = False
    fills_relation = True
    fits = frozenset()  # a relation only
    TREE_ROOTS = 0.2  # share of a nullable self-reference's rows that start a tree
    POPULAR_TABLE = 4_000_000

    @classmethod
    def read_arg(cls, arg: Any, options: dict[str, Any], fail: Fail) -> tuple[Any, dict[str, Any]]:
        """``ref: {model: auth.User, existing: true}`` says the same as ``ref: auth.User`` with options."""
        if not isinstance(arg, dict):
            return arg, options
        unknown = [k for k in arg if k != "model" and k not in cls.options]
        if "model" not in arg or unknown:
            raise fail(f"ref takes a model label, or a mapping with model: and {', '.join(cls.options)}")
        return arg["model"], {**options, **{k: arg[k] for k in arg if k != "model"}}

    @classmethod
    def check_arg(cls, arg: Any, options: dict[str, Any], fail: Fail) -> None:
        if not isinstance(arg, str) or "." not in arg:
            raise fail("ref takes a model label such as auth.User")
        count = options.get("count")
        if count is not None and not (is_pair(count) and all(isinstance(v, int) and not isinstance(v, bool) for v in count)
                                      and 0 <= count[0] <= count[1]):
            raise fail("ref count is [min, max] with 0 <= min <= max")
        each = options.get("each")
        if each is not None and not (is_pair(each) and all(isinstance(v, int) and not isinstance(v, bool) for v in each)
                                     and 0 <= each[0] <= each[1]):
            raise fail("ref each is [min, max]: how many of these rows each target row gets, e.g. each: [1, 5]")
        if each is not None and ("count" in options or options.get("tree") or options.get("existing")):
            raise fail("ref each does not go with count, tree or existing")
        for flag in ("tree", "existing"):
            if not isinstance(options.get(flag, False), bool):
                raise fail(f"ref {flag} is true or false")
        check_distribution(options, fail)

    @classmethod
    def plan(cls, arg: Any, options: dict[str, Any], at: Planning) -> tuple[Any, dict[str, Any]]:
        if not at.field.is_relation:
            raise at.fail(f"ref is for relations, and {at.field.name} is a {at.field.get_internal_type()}")
        return arg, options

    def prepare(self) -> None:
        existing = self.plan.existing.get(self.field.target)
        self.values = existing.values if existing is not None else None
        self.reused: dict[int, Any] = {}
        if existing is None:
            self.target = self.plan.model(self.field.target)
            self.size, self.start = self.target.count, self.target.pk_start
            self.reused = dict(self.target.reused)
        else:
            self.size, self.start = len(existing.values), 0
        # For a to_field key: target row indices -> that field's values (set by the model generator).
        self.lookup: Callable[[np.ndarray], list[Any]] | None = None
        options = self.field.options
        if "each" in options:  # rows laid out target by target: offsets[t] is target t's first row
            sizes = each_sizes(self.plan.seed, self.model.label, self.field.name, self.size, *options["each"])
            self.offsets = np.concatenate(([0], np.cumsum(sizes)))
        elif options.get("distribution", "zipf") == "zipf" and self.size > 1 and not self.field.unique:
            self.cdf = zipf_cdf(self.size, options.get("a", ZIPF_A))
            shuffle = rng.Permutation(rng.stream_key(self.key, "popular"), self.size)
            # rank -> target row, as a table while it is small (8 bytes a target row), else computed per call
            self.popular = shuffle(np.arange(self.size)).__getitem__ if self.size <= self.POPULAR_TABLE else shuffle

    @property
    def numbers_rows(self) -> bool:
        """Whether a reference holds its target row's number plus ``start`` (``written``'s last case), so
        that its values sort as the rows do."""
        return self.values is None and self.lookup is None and not self.reused

    def written(self, idx: np.ndarray) -> list[Any]:
        """What a reference to each target row holds."""
        if self.values is not None:
            return [self.values[i] for i in idx.tolist()]
        if self.lookup is not None:
            return self.lookup(idx)
        if self.reused:  # named objects the database already holds: their own pks
            return [self.reused.get(i, i + self.start) for i in idx.tolist()]
        return (idx + self.start).tolist()

    def indices(self, rows: np.ndarray) -> np.ndarray:
        """One target row per row; -1 for none."""
        options = self.field.options
        if "joint" in options:
            return joint_digit(self, rows)
        if options.get("tree"):
            return self.tree(rows)
        if "each" in options:
            return np.searchsorted(self.offsets, rows, side="right") - 1
        if hasattr(self, "cdf"):
            return self.popular(rng.weighted(self.key, rows, self.cdf))
        return pick(self.key, rows, self.size, self.field.unique)

    def tree(self, rows: np.ndarray) -> np.ndarray:
        """A self-reference: each row points at an earlier row, so no chain ever cycles."""
        earlier = np.floor(rng.uniform(self.key, rows) * rows).astype(np.int64)
        roots = rows == 0
        if self.field.field.null:
            roots |= rng.uniform(self.key, rows, salt=3) < self.TREE_ROOTS
            return np.where(roots, -1, earlier)
        return np.where(roots, 0, earlier)  # the first row points at itself

    def column(self, ctx: Context) -> list[Any]:
        if self.field.is_m2m:
            return self.many(ctx.rows)
        if self.size == 0:
            return [None] * len(ctx.rows)
        idx = self.indices(ctx.rows)
        if (idx >= 0).all():
            return self.written(idx)
        out: list[Any] = [None] * len(idx)
        present = np.flatnonzero(idx >= 0)
        for position, value in zip(present.tolist(), self.written(idx[present])):
            out[position] = value
        return out

    def many(self, rows: np.ndarray) -> list[list[Any]]:
        size = self.size
        if self.field.options.get("symmetric"):
            return self.symmetric(rows)
        low, high = self.field.options["count"]
        high = min(high, size)
        counts = rng.integers(self.key, rows, low, high, salt=101).tolist() if high else [0] * len(rows)
        if hasattr(self, "cdf"):
            return self.skewed(rows, counts, high)
        # A partial Fisher-Yates per row: draw j picks from [j, size) and swap.
        draws = [
            ((rng.uniform(self.key, rows, salt=j + 1) * (size - j)).astype(np.int64) + j).tolist()
            for j in range(high)
        ]
        out = []
        for r, k in enumerate(counts):
            swaps: dict[int, int] = {}
            picked = []
            for j in range(k):
                d = draws[j][r]
                picked.append(swaps.get(d, d))
                swaps[d] = swaps.get(j, j)
            picked.sort()
            out.append(self.written(np.array(picked, dtype=np.int64)) if picked else [])
        return out

    def skewed(self, rows: np.ndarray, counts: list[int], high: int) -> list[list[Any]]:
        """Distinct targets per row, each drawn under zipf; a rank already taken moves to the next free one.

        The rows go in lockstep, a pick at a time: the rows whose j-th pick clashes with one of their
        earlier picks move it on by one, again until none clashes (as a loop per row would)."""
        size = self.size
        need = np.array(counts, dtype=np.int64)
        picks = np.zeros((len(need), high), dtype=np.int64)
        for j in range(high):
            pick = rng.weighted(self.key, rows, self.cdf, salt=j + 1).astype(np.int64)
            active = need > j
            while j:
                clash = active & (picks[:, :j] == pick[:, None]).any(axis=1)
                if not clash.any():
                    break
                pick[clash] = (pick[clash] + 1) % size
            picks[:, j] = pick
        kept = np.arange(high)[None, :] < need[:, None]
        if not kept.any():
            return [[] for _ in counts]
        targets = self.popular(picks[kept])
        if self.numbers_rows:  # sort each row's targets in numpy, then number them
            table = np.full(picks.shape, np.iinfo(np.int64).max, dtype=np.int64)
            table[kept] = targets
            return _split((np.sort(table, axis=1)[kept] + self.start).tolist(), counts)
        return [sorted(part) for part in _split(self.written(targets), counts)]

    def symmetric(self, rows: np.ndarray) -> list[list[Any]]:
        """A symmetrical self-relation: row i links to i ± d for a few keyed offsets d, so that
        j is in i's list exactly when i is in j's, whichever rows are made."""
        size = self.size
        if size < 2:
            return [[] for _ in rows]
        reach = max(1, self.field.options["count"][1] // 2)
        offsets = sorted({1 + rng.stream_key(self.key, "offset", j) % (size - 1) for j in range(reach)})
        out = []
        for i in rows.tolist():
            linked = {(i + d) % size for d in offsets} | {(i - d) % size for d in offsets}
            linked.discard(i)
            out.append(self.written(np.array(sorted(linked), dtype=np.int64)))
        return out


def each_sizes(seed: int, label: str, name: str, targets: int, low: int, high: int) -> np.ndarray:
    """How many rows of model ``label`` point at each of ``targets`` rows through ``ref each``
    on field ``name``: the planner sums them into the model's count, the ref lays rows out by them."""
    return rng.integers(rng.stream_key(seed, label, name, "each"), np.arange(targets, dtype=np.int64), low, high)


@register
class Generic(Strategy):
    """The two halves of a GenericForeignKey: a content type, and a pk of a row of that model.

    Both halves draw from the same stream, so a row's pair always names a real row.
    """

    name = "generic"
    internal = True

    def prepare(self) -> None:
        self.targets = [self.plan.model(label) for label in self.field.arg]
        self.key = rng.stream_key(self.plan.seed, self.model.label, "generic", self.field.options["pair"])
        if self.field.options["role"] == "content_type":
            types = self.plan.existing["contenttypes.contenttype"]
            self.types = [types.value_of(tuple(t.label.split("."))) for t in self.targets]

    def column(self, ctx: Context) -> list[Any]:
        if not self.targets:
            return [None] * len(ctx.rows)
        which = rng.integers(self.key, ctx.rows, 0, len(self.targets) - 1)
        if self.field.options["role"] == "content_type":
            return [self.types[w] for w in which.tolist()]
        sizes = np.array([t.count for t in self.targets], dtype=np.int64)
        starts = np.array([t.pk_start for t in self.targets], dtype=np.int64)
        pks = (np.floor(rng.uniform(self.key, ctx.rows, salt=1) * sizes[which]).astype(np.int64) + starts[which]).tolist()
        if self.field.field.get_internal_type().endswith("IntegerField"):
            return pks
        return [str(pk) for pk in pks]


@register
class OwnContentType(Strategy):
    """django-polymorphic's ``polymorphic_ctype``: the content type of the class each row belongs to."""

    name = "own_ctype"
    internal = True

    def prepare(self) -> None:
        types = self.plan.existing["contenttypes.contenttype"]
        blocks = self.model.blocks or ((0, self.model.label),)
        self.starts = np.array([first for first, _ in blocks], dtype=np.int64)
        self.types = [types.value_of(tuple(label.split("."))) for _, label in blocks]

    def column(self, ctx: Context) -> list[Any]:
        which = np.searchsorted(self.starts, ctx.rows, side="right") - 1
        return [self.types[w] for w in which.tolist()]


def _split(values: list[Any], counts: list[int]) -> list[list[Any]]:
    """``values`` cut into consecutive lists of ``counts[i]`` items."""
    out, at = [], 0
    for k in counts:
        out.append(values[at:at + k])
        at += k
    return out
