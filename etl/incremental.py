"""Incremental publish: when the only change to the 12345 history is new export files, the served warehouse is copied
and only what the new tickets touch is computed again; anything that may change the past forces the full rebuild.

Every build records its inputs in build_input: a fingerprint of each reference file, each SQL file and the code that
shapes the rows, of the calendar, and of each export partition of the lake. The next publish compares (plan()):

- a reference file (a rule, a setting, a term, a county alias), the SQL, that code, or the calendar (a holiday override,
  a new year) changed; an export partition was deleted or written again (a file re-exported under its own name); or
  a new export holds a ticket already loaded (a re-export of old tickets): the full rebuild, and the log says why;
- otherwise the incremental publish (patch()), whose result is the full rebuild's, table by table
  (tests/test_incremental.py):
  - the tickets computed again: those of the new exports, and every loaded ticket of a new ticket's caller received
    within the window after it (repeat_caller looks 30 days back over the caller's tickets); their context is each
    one's caller's tickets within the window before it, read from the lake's export files that hold them only;
  - the loaded tickets whose figures depend on the data cut-off, which moves with new data (open, or dispatched and
    not signed): nothing else of theirs changes, so only hotline_ticket's columns that the macro hotline_cut_off
    returns are computed again, from their own rows (their exports are not read);
  - models marked `-- incremental: ticket_id` (one row per ticket): the touched tickets' rows deleted, then the
    model's own SQL run again over the touched tickets and their context only (the context rows of the ticket models
    it reads held in a temp table, read once);
  - models marked `-- incremental: <columns>` (aggregates): the groups holding a touched ticket, before or after,
    deleted and aggregated again by the model's own SQL over the tickets of those groups only; for an aggregate that
    reads hotline_ticket alone, only the touched tickets whose row changed in a column it reads (an open ticket whose
    overdue days moved with the cut-off, but not its overdue flag, changes no cube figure);
  - every other model, and every loaded table (all small), built again as in the full rebuild.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from etl import lake, models
from warehouse import contract
from warehouse.paths import PROJECT_ROOT, WAREHOUSE_DIR

log = logging.getLogger(__name__)

# the Python that shapes warehouse rows beside the SQL: a change to it rebuilds in full
CODE = ("etl/publish.py", "etl/incremental.py", "etl/hot_topics.py", "etl/forecast.py", "etl/models.py", "etl/calendar.py")
# an incremental publish leaves the blocks of replaced rows free in the file; beyond this share of the file the next
# publish rebuilds in full, which writes a compact file
MAX_FREE_SHARE = 0.25
# the SQL a warehouse is built from (not warehouse/spark: the scale-out job, docs/SCALE.md)
WAREHOUSE_SQL = ("*.sql", "models/*/*.sql", "publish/*.sql")
TICKETS = "hotline"  # the lake dataset of the exports' tickets
MARK = re.compile(r"^-- incremental:\s*(.+?)\s*$", re.M)
TICKET_KEY = "ticket_id"
SOURCE_FILE = "source_file"  # the column of a ticket model naming the export its row comes from
KEYS_FROM = "hotline_ticket"  # the ticket model that holds every aggregate's key columns
VERSIONS = "hotline_ticket_version"  # every version of each re-exported ticket, in the columns of the tickets as loaded

# the tickets whose figures depend on the data cut-off (overdue_open, workdays_overdue, sign_on_time of hotline_ticket)
CUT_OFF_SENSITIVE = "(closed_at IS NULL AND NOT answered_directly) OR (dispatched_at IS NOT NULL AND signed_at IS NULL)"
# the loaded tickets to look at again, found by one scan of hotline_ticket's few columns that say so: those whose figures
# depend on the data cut-off, which moves with new data (their hotline_cut_off columns computed again from their rows:
# cut_off_row), and any of a new ticket's caller received within the repeat window after it (its repeat_caller may
# change: computed again from the lake, after_new). A loaded ticket is never also a new one: a new export holding a
# loaded ticket is a re-export, which plan() rebuilds in full. Their row numbers: their whole rows are then fetched by
# them, and deleted by them (with their ticket numbers checked); at 100 M tickets one scan of the whole rows took
# 4.5 s, the two steps 0.5 s, and the delete by ticket number 1.4 s, by row number 0.1 s (docs/PERFORMANCE.md)
LOADED_TOUCHED_ID = """
CREATE TEMP TABLE loaded_touched_id AS
WITH window_days AS ({window}),
span AS (
    SELECT caller_hash, min(received_at) AS lo, max(received_at) + to_days((SELECT n FROM window_days)) AS hi
    FROM new_ticket WHERE caller_hash IS NOT NULL GROUP BY caller_hash
)
SELECT t.rowid AS row_id, t.ticket_id, coalesce(t.received_at BETWEEN s.lo AND s.hi, false) AS after_new
FROM {db}.main.hotline_ticket t LEFT JOIN span s USING (caller_hash)
WHERE ({sensitive}) OR t.received_at BETWEEN s.lo AND s.hi
"""
LOADED_TOUCHED = """
CREATE TEMP TABLE loaded_touched AS
SELECT t.*, i.after_new FROM {db}.main.hotline_ticket t JOIN loaded_touched_id i ON t.rowid = i.row_id
"""
LOADED_TOUCHED_GONE = """
DELETE FROM {db}.main.hotline_ticket t USING loaded_touched_id i WHERE t.rowid = i.row_id AND t.ticket_id = i.ticket_id
"""
# the tickets computed again from the lake and put in place: the new ones, and the loaded ones after a new one's
TOUCHED_TICKETS = """
CREATE TEMP TABLE touched_ticket AS
SELECT ticket_id, caller_hash, received_at FROM new_ticket
UNION ALL SELECT ticket_id, caller_hash, received_at FROM loaded_touched WHERE after_new
"""
CUT_OFF_ROWS = "CREATE TEMP TABLE cut_off_row AS SELECT * EXCLUDE (after_new) FROM loaded_touched WHERE NOT after_new"
# the figures of those that move with the cut-off, from their own rows (the deadline's working day from the calendar)
CUT_OFF = "hotline_cut_off"
CUT_OFF_FIGURES = """
CREATE TEMP TABLE cut_off__figures AS
SELECT r.*, {macro}(r.answered_directly, r.closed_at, r.deadline_at, d.workday_no, r.dispatched_at, r.signed_at) AS cut_off
FROM cut_off_row r LEFT JOIN {db}.main.calendar d ON d.date = r.deadline_at::DATE
"""
# a read of the data cut-off in a model's SQL: only CUT_OFF may read it among the ticket models
CUT_OFF_VARIABLE = re.compile(r"getvariable\s*\(\s*'as_of'\s*\)", re.I)
# the export files that hold a row of a context ticket: its latest row's, and every version's of a re-exported one
CONTEXT_FILES = """
SELECT DISTINCT source_file FROM context__{keys_from}
UNION SELECT DISTINCT source_file FROM {db}.main.{versions} SEMI JOIN context_ticket USING (ticket_id)
"""
# what computing them needs besides: each touched ticket's caller's loaded tickets received within the window before
# it. repeat_caller looks back at the caller's previous ticket (one further back counts as no repeat either way), and
# repeat_demand counts the caller's tickets of the topic in the span before; nothing looks forward
CONTEXT_TICKETS = """
CREATE TEMP TABLE context_ticket AS
WITH window_days AS ({window})
SELECT ticket_id FROM touched_ticket
UNION
SELECT t.ticket_id FROM {db}.main.hotline_ticket t JOIN touched_ticket k USING (caller_hash)
WHERE t.received_at BETWEEN k.received_at - to_days((SELECT n FROM window_days)) AND k.received_at
"""
# the longest look-back over a caller's tickets: repeat_caller's window, and the span of the 预警 rule repeat_demand
WINDOW_DAYS = """
SELECT greatest((SELECT value::INTEGER FROM {db}.main.hotline_setting WHERE key = 'repeat_window_days'),
                coalesce((SELECT max(span)::INTEGER FROM {db}.main.alert_rule WHERE kind = 'repeat_demand' AND enabled), 0)) AS n
