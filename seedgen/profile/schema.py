"""The typed, immutable form of a profile and the rules that check it.

Only the shape of the YAML is checked here, each strategy's argument by its own
class; whether models and fields exist is the planner's job, which reports
back with the lines kept on each spec.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from seedgen.errors import ProfileError, suggest
from seedgen.strategies import profile_strategies
from seedgen.strategies.time import DEFAULT_NOW, parse_moment

DEFAULT_SEED = 0

TOP_KEYS = ("seed", "now", "locale", "settings", "models")
MODEL_KEYS = ("count", "fields", "vars", "objects", "factory")
MODIFIERS = ("null", "when", "unique")


@dataclass(frozen=True)
class FieldSpec:
    """How the profile fills one field: a strategy name, its argument and options."""

    name: str
    strategy: str
    arg: Any
    options: Mapping[str, Any] = field(default_factory=dict)
    null: float = 0.0
    when: Mapping[str, tuple[Any, ...]] | None = None
    unique: bool | None = None
    line: int | None = None


@dataclass(frozen=True)
class ObjectSpec:
    """A fixed, named row; it takes the first rows of its model, in order."""

    name: str
    values: Mapping[str, Any]
    line: int | None = None
    value_lines: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelSpec:
    label: str
    count: int | None
    fields: tuple[FieldSpec, ...] = ()
    objects: tuple[ObjectSpec, ...] = ()
    factory: str | None = None
    line: int | None = None
    # Helper columns that templates and conditions may use; never written.
    vars: tuple[FieldSpec, ...] = ()
    bare: bool = False  # given as a bare count (``app.Model: 10``): a default the planner may lower


@dataclass(frozen=True)
class Profile:
    file: str
    seed: int
    now: dt.datetime
    locale: str | Mapping[str, float]  # one Faker locale, or locale -> weight: each row takes one
    settings: str | None
    models: tuple[ModelSpec, ...]

    def model(self, label: str) -> ModelSpec | None:
        for spec in self.models:
            if spec.label.lower() == label.lower():
                return spec
        return None


class _Reader:
    """Carries the file name so each check can say where it failed."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, message: str, node: Any, key: str, sub: Any = None) -> ProfileError:
        lines = getattr(node, "key_lines", {})
        line = lines.get(sub, getattr(node, "line", None)) if sub is not None else getattr(node, "line", None)
        return ProfileError(message, file=self.file, line=line, key=key)

    def mapping(self, value: Any, parent: Any, parent_key: Any, key: str) -> Mapping:
        if not isinstance(value, dict):
            raise self.fail(f"expected a mapping, got {_kind(value)}", parent, key, parent_key)
        return value

    def known_keys(self, node: Mapping, allowed: tuple[str, ...], key: str) -> None:
        for name in node:
            if name not in allowed:
                raise self.fail(f"unknown key {name!r}{suggest(name, allowed)}", node, key, name)

    def count(self, value: Any, node: Any, key: str, sub: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"count must be a whole number, got {value!r}", node, key, sub)
        if value < 0:
            raise self.fail(f"count must not be negative, got {value}", node, key, sub)
        return value


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "a string", type(None): "nothing"}.get(type(value), repr(value))


def build_profile(data: Any, file: str) -> Profile:
    r = _Reader(file)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ProfileError(f"the profile must be a mapping with a 'models' key, got {_kind(data)}", file=file, line=1)
    r.known_keys(data, TOP_KEYS, "profile")
    seed = data.get("seed", DEFAULT_SEED)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise r.fail(f"seed must be a whole number >= 0, got {seed!r}", data, "seed", "seed")
    try:
        now = parse_moment(data.get("now", DEFAULT_NOW), DEFAULT_NOW)
    except ValueError as exc:
        raise r.fail(str(exc), data, "now", "now") from None
    locale = data.get("locale", "en_US")
    if isinstance(locale, list) and locale and all(isinstance(x, str) for x in locale):
        locale = dict.fromkeys(locale, 1)
    weighted = isinstance(locale, dict) and locale and all(
        isinstance(k, str) and isinstance(w, (int, float)) and not isinstance(w, bool) and w >= 0 for k, w in locale.items())
    if not isinstance(locale, str) and not (weighted and sum(locale.values()) > 0):
        raise r.fail("locale is a Faker locale such as de_DE, a list of them, or locale -> weight such as "
                     "{de_DE: 3, fr_FR: 1}", data, "locale", "locale")
    if isinstance(locale, dict):
        locale = {k: locale[k] for k in locale if locale[k] > 0}
    settings = data.get("settings")
    if settings is not None and not isinstance(settings, str):
        raise r.fail("settings must be a dotted module path", data, "settings", "settings")
    models_node = data.get("models")
    if models_node is None:
        raise ProfileError("the profile has no 'models' key", file=file, line=getattr(data, "line", 1))
    models_node = r.mapping(models_node, data, "models", "models")
    models = tuple(_model(r, label, value, models_node) for label, value in models_node.items())
    return Profile(file=file, seed=seed, now=now, locale=locale, settings=settings, models=models)


