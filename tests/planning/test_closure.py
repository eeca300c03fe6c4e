"""What a bare-count profile gets without asking: added models, Django's own rows, MTI blocks, capped links."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connections

from seedgen import api
from seedgen.errors import ProfileError
from seedgen.planning import build_plan
from seedgen.profile import parse_profile


def exported(tmp_path, text: str) -> tuple[str, list[dict]]:
    """Write ``text`` as a profile, export it as JSON: (the profile's path, the fixture's objects)."""
    profile = tmp_path / "p.yaml"
    profile.write_text(text)
    api.export(profile, tmp_path / "p.json")
    return str(profile), json.loads((tmp_path / "p.json").read_text())


def plan_of(text: str, **kwargs):
    return build_plan(parse_profile(text, "p.yaml"), **kwargs)


def test_an_mti_child_extends_its_parents_rows_pk_for_pk():
    plan = plan_of("models:\n  inherit.Place: 3\n  inherit.ItalianRestaurant: 4\n  inherit.Restaurant: 2\n")
    place, restaurant, italian = (plan.model(f"inherit.{name}") for name in ("Place", "Restaurant", "ItalianRestaurant"))
    assert (place.count, restaurant.count, italian.count) == (9, 6, 4)
    assert (place.pk_start, restaurant.pk_start, italian.pk_start) == (1, 4, 6)
    assert place.blocks == ((0, "inherit.place"), (3, "inherit.restaurant"), (5, "inherit.italianrestaurant"))
    labels = [m.label for m in plan.models]
    assert labels.index("inherit.place") < labels.index("inherit.restaurant") < labels.index("inherit.italianrestaurant")


def test_an_unlisted_mti_parent_is_added_with_no_rows_of_its_own():
    plan = plan_of("models:\n  inherit.Restaurant: 5\n")
    assert plan.model("inherit.Place").count == 5
    assert "added inherit.Place (0 rows): MTI parent of inherit.Restaurant" in plan.notices


def test_a_bare_one_to_one_model_gets_at_most_its_targets_rows():
    plan = plan_of("models:\n  auth.User: 4\n  accounts.Profile: 10\n")
    assert plan.model("accounts.Profile").count == 4
    assert any(n.startswith("accounts.Profile: 4 rows, not 10: user is unique") for n in plan.notices)


def test_a_one_to_one_count_the_user_set_that_cannot_fit_is_an_error():
    with pytest.raises(ProfileError, match="is unique but has 10 rows for 4 auth.User rows"):
        plan_of("models:\n  auth.User: 4\n  accounts.Profile:\n    count: 10\n")


def test_content_types_are_natural_keys_in_fixtures_and_pks_on_insert(sqlite_db, tmp_path):
    profile, objects = exported(tmp_path, "models:\n  org.Department: 3\n  org.Note: 6\n")
    notes = [o for o in objects if o["model"] == "org.note"]
    assert {tuple(n["fields"]["content_type"]) for n in notes} <= {("org", "department"), ("org", "employee")}
    api.insert(profile, database=sqlite_db)
    from tests.apps.org.models import Note

    for note, written in zip(Note.objects.using(sqlite_db).order_by("pk"), notes):
        content_type = ContentType.objects.using(sqlite_db).get(pk=note.content_type_id)
        assert [content_type.app_label, content_type.model] == written["fields"]["content_type"]
        assert note.target is not None  # the generic key names a real row


def test_existing_true_points_at_rows_already_in_the_database(sqlite_db, tmp_path):
    for name in ("ann", "bob", "cy"):
        User.objects.using(sqlite_db).create(username=name)
    pks = set(User.objects.using(sqlite_db).values_list("pk", flat=True))
    profile = tmp_path / "posts.yaml"
    profile.write_text("models:\n  blog.Category: 1\n  blog.Post:\n    count: 20\n    fields:\n"
                       "      author: {ref: {model: auth.User, existing: true}}\n")
    report = api.insert(profile, database=sqlite_db)
    assert not any("auth.User" in n for n in report.notices)  # no users were added
    from seedgen.demo.blog.models import Post

    assert set(Post.objects.using(sqlite_db).values_list("author_id", flat=True)) <= pks
    assert User.objects.using(sqlite_db).count() == 3


def test_models_the_database_cannot_hold_are_skipped_with_a_notice(sqlite_db, monkeypatch, tmp_path):
    from seedgen.demo.blog.models import Tag

    monkeypatch.setattr(Tag._meta, "required_db_features", ["supports_no_such_thing"])
    plan = build_plan(parse_profile("models:\n  blog.Tag: 3\n  blog.Category: 2\n", "p.yaml"))
    kept = plan.for_connection(connections[sqlite_db])
    assert [m.label for m in kept.models] == ["blog.category"]
    assert kept.notices == ("blog.Tag: skipped, the database lacks its required_db_features",)


def test_a_proxy_listed_with_its_model_shares_its_rows():
    plan = plan_of("models:\n  inherit.Place: 12\n  inherit.Landmark: 5\n")
    assert plan.model("inherit.Place").count == 12
    assert "inherit.Landmark: a proxy of inherit.Place, whose rows it shares; inherit.Place's count is used" in plan.notices


def test_one_table_listed_twice_is_an_error():
    with pytest.raises(ProfileError, match=r"p.yaml:3: blog.post: is the same table as blog.Post"):
        plan_of("models:\n  blog.Post: 12\n  blog.post: 5\n")


def test_listed_content_types_and_permissions_go_in_beside_djangos_by_natural_key(sqlite_db, tmp_path):
    profile, objects = exported(tmp_path, "models:\n  contenttypes.ContentType: 3\n  auth.Permission: 4\n")
    fixture = tmp_path / "p.json"
    assert all("pk" not in o for o in objects)  # loaddata makes them, by natural key
    types, permissions = ContentType.objects.using(sqlite_db).count(), Permission.objects.using(sqlite_db).count()
    call_command("loaddata", str(fixture), database=sqlite_db, verbosity=0)
    assert ContentType.objects.using(sqlite_db).count() == types + 3
    assert Permission.objects.using(sqlite_db).count() == permissions + 4
    for row in [*ContentType.objects.using(sqlite_db).all(), *Permission.objects.using(sqlite_db).all()]:
        row.full_clean()
    api.insert(profile, database=sqlite_db, seed=5)
    assert Permission.objects.using(sqlite_db).count() == permissions + 8