"""
REEXPORTED = """
SELECT count(*) - count(DISTINCT n.ticket_id) + count(t.ticket_id) AS repeats
FROM read_parquet(?, hive_partitioning = false) n
LEFT JOIN {db}.main.hotline_ticket t USING (ticket_id)
"""


@dataclass
class Plan:
    incremental: bool
    reason: str
    new_partitions: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return f"{'incremental' if self.incremental else 'full rebuild'}: {self.reason}"


def _sha(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()[:16]


def inputs(lake_dir: Path, calendar: pl.DataFrame) -> pl.DataFrame:
    """What a build read, fingerprinted: (kind, name, fingerprint)."""
    rows = [("reference", p.name, _sha(p.read_bytes())) for p in sorted((WAREHOUSE_DIR / "reference").glob("*.csv"))]
    sql = sorted(p for pattern in WAREHOUSE_SQL for p in WAREHOUSE_DIR.glob(pattern))
    rows += [("sql", str(p.relative_to(WAREHOUSE_DIR)), _sha(p.read_bytes())) for p in sql]
    rows += [("code", name, _sha((PROJECT_ROOT / name).read_bytes())) for name in CODE]
    rows.append(("code", "schema_version", contract.WAREHOUSE_SCHEMA_VERSION))
    rows.append(("calendar", "calendar", _sha(calendar.sort("date").hash_rows(seed=0).to_numpy().tobytes())))
    for path in sorted((lake_dir / TICKETS).glob("*/tickets.parquet")):
        st = path.stat()
        rows.append((TICKETS, path.parent.name, f"{st.st_size}:{st.st_mtime_ns}"))
    return pl.DataFrame(rows, schema={"kind": pl.Utf8, "name": pl.Utf8, "fingerprint": pl.Utf8}, orient="row")


WHY = {"reference": "reference file {} changed", "sql": "SQL {} changed", "code": "code {} changed", "calendar": "the calendar changed"}


def plan(previous: Path, current: pl.DataFrame, lake_dir: Path, full_rebuild: bool = False) -> Plan:
    """Incremental, or the full rebuild and why."""
    if full_rebuild:
        return Plan(False, "forced (--full-rebuild)")
    if not previous.exists():
        return Plan(False, "no warehouse yet")
    try:
        con = duckdb.connect(str(previous), read_only=True)
    except duckdb.Error as e:
        return Plan(False, f"the served warehouse cannot be read ({str(e).splitlines()[0]})")
    try:
        try:
            before = con.execute("SELECT kind, name, fingerprint FROM build_input").fetchall()
        except duckdb.Error:
            return Plan(False, "the served warehouse records no build inputs (built before incremental publish)")
        old = {(k, n): f for k, n, f in before}
        free, total = con.execute("SELECT free_blocks, total_blocks FROM pragma_database_size()").fetchone()
        if total and free / total > MAX_FREE_SHARE:
            return Plan(False, f"{free / total:.0%} of the served file is free space left by earlier increments (compacting)")
        new = {(k, n): f for k, n, f in current.iter_rows()}
        for (kind, name), fp in sorted(new.items()):
            if kind != TICKETS and old.get((kind, name)) != fp:
                return Plan(False, WHY[kind].format(name))
        for (kind, name), fp in sorted(old.items()):
            if kind == TICKETS and (kind, name) not in new:
                return Plan(False, f"export partition {name} was deleted")
            if kind == TICKETS and new[(kind, name)] != fp:
                return Plan(False, f"export partition {name} was written again (the file was loaded again)")
            if kind != TICKETS and (kind, name) not in new:
                return Plan(False, WHY.get(kind, "{} changed").format(name))
        added = sorted(n for k, n in new if k == TICKETS and (k, n) not in old)
        if added:
            files = [str(lake_dir / TICKETS / p / "tickets.parquet") for p in added]
            db = _quoted(con.execute("SELECT current_database()").fetchone()[0])
            repeats = con.execute(REEXPORTED.format(db=db), [files]).fetchone()[0]
            if repeats:
                return Plan(False, f"{repeats} ticket(s) of the new export(s) were loaded before (a re-export of old tickets)")
        return Plan(True, f"{len(added)} new export file(s)", added)
    finally:
        con.close()


def parquet_source(files: list[Path]) -> str:
    """read_parquet over these files, as SQL text (a view cannot take parameters); any quote in a path escaped."""
    listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    return f"read_parquet([{listed}], union_by_name = true, hive_partitioning = false)"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def marked() -> dict[str, list[str]]:
    """model -> its incremental key columns (['ticket_id'] for a model of one row per ticket)."""
    out = {}
    for name, path in models.discover().items():
        m = MARK.search(path.read_text(encoding="utf-8"))
        if m:
            out[name] = [c.strip() for c in m.group(1).split(",")]
    return out


def _into_delta(sql: str, model: str) -> str:
    """A ticket model's SQL writing into {model}__delta (made beforehand) instead of its table."""
    out, n = re.subn(
        rf"\b(?:CREATE\s+TABLE\s+{model}\s+AS|INSERT\s+INTO\s+{model}(?:\s+BY\s+NAME)?)\b",
        f"INSERT INTO {model}__delta BY NAME",
        sql,
        flags=re.I,
    )
    if n != 1:
        raise ValueError(f"model {model} is marked incremental but does not create or insert into its table once")
    return out


