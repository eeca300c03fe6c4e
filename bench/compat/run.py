"""How much of popular third-party Django apps seedgen can fill: export, stock loaddata on SQLite and PostgreSQL, full_clean.

Run in the scratch venv of README.md: ``python bench/compat/run.py [--apps taggit,auth] [--timeout 300]``.
model_bakery fills the same models in the same run, as the baseline. Writes results.json, prints a markdown table and the failures.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
RESULTS = HERE / "results.json"
REQUIREMENTS = HERE / "requirements.txt"
BACKENDS = ("sqlite", "postgresql")
ROWS = 10
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "postgres"}


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


class Run:
    """One run: its temporary directory, its databases, and its subprocess steps, each under the time limit."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.directory = Path(tempfile.mkdtemp(prefix=f"seedgen_compat_{os.getpid()}_"))
        self.prefix = f"seedgen_compat_{os.getpid()}"
        self.databases: list[str] = []
        self.serial = 0
        self.template_errors: dict[str, str | None] = {}
        self.snapshot = self.directory / "seedgen-snapshot"

    def take_snapshot(self) -> dict:
        """Copy seedgen's package as it is now and run that copy all along: others edit the work tree during the run."""
        shutil.copytree(REPO / "seedgen", self.snapshot / "seedgen", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        digest = hashlib.sha256()
        for path in sorted((self.snapshot / "seedgen").rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(self.snapshot)).encode() + b"\0" + path.read_bytes() + b"\0")
        return {**seedgen_revision(), "snapshot_sha256": digest.hexdigest()}

    def path(self, name: str) -> Path:
        self.serial += 1
        return self.directory / f"{self.serial:04d}_{name}"

    def environment(self, backend: str, name: str) -> dict[str, str]:
        env = dict(os.environ, SEEDGEN_COMPAT_DATABASE=backend, SEEDGEN_COMPAT_NAME=name, DJANGO_SETTINGS_MODULE="bench.compat.settings")
        # The snapshot comes before the editable install's finder, which Python consults after the path.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.snapshot), str(REPO), os.environ.get("PYTHONPATH")]))
        return env

    def execute(self, command: list[str], env: dict[str, str]) -> tuple[int | None, str]:
        """Run ``command`` from the repo under the time limit: exit code (None on time-out) and stderr."""
        try:
            done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=self.timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return None, f"timed out after {self.timeout:.0f} s"
        return done.returncode, self.relative(done.stderr or done.stdout)

    def relative(self, text: str) -> str:
        """``text`` with the run's temporary paths cut, so errors read the same from one run to the next."""
        return text.replace(str(self.snapshot) + os.sep, "").replace(str(self.directory) + os.sep, "")

    def step(self, name: str, backend: str, database: str, *args: str) -> tuple[dict | None, str | None]:
        """One step of steps.py in its own process: its JSON result, or None and the one-line reason."""
        out = self.path(f"{name}.json")
        code, stderr = self.execute([sys.executable, "-m", "bench.compat.steps", name, str(out), *args], self.environment(backend, database))
        if code is None:
            return None, stderr
        try:
            data = json.loads(self.relative(out.read_text()))
        except (OSError, ValueError):
            return None, f"step {name} died (exit {code}): {last_line(stderr)}"
        if "step_error" in data:
            return None, data["step_error"]
        return data, None

    # Databases ---------------------------------------------------------------------------------------------------

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(**PG, autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql)

    def template_name(self, backend: str) -> str:
        return f"{self.prefix}_template" if backend == "postgresql" else str(self.directory / "template.sqlite3")

    def make_templates(self) -> None:
        """Migrate one database per backend; every fresh database of the run is a copy of it."""
        for backend in BACKENDS:
            name = self.template_name(backend)
            try:
                if backend == "postgresql":
                    self._admin(f'CREATE DATABASE "{name}"')
                    self.databases.append(name)
                _, error = self.step("migrate", backend, name)
            except Exception as exc:
                error = f"{type(exc).__name__}: {last_line(str(exc))}"
            self.template_errors[backend] = error
            print(f"template {backend}: {error or 'migrated'}", file=sys.stderr)

    def fresh(self, backend: str) -> str:
        """A new database with the migrated schema and the rows migrations make (content types, permissions, the site)."""
        self.serial += 1
        if backend == "postgresql":
            name = f"{self.prefix}_{self.serial}"
            # A copy of the migrated template is what `migrate` on an empty database gives, in a second instead of 20.
            self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template_name(backend)}"')
            self.databases.append(name)
            return name
        path = self.directory / f"{self.serial:04d}.sqlite3"
        shutil.copyfile(self.template_name(backend), path)
        return str(path)

    def drop(self, backend: str, name: str) -> None:
        try:
            if backend == "postgresql":
                self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                self.databases.remove(name)
            else:
                Path(name).unlink(missing_ok=True)
        except Exception as exc:
            print(f"warning: could not drop {name}: {exc}", file=sys.stderr)

    def close(self) -> None:
        for name in list(self.databases):
            self.drop("postgresql", name)
        shutil.rmtree(self.directory, ignore_errors=True)

    def with_fresh(self, backend: str, name: str, *args: str) -> tuple[dict | None, str | None]:
        """Step ``name`` on a new database of ``backend``, dropped afterwards."""
        if self.template_errors.get(backend):
            return None, f"no {backend} database: {self.template_errors[backend]}"
        try:
            database = self.fresh(backend)
        except Exception as exc:
            return None, f"cannot make a {backend} database: {type(exc).__name__}: {last_line(str(exc))}"
        try:
            return self.step(name, backend, database, *args)
        finally:
            self.drop(backend, database)

    # seedgen -----------------------------------------------------------------------------------------------------

    def export(self, labels: list[str], name: str) -> Export:
        """``seedgen export`` of a bare-count profile of ``labels``."""
        profile = self.path(f"{name}.yaml")
        profile.write_text("models:\n" + "".join(f"  {label}: {ROWS}\n" for label in labels))
        fixture = profile.with_suffix(".json")
        seedgen = Path(sys.executable).with_name("seedgen")
        command = [str(seedgen)] if seedgen.exists() else [sys.executable, "-m", "seedgen"]
        # Not --quiet: that also silences the notes, which say why a model has no rows.
        command += ["export", str(profile), "-o", str(fixture), "--settings", "bench.compat.settings"]
        # The export reads the models only; the SQLite name is one that nothing creates.
        code, stderr = self.execute(command, self.environment("sqlite", str(self.directory / "export-reads-no-database.sqlite3")))
        notes = tuple(line.strip() for line in stderr.splitlines() if line.startswith("note:"))
        if code == 0 and fixture.exists():
            return Export(fixture, None, notes)
        if code is None:
            return Export(None, stderr, notes)
        error = re.sub(r"^Error: ", "", last_line(stderr) or f"exit {code}, no fixture").replace(self.relative(str(profile)), "PROFILE")
        if "Traceback (most recent call last)" in stderr:
            error = f"seedgen crashed: {error}"
        return Export(None, error, notes)


