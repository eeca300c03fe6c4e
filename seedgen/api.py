"""The library API that the CLI, the management commands and tests call."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seedgen.errors import Interrupted, SinkError, first_line
from seedgen.progress import Progress

if TYPE_CHECKING:  # the profile step (and Faker, numpy under it) is imported when a run needs it
    from seedgen.profile import Profile

BUNDLED_BLOG = Path(__file__).resolve().parent / "profiles" / "blog.yaml"


def parse_count(item: str) -> tuple[str, int]:
    """``blog.Post=500`` as given to ``--count``; ValueError says what is wrong."""
    label, sep, number = item.partition("=")
    if not sep or not label:
        raise ValueError(f"{item!r} is not LABEL=N, e.g. blog.Post=500")
    try:
        count = int(number)
    except ValueError:
        raise ValueError(f"{item!r}: {number!r} is not a whole number") from None
    if count < 0:
        raise ValueError(f"{item!r}: a count must not be negative")
    return label, count


@dataclass
class ModelReport:
    label: str
    rows: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


@dataclass
class Report:
    """What a run made: rows and seconds per model, the files written, and the plan's notices."""

    models: list[ModelReport] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    closing: float = 0.0  # seconds the sink took to finish: rows still in flight, checks, commit or rename
    notices: tuple[str, ...] = ()  # what the plan decided that the profile did not say (models added, counts cut)
    objects: dict[str, tuple[str, Any]] = field(default_factory=dict)  # named object -> (model label, pk)
    method: str = ""  # how the rows went into the database (COPY, LOAD DATA LOCAL INFILE …); empty for files

    @property
    def rows(self) -> int:
        return sum(m.rows for m in self.models)

    @property
    def seconds(self) -> float:
        return sum(m.seconds for m in self.models) + self.closing

    def add(self, other: Report) -> None:
        """Count in the rows, seconds and named objects of a part of the run (a shard, a piece)."""
        lines = {m.label: m for m in self.models}
        for line in other.models:
            if line.label in lines:
                lines[line.label].rows += line.rows
                lines[line.label].seconds += line.seconds
            else:
                self.models.append(lines.setdefault(line.label, ModelReport(line.label, line.rows, line.seconds)))
        self.closing += other.closing
        self.objects.update(other.objects)
        self.method = self.method or other.method


def prepare(
    profile: Profile | str | Path,
    *,
    seed: int | None = None,
    counts: Mapping[str, int] | None = None,
    scale: float = 1.0,
    settings: str | None = None,
    database: str = "default",
    database_url: str | None = None,
):
    """Load the profile, set Django up and build the plan.

    ``ref: {existing: true}`` reads the pks of database ``database`` (which
    ``database_url``, if given, replaces for the rest of the process).
    """
    from seedgen.environment import setup_django, use_database_url
    from seedgen.profile import Profile, load_profile

    if not isinstance(profile, Profile):
        profile = load_profile(profile)
    setup_django(settings, profile.settings)
    if database_url:
        use_database_url(database_url, database)
    from seedgen.planning import build_plan

    def existing_pks(model) -> list:
        from django.db import DatabaseError

        try:
            return list(model._base_manager.using(database).order_by("pk").values_list("pk", flat=True))
        except DatabaseError as exc:
            raise SinkError(f"database {database!r}: cannot read the rows of {model._meta.label}: {first_line(exc)}") from None

    return build_plan(profile, seed=seed, counts=counts, scale=scale, existing_pks=existing_pks)


def run(plan, sink, *, chunk_size: int | None = None, progress: Progress | None = None,
        chunks: Callable[[Any, int], Iterable[Any]] | None = None, jobs: int = 1,
        rows: Mapping[str, range] | None = None) -> Report:
    """Push every chunk of ``plan`` into ``sink``; on any failure the sink aborts.

    ``progress`` hears of every model and chunk. ``chunks(model, size)`` gives a model's
    chunks instead of generating them (``seedgen.testing`` replays its cache so). ``jobs``
    above 1 makes the chunks in that many worker processes (``seedgen.scale.jobs``), the
    same bytes. ``rows`` (label -> row range, e.g. a shard's) makes only those rows.
    """
    from seedgen.generate.chunks import DEFAULT_CHUNK_SIZE

    if jobs > 1 and chunks is None:
        from seedgen.scale.jobs import Workers

        try:
            workers = Workers(plan, jobs, rows=rows)
        except BaseException:
            sink.abort()  # as below: SQLite's reservation holds the write lock
            raise
        with workers:
            return run(plan, workers.rendering_into(sink), chunk_size=chunk_size, progress=progress,
                       chunks=workers.chunks, rows=rows)
    size = chunk_size or DEFAULT_CHUNK_SIZE
    report = Report(notices=plan.notices)
    restore = _stop_on_signals()
    try:
        # Every pool and table is built before the first row is written, so that a field
        # seedgen cannot fill stops the run before the sink has anything to undo.
        made = chunks or _generated(plan, rows)
        sink.open(plan)
        for model in plan.models:
            label = model.model._meta.label
            count = len(rows[model.label]) if rows is not None else model.count
            started = time.perf_counter()
            if progress:
                progress.start(label, count)
            for chunk in made(model, size):
                if chunk.start < len(model.objects):
                    report.objects.update(_named_pks(model, chunk))
                sink.write(chunk)
                if progress:
                    progress.advance(len(chunk))
            if progress:
                progress.finish()
            report.models.append(ModelReport(label, count, time.perf_counter() - started))
        started = time.perf_counter()
        if progress:
            progress.status("finishing: last rows, checks, commit ...")
        sink.close()
        report.closing = time.perf_counter() - started
        report.method = sink.method
    except (KeyboardInterrupt, Stopped) as exc:
        sink.abort()
        raise Interrupted(f"{_stop_name(exc)}: nothing was written", exit_code=_exit_code(exc)) from None
    except BaseException:
        sink.abort()
        raise
    finally:
        restore()
        if progress:
            progress.end_line()
    return report