def _as_insert(sql: str, model: str, target: str) -> str:
    """A model's SQL with its CREATE TABLE turned into an INSERT into target (the columns matched by name)."""
    out, n = re.subn(rf"\bCREATE\s+TABLE\s+{model}\s+AS\b", f"INSERT INTO {target} BY NAME", sql, flags=re.I)
    if n == 0 and not re.search(rf"\bINSERT\s+INTO\s+{model}\b", sql, flags=re.I):
        raise ValueError(f"model {model} is marked incremental but neither creates nor inserts into its table")
    return out


def _drop(con, db: str, name: str) -> None:
    kind = con.execute(
        """SELECT 'TABLE' FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main' AND table_name = ?
           UNION ALL SELECT 'VIEW' FROM duckdb_views() WHERE database_name = ? AND schema_name = 'main' AND view_name = ?
           UNION ALL SELECT DISTINCT CASE function_type WHEN 'table_macro' THEN 'MACRO TABLE' ELSE 'MACRO' END
           FROM duckdb_functions() WHERE database_name = ? AND schema_name = 'main' AND function_name = ?
                 AND function_type IN ('macro', 'table_macro')""",
        [db, name] * 3,
    ).fetchone()
    if kind:
        con.execute(f"DROP {kind[0]} {db_q(db)}.main.{name}")


