"""Field strategies: each turns a chunk of row indices into one column of values.

A strategy is built once per field (pools and tables are made then) and
``column()`` is a pure function of the rows asked for. Strategies never know
where their values go.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import random
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.text import slugify

from seedgen.errors import PlanError
from seedgen.generate import pools, regex, rng
from seedgen.plan import FieldPlan, ModelPlan, Plan
from seedgen.profile.schema import parse_span


@dataclass
class Context:
    """The chunk being made: its row indices and the columns made so far."""

    rows: np.ndarray
    columns: dict[str, list[Any]]
    model: ModelPlan


class FieldStrategy:
    """Base class; subclasses set ``name`` and implement ``column``."""

    name = ""

    def __init__(self, field: FieldPlan, model: ModelPlan, plan: Plan) -> None:
        self.field, self.model, self.plan = field, model, plan
        self.key = rng.stream_key(plan.seed, model.label, field.name)
        self.prepare()

    def prepare(self) -> None:
        """Build pools and tables; runs once per field and run."""

    def column(self, ctx: Context) -> list[Any]:
        raise NotImplementedError

    def fail(self, message: str) -> PlanError:
        return PlanError(f"{self.model.model._meta.label}.{self.field.name}: {message}")

    def fit(self, text: str) -> str:
        """Cut a non-unique string to the field's max_length."""
        limit = self.field.max_length
        return text[:limit] if limit and len(text) > limit else text


REGISTRY: dict[str, type[FieldStrategy]] = {}


def register(cls: type[FieldStrategy]) -> type[FieldStrategy]:
    REGISTRY[cls.name] = cls
    return cls


def strategy_for(field: FieldPlan, model: ModelPlan, plan: Plan) -> FieldStrategy:
    return REGISTRY[field.strategy](field, model, plan)


def _pick(key: int, rows: np.ndarray, size: int, unique: bool) -> np.ndarray:
    """Indices into a table of ``size``: a keyed permutation when unique, else uniform."""
    if unique:
        return rng.Permutation(key, size)(rows % size)
    return rng.integers(key, rows, 0, size - 1)


def joint_digit(strategy: FieldStrategy, rows: np.ndarray) -> np.ndarray:
    """A member's value index in a keyed permutation of every combination of its unique group
    (``unique_together``): row *i* takes combination *i*, so no two rows share one."""
    joint = strategy.field.options["joint"]
    sizes = joint["sizes"]
    key = rng.stream_key(strategy.plan.seed, strategy.model.label, "unique-together", *joint["group"])
    combination = rng.Permutation(key, math.prod(sizes))(rows % math.prod(sizes))
    for size in sizes[joint["position"] + 1:]:
        combination //= size
    return combination % sizes[joint["position"]]


@register
class Constant(FieldStrategy):
    name = "constant"

    def column(self, ctx: Context) -> list[Any]:
        return [self.field.arg] * len(ctx.rows)


@register
class Choice(FieldStrategy):
    name = "choice"

    def prepare(self) -> None:
        arg = self.field.arg
        if isinstance(arg, dict):
            self.values = [v for v, w in arg.items() if w > 0]
            weights = np.array([w for w in arg.values() if w > 0], dtype=np.float64)
        else:
            self.values = list(arg)
            weights = np.ones(len(self.values))
        self.cumulative = np.cumsum(weights) / weights.sum()

    def column(self, ctx: Context) -> list[Any]:
        if "joint" in self.field.options:
            idx = joint_digit(self, ctx.rows)
        elif self.field.unique:
            idx = _pick(self.key, ctx.rows, len(self.values), True)
        else:
            idx = np.searchsorted(self.cumulative, rng.uniform(self.key, ctx.rows), side="right")
            idx = np.minimum(idx, len(self.values) - 1)
        values = self.values
        return [values[i] for i in idx.tolist()]


@register
class Int(FieldStrategy):
    name = "int"

    def prepare(self) -> None:
        self.low, self.high = self.field.arg
        if self.field.options.get("distribution") == "zipf":
            self.cdf = _zipf_cdf(self.high - self.low + 1, self.field.options.get("a", 1.2))

    def column(self, ctx: Context) -> list[Any]:
        if self.field.unique:
            idx = _pick(self.key, ctx.rows, self.high - self.low + 1, True)
        elif hasattr(self, "cdf"):
            idx = np.minimum(np.searchsorted(self.cdf, rng.uniform(self.key, ctx.rows), side="right"), len(self.cdf) - 1)
        else:
            return rng.integers(self.key, ctx.rows, self.low, self.high).tolist()
        return (idx + self.low).tolist()


