"""``--shard I/N``: the I-th of N deterministic row ranges of every model of a plan.

A root model's rows are cut in N near-equal ranges; a multi-table child follows its
parent's ranges, so that each shard holds a child's rows beside their parent rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seedgen.errors import PlanError

if TYPE_CHECKING:  # parsing --shard stays cheap: no Django
    from seedgen.planning import Plan


def parse_shard(text: str) -> tuple[int, int]:
    """``3/8`` as given to ``--shard``: (3, 8); PlanError says what is wrong."""
    index, sep, count = text.partition("/")
    try:
        shard = (int(index), int(count)) if sep else None
    except ValueError:
        shard = None
    if shard is None:
        raise PlanError(f"{text!r} is not I/N, e.g. 2/4 for the second of four shards")
    check_shard(*shard)
    return shard


def check_shard(index: int, count: int) -> None:
    if count < 1 or not 1 <= index <= count:
        raise PlanError(f"shard {index}/{count}: I must be from 1 to N, and N at least 1")


def shard_rows(plan: Plan, index: int, count: int) -> dict[str, range]:
    """The rows of every model (label -> row range) that shard ``index`` of ``count`` holds, 1-based."""
    check_shard(index, count)
    rows: dict[str, range] = {}
    for model in plan.models:  # a parent comes before its children
        if model.parent is None:
            rows[model.label] = range(model.count * (index - 1) // count, model.count * index // count)
        else:
            # The child's row r is its parent's row offset + r: take the part of the parent's range in that block.
            parent = rows[model.parent]
            start = min(max(parent.start - model.offset, 0), model.count)
            stop = min(max(parent.stop - model.offset, 0), model.count)
            rows[model.label] = range(start, max(start, stop))
    return rows
