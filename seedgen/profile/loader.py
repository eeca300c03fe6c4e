"""Read YAML into plain Python values that remember the line of every key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from seedgen.errors import ProfileError
from seedgen.profile.schema import Profile, build_profile


class LineDict(dict):
    """A mapping from YAML that knows its own line and the line of each key."""

    line: int
    key_lines: dict[Any, int]


# The tags plain YAML data resolves to; any other (!!python/object, !include, …) is refused.
_PLAIN_TAGS = {
    "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:str", "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


def _convert(node: yaml.Node, loader: yaml.SafeLoader, file: str) -> Any:
    if node.tag not in _PLAIN_TAGS:
        raise ProfileError(f"the YAML tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed: "
                           "a profile is plain data", file=file, line=node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, loader, file)
            if key is None:
                # `null: 0.2` is the null modifier, not a key of None.
                key = key_node.value or "null"
            if isinstance(key, (dict, list)):
                raise ProfileError("a key must be a plain value", file=file, line=key_node.start_mark.line + 1)
            if key in result:
                raise ProfileError(f"duplicate key {key!r}", file=file, line=key_node.start_mark.line + 1)
            result[key] = _convert(value_node, loader, file)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, loader, file) for item in node.value]
    return loader.construct_object(node, deep=True)


def parse_yaml(text: str, file: str) -> Any:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _convert(node, loader, file)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ProfileError(f"malformed YAML: {exc.problem or exc.context}", file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise ProfileError(f"malformed YAML: {exc}", file=file) from None
    finally:
        loader.dispose()


def parse_profile(text: str, file: str = "<profile>") -> Profile:
    """Validate profile ``text``; ``file`` is only used in error messages."""
    return build_profile(parse_yaml(text, file), file)


def load_profile(path: str | Path) -> Profile:
    """Read and validate the profile file at ``path``."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError("no such profile file", file=file) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"cannot read profile: {exc}", file=file) from None
    return parse_profile(text, file)
