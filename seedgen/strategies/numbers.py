"""Numbers from a range: int (uniform or zipf), float, decimal.

The zipf distribution lives here too; ``ref`` draws its target rows with it.
"""

from __future__ import annotations

import decimal
from typing import Any

import numpy as np

from seedgen.errors import suggest
from seedgen.strategies import rng
from seedgen.strategies.base import NUMBERS, TEXTS, Context, Fail, Planning, Strategy, check_distinct, is_pair, pick, register

DISTRIBUTIONS = ("uniform", "zipf")
# The zipf exponent when a profile names none: rank k weighs 1/k. A few rows take most of
# the draws (the top fifth of 50 targets about 65%, of 1,000 about 78%), none take nothing.
ZIPF_A = 1.0


def check_distribution(options: dict[str, Any], fail: Fail) -> None:
    """The ``distribution`` and ``a`` options of a strategy that draws whole numbers."""
    distribution = options.get("distribution", "uniform")
    if distribution not in DISTRIBUTIONS:
        raise fail(f"unknown distribution {distribution!r}{suggest(distribution, DISTRIBUTIONS)}")
    a = options.get("a", ZIPF_A)
    if isinstance(a, bool) or not isinstance(a, (int, float)) or a <= 0:
        raise fail("a (the zipf exponent) must be a number above 0")


def zipf_cdf(size: int, a: float) -> np.ndarray:
    """The cumulative weights of ranks 1..size under zipf: rank k weighs 1 / k**a."""
    weights = 1.0 / np.arange(1, size + 1, dtype=np.float64) ** a
    cdf = np.cumsum(weights)
    return cdf / cdf[-1]


class NumberRange(Strategy):
    """A range [low, high] of numbers; subclasses say how values are drawn from it."""

    fits = NUMBERS | TEXTS
    @classmethod
    def check_arg(cls, arg: Any, options: dict[str, Any], fail: Fail) -> None:
        if not is_pair(arg) or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in arg) or arg[0] > arg[1]:
            raise fail(f"{cls.name} takes a range [low, high] with low <= high")


@register
class Int(NumberRange):
    """Whole numbers in [low, high], both included; ``distribution: zipf`` makes the low ones common."""

    name = "int"
    options = ("distribution", "a")

    @classmethod
    def check_arg(cls, arg: Any, options: dict[str, Any], fail: Fail) -> None:
        super().check_arg(arg, options, fail)
        if not all(isinstance(v, int) for v in arg):
            raise fail("int takes whole-number bounds")
        check_distribution(options, fail)

    @classmethod
    def plan(cls, arg: Any, options: dict[str, Any], at: Planning) -> tuple[Any, dict[str, Any]]:
        check_distinct(cls.name, arg[1] - arg[0] + 1, at)
        return arg, options

    def prepare(self) -> None:
        self.low, self.high = self.field.arg
        if self.field.options.get("distribution") == "zipf":
            self.cdf = zipf_cdf(self.high - self.low + 1, self.field.options.get("a", ZIPF_A))

    def column(self, ctx: Context) -> list[Any]:
        if self.field.unique:
            idx = pick(self.key, ctx.rows, self.high - self.low + 1, True)
        elif hasattr(self, "cdf"):
            idx = rng.weighted(self.key, ctx.rows, self.cdf)
        else:
            return rng.integers(self.key, ctx.rows, self.low, self.high).tolist()
        return (idx + self.low).tolist()


class Continuous(NumberRange):
    """Values spread over [low, high]: evenly, or with ``distribution: log`` most of them near
    ``low`` and a long tail up to ``high`` (prices, sizes)."""

    options = ("distribution",)

    @classmethod
    def check_arg(cls, arg: Any, options: dict[str, Any], fail: Fail) -> None:
        super().check_arg(arg, options, fail)
        if options.get("distribution", "uniform") not in ("uniform", "log"):
            raise fail(f"{cls.name} distribution is uniform or log")

    def spread(self, ctx: Context, low: float, high: float) -> np.ndarray:
        u = rng.uniform(self.key, ctx.rows)
        if self.field.options.get("distribution") == "log":
            return low + np.expm1(u * np.log1p(high - low))
        return low + u * (high - low)


@register
class Float(Continuous):
    """Floats in [low, high], rounded to ``digits`` places (2 unless given)."""

    name = "float"
    options = ("digits", "distribution")

    def column(self, ctx: Context) -> list[Any]:
        low, high = self.field.arg
        values = np.clip(np.round(self.spread(ctx, low, high), self.field.options.get("digits", 2)), low, high)
        return values.tolist()


@register
class Decimal(Continuous):
    """Decimals in [low, high] with the field's decimal places (two for a var, which has no field)."""

    name = "decimal"

    def column(self, ctx: Context) -> list[Any]:
        places = self.field.field.decimal_places if self.field.field is not None else 2
        low, high = (int(decimal.Decimal(str(b)).scaleb(places)) for b in self.field.arg)
        if self.field.options.get("distribution") == "log":
            ints = np.clip(np.floor(self.spread(ctx, low, high + 1)), low, high).astype(np.int64).tolist()
        else:
            ints = rng.integers(self.key, ctx.rows, low, high).tolist()
        return [decimal.Decimal(i).scaleb(-places) for i in ints]
