"""The strategy of a field the profile does not name, read off the model field.

One table maps each Django field type to how it is filled; name hints
(``email``, ``title``), ``choices``, defaults, validators and ``null``/``blank``
then adjust it. A new field type is one row in ``_BY_TYPE``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core import validators as v
from django.db import models

from seedgen.errors import PlanError
from seedgen.planning.checks import CheckRules, check_rules
from seedgen.planning.introspect import model_default
from seedgen.profile.schema import FieldSpec

# The values each integer type can hold in every database Django supports.
INT_LIMITS = {
    "SmallIntegerField": (-32768, 32767),
    "PositiveSmallIntegerField": (0, 32767),
    "IntegerField": (-2147483648, 2147483647),
    "PositiveIntegerField": (0, 2147483647),
    "BigIntegerField": (-(2**63), 2**63 - 1),
    "PositiveBigIntegerField": (0, 2**63 - 1),
    "SmallAutoField": (1, 32767),
    "AutoField": (1, 2147483647),
    "BigAutoField": (1, 2**63 - 1),
}
# Where a plain integer lands when nothing says otherwise: small, like counts.
PLAUSIBLE_INT = (0, 1000)

# Numbers recognised by name: the field's whole name, or its last word (``unit_price``,
# ``view_count``). Each is a range and how values spread over it: ``log`` crowds them near the
# low end with a long tail (most prices are small), ``zipf`` makes small counts common and a
# few huge; a rating is a weighted choice that leans high, as real ratings do. The range is
# narrowed by the field's own limits; one that does not fit them falls back to the plain rule.
MONEY = ((1, 500), "log")
COUNT = ((0, 100_000), "zipf")
NUMBER_BY_NAME: dict[str, tuple[tuple[float, float], str]] = {
    **dict.fromkeys(("price", "amount", "cost", "total", "subtotal", "fee", "balance", "revenue"), MONEY),
    "salary": ((20_000, 200_000), "log"),
    **dict.fromkeys(("quantity", "qty"), ((1, 10), "zipf")),
    **dict.fromkeys(("stock", "inventory"), ((0, 500), "log")),
    "age": ((18, 90), "uniform"),
    **dict.fromkeys(("rating", "stars"), ((1, 5), "rating")),
    **dict.fromkeys(("percent", "percentage", "pct", "discount"), ((0, 100), "uniform")),
    **dict.fromkeys(("latitude", "lat"), ((-90, 90), "uniform")),
    **dict.fromkeys(("longitude", "lng", "lon"), ((-180, 180), "uniform")),
    "year": ((-30, 0), "year"),  # years before "now"
    **dict.fromkeys(("count", "views", "likes", "followers", "downloads", "clicks", "votes", "shares", "visits"), COUNT),
    "score": ((0, 100), "uniform"),
}
RATING_WEIGHTS = {5: 35, 4: 30, 3: 17, 2: 9, 1: 9}

# Text fields recognised by name: the Faker provider (and arguments) that fits.
TEXT_BY_NAME: dict[str, tuple[str, dict[str, Any]]] = {
    "username": ("user_name", {}),
    "first_name": ("first_name", {}),
    "last_name": ("last_name", {}),
    "full_name": ("name", {}),
    "name": ("word", {}),
    "title": ("sentence", {"nb_words": 5}),
    "headline": ("sentence", {"nb_words": 6}),
    "subject": ("sentence", {"nb_words": 4}),
    "email": ("email", {}),
    "phone": ("phone_number", {}),
    "phone_number": ("phone_number", {}),
    "city": ("city", {}),
    "country": ("country", {}),
    "address": ("address", {}),
    "street": ("street_address", {}),
    "company": ("company", {}),
    "color": ("hex_color", {}),
    "colour": ("hex_color", {}),
    "url": ("url", {}),
    "website": ("url", {}),
    "domain": ("domain_name", {}),
    "ip": ("ipv4", {}),
    "ip_address": ("ipv4", {}),
    "slug": ("slug", {}),
    "code": ("bothify", {"text": "??##??##"}),
}
# Options of those fields' strategies: a title is a sentence without its final period.
_TEXT_OPTIONS = {"title": {"period": False}, "headline": {"period": False}, "subject": {"period": False}}
# Text built from the row's own first and last name when the model has both (see strategies/names.py).
FROM_NAMES = {"username": "user_name", "email": "email", "email_address": "email", "full_name": "name",
              "display_name": "name"}
NAME_PARTS = ("first_name", "last_name")
# Validators that say what kind of text a field holds.
_TEXT_BY_VALIDATOR: tuple[tuple[type, str], ...] = (
    (v.URLValidator, "url"),
    (v.EmailValidator, "email"),
    (v.DomainNameValidator, "domain_name"),
)
# A few small, non-empty JSON documents for a JSONField that may not be blank.
# (Keys in jsonb's own order, shorter first, so PostgreSQL gives them back as written.)
JSON_SAMPLES = [
    {"level": 1, "enabled": True},
    {"level": 2, "enabled": False},
    {"tags": ["new", "featured"]},
    {"size": "M", "color": "blue"},
    {"source": "import", "version": 3},
    {"notes": "checked", "score": 7},
]
FILE_EXTENSIONS = {"ImageField": "png", "FileField": "pdf"}


@dataclass(frozen=True)
class Derivation:
    """What ``derive`` knows about the run: "now", and which models the plan makes rows of."""

    now: dt.datetime
    has_rows: Callable[[str], bool]  # label_lower -> the plan makes rows of it


def derive(field: models.Field, model: type[models.Model], unique: bool, ctx: Derivation) -> FieldSpec:
    """The strategy for a field the profile does not name."""
    name = field.name
    spec = _Spec(name, unique)

    if field.is_relation:
        return _relation(field, model, spec, ctx)
    bounds = rules_of(model).bounds.get(name)
    if bounds is not None and bounds.fixed:
        return spec("constant", bounds.equals)
    if field.choices or bounds is not None and bounds.among is not None:
        values = [value for value, _ in field.flatchoices] if field.choices else list(bounds.among)
        values = [x for x in values if (field.blank or x not in v.EMPTY_VALUES)
                  and (bounds is None or bounds.among is None or x in bounds.among)]
        if values:
            return spec("choice", values)
    if field.name == "password" and hasattr(model, "set_password"):
        # An unusable password: a bare profile must not create log-in-able accounts.
        return spec("constant", "!seedgen-unusable")
    has_default, default = model_default(field, ctx.now)
    if not has_default and field.has_db_default() and not hasattr(field.db_default, "resolve_expression"):
        has_default, default = True, field.db_default
    if has_default and not unique and not getattr(field, "auto_now", False) and _fills(field, default) \
            and not _starts_blank(field, default, spec, ctx):
        return spec("constant", default)
    if field.null and field.blank and not unique:
        return spec("constant", None)
    earlier = _earlier_field(field, model) if field.get_internal_type() in ("DateTimeField", "DateField") else None
    if earlier is not None and not unique:
        return spec(field.get_internal_type().replace("Field", "").lower(), {"after": earlier, "within": "30d"})
    make = _BY_TYPE.get(field.get_internal_type())
    if make is None:
        raise PlanError(f"{model._meta.label}.{name}: cannot derive values for a {field.get_internal_type()}; "
                        "name a strategy for it in the profile")
    return make(field, model, spec, ctx)


class _Spec:
    """Makes the FieldSpec of one field; ``unique`` is there for the rules that depend on it."""

    def __init__(self, name: str, unique: bool) -> None:
        self.name, self.unique = name, unique

    def __call__(self, strategy: str, arg: Any = None, **options: Any) -> FieldSpec:
        return FieldSpec(name=self.name, strategy=strategy, arg=arg, options=options, unique=self.unique)


# A moment that comes after another of the same row, by name (the later one, then the earlier).
LATER_THAN = {
    "updated_at": "created_at", "updated": "created", "modified_at": "created_at", "modified": "created",
    "published_at": "created_at", "last_login": "date_joined", "ends_at": "starts_at", "end": "start",
    "end_date": "start_date", "ends_on": "starts_on", "valid_until": "valid_from", "valid_to": "valid_from",
    "finished_at": "started_at", "completed_at": "started_at", "closed_at": "opened_at",
    "shipped_at": "ordered_at", "delivered_at": "shipped_at", "expires_at": "created_at",
}


def _earlier_field(field: models.Field, model: type[models.Model]) -> str | None:
    """The field of the same row this one must not come before: by name, or an auto_now field after
    the model's auto_now_add one (created <= updated)."""
    names = {f.name: f for f in model._meta.local_concrete_fields}  # an MTI child makes only its own columns
    earlier = LATER_THAN.get(field.name)
    if earlier in names and names[earlier].get_internal_type() == field.get_internal_type():
        return earlier
    if getattr(field, "auto_now", False):
        return next((f.name for f in names.values() if getattr(f, "auto_now_add", False)
                     and f.get_internal_type() == field.get_internal_type()), None)
    return None