@register
class Float(FieldStrategy):
    name = "float"

    def column(self, ctx: Context) -> list[Any]:
        low, high = self.field.arg
        digits = self.field.options.get("digits", 2)
        values = np.round(low + rng.uniform(self.key, ctx.rows) * (high - low), digits)
        return values.tolist()


@register
class Decimal(FieldStrategy):
    name = "decimal"

    def column(self, ctx: Context) -> list[Any]:
        places = self.field.field.decimal_places
        low, high = (int(decimal.Decimal(str(b)).scaleb(places)) for b in self.field.arg)
        ints = rng.integers(self.key, ctx.rows, low, high).tolist()
        return [decimal.Decimal(i).scaleb(-places) for i in ints]


@register
class DateTime(FieldStrategy):
    name = "datetime"

    def prepare(self) -> None:
        self.start, end = self.field.arg
        self.span = int((end - self.start).total_seconds())
        self.kind = self.field.kind

    def column(self, ctx: Context) -> list[Any]:
        seconds = rng.integers(self.key, ctx.rows, 0, self.span).tolist()
        start = self.start if self.plan.use_tz else self.start.replace(tzinfo=None)
        moments = [start + dt.timedelta(seconds=s) for s in seconds]
        if self.kind == "DateField":
            return [m.date() for m in moments]
        if self.kind == "TimeField":
            return [m.time() for m in moments]
        return moments


@register
class Date(DateTime):
    name = "date"


@register
class Uuid(FieldStrategy):
    name = "uuid"

    def column(self, ctx: Context) -> list[Any]:
        high = rng.bits(self.key, ctx.rows, salt=1).tolist()
        low = rng.bits(self.key, ctx.rows, salt=2).tolist()
        if self.field.field is not None and self.field.field.primary_key:
            return self.time_ordered(ctx.rows, high, low)
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
class Password(FieldStrategy):
    name = "password"

    def prepare(self) -> None:
        self.hashed = hash_password(self.field.arg, self.plan.seed, self.model.label)

    def column(self, ctx: Context) -> list[Any]:
        return [self.hashed] * len(ctx.rows)


def hash_password(plain: str, seed: int, label: str) -> str:
    """Hash once per run, with a salt drawn from the seed so the bytes repeat."""
    from django.contrib.auth.hashers import make_password

    return make_password(plain, salt=f"{rng.stream_key(seed, label, 'password'):016x}")


