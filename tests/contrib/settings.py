"""What the e2e tests add to tests.settings, applied with ``override_settings(**overlay(alias))``:
the seeding service beside the demo blog's page, the blog's templates, and ``SEEDGEN_E2E``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from seedgen.demo.settings import TEMPLATES

TOKEN = "e2e-test-token-3f9c"
BLOG = Path(__file__).resolve().parents[2] / "profiles" / "blog.yaml"

ROOT_URLCONF = "tests.contrib.urls"
ALLOWED_HOSTS = ["testserver", "127.0.0.1"]  # the test client's host and the live server's
SEEDGEN_E2E = {"TOKEN": TOKEN, "PROFILES": {"blog": BLOG}, "ENABLED": True}


def overlay(database: str = "default", **e2e: Any) -> dict[str, Any]:
    """These settings, with ``database`` as the one reset fills and ``e2e`` added to SEEDGEN_E2E."""
    return {"ROOT_URLCONF": ROOT_URLCONF, "ALLOWED_HOSTS": ALLOWED_HOSTS, "TEMPLATES": TEMPLATES,
            "SEEDGEN_E2E": {**SEEDGEN_E2E, "DATABASE": database, **e2e}}
