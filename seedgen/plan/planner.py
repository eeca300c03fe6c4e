"""Turn a Profile and the installed Django models into a Plan.

The plan fixes the model order, the row count and pk range of every model and
one strategy for every written field, and rejects what cannot work (unknown
names, too few distinct values for a unique field, references to empty
models) before any value is made.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from seedgen.errors import PlanError, ProfileError
from seedgen.plan import introspect
from seedgen.plan.graph import dependency_order
from seedgen.plan.providers import faker_for
from seedgen.profile.schema import FieldSpec, ModelSpec, ObjectSpec, Profile, parse_moment, suggest

ROW_PLACEHOLDERS = ("n", "i", "pk")


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
        text = self.strategy if self.arg is None else f"{self.strategy} {_short(self.arg)}"
        extras = [f"{k}={_short(v)}" for k, v in self.options.items()]
        if self.unique:
            extras.append("unique")
        if self.null:
            extras.append(f"null={self.null:g}")
        if self.when:
            extras.append("when " + ", ".join(f"{k} in {list(v)}" for k, v in self.when.items()))
        return text + (f" ({', '.join(extras)})" if extras else "")


@dataclass(frozen=True)
class ModelPlan:
    label: str
    model: type[models.Model]
    count: int
    pk_start: int
    pk_name: str
    auto_pk: bool
    fields: tuple[FieldPlan, ...]
    m2m: tuple[FieldPlan, ...]
    objects: tuple[ObjectSpec, ...] = ()
    order: tuple[str, ...] = ()
    factory: str | None = None
    vars: tuple[FieldPlan, ...] = ()

    @property
    def pk_stop(self) -> int:
        return self.pk_start + self.count

    def field(self, name: str) -> FieldPlan:
        for plan in self.fields + self.m2m + self.vars:
            if plan.name == name:
                return plan
        raise KeyError(name)


@dataclass(frozen=True)
class Plan:
    profile: Profile
    seed: int
    now: dt.datetime
    use_tz: bool
    models: tuple[ModelPlan, ...]

    def model(self, label: str) -> ModelPlan:
        for plan in self.models:
            if plan.label == label.lower():
                return plan
        raise KeyError(label)

    def pk_of(self, ref: RowRef) -> int:
        return self.model(ref.label).pk_start + ref.index

    def starting_at(self, pk_starts: Mapping[str, int]) -> Plan:
        """The same plan with each model's first pk from ``pk_starts`` (label → pk), else 1."""
        starts = {label.lower(): start for label, start in pk_starts.items()}
        return replace(self, models=tuple(replace(m, pk_start=starts.get(m.label, 1)) for m in self.models))


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


def build_plan(
    profile: Profile,
    *,
    seed: int | None = None,
    counts: Mapping[str, int] | None = None,
    scale: float = 1.0,
    pk_starts: Mapping[str, int] | None = None,
) -> Plan:
    """Check ``profile`` against the installed models and fix everything about the run."""
    from django.conf import settings

    builder = _Builder(profile, settings.USE_TZ)
    models_by_label = {spec.label: builder.model_class(spec) for spec in profile.models}
    labels = {spec.label: models_by_label[spec.label]._meta.label_lower for spec in profile.models}
    final_counts = builder.counts(counts or {}, scale, models_by_label)
    plans = {}
    for spec in profile.models:
        model = models_by_label[spec.label]
        plans[labels[spec.label]] = builder.model_plan(spec, model, final_counts, labels)
    hard = {label: {f.target for f in p.fields if f.target and not f.field.null} for label, p in plans.items()}
    soft = {
        label: {f.target for f in p.fields + p.m2m if f.target and (f.field.null or f.is_m2m)}
        for label, p in plans.items()
    }
    order = dependency_order(list(plans), hard, soft)
    plan = Plan(profile=profile, seed=profile.seed if seed is None else seed, now=profile.now,
                use_tz=settings.USE_TZ, models=tuple(plans[label] for label in order))
    return plan.starting_at(pk_starts or {})


