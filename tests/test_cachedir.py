"""seedgen's cache directory: a password is hashed once per machine, and a broken cache only costs time."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password

from seedgen.strategies.values import hash_password


def test_a_password_hash_is_kept_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("SEEDGEN_CACHE_DIR", str(tmp_path))
    first = hash_password("secret", 7, "auth.user")
    assert check_password("secret", first)
    [kept] = (tmp_path / "passwords").iterdir()
    assert kept.read_text() == first
    kept.write_text("pbkdf2_sha256$1$kept$x")  # what the cache holds is what the next run uses
    assert hash_password("secret", 7, "auth.user") == "pbkdf2_sha256$1$kept$x"
    assert hash_password("secret", 8, "auth.user") != first  # another salt is another entry


def test_a_cache_that_cannot_be_written_only_costs_time(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("SEEDGEN_CACHE_DIR", str(tmp_path / "file"))  # a file where the directory should be
    assert check_password("secret", hash_password("secret", 7, "auth.user"))
