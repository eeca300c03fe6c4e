"""``--jobs N``: chunks made in N worker processes and written by this one, strictly in plan order.

Rows are row-addressable, so a worker can make any range; a fixture's chunk is rendered to
bytes there too, and this process only writes (and compresses) them, so the file is the same.
"""

from __future__ import annotations

import io
import os
import pickle
import signal
import sys
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from seedgen.errors import SinkError
from seedgen.generate.chunks import Chunk, ModelGenerator
from seedgen.planning import ModelPlan, Plan
from seedgen.sinks.base import Output, Sink
from seedgen.sinks.fixture import FixtureSink
from seedgen.sinks.per_model import PerModelSink

# Chunks submitted ahead of the one being written, per worker: enough to keep every worker
# busy while this process writes, few enough that memory does not grow with the row count.
AHEAD_PER_JOB = 2


@dataclass
class Rendered:
    """Rows ``start``..``stop`` of one model as the bytes their fixture format writes for them."""

    model: ModelPlan
    start: int
    stop: int
    pks: list[int]
    data: bytes

    def __len__(self) -> int:
        return len(self.pks)


class RenderedSink(Sink):
    """Writes workers' rendered chunks into a fixture sink (or one per model) as its own ``write`` would."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    @property
    def paths(self) -> list:
        return getattr(self.sink, "paths", [])

    def open(self, plan: Plan) -> None:
        super().open(plan)
        self.sink.open(plan)

    def write(self, chunk: Rendered) -> None:
        target = fixture_target(self.sink, chunk.model.label)
        target.emit(chunk.data)
        # What FixtureSink.write would have counted: the end of the file depends on it (an empty YAML list).
        target.objects += len(chunk)
        target.first = target.first and not len(chunk)

    def close(self) -> None:
        self.sink.close()

    def abort(self) -> None:
        self.sink.abort()


def fixture_target(sink: Sink, label: str) -> FixtureSink | None:
    """The fixture sink that model ``label``'s rows go to, or None when the sink is no fixture writer."""
    if isinstance(sink, PerModelSink):
        sink = sink.sinks.get(label)
    return sink if isinstance(sink, FixtureSink) else None


def renders(sink: Sink) -> bool:
    """Whether workers can render ``sink``'s bytes: a fixture file, or one per model."""
    return isinstance(sink, (FixtureSink, PerModelSink))


class Workers:
    """A pool of worker processes over one plan's generators; ``chunks`` is ``seedgen.api.run``'s hook.

    ``rows`` (label -> row range) limits each model to those rows (a shard); ``spans`` ((label,
    row range) in the order they are asked for) cuts them further: each ``chunks`` call of a model
    gives its next span. Into a fixture sink (``rendering_into``) a worker returns ``Rendered``
    bytes of its format, else the ``Chunk`` itself.
    """

    def __init__(self, plan: Plan, jobs: int, *, rows: Mapping[str, range] | None = None,
                 spans: Sequence[tuple[str, range]] | None = None, context: str | None = None) -> None:
        import multiprocessing

        from seedgen.environment import setup_django

        self.plan, self.jobs = plan, jobs
        if spans is None:
            spans = [(m.label, rows[m.label] if rows is not None else range(m.count)) for m in plan.models]
        self.spans, self.next_span = list(spans), 0
        # Every pool and table is built here, once, so that a field seedgen cannot fill fails before
        # the sink opens. Forked workers inherit the built generators; others get the plan (plain
        # data, unlike a generator's lookups) and build each model's generator on its first chunk.
        generators = {model.label: ModelGenerator(plan, model) for model in plan.models}
        # Linux forks cheaply and safely here (no thread of ours runs yet); Python 3.14 would pick forkserver.
        mp_context = multiprocessing.get_context(context or ("fork" if sys.platform.startswith("linux") else None))
        inherited = mp_context.get_start_method() == "fork"
        payload = generators if inherited else pickle.dumps(plan)
        self.executor = ProcessPoolExecutor(jobs, mp_context=mp_context, initializer=_boot,
                                            initargs=(setup_django(), list(sys.path), payload))
        # Start every worker now: a fork must not copy the sink's writer thread (or its locks) mid-work.
        for _ in range(jobs):
            self.executor.submit(os.getpid)
        self.tasks: Iterator[tuple[int, ModelPlan, int, int]] | None = None
        self.flight: deque[tuple[int, Future]] = deque()  # (span, chunk on its way), in order
        self.started: set[int] = set()  # ids of the fixture sinks that have rows submitted (JSON's separators)
        self.sink: Sink | None = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)

    def rendering_into(self, sink: Sink) -> Sink:
        """The sink ``run`` writes to: one that takes rendered bytes when workers can render ``sink``'s."""
        if renders(sink):
            self.sink = sink
            return RenderedSink(sink)
        return sink

    def chunks(self, model: ModelPlan, size: int) -> Iterator[Chunk | Rendered]:
        """The chunks of ``model``'s next span, in order, while workers already make the next spans' chunks."""
        if self.tasks is None:
            self.tasks = self._tasks(size)
        if self.next_span == len(self.spans) or self.spans[self.next_span][0] != model.label:
            return  # none of its rows are asked for here
        span, self.next_span = self.next_span, self.next_span + 1
        while True:
            self._submit()
            if not self.flight or self.flight[0][0] != span:
                return
            _, future = self.flight.popleft()
            try:
                made = future.result()
            except BrokenProcessPool:
                raise SinkError("a worker process died (killed, or out of memory?); try fewer --jobs or a "
                                "smaller --chunk-size") from None
            yield self._received(model, made)

    def _tasks(self, size: int) -> Iterator[tuple[int, ModelPlan, int, int]]:
        for span, (label, rows) in enumerate(self.spans):
            model = self.plan.model(label)
            for start in range(rows.start, rows.stop, size):
                yield span, model, start, min(start + size, rows.stop)

    def _submit(self) -> None:
        while len(self.flight) < self.jobs * AHEAD_PER_JOB:
            task = next(self.tasks, None)
            if task is None:
                return
            span, model, start, stop = task
            render = None
            if self.sink is not None:
                target = fixture_target(self.sink, model.label)
                key = id(target)
                render = (type(target), target.indent, key not in self.started)
                self.started.add(key)
            self.flight.append((span, self.executor.submit(_make, model.label, start, stop, render)))

    def _received(self, model: ModelPlan, made: tuple) -> Chunk | Rendered:
        start, stop, pks, body = made
        if isinstance(body, bytes):
            return Rendered(model, start, stop, pks, body)
        columns, m2m = body
        return Chunk(model, start, stop, pks, columns, m2m)


