"""A project with its own user model (AUTH_USER_MODEL): keys to the user point at that model's rows."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO

SETTINGS = """
SECRET_KEY = "x"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "members.Member"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "members", "tests.apps.accounts"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "club.sqlite3"}}
"""
MODELS = """
from django.contrib.auth.models import AbstractUser
from django.db import models


class Member(AbstractUser):
    nickname = models.CharField(max_length=30, unique=True)
"""
SCRIPT = """
import json, django
from django.core.management import call_command
django.setup()
from django.apps import apps
from seedgen import api
call_command("migrate", run_syncdb=True, verbosity=0)
report = api.export("club.yaml", "club.json")
call_command("loaddata", "club.json", verbosity=0)
for model in [apps.get_model("members.Member"), apps.get_model("accounts.Profile"), apps.get_model("accounts.Token")]:
    for row in model._base_manager.all():
        row.full_clean()
print(json.dumps({"notices": report.notices,
                  "users": sorted({p.user_id for p in apps.get_model("accounts.Profile").objects.all()}),
                  "members": sorted(apps.get_model("members.Member").objects.values_list("pk", flat=True))}))
"""


def test_keys_to_a_custom_user_model_point_at_its_rows(tmp_path):
    (tmp_path / "members").mkdir()
    (tmp_path / "members" / "__init__.py").write_text("")
    (tmp_path / "members" / "models.py").write_text(MODELS)
    (tmp_path / "club_settings.py").write_text(SETTINGS)
    (tmp_path / "club.yaml").write_text("models:\n  accounts.Profile: 6\n  accounts.Token: 6\n")
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=tmp_path, capture_output=True, text=True,
                            env={"PATH": "", "PYTHONPATH": f"{tmp_path}:{REPO}", "DJANGO_SETTINGS_MODULE": "club_settings"})
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.splitlines()[-1])
    assert any(n.startswith("added members.Member (6 rows)") for n in out["notices"])
    assert out["users"] == out["members"] == [1, 2, 3, 4, 5, 6]