@dataclass(frozen=True)
class Export:
    """One ``seedgen export``: the fixture, or None and the one-line error; the notes seedgen printed either way."""

    fixture: Path | None
    error: str | None
    notes: tuple[str, ...]


def fixture_rows(fixture: Path) -> Counter:
    return Counter(obj["model"] for obj in json.loads(fixture.read_text()))


def merge(fixtures: list[Path], into: Path) -> Path:
    """One fixture of the per-model ones, each (model, pk) once, in the order they came."""
    seen, objects = set(), []
    for fixture in fixtures:
        for obj in json.loads(fixture.read_text()):
            key = (obj["model"], json.dumps(obj.get("pk")))
            if key not in seen:
                seen.add(key)
                objects.append(obj)
    into.write_text(json.dumps(objects))
    return into


def measure_seedgen(run: Run, app: dict) -> dict:
    """Export the app's bare-count profile (else model by model), loaddata it into a fresh database per backend, full_clean."""
    labels = app["models"]
    whole = run.export(labels, app["app"])
    fixture, error, notes = whole.fixture, whole.error, list(whole.notes)
    result: dict = {"export_error": error, "notes": notes, "models": {label: {"export_error": None} for label in labels}}
    if fixture is None:
        # Whole-app export failed: one profile per model, so the count is per model; the rows that come out load together.
        fixtures = []
        for label in labels:
            one = run.export([label], label)
            result["models"][label]["export_error"] = one.error
            notes += [note for note in one.notes if note not in notes]
            if one.fixture is not None:
                fixtures.append(one.fixture)
        fixture = merge(fixtures, run.path(f"{app['app']}_merged.json")) if fixtures else None
    counts = fixture_rows(fixture) if fixture else Counter()
    for label in labels:
        entry = result["models"][label]
        entry["exported_rows"] = counts[label.lower()]
        entry["exported"] = entry["exported_rows"] > 0
        if not entry["exported"] and entry["export_error"] is None:
            # An export that succeeds without rows of a model says why in a note (e.g. rows Django makes itself).
            said = [note for note in notes if re.search(rf"\b{re.escape(label)}\b", note)]
            entry["export_error"] = f"no rows exported ({said[0]})" if said else error or "no rows exported, no error, no note"
    for backend in BACKENDS:
        data, step_error = run.with_fresh(backend, "load", str(fixture), ",".join(labels)) if fixture else ({}, None)
        load_error = step_error or (data or {}).get("load_error")
        result[f"{backend}_load_error"] = load_error
        for label in labels:
            entry = result["models"][label]
            check = (data or {}).get("models", {}).get(label, {})
            rows = entry["exported_rows"]
            loaded = bool(rows) and load_error is None and check.get("present") == rows
            entry[backend] = {
                "loaded": loaded,
                "valid": loaded and check.get("invalid") == 0 and check.get("rows") == rows,
                "present_rows": check.get("present"),
                "invalid_rows": check.get("invalid"),
                "validation_error": check.get("error"),
            }
    for entry in result["models"].values():
        entry["valid"] = all(entry[backend]["valid"] for backend in BACKENDS)
    return result


