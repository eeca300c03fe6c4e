"""Database URLs: what --database-url accepts, and its one-line errors."""

from __future__ import annotations

import pytest

from seedgen.environment import parse_database_url
from seedgen.errors import SettingsError


def test_postgresql_url_with_password_port_and_options():
    assert parse_database_url("postgresql://app:s%40cret@db.local:6432/shop?sslmode=require") == {
        "ENGINE": "django.db.backends.postgresql", "NAME": "shop", "USER": "app", "PASSWORD": "s@cret",
        "HOST": "db.local", "PORT": "6432", "OPTIONS": {"sslmode": "require"}}


def test_mysql_and_mariadb_urls_default_to_utf8mb4():
    for scheme in ("mysql", "mariadb"):
        config = parse_database_url(f"{scheme}://root@127.0.0.1/test")
        assert config["ENGINE"] == "django.db.backends.mysql"
        assert (config["NAME"], config["USER"], config["PASSWORD"], config["PORT"]) == ("test", "root", "", "")
        assert config["OPTIONS"] == {"charset": "utf8mb4", "local_infile": True}
        assert parse_database_url(f"{scheme}://root@127.0.0.1/test?local_infile=0")["OPTIONS"]["local_infile"] is False


def test_sqlite_urls_take_relative_and_absolute_paths(tmp_path, monkeypatch):
    (tmp_path / "app.db").touch()
    monkeypatch.chdir(tmp_path)
    assert parse_database_url("sqlite:///app.db")["NAME"] == "app.db"
    assert parse_database_url(f"sqlite:///{tmp_path}/app.db")["NAME"] == f"{tmp_path}/app.db"


@pytest.mark.parametrize(("url", "message"), [
    ("oracle://u@h/db", "database URL 'oracle://u@h/db': unknown scheme 'oracle'; use postgresql://, mysql:// or sqlite:///path"),
    ("postgresql://u:pw@h:5432", "database URL 'postgresql://u:***@h:5432': no database name; end it with /NAME"),
    ("mysql://u@h:port/db", "database URL 'mysql://u@h:port/db': the port is not a number"),
    ("sqlite:///no/such.db", "database URL 'sqlite:///no/such.db': no SQLite database at no/such.db; "
                             "create it with `manage.py migrate`"),
    ("sqlite://host/x.db", "database URL 'sqlite://host/x.db': write sqlite:///relative/path or sqlite:////absolute/path"),
])
def test_bad_urls_are_one_line_errors_without_the_password(url, message):
    with pytest.raises(SettingsError) as caught:
        parse_database_url(url)
    assert str(caught.value) == message


def test_a_missing_sqlite_file_is_allowed_only_when_asked():
    assert parse_database_url("sqlite:///no/such.db", new_sqlite=True)["NAME"] == "no/such.db"


def test_the_project_around_the_working_directory_is_found_by_its_manage_py(tmp_path):
    from seedgen.environment import find_project

    (tmp_path / "manage.py").write_text('import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n')
    (tmp_path / "shop" / "orders").mkdir(parents=True)
    assert find_project(str(tmp_path / "shop" / "orders")) == (str(tmp_path), "shop.settings")
    assert find_project(str(tmp_path.parent)) is None or find_project(str(tmp_path.parent))[0] != str(tmp_path)


def test_seedgen_run_inside_a_project_uses_its_settings(tmp_path):
    import subprocess
    import sys

    from tests.conftest import REPO

    (tmp_path / "manage.py").write_text('import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n')
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "settings.py").write_text(
        "SECRET_KEY = 'x'\nUSE_TZ = True\nINSTALLED_APPS = ['django.contrib.contenttypes', 'django.contrib.auth', "
        "'seedgen.demo.blog', 'tests.apps.reviews']\nDATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': 'shop.db'}}\n")
    (tmp_path / "tags.yaml").write_text("models:\n  reviews.Review: 2\n")  # an app the demo settings lack
    (tmp_path / "sub").mkdir()
    result = subprocess.run([sys.executable, "-m", "seedgen", "export", "../tags.yaml", "-o", "-"], cwd=tmp_path / "sub",
                            capture_output=True, text=True, env={"PATH": "", "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.count('"model": "reviews.review"') == 2
