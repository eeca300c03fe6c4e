"""The YAML of a fixture object's entries (``key: value`` and the lines it goes on over), as DjangoSafeDumper writes them.

An entry's text depends only on the indent option, its level (the object's ``pk`` or one of its ``fields``), its key
and its value, once no object repeats within the object (the emitter would anchor it: ``shared_rows`` finds those).
Values come from pools and repeat, so the emitter itself renders each distinct value once; whole numbers, booleans,
None, datetimes, plain words and lists of pks take a short path that writes what it would.
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import operator
import re
from collections.abc import Sequence
from typing import Any

import yaml
from django.core.serializers.pyyaml import DjangoSafeDumper

from seedgen.sinks.values import spaced_utc_seconds

# What the dumper's resolver reads as a timestamp or a float: written plain, as the representer tags them.
_TIMESTAMP = next(r for tag, r in DjangoSafeDumper.yaml_implicit_resolvers["2"] if tag.endswith(":timestamp"))
_FLOAT = next(r for tag, r in DjangoSafeDumper.yaml_implicit_resolvers["."] if tag.endswith(":float"))
# A string of these is a plain scalar unless the resolver reads it as a bool or a null (a letter first: no number,
# date, merge key or indicator; one space between words, none at an end, no ':' or '#'; printable ASCII only).
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_.,'/@$+=()-]*(?: [A-Za-z0-9_.,'/@$+=()-]+)*")
_WORDS = frozenset(w for word in ("yes", "no", "true", "false", "on", "off", "null")
                   for w in (word, word.capitalize(), word.upper()))
# A Decimal's text the resolver reads as an int or a float: the emitter quotes it.
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
WIDTH = 80  # libyaml's best width: a plain scalar breaks at a space past this column, never before it
MEMO_CHARS = 4_000_000  # text of emitted entries kept for values that come again (a few MB)

# SafeRepresenter.ignore_aliases: these are never anchored, whatever their identity.
_UNALIASED = (str, bytes, bool, int, float, type(None))


def _unaliased(value: Any) -> bool:
    return isinstance(value, _UNALIASED) or isinstance(value, tuple) and value == ()


class EntryWriter:
    """Renders a chunk's entries column by column for one indent option."""

    def __init__(self, indent: int | None) -> None:
        self.options: dict[str, Any] = {"Dumper": DjangoSafeDumper, "allow_unicode": True}
        if indent:
            self.options["indent"] = indent
        self.memo: dict[str, dict[Any, str]] = {}  # entry prefix -> value -> text
        self.memo_chars = 0
        self.prefixes: dict[tuple[str, bool], str] = {}
        self.lists: dict[str, tuple[str, str]] = {}  # entry prefix -> (list's key line, item prefix)
        self.skip_top = len(self.dump({"model": "m"}))
        fields = self.dump({"model": "m", "fields": {"k": 0}})[self.skip_top:]
        self.fields_header = fields[: fields.index("\n") + 1]

    def dump(self, obj: dict[str, Any]) -> str:
        """``obj`` as the sink's reference writes it: a one-item list."""
        return yaml.dump([obj], **self.options)

    def head(self, label: str) -> str:
        return self.dump({"model": label})

    def emitted(self, key: str, value: Any, *, top: bool) -> str:
        """The entry as the emitter writes it, at the object's level (``top``) or in its ``fields``."""
        if top:
            return self.dump({"model": "m", key: value})[self.skip_top:]
        return self.dump({"model": "m", "fields": {key: value}})[self.skip_top + len(self.fields_header):]

    def column(self, key: str, values: Sequence[Any], *, top: bool = False) -> list[str]:
        """Each value's entry under ``key``."""
        if (key, top) not in self.prefixes:
            self.prefixes[key, top] = self.emitted(key, 0, top=top)[:-2]  # "    key: "
        prefix = self.prefixes[key, top]
        null = prefix + "null\n"
        present = set(map(type, values))
        kinds = present - {type(None)}
        if kinds <= {int}:
            return [null if v is None else f"{prefix}{v}\n" for v in values]
        if kinds == {str}:
            return self.strings(key, prefix, values, top=top)
        if kinds == {dt.datetime} and len(prefix) + len("0000-00-00 00:00:00+00:00") <= WIDTH:
            texts = spaced_utc_seconds(values, "+00:00")
            if texts is not None:
                return [null if t is None else f"{prefix}{t}\n" for t in texts]
        if present == {list} and set(map(type, itertools.chain.from_iterable(values))) <= {int}:  # many-to-many pks
            empty, (header, item) = f"{prefix}[]\n", self.list_lines(key, prefix, top=top)
            between = "\n" + item
            return [f"{header}{item}{between.join(map(str, v))}\n" if v else empty for v in values]
        memo = self.memo.setdefault(prefix, {})
        out = []
        for value in values:
            kind = type(value)
            text = null if value is None else self.fast(key, prefix, value, kind, top=top)
            if text is None:
                memo_key = value if kind is str else str(value) if kind is decimal.Decimal else _memo_key(value)
                text = memo.get(memo_key) if memo_key is not None else None
                if text is None:
                    text = self.emitted(key, value, top=top)
                    if memo_key is not None:
                        self.remember(memo, memo_key, text)
            out.append(text)
        return out

    def strings(self, key: str, prefix: str, values: Sequence[str | None], *, top: bool) -> list[str]:
        """A column of strings (and None): the emitted ones are remembered, plain ones are written at once."""
        memo = self.memo.setdefault(prefix, {})
        known, plain, words, room = memo.get, _PLAIN.fullmatch, _WORDS, WIDTH - len(prefix)
        null = prefix + "null\n"
        out = []
        for value in values:
            if value is None:
                out.append(null)
                continue
            text = known(value)
            if text is None:
                if plain(value) and value not in words and (len(value) <= room or " " not in value):
                    text = f"{prefix}{value}\n"
                else:
                    text = self.fast(key, prefix, value, str, top=top) or self.emitted(key, value, top=top)
                    self.remember(memo, value, text)
            out.append(text)
        return out

    def list_lines(self, key: str, prefix: str, *, top: bool) -> tuple[str, str]:
        """A non-empty list's key line under ``prefix`` and the prefix of each of its items ("- ")."""
        if prefix not in self.lists:
            lines = self.emitted(key, [0], top=top).split("\n")
            self.lists[prefix] = lines[0] + "\n", lines[1][:-1]
        return self.lists[prefix]

    def fast(self, key: str, prefix: str, value: Any, kind: type, *, top: bool) -> str | None:
        """The entry without the emitter, for the values whose text is sure; None for the others."""
        if kind is str or kind is decimal.Decimal:  # DjangoSafeDumper writes a Decimal as its str
            text = value if kind is str else str(value)
            if (_PLAIN.fullmatch(text) and text not in _WORDS
                    and (" " not in text or len(prefix) + len(text) <= WIDTH)):
                return f"{prefix}{text}\n"
            if _NUMBER.fullmatch(text):
                return f"{prefix}'{text}'\n"
            return None
        if kind is bool:
            return f"{prefix}{'true' if value else 'false'}\n"
        if kind is dt.datetime or kind is dt.date:
            text = value.isoformat(" ") if kind is dt.datetime else value.isoformat()
            if _TIMESTAMP.fullmatch(text) and len(prefix) + len(text) <= WIDTH:
                return f"{prefix}{text}\n"
            return None  # an offset in seconds: the resolver does not read it, the emitter tags it
        if kind is float:
            text = _float_text(value)
            return f"{prefix}{text}\n" if _FLOAT.fullmatch(text) else None
        if kind is list and all(type(v) is int for v in value):  # many-to-many pks
            if not value:
                return f"{prefix}[]\n"
            header, item = self.list_lines(key, prefix, top=top)
            return header + "".join([f"{item}{v}\n" for v in value])
        return None

    def remember(self, memo: dict[Any, str], key: Any, text: str) -> None:
        if self.memo_chars > MEMO_CHARS:
            for kept in self.memo.values():  # cleared in place: a column being rendered holds its own
                kept.clear()
            self.memo_chars = 0
        memo[key] = text
        self.memo_chars += len(text)


