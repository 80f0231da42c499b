"""Header and value canonicalisation for every tabular source, read from two reference files an operator edits:

- warehouse/reference/header_alias.csv (source, column, alias, standard, note): each header a platform
  exports, mapped to the canonical column; the row marked standard is the header of the template and of
  the messages;
- warehouse/reference/value_alias.csv (source, column, alias, value): a value as a platform spells it,
  mapped to the spelling the rules use.

Headers are compared trimmed (and without a BOM); ASCII headers without regard to case."""

from __future__ import annotations

import difflib

import polars as pl

from warehouse import reference


class DuplicateColumn(ValueError):
    """Two headers of one file mean the same column."""


def fold(header: str) -> str:
    h = header.strip().lstrip("\ufeff").strip()
    return h.lower() if h.isascii() else h


def _table(source: str) -> pl.DataFrame:
    df = reference.load("header_alias").filter(pl.col("source") == source)
    if df.is_empty():
        raise KeyError(f"header_alias.csv has no rows for source {source!r}")
    return df


def aliases(source: str) -> dict[str, str]:
    """Every accepted header (folded) -> canonical column."""
    return {fold(a): c for c, a in _table(source).select("column", "alias").iter_rows()}


def standard(source: str) -> dict[str, str]:
    """Canonical column -> its standard header, in the order of the file (the template's column order)."""
    df = _table(source).filter(pl.col("standard") == "true")
    return dict(df.select("column", "alias").iter_rows())


def lookup(header: str, source: str) -> str | None:
    return aliases(source).get(fold(header))


def columns(headers: list[str], source: str) -> tuple[dict[str, str], list[str]]:
    """(header -> canonical column, headers that map to nothing). Two headers meaning one column raise
    DuplicateColumn: which one holds the data cannot be guessed."""
    known = aliases(source)
    rename: dict[str, str] = {}
    unmapped: list[str] = []
    for h in headers:
        canon = known.get(fold(h))
        if canon is None:
            unmapped.append(h)
        elif canon in rename.values():
            first = next(k for k, v in rename.items() if v == canon)
            raise DuplicateColumn(f"row 1: columns {first} and {h} both mean {standard(source).get(canon, canon)}; keep one of them")
        else:
            rename[h] = canon
    return rename, unmapped


def values(df: pl.DataFrame, source: str) -> pl.DataFrame:
    """Values respelled as the rules spell them (value_alias.csv), for the columns of df that have aliases."""
    table = reference.load("value_alias").filter(pl.col("source") == source)
    return df.with_columns(
        pl.col(c).str.strip_chars().replace(dict(table.filter(pl.col("column") == c).select("alias", "value").iter_rows()))
        for c in table["column"].unique(maintain_order=True)
        if c in df.columns
    )


# words export headers use for the same thing, folded before headers are compared for the operator's hint
_SAME_WORD = (("日期", "时间"), ("部门", "单位"), ("类别", "类型"), ("号码", "电话"))


def closest(header: str, source: str) -> list[str]:
    """The standard headers nearest to an unknown one, best first (at most two), for the operator's message."""

    def near(text: str) -> str:
        for a, b in _SAME_WORD:
            text = text.replace(a, b)
        return text.lower()

    best: dict[str, float] = {}
    for alias, canon in aliases(source).items():
        score = difflib.SequenceMatcher(None, near(header), near(alias)).ratio()
        best[canon] = max(best.get(canon, 0.0), score)
    order = list(standard(source))
    ranked = sorted((c for c, s in best.items() if s >= 0.5), key=lambda c: (-best[c], order.index(c) if c in order else len(order)))
    return [standard(source)[c] for c in ranked[:2] if c in standard(source)]


def describe_unmapped(headers: list[str], source: str) -> str:
    return "、".join(f"{h}（最接近：{'、'.join(closest(h, source)) or '无'}）" for h in headers)


def county_known(expr: pl.Expr) -> pl.Expr:
    """True where the text is a county name or alias (county_alias.csv: 宣威, 沾益县, 全市 …)."""
    return expr.is_in(reference.county_aliases()["alias"].to_list())


def county_key(expr: pl.Expr) -> pl.Expr:
    """A county name or alias -> the county's key (NULL when unknown)."""
    aliases = reference.county_aliases()
    return expr.replace_strict(aliases["alias"], aliases["county_key"], default=None, return_dtype=pl.Utf8)


def county_name(expr: pl.Expr) -> pl.Expr:
    """A county name or alias -> its official name (NULL when unknown)."""
    names = reference.counties()
    return county_key(expr).replace_strict(names["county_key"], names["county_name"], default=None, return_dtype=pl.Utf8)