def _generated(plan, rows: Mapping[str, range] | None = None) -> Callable[[Any, int], Iterable[Any]]:
    """Each model's chunks (of its ``rows`` only, when given) as its generator makes them; every
    generator is built now."""
    from seedgen.generate.chunks import ModelGenerator

    generators = {model.label: ModelGenerator(plan, model) for model in plan.models}
    return lambda model, size: generators[model.label].chunks(size, rows[model.label] if rows is not None else None)


def _named_pks(model, chunk) -> dict[str, tuple[str, Any]]:
    """The pks of the named objects among a chunk's rows (those the database already held included)."""
    reused = dict(model.reused)
    made = iter(chunk.pks)  # the chunk leaves reused rows out
    pks = {}
    for row in range(chunk.start, min(chunk.stop, len(model.objects))):
        pks[model.objects[row].name] = (model.model._meta.label, reused[row] if row in reused else next(made))
    return pks


class Stopped(BaseException):
    """SIGTERM or SIGHUP arrived: unwinds a run like Ctrl-C does, so the sink aborts."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop_on_signals() -> Callable[[], None]:
    """Turn SIGTERM and SIGHUP into ``Stopped`` until the returned function puts the old handlers back."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # only the main thread may set handlers; a caller's thread keeps its own

    def stop(signum: int, frame: Any) -> None:
        raise Stopped(signum)

    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            previous[number] = signal.signal(number, stop)

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    return restore


def _stop_name(exc: BaseException) -> str:
    return "interrupted" if isinstance(exc, KeyboardInterrupt) else f"stopped by {signal.Signals(exc.signum).name}"


def _exit_code(exc: BaseException) -> int:
    return 130 if isinstance(exc, KeyboardInterrupt) else 128 + exc.signum


def export(
    profile: Profile | str | Path,
    output: str | Path | None = None,
    *,
    format: str | None = None,
    indent: int | None = None,
    per_model: str | Path | None = None,
    seed: int | None = None,
    counts: Mapping[str, int] | None = None,
    scale: float = 1.0,
    settings: str | None = None,
    chunk_size: int | None = None,
    jobs: int = 1,
    shard: tuple[int, int] | None = None,
) -> Report:
    """Write the profile's data as a Django fixture (``output``) or one per model (``per_model``).

    ``jobs`` worker processes make the rows (the same bytes); ``shard`` (I, N) writes only the
    I-th of N row ranges of every model (``seedgen.scale.shards``).
    """
    from seedgen.sinks import Output, fixture_sink, split_suffix
    from seedgen.sinks.per_model import PerModelSink

    if (output is None) == (per_model is None):
        raise SinkError("give either an output file or a per-model directory")
    plan = prepare(profile, seed=seed, counts=counts, scale=scale, settings=settings)
    if per_model is not None:
        sink = PerModelSink(Path(per_model), format or "json", None, indent)
    else:
        suffix_format, compression = split_suffix(output) if str(output) != "-" else (None, None)
        if format and suffix_format and format != suffix_format:
            raise SinkError(f"{output}: the name says {suffix_format} and --format says {format}; "
                            "make them agree or drop --format")
        fmt = format or suffix_format or ("jsonl" if str(output) == "-" else None)  # a stream: one object a line
        if fmt is None:
            raise SinkError(f"{output}: cannot tell the format from the name; pass --format json|jsonl|yaml|xml")
        sink = fixture_sink(fmt, Output(output, compression), indent=indent)
    rows = None
    if shard is not None:
        from seedgen.scale.shards import shard_rows

        rows = shard_rows(plan, *shard)
    report = run(plan, sink, chunk_size=chunk_size, jobs=jobs, rows=rows)
    report.outputs = [str(p) for p in getattr(sink, "paths", [])] or [str(output)]
    return report


