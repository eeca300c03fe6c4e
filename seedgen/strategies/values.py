"""Values the profile gives or names: constant, choice, password (hashed once), default (the
model's own), and factory (a factory_boy factory's objects, set by the planner).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seedgen.strategies import rng
from seedgen.strategies.base import (
    Context,
    Fail,
    Planning,
    Strategy,
    check_distinct,
    check_length,
    joint_digit,
    pick,
    register,
)


@register
class Constant(Strategy):
    """One value for every row (a bare value in the profile: ``status: draft``); a relation takes only null."""

    name = "constant"
    fills_relation = True

    @classmethod
    def plan(cls, arg: Any, options: dict[str, Any], at: Planning) -> tuple[Any, dict[str, Any]]:
        if at.field is not None and at.field.is_relation and arg not in (None, []):
            raise at.fail("a relation takes ref: <model>, or null")
        check_distinct(cls.name, 1, at)
        check_length([arg] if arg is not None else [], at)
        return arg, options

    def column(self, ctx: Context) -> list[Any]:
        return [self.field.arg] * len(ctx.rows)


def _weighted(arg: dict[Any, Any]) -> list[Any]:
    """The values of a weighted choice that can come out: those weighing above 0."""
    return [value for value, weight in arg.items() if weight > 0]


@register
class Choice(Strategy):
    """One of a list of values (a list in the profile: ``[a, b]``), or of a mapping of value to weight."""

    name = "choice"

    @classmethod
    def check_arg(cls, arg: Any, options: dict[str, Any], fail: Fail) -> None:
        if isinstance(arg, dict):
            if not arg or any(isinstance(w, bool) or not isinstance(w, (int, float)) or w < 0 for w in arg.values()):
                raise fail("a weighted choice maps each value to a weight >= 0")
            if sum(arg.values()) <= 0:
                raise fail("a weighted choice needs a weight above 0")
        elif not isinstance(arg, list) or not arg:
            raise fail("choice takes a non-empty list or a mapping of value to weight")

    @classmethod
    def plan(cls, arg: Any, options: dict[str, Any], at: Planning) -> tuple[Any, dict[str, Any]]:
        check_distinct(cls.name, len(set(map(repr, arg if isinstance(arg, list) else _weighted(arg)))), at)
        check_length(list(arg) if isinstance(arg, (list, dict)) else [], at)
        return arg, options

    def prepare(self) -> None:
        arg = self.field.arg
        if isinstance(arg, dict):
            self.values = _weighted(arg)
            weights = np.array([w for w in arg.values() if w > 0], dtype=np.float64)
        else:
            self.values = list(arg)
            weights = np.ones(len(self.values))
        self.cumulative = np.cumsum(weights) / weights.sum()

    def column(self, ctx: Context) -> list[Any]:
        if "joint" in self.field.options:
            idx = joint_digit(self, ctx.rows)
        elif self.field.unique:
            idx = pick(self.key, ctx.rows, len(self.values), True)
        else:
            idx = rng.weighted(self.key, ctx.rows, self.cumulative)
        values = self.values
        return [values[i] for i in idx.tolist()]


@register
class Password(Strategy):
    """One plain-text password for every row, hashed once with a salt drawn from the seed."""

    fits = frozenset({"CharField"})
    name = "password"
    fills_var = False

    @classmethod
    def check_arg(cls, arg: Any, options: dict[str, Any], fail: Fail) -> None:
        if not isinstance(arg, str):
            raise fail("password takes the plain-text password to hash")

    def prepare(self) -> None:
        self.hashed = hash_password(self.field.arg, self.plan.seed, self.model.label)

    def column(self, ctx: Context) -> list[Any]:
        return [self.hashed] * len(ctx.rows)


def hash_password(plain: str, seed: int, label: str) -> str:
    """Hash with a salt drawn from the seed, so the bytes repeat; and, since a hash is slow on
    purpose (PBKDF2: a third of a second), once per machine: kept in seedgen's cache directory,
    keyed by everything the hash depends on (the hasher, its cost, the password, the salt)."""
    import hashlib

    from django.contrib.auth.hashers import get_hasher, make_password

    from seedgen.cachedir import remembered

    salt = f"{rng.stream_key(seed, label, 'password'):016x}"
    hasher = get_hasher("default")
    cost = {k: getattr(hasher, k) for k in ("iterations", "rounds", "time_cost", "memory_cost", "parallelism", "work_factor")
            if hasattr(hasher, k)}
    identity = repr((type(hasher).__module__, type(hasher).__qualname__, hasher.algorithm, sorted(cost.items()), plain, salt))
    key = hashlib.sha256(identity.encode()).hexdigest()
    return remembered("passwords", key, lambda: make_password(plain, salt=salt))


@register
class Default(Strategy):
    """The model's own default, else null for a nullable field, else what seedgen derives for the field;
    the planner puts that strategy in its place, so this one never makes a value."""

    name = "default"
    fills_var = False


@register
class FactoryField(Strategy):
    """A field taken from objects that a factory_boy factory builds (the slow path)."""

    name = "factory"
    internal = True
    fills_var = False

    def column(self, ctx: Context) -> list[Any]:
        built = ctx.columns["__factory__"]
        attname = self.field.field.attname
        return [getattr(obj, attname) for obj in built]