def _starts_blank(field: models.Field, default: Any, spec: _Spec, ctx: Derivation) -> bool:
    """A default that is where a row starts, not what sample rows show: "now" for a moment
    (``date_joined``), zero for a counter named in NUMBER_BY_NAME (``view_count``). Such fields
    spread over their range instead, as rows made over time and used for a while would."""
    if callable(field.default) and field.get_internal_type() in ("DateTimeField", "DateField"):
        return True
    return default == 0 and not isinstance(default, bool) and _by_name(field, spec, ctx) is not None


def _fills(field: models.Field, value: Any) -> bool:
    """Whether a default is a value full_clean() accepts for the field (a blank=False JSONField rejects {})."""
    return field.blank or value not in v.EMPTY_VALUES


def _relation(field, model, spec, ctx: Derivation) -> FieldSpec:
    target = field.related_model._meta
    if field.many_to_many:
        if field.blank and not ctx.has_rows(target.label_lower):
            return spec("constant", [])  # the closure only adds targets of required M2M fields
        return spec("ref", target.label, count=[0 if field.blank else 1, 3])
    if field.null and field.blank and not ctx.has_rows(target.label_lower):
        return spec("constant", None)
    if target.label_lower == model._meta.label_lower and not field.one_to_one:
        return spec("ref", target.label, tree=True)
    return spec("ref", target.label)


