"""The warehouse models: warehouse/models/<layer>/<name>.sql, one relation (table, view or macro) per file, named
like the file, in the layers analytics engineers know — staging (the loaded sources, typed and deduplicated),
intermediate (one row per business entity: the ticket, the score sheet, the plan), marts (what the pages read:
aggregates, rankings, views and the scope macros). The loaded tables themselves are declared in
warehouse/schema.sql (the contract) and filled by etl.publish from the lake and the reference files.

Checks sit beside what they check: <model>.check.sql next to a model, schema.check.sql next to the DDL; each
'-- check: <name>' statement returns offending rows, and any row fails the publish.

The build order is derived, never written down: a model runs after every model its SQL reads (FROM, JOIN) or
calls (a macro), outside comments, ties broken by layer and name; a cycle fails the build with the models named."""

from __future__ import annotations

import re
from functools import cache
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from warehouse.paths import WAREHOUSE_DIR

MODELS_DIR = WAREHOUSE_DIR / "models"
LAYERS = ("staging", "intermediate", "marts")
# a model's checks sit beside it (<model>.check.sql); the loaded tables' beside their DDL (schema.check.sql)
CHECK_SUFFIX = ".check.sql"
SCHEMA_CHECKS = WAREHOUSE_DIR / "schema.check.sql"


@cache
def discover() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for layer in LAYERS:
        for path in sorted((MODELS_DIR / layer).glob("*.sql")):
            if path.name.endswith(CHECK_SUFFIX):
                continue
            if path.stem in found:
                raise ValueError(f"model {path.stem} is defined twice: {found[path.stem]} and {path}")
            found[path.stem] = path
    return found


def _code(path: Path) -> str:
    return re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))


def _reference(model: str) -> str:
    """A use of a model in SQL: read FROM or JOINed (a table or view), or called (a macro). A column that shares
    a model's name (department) is not a use."""
    return rf"(?:\b(?:FROM|JOIN)\s+{model}\b|\b{model}\s*\()"


@cache
def dependencies() -> dict[str, frozenset[str]]:
    models = discover()
    return {
        name: frozenset(other for other in models if other != name and re.search(_reference(other), _code(path), flags=re.I))
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


def check_files() -> list[Path]:
    beside = [discover()[name].with_name(name + CHECK_SUFFIX) for name in order()]
    return [SCHEMA_CHECKS] + [p for p in beside if p.exists()]


def checks() -> list[tuple[str, str]]:
    """(name, query) of every '-- check: <name>' statement of the check files, loaded tables first, then the
    models' in build order. A query returns the offending rows."""
    out = []
    for path in check_files():
        parts = re.split(r"^-- check:\s*(\S+)\s*$", path.read_text(encoding="utf-8"), flags=re.M)
        out += [(parts[i], parts[i + 1].strip().rstrip(";")) for i in range(1, len(parts), 2)]
    return out