def connect(alias: str) -> None:
    """Open database ``alias`` now, so an unreachable server is one clear error."""
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError, connections


    if alias not in connections.settings:
        raise SinkError(f"no database {alias!r} in the settings; choose one of {', '.join(connections.settings)}")
    try:
        connections[alias].ensure_connection()
    except DatabaseError as exc:
        raise SinkError(f"database {alias!r}: cannot connect: {first_line(exc)}") from None
    except ImproperlyConfigured as exc:
        engine = connections.settings[alias].get("ENGINE", "")
        extra = DRIVER_EXTRAS.get(engine.rsplit(".", 1)[-1])
        if extra is None:
            raise SinkError(f"database {alias!r}: {first_line(exc)}") from None
        raise SinkError(f"database {alias!r}: no {engine.rsplit('.', 1)[-1]} driver is installed; "
                        f"pip install 'seedgen[{extra}]'") from None


# The extra that installs a database's driver (pyproject's optional dependencies).
DRIVER_EXTRAS = {"postgresql": "postgresql", "mysql": "mysql"}


def open_database(alias: str) -> None:
    """Connect to database ``alias``; with the demo settings, migrate it first."""
    from seedgen.environment import DEMO_SETTINGS

    connect(alias)
    if os.environ.get("DJANGO_SETTINGS_MODULE") == DEMO_SETTINGS:
        migrate(alias)  # with no project of its own, the demo blog makes its tables wherever it is sent


def in_database(plan, alias: str):
    """The plan as it goes into database ``alias``: without the models the database cannot hold, and
    with Django's own rows (content types, permissions) as the pks they have there."""
    from django.db import connections

    from seedgen.planning.closure import resolve_in_database

    plan = plan.for_connection(connections[alias])
    return plan.with_existing(resolve_in_database(plan.existing, alias))


def insert(
    profile: Profile | str | Path,
    *,
    database: str = "default",
    database_url: str | None = None,
    clear: bool = False,
    seed: int | None = None,
    counts: Mapping[str, int] | None = None,
    scale: float = 1.0,
    settings: str | None = None,
    chunk_size: int | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
    shards: int | None = None,
) -> Report:
    """Insert the profile's rows into a database, atomically; appended after existing rows unless ``clear``.

    ``database_url`` (postgresql://, mysql://, sqlite:///path) replaces the
    settings of ``database`` for the rest of the process. ``jobs`` worker processes
    make the rows; this process inserts them, in its one transaction. ``shards``
    commits each model's shards one transaction each instead (``seedgen.scale.transactions``).
    """
    from seedgen.sinks.database import database_sink

    plan = prepare(profile, seed=seed, counts=counts, scale=scale, settings=settings, database=database,
                   database_url=database_url)
    open_database(database)
    plan = in_database(plan, database)
    sink = database_sink(database, clear=clear)
    if not clear:
        from seedgen.sinks.database import existing_values

        # The pk range comes from the table's sequence, so an application inserting
        # meanwhile gets pks past it instead of clashing with the rows being written.
        plan = plan.starting_at(sink.reserve(plan))
        # Appending: new unique values stay clear of the old, named objects already there are reused.
        try:
            plan = plan.appending(*existing_values(plan, database))
        except BaseException:
            sink.abort()  # SQLite's reservation holds the write lock
            raise
    if shards is not None:
        from seedgen.scale.transactions import insert_in_shards

        return insert_in_shards(plan, sink, database=database, clear=clear, shards=shards, chunk_size=chunk_size,
                                progress=progress, jobs=jobs)
    return run(plan, sink, chunk_size=chunk_size, progress=progress, jobs=jobs)


def migrate(database: str = "default") -> None:
    """Bring a database's schema up to date, quietly (the demo database makes itself); when no migration is
    left to apply, only that is looked up (``migrate`` would also run every app's post-migrate work)."""
    from django.core.management import call_command
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[database])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", database=database, interactive=False, verbosity=0)


def init_profile(app_labels: tuple[str, ...] = (), *, count: int = 10, settings: str | None = None) -> str:
    """A profile of the installed apps' models (all apps when none is named): bare counts in dependency
    order, with the strategies seedgen derives as comments. See ``seedgen.scaffold``."""
    from seedgen.environment import setup_django
    from seedgen.scaffold import write_profile

    setup_django(settings)
    return write_profile(app_labels, count)


def check(
    profile: Profile | str | Path,
    *,
    rows: int = 50,
    database: str = "default",
    seed: int | None = None,
    settings: str | None = None,
):
    """Insert a sample of the profile's rows, ``full_clean()`` each one read back, roll it all back.

    Returns a ``seedgen.check.CheckReport``.
    """
    from seedgen.check import check_profile

    return check_profile(profile, rows=rows, database=database, seed=seed, settings=settings)
