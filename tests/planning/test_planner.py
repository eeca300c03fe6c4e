"""Plans: model order, counts, pk ranges, derived strategies, and the mistakes caught before any value."""

from __future__ import annotations

import pytest

from seedgen.errors import PlanError, ProfileError
from seedgen.planning import build_plan
from seedgen.profile import load_profile, parse_profile
from tests.conftest import PROFILES


def plan_of(text: str, **kwargs):
    return build_plan(parse_profile(text, "p.yaml"), **kwargs)


def error_of(text: str) -> str:
    with pytest.raises((ProfileError, PlanError)) as info:
        plan_of(text)
    assert "\n" not in str(info.value)
    return str(info.value)


def test_models_come_in_dependency_order_whatever_the_profile_order():
    plan = plan_of("models:\n  blog.Post: 3\n  blog.Tag: 2\n  blog.Category: 1\n  auth.User: 1\n")
    assert [m.label for m in plan.models] == ["blog.tag", "blog.category", "auth.user", "blog.post"]


def test_a_bare_count_profile_derives_every_field():
    plan = plan_of("models:\n  auth.User: 2\n  blog.Category: 2\n  blog.Tag: 2\n  blog.Post: 3\n")
    post = plan.model("blog.Post")
    strategies = {f.name: f.strategy for f in post.fields + post.m2m}
    assert strategies == {
        "title": "faker", "slug": "slugify", "content": "faker", "author": "ref", "category": "ref",
        "status": "choice", "view_count": "int", "created_at": "datetime", "published_at": "constant",
        "tags": "ref",
    }
    assert post.field("slug").unique
    assert post.field("tags").options["count"] == [0, 2]  # at most the 2 tags there are


def test_counts_scale_and_overrides():
    plan = build_plan(load_profile(PROFILES / "blog.yaml"), scale=2, counts={"blog.post": 7})
    assert {m.label: m.count for m in plan.models} == {"auth.user": 10, "blog.category": 5, "blog.tag": 10,
                                                       "blog.post": 7}


def test_pk_ranges_start_where_asked():
    plan = plan_of("models:\n  blog.Tag: 3\n", pk_starts={"blog.tag": 11})
    assert (plan.model("blog.tag").pk_start, plan.model("blog.tag").pk_stop) == (11, 14)


def test_unknown_model_is_suggested_with_its_line():
    assert error_of("models:\n  blog.Tga: 3\n") == "p.yaml:2: blog.Tga: unknown model (did you mean 'blog.Tag'?)"


def test_unknown_field_is_suggested():
    message = error_of("models:\n  blog.Tag:\n    count: 2\n    fields:\n      colour: '#fff'\n")
    assert message == "p.yaml:5: blog.Tag.fields.colour: unknown field (did you mean 'color'?)"


def test_unknown_faker_provider_is_suggested():
    message = error_of("models:\n  blog.Tag:\n    count: 2\n    fields:\n      color: {faker: hex_colour}\n")
    assert "unknown Faker provider 'hex_colour' (did you mean 'hex_color'?)" in message


def test_a_ref_to_a_model_with_no_rows_is_an_error_when_not_nullable():
    text = "models:\n  auth.User: 0\n  blog.Category: 1\n  blog.Tag: 1\n  blog.Post: 5\n"
    assert "references auth.User, which has 0 rows" in error_of(text)


def test_a_model_the_profile_needs_but_does_not_list_is_added_with_a_notice():
    plan = plan_of("models:\n  blog.Category: 1\n  blog.Post: 25\n")
    assert plan.model("auth.User").count == 10  # a small number: Post.author is not unique
    assert plan.notices == ("added auth.User (10 rows): blog.Post.author needs rows",)
    assert [m.label for m in plan.models].index("auth.user") < [m.label for m in plan.models].index("blog.post")


