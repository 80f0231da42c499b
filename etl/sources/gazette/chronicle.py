"""大事记: one row per dated entry, with the leaders and counties it names and an event type.

Entries start with a date: '1日，', '1日—2日，', '2—3日', '30日至9月1日' (across a month end), '8月5日'; half- or
full-width, after a list marker or not ('- ', '·', '1.', '（一）'). A line without a date continues the entry above
it (the print layout breaks paragraphs at page ends, sometimes mid-word, so the pieces are joined without a
separator); a page number line ('- 23 -') is dropped. Year and month come from the issue and the month heading
('8月份', '8月', '2022年8月').
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

from etl.sources.gazette.text import Line
from warehouse import reference

_MONTH = re.compile(r"^(?:\d{4}年)?(\d{1,2})月份?$")
# after NFKC (full-width digits and punctuation folded): a list marker, then the date
_MARKER = r"^(?:[-·•●▪*]\s*|\(?[一二三四五六七八九十]+\)\s*|[一二三四五六七八九十]+、\s*|\d{1,3}[.、]\s*)?"
_DATE = (
    r"(?:(?P<m1>\d{1,2})月)?(?P<d1>\d{1,2})"
    r"(?:日(?:\s*(?:[—–~-]+|至|到)\s*(?:(?P<m2>\d{1,2})月)?(?P<d2>\d{1,2})日)?|\s*(?:[—–~-]+|至|到)\s*(?P<d3>\d{1,2})日)"
    r"\s*[,，、:：]?\s*"
)
_PAGE_NUMBER = r"^[-—–]\s*\d{1,3}\s*[-—–]$"
NAME = r"[\u4e00-\u9fff]{2,3}?"
# Words that follow a leader's name in this text; a name is 2–3 characters and must be followed by one.
_AFTER_NAME = (
    r"(?=[，。、；,;：:（(]|到|在|参加|主持|陪同|专题|率|出席|列席|调研|督导|检查|拜访|拜会|看望|调度|组织|作|带领|上午|下午|"
    r"与|等|应邀|见证|回访|汇报|听取|$)"
)
_NOT_A_NAME = re.compile(r"^(参|出|列|主|到|在|陪|专|率|调|督|检|拜|看|组|作|带|上|下|与|等|应|见|回|汇|听)|[会议市委省]")


def _heading(text: str) -> str:
    return re.sub(r"[\s【】\[\]]", "", unicodedata.normalize("NFKC", text))


def chronicle_start(lines: list[Line]) -> int | None:
    """Index of the '大事记' heading ('大 事 记', '【大事记】', '曲靖市大事记') that is followed by a month heading
    (the table of contents names it too, without one)."""
    for i, ln in enumerate(lines):
        heading = _heading(ln.text)
        if not (heading.endswith("大事记") and len(heading) <= 12):
            continue
        nxt = next((x for x in lines[i + 1 : i + 6] if x.text.strip()), None)
        if nxt is not None and _MONTH.match(_heading(nxt.text)):
            return i
    return None


def parse_events(lines: list[Line], start: int, issue: str, year: int, issue_month: int) -> tuple[pl.DataFrame, list]:
    df = pl.DataFrame(
        {"line_no": [ln.no for ln in lines[start + 1 :]], "raw": [ln.text.strip() for ln in lines[start + 1 :]]},
        schema={"line_no": pl.Int64, "raw": pl.Utf8},
    ).filter(pl.col("raw") != "")
    norm = pl.col("raw").str.normalize("NFKC").str.strip_chars()
    df = df.with_columns(norm=norm).filter(~pl.col("norm").str.contains(_PAGE_NUMBER))
    month_of = pl.col("norm").str.replace_all(r"\s", "").str.extract(_MONTH.pattern, 1).cast(pl.Int32)
    df = df.with_columns(month=month_of.forward_fill(), is_month=month_of.is_not_null())
    unread = df.filter(pl.col("month").is_null())
    df = df.filter(pl.col("month").is_not_null() & ~pl.col("is_month"))
    prefix = pl.col("norm").str.extract(f"({_MARKER}{_DATE})", 1)
    date = pl.col("norm").str.extract_groups(f"{_MARKER}{_DATE}")
    df = df.with_columns(prefix=prefix, date=date).unnest("date")
    df = df.with_columns(
        d1=pl.col("d1").cast(pl.Int32),
        m1=pl.col("m1").cast(pl.Int32),
        m2=pl.col("m2").cast(pl.Int32),
        d2=pl.coalesce("d2", "d3").cast(pl.Int32),
        # the text after the date, from the line as printed (NFKC keeps the prefix's length: digits, marks, dashes)
        body=pl.when(pl.col("prefix").is_not_null())
        .then(pl.col("raw").str.slice(pl.col("prefix").str.len_chars()))
        .otherwise(pl.col("raw")),
    ).with_columns(entry=pl.col("d1").is_not_null().cum_sum())
    unread = pl.concat([unread.select("line_no", "raw"), df.filter(pl.col("entry") == 0).select("line_no", "raw")])
    events = (
        df.filter(pl.col("entry") > 0)
        .group_by("entry", maintain_order=True)
        .agg(
            pl.coalesce(pl.col("m1").first(), pl.col("month").first()).alias("month"),
            pl.col("d1").first(),
            pl.col("m2").first(),
            pl.col("d2").first(),
            pl.col("body").str.join(""),
            pl.col("line_no").first().alias("source_line"),
            pl.len().alias("pieces"),
        )
        # a chronicle printed in an issue covers that month or earlier: a later month is last year's
        .with_columns(year=pl.when(pl.col("month") > issue_month).then(year - 1).otherwise(year))
        .with_columns(end_month=pl.coalesce("m2", "month"))
        .with_columns(
            event_id=pl.format("{}-{}", pl.lit(issue), pl.col("entry").cast(pl.Utf8).str.zfill(3)),
            issue=pl.lit(issue),
            date_start=pl.date(pl.col("year"), pl.col("month"), pl.col("d1")),
            # a range across a month end ('30日至9月1日'), and across a year end
            date_end=pl.date(
                pl.col("year") + (pl.col("end_month") < pl.col("month")).cast(pl.Int32), pl.col("end_month"), pl.coalesce("d2", "d1")
            ),
            text=pl.col("body").str.strip_chars(),
        )
    )
    return events, unread.rows()


def _line_findings(rows: pl.DataFrame, source: str, check: str, message: pl.Expr) -> pl.DataFrame:
    """One warning finding per row (its source_line), in dq_finding's columns."""
    return rows.select(
        domain=pl.lit("chronicle"),
        source=pl.lit(source),
        location=pl.format("line {}", "source_line"),
        printed=pl.lit(None, pl.Float64),
        computed=pl.lit(None, pl.Float64),
        difference=pl.lit(None, pl.Float64),
        severity=pl.lit("warning"),
        check_name=pl.lit(check),
        message=message,
    )