def db_q(db: str) -> str:
    return _quoted(db)


# an aggregate's groups holding a touched ticket whose row changed in the columns it reads ({differs}): its groups
# before (a row changed or gone) and after (a row changed or new); the new tickets, most of them, are found by number
CHANGED_GROUPS = """
CREATE TEMP TABLE touched__{model} AS
WITH moved AS (SELECT ticket_id FROM touched_before b JOIN touched_after a USING (ticket_id) WHERE {differs}),
gone AS (SELECT ticket_id FROM touched_before ANTI JOIN touched_after USING (ticket_id)),
came AS (SELECT ticket_id FROM touched_after ANTI JOIN touched_before USING (ticket_id))
SELECT DISTINCT {keys} FROM touched_before SEMI JOIN (FROM moved UNION ALL FROM gone) USING (ticket_id)
UNION SELECT DISTINCT {keys} FROM touched_after SEMI JOIN (FROM moved UNION ALL FROM came) USING (ticket_id)
"""
TOUCHED_ROWS = "SELECT {columns} FROM {rows} SEMI JOIN touched_ticket USING (ticket_id)"
NATURAL = re.compile(r"\bNATURAL\s+(?:\w+\s+)?JOIN\b", re.I)
# what marks a statement whose columns cannot be told from the names it writes out
UNNAMED_COLUMNS = re.compile(r"SELECT\s+(?:DISTINCT\s+)?\*|\.\*|\bCOLUMNS\s*\(|\*\s*(?:EXCLUDE|REPLACE)\b", re.I)


