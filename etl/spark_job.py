"""The hotline aggregates built by Apache Spark from the lake (docs/SCALE.md): the path beyond one machine.

`python -m etl.spark_job --lake lake --db data/warehouse.duckdb --out DIR` reads the lake's ticket files where they
lie, the calendar and the cut-off of a published warehouse, and the rules from warehouse/reference, runs
warehouse/spark/hotline_aggregates.sql, and writes hotline_cube and hotline_dept_score as Parquet to DIR. Here Spark
runs in local mode; on a cluster the same job runs with a master URL (`--master`) and a shared lake path.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import duckdb

from warehouse.paths import REFERENCE_DIR, WAREHOUSE_DIR

SQL = WAREHOUSE_DIR / "spark" / "hotline_aggregates.sql"
OUTPUTS = ("hotline_cube", "hotline_dept_score")


def session(master: str = "local[2]"):
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName("qujing-hotline-aggregates")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )


def statements(sql: str) -> list[str]:
    body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in body.split(";") if s.strip()]


def build(spark, lake_dir: Path, db: Path, out: Path) -> dict[str, Path]:
    """Runs the aggregates; returns table -> Parquet folder."""
    with tempfile.TemporaryDirectory() as tmp:
        # the calendar and the cut-off the warehouse was built with (a cluster would read them from shared storage)
        con = duckdb.connect(str(db), read_only=True)
        try:
            con.execute(f"COPY calendar TO '{Path(tmp) / 'calendar.parquet'}' (FORMAT parquet)")
            as_of = con.execute("SELECT value FROM warehouse_info WHERE key = 'hotline_as_of'").fetchone()[0]
        finally:
            con.close()
        spark.read.parquet(str(lake_dir / "hotline" / "*" / "tickets.parquet")).createOrReplaceTempView("tickets")
        spark.read.parquet(str(Path(tmp) / "calendar.parquet")).createOrReplaceTempView("calendar")
        for view, name in (("hotline_rule", "hotline_rules"), ("hotline_setting", "hotline_settings")):
            spark.read.option("header", True).option("inferSchema", True).csv(str(REFERENCE_DIR / f"{name}.csv")).createOrReplaceTempView(
                view
            )
        spark.sql(f"SELECT CAST('{as_of}' AS TIMESTAMP_NTZ) AS as_of").createOrReplaceTempView("cut_off")
        for statement in statements(SQL.read_text(encoding="utf-8")):
            spark.sql(statement)
        written = {}
        for table in OUTPUTS:
            written[table] = out / table
            spark.table(table).write.mode("overwrite").parquet(str(written[table]))
        return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m etl.spark_job")
    ap.add_argument("--lake", required=True)
    ap.add_argument("--db", required=True, help="a published warehouse: its calendar and data cut-off")
    ap.add_argument("--out", required=True)
    ap.add_argument("--master", default="local[2]")
    args = ap.parse_args(argv)
    spark = session(args.master)
    try:
        for table, path in build(spark, Path(args.lake), Path(args.db), Path(args.out)).items():
            print(f"{table}: {path}")
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
