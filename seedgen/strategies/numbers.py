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


def check_distribution(options: dict[str, Any], fail: Fail) -> None:
    """The ``distribution`` and ``a`` options of a strategy that draws whole numbers."""
    distribution = options.get("distribution", "uniform")
    if distribution not in DISTRIBUTIONS:
        raise fail(f"unknown distribution {distribution!r}{suggest(distribution, DISTRIBUTIONS)}")
    a = options.get("a", 1.2)
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
            self.cdf = zipf_cdf(self.high - self.low + 1, self.field.options.get("a", 1.2))

    def column(self, ctx: Context) -> list[Any]:
        if self.field.unique:
            idx = pick(self.key, ctx.rows, self.high - self.low + 1, True)
        elif hasattr(self, "cdf"):
            idx = np.minimum(np.searchsorted(self.cdf, rng.uniform(self.key, ctx.rows), side="right"), len(self.cdf) - 1)
        else:
            return rng.integers(self.key, ctx.rows, self.low, self.high).tolist()
        return (idx + self.low).tolist()


@register
class Float(NumberRange):
    """Floats in [low, high], rounded to ``digits`` places (2 unless given)."""

    name = "float"
    options = ("digits",)

    def column(self, ctx: Context) -> list[Any]:
        low, high = self.field.arg
        digits = self.field.options.get("digits", 2)
        values = np.round(low + rng.uniform(self.key, ctx.rows) * (high - low), digits)
        return values.tolist()


@register
class Decimal(NumberRange):
    """Decimals in [low, high] with the field's decimal places (two for a var, which has no field)."""

    name = "decimal"

    def column(self, ctx: Context) -> list[Any]:
        places = self.field.field.decimal_places if self.field.field is not None else 2
        low, high = (int(decimal.Decimal(str(b)).scaleb(places)) for b in self.field.arg)
        ints = rng.integers(self.key, ctx.rows, low, high).tolist()
        return [decimal.Decimal(i).scaleb(-places) for i in ints]