def _columns(con, db: str, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main' AND table_name = ?",
        [db, table],
    ).fetchall()]  # fmt: skip


def _code(model: str) -> str:
    """A model's SQL without its comment lines (which name every column they document)."""
    text = models.discover()[model].read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))


def _named(columns: list[str], sql: str) -> list[str]:
    return [c for c in columns if re.search(rf"\b{re.escape(c)}\b", sql)]


def _read_alone(con, db: str, group_models: list[str]) -> dict[str, list[str]]:
    """aggregate -> the KEYS_FROM columns its SQL names, for each aggregate that reads KEYS_FROM and no other table and
    writes out every column it reads (no `*`): its figures for a group are a function of those columns of the group's
    rows alone, so a touched ticket whose row is the same in them before and after changes none of them."""
    columns = _columns(con, db, KEYS_FROM)
    out = {}
    for m in group_models:
        sql = _code(m)
        tables = {t.lower() for t in re.findall(r"\b(?:FROM|JOIN)\s+([\w.\"]+)", sql, flags=re.I)}
        if tables == {KEYS_FROM} and not UNNAMED_COLUMNS.search(sql):
            out[m] = [c for c in _named(columns, sql) if c != TICKET_KEY]
    return out


def _prepare(con, q: str, lake_dir: Path, new_partitions: list[str], held: dict[str, list[str]], kept: list[str]) -> None:
    """What patch() reads of the copy (q) before it writes: temp tables of the new tickets, the tickets computed again
    (touched_ticket), the loaded ones whose cut-off figures move (cut_off_row), the context of the first
    (context_ticket), the context rows of the ticket models in held, in its columns (context__<model>), and the rows
    before of both kinds in the columns kept (touched_before; none without kept)."""
    files = [lake_dir / TICKETS / p / "tickets.parquet" for p in new_partitions]
    new = parquet_source(files) if files else f"{q}.main.hotline_ticket WHERE false"
    window = WINDOW_DAYS.format(db=q)
    con.execute(f"CREATE TEMP TABLE new_ticket AS SELECT ticket_id, caller_hash, received_at FROM {new}")
    con.execute(LOADED_TOUCHED_ID.format(db=q, sensitive=CUT_OFF_SENSITIVE, window=window))
    con.execute(LOADED_TOUCHED.format(db=q))
    con.execute(TOUCHED_TICKETS)
    con.execute(CUT_OFF_ROWS)
    con.execute("DROP TABLE loaded_touched")
    con.execute(CONTEXT_TICKETS.format(db=q, window=window))
    # the context's rows of the ticket models another one reads, and of KEYS_FROM, in the columns read: one scan of
    # each, where each ticket model that reads it would scan it whole, and the touched rows before a scan of their own
    for o, columns in held.items():
        con.execute(
            f"CREATE TEMP TABLE context__{o} AS SELECT {', '.join(columns)} FROM {q}.main.{o} SEMI JOIN context_ticket USING (ticket_id)"
        )
    if kept:
        columns = ", ".join(kept)
        con.execute(
            f"CREATE TEMP TABLE touched_before AS {TOUCHED_ROWS.format(columns=columns, rows=f'context__{KEYS_FROM}')} "
            f"UNION ALL SELECT {columns} FROM cut_off_row"
        )


