"""Text: drawn from a seeded pool (faker, regex), or made per row from other columns
(template, slugify); unique text stays unique through suffixes.
"""

from __future__ import annotations

import contextlib
import random
import re
import string
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
from django.utils.text import slugify

from seedgen.errors import suggest
from seedgen.strategies import names, pools, regex, rng
from seedgen.strategies.base import TEXTS, Context, Fail, Planning, Strategy, pick, register

if TYPE_CHECKING:
    from faker import Faker

@cache
def faker_for(locale: str) -> Faker:
    """A shared, unseeded Faker for look-ups only (which locales and providers exist); values come from seeded copies."""
    from faker import Faker  # imported when a profile names faker: a tenth of a second others need not pay

    return Faker(locale)


class TextStrategy(Strategy):
    """Strings from a pool; unique ones walk a keyed permutation, then take suffixes."""

    def pool_source(self) -> list[Any]:
        raise NotImplementedError

    def prepare(self) -> None:
        raw = self.pool_source()
        self.texty = self.field.max_length is not None or self.field.kind in ("TextField", "CharField")
        if not self.texty and not self.field.unique:
            self.pool = raw
            return
        # Unique values differ in more than case and accents: MariaDB's default collation ignores both.
        room = pools.suffix_room(self.field.max_length)
        self.pool = pools.text_pool(raw, self.field.max_length, self.field.unique, room, casefold=True)
        if self.field.options.get("taken"):  # appending: clear of the values the table holds
            taken = self.field.options["taken"]
            self.pool = [t for t in self.pool if pools.collation_key(t) not in taken]
        if self.field.field is not None:
            self.pool = pools.valid_only(self.pool, self.field.field)
            wanted = self.model.count if self.field.unique else 1
            if len(self.pool) < wanted and self.field.line is None:
                # Derived, and the validators reject Faker's text: plainer shapes, the first with enough values.
                for candidates in pools.fallback_pools(self.key, self.field.max_length, len(raw)):
                    fitted = pools.text_pool(candidates, self.field.max_length, self.field.unique, room, casefold=True)
                    valid = pools.valid_only(fitted, self.field.field)
                    if len(valid) > len(self.pool):
                        self.pool = valid
                    if len(self.pool) >= wanted:
                        break
        if not self.pool:
            raise self.fail("no value of this strategy passes the field's length and validators; "
                            "name a strategy for it in the profile, e.g. template: \"code-{n}\"")
        if self.field.unique and self.field.max_length:
            cycles = -(-self.model.count // len(self.pool))
            if cycles > 1 and len(f"-{cycles}") > room:
                raise self.fail(f"{self.model.count} distinct values do not fit in {self.field.max_length} characters "
                                f"with this strategy ({len(self.pool)} values before suffixes); name a strategy for it, "
                                "e.g. regex: '[A-Z0-9]{" + str(self.field.max_length) + "}'")

    def column(self, ctx: Context) -> list[Any]:
        pool = self.pool
        if not self.field.unique:
            return [pool[i] for i in pick(self.key, ctx.rows, len(pool), False).tolist()]
        size = len(pool)
        idx = pick(self.key, ctx.rows, size, True).tolist()
        cycles = (ctx.rows // size).tolist()
        return [pools.with_suffix(pool[i], c) for i, c in zip(idx, cycles)]


@register
class FakerStrategy(TextStrategy):
    """Values of a Faker provider (``faker: name``), called ``pool`` times with ``args`` in ``locale``
    (the profile's unless given; with several by weight, each row takes one, the same for every
    field of the row); rows sample that pool. ``period: false`` drops a sentence's final period
    (a title). ``from: [first_name, last_name]`` builds the value from those fields of the row
    instead (``email``, ``user_name``, ``name``, ``slug``): see ``names.py``."""

    name = "faker"
    options = ("args", "pool", "locale", "period", "from")

    @classmethod
    def check_arg(cls, arg: Any, options: dict[str, Any], fail: Fail) -> None:
        if not isinstance(arg, str):
            raise fail("faker takes a provider name, e.g. faker: name")
        if "args" in options and not isinstance(options["args"], dict):
            raise fail("faker args is a mapping of keyword arguments")
        pool = options.get("pool", 1)
        if isinstance(pool, bool) or not isinstance(pool, int) or pool < 1:
            raise fail("pool is a whole number of values >= 1")
        if not isinstance(options.get("period", True), bool):
            raise fail("period is true or false")
        if "from" in options:
            parts = options["from"]
            if not isinstance(parts, list) or not 1 <= len(parts) <= 2 or not all(isinstance(p, str) for p in parts):
                raise fail("from takes one or two fields of the row, e.g. from: [first_name, last_name]")
            if arg not in names.COMPOSED:
                raise fail(f"from works with faker {', '.join(names.COMPOSED)}, not {arg}")

    @classmethod
    def depends_on(cls, arg: Any, options: dict[str, Any]) -> tuple[str, ...]:
        return tuple(options.get("from", ()))

    @classmethod
    def plan(cls, arg: Any, options: dict[str, Any], at: Planning) -> tuple[Any, dict[str, Any]]:
        options = {**options, "locale": options.get("locale", at.locale)}
        if arg in EVERYWHERE and all(_shipped_locale(locale) for locale in locales_of(options["locale"])):
            return arg, options  # known without importing Faker, which a run whose rows are all named objects never needs
        for locale in locales_of(options["locale"]):
            try:
                fake = faker_for(locale)
            except AttributeError:
                raise at.fail(f"unknown Faker locale {locale!r}") from None
        if arg.startswith("_") or not callable(getattr(fake, arg, None)):
            public = [n for n in dir(fake) if not n.startswith("_")]
            raise at.fail(f"unknown Faker provider {arg!r}{suggest(arg, public)}")
        return arg, options

    def prepare(self) -> None:
        weights = locales_of(self.field.options["locale"])
        self.locales = list(weights)
        self.row_locale = RowLocale(self.plan.seed, self.model.label, weights) if len(weights) > 1 else None
        if "from" in self.field.options:
            self.composer = names.Composer(self, self.locales)
            return
        self.composer = None
        self.building: list[str] = self.locales  # the locales of the pool being built
        if self.row_locale is None or self.field.unique:
            super().prepare()  # one pool (a unique field's spans every locale, in turn)
            return
        self.pools = []
        for locale in self.locales:
            self.building = [locale]
            super().prepare()
            self.pools.append(self.pool)

    def pool_source(self) -> list[Any]:
        options = self.field.options
        size = options.get("pool", pools.DEFAULT_POOL)
        values = []
        for locale in self.building:
            key = self.key if len(self.locales) == 1 else rng.stream_key(self.key, locale)
            values += pools.faker_pool(key, self.field.arg, options.get("args", {}), locale, size)
        if options.get("period", True) is False:
            values = [v.rstrip(".") if isinstance(v, str) else v for v in values]
        return values

    def column(self, ctx: Context) -> list[Any]:
        if self.composer is not None:
            return self.composer.column(ctx)
        if not hasattr(self, "pools"):
            return super().column(ctx)
        which = self.row_locale(ctx.rows).tolist()
        idx = pick(self.key, ctx.rows, len(self.pools[0]), False).tolist()
        return [self.pools[w][i % len(self.pools[w])] for w, i in zip(which, idx)]


# Providers every Faker locale has (through the default ones): what derive.py names, and a few more.
EVERYWHERE = frozenset({
    "word", "words", "sentence", "paragraph", "text", "email", "free_email", "safe_email", "company_email", "user_name",
    "first_name", "last_name", "name", "url", "slug", "phone_number", "city", "country", "current_country", "address",
    "street_address", "postcode", "company", "hex_color", "domain_name", "ipv4", "ipv6", "bothify", "lexify", "uuid4",
})


@cache
def _shipped_locale(locale: str) -> bool:
    """Whether Faker ships ``locale``, read off its package folders (Faker's own check imports every provider)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("faker")
    if spec is None or spec.origin is None:
        return False
    providers = Path(spec.origin).parent / "providers"
    return any((folder / locale).is_dir() for folder in providers.iterdir() if folder.is_dir())


def locales_of(locale: str | dict[str, float]) -> dict[str, float]:
    """A profile's or field's locale as locale -> weight."""
    return {locale: 1.0} if isinstance(locale, str) else dict(locale)


class RowLocale:
    """Which of several weighted locales each row of a model takes: one stream per model,
    so the row's name, address and phone number agree."""

    def __init__(self, seed: int, label: str, weights: dict[str, float]) -> None:
        self.key = rng.stream_key(seed, label, "locale")
        cumulative = np.cumsum(list(weights.values()), dtype=np.float64)
        self.cdf = cumulative / cumulative[-1]

    def __call__(self, rows: np.ndarray) -> np.ndarray:
        return rng.weighted(self.key, rows, self.cdf)


@register
class Regex(TextStrategy):
    """Strings matching a regular expression (a RegexValidator's, when derived)."""

    fits = TEXTS
    name = "regex"
    options = ("flags",)

    @classmethod
    def check_arg(cls, arg: Any, options: dict[str, Any], fail: Fail) -> None:
        try:
            re.compile(arg)
        except (re.error, TypeError) as exc:
            raise fail(f"regex takes a regular expression: {exc}") from None

    def pool_source(self) -> list[Any]:
        try:
            sample = regex.sampler(self.field.arg, self.field.options.get("flags", 0))
        except regex.Unsupported as exc:
            raise self.fail(f"{exc}; name a strategy for it in the profile") from None
        rand = random.Random(self.key)
        return [sample(rand) for _ in range(self.field.options.get("pool", pools.DEFAULT_POOL))]


class RowText(Strategy):
    """Strings made per row from other columns; unique ones end in the row number."""

    fits = TEXTS

    def make(self, ctx: Context) -> list[str]:
        raise NotImplementedError

    def already_unique(self) -> bool:
        return False

    def column(self, ctx: Context) -> list[Any]:
        texts = self.make(ctx)
        limit = self.field.max_length
        if not self.field.unique or self.already_unique():
            if self.field.unique and limit and any(len(t) > limit for t in texts):
                raise self.fail(f"a unique value is longer than max_length {limit}; shorten the template")
            return self.fitted(texts)
        return numbered(texts, (ctx.rows + self.model.number_from).tolist(), limit)


def numbered(texts: list[str], numbers: list[int], limit: int | None) -> list[str]:
    """Each text made unique by its row's number, within ``limit`` characters (see ``number_one``)."""
    if texts and "@" not in "".join(texts):  # no address
        if not limit:
            return [f"{text}-{n}" for text, n in zip(texts, numbers)]
        if max(map(len, texts)) + len(f"-{max(numbers)}") <= limit:  # nothing to cut
            return [f"{text.rstrip('-')}-{n}" for text, n in zip(texts, numbers)]
    return [number_one(text, n, limit) for text, n in zip(texts, numbers)]


def number_one(text: str, n: int, limit: int | None) -> str:
    """``text-n``, cut to fit ``limit``; in an address the number goes before the '@', as with Faker's."""
    suffix = f"-{n}"
    local, at, domain = text.rpartition("@")
    if at and local:
        room = limit - len(suffix) - len(at + domain) if limit else None
        return local[:room].rstrip("-") + suffix + at + domain
    base = text[: limit - len(suffix)].rstrip("-") if limit else text
    return base + suffix


MEMO = 100_000  # texts remembered per strategy (templates, slugs): their sources come from pools, so they repeat


def _placeholders(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


@register
class Template(RowText):
    """A format string per row (or one of a list) over the row's other columns and ``n``, ``i``, ``pk``,
    e.g. ``'user{n}@example.com'``."""

    name = "template"

    @classmethod
    def check_arg(cls, arg: Any, options: dict[str, Any], fail: Fail) -> None:
        items = arg if isinstance(arg, list) else [arg]
        if not items or not all(isinstance(t, str) for t in items):
            raise fail("template takes a string or a list of strings such as 'user{n}@example.com'")

    @classmethod
    def depends_on(cls, arg: Any, options: dict[str, Any]) -> tuple[str, ...]:
        return tuple(name for template in (arg if isinstance(arg, list) else [arg]) for name in _placeholders(template))

    def prepare(self) -> None:
        arg = self.field.arg
        self.templates = arg if isinstance(arg, list) else [arg]
        parsed = [_placeholders(t) for t in self.templates]
        self.row_unique = all(any(n in ("n", "pk") for n in names) for names in parsed)
        self.names = sorted({n for names in parsed for n in names})

    def already_unique(self) -> bool:
        return self.row_unique

    def make(self, ctx: Context) -> list[str]:
        which = pick(self.key, ctx.rows, len(self.templates), False).tolist()
        columns = {n: ctx.columns[n] for n in self.names if n in ctx.columns}
        if not {"n", "i", "pk"} & set(self.names):
            return self.from_columns(which, columns)
        rows = ctx.rows.tolist()
        start = self.model.pk_start
        out = []
        for j, (t, i) in enumerate(zip(which, rows)):
            values = {name: column[j] for name, column in columns.items()}
            values.update(n=i + self.model.number_from, i=i, pk=start + i)
            out.append(self.templates[t].format_map(values))
        return out

    def from_columns(self, which: list[int], columns: dict[str, list[Any]]) -> list[str]:
        """Templates over other columns only: each (template, values) formatted once, as they repeat."""
        names, templates = list(columns), self.templates
        memo: dict[tuple, str] = {}
        out = []
        for key in zip(which, *columns.values()):
            try:
                text = memo.get(key)
            except TypeError:  # an unhashable value (a JSON list): no memo for this row
                text = None
            if text is None:
                text = templates[key[0]].format_map(dict(zip(names, key[1:])))
                with contextlib.suppress(TypeError):
                    memo[key] = text
            out.append(text)
            if len(memo) > MEMO:
                memo.clear()
        return out


@register
class Slugify(RowText):
    """The slug of another field of the same row (``slugify: title``)."""

    name = "slugify"

    @classmethod
    def check_arg(cls, arg: Any, options: dict[str, Any], fail: Fail) -> None:
        if not isinstance(arg, str):
            raise fail("slugify takes the name of another field")

    @classmethod
    def depends_on(cls, arg: Any, options: dict[str, Any]) -> tuple[str, ...]:
        return (arg,)

    def prepare(self) -> None:
        self.slugs: dict[Any, str] = {}

    def make(self, ctx: Context) -> list[str]:
        slugs = self.slugs
        if len(slugs) > MEMO:
            slugs.clear()
        column = ctx.columns[self.field.arg]
        out = list(map(slugs.get, column))
        if None in out:  # values not seen yet
            for i, value in enumerate(column):
                if out[i] is None:
                    slug = slugs.get(value)
                    if slug is None:
                        slug = slugs[value] = slugify(str(value)) if value is not None else ""
                    out[i] = slug
        return out
