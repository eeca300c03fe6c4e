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
        assert config["OPTIONS"] == {"charset": "utf8mb4"}


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
