"""The one result every extractor returns for one inbox file: the lake tables it yields, where they are
staged, and how its rows fared (for the run log, `python -m etl inspect` and 数据状态)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from etl import lake

# the reject reason of a time later than the run's: the one outcome of reading a file that depends on when it is read
FUTURE_REASON = "时间晚于本次运行时刻（未来日期）"


@dataclass
class Extraction:
    source: str  # the file's name
    dataset: str  # the lake dataset it is staged to: gazette, hotline, indicator, concession
    partition: str  # the lake partition: issue=YYYY-MM for a gazette, one per file name for an export
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)  # lake table -> rows
    rows_in: int = 0  # data rows read (text lines, for a gazette)
    rows_loaded: int = 0
    rows_rejected: int = 0
    summary: str = ""  # one line, in Chinese, for the run log
    issue: str = ""  # a gazette's issue (YYYY-MM)

    @property
    def depends_on_run_time(self) -> bool:
        """Rows were rejected as later than the run's time: a later run may load them."""
        return "rejects" in self.tables and bool((self.tables["rejects"]["reason"] == FUTURE_REASON).any())

    @property
    def problems(self) -> pl.DataFrame:
        """The rows a user must look at: rejected rows of an export, data-quality findings of a gazette."""
        return self.tables["rejects"] if "rejects" in self.tables else self.tables["dq_finding"]


def export(
    source: str,
    dataset: str,
    tables: dict[str, pl.DataFrame],
    loaded: str,
    rows_in: int,
    kind: str,
    unit: str = "行",
    note: str = "",
    loaded_rows: int | None = None,
) -> Extraction:
    """The result of a tabular export: one lake partition per file name; rows loaded are those of the table
    `loaded` (or loaded_rows, when the extractor wrote that table to its partition itself), rows rejected the
    distinct rows of `rejects` (a row can fail several checks)."""
    n = tables[loaded].height if loaded_rows is None else loaded_rows
    rejected = tables["rejects"]["row"].n_unique()
    summary = f"{kind}：载入 {n} {unit}，拒收 {rejected} 行{note}"
    return Extraction(source, dataset, lake.file_partition(source), tables, rows_in, n, rejected, summary)


@dataclass(frozen=True)
class Context:
    """What an extractor may need beyond its file: the run's time (later times are rejected), the salt of the
    caller key, the plan indicators loaded so far (this run's gazettes and the lake), and the run's staging folder
    (an extractor that writes a large table itself writes it to its partition there; None: return it)."""

    run_time: dt.datetime
    salt: str
    catalog: Callable[[], pl.DataFrame]
    staging: Path | None = None

    def partition_dir(self, dataset: str, source: str) -> Path | None:
        return self.staging / dataset / lake.file_partition(source) if self.staging is not None else None