class TextStrategy(FieldStrategy):
    """Strings from a pool; unique ones walk a keyed permutation, then take suffixes."""

    def pool_source(self) -> list[Any]:
        raise NotImplementedError

    def prepare(self) -> None:
        raw = self.pool_source()
        self.texty = self.field.max_length is not None or self.field.kind in ("TextField", "CharField")
        if not self.texty and not self.field.unique:
            self.pool = raw
            return
        # Unique values differ in more than case and accents: MariaDB's default collation ignores both.
        room = pools.suffix_room(self.field.max_length)
        self.pool = pools.text_pool(raw, self.field.max_length, self.field.unique, room, casefold=True)
        if self.field.field is not None:
            self.pool = pools.valid_only(self.pool, self.field.field)
            wanted = self.model.count if self.field.unique else 1
            if len(self.pool) < wanted and self.field.line is None:
                # Derived, and the validators reject Faker's text: plainer shapes, the first with enough values.
                for candidates in pools.fallback_pools(self.key, self.field.max_length, len(raw)):
                    fitted = pools.text_pool(candidates, self.field.max_length, self.field.unique, room, casefold=True)
                    valid = pools.valid_only(fitted, self.field.field)
                    if len(valid) > len(self.pool):
                        self.pool = valid
                    if len(self.pool) >= wanted:
                        break
        if not self.pool:
            raise self.fail("no value of this strategy passes the field's length and validators; "
                            "name a strategy for it in the profile, e.g. template: \"code-{n}\"")
        if self.field.unique and self.field.max_length:
            cycles = -(-self.model.count // len(self.pool))
            if cycles > 1 and len(f"-{cycles}") > room:
                raise self.fail(f"{self.model.count} distinct values do not fit in {self.field.max_length} characters "
                                f"with this strategy ({len(self.pool)} values before suffixes); name a strategy for it, "
                                "e.g. regex: '[A-Z0-9]{" + str(self.field.max_length) + "}'")

    def column(self, ctx: Context) -> list[Any]:
        pool = self.pool
        if not self.field.unique:
            return [pool[i] for i in _pick(self.key, ctx.rows, len(pool), False).tolist()]
        size = len(pool)
        idx = _pick(self.key, ctx.rows, size, True).tolist()
        cycles = (ctx.rows // size).tolist()
        return [pools.with_suffix(pool[i], c) for i, c in zip(idx, cycles)]


@register
class FakerStrategy(TextStrategy):
    name = "faker"

    def pool_source(self) -> list[Any]:
        options = self.field.options
        size = options.get("pool", pools.DEFAULT_POOL)
        return pools.faker_pool(self.key, self.field.arg, options.get("args", {}), options["locale"], size)


@register
class Regex(TextStrategy):
    """Strings matching a regular expression (a RegexValidator's, when derived)."""

    name = "regex"

    def pool_source(self) -> list[Any]:
        try:
            sample = regex.sampler(self.field.arg, self.field.options.get("flags", 0))
        except regex.Unsupported as exc:
            raise self.fail(f"{exc}; name a strategy for it in the profile") from None
        rand = random.Random(self.key)
        return [sample(rand) for _ in range(self.field.options.get("pool", pools.DEFAULT_POOL))]


@register
class Duration(FieldStrategy):
    name = "duration"

    def column(self, ctx: Context) -> list[Any]:
        low, high = (int(parse_span(b).total_seconds()) for b in self.field.arg)
        return [dt.timedelta(seconds=s) for s in rng.integers(self.key, ctx.rows, low, high).tolist()]


@register
class Binary(FieldStrategy):
    """Bytes of a length in [min, max], from the row's own random bits."""

    name = "binary"

    def column(self, ctx: Context) -> list[Any]:
        low, high = self.field.arg
        lengths = rng.integers(self.key, ctx.rows, low, high, salt=1).tolist()
        words = [rng.bits(self.key, ctx.rows, salt=2 + w).tolist() for w in range((high + 7) // 8)]
        out = []
        for r, length in enumerate(lengths):
            data = b"".join(w[r].to_bytes(8, "little") for w in words)
            out.append(data[:length])
        return out


@register
class Offset(FieldStrategy):
    """A value after (or before) another field of the same row, as a CheckConstraint such as
    ``Q(ends_at__gte=F("starts_at"))`` wants: the other value moved by a random step."""

    name = "offset"
    STEPS = {"DateTimeField": dt.timedelta(days=30), "DateField": dt.timedelta(days=30),
             "DurationField": dt.timedelta(days=1)}

    def column(self, ctx: Context) -> list[Any]:
        base = ctx.columns[self.field.arg]
        sign = 1 if self.field.options.get("direction", "after") == "after" else -1
        least = 1 if self.field.options.get("strict") else 0
        fraction = rng.uniform(self.key, ctx.rows).tolist()
        kind = self.field.kind
        out = []
        for value, u in zip(base, fraction):
            if value is None:
                out.append(None)
            elif kind in self.STEPS:
                unit = dt.timedelta(days=1) if kind == "DateField" else dt.timedelta(seconds=1)
                steps = least + int(u * (self.STEPS[kind] / unit))
                out.append(value + sign * steps * unit)
            elif isinstance(value, decimal.Decimal):
                out.append(value + sign * decimal.Decimal(least + int(u * 100)))
            else:
                out.append(type(value)(value + sign * (least + int(u * 100))))
        if "within" in self.field.options:  # stay inside the field's type, validators and checks
            low, high = self.field.options["within"]
            out = [v if v is None else type(v)(min(max(v, low), high)) for v in out]
        return out


class RowText(FieldStrategy):
    """Strings made per row from other columns; unique ones end in the row number."""

    def make(self, ctx: Context) -> list[str]:
        raise NotImplementedError

    def already_unique(self) -> bool:
        return False

    def column(self, ctx: Context) -> list[Any]:
        texts = self.make(ctx)
        limit = self.field.max_length
        if not self.field.unique or self.already_unique():
            if self.field.unique and limit and any(len(t) > limit for t in texts):
                raise self.fail(f"a unique value is longer than max_length {limit}; shorten the template")
            return [self.fit(t) for t in texts]
        numbers = (ctx.rows + 1).tolist()
        out = []
        for text, n in zip(texts, numbers):
            suffix = f"-{n}"
            base = text[: limit - len(suffix)].rstrip("-") if limit else text
            out.append(base + suffix)
        return out


@register
class Template(RowText):
    name = "template"

    def prepare(self) -> None:
        arg = self.field.arg
        self.templates = arg if isinstance(arg, list) else [arg]
        parsed = [[name for _, name, _, _ in string.Formatter().parse(t) if name] for t in self.templates]
        self.row_unique = all(any(n in ("n", "pk") for n in names) for names in parsed)
        self.names = sorted({n for names in parsed for n in names})

    def already_unique(self) -> bool:
        return self.row_unique

    def make(self, ctx: Context) -> list[str]:
        which = _pick(self.key, ctx.rows, len(self.templates), False).tolist()
        rows = ctx.rows.tolist()
        start = self.model.pk_start
        columns = {n: ctx.columns[n] for n in self.names if n in ctx.columns}
        out = []
        for j, (t, i) in enumerate(zip(which, rows)):
            values = {name: column[j] for name, column in columns.items()}
            values.update(n=i + 1, i=i, pk=start + i)
            out.append(self.templates[t].format_map(values))
        return out


@register
class Slugify(RowText):
    name = "slugify"

    def make(self, ctx: Context) -> list[str]:
        return [slugify(str(v)) if v is not None else "" for v in ctx.columns[self.field.arg]]


@register
class Ref(FieldStrategy):
    """A foreign key (one target row) or a many-to-many field (a sorted list of distinct ones).

    A target row is written as its pk, as the value of the ``to_field`` the
    key points at, or, for rows that already exist (content types, ``existing:
    true``), as the value the plan holds for it (a natural key in a fixture).
    """

    name = "ref"
    TREE_ROOTS = 0.2  # share of a nullable self-reference's rows that start a tree

    def prepare(self) -> None:
        existing = self.plan.existing.get(self.field.target)
        self.values = existing.values if existing is not None else None
        if existing is None:
            self.target = self.plan.model(self.field.target)
            self.size, self.start = self.target.count, self.target.pk_start
        else:
            self.size, self.start = len(existing.values), 0
        # For a to_field key: target row indices -> that field's values (set by the model generator).
        self.lookup: Callable[[np.ndarray], list[Any]] | None = None
        if self.field.options.get("distribution") == "zipf" and self.size:
            self.cdf = _zipf_cdf(self.size, self.field.options.get("a", 1.2))

    def written(self, idx: np.ndarray) -> list[Any]:
        """What a reference to each target row holds."""
        if self.values is not None:
            return [self.values[i] for i in idx.tolist()]
        if self.lookup is not None:
            return self.lookup(idx)
        return (idx + self.start).tolist()

    def indices(self, rows: np.ndarray) -> np.ndarray:
        """One target row per row; -1 for none."""
        options = self.field.options
        if "joint" in options:
            return joint_digit(self, rows)
        if options.get("tree"):
            return self.tree(rows)
        if hasattr(self, "cdf"):
            return np.minimum(np.searchsorted(self.cdf, rng.uniform(self.key, rows), side="right"), self.size - 1)
        return _pick(self.key, rows, self.size, self.field.unique)

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


@register
class Generic(FieldStrategy):
    """The two halves of a GenericForeignKey: a content type, and a pk of a row of that model.

    Both halves draw from the same stream, so a row's pair always names a real row.
    """

    name = "generic"

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
class OwnContentType(FieldStrategy):
    """django-polymorphic's ``polymorphic_ctype``: the content type of the class each row belongs to."""

    name = "own_ctype"

    def prepare(self) -> None:
        types = self.plan.existing["contenttypes.contenttype"]
        blocks = self.model.blocks or ((0, self.model.label),)
        self.starts = np.array([first for first, _ in blocks], dtype=np.int64)
        self.types = [types.value_of(tuple(label.split("."))) for _, label in blocks]

    def column(self, ctx: Context) -> list[Any]:
        which = np.searchsorted(self.starts, ctx.rows, side="right") - 1
        return [self.types[w] for w in which.tolist()]


@register
class FactoryField(FieldStrategy):
    """A field taken from objects that a factory_boy factory builds (the slow path)."""

    name = "factory"

    def column(self, ctx: Context) -> list[Any]:
        built = ctx.columns["__factory__"]
        attname = self.field.field.attname
        return [getattr(obj, attname) for obj in built]


def _zipf_cdf(size: int, a: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, size + 1, dtype=np.float64) ** a
    cdf = np.cumsum(weights)
    return cdf / cdf[-1]

