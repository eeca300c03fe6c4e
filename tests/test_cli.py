"""The seedgen command: CliRunner tests of every command, their help, and their one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from django.conf import settings
from django.core.management import call_command

from seedgen.cli import cli
from tests.conftest import PROFILES, REPO, database_url, empty_database, ensure_database, server_sql

BLOG = str(PROFILES / "blog.yaml")


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    first_words = " ".join(cli.commands[command].help.split()[:4])
    assert first_words and first_words in " ".join(result.output.split())


def test_export_to_stdout_with_format_seed_count_and_scale():
    result = invoke("export", BLOG, "-o", "-", "--format", "jsonl", "--seed", "7", "--count", "blog.Post=30",
                    "--scale", "2")
    assert result.exit_code == 0, result.output
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["model"] for o in objects].count("blog.post") == 30
    assert [o["model"] for o in objects].count("auth.user") == 10


def test_export_prints_a_summary_and_writes_the_file(tmp_path):
    target = tmp_path / "blog.yaml.gz"
    result = invoke("export", BLOG, "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "blog.Post" in result.stderr and f"wrote {target}" in result.stderr
    assert target.exists()


def test_models_added_for_the_profile_are_announced(tmp_path):
    path = tmp_path / "posts.yaml"
    path.write_text("models:\n  blog.Category: 1\n  blog.Post: 2\n")
    result = invoke("export", str(path), "-o", str(tmp_path / "posts.json"))
    assert result.exit_code == 0, result.output
    assert "note: added auth.User (2 rows): blog.Post.author needs rows" in result.stderr


def test_plan_shows_order_counts_pks_and_strategies():
    result = invoke("plan", BLOG)
    assert result.exit_code == 0, result.output
    assert "blog.Post: 50 rows, pk 1..50" in result.output
    assert "status        choice {draft: 1, published: 3}" in result.output
    assert "date_joined       datetime [2024-01-02T12:00:00+00:00, 2024-11-20T12:00:00+00:00]" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--count", "blog.Post"], "is not LABEL=N"),
    (["--count", "blog.Post=-1"], "must not be negative"),
    (["--count", "blog.Pots=1"], "did you mean 'blog.post'"),
    (["--settings", "no.such.settings"], "cannot import settings module 'no.such.settings'"),
])
def test_bad_options_are_one_line_errors(tmp_path, args, message):
    code = subprocess.run(
        [sys.executable, "-m", "seedgen", "export", BLOG, "-o", str(tmp_path / "x.json"), *args],
        capture_output=True, text=True, cwd=tmp_path,
        env={"PATH": "", "PYTHONPATH": str(REPO), "SEEDGEN_DEMO_DB": str(tmp_path / "d.sqlite3")},
    )
    assert code.returncode in (1, 2)
    assert message in code.stderr
    assert "Traceback" not in code.stderr
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize(("profile", "message"), [
    ("models:\n  blog.Tag: [1,\n", "bad.yaml:3: malformed YAML"),
    ("models:\n  blog.Tga: 1\n", "bad.yaml:2: blog.Tga: unknown model (did you mean 'blog.Tag'?)"),
    ("models:\n  blog.Tag:\n    count: 2\n    fields:\n      nme: x\n", "bad.yaml:5: blog.Tag.fields.nme: unknown field"),
    ("models:\n  blog.Tag:\n    count: 2\n    fields:\n      name: {chioce: [a]}\n", "unknown strategy 'chioce'"),
    ("models:\n  blog.Tag:\n    count: 2\n    fields:\n      name: {faker: nmae}\n", "unknown Faker provider 'nmae'"),
    ("models:\n  blog.Tag: -1\n", "bad.yaml:2: blog.Tag: count must not be negative"),
    ("models:\n  blog.Tag: lots\n", "count must be a whole number"),
    ("models:\n  auth.User: 0\n  blog.Category: 1\n  blog.Post: 2\n", "references auth.User, which has 0 rows"),
    ("models:\n  blog.Tag:\n    count: 10\n    fields:\n      name: {choice: [a, b, c]}\n", "only 3 distinct values"),
    ("models:\n  blog.Tag:\n    count: 1\n    fields:\n      color: '#12345678'\n", "longer than max_length 7"),
    ("settings: no_such_module\nmodels:\n  blog.Tag: 1\n", "cannot import settings module 'no_such_module'"),
])
def test_bad_profiles_are_one_line_errors_and_write_nothing(tmp_path, profile, message):
    path = tmp_path / "bad.yaml"
    path.write_text(profile)
    env = {"PATH": "", "PYTHONPATH": str(REPO), "SEEDGEN_DEMO_DB": str(tmp_path / "d.sqlite3")}
    code = subprocess.run([sys.executable, "-m", "seedgen", "export", "bad.yaml", "-o", "out.json"],
                          capture_output=True, text=True, cwd=tmp_path, env=env)
    assert code.returncode == 1, code.stderr
    lines = code.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], code.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


def test_export_needs_exactly_one_destination():
    result = invoke("export", BLOG)
    assert result.exit_code == 2 and "give -o/--output FILE or --per-model DIR" in result.output


def test_export_fixture_management_command_matches_the_cli(tmp_path):
    call_command("export_fixture", BLOG, output=str(tmp_path / "a.json"), indent=2)
    assert invoke("export", BLOG, "-o", str(tmp_path / "b.json"), "--indent", "2").exit_code == 0
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_insert_appends_and_clear_replaces(sqlite_db):
    from seedgen.demo.blog.models import Category, Post

    assert invoke("insert", BLOG, "-q").exit_code == 0
    again = invoke("insert", BLOG, "-q")
    assert again.exit_code == 0, again.output
    assert (Post.objects.count(), Category.objects.count()) == (100, 5)  # the named categories are reused
    cleared = invoke("insert", BLOG, "--clear", "-q", input="y\n")
    assert cleared.exit_code == 0 and Post.objects.count() == 50


def test_create_sample_data_takes_the_guides_flags(sqlite_db):
    from django.contrib.auth.models import User

    from seedgen.demo.blog.models import Post, Tag

    out = __import__("io").StringIO()
    call_command("create_sample_data", posts=20, users=3, database=sqlite_db, stdout=out)
    assert (Post.objects.count(), User.objects.count(), Tag.objects.count()) == (20, 3, 10)
    assert "Created 20 blog.Post rows" in out.getvalue()
    call_command("create_sample_data", posts=7, users=2, clear=True, interactive=False, stdout=out)
    assert (Post.objects.count(), User.objects.count()) == (7, 2)
    assert User.objects.get(username="user_1").check_password("password123")


def test_create_sample_data_runs_a_profile_with_seed_count_and_scale(sqlite_db):
    from django.contrib.auth.models import User

    from seedgen.demo.blog.models import Post, Tag

    out = __import__("io").StringIO()
    call_command("create_sample_data", "--profile", str(PROFILES / "demo.yaml"), "--seed", "7", "--count", "blog.Tag=40",
                 "--scale", "0.5", "--clear", "--noinput", stdout=out)
    # --scale halves the profile's counts; --count sets its model's exactly.
    assert (User.objects.count(), Tag.objects.count(), Post.objects.count()) == (25, 40, 500)
    assert "Created 500 blog.Post rows in " in out.getvalue()


@pytest.mark.parametrize(("count", "message"), [("blog.Post", "is not LABEL=N"), ("blog.Post=-1", "must not be negative")])
def test_management_commands_read_count_like_the_cli(tmp_path, count, message):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("export_fixture", BLOG, f"--count={count}", output=str(tmp_path / "x.json"))
    assert not (tmp_path / "x.json").exists()


def test_insert_with_a_database_url_fills_that_database(server_db):
    """In a process of its own: the URL replaces the demo settings' SQLite database."""
    from seedgen.demo.blog.models import Post

    result = subprocess.run([sys.executable, "-m", "seedgen", "insert", BLOG, "--database-url", database_url(server_db)],
                            cwd=REPO, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert Post.objects.using(server_db).count() == 50
    lines = result.stderr.splitlines()
    assert lines[0].split() == ["model", "rows", "seconds", "rows/s"]
    assert [line.split()[0] for line in lines[1:-1]] == [
        "auth.User", "blog.Category", "blog.Tag", "blog.Post", "finishing", "total"]
    assert lines[4].split()[:2] == ["blog.Post", "50"]
    # seedgen's own MariaDB connections allow LOAD DATA LOCAL INFILE, and the test server does too
    method = "COPY FROM STDIN" if server_db == "postgresql" else "LOAD DATA LOCAL INFILE"
    assert lines[-1] == f"rows went in by {method}"
    assert "\r" not in result.stderr  # no progress bar: standard error is not a terminal


def test_insert_with_the_demo_settings_migrates_a_new_database_given_by_url():
    ensure_database("postgresql")
    name = f"{settings.DATABASES['postgresql']['NAME']}_new"
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    server_sql("postgresql", drop, f'CREATE DATABASE "{name}"', on="")
    url = database_url("postgresql").rsplit("/", 1)[0] + f"/{name}"
    try:
        result = subprocess.run([sys.executable, "-m", "seedgen", "insert", BLOG, "--database-url", url, "-q"],
                                cwd=REPO, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
        assert result.returncode == 0, result.stderr
        assert server_sql("postgresql", "SELECT count(*) FROM blog_post", on=name) == [(50,)]
    finally:
        server_sql("postgresql", drop, on="")


def test_create_sample_data_takes_a_database_url(sqlite_db, tmp_path):
    from seedgen.demo.blog.models import Post

    ensure_database("postgresql")
    empty_database("postgresql")
    out = __import__("io").StringIO()
    call_command("create_sample_data", posts=9, database="by_url", database_url=database_url("postgresql"), stdout=out)
    assert Post.objects.using("postgresql").count() == 9
    assert Post.objects.using(sqlite_db).count() == 0


@pytest.mark.parametrize(("args", "message"), [
    (["--database-url", "oracle://u@h/db"], "Error: database URL 'oracle://u@h/db': unknown scheme 'oracle'"),
    (["--database", "nowhere", "--database-url", "postgresql://u@127.0.0.1:9/db"],
     "Error: database 'nowhere': cannot connect: connection failed: connection to server at \"127.0.0.1\", port 9 failed"),
    (["--database", "nosuch"], "Error: no database 'nosuch' in the settings; choose one of default, postgresql, mysql"),
])
def test_insert_database_errors_are_one_line(sqlite_db, args, message):
    result = invoke("insert", BLOG, *args)
    assert result.exit_code == 1
    assert result.output.startswith(message) and result.output.count("\n") == 1, result.output


def test_progress_draws_a_bar_with_rate_and_eta_on_a_terminal():
    import io
    import re

    from seedgen.progress import Progress

    out = io.StringIO()
    bar = Progress(out, enabled=True)
    bar.start("blog.Post", 1000)
    bar.advance(250)
    bar.advance(750)
    bar.finish()
    bar.status("finishing")
    bar.end_line()
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue())  # without the terminal's colour codes
    assert re.search(r"blog\.Post .*1000/1000 rows +[\d,]+ rows/s +ETA 0:00:00", text), text
    assert "finishing" in text and text.endswith("\n")
    silent = io.StringIO()
    Progress(silent).start("blog.Post", 10)  # StringIO is no terminal
    assert silent.getvalue() == ""


def test_insert_with_the_demo_settings_makes_the_demo_database(tmp_path):
    database = tmp_path / "demo.sqlite3"
    result = subprocess.run([sys.executable, "-m", "seedgen", "insert", BLOG, "-q"], cwd=tmp_path, capture_output=True,
                            text=True, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO),
                                            "SEEDGEN_DEMO_DB": str(database)})
    assert result.returncode == 0, result.stderr
    import sqlite3

    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT count(*) FROM blog_post").fetchone() == (50,)


