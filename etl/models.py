"""The warehouse models: warehouse/models/<layer>/<name>.sql, one relation (table, view or macro) per file, named
like the file, in the layers analytics engineers know — staging (the loaded sources, typed and deduplicated),
intermediate (one row per business entity: the ticket, the score sheet, the plan), marts (what the pages read:
aggregates, rankings, views and the scope macros). The loaded tables themselves are declared in
warehouse/schema.sql (the contract) and filled by etl.publish from the lake and the reference files.

The build order is derived, never written down: a model runs after every model whose name its SQL mentions
(outside comments), ties broken by layer and name; a cycle fails the build with the models named."""

from __future__ import annotations

import re
from functools import cache
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from warehouse.paths import WAREHOUSE_DIR

MODELS_DIR = WAREHOUSE_DIR / "models"
LAYERS = ("staging", "intermediate", "marts")


@cache
def discover() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for layer in LAYERS:
        for path in sorted((MODELS_DIR / layer).glob("*.sql")):
            if path.stem in found:
                raise ValueError(f"model {path.stem} is defined twice: {found[path.stem]} and {path}")
            found[path.stem] = path
    return found


def _code(path: Path) -> str:
    return re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))


@cache
def dependencies() -> dict[str, frozenset[str]]:
    models = discover()
    return {
        name: frozenset(other for other in models if other != name and re.search(rf"\b{other}\b", _code(path)))
        for name, path in models.items()
    }


@cache
def order() -> list[str]:
    models = discover()
    rank = {name: (LAYERS.index(path.parent.name), name) for name, path in models.items()}
    sorter = TopologicalSorter(
        {name: sorted(deps, key=rank.get) for name, deps in sorted(dependencies().items(), key=lambda kv: rank[kv[0]])}
    )
    try:
        sorter.prepare()
    except CycleError as e:
        raise ValueError(f"warehouse models depend on each other in a cycle: {' → '.join(e.args[1])}") from e
    out: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=rank.get)
        out += ready
        sorter.done(*ready)
    return out


def build(con) -> None:
    """Run every model, in dependency order, on a connection that holds the loaded tables."""
    for name in order():
        con.execute(discover()[name].read_text(encoding="utf-8"))