class _Builder:
    def __init__(self, profile: Profile, use_tz: bool) -> None:
        self.profile = profile
        self.use_tz = use_tz
        self.counts_by_label: dict[str, int] = {}
        self.objects_by_label: dict[str, tuple[ObjectSpec, ...]] = {}

    def error(self, message: str, line: int | None, key: str) -> ProfileError:
        return ProfileError(message, file=self.profile.file, line=line, key=key)

    def model_class(self, spec: ModelSpec) -> type[models.Model]:
        try:
            model = apps.get_model(spec.label)
        except (LookupError, ValueError):
            known = [m._meta.label for m in apps.get_models()]
            raise self.error(f"unknown model{suggest(spec.label, known)}", spec.line, spec.label) from None
        if model._meta.proxy:
            model = model._meta.concrete_model
        if model._meta.abstract or not model._meta.managed and model._meta.auto_created:
            raise self.error("cannot generate rows for this model", spec.line, spec.label)
        return model

    def counts(self, overrides: Mapping[str, int], scale: float, classes: Mapping[str, type]) -> dict[str, int]:
        by_lower = {classes[s.label]._meta.label_lower: s for s in self.profile.models}
        result = {}
        for label, spec in by_lower.items():
            if spec.count is None:
                # A model made only of named objects keeps exactly those under --scale.
                result[label] = len(spec.objects)
            else:
                result[label] = spec.count if scale == 1 else max(len(spec.objects), round(spec.count * scale))
        for label, value in overrides.items():
            key = label.lower()
            if key not in result:
                raise PlanError(f"--count {label}: the profile has no such model{suggest(label, list(result))}")
            spec = by_lower[key]
            if value < len(spec.objects):
                raise PlanError(f"--count {label}={value}: the profile names {len(spec.objects)} objects; count includes them")
            result[key] = value
        self.counts_by_label = result
        self.objects_by_label = {label: spec.objects for label, spec in by_lower.items()}
        return result

    def model_plan(self, spec: ModelSpec, model: type[models.Model], counts: Mapping[str, int],
                   labels: Mapping[str, str]) -> ModelPlan:
        label = model._meta.label_lower
        try:
            local, m2m = introspect.writable_fields(model)
        except PlanError as exc:
            raise self.error(str(exc).split(": ", 1)[1], spec.line, spec.label) from None
        by_name = {f.name: f for f in local + m2m}
        for alias in (f.attname for f in local):
            by_name.setdefault(alias, by_name.get(alias.removesuffix("_id")))
        named = {}
        for fspec in spec.fields:
            target = by_name.get(fspec.name)
            if target is None or target.primary_key and introspect.is_auto_pk(target):
                writable = [f.name for f in local + m2m if not introspect.is_auto_pk(f)]
                raise self.error(f"unknown field{suggest(fspec.name, writable)}", fspec.line,
                                 f"{spec.label}.fields.{fspec.name}")
            named[target.name] = fspec
        count = counts[label]
        if spec.factory:
            self.check_factory(spec)
        unique = introspect.unique_fields(model)
        plans = []
        pk = model._meta.pk
        for f in local + m2m:
            if f.primary_key and introspect.is_auto_pk(f):
                continue
            fspec = named.get(f.name)
            if fspec is None and spec.factory and not f.is_relation:
                fspec = FieldSpec(name=f.name, strategy="factory", arg=spec.factory)
            if fspec is None:
                fspec = introspect.derive(f, model, f.name in unique, self.profile.now)
            plans.append(self.field_plan(spec, f, fspec, f.name in unique, count, model))
        if not introspect.is_auto_pk(pk) and any(p.name == pk.name for p in plans):
            pk_plan = next(p for p in plans if p.name == pk.name)
            if not pk_plan.unique:
                plans[plans.index(pk_plan)] = replace(pk_plan, unique=True)
        helpers = tuple(self.var_plan(spec, v, by_name) for v in spec.vars)
        self.check_dependencies(spec, plans + list(helpers))
        fields = tuple(p for p in plans if not p.is_m2m)
        m2m_plans = tuple(p for p in plans if p.is_m2m)
        objects = tuple(self.resolve_object(spec, model, obj, by_name) for obj in spec.objects)
        return ModelPlan(
            label=label, model=model, count=count, pk_start=1, pk_name=pk.name,
            auto_pk=introspect.is_auto_pk(pk), fields=fields, m2m=m2m_plans, objects=objects,
            order=tuple(_generation_order(plans + list(helpers), spec, self)), factory=spec.factory,
            vars=helpers,
        )

    def var_plan(self, spec: ModelSpec, fspec: FieldSpec, by_name: Mapping[str, Any]) -> FieldPlan:
        key = f"{spec.label}.vars.{fspec.name}"
        if fspec.name in by_name or fspec.name in ROW_PLACEHOLDERS:
            raise self.error("a var must not share its name with a field or n, i, pk", fspec.line, key)
        if fspec.strategy in ("ref", "password", "factory", "default"):
            raise self.error(f"{fspec.strategy} cannot fill a var", fspec.line, key)
        options = dict(fspec.options)
        arg = fspec.arg
        if fspec.strategy == "faker":
            options["locale"] = options.get("locale", self.profile.locale)
            self.check_faker(arg, options["locale"], lambda m: self.error(m, fspec.line, key))
        if fspec.strategy in ("date", "datetime"):
            arg = [parse_moment(bound, self.profile.now) for bound in arg]
        return FieldPlan(name=fspec.name, field=None, strategy=fspec.strategy, arg=arg, options=options,
                         null=fspec.null, when=fspec.when, unique=bool(fspec.unique),
                         depends_on=_depends_on(fspec.strategy, arg, fspec), line=fspec.line)

    def field_plan(self, spec: ModelSpec, f: models.Field, fspec: FieldSpec, model_unique: bool,
                   count: int, model: type[models.Model]) -> FieldPlan:
        key = f"{spec.label}.fields.{f.name}"
        line = fspec.line

        def fail(message: str) -> ProfileError:
            return self.error(message, line, key)

        unique = model_unique if fspec.unique is None else fspec.unique
        if model_unique and fspec.unique is False:
            raise fail("the model declares this field unique; drop 'unique: false'")
        strategy, arg, options = fspec.strategy, fspec.arg, dict(fspec.options)
        if strategy == "factory":
            return FieldPlan(name=f.name, field=f, strategy=strategy, arg=arg, unique=unique)
        has_default, default = introspect.model_default(f, self.profile.now)
        if strategy == "default":
            if f.is_relation:
                derived = introspect.derive(f, model, unique, self.profile.now)
                strategy, arg, options = derived.strategy, derived.arg, dict(derived.options)
            elif has_default:
                strategy, arg = "constant", default
            elif f.null:
                strategy, arg = "constant", None
            else:
                derived = introspect.derive(f, model, unique, self.profile.now)
                strategy, arg, options = derived.strategy, derived.arg, dict(derived.options)
        target = None
        if f.is_relation:
            target = f.related_model._meta.label_lower
            if strategy == "ref" and arg.lower() != target and apps.get_model(arg)._meta.label_lower != target:
                raise fail(f"ref {arg} does not match the field, which points to {f.related_model._meta.label}")
            if strategy not in ("ref", "constant"):
                raise fail(f"{strategy} cannot fill a relation; use ref: {f.related_model._meta.label}")
            if strategy == "constant" and arg not in (None, []):
                raise fail("a relation takes ref: <model>, or null")
            if strategy == "ref" and fspec.line is None and target not in self.counts_by_label and f.many_to_many and f.blank:
                # An unnamed, optional M2M to a model outside the profile stays empty.
                strategy, arg, options = "constant", [], {}
            if f.many_to_many and strategy == "ref":
                options.setdefault("count", [0 if f.blank else 1, 3])
            if not f.many_to_many and "count" in options:
                raise fail("count is for many-to-many fields; a foreign key takes one row")
            if strategy == "ref":
                self.check_ref(f, target, count, unique, options, fail)
        elif strategy == "ref":
            raise fail(f"ref is for relations, and {f.name} is a {f.get_internal_type()}")
        elif f.many_to_many:
            raise fail("a many-to-many field takes ref: <model> with count: [min, max]")
        if f.one_to_one and strategy == "ref":
            unique = True
        if strategy == "faker":
            options["locale"] = options.get("locale", self.profile.locale)
            self.check_faker(arg, options["locale"], fail)
        if strategy in ("date", "datetime"):
            arg = [parse_moment(bound, self.profile.now) for bound in arg]
            if arg[0] > arg[1]:
                raise fail("the range starts after it ends")
        self.check_capacity(strategy, arg, options, unique, count, f, fail)
        self.check_length(strategy, arg, f, fail)
        if fspec.null and not f.null:
            raise fail("null is set but the field is not nullable (null=True)")
        fallback = None
        if fspec.when:
            if f.null:
                fallback = None
            elif has_default:
                fallback = default
            else:
                raise fail("when needs a field that is nullable or has a default, for the rows it skips")
        return FieldPlan(
            name=f.name, field=f, strategy=strategy, arg=arg, options=options, null=fspec.null,
            when=fspec.when, unique=unique, depends_on=_depends_on(strategy, arg, fspec), target=target,
            fallback=fallback, line=line,
        )

    def check_ref(self, f: models.Field, target: str, count: int, unique: bool, options: Mapping, fail) -> None:
        target_count = self.counts_by_label.get(target)
        target_model = f.related_model
        if target_count is None:
            raise fail(f"references {target_model._meta.label}, which the profile does not list; add it to models")
        if not introspect.is_auto_pk(target_model._meta.pk):
            raise fail(f"references {target_model._meta.label}, whose primary key is not an AutoField (not supported yet)")
        low = options.get("count", [1, 1])[0] if f.many_to_many else 1
        if target_count == 0 and count > 0 and low > 0 and not f.null:
            raise fail(f"references {target_model._meta.label}, which has 0 rows; give it a count or make the field nullable")
        if f.many_to_many and options["count"][1] > target_count:
            options["count"] = [min(options["count"][0], target_count), target_count]
            if options["count"][0] > target_count:
                raise fail(f"needs at least {options['count'][0]} {target_model._meta.label} rows, the profile has {target_count}")
        if unique and not f.many_to_many and count > target_count:
            raise fail(f"is unique but has {count} rows for {target_count} {target_model._meta.label} rows")

    def check_factory(self, spec: ModelSpec) -> None:
        from django.utils.module_loading import import_string

        try:
            import_string(spec.factory)
        except ImportError as exc:
            raise self.error(f"cannot import factory {spec.factory!r}: {exc}", spec.line, f"{spec.label}.factory") from None

    def check_faker(self, provider: str, locale: str, fail) -> None:
        try:
            fake = faker_for(locale)
        except AttributeError:
            raise fail(f"unknown Faker locale {locale!r}") from None
        if provider.startswith("_") or not callable(getattr(fake, provider, None)):
            public = [n for n in dir(fake) if not n.startswith("_")]
            raise fail(f"unknown Faker provider {provider!r}{suggest(provider, public)}")

    def check_capacity(self, strategy: str, arg: Any, options: Mapping, unique: bool, count: int,
                       f: models.Field, fail) -> None:
        if not unique or f.many_to_many:
            return
        if strategy == "choice":
            distinct = len(set(map(repr, arg if isinstance(arg, list) else [k for k, w in arg.items() if w > 0])))
        elif strategy == "constant":
            distinct = 1
        elif strategy == "int":
            distinct = arg[1] - arg[0] + 1
        else:
            return
        if count > distinct:
            raise fail(f"is unique but {strategy} gives only {distinct} distinct values for {count} rows")

    def check_length(self, strategy: str, arg: Any, f: models.Field, fail) -> None:
        limit = getattr(f, "max_length", None)
        if not limit or f.get_internal_type() == "JSONField":
            return
        values = []
        if strategy == "choice":
            values = list(arg) if isinstance(arg, (list, dict)) else []
        elif strategy == "constant" and arg is not None:
            values = [arg]
        for value in values:
            if len(str(value)) > limit:
                raise fail(f"value {_short(value)!r} is longer than max_length {limit}")

    def check_dependencies(self, spec: ModelSpec, plans: list[FieldPlan]) -> None:
        names = {p.name for p in plans}
        for p in plans:
            for dep in p.depends_on:
                if dep not in names and dep not in ROW_PLACEHOLDERS:
                    raise self.error(f"refers to unknown field {dep!r}{suggest(dep, sorted(names))}", p.line,
                                     f"{spec.label}.fields.{p.name}")

    def resolve_object(self, spec: ModelSpec, model: type[models.Model], obj: ObjectSpec,
                       by_name: Mapping[str, models.Field]) -> ObjectSpec:
        values = {}
        for name, value in obj.values.items():
            key = f"{spec.label}.objects.{obj.name}.{name}"
            line = obj.value_lines.get(name, obj.line)
            f = by_name.get(name)
            if f is None:
                names = [x.name for x in by_name.values() if x is not None]
                raise self.error(f"unknown field{suggest(name, names)}", line, key)
            values[f.name] = self.object_value(f, value, line, key)
        return replace(obj, values=values)

    def object_value(self, f: models.Field, value: Any, line: int | None, key: str) -> Any:
        if f.is_relation:
            target = f.related_model._meta.label_lower
            names = [o.name for o in self.objects_by_label.get(target, ())]
            wanted = value if f.many_to_many else [value]
            if not isinstance(wanted, list):
                raise self.error("a many-to-many value is a list of object names", line, key)
            refs = []
            for item in wanted:
                if item is None and not f.many_to_many and f.null:
                    return None
                if item not in names:
                    raise self.error(
                        f"{item!r} is not a named object of {f.related_model._meta.label}{suggest(item, names)}",
                        line, key)
                refs.append(RowRef(target, names.index(item)))
            return tuple(refs) if f.many_to_many else refs[0]
        if isinstance(value, dict) and set(value) == {"password"}:
            return Password(str(value["password"]))
        try:
            python = f.to_python(value)
            if python is not None:
                f.run_validators(python)
        except ValidationError as exc:
            raise self.error(f"invalid value {value!r}: {' '.join(exc.messages)}", line, key) from None
        if isinstance(python, dt.datetime):
            if self.use_tz and python.tzinfo is None:
                python = python.replace(tzinfo=dt.UTC)
            python = python.astimezone(dt.UTC) if self.use_tz else python.replace(tzinfo=None)
        return python


def _depends_on(strategy: str, arg: Any, fspec: FieldSpec) -> tuple[str, ...]:
    deps: list[str] = []
    if strategy == "slugify":
        deps.append(arg)
    if strategy == "template":
        for template in arg if isinstance(arg, list) else [arg]:
            deps.extend(name for _, name, _, _ in string.Formatter().parse(template) if name)
    if fspec.when:
        deps.extend(fspec.when)
    return tuple(dict.fromkeys(d for d in deps if d not in ROW_PLACEHOLDERS))


def _generation_order(plans: list[FieldPlan], spec: ModelSpec, builder: _Builder) -> list[str]:
    pending = {p.name: set(p.depends_on) for p in plans}
    order: list[str] = []
    while pending:
        ready = [name for name, deps in pending.items() if deps <= set(order)]
        if not ready:
            cycle = sorted(pending)
            raise builder.error(f"fields depend on each other in a cycle: {', '.join(cycle)}", spec.line, spec.label)
        for name in ready:
            order.append(name)
            del pending[name]
    return order
