"""Turn a Profile and the installed Django models into a Plan.

The plan fixes the model order, the row count and pk range of every model and
one strategy for every written field, and rejects what cannot work (unknown
names, too few distinct values for a unique field, references to empty
models) before any value is made.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

from seedgen.environment import DEMO_SETTINGS
from seedgen.errors import PlanError, ProfileError, short, suggest
from seedgen.planning import closure, introspect
from seedgen.planning.derive import Derivation, derive, rules_of, value_limits
from seedgen.planning.graph import dependency_order
from seedgen.planning.layout import Layout
from seedgen.planning.model import ExistingRows, FieldPlan, ModelPlan, Password, Plan, RowRef
from seedgen.profile.schema import FieldSpec, ModelSpec, ObjectSpec, Profile
from seedgen.strategies import Planning, Strategy, strategy_class
from seedgen.strategies.base import fitting
from seedgen.strategies.relations import each_sizes

ROW_PLACEHOLDERS = ("n", "i", "pk")


def build_plan(
    profile: Profile,
    *,
    seed: int | None = None,
    counts: Mapping[str, int] | None = None,
    scale: float = 1.0,
    pk_starts: Mapping[str, int] | None = None,
    existing_pks: Callable[[type[models.Model]], list[Any]] | None = None,
) -> Plan:
    """Check ``profile`` against the installed models and fix everything about the run.

    ``existing_pks`` reads the pks a model already has, for ``ref: {existing: true}``.
    """
    from django.conf import settings

    builder = _Builder(profile, settings.USE_TZ, existing_pks)
    classes = {spec.label: builder.model_class(spec) for spec in profile.models}
    notices = builder.one_table_once(classes)
    profile = builder.profile
    own = builder.counts(counts or {}, scale, classes, profile.seed if seed is None else seed)
    specs = {classes[spec.label]._meta.label_lower: spec for spec in profile.models}
    notices += [f"{specs[label].label}: {own[label]} rows beside the ones Django makes, under natural keys of their own "
                "(references still go to Django's)" for label in specs if label in closure.DJANGO_MADE and own[label]]
    listed = {label: closure.Needed(classes[spec.label], own[label]) for label, spec in specs.items()}
    named = {label: {f.name: bool(f.options.get("existing")) for f in spec.fields if f.strategy == "ref"}
             for label, spec in specs.items()}
    needed, added = closure.close(listed, named)
    notices += added
    builder.layout = Layout(needed, specs, builder.error)
    notices += builder.layout.cap_unique_links(specs)
    plans = {}
    for label, need in needed.items():
        spec = specs.get(label) or ModelSpec(label=need.model._meta.label, count=need.count, bare=True)
        plans[label] = builder.model_plan(spec, need.model)
    hard = {label: {f.target for f in p.fields if f.target and not f.field.null} | ({p.parent} if p.parent else set())
            for label, p in plans.items()}
    soft = {
        label: {f.target for f in p.fields + p.m2m if f.target and (f.field.null or f.is_m2m)}
        for label, p in plans.items()
    }
    order = dependency_order(list(plans), hard, soft)
    plan = Plan(profile=profile, seed=profile.seed if seed is None else seed, now=profile.now,
                use_tz=settings.USE_TZ, models=tuple(plans[label] for label in order),
                existing=builder.existing, notices=tuple(notices))
    return plan.starting_at(pk_starts or {})


class _Builder:
    def __init__(self, profile: Profile, use_tz: bool,
                 existing_pks: Callable[[type[models.Model]], list[Any]] | None = None) -> None:
        self.profile = profile
        self.use_tz = use_tz
        self.existing_pks = existing_pks
        self.layout: Layout | None = None  # made once the closure knows every model
        self.overridden: set[str] = set()  # models whose count --count set
        self.objects_by_label: dict[str, tuple[ObjectSpec, ...]] = {}
        self.existing: dict[str, ExistingRows] = {}
        self.derivation = Derivation(now=profile.now, has_rows=self.has_rows)

    @property
    def counts_by_label(self) -> dict[str, int]:
        return self.layout.counts if self.layout else {}

    def has_rows(self, label: str) -> bool:
        # Optional links to content types or permissions stay empty: a sample user gets no real permission.
        return label in self.counts_by_label and label not in closure.DJANGO_MADE

    def error(self, message: str, line: int | None, key: str) -> ProfileError:
        return ProfileError(message, file=self.profile.file, line=line, key=key)

    def model_class(self, spec: ModelSpec) -> type[models.Model]:
        try:
            model = apps.get_model(spec.label)
        except (LookupError, ValueError):
            known = [m._meta.label for m in apps.get_models()]
            hint = suggest(spec.label, known)
            if os.environ.get("DJANGO_SETTINGS_MODULE") == DEMO_SETTINGS and not hint:
                # The model is probably the user's own, and their project's settings are not in use.
                hint = (" (the bundled demo settings are in use, which install only the demo blog and shop: run seedgen "
                        "inside your project, or pass --settings or DJANGO_SETTINGS_MODULE)")
            raise self.error(f"unknown model{hint}", spec.line, spec.label) from None
        if model._meta.proxy:
            model = model._meta.concrete_model
        if model._meta.abstract or not model._meta.managed and model._meta.auto_created:
            raise self.error("cannot generate rows for this model", spec.line, spec.label)
        return model

    def one_table_once(self, classes: dict[str, type[models.Model]]) -> list[str]:
        """A proxy is its concrete model's table: listed beside that model it is dropped, with a notice;
        two entries for one table otherwise are an error."""
        direct = {classes[spec.label]: spec for spec in self.profile.models if not apps.get_model(spec.label)._meta.proxy}
        seen: dict[type[models.Model], ModelSpec] = {}
        kept, notices = [], []
        for spec in self.profile.models:
            model = classes[spec.label]
            if apps.get_model(spec.label)._meta.proxy and model in direct:
                notices.append(f"{spec.label}: a proxy of {direct[model].label}, whose rows it shares; "
                               f"{direct[model].label}'s count is used")
                continue
            if model in seen:
                raise self.error(f"is the same table as {seen[model].label}; list one of them", spec.line, spec.label)
            seen[model] = spec
            kept.append(spec)
        self.profile = replace(self.profile, models=tuple(kept))
        for label in [label for label in classes if label not in {spec.label for spec in kept}]:
            del classes[label]
        return notices

    def counts(self, overrides: Mapping[str, int], scale: float, classes: Mapping[str, type], seed: int) -> dict[str, int]:
        by_lower = {classes[s.label]._meta.label_lower: s for s in self.profile.models}
        result = {}
        for label, spec in by_lower.items():
            if spec.count is None:
                # A model made only of named objects keeps exactly those under --scale.
                result[label] = len(spec.objects)
            else:
                # A scaled-down model keeps a row while it had any: other rows may have to point at it.
                least = len(spec.objects) or (1 if spec.count and scale > 0 else 0)
                result[label] = spec.count if scale == 1 else max(least, round(spec.count * scale))
        for label, value in overrides.items():
            key = label.lower()
            if key not in result:
                raise PlanError(f"--count {label}: the profile has no such model{suggest(label, list(result))}")
            spec = by_lower[key]
            if value < len(spec.objects):
                raise PlanError(f"--count {label}={value}: the profile names {len(spec.objects)} objects; count includes them")
            result[key] = value
        self.objects_by_label = {label: spec.objects for label, spec in by_lower.items()}
        self.overridden = {label.lower() for label in overrides}
        self.each_counts(result, by_lower, classes, seed)
        return result

    def each_counts(self, result: dict[str, int], by_lower: Mapping[str, ModelSpec], classes: Mapping[str, type],
                    seed: int) -> None:
        """The count of a model whose rows come a few per row of another (``ref: shop.Order, each: [1, 5]``):
        the sum of those few, fixed by the seed. A parent that is itself such a model is counted first."""
        pending = {label: (spec, fspec) for label, spec in by_lower.items() for fspec in spec.fields
                   if fspec.strategy == "ref" and "each" in fspec.options}
        while pending:
            ready = [label for label, (_, fspec) in pending.items() if _lower(fspec.arg) not in pending]
            if not ready:
                raise self.error("ref each goes in a circle", None, ", ".join(sorted(pending)))
            for label in ready:
                spec, fspec = pending.pop(label)
                key = f"{spec.label}.fields.{fspec.name}"
                if spec.count is not None or label in self.overridden:
                    raise self.error(f"the count follows from ref each; drop the count of {spec.label}", spec.line, key)
                target = _lower(fspec.arg)
                if target not in result:
                    raise self.error(f"ref each needs {fspec.arg} listed in the profile with a count", fspec.line, key)
                try:
                    name = classes[spec.label]._meta.get_field(fspec.name).name
                except FieldDoesNotExist:
                    raise self.error(f"unknown field {fspec.name!r}", fspec.line, key) from None
                low, high = fspec.options["each"]
                result[label] = int(each_sizes(seed, label, name, result[target], low, high).sum())

    def model_plan(self, spec: ModelSpec, model: type[models.Model]) -> ModelPlan:
        label = model._meta.label_lower
        local, m2m = introspect.writable_fields(model)
        by_name = {f.name: f for f in local + m2m}
        for alias in (f.attname for f in local):
            by_name.setdefault(alias, by_name.get(alias.removesuffix("_id")))
        pk = model._meta.pk
        parent = self.layout.parents.get(label)
        range_pk = self.layout.range_pk(model)
        named = {}
        for fspec in spec.fields:
            target = by_name.get(fspec.name)
            if target is None or target.primary_key and range_pk:
                writable = [f.name for f in local + m2m if not (f.primary_key and range_pk)]
                raise self.error(f"unknown field{suggest(fspec.name, writable)}", fspec.line,
                                 f"{spec.label}.fields.{fspec.name}")
            named[target.name] = fspec
        count = self.counts_by_label[label]
        if spec.factory:
            self.check_factory(spec)
        unique = introspect.unique_fields(model)
        if not range_pk:
            unique.add(pk.name)  # a pk the rows give themselves (a code, a UUID, a small integer) is unique
        groups = introspect.unique_groups(model)
        samples = {name: fs for (of, name), fs in closure.SAMPLE_FIELDS.items() if of == label and name not in named}
        unique |= _unique_member_for_groups(groups, local, unique, {**samples, **named})
        unique |= introspect.casefold_unique(model)  # unique pools differ in more than case anyway
        generic = introspect.generic_keys(model)
        rules = rules_of(model)
        ordered = rules.orderings
        self.check_constraints(spec, rules, named)
        plans = []
        for f in local + m2m:
            if f.primary_key and range_pk:
                continue
            fspec = named.get(f.name)
            if fspec is None and spec.factory and not f.is_relation:
                fspec = FieldSpec(name=f.name, strategy="factory", arg=spec.factory)
            if fspec is None and f.name in generic:
                plans.append(self.generic_plan(model, f, generic[f.name]))
                continue
            if fspec is None and f.name == "polymorphic_ctype" and getattr(model, "polymorphic_model_marker", False):
                plans.append(FieldPlan(name=f.name, field=f, strategy="own_ctype", arg=None,
                                       target="contenttypes.contenttype"))
                self.use_django_rows("contenttypes.contenttype")
                continue
            if fspec is None and (label, f.name) in closure.SAMPLE_FIELDS:
                fspec = closure.SAMPLE_FIELDS[label, f.name]
            if fspec is None and f.name in ordered and ordered[f.name][0] in by_name:
                other, direction, strict = ordered[f.name]
                options = {"direction": direction, "strict": strict}
                if value_limits(f) is not None:
                    options["within"] = list(value_limits(f))
                fspec = FieldSpec(name=f.name, strategy="offset", arg=by_name[other].name, options=options)
            if fspec is None:
                try:
                    fspec = derive(f, model, f.name in unique, self.derivation)
                except PlanError as exc:
                    raise self.error(str(exc).split(": ", 1)[1], spec.line, f"{spec.label}.fields.{f.name}") from None
            plans.append(self.field_plan(spec, f, fspec, f.name in unique, count, model))
        plans = self.joint_groups(spec, plans, groups, count)
        helpers = tuple(self.var_plan(spec, v, by_name, count) for v in spec.vars)
        self.check_dependencies(spec, plans + list(helpers))
        fields = tuple(p for p in plans if not p.is_m2m)
        m2m_plans = tuple(p for p in plans if p.is_m2m)
        objects = tuple(self.resolve_object(spec, model, obj, by_name) for obj in spec.objects)
        return ModelPlan(
            label=label, model=model, count=count, pk_start=1, pk_name=pk.name,
            auto_pk=range_pk, fields=fields, m2m=m2m_plans, objects=objects,
            order=tuple(_generation_order(plans + list(helpers), spec, self)), factory=spec.factory,
            vars=helpers, parent=parent, offset=self.layout.offset_of(label), blocks=self.layout.blocks_of(label),
            natural_pk=label in closure.DJANGO_MADE, line=spec.line,
        )

    def check_constraints(self, spec: ModelSpec, rules, named: Mapping[str, FieldSpec]) -> None:
        """A check constraint seedgen cannot read is the profile's to satisfy: each field it names needs a strategy."""
        for name, fields in rules.unknown.items():
            missing = [f for f in fields if f not in named]
            if missing:
                raise self.error(f"cannot tell which values pass its check constraint {name!r}; "
                                 f"name a strategy for {', '.join(missing)} in the profile", spec.line, spec.label)

    def use_django_rows(self, label: str) -> ExistingRows:
        if label not in self.existing:
            keys = closure.django_rows().get(label, ())
            self.existing[label] = ExistingRows(label, tuple(list(k) for k in keys), keys)
        return self.existing[label]

    def use_existing_rows(self, model: type[models.Model], fail) -> ExistingRows:
        label = model._meta.label_lower
        if label not in self.existing:
            if self.existing_pks is None:
                raise fail(f"existing rows of {model._meta.label} need a database to read them from")
            self.existing[label] = ExistingRows(label, tuple(self.existing_pks(model)))
        return self.existing[label]

    def generic_plan(self, model: type[models.Model], f: models.Field, key: tuple[str, str, str]) -> FieldPlan:
        """The content type or the object id of a GenericForeignKey: both pick the same target row."""
        role, ct_field, fk_field = key
        targets = introspect.generic_targets(model, ct_field, fk_field, self.counts_by_label)
        self.use_django_rows("contenttypes.contenttype")
        if not targets and not f.null:
            raise self.error("a generic foreign key needs another model with rows to point at; add one to the profile",
                             None, f"{model._meta.label}.{f.name}")
        return FieldPlan(name=f.name, field=f, strategy="generic", arg=tuple(targets),
                         options={"role": role, "pair": f"{ct_field}/{fk_field}"},
                         target="contenttypes.contenttype" if role == "content_type" else None)

    def joint_groups(self, spec: ModelSpec, plans: list[FieldPlan], groups, count: int) -> list[FieldPlan]:
        """Unique groups made only of references and choices: one keyed permutation over their combinations."""
        by_name = {p.name: p for p in plans}
        for group in groups:
            members = [by_name.get(name) for name in group]
            if any(m is None or m.unique for m in members):
                continue
            if not all(self.joint_size(m) is not None and "joint" not in m.options for m in members):
                continue
            sizes = [self.joint_size(m) for m in members]
            capacity = math.prod(sizes)
            if count > capacity:
                names = ", ".join(group)
                raise self.error(f"({names}) must be unique together but only {capacity} combinations exist "
                                 f"for {count} rows; lower the count or add target rows", spec.line, spec.label)
            for position, m in enumerate(members):
                options = {**m.options, "joint": {"group": list(group), "sizes": sizes, "position": position}}
                by_name[m.name] = replace(m, options=options)
        return [by_name[p.name] for p in plans]

    def joint_size(self, plan: FieldPlan) -> int | None:
        """How many values a member of a unique group can take, or None if it cannot join a permutation."""
        if plan.strategy == "ref" and not plan.is_m2m and not plan.options.get("tree"):
            if plan.target in self.existing:
                return len(self.existing[plan.target].values)
            return self.counts_by_label.get(plan.target, 0)
        if plan.strategy == "choice" and not plan.when and not plan.null:
            return len(plan.arg if isinstance(plan.arg, list) else [v for v, w in plan.arg.items() if w > 0])
        return None

    def var_plan(self, spec: ModelSpec, fspec: FieldSpec, by_name: Mapping[str, Any], count: int) -> FieldPlan:
        key = f"{spec.label}.vars.{fspec.name}"
        if fspec.name in by_name or fspec.name in ROW_PLACEHOLDERS:
            raise self.error("a var must not share its name with a field or n, i, pk", fspec.line, key)
        kind = strategy_class(fspec.strategy)
        if not kind.fills_var:
            raise self.error(f"{fspec.strategy} cannot fill a var", fspec.line, key)
        at = self.planning(None, count, bool(fspec.unique), lambda m: self.error(m, fspec.line, key))
        arg, options = kind.plan(fspec.arg, dict(fspec.options), at)
        return FieldPlan(name=fspec.name, field=None, strategy=fspec.strategy, arg=arg, options=options,
                         null=fspec.null, when=fspec.when, unique=bool(fspec.unique),
                         depends_on=_depends_on(kind, arg, options, fspec), line=fspec.line)

    def planning(self, f: models.Field | None, count: int, unique: bool, fail: Callable[[str], ProfileError]) -> Planning:
        """What a strategy's own planning check is told about the column it fills."""
        return Planning(field=f, count=count, unique=unique, now=self.profile.now, locale=self.profile.locale, fail=fail)

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
            if has_default and not f.is_relation:
                strategy, arg = "constant", default
            elif f.null and not f.is_relation:
                strategy, arg = "constant", None
            else:
                derived = derive(f, model, unique, self.derivation)
                strategy, arg, options = derived.strategy, derived.arg, dict(derived.options)
        kind = strategy_class(strategy)
        target = None
        if f.is_relation:
            target = closure.label_of(f.related_model)
            if strategy == "ref" and arg.lower() != target and closure.label_of(apps.get_model(arg)) != target:
                raise fail(f"ref {arg} does not match the field, which points to {f.related_model._meta.label}")
            if not kind.fills_relation:
                raise fail(f"{strategy} cannot fill a relation; use ref: {f.related_model._meta.label}")
            if f.many_to_many and strategy == "ref":
                options.setdefault("count", [0 if f.blank else 1, 3])
                if f.remote_field.symmetrical and target == closure.label_of(model):
                    options["symmetric"] = True
            if not f.many_to_many and "count" in options:
                raise fail("count is for many-to-many fields; a foreign key takes one row")
            if strategy == "ref":
                if options.get("existing"):
                    self.use_existing_rows(f.related_model, fail)
                elif target in closure.DJANGO_MADE:
                    self.use_django_rows(target)
                to_field = f.target_field if not f.many_to_many else None
                keyed = to_field is not None and (not to_field.primary_key or not self.layout.range_pk(f.related_model))
                if keyed:
                    if target in self.existing:
                        raise fail(f"refers to {f.related_model._meta.label}.{to_field.name}, not its pk; "
                                   "existing rows are referred to by pk only")
                    options["to_field"] = to_field.name
                self.check_ref(f, target, count, unique, options, fail)
        if f.one_to_one and strategy == "ref":
            unique = True
        if not f.is_relation and kind.fits is not None and f.get_internal_type() not in kind.fits:
            raise fail(f"{strategy} cannot fill a {f.get_internal_type()}; "
                       f"strategies that fit: {', '.join(fitting(f.get_internal_type()))}")
        arg, options = kind.plan(arg, options, self.planning(f, count, unique, fail))
        if fspec.line is not None and strategy in ("constant", "choice") and not f.is_relation:
            self.check_values(f, arg if strategy == "choice" else [arg], fail)
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
            when=fspec.when, unique=unique, depends_on=_depends_on(kind, arg, options, fspec), target=target,
            fallback=fallback, line=line,
        )

    def check_values(self, f: models.Field, values: Any, fail) -> None:
        """Every value a profile names for a field is one the field takes: type, choices, validators, blank."""
        for value in (list(values) if not isinstance(values, dict) else [v for v, w in values.items() if w > 0]):
            if value is None and f.null:
                continue
            try:
                f.clean(value, None)
            except ValidationError as exc:
                allowed = f"; the field takes {', '.join(repr(v) for v, _ in f.flatchoices)}" if f.choices else ""
                reason = " ".join(m.rstrip(".") for m in exc.messages)
                raise fail(f"{short(value)!r} is not a value the field takes: {reason}{allowed}") from None

    def check_ref(self, f: models.Field, target: str, count: int, unique: bool, options: Mapping, fail) -> None:
        target_model = f.related_model
        if target in self.existing:
            target_count = len(self.existing[target].values)
        else:
            target_count = self.counts_by_label.get(target)
        if target_count is None:
            raise fail(f"references {target_model._meta.label}, which the profile does not list; add it to models")
        low = options.get("count", [1, 1])[0] if f.many_to_many else 1
        self_tree = options.get("tree") and target == closure.label_of(f.model)
        if target_count == 0 and count > 0 and low > 0 and not f.null and not self_tree:
            if target in self.overridden:
                raise PlanError(f"--count {target_model._meta.label}=0 leaves {f.model._meta.label}.{f.name} no rows to "
                                f"point at; give {target_model._meta.label} at least one row")
            raise fail(f"references {target_model._meta.label}, which has 0 rows; give it a count or make the field nullable")
        if f.many_to_many and options["count"][1] > target_count:
            options["count"] = [min(options["count"][0], target_count), target_count]
            if options["count"][0] > target_count:
                raise fail(f"needs at least {options['count'][0]} {target_model._meta.label} rows, the profile has {target_count}")
        if (unique or f.one_to_one) and not f.many_to_many and count > target_count:
            raise fail(f"is unique but has {count} rows for {target_count} {target_model._meta.label} rows; "
                       f"lower its count or raise {target_model._meta.label}'s")

    def check_factory(self, spec: ModelSpec) -> None:
        from django.utils.module_loading import import_string

        try:
            import_string(spec.factory)
        except ImportError as exc:
            raise self.error(f"cannot import factory {spec.factory!r}: {exc}", spec.line, f"{spec.label}.factory") from None

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


