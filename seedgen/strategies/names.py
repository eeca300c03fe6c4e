"""Values built from a row's own names (``faker: email, from: [first_name, last_name]``):
an address, a user name, a full name or a slug that agree with the person in the row.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from django.utils.text import slugify

from seedgen.strategies import pools, rng
from seedgen.strategies.base import Context, pick

if TYPE_CHECKING:
    from seedgen.strategies.text import FakerStrategy

# The providers ``from`` can stand in for, and where an address's domain comes from.
DOMAINS = {"email": "free_email_domain", "free_email": "free_email_domain", "company_email": "domain_name",
           "safe_email": None, "ascii_email": "free_email_domain", "ascii_free_email": "free_email_domain",
           "ascii_company_email": "domain_name", "ascii_safe_email": None}
COMPOSED = (*DOMAINS, "user_name", "name", "slug")
SAFE_DOMAINS = ["example.com", "example.net", "example.org"]
# How people shape an address or a user name from their names: f = first, l = last, i = first initial,
# d = two digits of their own.
SHAPES = ("f.l", "fl", "il", "f_l", "l.f", "fd", "f.ld", "ild")
PLAIN_SHAPES = SHAPES[:5]  # the shapes without digits come first
# Letters NFKD does not take apart into a plain letter and a mark.
_FOLD = str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ł": "l",
                       "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "ı": "i"})


def ascii_word(text: str) -> str:
    """'Jürgen' -> 'jurgen', "O'Brien-Smith" -> 'obriensmith': lower-case ASCII letters only."""
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_FOLD))
    return "".join(c for c in decomposed if c.isascii() and c.isalpha()).lower()


class Composer:
    """Makes one column from the row's name fields; unique values end in the row number."""

    def __init__(self, strategy: FakerStrategy, locales: list[str]) -> None:
        self.strategy = strategy
        self.field = strategy.field
        self.parts = self.field.options["from"]
        self.provider = self.field.arg
        self.key = strategy.key
        self.domains: list[list[str]] = []
        if self.provider in DOMAINS:
            source = DOMAINS[self.provider]
            for locale in locales:
                key = rng.stream_key(self.key, "domain", locale)
                self.domains.append(pools.faker_pool(key, source, {}, locale, 50) if source else SAFE_DOMAINS)

    def names(self, ctx: Context) -> list[tuple[str, str]]:
        """(first, last) of each row; one field holding a whole name is split at its spaces."""
        columns = [ctx.columns[p] for p in self.parts]
        if len(columns) == 2:
            return [(str(a or ""), str(b or "")) for a, b in zip(*columns)]
        out = []
        for value in columns[0]:
            words = str(value or "").split()
            out.append((words[0], words[-1]) if len(words) > 1 else (words[0] if words else "", ""))
        return out

    def column(self, ctx: Context) -> list[str]:
        rows = ctx.rows
        people = self.names(ctx)
        unique = self.field.unique
        numbers = (rows + self.strategy.model.number_from).tolist()
        if self.provider == "name":
            return [self.fit(f"{first} {last}".strip(), f" {n}" if unique else "") for (first, last), n in zip(people, numbers)]
        if self.provider == "slug":
            return [self.fit(slugify(f"{first} {last}"), f"-{n}" if unique else "") for (first, last), n in zip(people, numbers)]
        # A unique value ends in the row number alone, so none of its shapes may end in digits of its own.
        shapes = pick(self.key, rows, len(PLAIN_SHAPES) if unique else len(SHAPES), False).tolist()
        digits = (rng.integers(self.key, rows, 1, 99, salt=7)).tolist()
        locals_ = [self.local(first, last, SHAPES[s], None if unique else d) for (first, last), s, d in zip(people, shapes, digits)]
        if self.provider not in DOMAINS:
            return [self.fit(local, str(n) if unique else "") for local, n in zip(locals_, numbers)]
        which = self.strategy.row_locale(rows).tolist() if self.strategy.row_locale else [0] * len(rows)
        picks = pick(rng.stream_key(self.key, "domain"), rows, 50, False).tolist()
        out = []
        for local, w, p, n in zip(locals_, which, picks, numbers):
            domains = self.domains[w]
            domain = "@" + domains[p % len(domains)]
            out.append(self.fit(local, (str(n) if unique else "") + domain))
        return out

    @staticmethod
    def local(first: str, last: str, shape: str, digits: int | None) -> str:
        f, last_ = ascii_word(first), ascii_word(last)
        if not f or not last_:
            return (f or last_ or "user") + (f"{digits:02d}" if digits is not None else "")
        text = {"f": f, "l": last_, "i": f[0], "d": f"{digits:02d}" if digits is not None else ""}
        return "".join(text.get(c, c) for c in shape)

    def fit(self, text: str, tail: str) -> str:
        """``text`` and its ``tail`` (number, domain) within max_length, cutting the text, never the tail."""
        limit = self.field.max_length
        if limit and len(text) + len(tail) > limit:
            text = text[: max(1, limit - len(tail))].rstrip("._- ")
        return text + tail
