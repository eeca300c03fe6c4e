"""Make a model's rows chunk by chunk, column by column."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.module_loading import import_string

from seedgen.errors import PlanError
from seedgen.planning import ModelPlan, Password, Plan, RowRef
from seedgen.strategies import Context, Strategy, rng, strategy_for
from seedgen.strategies.values import hash_password

DEFAULT_CHUNK_SIZE = 5000


@dataclass
class Chunk:
    """Rows ``start``..``stop`` of one model: pks, field columns and M2M pk lists."""

    model: ModelPlan
    start: int
    stop: int
    pks: list[int]
    columns: dict[str, list[Any]]
    m2m: dict[str, list[list[int]]]

    def __len__(self) -> int:
        return len(self.pks)  # fewer than stop - start when named objects already there are left out


class ModelGenerator:
    """Builds the strategies of one model once, then makes any range of its rows."""

    def __init__(self, plan: Plan, model: ModelPlan) -> None:
        self.plan, self.model = plan, model
        plans = {f.name: f for f in model.fields + model.m2m + model.vars}
        self.order = [plans[name] for name in model.order]
        covered = self.covered_by_objects()
        self.strategies = {f.name: _FromObjects(f, model, plan) if f.name in covered else strategy_for(f, model, plan)
                           for f in self.order}
        self.factory = _import_factory(model) if model.factory else None
        self.passwords: dict[str, str] = {}
        self.targets: dict[str, ModelGenerator] = {}
        for f in self.order:
            strategy = self.strategies[f.name]
            strategy.generator = self  # for values of other rows and models (copy, sum, to_field keys)
            if "to_field" in f.options:
                strategy.lookup = self.values_of(f.target, f.options["to_field"])

    def covered_by_objects(self) -> set[str]:
        """The fields every row of which a named object gives: no pool or table is built for them."""
        objects = self.model.objects
        if self.model.count > len(objects) or self.model.factory:
            return set()
        rows = objects[: self.model.count]
        return {f.name for f in self.order if all(f.name in o.values for o in rows)}

    def generator_of(self, label: str) -> ModelGenerator:
        """The generator of model ``label`` (this one for its own label), made once."""
        if label == self.model.label:
            return self
        if label not in self.targets:
            self.targets[label] = ModelGenerator(self.plan, self.plan.model(label))
        return self.targets[label]

    def values_of(self, label: str, name: str):
        """A function from row indices of model ``label`` to the values of its field ``name``."""

        def lookup(idx: np.ndarray) -> list[Any]:
            rows, back = np.unique(idx, return_inverse=True)
            column = self.generator_of(label).columns(rows, only=name)[name]
            return [column[i] for i in back.tolist()]

        return lookup

    def chunk(self, start: int, stop: int) -> Chunk:
        rows = np.arange(start, stop, dtype=np.int64)
        columns = self.columns(rows)
        pks = (rows + self.model.pk_start).tolist()
        m2m = {f.name: columns.pop(f.name) for f in self.model.m2m}
        chunk = Chunk(self.model, start, stop, pks, {f.name: columns[f.name] for f in self.model.fields}, m2m)
        return self.without_reused(chunk) if self.model.reused else chunk

    def without_reused(self, chunk: Chunk) -> Chunk:
        """The chunk less the named objects the database already holds (appending): they are pointed at, not made."""
        skip = {row for row, _ in self.model.reused}
        keep = [j for j, row in enumerate(range(chunk.start, chunk.stop)) if row not in skip]
        return Chunk(chunk.model, chunk.start, chunk.stop, [chunk.pks[j] for j in keep],
                     {name: [c[j] for j in keep] for name, c in chunk.columns.items()},
                     {name: [c[j] for j in keep] for name, c in chunk.m2m.items()})

    def columns(self, rows: np.ndarray, only: str | None = None) -> dict[str, list[Any]]:
        """Every column (vars included) of the given rows, in any order the caller likes;
        with ``only``, that column and the ones it is made from."""
        ctx = Context(rows=rows, columns={}, model=self.model)
        if self.factory is not None:
            ctx.columns["__factory__"] = self.build_with_factory(rows)
        for field in self.order if only is None else self.needed_for(only):
            values = self.strategies[field.name].column(ctx)
            self.apply_objects(field.name, values, rows)
            if field.when:
                values = self.apply_when(field, values, ctx)
            if field.null:
                nulls = rng.uniform(self.strategies[field.name].key, rows, salt=7) < field.null
                values = [None if is_null else v for v, is_null in zip(values, nulls.tolist())]
            ctx.columns[field.name] = values
        ctx.columns.pop("__factory__", None)
        return ctx.columns

    def needed_for(self, name: str) -> list:
        """The fields, in generation order, that column ``name`` is made from, and itself."""
        by_name = {f.name: f for f in self.order}
        wanted, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in wanted and current in by_name:
                wanted.add(current)
                todo.extend(by_name[current].depends_on)
        return [f for f in self.order if f.name in wanted]

    def apply_objects(self, name: str, values: list[Any], rows: np.ndarray) -> None:
        objects = self.model.objects
        if not objects or rows[0] >= len(objects):
            return
        for position, index in enumerate(rows.tolist()):
            if index < len(objects) and name in objects[index].values:
                values[position] = self.resolve(objects[index].values[name])

    def resolve(self, value: Any) -> Any:
        if isinstance(value, RowRef):
            return self.plan.pk_of(value)
        if isinstance(value, tuple) and all(isinstance(v, RowRef) for v in value):
            return sorted(self.plan.pk_of(v) for v in value)
        if isinstance(value, Password):
            if value.plain not in self.passwords:
                self.passwords[value.plain] = hash_password(value.plain, self.plan.seed, self.model.label)
            return self.passwords[value.plain]
        return value

    def apply_when(self, field, values: list[Any], ctx: Context) -> list[Any]:
        keep = np.ones(len(values), dtype=bool)
        for other, wanted in field.when.items():
            column = ctx.columns[other]
            keep &= np.array([v in wanted for v in column], dtype=bool)
        fallback = field.fallback
        return [v if k else fallback for v, k in zip(values, keep.tolist())]

    def build_with_factory(self, rows: np.ndarray) -> list[Any]:
        import factory.random

        # Relations come from seedgen's own refs; "__sequence" pins factory.Sequence to the row.
        overrides = {f.field.name: None for f in self.model.fields if f.field.is_relation}
        built = []
        # factory_boy and Faker draw from one shared generator: seed it per row, and give the
        # caller's state back afterwards, so a run leaves no trace in anyone else's randomness.
        state = factory.random.get_random_state()
        try:
            for row in rows.tolist():
                factory.random.reseed_random(rng.stream_key(self.plan.seed, self.model.label, "factory", row))
                built.append(self.factory.build(__sequence=row, **overrides))
        finally:
            factory.random.set_random_state(state)
        return built

    def chunks(self, chunk_size: int = DEFAULT_CHUNK_SIZE, rows: range | None = None) -> Iterator[Chunk]:
        """The model's rows (or just ``rows``, a shard's) a chunk at a time."""
        span = rows if rows is not None else range(self.model.count)
        for start in range(span.start, span.stop, chunk_size):
            yield self.chunk(start, min(start + chunk_size, span.stop))


def _import_factory(model: ModelPlan):
    try:
        return import_string(model.factory)
    except ImportError as exc:
        raise PlanError(f"{model.model._meta.label}: cannot import factory {model.factory!r}: {exc}") from None


class _FromObjects(Strategy):
    """A field whose every row is a named object's value: the objects fill it, nothing is drawn."""

    def column(self, ctx: Context) -> list[Any]:
        return [None] * len(ctx.rows)