def _lower(label: str) -> str:
    """A ref's model label as the plan keys it (a proxy's concrete model); as given when unknown."""
    try:
        return closure.label_of(apps.get_model(label))
    except (LookupError, ValueError):
        return label.lower()


def _depends_on(kind: type[Strategy], arg: Any, options: dict[str, Any], fspec: FieldSpec) -> tuple[str, ...]:
    deps = [*kind.depends_on(arg, options), *(fspec.when or ())]
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


def _unique_member_for_groups(groups, local, unique: set[str], named) -> set[str]:
    """For each unique group with no unique member and not only references, one member to make distinct.

    A text or number field made unique on its own keeps the whole group unique
    at the cost of a suffix, which a product of small choices could not.
    """
    kinds = {"CharField", "TextField", "SlugField", "EmailField", "URLField", "IntegerField", "BigIntegerField",
             "PositiveIntegerField", "PositiveBigIntegerField", "DateTimeField", "UUIDField"}
    by_name = {f.name: f for f in local}
    chosen: set[str] = set()
    for group in groups:
        if any(name in unique or name in chosen or name in named and named[name].unique for name in group):
            continue
        fields = [by_name[name] for name in group if name in by_name]
        if all(f.is_relation for f in fields):
            continue  # the permutation over pairs (see joint_groups)
        candidate = next((f for f in fields if not f.is_relation and not f.choices and f.get_internal_type() in kinds
                          and (f.name not in named or named[f.name].strategy not in ("constant", "choice"))), None)
        if candidate is not None:
            chosen.add(candidate.name)
    return chosen
