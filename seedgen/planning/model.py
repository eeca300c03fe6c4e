"""The plan's data: what every model and field will be made of, fixed before any value."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import models

from seedgen.errors import PlanError
from seedgen.profile.schema import ObjectSpec, Profile


@dataclass(frozen=True)
class RowRef:
    """A reference to row ``index`` of model ``label``, made a pk once pk ranges are known."""

    label: str
    index: int


@dataclass(frozen=True)
class Password:
    """A plain-text password of a named object; hashed once, at generation."""

    plain: str


@dataclass(frozen=True)
class FieldPlan:
    """One written field: the Django field, its strategy and what that strategy needs."""

    name: str
    field: models.Field | None  # None for a helper column (vars)
    strategy: str
    arg: Any
    options: Mapping[str, Any] = field(default_factory=dict)
    null: float = 0.0
    when: Mapping[str, tuple[Any, ...]] | None = None
    unique: bool = False
    depends_on: tuple[str, ...] = ()
    target: str | None = None
    fallback: Any = None
    line: int | None = None

    @property
    def kind(self) -> str:
        return self.field.get_internal_type() if self.field is not None else "var"

    @property
    def is_m2m(self) -> bool:
        return self.field is not None and self.field.many_to_many

    @property
    def max_length(self) -> int | None:
        return getattr(self.field, "max_length", None) if self.kind != "JSONField" else None

    def describe(self) -> str:
        """The strategy as `seedgen plan` shows it: full values, dates as ISO text, null as null."""
        text = self.strategy if self.arg is None and self.strategy != "constant" else f"{self.strategy} {_shown(self.arg)}"
        extras = [f"{k}={_shown(v)}" for k, v in self.options.items()]
        if self.unique:
            extras.append("unique")
        if self.null:
            extras.append(f"null={self.null:g}")
        if self.when:
            extras.append("when " + ", ".join(f"{k} in {list(v)}" for k, v in self.when.items()))
        return text + (f" ({', '.join(extras)})" if extras else "")


@dataclass(frozen=True)
class Table:
    """One table a model's rows go to: its own, or the auto-created table of one of its M2M fields."""

    name: str
    columns: tuple[str, ...]
    owners: tuple[str, ...]  # what each column holds, for messages: "blog.Post.title"
    m2m: str | None = None  # the M2M field whose pairs go here


@dataclass(frozen=True)
class ModelPlan:
    """One model's rows: count, pk range, fields in serializer order, and its place in an MTI tree.

    A multi-table child's rows are the last rows of its parent's table, pk for
    pk: the parent's ``count`` includes them, and ``blocks`` says which rows
    belong to which concrete class (own rows first).
    """

    label: str
    model: type[models.Model]
    count: int
    pk_start: int
    pk_name: str
    auto_pk: bool  # the pk is pk_start + row: an AutoField, or an MTI child's link to its parent
    fields: tuple[FieldPlan, ...]
    m2m: tuple[FieldPlan, ...]
    objects: tuple[ObjectSpec, ...] = ()
    order: tuple[str, ...] = ()
    factory: str | None = None
    vars: tuple[FieldPlan, ...] = ()
    parent: str | None = None  # MTI: the parent whose rows these rows extend
    offset: int = 0  # MTI: the parent's row where this model's rows begin
    blocks: tuple[tuple[int, str], ...] = ()  # (first row, label) of each concrete class's rows
    natural_pk: bool = False  # a fixture leaves the pk out: loaddata finds or makes the row by its natural key
    line: int | None = None  # the profile line that lists the model (None when the plan added it)
    number_from: int = 1  # what {n} and unique suffixes count from: past the rows a table had when appending
    reused: tuple[tuple[int, Any], ...] = ()  # (row, pk) of named objects the database already holds

    @property
    def pk_stop(self) -> int:
        return self.pk_start + self.count

    @property
    def tables(self) -> tuple[Table, ...]:
        """Where the rows go, in order: the model's own table (pk column first when the range gives it,
        then the fields in serializer order), then one table of pairs per auto-created M2M table."""
        meta = self.model._meta
        label = meta.label
        columns = [meta.pk.column] if self.auto_pk else []
        owners = [f"{label}.{meta.pk.name}"] if self.auto_pk else []
        columns += [f.field.column for f in self.fields]
        owners += [f"{label}.{f.name}" for f in self.fields]
        tables = [Table(meta.db_table, tuple(columns), tuple(owners))]
        for f in self.m2m:
            pair = (f.field.m2m_column_name(), f.field.m2m_reverse_name())
            tables.append(Table(f.field.remote_field.through._meta.db_table, pair, (f"{label}.{f.name}",) * 2, m2m=f.name))
        return tuple(tables)

    def field(self, name: str) -> FieldPlan:
        for plan in self.fields + self.m2m + self.vars:
            if plan.name == name:
                return plan
        raise KeyError(name)