@pytest.mark.parametrize(("url", "blocked", "extra"), [
    ("postgresql://postgres@127.0.0.1:5432/x", ["psycopg", "psycopg2"], "postgresql"),
    ("mysql://root@127.0.0.1:3306/x", ["MySQLdb", "pymysql"], "mysql"),
])
def test_a_missing_database_driver_names_the_extra_to_install(tmp_path, url, blocked, extra):
    """As after a plain `pip install seedgen`: the driver cannot be imported."""
    code = "import sys\n" + "".join(f"sys.modules[{name!r}] = None\n" for name in blocked) + \
        "from seedgen.cli import main\nsys.argv = ['seedgen'] + sys.argv[1:]\nmain()\n"
    result = subprocess.run([sys.executable, "-c", code, "insert", BLOG, "--database-url", url],
                            capture_output=True, text=True, cwd=tmp_path,
                            env={"PATH": "", "PYTHONPATH": str(REPO), "SEEDGEN_DEMO_DB": str(tmp_path / "d.sqlite3")})
    assert result.returncode == 1, result.stderr
    assert f"pip install 'seedgen[{extra}]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_clear_with_no_terminal_to_ask_on_says_to_pass_yes(sqlite_db):
    result = invoke("insert", BLOG, "--clear", input="")
    assert result.exit_code == 2
    assert "pass --yes (or --noinput)" in result.output
    for flag in ("--yes", "--noinput"):  # the hint is true: either one goes through
        assert invoke("insert", BLOG, "--clear", flag, "-q", input="").exit_code == 0


