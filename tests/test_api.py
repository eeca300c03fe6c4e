"""The public API: what seedgen/__init__.py exports works, and says what it is."""

from __future__ import annotations

import json

import seedgen
from tests.conftest import PROFILES


def test_everything_exported_is_documented():
    for name in seedgen.__all__:
        assert getattr(seedgen, name).__doc__, name


def test_plan_export_and_insert_from_the_package(tmp_path, sqlite_db):
    plan = seedgen.plan(PROFILES / "blog.yaml", counts={"blog.Post": 3})
    assert plan.model("blog.Post").count == 3
    report = seedgen.export(PROFILES / "blog.yaml", tmp_path / "blog.jsonl", counts={"blog.Post": 3})
    assert sum(1 for line in (tmp_path / "blog.jsonl").read_text().splitlines() if json.loads(line)) == report.rows
    assert seedgen.insert(PROFILES / "blog.yaml", database=sqlite_db, counts={"blog.Post": 3}).rows == report.rows


def test_a_report_names_the_pk_of_every_named_object(db):
    first = seedgen.insert(PROFILES / "blog.yaml", database=db, counts={"blog.Post": 3})
    assert first.objects["technology"] == ("blog.Category", 1)
    assert first.objects["react"][0] == "blog.Tag"
    from seedgen.demo.blog.models import Category

    assert Category.objects.using(db).get(pk=first.objects["programming"][1]).slug == "programming"
    # Appending: the named objects the database already holds are reported with the pks they have there.
    again = seedgen.insert(PROFILES / "blog.yaml", database=db, counts={"blog.Post": 3})
    assert again.objects["technology"] == first.objects["technology"]


def test_migrate_runs_the_command_only_when_a_migration_is_left_to_apply(sqlite_db, monkeypatch):
    from django.core import management
    from django.db.migrations.executor import MigrationExecutor

    from seedgen import api

    ran: list[str] = []
    command = management.call_command
    monkeypatch.setattr(management, "call_command", lambda name, **options: ran.append(name) or
                        command(name, **options))
    api.migrate(sqlite_db)  # up to date: the plan is looked up, migrate's post-migrate work is not run
    assert ran == []
    plan = MigrationExecutor.migration_plan
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets, clean_start=False: (
        plan(self, [("blog", None)]) if ran == [] else plan(self, targets)))  # as if the blog were not migrated
    api.migrate(sqlite_db)
    assert ran == ["migrate"]
