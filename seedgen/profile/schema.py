"""The typed, immutable form of a profile and the rules that check it.

Only the shape of the YAML is checked here; whether models and fields exist
is the planner's job, which reports back with the lines kept on each spec.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from seedgen.errors import ProfileError

DEFAULT_NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
DEFAULT_SEED = 0

TOP_KEYS = ("seed", "now", "locale", "settings", "models")
MODEL_KEYS = ("count", "fields", "vars", "objects", "factory")
MODIFIERS = ("null", "when", "unique")
# Each strategy with the options it takes besides its own key.
STRATEGIES: dict[str, tuple[str, ...]] = {
    "faker": ("args", "pool", "locale"),
    "choice": (),
    "int": ("distribution", "a"),
    "float": ("digits",),
    "decimal": (),
    "date": (),
    "datetime": (),
    "constant": (),
    "template": (),
    "slugify": (),
    "ref": ("count", "distribution", "a", "tree", "existing"),
    "password": (),
    "uuid": (),
    "duration": (),
    "binary": (),
    "regex": ("flags",),
    "offset": ("direction", "strict", "within"),
    "default": (),
}
DISTRIBUTIONS = ("uniform", "zipf")

_RELATIVE = re.compile(r"^([+-]?\d+)\s*(s|min|h|d|w|y)$")
_UNIT_SECONDS = {"s": 1, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}


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
    locale: str
    settings: str | None
    models: tuple[ModelSpec, ...]

    def model(self, label: str) -> ModelSpec | None:
        for spec in self.models:
            if spec.label.lower() == label.lower():
                return spec
        return None


def suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


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
    if not isinstance(locale, str):
        raise r.fail("locale must be a string such as en_US", data, "locale", "locale")
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
    else:
        spec_map = spec
    named = [k for k in spec_map if k in STRATEGIES]
    others = [k for k in spec_map if k not in STRATEGIES and k not in MODIFIERS]
    if len(named) > 1:
        raise ProfileError(f"one strategy per field, got {', '.join(named)}", file=r.file, line=line, key=key)
    if not named:
        if others:
            bad = others[0]
            raise ProfileError(f"unknown strategy {bad!r}{suggest(bad, STRATEGIES)}", file=r.file, line=line, key=key)
        strategy, arg = "default", None
    else:
        strategy = named[0]
        arg = spec_map[strategy]
        for other in others:
            allowed = STRATEGIES[strategy]
            if other not in allowed:
                hint = suggest(other, allowed + MODIFIERS) or f" ({strategy} takes {', '.join(allowed + MODIFIERS)})"
                raise ProfileError(f"unknown option {other!r}{hint}", file=r.file, line=line, key=key)
    options = {k: spec_map[k] for k in others}
    if strategy == "ref" and isinstance(arg, dict):
        # ref: {model: auth.User, existing: true} says the same as ref: auth.User with options.
        unknown = [k for k in arg if k != "model" and k not in STRATEGIES["ref"]]
        if "model" not in arg or unknown:
            raise ProfileError("ref takes a model label, or a mapping with model: and "
                               f"{', '.join(STRATEGIES['ref'])}", file=r.file, line=line, key=key)
        options.update({k: arg[k] for k in arg if k != "model"})
        arg = arg["model"]
    null = spec_map.get("null", 0.0) if isinstance(spec, dict) else 0.0
    if isinstance(null, bool) or not isinstance(null, (int, float)) or not 0 <= null <= 1:
        raise ProfileError(f"null is a probability between 0 and 1, got {null!r}", file=r.file, line=line, key=key)
    unique = spec_map.get("unique") if isinstance(spec, dict) else None
    if unique is not None and not isinstance(unique, bool):
        raise ProfileError("unique is true or false", file=r.file, line=line, key=key)
    when = _when(spec_map.get("when") if isinstance(spec, dict) else None, r.file, line, key)
    _check_arg(strategy, arg, options, r.file, line, key)
    return FieldSpec(name=name, strategy=strategy, arg=arg, options=options, null=float(null), when=when, unique=unique, line=line)


def _when(node: Any, file: str, line: int | None, key: str) -> Mapping[str, tuple[Any, ...]] | None:
    if node is None:
        return None
    if not isinstance(node, dict) or not node:
        raise ProfileError("when is a mapping of field to value (or list of values)", file=file, line=line, key=key)
    return {str(k): tuple(v) if isinstance(v, list) else (v,) for k, v in node.items()}


def _pair(arg: Any) -> bool:
    return isinstance(arg, list) and len(arg) == 2


def _check_arg(strategy: str, arg: Any, options: Mapping[str, Any], file: str, line: int | None, key: str) -> None:
    def fail(message: str) -> ProfileError:
        return ProfileError(message, file=file, line=line, key=key)

    if strategy == "faker" and not isinstance(arg, str):
        raise fail("faker takes a provider name, e.g. faker: name")
    if strategy == "faker" and "args" in options and not isinstance(options["args"], dict):
        raise fail("faker args is a mapping of keyword arguments")
    if "pool" in options and (isinstance(options["pool"], bool) or not isinstance(options["pool"], int) or options["pool"] < 1):
        raise fail("pool is a whole number of values >= 1")
    if strategy == "choice":
        if isinstance(arg, dict):
            if not arg or any(isinstance(w, bool) or not isinstance(w, (int, float)) or w < 0 for w in arg.values()):
                raise fail("a weighted choice maps each value to a weight >= 0")
            if sum(arg.values()) <= 0:
                raise fail("a weighted choice needs a weight above 0")
        elif not isinstance(arg, list) or not arg:
            raise fail("choice takes a non-empty list or a mapping of value to weight")
    if strategy in ("int", "float", "decimal"):
        if not _pair(arg) or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in arg) or arg[0] > arg[1]:
            raise fail(f"{strategy} takes a range [low, high] with low <= high")
        if strategy == "int" and not all(isinstance(v, int) for v in arg):
            raise fail("int takes whole-number bounds")
    if strategy in ("date", "datetime"):
        if not _pair(arg):
            raise fail(f"{strategy} takes a range [start, end], e.g. ['-1y', 'now']")
        for bound in arg:
            try:
                parse_moment(bound, DEFAULT_NOW)
            except ValueError as exc:
                raise fail(str(exc)) from None
    if strategy == "template":
        items = arg if isinstance(arg, list) else [arg]
        if not items or not all(isinstance(t, str) for t in items):
            raise fail("template takes a string or a list of strings such as 'user{n}@example.com'")
    if strategy == "offset" and (not isinstance(arg, str) or options.get("direction", "after") not in ("after", "before")):
        raise fail("offset takes another field's name, with direction: after (default) or before")
    if strategy == "slugify" and not isinstance(arg, str):
        raise fail("slugify takes the name of another field")
    if strategy == "ref":
        if not isinstance(arg, str) or "." not in arg:
            raise fail("ref takes a model label such as auth.User")
        count = options.get("count")
        if count is not None and not (_pair(count) and all(isinstance(v, int) and not isinstance(v, bool) for v in count) and 0 <= count[0] <= count[1]):
            raise fail("ref count is [min, max] with 0 <= min <= max")
    if strategy == "duration":
        if not _pair(arg) or not all(_span(b) is not None for b in arg) or _span(arg[0]) > _span(arg[1]):
            raise fail("duration takes a range [shortest, longest] of spans such as ['1min', '30d']")
    if strategy == "binary" and not (_pair(arg) and all(isinstance(b, int) and not isinstance(b, bool) and b >= 0 for b in arg)
                                     and arg[0] <= arg[1]):
        raise fail("binary takes a range [min, max] of lengths in bytes")
    if strategy == "regex":
        try:
            re.compile(arg)
        except (re.error, TypeError) as exc:
            raise fail(f"regex takes a regular expression: {exc}") from None
    if strategy == "ref":
        for flag in ("tree", "existing"):
            if not isinstance(options.get(flag, False), bool):
                raise fail(f"ref {flag} is true or false")
    if strategy == "password" and not isinstance(arg, str):
        raise fail("password takes the plain-text password to hash")
    distribution = options.get("distribution", "uniform")
    if distribution not in DISTRIBUTIONS:
        raise fail(f"unknown distribution {distribution!r}{suggest(distribution, DISTRIBUTIONS)}")
    a = options.get("a", 1.2)
    if isinstance(a, bool) or not isinstance(a, (int, float)) or a <= 0:
        raise fail("a (the zipf exponent) must be a number above 0")
