"""``insert --shards N``: the rows committed in pieces, each model's shard in a transaction of its own.

Models go in dependency order and a model's shards in row order, so every row's references point
at rows already committed. What it gives up is atomicity across the pieces.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from dataclasses import replace

from seedgen.errors import Interrupted, PlanError, SeedgenError, SinkError
from seedgen.planning import Plan
from seedgen.progress import Progress
from seedgen.scale.shards import check_shard, shard_rows
from seedgen.sinks.base import Sink


def insert_in_shards(plan: Plan, sink, *, database: str, clear: bool, shards: int, chunk_size: int | None = None,
                     progress: Progress | None = None, jobs: int = 1):
    """Insert ``plan`` into ``database`` shard by shard; ``sink`` (made, and maybe reserved, by
    ``seedgen.api.insert``) takes the first piece. With ``clear``, the old rows are deleted first,
    in a transaction of their own. Returns the run's ``seedgen.api.Report``."""
    from seedgen import api
    from seedgen.sinks.database import database_sink

    check_shard(1, shards)
    try:
        check_pieces(plan)
    except PlanError:
        sink.abort()  # SQLite's reservation holds the write lock
        raise
    ranges = [shard_rows(plan, i, shards) for i in range(1, shards + 1)]
    # A model that refers to its own rows keeps them in one piece: a row may point at any other.
    pieces = [(m.label, rows) for m in plan.models
              for rows in ([range(m.count)] if refers_to_itself(m) else [r[m.label] for r in ranges]) if rows]
    total = api.Report(notices=plan.notices)
    reserved = sink.reserved  # the pk ranges were taken for every piece: each leaves the sequences there
    with contextlib.ExitStack() as stack:
        try:  # every pool and table is built before the first delete or row
            chunks = stack.enter_context(made_by(plan, pieces, jobs))
        except BaseException:
            sink.abort()
            raise
        if clear:
            # The delete, committed alone: the shards then go in as appended rows would.
            total.add(api.run(plan, sink, chunks=lambda model, size: iter(())))
        first = None if clear else sink
        pairs = getattr(sink, "reserved_pairs", None)  # MariaDB's LOAD DATA numbers M2M pairs from a reserved id
        for done, (label, rows) in enumerate(pieces):
            piece, first = first or database_sink(database), None
            piece.reserved = reserved
            if pairs:
                piece.reserved_pairs = pairs
            model = plan.model(label)
            hook = functools.partial(piece_of, chunks, label)
            only = {m.label: range(0) for m in plan.models} | {label: rows}
            try:
                total.add(api.run(plan, OneModel(piece, replace(plan, models=(model,))), chunk_size=chunk_size,
                                  progress=progress, chunks=hook, rows=only))
            except SeedgenError as exc:
                raise partly_done(exc, model, rows, done) from None
            if getattr(piece, "pair_ids", None):  # the next piece's pairs go on from this one's
                pairs = {**(pairs or {}), **{table: next_id for table, (_, next_id) in piece.pair_ids.items()}}
    return total


def piece_of(chunks: Callable, label: str, model, size: int) -> Iterator:
    """``run`` asks every model for its chunks: the piece's model alone takes its next piece."""
    return chunks(model, size) if model.label == label else iter(())


@contextlib.contextmanager
def made_by(plan: Plan, pieces: list[tuple[str, range]], jobs: int) -> Iterator[Callable]:
    """``run``'s ``chunks`` hook for the pieces, one after the other: the generators are built once,
    here or in ``jobs`` worker processes that make the next pieces' rows meanwhile."""
    if jobs > 1:
        from seedgen.scale.jobs import Workers

        with Workers(plan, jobs, spans=pieces) as workers:
            yield workers.chunks
        return
    from seedgen.generate.chunks import ModelGenerator

    generators = {m.label: ModelGenerator(plan, m) for m in plan.models}
    todo = list(reversed(pieces))

    def chunks(model, size: int) -> Iterator:
        label, rows = todo.pop()
        yield from generators[label].chunks(size, rows)

    yield chunks


def partly_done(exc: SeedgenError, model, rows: range, done: int) -> SeedgenError:
    """The error of a failed piece, saying what was kept: the sink's own says nothing was written."""
    text = str(exc).removesuffix("; nothing was written").removesuffix(": nothing was written")
    kept = f"the {done} pieces before them are committed" if done != 1 else "the piece before them is committed"
    note = f"{model.model._meta.label} rows {rows.start}-{rows.stop - 1} were not written; {kept}"
    if isinstance(exc, Interrupted):
        return Interrupted(f"{text}: {note}", exit_code=exc.exit_code)
    return SinkError(f"{text}; {note}")


class OneModel(Sink):
    """A database sink that opens on one model's plan: its checks, keys and sequences are that model's alone,
    while the rows are made from the whole plan (references, computed columns)."""

    def __init__(self, sink: Sink, plan: Plan) -> None:
        self.sink, self.model_plan = sink, plan

    def open(self, plan: Plan) -> None:
        super().open(plan)
        self.sink.open(self.model_plan)

    def write(self, chunk) -> None:
        self.sink.write(chunk)

    def close(self) -> None:
        self.sink.close()

    def abort(self) -> None:
        self.sink.abort()


def refers_to_itself(model) -> bool:
    return any(f.target == model.label for f in model.fields + model.m2m)


def check_pieces(plan: Plan) -> None:
    """A key to a model that comes later in the plan (a cycle) cannot be committed before its target."""
    position = {m.label: i for i, m in enumerate(plan.models)}
    for i, model in enumerate(plan.models):
        for f in model.fields + model.m2m:
            if position.get(f.target, -1) > i:
                raise PlanError(f"{model.model._meta.label}.{f.name}: refers to {plan.model(f.target).model._meta.label}, "
                                "whose rows go in later, so it cannot be committed in shards; insert without --shards")