def _context_source(con, q: str, lake_dir: Path, new_partitions: list[str]) -> tuple[int, int]:
    """context_source: the context tickets' rows of the lake, every version, in the columns of the tickets as loaded
    (VERSIONS, as the contract declares them), read from the export files that hold them only: the new ones, and those
    the warehouse names as the rows' source (every file if one of those is not in the lake). Returns (files read,
    files in the lake)."""
    every = sorted((lake_dir / TICKETS).glob("*/tickets.parquet"))
    named = {r[0] for r in con.execute(CONTEXT_FILES.format(db=q, keys_from=KEYS_FROM, versions=VERSIONS)).fetchall() if r[0] is not None}
    files = sorted({lake_dir / TICKETS / lake.file_partition(f) / "tickets.parquet" for f in named} | {
        lake_dir / TICKETS / p / "tickets.parquet" for p in new_partitions})  # fmt: skip
    if not all(f.exists() for f in files):
        log.warning("[publish] the export files of the context tickets are not all in the lake: every file is read")
        files = every
    log.debug("[publish] the context tickets' rows read from %s", ", ".join(f.parent.name for f in files))
    con.execute(f"CREATE TEMP TABLE context_source AS SELECT * FROM {q}.main.{VERSIONS} LIMIT 0")
    if files:
        con.execute(f"INSERT INTO context_source BY NAME SELECT * FROM {parquet_source(files)} SEMI JOIN context_ticket USING (ticket_id)")
    return len(files), len(every)


def _cut_off_rows(con, q: str, held: dict[str, list[str]]) -> None:
    """cut_off__delta: the rows of cut_off_row with the columns CUT_OFF returns computed again at this cut-off; the held
    context rows of those tickets brought up to date."""
    con.execute(CUT_OFF_FIGURES.format(db=q, macro=CUT_OFF))
    figures = [d[0] for d in con.execute("SELECT cut_off.* FROM cut_off__figures LIMIT 0").description]
    replaced = ", ".join(f"struct_extract(cut_off, '{c}') AS {c}" for c in figures)
    con.execute(f"CREATE TEMP TABLE cut_off__delta AS SELECT * EXCLUDE (cut_off) REPLACE ({replaced}) FROM cut_off__figures")
    con.execute("DROP TABLE cut_off__figures")
    if KEYS_FROM in held:
        con.execute(f"DELETE FROM context__{KEYS_FROM} WHERE ticket_id IN (SELECT ticket_id FROM cut_off_row)")
        con.execute(
            f"INSERT INTO context__{KEYS_FROM} BY NAME SELECT {', '.join(held[KEYS_FROM])} FROM cut_off__delta "
            "SEMI JOIN context_ticket USING (ticket_id)"
        )


def _delete_loaded_touched(con, q: str) -> None:
    """The loaded touched tickets' rows of KEYS_FROM deleted by the row numbers they were found at; a row number no
    longer holding its ticket (nothing writes the table in between, so never seen) fails the publish, which then
    rebuilds in full."""
    expected = con.execute("SELECT count(*) FROM loaded_touched_id").fetchall()[0][0]
    deleted = con.execute(LOADED_TOUCHED_GONE.format(db=q)).fetchall()[0][0]
    if deleted != expected:
        raise ValueError(f"{deleted} of the {expected} loaded touched tickets' rows were where they were found")


def _held(con, db: str, keyed: dict[str, list[str]], touched_columns: list[str]) -> dict[str, list[str]]:
    """ticket model -> the columns of its context rows that _prepare() holds, for each ticket model another one reads,
    and KEYS_FROM: the ticket number, the columns the models that read it name (every column where one reads it by `*`
    or a natural join), and for KEYS_FROM the touched rows' (touched_columns)."""
    ticket_models = [m for m in models.order() if keyed.get(m) == [TICKET_KEY]]
    deps = models.dependencies()
    out = {}
    for o in ticket_models:
        readers = [_code(m) for m in ticket_models if o in deps[m]]
        if o != KEYS_FROM and not readers:
            continue
        columns = _columns(con, db, o)
        if any(UNNAMED_COLUMNS.search(sql) or NATURAL.search(sql) for sql in readers):
            out[o] = columns
        else:
            named = {TICKET_KEY, *_named(columns, "\n".join(readers))} | (set(touched_columns) if o == KEYS_FROM else set())
            out[o] = [c for c in columns if c in named]
    return out


