"""Check a profile against the models' own validation (``seedgen check``): insert a sample of
its rows, read each one back, run ``full_clean()`` on it, and roll everything back.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.test.utils import override_settings

from seedgen import api
from seedgen.errors import Interrupted, SeedgenError
from seedgen.generate.chunks import Chunk
from seedgen.planning import ModelPlan, Plan
from seedgen.profile import FieldSpec, Profile
from seedgen.sinks.base import Sink
from seedgen.sinks.database import database_sink, first_free_pks

SAMPLE_ROWS = 50
MESSAGES_SHOWN = 3
_READ_BATCH = 500


@dataclass(frozen=True)
class FieldFailure:
    """The rows of one model whose ``field`` fails validation (NON_FIELD_ERRORS: the model's own clean(), constraints)."""

    field: str
    rows: int
    messages: tuple[str, ...]  # the first distinct ones
    example: str | None = None  # the first failing row's pk and value: "pk 3: 'a slug 3'"
    hint: str | None = None  # the profile line that makes every sampled row pass, when seedgen found one


@dataclass(frozen=True)
class ModelCheck:
    """One model's sample: rows read back, rows with any error, and the errors field by field."""

    label: str
    rows: int
    failing: int
    failures: tuple[FieldFailure, ...] = ()


@dataclass(frozen=True)
class CheckReport:
    """What ``check_profile`` found; the database kept none of the rows."""

    profile: str
    database: str
    models: tuple[ModelCheck, ...]

    @property
    def rows(self) -> int:
        return sum(m.rows for m in self.models)

    @property
    def failing(self) -> int:
        return sum(m.failing for m in self.models)


def check_profile(
    profile: Profile | str | Path,
    *,
    rows: int = SAMPLE_ROWS,
    database: str = "default",
    seed: int | None = None,
    settings: str | None = None,
) -> CheckReport:
    """Validate at most ``rows`` rows of each model (named objects always) in database ``database``.

    The rows go in through the insert path, inside a transaction that is
    rolled back whatever happens, so the database is left as it was.
    """
    plan = api.prepare(profile, seed=seed, settings=settings, database=database)
    api.open_database(database)  # as insert does
    # A profile's counts are each model's own rows (an MTI parent's plan counts its children's too).
    counts = {apps.get_model(spec.label)._meta.concrete_model._meta.label_lower: max(len(spec.objects), min(spec.count, rows))
              for spec in plan.profile.models if spec.count is not None}
    sample = _Sample(plan.profile, plan.seed, counts, database)
    first = sample.plan(plan.profile)
    classes = {m.label: m.model for m in first.models}
    checks = sample.check(first)
    return CheckReport(
        profile=plan.profile.file, database=database,
        models=tuple(replace(c, failures=tuple(sample.with_hint(classes[c.label.lower()], f) for f in c.failures))
                     for c in checks),
    )


class _Sample:
    """One profile's sample in one database, checked as it is or with one field's strategy changed."""

    def __init__(self, profile: Profile, seed: int, counts: Mapping[str, int], database: str) -> None:
        self.profile, self.seed, self.counts, self.database = profile, seed, counts, database
        self.starts: dict[str, int] | None = None

    def plan(self, profile: Profile) -> Plan:
        """The plan of ``profile``'s sample, placed in the database as ``api.insert`` places its rows."""
        plan = api.in_database(api.prepare(profile, seed=self.seed, counts=self.counts, database=self.database),
                               self.database)
        if self.starts is None:
            # Not reserved: the rollback leaves the tables as they were for every trial.
            self.starts = first_free_pks(plan, self.database)
        return plan.starting_at(self.starts)

    def check(self, plan: Plan, only: str | None = None) -> list[ModelCheck]:
        """Insert, read back and validate the rows of ``plan`` (of model ``only``, if given); roll back."""
        recorder = _Recorder(database_sink(self.database))
        with transaction.atomic(using=self.database):
            try:
                api.run(plan, recorder)
                with _reads_and_writes_to(self.database):
                    return [self.check_model(m, recorder.pks.get(m.label, []))
                            for m in plan.models if only in (None, m.label)]
            finally:
                transaction.set_rollback(True, using=self.database)

    def check_model(self, model: ModelPlan, pks: list[Any]) -> ModelCheck:
        tally: dict[str, _Tally] = {}
        rows = failing = 0
        for obj in _read_back(model.model, pks, self.database):
            rows += 1
            try:
                obj.full_clean()
            except ValidationError as exc:
                failing += 1
                for name, errors in exc.update_error_dict({}).items():
                    tally.setdefault(name, _Tally()).add(obj, name, errors)
        order = [f.name for f in model.model._meta.fields] + [NON_FIELD_ERRORS]
        names = sorted(tally, key=lambda n: order.index(n) if n in order else len(order))
        return ModelCheck(model.model._meta.label, rows, failing, tuple(tally[n].failure(n) for n in names))

    def with_hint(self, model: type[models.Model], failure: FieldFailure) -> FieldFailure:
        """The failure with the first profile line that makes every sampled row pass that field, if any."""
        label = model._meta.label
        spec = self.profile.model(label)
        if spec is None:
            return failure  # a model the plan added because a listed one needs it: list it first
        named = any(f.name == failure.field for f in spec.fields)
        for candidate in _candidates(model, failure.field, named):
            try:
                plan = self.plan(self.changed(model, failure.field, candidate))
                trial = self.check(plan, only=label.lower())
            except Interrupted:
                raise
            except SeedgenError:
                continue  # the candidate does not fit the rest of the profile
            if not any(f.field == failure.field for c in trial for f in c.failures):
                derived = plan.model(label).field(failure.field).describe()
                return replace(failure, hint=_hint(label, failure.field, named, candidate, derived))
        return failure

    def changed(self, model: type[models.Model], name: str, candidate: FieldSpec | None) -> Profile:
        """The profile with field ``name`` of ``model`` filled by ``candidate`` (None: left to seedgen)."""
        spec = self.profile.model(model._meta.label)
        fields = tuple(f for f in spec.fields if f.name != name) + ((candidate,) if candidate else ())
        return replace(self.profile, models=tuple(replace(m, fields=fields) if m is spec else m for m in self.profile.models))


class _Tally:
    """What one field's failures have in common so far."""

    def __init__(self) -> None:
        self.rows = 0
        self.messages: list[str] = []
        self.example: str | None = None

    def add(self, obj: models.Model, name: str, errors: list[ValidationError]) -> None:
        self.rows += 1
        for error in errors:
            for message in error.messages:
                if message not in self.messages and len(self.messages) < MESSAGES_SHOWN:
                    self.messages.append(message)
        if self.example is None and name != NON_FIELD_ERRORS:
            value = getattr(obj, _attname(obj, name), None)
            self.example = f"pk {obj.pk}: {_short(repr(value))}"

    def failure(self, name: str) -> FieldFailure:
        return FieldFailure(name, self.rows, tuple(self.messages), self.example)


class _Recorder(Sink):
    """Hands every chunk on to the database sink, keeping the pks of its rows to read them back."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.pks: dict[str, list[Any]] = {}

    def open(self, plan: Plan) -> None:
        super().open(plan)
        self.sink.open(plan)

    def write(self, chunk: Chunk) -> None:
        self.sink.write(chunk)
        model = chunk.model
        self.pks.setdefault(model.label, []).extend(chunk.pks if model.auto_pk else chunk.columns[model.pk_name])

    def close(self) -> None:
        self.sink.close()

    def abort(self) -> None:
        self.sink.abort()


class _Route:
    """A database router that sends everything to one database."""

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str:
        return self.alias

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str:
        return self.alias


def _reads_and_writes_to(alias: str):
    """Model.validate_unique() looks for clashes through the default manager, without .using(),
    so on any database but the default it would search the wrong one."""
    from django.conf import settings

    return override_settings(DATABASE_ROUTERS=[_Route(alias), *settings.DATABASE_ROUTERS])


def _read_back(model: type[models.Model], pks: list[Any], alias: str) -> Iterator[models.Model]:
    manager = model._base_manager.using(alias)
    for start in range(0, len(pks), _READ_BATCH):
        yield from manager.filter(pk__in=pks[start:start + _READ_BATCH]).order_by("pk")


def _attname(obj: models.Model, name: str) -> str:
    try:
        return obj._meta.get_field(name).attname
    except FieldDoesNotExist:
        return name


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _candidates(model: type[models.Model], name: str, named: bool) -> Iterator[FieldSpec | None]:
    """Strategies that may fill field ``name`` validly, most specific first; None is seedgen's own
    (the field left out of the profile), tried last, when the profile names the field."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return  # NON_FIELD_ERRORS or a name the model's clean() made up: no one field to change
    if field.is_relation or not field.concrete:
        return
    unique = field.unique or None

    def spec(strategy: str, arg: Any, **options: Any) -> FieldSpec:
        return FieldSpec(name=name, strategy=strategy, arg=arg, options=options, unique=unique)

    if field.choices:
        yield spec("choice", [value for value, _ in field.flatchoices])
    if isinstance(field, models.SlugField):
        for source in ("title", "name"):
            if any(f.name == source for f in model._meta.fields):
                yield spec("slugify", source)
        yield spec("faker", "slug")
    elif isinstance(field, models.EmailField):
        yield spec("faker", "email")
    elif isinstance(field, models.URLField):
        yield spec("faker", "url")
    for validator in field.validators:
        if isinstance(validator, RegexValidator) and not validator.inverse_match and not validator.flags:
            yield spec("regex", validator.regex.pattern)
    kind = field.get_internal_type()
    if kind == "TextField":
        yield spec("faker", "paragraph")
    elif kind == "CharField" and (field.max_length or 200) >= 5:
        yield spec("faker", "text", args={"max_nb_chars": min(field.max_length or 200, 200)})
    elif kind in ("DateField", "DateTimeField"):
        yield spec(kind.removesuffix("Field").lower(), ["-1y", "now"])
    elif kind == "BooleanField":
        yield spec("choice", [True, False])
    elif "IntegerField" in kind:
        yield spec("int", list(_int_bounds(field)))
    if named:
        yield None


def _int_bounds(field: models.Field) -> tuple[int, int]:
    """A range of at most 1,001 values inside the field's MinValueValidator and MaxValueValidator limits."""
    limits = [(type(v), v.limit_value) for v in field.validators
              if isinstance(v, (MinValueValidator, MaxValueValidator)) and isinstance(v.limit_value, int)]
    low = max([limit for kind, limit in limits if kind is MinValueValidator], default=0)
    high = min([limit for kind, limit in limits if kind is MaxValueValidator] + [low + 1000])
    return low, high


def _hint(label: str, name: str, named: bool, candidate: FieldSpec | None, derived: str) -> str:
    where = f"{label}.fields.{name}"
    if candidate is None:
        return f"{where}: leave it out of the profile; seedgen's own strategy passes: {derived}"
    body: dict[str, Any] = {candidate.strategy: candidate.arg, **candidate.options}
    if candidate.unique:
        body["unique"] = True
    line = yaml.safe_dump({name: body}, default_flow_style=True, sort_keys=False, width=1000).strip()[1:-1]
    return f"{where}: {'replace its strategy' if named else 'add a strategy'}, e.g.  {line}"
