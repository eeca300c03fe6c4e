"""seedgen init: a commented profile of the installed models that export and loaddata accept."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner
from django.apps import apps
from django.core.management import call_command

from seedgen.cli import cli
from seedgen.profile import load_profile, parse_profile
from tests.conftest import REPO


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def models_of(text: str) -> list[str]:
    return [spec.label for spec in parse_profile(text, "init.yaml").models]


def under(text: str, label: str) -> list[str]:
    """The comment lines written under a model."""
    lines = text.splitlines()
    taken = []
    for line in lines[lines.index(f"  {label}: 10") + 1:]:
        if not line.startswith("    #"):
            break
        taken.append(line.strip())
    return taken


def test_init_of_the_blog_lists_its_models_and_their_targets_in_dependency_order():
    result = invoke("init", "blog")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("# A seedgen profile of blog, written by `seedgen init`.\n")
    order = models_of(text)
    assert sorted(order) == ["auth.User", "blog.Category", "blog.Post", "blog.Tag"]  # auth.User: Post.author needs it
    assert order.index("blog.Post") > max(order.index(label) for label in ("auth.User", "blog.Category", "blog.Tag"))
    assert all(spec.count == 10 and not spec.fields for spec in parse_profile(text, "init.yaml").models)
    post = under(text, "blog.Post")
    assert "# slug          slugify title (unique)" in post
    assert "# status        choice [draft, published, archived]" in post
    assert "# author        ref auth.User" in post
    assert "# tags          ref blog.Tag (count=[0, 3])" in post
    assert "blog.Post.author needs rows" in text  # the planner's note on why auth.User is there


@pytest.mark.parametrize("app", ["blog", "auth"])
def test_init_then_export_then_loaddata(db, tmp_path, app):
    from django.contrib.auth.models import Group, User

    from seedgen.demo.blog.models import Post

    profile = tmp_path / "mine.yaml"
    written = invoke("init", app, "-o", str(profile), "--count", "4")
    assert written.exit_code == 0, written.output
    assert written.stderr == f"wrote {profile}\n"
    exported = invoke("export", str(profile), "-o", str(tmp_path / "data.json"), "-q")
    assert exported.exit_code == 0, exported.output
    call_command("loaddata", str(tmp_path / "data.json"), database=db, verbosity=0)
    assert User.objects.using(db).count() == 4
    if app == "blog":
        assert Post.objects.using(db).count() == 4
    else:
        assert Group.objects.using(db).count() == 4


def test_init_leaves_out_the_rows_django_makes_unless_their_app_is_named():
    everything = invoke("init", "--count", "1")
    assert everything.exit_code == 0, everything.output
    assert "contenttypes.ContentType" not in everything.stdout and "auth.Permission" not in everything.stdout
    order = models_of(everything.stdout)
    assert {"auth.User", "auth.Group", "blog.Post", "reviews.Review"} <= set(order)
    for label in order:  # every required foreign key points at a model written before it
        for f in apps.get_model(label)._meta.local_fields:
            target = f.related_model._meta.label if f.is_relation and not f.null else None
            assert target not in order[order.index(label):] or target == label, (label, f.name)
    auth = invoke("init", "auth")
    assert auth.exit_code == 0, auth.output
    # Named, auth.Permission is written: sample permissions beside the ones migrate makes.
    assert models_of(auth.stdout) == ["auth.Permission", "auth.Group", "auth.User"]
    assert "#   auth.Permission: 10 rows beside the ones Django makes" in auth.stdout
    assert "# user_permissions  constant []" in auth.stdout  # no sample user gets a real permission


def test_init_refuses_to_overwrite_a_file_unless_forced(tmp_path):
    target = tmp_path / "mine.yaml"
    target.write_text("models: {}\n")
    refused = invoke("init", "blog", "-o", str(target))
    assert refused.exit_code == 1
    assert refused.output == f"Error: {target} exists; pass --force to overwrite it\n"
    assert target.read_text() == "models: {}\n"
    forced = invoke("init", "blog", "-o", str(target), "--force")
    assert forced.exit_code == 0, forced.output
    assert [spec.label for spec in load_profile(target).models][-1] == "blog.Post"


def test_an_unknown_app_label_is_a_one_line_error():
    result = invoke("init", "blog", "blgo")
    assert result.exit_code == 1
    assert result.output.startswith("Error: unknown app label 'blgo' (did you mean 'blog'?); the installed apps are ")
    assert result.output.count("\n") == 1


SCRATCH_MODELS = '''
from django.core.exceptions import ValidationError
from django.db import models


class PointField(models.Field):
    """A field type of a third-party library, unknown to seedgen."""

    def db_type(self, connection):
        return "text"


class Shape(models.Model):
    where = PointField()


class Outline(models.Model):
    shape = models.ForeignKey(Shape, on_delete=models.CASCADE)


class Egg(models.Model):
    chicken = models.ForeignKey("Chicken", on_delete=models.CASCADE)


class Chicken(models.Model):
    egg = models.ForeignKey(Egg, on_delete=models.CASCADE)


def event_code(value):
    if not value.startswith("ev-"):
        raise ValidationError("Codes start with ev-.")


class Event(models.Model):
    title = models.CharField(max_length=40)
    code = models.CharField(max_length=20, validators=[event_code])

    def clean(self):
        if self.title.startswith("x"):
            raise ValidationError("Titles must not start with x.")
'''

SCRATCH_SETTINGS = '''
SECRET_KEY = "scratch"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions",
                  "django.contrib.messages", "django.contrib.admin", "scratch"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "scratch.sqlite3"}}
'''


def scratch_project(tmp_path):
    """A project of its own in ``tmp_path`` (settings with the admin and sessions, an app of odd models);
    returns a function that runs ``python -m ...`` there with those settings."""
    (tmp_path / "scratch").mkdir()
    (tmp_path / "scratch" / "__init__.py").write_text("")
    (tmp_path / "scratch" / "models.py").write_text(SCRATCH_MODELS)
    (tmp_path / "scratch_settings.py").write_text(SCRATCH_SETTINGS)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", *args, "--settings", "scratch_settings"], cwd=tmp_path,
                              capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)})

    return run


def test_models_seedgen_cannot_fill_are_written_commented_out_with_the_reason(tmp_path):
    scratch = scratch_project(tmp_path)
    result = scratch("seedgen", "init", "-o", "scratch.yaml")
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "scratch.yaml").read_text()
    # The planner's one-line error, under the model and under the model that needs it.
    reason = "    # seedgen cannot fill this yet: scratch.Shape.fields.where: cannot derive values for a PointField"
    assert f"  # scratch.Shape: 10\n{reason}" in text and f"  # scratch.Outline: 10\n{reason}" in text
    assert "  # scratch.Egg: 10\n    # seedgen cannot fill this yet: models " in text
    assert "reference each other through non-nullable foreign keys" in text
    # No value seedgen derives passes Event.code's validator: that shows when its pool is made.
    assert "  # scratch.Event: 10\n    # seedgen cannot fill this yet: scratch.Event.fields.code: " in text
    # Without app labels: no sessions, no admin log; the rest is a profile export takes.
    assert models_of(text) == ["auth.Group", "auth.User"]
    exported = scratch("seedgen", "export", "scratch.yaml", "-o", "-", "--format", "jsonl")
    assert exported.returncode == 0, exported.stderr
    admin = scratch("seedgen", "init", "admin", "sessions")
    assert admin.returncode == 0, admin.stderr
    assert {"admin.LogEntry", "sessions.Session"} <= set(models_of(admin.stdout))


def test_write_profile_is_the_text_init_prints():
    from seedgen.scaffold import write_profile

    assert write_profile(["reviews"]) == invoke("init", "reviews").stdout
