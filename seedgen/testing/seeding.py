"""Seed a test database: a profile's rows inside the test's transaction, replayed from the row cache."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from seedgen.errors import Interrupted, SinkError
from seedgen.generate.chunks import Chunk
from seedgen.planning import Plan
from seedgen.profile import Profile
from seedgen.sinks.base import Sink
from seedgen.testing.cache import RowCache, cache_key, stats, stored
from seedgen.testing.data import RowSet, RowSetBuilder, SeedData

CACHE_MAX_ROWS = 200_000  # a larger run is not kept for the cache: its chunks would have to stay in memory


def load_profile(
    profile: Profile | str | Path,
    *,
    seed: int | None = None,
    using: str = "default",
    counts: Mapping[str, int] | None = None,
    scale: float = 1.0,
    cache: bool = True,
    cache_dir: str | Path | None = None,
) -> SeedData:
    """Insert the rows of ``profile`` into database ``using`` and return a ``SeedData`` handle to them.

    Made for ``TestCase.setUpTestData`` and pytest fixtures: the rows are written in a savepoint of
    the transaction that is open, so they go when the test's transaction rolls back. They are
    appended after the rows the tables hold. Generated rows are kept on disk (``cache_dir``, else
    ``seedgen.testing.cache.cache_directory()``) and replayed by the next run with the same plan;
    ``cache=False`` generates every time.
    """
    from django.db import connections

    from seedgen.api import connect, in_database, prepare, run
    from seedgen.sinks.database import database_sink, existing_values, first_free_pks

    plan = prepare(profile, seed=seed, counts=counts, scale=scale, database=using)
    connect(using)
    plan = in_database(plan, using)
    # The rows go after each table's largest pk, read in the transaction, not reserved as seedgen.insert
    # reserves them: no other client writes to a test database, MariaDB's reservation is an ALTER TABLE
    # (which would commit the test's transaction), and PostgreSQL's moves sequences that a rollback leaves
    # moved, so every test would get other pks and miss the cache. The key holds the plan as it goes in
    # (pk starts, values kept clear of), so rows appended to tables that hold some are cached apart.
    plan = plan.starting_at(first_free_pks(plan, using))
    plan = plan.appending(*existing_values(plan, using))
    connection = connections[using]
    store = RowCache(cache_dir) if cache else None
    key = cache_key(plan, connection.vendor) if store else ""
    replay = store.load(key, plan) if store else None
    recording = None
    if replay is not None:
        recording = Recording(database_sink(using), keep=False)
        try:
            report = run(plan, recording, chunks=replay)
            stats["hits"] += 1
        except Interrupted:
            raise
        except SinkError:
            # Rows the database refuses although the key matched: the entry is stale; make them anew.
            stats["ignored"] += 1
            replay = recording = None
    if recording is None:
        recording = Recording(database_sink(using), keep=store is not None)
        report = run(plan, recording)
        if store is not None:
            stats["misses"] += 1
            if recording.kept is not None:
                store.save(key, recording.kept)
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # The sink checks each statement's keys as it ends (SET CONSTRAINTS ALL IMMEDIATE) for the rest of
        # the transaction: give the test Django's deferred keys back, as check_constraints() does.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    stats["seeded"] += 1
    return SeedData.fetch(using, report, recording.rows(), cached=replay is not None)


class Recording(Sink):
    """Passes every chunk on to the database sink, noting the pks each model got and, for the cache,
    the chunks themselves (up to ``CACHE_MAX_ROWS`` rows)."""

    def __init__(self, sink: Sink, *, keep: bool) -> None:
        self.sink = sink
        self.kept: list[tuple] | None = [] if keep else None
        self.pks: dict[str, RowSetBuilder] = {}
        self.count = 0

    def open(self, plan: Plan) -> None:
        super().open(plan)
        self.pks = {model.label: RowSetBuilder() for model in plan.models}
        self.sink.open(plan)

    def write(self, chunk: Chunk) -> None:
        self.sink.write(chunk)
        self.pks[chunk.model.label].add(chunk.pks)
        self.count += len(chunk)
        if self.kept is not None and self.count > CACHE_MAX_ROWS:
            self.kept = None
        elif self.kept is not None:
            self.kept.append(stored(chunk))

    def close(self) -> None:
        self.sink.close()

    def abort(self) -> None:
        self.sink.abort()

    def rows(self) -> dict[str, RowSet]:
        return {label: builder.build() for label, builder in self.pks.items()}
