"""Value pools: Faker called a bounded number of times per field, seeded.

Rows sample a pool instead of calling Faker, which keeps the cost per row
small and the values a function of (seed, model, field, row) alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from faker import Faker

DEFAULT_POOL = 1000
# A unique value past the pool gets "-<cycle>"; pool values already shaped like
# that are dropped so a suffixed value can never equal an unsuffixed one.
_SUFFIXED = re.compile(r"-\d+(@|$)")


def faker_pool(key: int, provider: str, args: Mapping[str, Any], locale: str, size: int) -> list[Any]:
    fake = Faker(locale)
    fake.seed_instance(key)
    method = getattr(fake, provider)
    return [method(**args) for _ in range(size)]


def text_pool(values: list[Any], max_length: int | None, unique: bool, reserve: int) -> list[str]:
    """Strings cut to fit ``max_length``; for unique use, distinct and with room for a suffix."""
    limit = max_length - reserve if (unique and max_length) else max_length
    texts = [str(v)[:limit] if limit else str(v) for v in values]
    if not unique:
        return texts
    return [t for t in dict.fromkeys(texts) if t and not _SUFFIXED.search(t)]


def with_suffix(text: str, cycle: int) -> str:
    """The ``cycle``-th reuse of a unique value: before the '@' of an address, else at the end."""
    if cycle == 0:
        return text
    local, at, domain = text.partition("@")
    return f"{local}-{cycle + 1}@{domain}" if at else f"{text}-{cycle + 1}"
