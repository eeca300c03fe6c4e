"""Templates: a unique one that repeats takes the row number, before the '@' of an address; one over other
columns formats each repeated combination once."""

from __future__ import annotations

from seedgen.generate.chunks import ModelGenerator
from seedgen.planning import build_plan
from seedgen.profile import parse_profile


def test_a_unique_email_template_numbers_the_local_part():
    plan = build_plan(parse_profile(
        "models:\n  auth.User:\n    count: 4\n    fields:\n"
        "      email: {template: 'staff@example.com', unique: true}\n", "p.yaml"))
    user = plan.model("auth.User")
    emails = ModelGenerator(plan, user).chunk(0, 4).columns["email"]
    assert emails == ["staff-1@example.com", "staff-2@example.com", "staff-3@example.com", "staff-4@example.com"]


def test_too_few_short_unique_values_name_file_line_and_a_hint_that_works():
    import pytest

    from seedgen import api
    from seedgen.errors import ProfileError
    from seedgen.sinks.memory import MemorySink

    text = "models:\n  blog.Tag:\n    count: 5000\n    fields:\n      color: {faker: safe_color_name, unique: true}\n"
    with pytest.raises(ProfileError) as caught:
        api.run(build_plan(parse_profile(text, "tags.yaml")), MemorySink())
    message = str(caught.value)
    assert message.startswith("tags.yaml:5: blog.Tag.fields.color: 5000 distinct values do not fit in 7 characters")
    hint = message.split("e.g. ")[1]
    fixed = build_plan(parse_profile(text.replace("{faker: safe_color_name, unique: true}", "{" + hint + ", unique: true}"),
                                     "tags.yaml"))
    colors = ModelGenerator(fixed, fixed.model("blog.Tag")).chunk(0, 5000).columns["color"]
    assert len(set(colors)) == 5000 and max(map(len, colors)) <= 7


def test_a_template_over_other_columns_formats_each_repeat_once_and_the_same(monkeypatch):
    from seedgen.strategies import text

    profile = ("models:\n  blog.Category:\n    count: 40\n    vars:\n      pair: {choice: [[1, 2], [3]]}\n"
               "      word: [red, blue]\n    fields:\n      description: {template: ['{word} {pair}', '{pair}!']}\n")

    def descriptions() -> list[str]:
        plan = build_plan(parse_profile(profile, "p.yaml"))
        return ModelGenerator(plan, plan.model("blog.Category")).chunk(0, 40).columns["description"]

    remembered = descriptions()
    monkeypatch.setattr(text, "MEMO", 0)  # the memo emptied after every row: each row formatted anew
    one_by_one = descriptions()
    assert remembered == one_by_one
    assert set(one_by_one) == {"red [1, 2]", "blue [1, 2]", "red [3]", "blue [3]", "[1, 2]!", "[3]!"}


def test_numbering_a_column_at_once_gives_what_numbering_each_text_gives():
    from seedgen.strategies.text import number_one, numbered

    texts = ["post", "trailing-", "a-b--", "", "x" * 20, "user@example.com", "@example.com", "-"]
    for column in (texts, [t for t in texts if "@" not in t], ["short", "tiny-"]):
        for limit in (None, 30, 22, 12, 8):
            for numbers in ([1, 2, 3, 4, 5, 6, 7, 8][:len(column)], [9, 99, 999, 10**6, 5, 6, 7, 8][:len(column)]):
                assert numbered(column, numbers, limit) == [number_one(t, n, limit) for t, n in zip(column, numbers)]
