"""热点诉求: the problems callers raise, from 诉求内容 (masked at ingestion), for the hot and rising problems of each month
(warehouse model hot_problem).

Each ticket's content is cut into words by jieba (offline: its dictionary ships with the package, nothing is
downloaded) with a user dictionary of Qujing's places (reference/place_name.csv, county.csv) and hotline problem terms
(reference/hotline_terms.csv, kind problem). Its words of two characters or more, less stop words (kind stop), places
and counties, numbers and masked digits, are its candidates; its problem is the candidate problem term of the highest
priority, else the candidate rarest in jieba's dictionary (the most specific word; one unknown to it, rarest of all).
Segmentation is the costly step, so it runs once per export file: each ticket's problem is cached in the lake beside
the file's tickets (hotline_terms/<partition>/terms-<lexicon hash>-<content key>.parquet, one row per ticket) and a run segments
only files it has not seen, or all of them when the lexicon changes. Identical contents are segmented once.

Decided against character bigrams, measured on the demo: polars builds them far faster than jieba segments (about
16,000 contents a second on one core), but a template's bigrams all count alike, so cross-word pairs (区从, 始停) rank
with the real problem (停水); jieba's words name the problem."""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
from functools import cache
from pathlib import Path

import polars as pl

from warehouse import reference
from warehouse.paths import REFERENCE_DIR

log = logging.getLogger(__name__)

DATASET = "hotline_terms"
CACHE_PREFIX = "terms-"  # terms-<lexicon hash>-<content key>.parquet, one per export file
MIN_LENGTH = 2
KEEP = re.compile(r"[\u4e00-\u9fff]")  # at least one Chinese character (no digits, masks or punctuation alone)


@cache
def _lexicon() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(problem terms, stop words, places and counties)."""
    terms = reference.load("hotline_terms")
    places = set(reference.load("place_name")["place"]) | set(reference.counties()["county_name"])
    places |= set(reference.county_aliases()["alias"])
    kind = {k: frozenset(terms.filter(pl.col("kind") == k)["term"]) for k in ("problem", "stop")}
    return kind["problem"], kind["stop"], frozenset(places)


@cache
def lexicon_hash() -> str:
    """Changes when a file the segmentation reads changes: the cached terms are then recomputed."""
    h = hashlib.sha1()
    for name in ("hotline_terms", "place_name", "county", "county_alias"):
        h.update((REFERENCE_DIR / f"{name}.csv").read_bytes())
    return h.hexdigest()[:10]


@cache
def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    t = jieba.Tokenizer()
    problems, _, places = _lexicon()
    for word in sorted(problems | places):  # one unit each, whatever the built-in dictionary would split
        t.add_word(word, freq=100_000)
    return t


@cache
def _priority() -> dict[str, int]:
    terms = reference.load("hotline_terms").filter(pl.col("kind") == "problem")
    return dict(zip(terms["term"], terms["priority"], strict=True))


def warm_up() -> None:
    """Loads the tokenizer ahead (publish.start runs it in a thread while the inbox is read)."""
    _tokenizer()


def candidates(text: str) -> list[str]:
    """A content's words that may name its problem."""
    _, stop, places = _lexicon()
    return sorted({w for w in _tokenizer().lcut(text) if len(w) >= MIN_LENGTH and KEEP.search(w) and w not in stop and w not in places})


def problem(text: str) -> str | None:
    """The word naming a content's problem: its problem term of the highest priority, else its rarest word."""
    words = candidates(text)
    if not words:
        return None
    priority, freq = _priority(), _tokenizer().FREQ
    listed = [w for w in words if w in priority]
    if listed:
        return min(listed, key=priority.__getitem__)
    return min(words, key=lambda w: (freq.get(w, 0), w))


def segment(contents: pl.Series) -> pl.Series:
    """Each content's problem (str, None where no word names one); identical contents are segmented once."""
    unique = contents.drop_nulls().unique()
    cut = pl.DataFrame({"content": unique, "term": [problem(x) for x in unique.to_list()]}, schema={"content": pl.Utf8, "term": pl.Utf8})
    return pl.DataFrame({"content": contents}).join(cut, on="content", how="left", maintain_order="left")["term"]


def _content_key(df: pl.DataFrame) -> str:
    """Identifies a file's tickets and contents: every run rewrites the lake's ticket files, so their times say nothing."""
    return hashlib.sha1(df.select("ticket_id", "content").hash_rows(seed=0).to_numpy().tobytes()).hexdigest()[:12]


def refresh(lake_dir: Path, only: list[str] | None = None) -> tuple[int, int]:
    """Segment the export files whose problems are not cached (under this lexicon, for these contents); drop the
    problems of files no longer in the lake. Returns (files segmented, files cached). only: just these partitions
    (an incremental publish: the others and the lexicon are unchanged, so their cache stands)."""
    tickets_root, terms_root = lake_dir / "hotline", lake_dir / DATASET
    partitions = {p.parent.name: p for p in tickets_root.glob("*/tickets.parquet") if only is None or p.parent.name in only}
    done = 0
    for partition, tickets in sorted(partitions.items()):
        df = pl.read_parquet(tickets, columns=["ticket_id", "source_file", "content"])
        target = terms_root / partition / f"{CACHE_PREFIX}{lexicon_hash()}-{_content_key(df)}.parquet"
        if target.exists():
            continue
        out = df.select("ticket_id", "source_file", segment(df["content"]).alias("term")).drop_nulls("term")
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        out.write_parquet(tmp)
        tmp.replace(target)
        for old in target.parent.glob(f"{CACHE_PREFIX}*.parquet"):
            if old.name != target.name:
                old.unlink()
        done += 1
    if terms_root.exists() and only is None:
        for stale in terms_root.iterdir():
            if stale.name not in partitions:
                shutil.rmtree(stale, ignore_errors=True)
    return done, len(partitions) - done


def load(con, lake_dir: Path, only: list[str] | None = None) -> None:
    """hotline_problem_version: every ticket version's problem (the model hotline_ticket_problem keeps the latest's);
    only: just the problems of these partitions (an incremental publish keeps the others')."""
    from etl.publish import INSERT_FROM_PARQUET

    done, cached = refresh(lake_dir, only)
    files = [str(f) for f in sorted((lake_dir / DATASET).glob(f"*/{CACHE_PREFIX}*.parquet")) if only is None or f.parent.name in only]
    if files:
        # on one thread: a parallel insert leaves partly filled row groups (135 for 82 at 10 M), and DuckDB 2.0 merges a
        # few of them at every later checkpoint, about 1 s each at 10 M, incremental publishes included
        threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
        con.execute("SET threads = 1")
        try:
            con.execute(INSERT_FROM_PARQUET.format(table="hotline_problem_version"), [files])
        finally:
            con.execute(f"SET threads = {int(threads)}")
    log.info("hot topics: %d export files segmented, %d from the lake's cache", done, cached)
