"""Values computed from other values: of the same row (``expr``), of the row a key points at
(``copy``), and of the rows that point at this one (``sum``), so that money adds up.

Each stays row-addressable: ``copy`` and ``sum`` ask the other model's generator for
exactly the rows they need.
"""

from __future__ import annotations

import ast
import decimal
import operator
from typing import Any

import numpy as np

from seedgen.strategies.base import NUMBERS, Context, Fail, Planning, Strategy, register

_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_FUNCTIONS = {"min": min, "max": max, "round": round}


def _names(tree: ast.AST) -> list[str]:
    return [node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id not in _FUNCTIONS]


def _check(node: ast.AST) -> None:
    """Only numbers, names of the row's fields, + - * /, a leading minus and min/max/round."""
    if isinstance(node, ast.Expression):
        return _check(node.body)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        _check(node.left)
        return _check(node.right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _check(node.operand)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS and not node.keywords:
        for arg in node.args:
            _check(arg)
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return None
    if isinstance(node, ast.Name) and node.id not in _FUNCTIONS:
        return None
    raise ValueError(ast.unparse(node))


def _number(value: Any) -> Any:
    return decimal.Decimal(str(value)) if isinstance(value, float) else value


def _evaluate(node: ast.AST, row: dict[str, Any]) -> Any:
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, row), _evaluate(node.right, row)
        if left is None or right is None:
            return None
        if isinstance(left, decimal.Decimal) or isinstance(right, decimal.Decimal):
            left, right = _number(left), _number(right)
        return _OPERATORS[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp):
        value = _evaluate(node.operand, row)
        return None if value is None else -value
    if isinstance(node, ast.Call):
        args = [_evaluate(a, row) for a in node.args]
        return None if any(a is None for a in args) else _FUNCTIONS[node.func.id](*args)
    if isinstance(node, ast.Constant):
        return node.value
    return row[node.id]


class Computed(Strategy):
    """A number written as its field holds it: decimals to the field's places, whole numbers as int."""

    fits = NUMBERS
    fills_var = True

    def written(self, value: Any) -> Any:
        if value is None:
            return None
        field = self.field.field
        kind = self.field.kind if field is not None else "DecimalField"
        if kind == "DecimalField":
            places = field.decimal_places if field is not None else 2
            return decimal.Decimal(str(value) if isinstance(value, float) else value).quantize(
                decimal.Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_EVEN)
        if kind == "FloatField":
            return float(value)
        return int(value)


@register
class Expr(Computed):
    """Arithmetic over the row's own fields and vars: ``subtotal: {expr: "quantity * unit_price"}``."""

    name = "expr"

    @classmethod
    def check_arg(cls, arg: Any, options: dict[str, Any], fail: Fail) -> None:
        try:
            _check(ast.parse(arg, mode="eval") if isinstance(arg, str) else None)
        except (SyntaxError, ValueError, TypeError) as exc:
            part = f" ({exc})" if isinstance(exc, ValueError) else ""
            raise fail(f"expr takes arithmetic over the row's fields, e.g. \"quantity * unit_price\"; "
                       f"only numbers, field names, + - * / and min, max, round{part}") from None

    @classmethod
    def depends_on(cls, arg: Any, options: dict[str, Any]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(_names(ast.parse(arg, mode="eval"))))

    def prepare(self) -> None:
        self.tree = ast.parse(self.field.arg, mode="eval").body
        self.names = list(dict.fromkeys(_names(self.tree)))

    def column(self, ctx: Context) -> list[Any]:
        columns = [ctx.columns[name] for name in self.names]
        out = []
        for values in zip(*columns):
            out.append(self.written(_evaluate(self.tree, dict(zip(self.names, values)))))
        return out


def _dotted(arg: Any, parts: int, example: str, fail: Fail) -> list[str]:
    pieces = arg.split(".") if isinstance(arg, str) else []
    if len(pieces) != parts or not all(pieces):
        raise fail(example)
    return pieces


