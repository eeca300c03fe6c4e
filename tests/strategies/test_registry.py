"""The strategy registry: every strategy documents itself and its options, and one class is all a new strategy takes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from seedgen import api
from seedgen.errors import ProfileError
from seedgen.planning import build_plan
from seedgen.profile import parse_profile
from seedgen.profile.schema import MODIFIERS
from seedgen.sinks.memory import MemorySink
from seedgen.strategies import Context, Planning, Strategy, profile_strategies, register, registered, unregister


def error_of(text: str) -> str:
    with pytest.raises(ProfileError) as info:
        build_plan(parse_profile(text, "p.yaml"))
    return str(info.value)


@pytest.mark.parametrize("name", sorted(registered()))
def test_every_strategy_has_a_docstring_of_its_own(name):
    assert (registered()[name].__doc__ or "").strip()


@pytest.mark.parametrize("name", sorted(profile_strategies()))
def test_an_unknown_option_lists_the_options_the_strategy_takes(name):
    options = profile_strategies()[name].options
    text = f"models:\n  blog.Tag:\n    count: 1\n    fields:\n      name: {{{name}: x, qqqq: 1}}\n"
    assert error_of(text) == f"p.yaml:5: blog.Tag.fields.name: unknown option 'qqqq' ({name} takes {', '.join(options + MODIFIERS)})"


@pytest.mark.parametrize("name", ["generic", "own_ctype", "factory"])
def test_the_planners_own_strategies_cannot_be_named_in_a_profile(name):
    assert registered()[name].internal
    assert "unknown strategy" in error_of(f"models:\n  blog.Tag:\n    count: 1\n    fields:\n      name: {{{name}: x}}\n")


def test_a_name_is_registered_once():
    class Again(Strategy):
        """Ints under a name that is taken."""

        name = "int"

    with pytest.raises(ValueError, match="taken"):
        register(Again)


@pytest.fixture
def shout() -> Iterator[type[Strategy]]:
    """A strategy no file of seedgen knows: another text field of the row in capitals, then ``mark``."""

    class Shout(Strategy):
        """Another text field of the same row in capitals, followed by ``mark`` (``!`` unless given)."""

        name = "test_shout"
        options = ("mark",)

        @classmethod
        def check_arg(cls, arg: Any, options: dict[str, Any], fail) -> None:
            if not isinstance(arg, str):
                raise fail("test_shout takes the name of another field")

        @classmethod
        def plan(cls, arg: Any, options: dict[str, Any], at: Planning) -> tuple[Any, dict[str, Any]]:
            if at.field is not None and at.field.get_internal_type() not in ("CharField", "TextField"):
                raise at.fail(f"test_shout fills text, and this is a {at.field.get_internal_type()}")
            return arg, {**options, "mark": options.get("mark", "!")}

        @classmethod
        def depends_on(cls, arg: Any, options: dict[str, Any]) -> tuple[str, ...]:
            return (arg,)

        def column(self, ctx: Context) -> list[Any]:
            mark = self.field.options["mark"]
            return [self.fit(f"{value.upper()}{mark}") for value in ctx.columns[self.field.arg]]

    register(Shout)
    try:
        yield Shout
    finally:
        unregister(Shout.name)


def test_a_strategy_defined_in_one_class_works_from_profile_to_rows(shout):
    # The shouting fields come before the fields they read: the plan orders generation by depends_on.
    text = ("models:\n  blog.Category:\n    count: 3\n"
            "    vars:\n      loud: {test_shout: name}\n"
            "    fields:\n      description: {test_shout: name, mark: '?'}\n"
            "      slug: {slugify: loud}\n      name: {template: 'news {n}'}\n")
    plan = build_plan(parse_profile(text, "p.yaml"))
    assert plan.model("blog.category").field("loud").options == {"mark": "!"}
    sink = MemorySink()
    api.run(plan, sink)
    rows = [(r["name"], r["description"], r["slug"]) for r in sink.rows("blog.category")]
    assert rows == [("news 1", "NEWS 1?", "news-1-1"), ("news 2", "NEWS 2?", "news-2-2"), ("news 3", "NEWS 3?", "news-3-3")]


def test_a_strategy_defined_in_one_class_checks_its_own_syntax_and_fit(shout):
    head = "models:\n  blog.Category:\n    count: 1\n    fields:\n"
    assert error_of(head + "      description: {test_shout: 3}\n") == \
        "p.yaml:5: blog.Category.fields.description: test_shout takes the name of another field"
    assert error_of(head + "      description: {test_shout: name, volume: 11}\n") == \
        "p.yaml:5: blog.Category.fields.description: unknown option 'volume' (test_shout takes mark, null, when, unique)"
    assert error_of(head + "      is_active: {test_shout: name}\n") == \
        "p.yaml:5: blog.Category.fields.is_active: test_shout fills text, and this is a BooleanField"
    assert "cannot fill a relation" in error_of("models:\n  blog.Category: 1\n  auth.User: 1\n  blog.Post:\n    count: 1\n"
                                                "    fields:\n      category: {test_shout: title}\n")


def test_an_unregistered_strategy_is_unknown_again(shout):
    unregister(shout.name)
    try:
        assert "unknown strategy 'test_shout'" in error_of(
            "models:\n  blog.Category:\n    count: 1\n    fields:\n      description: {test_shout: name}\n")
    finally:
        register(shout)