def backwards_dates(events: pl.DataFrame, source: str) -> pl.DataFrame:
    """Entries dated before the entry printed above them: a misprint, or a line read as the wrong entry."""
    back = events.sort("source_line").with_columns(prev=pl.col("date_start").shift(1)).filter(pl.col("date_start") < pl.col("prev"))
    message = pl.format("大事记日期倒退（{} 早于上一条的 {}）：{}", "date_start", "prev", pl.col("text").str.slice(0, 60))
    return _line_findings(back, source, "chronicle_date_backwards", message)


def without_leader(events: pl.DataFrame, leaders: pl.DataFrame, source: str) -> pl.DataFrame:
    """Entries that name no rostered leader: worth a look (a leader named in a form the roster does not know)."""
    alone = events.filter(~pl.col("event_id").is_in(leaders["event_id"].implode()))
    return _line_findings(
        alone, source, "chronicle_no_leader", pl.format("大事记条目未提及任何市领导：{}", pl.col("text").str.slice(0, 60))
    )


def drop_repeats(events: pl.DataFrame, source: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """An event printed twice (same dates, same text: a chronicle set twice in one issue) is kept once; each
    repeat becomes a warning finding naming its line and the line it repeats."""
    key = ["date_start", "date_end", "text"]
    events = events.with_columns(__first=pl.col("source_line").min().over(key))
    repeats = events.filter(pl.col("source_line") != pl.col("__first"))
    message = pl.format("大事记条目重复（与第 {} 行相同），只保留一条：{}", "__first", pl.col("text").str.slice(0, 60))
    findings = _line_findings(repeats, source, "chronicle_repeat", message)
    return events.filter(pl.col("source_line") == pl.col("__first")).drop("__first"), findings


def derive_roster(texts: list[str]) -> pl.DataFrame:
    """City leaders named with a city title: '副市长吴静', '市委副书记、市长李先祥', '刘本芳副市长',
    '副市长刘本芳、普利锋'. Returns leader, title (the one printed most often), mentions."""
    titles = reference.load("leader_title").sort("rank")
    alternatives = "|".join(sorted((re.escape(t) for t in titles["title"]), key=len, reverse=True))
    after_title = re.compile(rf"({alternatives})({NAME}){_AFTER_NAME}")
    before_title = re.compile(r"(?:^|(?<=[，。；、,;]))([\u4e00-\u9fff]{2,3})(副市长|市长)")
    enum_next = re.compile(rf"、({NAME}){_AFTER_NAME}")
    # a leader title, then another post, then the name: '副市长、市公安局局长王某某'
    title_then_post = re.compile(
        rf"({alternatives})、[\u4e00-\u9fff]{{2,14}}?(?:局长|主任|书记|部长|院长|检察长|政委|司令员)({NAME}){_AFTER_NAME}"
    )
    found: list[tuple[str, str]] = []
    for text in texts:
        for m in after_title.finditer(text):
            if _NOT_A_NAME.search(m.group(2)):
                continue
            found.append((m.group(2), m.group(1)))
            pos = m.end()
            while (n := enum_next.match(text, pos)) and not _is_title_start(n.group(1), titles):
                if _NOT_A_NAME.search(n.group(1)):
                    break
                found.append((n.group(1), m.group(1)))
                pos = n.end()
        for m in title_then_post.finditer(text):
            if not _NOT_A_NAME.search(m.group(2)):
                found.append((m.group(2), m.group(1)))
        for m in before_title.finditer(text):
            if not re.search(r"[市委常务副省长]", m.group(1)) and not _NOT_A_NAME.search(m.group(1)):
                found.append((m.group(1), m.group(2)))
    if not found:
        return pl.DataFrame(schema={"leader": pl.Utf8, "title": pl.Utf8, "mentions": pl.UInt32})
    df = pl.DataFrame(found, schema=["leader", "title"], orient="row")
    return (
        df.group_by("leader", "title")
        .len()
        .sort(["leader", "len", "title"], descending=[False, True, False])
        .group_by("leader", maintain_order=True)
        .agg(pl.col("title").first(), pl.col("len").sum().alias("mentions"))
    )


def _is_title_start(name: str, titles: pl.DataFrame) -> bool:
    return any(t.startswith(name) for t in titles["title"])


def event_links(events: pl.DataFrame, roster: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(events with event_type, event×leader, event×county)."""
    kw = reference.load("chronicle_event_type").sort("priority")
    type_expr = pl.lit("其他")
    for (etype,), group in reversed(list(kw.group_by("event_type", maintain_order=True))):
        type_expr = pl.when(pl.col("text").str.contains_any(group["keyword"].to_list())).then(pl.lit(etype)).otherwise(type_expr)
    events = events.with_columns(event_type=type_expr)

    leaders = _mentions(events, roster["leader"].to_list(), "leader")
    roster = roster.join(leaders.group_by("leader").agg(events=pl.len()), on="leader", how="left")
    aliases = reference.county_aliases(in_text_only=True)
    counties = (
        _mentions(events, aliases["alias"].to_list(), "alias")
        .join(aliases.select("alias", "county_key"), on="alias")
        .join(reference.counties().select("county_key", pl.col("county_name").alias("county")), on="county_key")
        .select("event_id", "county", "county_key")
        .unique(maintain_order=True)
    )
    return events, leaders, counties, roster


def _mentions(events: pl.DataFrame, patterns: list[str], name: str) -> pl.DataFrame:
    if not patterns:
        return pl.DataFrame(schema={"event_id": pl.Utf8, name: pl.Utf8})
    return (
        events.select("event_id", pl.col("text").str.extract_many(patterns, overlapping=True).alias(name))
        .explode(name)
        .drop_nulls(name)
        .unique(maintain_order=True)
    )
