"""Table contracts and models: the extractors' polars schemas agree with warehouse/schema.sql, the README's
table reference is generated from it and current, and the models build in an order derived from their SQL."""

from __future__ import annotations

import polars as pl
import pytest

from etl import models
from etl.pipeline import RUN_SCHEMA
from etl.sources import concession, hotline, indicator, tabular
from etl.sources.gazette import SCHEMAS as GAZETTE_SCHEMAS
from etl.sources.gazette.checks import FINDING_SCHEMA
from warehouse import contract

# the DuckDB types a polars column may be loaded into (INSERT … BY NAME casts integers to the declared width)
COMPATIBLE = {
    pl.Utf8: {"VARCHAR"},
    pl.Boolean: {"BOOLEAN"},
    pl.Date: {"DATE"},
    pl.Datetime("us"): {"TIMESTAMP"},
    pl.Float64: {"DOUBLE", "DECIMAL(14, 2)"},
    pl.Int32: {"INTEGER", "BIGINT"},
    pl.Int64: {"INTEGER", "BIGINT"},
    pl.UInt32: {"INTEGER", "BIGINT"},
    pl.UInt64: {"UBIGINT"},
    pl.List(pl.Utf8): {"VARCHAR[]"},
    pl.List(pl.Int32): {"INTEGER[]"},
}
EXTRACTED = {
    "hotline_ticket_version": hotline.TICKET_SCHEMA,
    "hotline_reject": tabular.REJECT_SCHEMA,
    "concession_sheet_version": concession.SHEET_SCHEMA,
    "concession_score_version": concession.SCORE_SCHEMA,
    "concession_reject": tabular.REJECT_SCHEMA,
    "indicator_actual_version": indicator.ACTUAL_SCHEMA,
    "indicator_reject": tabular.REJECT_SCHEMA,
    "etl_run": RUN_SCHEMA,
    **GAZETTE_SCHEMAS,
}


@pytest.mark.parametrize("table", sorted(EXTRACTED))
def test_extractor_schema_matches_the_declared_table(table):
    declared = {c.name: c.type for c in contract.declared()[table]}
    schema = EXTRACTED[table]
    assert [c for c in schema if c not in declared] == [], f"{table}: columns the DDL lacks"
    wrong = {c: (str(t), declared[c]) for c, t in schema.items() if declared[c] not in COMPATIBLE[t]}
    assert wrong == {}


def test_findings_match_the_declared_table():
    declared = {c.name for c in contract.declared()["dq_finding"]}
    assert set(FINDING_SCHEMA) <= declared


def test_every_declared_column_of_a_loaded_table_says_what_it_is_or_is_plain():
    """schema.sql declares every loaded table; the parser sees all of them (a table it missed would vanish from
    the README's reference)."""
    text = contract.SCHEMA_FILE.read_text(encoding="utf-8")
    assert text.count("CREATE TABLE ") == len(contract.declared())
    assert all(cols for cols in contract.declared().values())


def test_readme_reference_is_generated_and_current(warehouse):
    assert contract.README.read_text(encoding="utf-8") == contract.readme_with_reference(warehouse), (
        "warehouse/README.md is stale: run `python -m warehouse.contract --readme <a built warehouse>`"
    )


def test_models_are_one_relation_per_file_named_like_the_file():
    import re

    for name, path in models.discover().items():
        created = re.findall(r"^CREATE (?:TABLE|VIEW|MACRO) (\w+)", path.read_text(encoding="utf-8"), flags=re.M)
        inserts = re.findall(r"^INSERT INTO (\w+)", path.read_text(encoding="utf-8"), flags=re.M)
        assert created == [name] or (not created and inserts), path


def test_build_order_follows_the_references():
    order = models.order()
    position = {name: i for i, name in enumerate(order)}
    for name, deps in models.dependencies().items():
        assert all(position[d] < position[name] for d in deps), name
    # by construction of the SQL: tickets before their aggregates, the catalogue before the macro that reads it
    assert position["hotline_ticket_version"] < position["hotline_ticket"] < position["hotline_cube"]
    assert position["plan_catalog"] < position["plan_or_latest"]
    assert position["concession_setting_value"] < position["concession_result"]


