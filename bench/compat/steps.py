"""The steps of the compatibility report that run inside Django, one process each, so a crash or a hang stays in its step.

``python -m bench.compat.steps STEP OUT.json [ARGS]`` with the database chosen by
``SEEDGEN_COMPAT_DATABASE``/``SEEDGEN_COMPAT_NAME`` (see settings.py); the result is
written to OUT.json, never to stdout, which third-party apps print warnings on.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.apps import AppConfig
    from django.db.models import Model

REPO = Path(__file__).resolve().parents[2]


def first_line(exc: BaseException | str) -> str:
    """The first non-empty line of an error, prefixed with its type when it is an exception."""
    text = str(exc).strip()
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    if isinstance(exc, BaseException):
        return f"{type(exc).__name__}: {line}" if line else type(exc).__name__
    return line


def measured_models(app_config: AppConfig) -> list[type[Model]]:
    """The models a profile of the app lists: concrete, not proxies, managed (abstract ones are never registered)."""
    return [model for model in app_config.get_models() if model._meta.managed and not model._meta.proxy]


def list_apps(out: Path) -> None:
    """Every installed app with at least one measured model: label, module, models."""
    from django.apps import apps

    result = []
    for config in apps.get_app_configs():
        models = measured_models(config)
        if not models:
            continue
        result.append({
            "app": config.label,
            "module": config.name,
            "models": [m._meta.label for m in models],
        })
    out.write_text(json.dumps(result, indent=1))


def migrate(out: Path) -> None:
    """Migrate the database of the environment, as a new project's would be."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    out.write_text(json.dumps({"ok": True}))


def validate_rows(model: type[Model], pks: list | None) -> dict:
    """full_clean() every row of ``model`` with one of ``pks`` (all rows when None): how many, how many fail, the first error."""
    from django.core.exceptions import ValidationError

    rows = model._base_manager.all() if pks is None else model._base_manager.filter(pk__in=pks)
    checked = invalid = 0
    error = None
    for row in rows.order_by("pk"):
        checked += 1
        try:
            row.full_clean()
        except ValidationError as exc:
            invalid += 1
            if error is None:
                # The first message of each field: a field that fails once per word would otherwise fill a page.
                error = "ValidationError: " + "; ".join(
                    f"{field}: {first_line(messages[0])}" for field, messages in sorted(exc.message_dict.items()))
        except Exception as exc:  # a model's own clean() may raise anything; that row is not valid
            invalid += 1
            if error is None:
                error = first_line(exc)
    return {"rows": checked, "invalid": invalid, "error": error}


def load(out: Path, fixture: str, labels: str) -> None:
    """Stock ``loaddata`` of the fixture, then full_clean of the rows it holds for each model of ``labels`` (comma-separated)."""
    from django.apps import apps
    from django.core.management import call_command

    objects = json.loads(Path(fixture).read_text())
    pks: dict[str, list] = {}
    for obj in objects:
        pks.setdefault(obj["model"], []).append(obj.get("pk"))
    result: dict = {"load_error": None, "models": {}}
    try:
        call_command("loaddata", fixture, verbosity=0)
    except BaseException as exc:
        result["load_error"] = first_line(exc)
    for label in labels.split(","):
        model = apps.get_model(label)
        wanted = pks.get(model._meta.label_lower, [])
        entry: dict = {"fixture_rows": len(wanted)}
        if result["load_error"] is None and wanted:
            known = [pk for pk in wanted if pk is not None]
            if len(known) < len(wanted):
                # Rows written by natural key (no pk): Django's deserializer finds them as loaddata did.
                from django.core import serializers

                mine = [obj for obj in objects if obj["model"] == model._meta.label_lower]
                known = [o.object.pk for o in serializers.deserialize("json", json.dumps(mine))]
                known = [pk for pk in known if pk is not None]
            entry["present"] = model._base_manager.filter(pk__in=known).count()
            entry.update(validate_rows(model, known))
        result["models"][label] = entry
    out.write_text(json.dumps(result, indent=1))


def bake(out: Path, labels: str, quantity: str = "10") -> None:
    """``baker.make(Model, _quantity=N)`` for each model, each in its own transaction, then full_clean of the rows it made."""
    from django.apps import apps
    from django.db import transaction
    from model_bakery import baker

    result: dict = {"models": {}}
    for label in labels.split(","):
        model = apps.get_model(label)
        entry: dict = {"made": 0, "error": None}
        try:
            with transaction.atomic():
                made = baker.make(model, _quantity=int(quantity))
            entry["made"] = len(made)
        except BaseException as exc:
            entry["error"] = first_line(exc)
        else:
            entry["check"] = validate_rows(model, [obj.pk for obj in made])
        result["models"][label] = entry
    out.write_text(json.dumps(result, indent=1))


STEPS: dict[str, Callable[..., None]] = {"list": list_apps, "migrate": migrate, "load": load, "bake": bake}


def main(argv: list[str]) -> int:
    step, out, *args = argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.compat.settings")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    try:
        STEPS[step](Path(out), *args)
    except BaseException as exc:
        # The orchestrator reads this one line; the traceback is for whoever reruns the step by hand.
        traceback.print_exc()
        Path(out).write_text(json.dumps({"step_error": first_line(exc)}))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