def _float_text(value: float) -> str:
    """SafeRepresenter.represent_float's text."""
    if value != value:
        return ".nan"
    if value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value).lower()
    return text.replace("e", ".0e", 1) if "." not in text and "e" in text else text


def _memo_key(value: Any) -> Any:
    """A key that tells apart every value written differently: None for values not kept (mappings, odd types)."""
    kind = type(value)
    if kind is dt.datetime:
        return kind, value.isoformat(" ")
    if kind is dt.date:
        return kind, value.isoformat()
    if kind is float:
        return kind, repr(value)
    if kind is list:  # natural keys, lists of them, lists of pks: only str and int inside (1 == True == 1.0)
        frozen = []
        for item in value:
            if type(item) is str or type(item) is int:
                frozen.append(item)
            elif type(item) is list:
                inner = _memo_key(item)
                if inner is None:
                    return None
                frozen.append(inner)
            else:
                return None
        return tuple(frozen)
    return None


def shared_rows(columns: Sequence[Sequence[Any]]) -> list[int]:
    """The rows in which one object the dumper would anchor (not a str, number, bool or None) occurs twice:
    the emitter writes those as ``&id001`` and ``*id001``, so they are rendered whole."""
    aliased = [c for c in columns if not all(issubclass(t, _UNALIASED) for t in set(map(type, c)))]
    nested = [c for c in aliased if not _flat(c)]
    if len(aliased) < 2 and not nested:
        return []
    rows = len(columns[0])
    if nested:
        suspects: Sequence[int] = range(rows)
    else:
        found: set[int] = set()
        for a, b in itertools.combinations(aliased, 2):
            found.update(itertools.compress(range(rows), map(operator.is_, a, b)))
        suspects = sorted(found)
    return [r for r in suspects if _repeats([c[r] for c in aliased])]


def _flat(column: Sequence[Any]) -> bool:
    """Whether nothing inside a column's values can be anchored: scalars, and lists of str and int."""
    kinds = set(map(type, column))
    if kinds & {dict, tuple, set}:
        return False
    items = itertools.chain.from_iterable(v for v in column if type(v) is list)
    return all(issubclass(t, _UNALIASED) for t in set(map(type, items)))


def _repeats(values: list[Any]) -> bool:
    seen: set[int] = set()
    stack = list(values)
    while stack:
        value = stack.pop()
        if _unaliased(value):
            continue
        if id(value) in seen:
            return True
        seen.add(id(value))
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, (list, tuple, set, frozenset)):
            stack.extend(value)
    return False