@dataclass(frozen=True)
class ExistingRows:
    """Rows a model already has wherever the data goes: Django's own content types and
    permissions, or ``ref: {existing: true}``. ``values`` is what a reference to each holds:
    a natural key (a list) in a fixture, a pk once resolved against a database."""

    label: str
    values: tuple[Any, ...]
    natural: tuple[tuple[Any, ...], ...] = ()

    def value_of(self, natural: tuple[Any, ...]) -> Any:
        return self.values[self.natural.index(natural)]


@dataclass(frozen=True)
class Plan:
    profile: Profile
    seed: int
    now: dt.datetime
    use_tz: bool
    models: tuple[ModelPlan, ...]
    existing: Mapping[str, ExistingRows] = field(default_factory=dict)
    notices: tuple[str, ...] = ()

    def model(self, label: str) -> ModelPlan:
        for plan in self.models:
            if plan.label == label.lower():
                return plan
        raise KeyError(label)

    def pk_of(self, ref: RowRef) -> int:
        model = self.model(ref.label)
        return dict(model.reused).get(ref.index, model.pk_start + ref.index)

    @property
    def roots(self) -> tuple[ModelPlan, ...]:
        """The models whose pks come from their own table (not an MTI parent's)."""
        return tuple(m for m in self.models if m.parent is None)

    def starting_at(self, pk_starts: Mapping[str, int]) -> Plan:
        """The same plan with each root model's first pk from ``pk_starts`` (label → pk), else 1;
        an MTI child starts where its block of the parent's rows does."""
        starts = {label.lower(): start for label, start in pk_starts.items()}
        placed: dict[str, ModelPlan] = {}
        for m in self.models:  # parents come before their children
            start = placed[m.parent].pk_start + m.offset if m.parent else starts.get(m.label, 1)
            placed[m.label] = replace(m, pk_start=start)
            _check_pk_room(placed[m.label])
        return replace(self, models=tuple(placed[m.label] for m in self.models))

    def for_connection(self, connection) -> Plan:
        """Without the models whose ``required_db_features`` the database lacks, as loaddata skips them."""
        skipped = [m for m in self.models if not m.model._meta.can_migrate(connection)]
        if not skipped:
            return self
        gone = {m.label for m in skipped}
        for m in self.models:
            for f in m.fields:
                if m.label not in gone and f.target in gone and not f.field.null:
                    raise PlanError(f"{m.model._meta.label}.{f.name} needs rows of {self.model(f.target).model._meta.label}, "
                                    f"which database {connection.alias!r} cannot hold (required_db_features)")
        notices = [f"{m.model._meta.label}: skipped, the database lacks its required_db_features" for m in skipped]
        return replace(self, models=tuple(m for m in self.models if m.label not in gone),
                       notices=self.notices + tuple(notices))

    def appending(self, taken: Mapping[tuple[str, str], frozenset], reused: Mapping[str, Mapping[int, Any]],
                  rows: Mapping[str, int] | None = None) -> Plan:
        """The plan for rows added to tables that hold rows: {n} counts on from each table's first free pk
        (or, where rows give their own pk, from the ``rows`` the table holds), pooled unique values skip
        ``taken`` ((label, field) -> collation keys already there), and the named objects in ``reused``
        (label -> row -> pk) are not made again, only pointed at."""
        rows = rows or {}
        def moved(m: ModelPlan) -> ModelPlan:
            root = m
            while root.parent:
                root = self.model(root.parent)
            fields = tuple(replace(f, options={**f.options, "taken": taken[m.label, f.name]})
                           if (m.label, f.name) in taken else f for f in m.fields)
            return replace(m, fields=fields, number_from=root.pk_start if root.auto_pk else rows.get(root.label, 0) + 1,
                           reused=tuple(sorted(reused.get(m.label, {}).items())))

        return replace(self, models=tuple(moved(m) for m in self.models))

    def with_existing(self, existing: Mapping[str, ExistingRows]) -> Plan:
        return replace(self, existing={**self.existing, **existing})


# The largest pk each auto-incrementing field holds on every database Django supports.
_PK_LIMITS = {"SmallAutoField": 32767, "AutoField": 2147483647, "BigAutoField": 2**63 - 1}


def _check_pk_room(model: ModelPlan) -> None:
    limit = _PK_LIMITS.get(model.model._meta.pk.get_internal_type()) if model.auto_pk and not model.parent else None
    if limit is not None and model.count and model.pk_stop - 1 > limit:
        raise PlanError(f"{model.model._meta.label}: {model.count:,} rows from pk {model.pk_start:,} go past "
                        f"{limit:,}, the largest pk its {model.model._meta.pk.get_internal_type()} holds; lower the count")


def _shown(value: Any) -> str:
    """A value as a person reads it in a plan: YAML-like, complete."""
    if value is None:
        return "null"
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_shown(k)}: {_shown(v)}" for k, v in value.items()) + "}"
    return repr(value)