@register
class Copy(Strategy):
    """The value of a field of the row a foreign key points at: ``unit_price: {copy: product.price}``."""

    name = "copy"

    @classmethod
    def check_arg(cls, arg: Any, options: dict[str, Any], fail: Fail) -> None:
        _dotted(arg, 2, "copy takes <foreign key>.<field of its target>, e.g. copy: product.price", fail)

    @classmethod
    def depends_on(cls, arg: Any, options: dict[str, Any]) -> tuple[str, ...]:
        return (arg.split(".")[0],)

    def prepare(self) -> None:
        key, self.source = self.field.arg.split(".")
        fields = {f.name: f for f in self.model.fields}
        ref = fields.get(key)
        if ref is None or ref.strategy != "ref" or ref.is_m2m or ref.target in self.plan.existing:
            raise self.fail(f"copy: {key} is not a foreign key seedgen fills with ref on this model")
        self.key_name, self.target = key, self.plan.model(ref.target)
        if not self.target.auto_pk or self.target.reused or "to_field" in ref.options:
            raise self.fail(f"copy: {self.target.model._meta.label} rows are not numbered by pk; copy needs them to be")
        names = {f.name for f in self.target.fields + self.target.vars}
        if self.source not in names:
            raise self.fail(f"copy: {self.target.model._meta.label} has no field {self.source!r} that seedgen fills")

    def column(self, ctx: Context) -> list[Any]:
        pks = ctx.columns[self.key_name]
        present = [j for j, pk in enumerate(pks) if pk is not None]
        out: list[Any] = [None] * len(pks)
        if present:
            idx = np.array([pks[j] for j in present], dtype=np.int64) - self.target.pk_start
            for j, value in zip(present, self.generator.values_of(self.target.label, self.source)(idx)):
                out[j] = value
        return out


@register
class Sum(Computed):
    """The sum of a field over the rows that point at this one through ``ref each``:
    ``total: {sum: shop.OrderLine.subtotal}`` (0 for a row none point at)."""

    name = "sum"

    @classmethod
    def check_arg(cls, arg: Any, options: dict[str, Any], fail: Fail) -> None:
        _dotted(arg, 3, "sum takes <app>.<Model>.<field>, e.g. sum: shop.OrderLine.subtotal", fail)

    @classmethod
    def plan(cls, arg: Any, options: dict[str, Any], at: Planning) -> tuple[Any, dict[str, Any]]:
        if at.field is not None and at.field.get_internal_type() not in NUMBERS:
            raise at.fail(f"sum fills a number field, and this is a {at.field.get_internal_type()}")
        return arg, options

    def prepare(self) -> None:
        app, model, self.source = self.field.arg.split(".")
        label = f"{app}.{model}".lower()
        try:
            child = self.plan.model(label)
        except KeyError:
            raise self.fail(f"sum: the plan makes no rows of {app}.{model}; list it in the profile") from None
        ref = next((f for f in child.fields if f.strategy == "ref" and "each" in f.options and f.target == self.model.label), None)
        if ref is None:
            raise self.fail(f"sum: no field of {app}.{model} points here with ref each, which lays its rows out per row of this model")
        if self.source not in {f.name for f in child.fields + child.vars}:
            raise self.fail(f"sum: {app}.{model} has no field {self.source!r} that seedgen fills")
        self.child, self.ref_name = child, ref.name

    def column(self, ctx: Context) -> list[Any]:
        children = self.generator.generator_of(self.child.label)
        offsets = children.strategies[self.ref_name].offsets
        starts, stops = offsets[ctx.rows], offsets[ctx.rows + 1]
        rows = np.concatenate([np.arange(a, b, dtype=np.int64) for a, b in zip(starts.tolist(), stops.tolist())] or [np.arange(0)])
        values = children.columns(rows, only=self.source)[self.source] if len(rows) else []
        out, at = [], 0
        for size in (stops - starts).tolist():
            part = [v for v in values[at:at + size] if v is not None]
            at += size
            out.append(self.written(sum(part[1:], part[0]) if part else 0))
        return out