def test_a_unique_field_with_too_few_values_is_an_error():
    text = "models:\n  blog.Tag:\n    count: 10\n    fields:\n      name: {choice: [a, b, c]}\n"
    assert error_of(text) == "p.yaml:5: blog.Tag.fields.name: is unique but choice gives only 3 distinct values for 10 rows"


def test_a_value_longer_than_max_length_is_an_error():
    text = "models:\n  blog.Tag:\n    count: 1\n    fields:\n      color: '#1234567890'\n"
    assert "longer than max_length 7" in error_of(text)


def test_when_on_a_field_with_no_fallback_is_an_error():
    text = ("models:\n  auth.User: 1\n  blog.Category: 1\n  blog.Tag: 1\n  blog.Post:\n    count: 1\n"
            "    fields:\n      title: {constant: x, when: {status: draft}}\n")
    assert "nullable or has a default" in error_of(text)


def test_a_template_naming_an_unknown_field_is_an_error():
    text = "models:\n  blog.Tag:\n    count: 1\n    fields:\n      name: {template: 'tag {nmae}'}\n"
    assert "refers to unknown field 'nmae' (did you mean 'name'?)" in error_of(text)


def test_objects_refer_to_other_objects_by_name():
    text = ("models:\n  auth.User:\n    objects:\n      admin: {username: admin}\n"
            "  blog.Category:\n    objects:\n      tech: {name: Tech, slug: tech}\n"
            "  blog.Tag:\n    objects:\n      dj: {name: Django, slug: django}\n"
            "  blog.Post:\n    count: 2\n    objects:\n      hello: {title: Hi, slug: hi, author: admin, category: tech, tags: [dj]}\n")
    plan = plan_of(text)
    assert plan.model("blog.Post").objects[0].values["tags"][0].label == "blog.tag"
    assert "'nobody' is not a named object of auth.User" in error_of(text.replace("author: admin", "author: nobody"))


@pytest.mark.parametrize(("fields", "message"), [
    ("created_at: {duration: ['1min', '2h']}", "blog.Post.fields.created_at: duration cannot fill a DateTimeField; "
                                               "strategies that fit: faker, datetime, date, offset, constant, choice, default"),
    ("view_count: {template: 'x{n}'}", "template cannot fill a PositiveIntegerField; strategies that fit: int, float"),
    ("status: {choice: [draft, bogus]}", "'bogus' is not a value the field takes: Value 'bogus' is not a valid choice; "
                                         "the field takes 'draft', 'published', 'archived'"),
    ("status: bogus", "'bogus' is not a value the field takes"),
    ("title: ''", "'' is not a value the field takes: This field cannot be blank"),
])
def test_a_strategy_or_value_the_field_cannot_take_is_refused_naming_what_fits(fields, message):
    assert message in error_of(f"models:\n  blog.Post:\n    count: 3\n    fields:\n      {fields}\n")


def test_a_count_beyond_what_the_pk_holds_is_refused_before_anything_is_made():
    with pytest.raises(PlanError, match=r"blog.Tag: 3 rows from pk 9,223,372,036,854,775,806 go past "
                                        r"9,223,372,036,854,775,807, the largest pk its BigAutoField holds"):
        plan_of("models:\n  blog.Tag: 3\n", pk_starts={"blog.tag": 2**63 - 2})
    with pytest.raises(PlanError, match="the largest pk its SmallAutoField holds"):
        plan_of("models:\n  fieldtypes.Label: 40000\n")


def test_a_count_option_that_empties_a_target_names_the_option():
    with pytest.raises(PlanError, match=r"^--count auth.User=0 leaves blog.Post.author no rows to point at"):
        build_plan(load_profile(PROFILES / "blog.yaml"), counts={"auth.User": 0})


def test_scaling_down_keeps_a_row_of_every_model_that_had_rows():
    plan = build_plan(load_profile(PROFILES / "blog.yaml"), scale=0.1)
    assert plan.model("auth.User").count == 1 and plan.model("blog.Post").count == 5
    assert build_plan(load_profile(PROFILES / "blog.yaml"), scale=0).model("auth.User").count == 0
