"""Strings that match a regular expression, for fields guarded by a RegexValidator.

Python's own regex parser turns the pattern into a tree; a seeded
``random.Random`` walks it. Unbounded repeats are capped, lookarounds and
backreferences are refused (the caller asks the user for a strategy).
"""

from __future__ import annotations

import random
import re
import string

try:  # Python 3.11+
    from re import _constants as C
    from re import _parser as parser
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as C
    import sre_parse as parser

MAX_REPEAT = 8  # what '*' and '+' may grow to
_CATEGORIES = {
    C.CATEGORY_DIGIT: string.digits,
    C.CATEGORY_NOT_DIGIT: string.ascii_letters,
    C.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    C.CATEGORY_NOT_WORD: "-.,:",
    C.CATEGORY_SPACE: " ",
    C.CATEGORY_NOT_SPACE: string.ascii_letters + string.digits,
}
_ANY = string.ascii_letters + string.digits


class Unsupported(ValueError):
    """The pattern uses a construct this sampler does not make strings for."""


def sampler(pattern: str | re.Pattern, flags: int = 0):
    """A function of a ``random.Random`` that returns one matching string."""
    if isinstance(pattern, re.Pattern):
        pattern, flags = pattern.pattern, pattern.flags | flags
    tree = parser.parse(pattern, flags)
    ignore_case = bool(flags & re.IGNORECASE)

    def sample(rand: random.Random) -> str:
        return "".join(_walk(tree, rand, ignore_case))

    sample(random.Random(0))  # refuse unsupported patterns now, not per row
    return sample


def _walk(items, rand: random.Random, ignore_case: bool) -> list[str]:
    out: list[str] = []
    for op, arg in items:
        if op is C.LITERAL:
            out.append(chr(arg))
        elif op is C.NOT_LITERAL:
            out.append(rand.choice([c for c in _ANY if ord(c) != arg]))
        elif op is C.ANY:
            out.append(rand.choice(_ANY))
        elif op is C.IN:
            out.append(_one_of(arg, rand))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
            low, high, sub = arg
            high = min(high, low + MAX_REPEAT)
            for _ in range(rand.randint(low, high)):
                out.extend(_walk(sub, rand, ignore_case))
        elif op is C.SUBPATTERN:
            out.extend(_walk(arg[-1], rand, ignore_case))
        elif op is C.BRANCH:
            out.extend(_walk(rand.choice(arg[1]), rand, ignore_case))
        elif op is C.AT:
            continue  # ^, $, \A, \Z, \b: the string made is the whole match
        elif op is getattr(C, "ATOMIC_GROUP", None):
            out.extend(_walk(arg, rand, ignore_case))
        else:
            raise Unsupported(f"the regular expression uses {str(op).lower()}")
    return out


def _one_of(items, rand: random.Random) -> str:
    negate = bool(items) and items[0][0] is C.NEGATE
    pool: list[str] = []
    for op, arg in items[1:] if negate else items:
        if op is C.LITERAL:
            pool.append(chr(arg))
        elif op is C.RANGE:
            low, high = arg
            pool.extend(chr(c) for c in range(low, min(high, low + 200) + 1))
        elif op is C.CATEGORY:
            pool.extend(_CATEGORIES.get(arg, ""))
        else:
            raise Unsupported(f"the regular expression uses {str(op).lower()} in a class")
    if negate:
        banned = set(pool)
        pool = [c for c in _ANY if c not in banned]
    if not pool:
        raise Unsupported("a character class matches nothing this sampler can make")
    return rand.choice(pool)
