"""Moments and spans: date, datetime and duration ranges, the bounds they are written in
(``now``, ``-1y``, ISO dates, ``15min``), and offset, a value after another of the same row.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from itertools import repeat
from typing import Any

from seedgen.strategies import rng
from seedgen.strategies.base import TEXTS, TIMES, Context, Fail, Planning, Strategy, is_pair, register

# The "now" of a profile that names none; a fixed date, so that output never depends on the wall clock.
DEFAULT_NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)

_RELATIVE = re.compile(r"^([+-]?\d+)\s*(s|min|h|d|w|y)$")
_UNIT_SECONDS = {"s": 1, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}


def parse_moment(value: Any, now: dt.datetime) -> dt.datetime:
    """A bound of a date range: ``now``, ``-1y``/``+30d``, or an ISO date or datetime."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if isinstance(value, str):
        text = value.strip()
        if text == "now":
            return now
        match = _RELATIVE.match(text)
        if match:
            return now + dt.timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])
        try:
            return parse_moment(dt.datetime.fromisoformat(text.replace("Z", "+00:00")), now)
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a date: use 'now', '-1y', '+30d', '-12h' or an ISO date")


def parse_span(value: Any) -> dt.timedelta:
    """A length of time such as ``90s``, ``15min``, ``2h``, ``30d``; ValueError otherwise."""
    seconds = _span(value)
    if seconds is None:
        raise ValueError(f"{value!r} is not a span: use e.g. '90s', '15min', '2h', '30d', '1w', '1y'")
    return dt.timedelta(seconds=seconds)


def _span(value: Any) -> int | None:
    match = _RELATIVE.match(value.strip()) if isinstance(value, str) else None
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)] if match else None


@register
class DateTime(Strategy):
    """Moments in [start, end] to the second, each bound ``now``, relative (``-1y``) or ISO;
    a date or time field takes the date or the time of each."""

    fits = TIMES | TEXTS
    name = "datetime"

    @classmethod
    def check_arg(cls, arg: Any, options: dict[str, Any], fail: Fail) -> None:
        if isinstance(arg, dict):  # {after: created_at, within: 30d}: later than another field of the row
            sides = [k for k in ("after", "before") if k in arg]
            if len(sides) != 1 or not isinstance(arg[sides[0]], str) or set(arg) - {"after", "before", "within"} \
                    or _span(arg.get("within", "30d")) is None:
                raise fail(f"{cls.name} takes {{after: <field>, within: 30d}} or {{before: <field>, within: 30d}}")
            return
        if not is_pair(arg):
            raise fail(f"{cls.name} takes a range [start, end], e.g. ['-1y', 'now'], or {{after: <field>, within: 30d}}")
        for bound in arg:
            try:
                parse_moment(bound, DEFAULT_NOW)
            except ValueError as exc:
                raise fail(str(exc)) from None

    @classmethod
    def depends_on(cls, arg: Any, options: dict[str, Any]) -> tuple[str, ...]:
        return (arg.get("after") or arg.get("before"),) if isinstance(arg, dict) else ()

    @classmethod
    def plan(cls, arg: Any, options: dict[str, Any], at: Planning) -> tuple[Any, dict[str, Any]]:
        if isinstance(arg, dict):
            return {**arg, "within": arg.get("within", "30d")}, options
        arg = [parse_moment(bound, at.now) for bound in arg]
        if at.field is not None and arg[0] > arg[1]:
            raise at.fail("the range starts after it ends")
        return arg, options

    def prepare(self) -> None:
        self.kind = self.field.kind
        if isinstance(self.field.arg, dict):
            return
        self.start, end = self.field.arg
        self.span = int((end - self.start).total_seconds())

    def column(self, ctx: Context) -> list[Any]:
        if isinstance(self.field.arg, dict):
            return self.relative(ctx)
        seconds = rng.integers(self.key, ctx.rows, 0, self.span)
        start = self.start if self.plan.use_tz else self.start.replace(tzinfo=None)
        if start.tzinfo is dt.UTC and not start.microsecond:  # the same moments, made in C
            epoch = (seconds + int(start.timestamp())).tolist()
            return self.shaped(list(map(dt.datetime.fromtimestamp, epoch, repeat(dt.UTC))))
        return self.shaped([start + dt.timedelta(seconds=s) for s in seconds.tolist()])

    def relative(self, ctx: Context) -> list[Any]:
        """Each row's moment within ``within`` after (or before) the other field's, never past "now"
        for a later one that starts before it (what is updated or published has happened)."""
        arg = self.field.arg
        other, sign = (arg["after"], 1) if "after" in arg else (arg["before"], -1)
        within = int(parse_span(arg["within"]).total_seconds())
        now = self.plan.now if self.plan.use_tz else self.plan.now.replace(tzinfo=None)
        seconds = rng.integers(self.key, ctx.rows, 0, within).tolist()
        out = []
        for base, s in zip(ctx.columns[other], seconds):
            if base is None:
                out.append(None)
                continue
            if not isinstance(base, dt.datetime):  # a date: whole days
                out.append(base + sign * dt.timedelta(days=s // 86400))
                continue
            moment = base + sign * dt.timedelta(seconds=s)
            out.append(min(moment, max(base, now)) if sign > 0 else moment)
        return out if self.kind == "DateTimeField" or not out else self.shaped(out)

    def shaped(self, moments: list[Any]) -> list[Any]:
        if self.kind == "DateField":
            return [m.date() if isinstance(m, dt.datetime) else m for m in moments]
        if self.kind == "TimeField":
            return [m.time() if isinstance(m, dt.datetime) else m for m in moments]
        return moments


@register
class Date(DateTime):
    """Dates in [start, end], written like datetime's bounds."""

    name = "date"


@register
class Duration(Strategy):
    """Spans of time in [shortest, longest], to the second, e.g. ['1min', '30d']."""

    fits = frozenset({"DurationField"}) | TEXTS
    name = "duration"

    @classmethod
    def check_arg(cls, arg: Any, options: dict[str, Any], fail: Fail) -> None:
        if not is_pair(arg) or not all(_span(b) is not None for b in arg) or _span(arg[0]) > _span(arg[1]):
            raise fail("duration takes a range [shortest, longest] of spans such as ['1min', '30d']")

    def column(self, ctx: Context) -> list[Any]:
        low, high = (int(parse_span(b).total_seconds()) for b in self.field.arg)
        return [dt.timedelta(seconds=s) for s in rng.integers(self.key, ctx.rows, low, high).tolist()]


@register
class Offset(Strategy):
    """A value after (or before) another field of the same row, as a CheckConstraint such as
    ``Q(ends_at__gte=F("starts_at"))`` wants: the other value moved by a random step."""

    name = "offset"
    options = ("direction", "strict", "within")
    STEPS = {"DateTimeField": dt.timedelta(days=30), "DateField": dt.timedelta(days=30),
             "DurationField": dt.timedelta(days=1)}

    @classmethod
    def check_arg(cls, arg: Any, options: dict[str, Any], fail: Fail) -> None:
        if not isinstance(arg, str) or options.get("direction", "after") not in ("after", "before"):
            raise fail("offset takes another field's name, with direction: after (default) or before")

    @classmethod
    def depends_on(cls, arg: Any, options: dict[str, Any]) -> tuple[str, ...]:
        return (arg,)

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