def measure_bakery(run: Run, app: dict) -> dict:
    """``baker.make(Model, _quantity=10)`` of every model of the app on a fresh PostgreSQL database, then full_clean."""
    backend = "postgresql" if not run.template_errors.get("postgresql") else "sqlite"
    data, step_error = run.with_fresh(backend, "bake", ",".join(app["models"]), str(ROWS))
    result: dict = {"backend": backend, "error": step_error, "models": {}}
    for label in app["models"]:
        made = (data or {}).get("models", {}).get(label, {})
        check = made.get("check", {})
        entry = {
            "made": made.get("made") == ROWS,
            "error": made.get("error") or (None if made else step_error),
            "invalid_rows": check.get("invalid"),
            "validation_error": check.get("error"),
        }
        entry["valid"] = entry["made"] and check.get("invalid") == 0 and check.get("rows") == ROWS
        result["models"][label] = entry
    return result


def package_of(module: str, packages: dict[str, list[str]]) -> str:
    for package, modules in packages.items():
        if module in modules:
            return package
    return "Django (contrib)" if module.startswith("django.contrib.") else "?"


def list_apps(run: Run) -> tuple[list[dict], dict[str, list[str]]]:
    data, error = run.step("list", "sqlite", str(run.directory / "list-reads-no-database.sqlite3"))
    if data is None:
        raise SystemExit(f"cannot list the apps' models: {error}")
    sys.path.insert(0, str(REPO))
    from bench.compat import settings

    return data, settings.THIRD_PARTY_APPS


