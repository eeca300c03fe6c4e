"""Order models so that every model comes after the models it references."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from seedgen.errors import PlanError


def _kahn(names: Sequence[str], deps: Mapping[str, set[str]]) -> list[str]:
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(names):
        ready = next((n for n in names if n not in done and deps[n] <= done), None)
        if ready is None:
            break
        order.append(ready)
        done.add(ready)
    return order


def dependency_order(names: Sequence[str], hard: Mapping[str, set[str]], soft: Mapping[str, set[str]]) -> list[str]:
    """Topological order, stable in the order given.

    ``hard`` edges (non-nullable FKs) must hold; ``soft`` edges (nullable FKs,
    M2M) are kept when they can be and dropped to break a cycle.
    """
    known = set(names)

    def deps(with_soft: bool) -> dict[str, set[str]]:
        return {
            n: {d for d in hard.get(n, set()) | (soft.get(n, set()) if with_soft else set()) if d in known and d != n}
            for n in names
        }

    order = _kahn(names, deps(True))
    if len(order) < len(names):
        order = _kahn(names, deps(False))
    if len(order) < len(names):
        stuck = [n for n in names if n not in order]
        raise PlanError(
            f"models {', '.join(stuck)} reference each other through non-nullable foreign keys; "
            "make one of those foreign keys nullable"
        )
    return order
