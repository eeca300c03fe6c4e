"""Value pools: Faker called a bounded number of times per field, seeded.

Rows sample a pool instead of calling Faker, which keeps the cost per row
small and the values a function of (seed, model, field, row) alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from seedgen.strategies.base import cut

DEFAULT_POOL = 1000
SUFFIX_RESERVE = 8  # room kept at the end of a long unique string for "-<cycle>"
# A unique value past the pool gets "-<cycle>"; pool values already shaped like
# that are dropped so a suffixed value can never equal an unsuffixed one.
_SUFFIXED = re.compile(r"-\d+(@|$)")


def faker_pool(key: int, provider: str, args: Mapping[str, Any], locale: str, size: int) -> list[Any]:
    from faker import Faker  # imported by the first pool: a run without faker fields never pays for it

    fake = Faker(locale)
    fake.seed_instance(key)
    method = getattr(fake, provider)
    return [method(**args) for _ in range(size)]


def text_pool(values: list[Any], max_length: int | None, unique: bool, reserve: int,
              casefold: bool = False) -> list[str]:
    """Strings cut to fit ``max_length``, with no space at either end; for unique use, distinct
    (in more than case, with ``casefold``) and with room for a suffix."""
    limit = max_length - reserve if (unique and max_length) else max_length
    texts = [cut(str(v), limit) for v in values]
    if not unique:
        return texts
    seen: set[str] = set()
    kept = []
    for text in texts:
        key = collation_key(text) if casefold else text
        if text and key not in seen and not _SUFFIXED.search(text):
            seen.add(key)
            kept.append(text)
    return kept


def collation_key(text: str) -> str:
    """What a case- and accent-insensitive collation (MariaDB's default) compares: 'Élan' = 'elan'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def suffix_room(max_length: int | None) -> int:
    """Characters kept free at the end of a unique value for "-<cycle>": less on short fields."""
    if not max_length:
        return 0
    return min(SUFFIX_RESERVE, max(2, max_length // 3))


def with_suffix(text: str, cycle: int) -> str:
    """The ``cycle``-th reuse of a unique value: before the '@' of an address, else at the end."""
    if cycle == 0:
        return text
    local, at, domain = text.partition("@")
    return f"{local}-{cycle + 1}@{domain}" if at else f"{text}-{cycle + 1}"


def valid_only(values: list[str], field: Any) -> list[str]:
    """The values a Django field's validators accept (max_length included), in order."""
    from django.core.exceptions import ValidationError

    kept = []
    for value in values:
        if value == "" and not field.blank:
            continue
        try:
            field.run_validators(value)
        except (ValidationError, ValueError, TypeError):  # a validator that crashes on a value rejects it too
            continue
        kept.append(value)
    return kept


# Alphabets tried, in order, when a derived text field's validators reject every Faker value.
FALLBACK_ALPHABETS = ("0123456789abcdef", "0123456789", "abcdefghijklmnopqrstuvwxyz0123456789")


def fallback_pools(key: int, max_length: int | None, size: int) -> list[list[str]]:
    """Pools of plain strings (hex of even length, digits, lower-case letters and digits)
    for a field whose validator wants a shape Faker's text does not have."""
    import random

    rand = random.Random(key)
    length = min(max_length or 40, 40)
    pools = []
    for alphabet in FALLBACK_ALPHABETS:
        n = length - length % 2 if alphabet.endswith("abcdef") and length > 1 else length
        pools.append(["".join(rand.choice(alphabet) for _ in range(n)) for _ in range(size)])
    return pools