def versions() -> dict[str, str]:
    """The installed version of every requirement, as this run saw it."""
    found = {}
    for line in REQUIREMENTS.read_text().splitlines():
        name = re.split(r"[\[=<>~ ]", line.strip(), maxsplit=1)[0]
        if name and not name.startswith("#"):
            try:
                found[name] = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                found[name] = "not installed"
    return found


def seedgen_revision() -> dict:
    """The commit of seedgen measured, and whether its working tree had edits on top (others work on it meanwhile)."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=30).stdout.rstrip("\n")
        except (OSError, subprocess.SubprocessError):
            return ""

    return {"commit": git("rev-parse", "HEAD"), "edited_files": git("status", "--porcelain", "--", "seedgen").splitlines()}


def cause(error: str) -> str:
    """An error with its names and numbers taken out, so that the same failure on different models counts once."""
    text = re.sub(r"^PROFILE(:\d+)?: ", "", error)
    text = re.sub(r"Problem installing fixture '[^']*': ", "", text)
    text = re.sub(r"\b[a-z_][a-z0-9_]*\.[A-Z]\w*(\.fields\.\w+|\.\w+)?\b", "<model>", text)
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", text)
    text = re.sub(r"\b\d+\b", "N", text)
    return text


def failures(apps: list[dict]) -> list[tuple[str, str, str]]:
    """(model, stage, error) of every model seedgen did not fill with valid rows: the first stage that failed."""
    found = []
    for app in apps:
        result = app["seedgen"]
        for label, entry in result["models"].items():
            if not entry["exported"]:
                found.append((label, "export", entry["export_error"]))
                continue
            for backend in BACKENDS:
                if not entry[backend]["loaded"]:
                    found.append((label, f"loaddata {backend}", result[f"{backend}_load_error"] or
                                  f"{entry[backend]['present_rows']} of the {entry['exported_rows']} exported rows in the database after loaddata"))
                    break
                if not entry[backend]["valid"]:
                    found.append((label, f"full_clean {backend}", entry[backend]["validation_error"] or "rows missing"))
                    break
    return found


def bakery_failures(apps: list[dict]) -> list[tuple[str, str, str]]:
    """(model, stage, error) of every model model_bakery did not fill with valid rows."""
    found = []
    for app in apps:
        for label, entry in app["bakery"]["models"].items():
            if not entry["made"]:
                found.append((label, "baker.make", entry["error"] or "fewer rows than asked"))
            elif not entry["valid"]:
                found.append((label, "full_clean", entry["validation_error"] or "rows missing"))
    return found


COLUMNS = ("models", "exported", "sqlite", "postgresql", "valid", "made", "bakery_valid")


def row(app: dict) -> dict[str, int]:
    models = app["seedgen"]["models"].values()
    bakery = app["bakery"]["models"].values()
    return {
        "models": len(app["models"]),
        "exported": sum(m["exported"] for m in models),
        "sqlite": sum(m["sqlite"]["loaded"] for m in models),
        "postgresql": sum(m["postgresql"]["loaded"] for m in models),
        "valid": sum(m["valid"] for m in models),
        "made": sum(m["made"] for m in bakery),
        "bakery_valid": sum(m["valid"] for m in bakery),
    }


def table(apps: list[dict]) -> str:
    lines = [
        "| app | package | models | seedgen exported | loaded SQLite | loaded PostgreSQL | all rows valid | bakery made | bakery all rows valid |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    totals: dict[str, Counter] = {"third-party": Counter(), "Django contrib": Counter()}
    for app in apps:
        counts = row(app)
        totals["Django contrib" if app["package"] == "Django (contrib)" else "third-party"].update(counts)
        cells = [str(counts[key]) for key in COLUMNS]
        if counts["valid"] < counts["bakery_valid"]:
            cells[COLUMNS.index("valid")] += " ▼"
        lines.append(f"| {app['app']} | {app['package']} | " + " | ".join(cells) + " |")
    everything = totals["third-party"] + totals["Django contrib"]
    for name, counts in [*totals.items(), ("all", everything)]:
        lines.append(f"| **{name}** | | " + " | ".join(f"**{counts[key]}**" for key in COLUMNS) + " |")
    return "\n".join(lines)


def summary(apps: list[dict]) -> str:
    everything = Counter()
    for app in apps:
        everything.update(row(app))
    behind = [app["app"] for app in apps if row(app)["valid"] < row(app)["bakery_valid"]]
    share = everything["valid"] / everything["models"] if everything["models"] else 0.0
    return (f"seedgen all rows valid: {everything['valid']}/{everything['models']} models ({share:.0%}; target 95%); "
            f"model_bakery: {everything['bakery_valid']}/{everything['models']}; "
            f"apps where seedgen is behind model_bakery (▼): {len(behind)}" + (f" ({', '.join(behind)})" if behind else ""))


def causes(found: list[tuple[str, str, str]], top: int = 15) -> str:
    """The most frequent failures, each with its count and one model's full error."""
    counted = Counter((stage, cause(error)) for _, stage, error in found)
    lines = []
    for (stage, text), count in counted.most_common(top):
        examples = [f"{label}: {error}" for label, s, error in found if s == stage and cause(error) == text]
        lines.append(f"{count:3d} × [{stage}] {text}\n      e.g. {examples[0]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", help="comma-separated app labels to measure (default: every app with models)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds each subprocess step may take (default 300)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where the JSON results go (default bench/compat/results.json)")
    args = parser.parse_args(argv)

    run = Run(args.timeout)
    started = time.perf_counter()
    try:
        seedgen = run.take_snapshot()
        listed, packages = list_apps(run)
        wanted = set(args.apps.split(",")) if args.apps else None
        apps = [app for app in listed if wanted is None or app["app"] in wanted]
        run.make_templates()
        report = {
            "date": datetime.date.today().isoformat(),
            "python": platform.python_version(),
            "versions": versions(),
            "seedgen": seedgen,
            "rows_per_model": ROWS,
            "timeout_seconds": args.timeout,
            "template_errors": run.template_errors,
            "apps": [],
        }
        for app in apps:
            app_started = time.perf_counter()
            entry = {"app": app["app"], "package": package_of(app["module"], packages), "models": app["models"], "seedgen": {}}
            try:
                entry["seedgen"] = measure_seedgen(run, app)
            except Exception as exc:  # a bug of this script on one app must not cost the others
                entry["seedgen"] = crashed(app, f"run.py: {type(exc).__name__}: {last_line(str(exc))}")
            try:
                entry["bakery"] = measure_bakery(run, app)
            except Exception as exc:
                entry["bakery"] = {"error": f"run.py: {type(exc).__name__}: {exc}", "models": {
                    label: {"made": False, "valid": False, "error": str(exc)} for label in app["models"]}}
            entry["seconds"] = round(time.perf_counter() - app_started, 1)
            report["apps"].append(entry)
            counts = row(entry)
            print(f"{app['app']}: {counts} ({entry['seconds']} s)", file=sys.stderr, flush=True)
            # Written after every app, so a run cut short still leaves what it measured.
            args.output.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
        report["seconds"] = round(time.perf_counter() - started, 1)
        args.output.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    finally:
        run.close()

    print(f"{table(report['apps'])}\n\n{summary(report['apps'])}\n")
    print(f"Most frequent seedgen failures (model count × [first stage that failed] cause):\n{causes(failures(report['apps']))}\n")
    print(f"Most frequent model_bakery failures:\n{causes(bakery_failures(report['apps']))}")
    return 0


def crashed(app: dict, error: str) -> dict:
    """The seedgen result of an app this script could not measure: every model failed with ``error``."""
    empty = {"loaded": False, "valid": False, "invalid_rows": None, "validation_error": None}
    return {"export_error": error, "sqlite_load_error": error, "postgresql_load_error": error, "models": {
        label: {"export_error": error, "exported_rows": 0, "exported": False, "sqlite": dict(empty), "postgresql": dict(empty),
                "valid": False} for label in app["models"]}}


if __name__ == "__main__":
    sys.exit(main())