def _model(r: _Reader, label: Any, value: Any, parent: Mapping) -> ModelSpec:
    label = str(label)
    line = getattr(parent, "key_lines", {}).get(label)
    if "." not in label:
        raise ProfileError("a model is named app_label.ModelName", file=r.file, line=line, key=label)
    if not isinstance(value, dict):
        return ModelSpec(label=label, count=r.count(value, parent, label, label), line=line, bare=True)
    r.known_keys(value, MODEL_KEYS, label)
    count = r.count(value["count"], value, f"{label}.count", "count") if "count" in value else None
    factory = value.get("factory")
    if factory is not None and not isinstance(factory, str):
        raise r.fail("factory must be a dotted path to a factory_boy factory", value, f"{label}.factory", "factory")
    fields_node = r.mapping(value.get("fields", {}), value, "fields", f"{label}.fields")
    fields = tuple(_field(r, f"{label}.fields.{name}", str(name), spec, fields_node) for name, spec in fields_node.items())
    vars_node = r.mapping(value.get("vars", {}), value, "vars", f"{label}.vars")
    helpers = tuple(_field(r, f"{label}.vars.{name}", str(name), spec, vars_node) for name, spec in vars_node.items())
    objects = _objects(r, label, value.get("objects", {}), value)
    if count is not None and count < len(objects):
        raise r.fail(
            f"count {count} is less than the {len(objects)} named objects; count includes them",
            value, f"{label}.count", "count",
        )
    return ModelSpec(label=label, count=count, fields=fields, objects=objects, factory=factory, line=line,
                     vars=helpers)


def _objects(r: _Reader, label: str, node: Any, parent: Mapping) -> tuple[ObjectSpec, ...]:
    key = f"{label}.objects"
    if isinstance(node, list):
        raise r.fail("objects is a mapping of name to field values", parent, key, "objects")
    node = r.mapping(node, parent, "objects", key)
    objects = []
    for name, values in node.items():
        values = r.mapping(values, node, name, f"{key}.{name}")
        lines = dict(getattr(values, "key_lines", {}))
        objects.append(ObjectSpec(name=str(name), values=dict(values), line=node.key_lines.get(name), value_lines=lines))
    return tuple(objects)


def _field(r: _Reader, key: str, name: str, spec: Any, parent: Mapping) -> FieldSpec:
    line = parent.key_lines.get(name)
    if isinstance(spec, list):
        spec_map: dict[str, Any] = {"choice": spec}
    elif not isinstance(spec, dict):
        spec_map = {"constant": spec}
    elif set(spec) & {"after", "before"} and set(spec) <= {"after", "before", "within", *MODIFIERS}:
        # ends_at: {after: starts_at}: a moment of the row's own, the field's kind of moment (see planner)
        moment = {k: spec[k] for k in ("after", "before", "within") if k in spec}
        spec_map = {"datetime": moment, **{k: spec[k] for k in spec if k in MODIFIERS}}
    else:
        spec_map = spec
    strategies = profile_strategies()
    named = [k for k in spec_map if k in strategies]
    others = [k for k in spec_map if k not in strategies and k not in MODIFIERS]

    def fail(message: str) -> ProfileError:
        return ProfileError(message, file=r.file, line=line, key=key)

    if len(named) > 1:
        raise fail(f"one strategy per field, got {', '.join(named)}")
    if not named:
        if others:
            bad = others[0]
            raise fail(f"unknown strategy {bad!r}{suggest(bad, strategies)}")
        strategy, arg = "default", None
    else:
        strategy = named[0]
        arg = spec_map[strategy]
        allowed = strategies[strategy].options
        for other in others:
            if other not in allowed:
                hint = suggest(other, allowed + MODIFIERS) or f" ({strategy} takes {', '.join(allowed + MODIFIERS)})"
                raise fail(f"unknown option {other!r}{hint}")
    kind = strategies[strategy]
    arg, options = kind.read_arg(arg, {k: spec_map[k] for k in others}, fail)
    null = spec_map.get("null", 0.0) if isinstance(spec, dict) else 0.0
    if isinstance(null, bool) or not isinstance(null, (int, float)) or not 0 <= null <= 1:
        raise fail(f"null is a probability between 0 and 1, got {null!r}")
    unique = spec_map.get("unique") if isinstance(spec, dict) else None
    if unique is not None and not isinstance(unique, bool):
        raise fail("unique is true or false")
    when = _when(spec_map.get("when") if isinstance(spec, dict) else None, fail)
    kind.check_arg(arg, options, fail)
    return FieldSpec(name=name, strategy=strategy, arg=arg, options=options, null=float(null), when=when, unique=unique, line=line)


def _when(node: Any, fail: Callable[[str], ProfileError]) -> Mapping[str, tuple[Any, ...]] | None:
    if node is None:
        return None
    if not isinstance(node, dict) or not node:
        raise fail("when is a mapping of field to value (or list of values)")
    return {str(k): tuple(v) if isinstance(v, list) else (v,) for k, v in node.items()}