@functools.cache
def rules_of(model: type[models.Model]) -> CheckRules:
    return check_rules(model)


def _limits(field: models.Field, low: Any, high: Any) -> tuple[Any, Any]:
    """Narrow [low, high] to what the field's Min/MaxValueValidators and its model's check constraints allow."""
    step = _step(field)
    for validator in field.validators:
        if not isinstance(validator, (v.MinValueValidator, v.MaxValueValidator)):
            continue
        limit = validator.limit_value() if callable(validator.limit_value) else validator.limit_value
        if isinstance(validator, v.MinValueValidator):
            low, high = _above(low, high, type(low)(limit))
        else:
            low, high = _below(low, high, type(high)(limit))
    bounds = rules_of(field.model).bounds.get(field.name)
    if bounds is not None and bounds.low is not None:
        low, high = _above(low, high, type(low)(bounds.low) + (step if bounds.low_strict else 0))
    if bounds is not None and bounds.high is not None:
        low, high = _below(low, high, type(high)(bounds.high) - (step if bounds.high_strict else 0))
    return low, high


def value_limits(field: models.Field) -> tuple[Any, Any] | None:
    """The whole range a number field may hold (its type, validators and checks), or None for other kinds."""
    kind = field.get_internal_type()
    if kind in INT_LIMITS:
        return _limits(field, *INT_LIMITS[kind])
    if kind == "DecimalField":
        top = decimal.Decimal(10) ** ((field.max_digits or 8) - (field.decimal_places or 0)) - _step(field)
        return _limits(field, -top, top)
    if kind == "FloatField":
        return _limits(field, -1e300, 1e300)
    return None


def _above(low: Any, high: Any, limit: Any) -> tuple[Any, Any]:
    low = max(low, limit)
    return low, max(high, low)


def _below(low: Any, high: Any, limit: Any) -> tuple[Any, Any]:
    high = min(high, limit)
    return min(low, high), high