def _kept(keyed: dict[str, list[str]], group_models: list[str], by_change: dict[str, list[str]]) -> list[str]:
    """The columns of the touched tickets' rows kept before and after: every key column of every aggregate, and every
    column that an aggregate over KEYS_FROM alone reads (by_change: its groups go back only for the rows that changed in
    them)."""
    if keyed.get(KEYS_FROM) != [TICKET_KEY]:
        raise ValueError(f"the aggregates' key columns are read from {KEYS_FROM}, which is not a ticket model")
    return sorted({TICKET_KEY} | {c for m in group_models for c in keyed[m]} | {c for cs in by_change.values() for c in cs})


def _cut_off_read_by_macro_only(ticket_models: list[str]) -> None:
    """The open tickets' rows are brought to a new cut-off by CUT_OFF alone: a ticket model reading the cut-off itself
    would leave figures of theirs behind, so the publish refuses (and rebuilds in full)."""
    reading = [m for m in ticket_models if CUT_OFF_VARIABLE.search(_code(m))]
    if reading:
        raise ValueError(f"ticket model(s) {', '.join(reading)} read the cut-off (as_of) other than through {CUT_OFF}()")


def patch(con, lake_dir: Path, new_partitions: list[str], source: str) -> dict[str, int]:
    """Brings the ticket models and the aggregates over them of a copy of the served warehouse (con), whose loaded
    tables were refilled, up to date with the new exports (rebuild_rest() then builds the other models); source: the
    lake's tickets as src_hotline_ticket reads them (etl.publish). Returns counts for the log."""
    db = con.execute("SELECT current_database()").fetchone()[0]
    q = db_q(db)
    keyed = marked()
    group_models = [m for m in models.order() if m in keyed and keyed[m] != [TICKET_KEY]]
    ticket_models = [m for m in models.order() if keyed.get(m) == [TICKET_KEY]]
    if KEYS_FROM not in ticket_models:
        raise ValueError(f"{KEYS_FROM}, whose rows the cut-off moves, is not a ticket model")
    _cut_off_read_by_macro_only(ticket_models)
    by_change = _read_alone(con, db, group_models)
    kept = _kept(keyed, group_models, by_change) if group_models else []
    held = _held(con, db, keyed, [*kept, SOURCE_FILE])
    _prepare(con, q, lake_dir, new_partitions, held, kept)
    # the context's rows are read from the lake once: the staging model and the ticket model each read them
    files_read, files = _context_source(con, q, lake_dir, new_partitions)
    touched, new, cut_off = con.execute(
        "SELECT (SELECT count(*) FROM touched_ticket), (SELECT count(*) FROM new_ticket), (SELECT count(*) FROM cut_off_row)"
    ).fetchall()[0]

    # the touched tickets' rows: each ticket model run again over them and their context (every version of a
    # re-exported one), its rows for the touched tickets put in place of theirs; in KEYS_FROM, also the rows of
    # cut_off_row with their cut-off figures computed again
    con.execute("CREATE OR REPLACE TEMP VIEW src_hotline_ticket AS SELECT * FROM context_source")
    for m in ticket_models:
        shadows = [o for o in ticket_models if o != m]
        for o in shadows:  # each other ticket model's rows of the context, as they are now
            rows = f"SELECT * FROM context__{o}" if o in held else f"SELECT * FROM {q}.main.{o} SEMI JOIN context_ticket USING (ticket_id)"
            con.execute(f"CREATE TEMP VIEW {o} AS {rows}")
        con.execute(f"CREATE TEMP TABLE {m}__delta AS SELECT * FROM {q}.main.{m} LIMIT 0")
        con.execute(_into_delta(models.discover()[m].read_text(encoding="utf-8"), m))
        for o in shadows:
            con.execute(f"DROP VIEW temp.main.{o}")
        now = f"SELECT * FROM {m}__delta SEMI JOIN touched_ticket USING (ticket_id)"
        if m == KEYS_FROM:
            _cut_off_rows(con, q, held)
            now += " UNION ALL BY NAME SELECT * FROM cut_off__delta"
            _delete_loaded_touched(con, q)
        elif touched > new:  # a new ticket has no row yet: with no loaded ticket touched, nothing to delete
            con.execute(f"DELETE FROM {q}.main.{m} WHERE ticket_id IN (SELECT ticket_id FROM touched_ticket)")
        if m in held:  # its context rows as they are now, for the ticket models after it
            con.execute(f"DELETE FROM context__{m} WHERE ticket_id IN (SELECT ticket_id FROM touched_ticket)")
            con.execute(
                f"INSERT INTO context__{m} BY NAME SELECT {', '.join(held[m])} FROM {m}__delta SEMI JOIN touched_ticket USING (ticket_id)"
            )
        con.execute(f"INSERT INTO {q}.main.{m} BY NAME {now}")
        if m == KEYS_FROM and group_models:  # the rows now, of both kinds: from the deltas (a scan of 10 M saved)
            con.execute(f"CREATE TEMP TABLE touched_after AS SELECT {', '.join(kept)} FROM ({now})")
        if m == KEYS_FROM:
            con.execute("DROP TABLE cut_off__delta")
        con.execute(f"DROP TABLE {m}__delta")
    con.execute("DROP TABLE IF EXISTS temp.main.hotline_reexported")  # the staging model's helper
    con.execute(f"CREATE OR REPLACE TEMP VIEW src_hotline_ticket AS SELECT * FROM {source}")  # the lake again, for the rest
    con.execute("DROP TABLE context_source")
    for o in held:
        con.execute(f"DROP TABLE context__{o}")

    # each aggregate's touched groups aggregated again
    for m in group_models:
        cols = keyed[m]
        if m in by_change:  # the groups of the rows that changed in what it reads, before or after
            differs = " OR ".join(f"b.{c} IS DISTINCT FROM a.{c}" for c in by_change[m])
            con.execute(CHANGED_GROUPS.format(model=m, keys=", ".join(cols), differs=differs))
        else:
            con.execute(f"CREATE TEMP TABLE touched__{m} AS SELECT DISTINCT {', '.join(cols)} FROM touched_before "
                        f"UNION SELECT DISTINCT {', '.join(cols)} FROM touched_after")  # fmt: skip
        same = " AND ".join(f"x.{c} IS NOT DISTINCT FROM k.{c}" for c in cols)
        con.execute(f"DELETE FROM {q}.main.{m} x WHERE EXISTS (SELECT 1 FROM touched__{m} k WHERE {same})")
        # the ticket models it reads, narrowed to the touched groups (they all carry the key columns)
        shadows = sorted(models.dependencies()[m] & set(ticket_models))
        for o in shadows:
            con.execute(f"CREATE TEMP VIEW {o} AS SELECT x.* FROM {q}.main.{o} x SEMI JOIN touched__{m} k ON {same}")
        con.execute(_as_insert(models.discover()[m].read_text(encoding="utf-8"), m, f"{q}.main.{m}"))
        for o in shadows:
            con.execute(f"DROP VIEW temp.main.{o}")
    if group_models:
        con.execute("DROP TABLE touched_before; DROP TABLE touched_after")
    con.execute("DROP TABLE cut_off_row; DROP TABLE loaded_touched_id")
    return {
        "touched_tickets": touched,
        "cut_off_tickets": cut_off,
        "new_files": len(new_partitions),
        "files_read": files_read,
        "files": files,
    }


def rebuild_rest(con) -> None:
    """Every model patch() does not maintain, built again in full (all read small tables, or hotline_ticket once)."""
    db = con.execute("SELECT current_database()").fetchone()[0]
    keyed = marked()
    rest = [m for m in models.order() if m not in keyed]
    for m in reversed(rest):
        _drop(con, db, m)
    for m in rest:
        con.execute(models.discover()[m].read_text(encoding="utf-8"))