def test_create_sample_data_clear_with_no_terminal_says_to_pass_noinput(sqlite_db, monkeypatch):
    import io

    from django.core.management.base import CommandError

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(CommandError, match=r"pass --noinput \(or --yes\)"):
        call_command("create_sample_data", "--clear", "--database", sqlite_db)


def test_a_model_the_demo_settings_lack_says_the_demo_settings_are_in_use(tmp_path):
    (tmp_path / "shop.yaml").write_text("models:\n  warehouse.Crate: 3\n")
    result = subprocess.run([sys.executable, "-m", "seedgen", "export", "shop.yaml", "-o", "out.json"], cwd=tmp_path,
                            capture_output=True, text=True,
                            env={"PATH": "", "PYTHONPATH": str(REPO), "SEEDGEN_DEMO_DB": str(tmp_path / "d.sqlite3")})
    assert result.returncode == 1
    assert result.stderr.strip() == ("Error: shop.yaml:2: warehouse.Crate: unknown model (the bundled demo settings are in use, "
                                     "which install only the demo blog and shop: run seedgen inside your project, or pass "
                                     "--settings or DJANGO_SETTINGS_MODULE)")


def test_the_factory_path_leaves_the_shared_random_state_as_it_was():
    import factory.random

    from seedgen import api
    from seedgen.sinks.memory import MemorySink

    before = factory.random.get_random_state()
    plan = api.prepare(PROFILES / "blog.yaml", counts={"blog.Post": 3})
    from dataclasses import replace

    plan = replace(plan, models=tuple(replace(m, factory="factories.blog.TagFactory") if m.label == "blog.tag" else m
                                      for m in plan.models))
    api.run(plan, MemorySink())
    assert factory.random.get_random_state() == before


def test_create_sample_data_exits_130_on_ctrl_c_like_seedgen(sqlite_db, monkeypatch):
    from django.core.management.base import CommandError

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("seedgen.api.insert", interrupted)
    with pytest.raises(CommandError, match="interrupted: nothing was written") as caught:
        call_command("create_sample_data", "--database", sqlite_db, "--noinput")
    assert caught.value.returncode == 130


def test_help_lists_every_command_without_importing_the_pipeline():
    code = ("import sys\nfrom click.testing import CliRunner\nfrom seedgen.cli import cli\n"
            "out = CliRunner().invoke(cli, ['--help']).output\n"
            "print(sorted(m for m in ('numpy', 'faker', 'django.db.models', 'seedgen.fixtures') if m in sys.modules))\n"
            "print(out)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    first, _, listing = result.stdout.partition("\n")
    assert first == "[]"
    from seedgen.cli import LAZY_COMMANDS, cli

    for name in cli.list_commands(None):
        assert f"  {name} " in listing
    for name, (_, short) in LAZY_COMMANDS.items():
        command = cli.get_command(None, name)
        assert command.help and short in listing  # importable, documented, listed with its short help