# What a worker process holds: the plan, its generators and a renderer per fixture format.
_plan: list[Plan] = []
_generators: dict[str, ModelGenerator] = {}
_renderers: dict[tuple, tuple[FixtureSink, io.BytesIO]] = {}


def _boot(settings: str, path: list[str], payload: dict[str, ModelGenerator] | bytes) -> None:
    """Set a worker up: the parent's import path and Django settings, then the generators or the plan."""
    # Ctrl-C reaches the whole process group: the parent stops the run, the workers only their chunk.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    sys.path[:] = path
    from seedgen.environment import setup_django

    setup_django(settings)  # before the plan is unpickled: it refers to the models
    _generators.clear()
    if isinstance(payload, bytes):
        _plan[:] = [pickle.loads(payload)]
    else:
        _generators.update(payload)
        _plan[:] = [next(iter(payload.values())).plan] if payload else []


def _generator(label: str) -> ModelGenerator:
    if label not in _generators:
        _generators[label] = ModelGenerator(_plan[0], _plan[0].model(label))
    return _generators[label]


def _make(label: str, start: int, stop: int, render: tuple | None) -> tuple:
    """Rows ``start``..``stop`` of model ``label``: rendered bytes with ``render``
    ((sink class, indent, whether they are the file's first rows)), else the chunk's columns."""
    chunk = _generator(label).chunk(start, stop)
    if render is None:
        return start, stop, chunk.pks, (chunk.columns, chunk.m2m)
    return start, stop, chunk.pks, _render(chunk, *render)


def _render(chunk: Chunk, sink_class: type[FixtureSink], indent: int | None, first: bool) -> bytes:
    """What ``sink_class``'s ``write`` puts in its file for ``chunk``, written here into memory."""
    key = (sink_class, indent)
    if key not in _renderers:
        buffer = io.BytesIO()
        sink = sink_class(_MemoryOutput(buffer), indent=indent)
        sink.open(_plan[0])
        _renderers[key] = sink, buffer
    sink, buffer = _renderers[key]
    buffer.seek(0)
    buffer.truncate()
    sink.first = first
    sink.write(chunk)
    return buffer.getvalue()


class _MemoryOutput(Output):
    """An output into a buffer, for a renderer: the start of the file it writes is dropped."""

    def __init__(self, buffer: io.BytesIO) -> None:
        super().__init__("<memory>")
        self.buffer = buffer

    def open(self) -> io.BytesIO:
        self.stream = self.buffer
        return self.buffer