def _step(field: models.Field) -> Any:
    """The smallest move past a strict bound (``gt``, ``lt``) for the field's kind of number."""
    if field.get_internal_type() == "DecimalField":
        return decimal.Decimal(1).scaleb(-(field.decimal_places or 0))
    if field.get_internal_type() == "FloatField":
        return 1e-6
    return 1


def _by_name(field, spec, ctx) -> tuple[tuple[Any, Any], str] | None:
    """The plausible range and spread of a number field named in NUMBER_BY_NAME, within its limits."""
    hint = NUMBER_BY_NAME.get(field.name) or NUMBER_BY_NAME.get(field.name.rsplit("_", 1)[-1])
    limits = value_limits(field)
    if hint is None or spec.unique or limits is None:
        return None
    (low, high), spread = hint
    if spread == "year":
        (low, high), spread = (ctx.now.year + low, ctx.now.year + high), "uniform"
    kind = type(limits[0])
    low, high = kind(low), kind(high)
    if not (limits[0] <= low <= high <= limits[1]):
        return None
    return (low, high), spread


def _spread_of(spread: str) -> dict[str, str]:
    """A continuous strategy's options for a NUMBER_BY_NAME spread: long-tailed ones are log-spread."""
    return {"distribution": "log"} if spread in ("log", "zipf") else {}


def _int(field, model, spec, ctx):
    named = _by_name(field, spec, ctx)
    if named is not None:
        (low, high), spread = named
        if spread == "rating":
            return spec("choice", RATING_WEIGHTS)
        options = {"distribution": "zipf"} if spread == "zipf" else {}
        return spec("int", [int(low), int(high)], **options)
    low, high = INT_LIMITS.get(field.get_internal_type(), INT_LIMITS["BigIntegerField"])
    plausible = (max(low, PLAUSIBLE_INT[0]), min(high, PLAUSIBLE_INT[1]))
    if spec.unique:
        plausible = (plausible[0], min(high, plausible[0] + 1_000_000_000))
    narrowed = _limits(field, *plausible)
    limits = _limits(field, low, high)
    if narrowed[0] > narrowed[1] or not (limits[0] <= narrowed[0] <= narrowed[1] <= limits[1]):
        narrowed = limits
    return spec("int", [int(narrowed[0]), int(narrowed[1])])


def _float(field, model, spec, ctx):
    named = _by_name(field, spec, ctx)
    if named is not None:
        (low, high), spread = named
        digits = 6 if (low, high) in ((-90, 90), (-180, 180)) else 2  # a coordinate to about 10 cm
        return spec("float", [float(low), float(high)], digits=digits, **_spread_of(spread))
    return spec("float", list(_limits(field, 0.0, 1000.0)))


def _decimal(field, model, spec, ctx):
    named = _by_name(field, spec, ctx)
    if named is not None:
        (low, high), spread = named
        return spec("decimal", [float(low), float(high)], **_spread_of(spread))
    places = field.decimal_places or 0
    whole = min((field.max_digits or 8) - places, 6)
    top = decimal.Decimal(10) ** whole - decimal.Decimal(1).scaleb(-places)
    low, high = _limits(field, decimal.Decimal(0), top)
    return spec("decimal", [float(low), float(high)])


def _datetime(field, model, spec, ctx):
    strategy = field.get_internal_type().replace("Field", "").lower()
    bounds = rules_of(model).bounds.get(field.name)
    if bounds is None or bounds.low is None and bounds.high is None:
        return spec(strategy, ["-1y", "now"])
    # A check constraint with fixed dates: a year up to its upper bound, or after its lower one.
    step = dt.timedelta(days=1 if strategy == "date" else 0, seconds=0 if strategy == "date" else 1)
    low = _moment(bounds.low) + (step if bounds.low_strict else dt.timedelta(0)) if bounds.low is not None else None
    high = _moment(bounds.high) - (step if bounds.high_strict else dt.timedelta(0)) if bounds.high is not None else None
    high = high or max(ctx.now, low + dt.timedelta(days=365))
    low = low or high - dt.timedelta(days=365)
    return spec(strategy, [low.isoformat(), high.isoformat()])


def _moment(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)


def _time(field, model, spec, ctx):
    return spec("datetime", ["-1d", "now"])