def test_a_cycle_is_refused_with_the_models_named(tmp_path, monkeypatch):
    for layer in models.LAYERS:
        (tmp_path / layer).mkdir()
    (tmp_path / "marts" / "a.sql").write_text("CREATE VIEW a AS SELECT * FROM b;", encoding="utf-8")
    (tmp_path / "marts" / "b.sql").write_text("CREATE VIEW b AS SELECT * FROM a;", encoding="utf-8")
    monkeypatch.setattr(models, "MODELS_DIR", tmp_path)
    for f in (models.discover, models.dependencies, models.order):
        f.cache_clear()
    try:
        with pytest.raises(ValueError, match="cycle"):
            models.order()
    finally:
        for f in (models.discover, models.dependencies, models.order):
            f.cache_clear()


def test_one_decoder_for_every_text_input():
    """The gazette, the tabular exports and a rejected file's description all decode through
    etl.sources.encoding; no other module calls bytes.decode on input with an encoding of its own."""
    import re

    from tests.conftest import ROOT

    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "etl").rglob("*.py")
        if p.name != "encoding.py" and re.search(r'\.decode\("(utf-8-sig|gb18030)"', p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_checks_sit_beside_what_they_check():
    """A check file is <model>.check.sql next to its model, or schema.check.sql next to the DDL; every check
    is named once, and names a relation its file is about."""
    import re

    files = models.check_files()
    assert files[0] == models.SCHEMA_CHECKS and len(files) > 1
    stray = [
        p for p in models.MODELS_DIR.rglob(f"*{models.CHECK_SUFFIX}") if p.name.removesuffix(models.CHECK_SUFFIX) not in models.discover()
    ]
    assert stray == []
    names = [name for name, _ in models.checks()]
    assert len(names) == len(set(names)) and "calendar_is_contiguous" in names and "department_is_unique" in names
    for path in files[1:]:
        model = path.name.removesuffix(models.CHECK_SUFFIX)
        for query in re.split(r"^-- check:.*$", path.read_text(encoding="utf-8"), flags=re.M)[1:]:
            assert re.search(rf"\b{model}\b", query), (path, query)


def test_a_failing_check_beside_a_model_stops_the_publish(tmp_path, monkeypatch):
    """department.check.sql refuses a department listed twice: the check runs on the built warehouse."""
    import duckdb

    from etl import publish

    con = duckdb.connect()
    con.execute("CREATE TABLE department AS SELECT * FROM (VALUES ('市甲局'), ('市甲局')) t(department)")
    every = models.checks()
    monkeypatch.setattr(models, "checks", lambda: [c for c in every if c[0] == "department_is_unique"])
    with pytest.raises(publish.CheckFailed, match="department_is_unique: 1 row"):
        publish.run_checks(con)


def test_a_column_meaning_is_written_once(warehouse):
    """The README's prose names tables and rules; the columns and their meanings are generated (schema.sql for a
    loaded table, the model's '-- columns:' block for a derived one), never listed by hand a second time."""
    import re

    prose = contract.README.read_text(encoding="utf-8").partition(contract.BEGIN)[0]
    listed = re.findall(r"^- `(\w+)`", prose, flags=re.M)
    tables = set(contract.declared()) | {p.stem for p in contract.MODELS_DIR.glob("*/*.sql")}
    assert [t for t in listed if t not in tables] == []  # a bullet names a table, never a column
    # every column a model's file documents is a column of the model as built
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        built = {}
        for t, c in con.execute("SELECT table_name, column_name FROM information_schema.columns").fetchall():
            built.setdefault(t, set()).add(c)
    finally:
        con.close()
    for model, cols in contract.model_columns().items():
        assert set(cols) <= built[model], (model, set(cols) - built[model])