def _duration(field, model, spec, ctx):
    return spec("duration", ["1min", "30d"])


def _boolean(field, model, spec, ctx):
    return spec("choice", [True, False])


def _uuid(field, model, spec, ctx):
    return spec("uuid")


def _binary(field, model, spec, ctx):
    return spec("binary", [8, min(field.max_length or 64, 64)])


def _json(field, model, spec, ctx):
    return spec("choice", JSON_SAMPLES)


def _slug(field, model, spec, ctx):
    source = next((f.name for f in model._meta.local_fields if f.name in ("name", "title")), None)
    return spec("slugify", source) if source else spec("faker", "slug")


def _file(field, model, spec, ctx):
    """A plausible relative path under the field's upload_to (its date parts taken from "now")."""
    upload_to = field.upload_to if isinstance(field.upload_to, str) else ""
    folder = ctx.now.strftime(upload_to).strip("/") if upload_to else model._meta.model_name
    extension = FILE_EXTENSIONS.get(field.get_internal_type(), "pdf")
    for validator in field.validators:
        if isinstance(validator, v.FileExtensionValidator) and validator.allowed_extensions:
            extension = sorted(validator.allowed_extensions)[0]
    return spec("template", f"{folder}/{field.name}_{{n}}.{extension}")


def _file_path(field, model, spec, ctx):
    choices = [value for value, _ in field.formfield().choices if value]
    if not choices:
        raise PlanError(f"{model._meta.label}.{field.name}: no file under {os.fspath(field.path)!r} matches the field; "
                        "name a strategy for it in the profile")
    return spec("choice", choices)


def _ip(field, model, spec, ctx):
    return spec("faker", "ipv6" if field.protocol.lower() == "ipv6" else "ipv4")


def _from_names(field, model, spec) -> FieldSpec | None:
    """A user name, address or full name made from the row's first and last name, when it has both."""
    texts = {f.name for f in model._meta.concrete_fields if f.get_internal_type() in ("CharField", "TextField")}
    if field.name in FROM_NAMES and all(part in texts for part in NAME_PARTS):
        return spec("faker", FROM_NAMES[field.name], **{"from": list(NAME_PARTS)})
    return None


def _email(field, model, spec, ctx):
    return _from_names(field, model, spec) or spec("faker", "email")


def _text(field, model, spec, ctx):
    kind = field.get_internal_type()
    composed = _from_names(field, model, spec)
    if composed is not None:
        return composed
    regex = next((x for x in field.validators if type(x) is v.RegexValidator and not x.inverse_match), None)
    if regex is not None:
        return spec("regex", regex.regex.pattern, flags=int(regex.regex.flags))
    for validator_type, provider in _TEXT_BY_VALIDATOR:
        if any(isinstance(x, validator_type) for x in field.validators):
            return spec("faker", provider)
    if field.name in TEXT_BY_NAME:
        provider, args = TEXT_BY_NAME[field.name]
        options = {"args": args} if args else {}
        return spec("faker", provider, **options, **_TEXT_OPTIONS.get(field.name, {}))
    if kind == "TextField":
        return spec("faker", "paragraph", args={"nb_sentences": 4})
    size = field.max_length or 200
    if size < 5:
        return spec("faker", "lexify", args={"text": "?" * size})
    return spec("faker", "text", args={"max_nb_chars": min(size, 200)})


_BY_TYPE: dict[str, Callable[..., FieldSpec]] = {
    **dict.fromkeys(INT_LIMITS, _int),
    "FloatField": _float,
    "DecimalField": _decimal,
    "DateTimeField": _datetime,
    "DateField": _datetime,
    "TimeField": _time,
    "DurationField": _duration,
    "BooleanField": _boolean,
    "NullBooleanField": _boolean,
    "UUIDField": _uuid,
    "BinaryField": _binary,
    "JSONField": _json,
    "SlugField": _slug,
    "FileField": _file,
    "ImageField": _file,
    "FilePathField": _file_path,
    "GenericIPAddressField": _ip,
    "CharField": _text,
    "TextField": _text,
    "EmailField": _email,
    "URLField": lambda field, model, spec, ctx: spec("faker", "url"),
}
