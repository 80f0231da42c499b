"""Extractor for the monthly gazette (曲靖市人民政府公报), plain text.

Parses one issue into normalised tables; never hard-codes the issue's figures. Sections that an
issue does not carry (most issues have no plan) simply yield no rows.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from etl.sources.encoding import ENCODINGS, Undecodable, decode_text
from etl.sources.extraction import Extraction
from etl.sources.gazette import checks, chronicle, hotline_registry, personnel, plan
from etl.sources.gazette.documents import document_at, find_documents
from etl.sources.gazette.text import GazetteFormatError, compact, find_issue, read_lines

__all__ = ["GAZETTE_SECTIONS", "GazetteFormatError", "is_gazette", "parse_gazette"]

# The sections of an issue and the table each fills: a re-delivered issue that no longer yields one of them is
# refused rather than allowed to empty the table (etl.pipeline.lost_sections).
GAZETTE_SECTIONS = {
    "gazette_document": "公报文件",
    "plan_indicator": "规划专栏1 主要指标",
    "plan_project": "规划专栏2–10 项目",
    "plan_investment": "规划专栏11–16 投资",
    "hotline_line": "热线归并清单（附件1）",
    "personnel_change": "人事任免",
    "chronicle_event": "大事记",
}

SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "gazette_document": {
        "issue": pl.Utf8,
        "doc_no": pl.Utf8,
        "doc_type": pl.Utf8,
        "title": pl.Utf8,
        "issued_on": pl.Date,
        "source_line": pl.Int64,
    },
    "plan_indicator": {
        "issue": pl.Utf8,
        "seq": pl.Int64,
        "section": pl.Utf8,
        "name": pl.Utf8,
        "unit": pl.Utf8,
        "baseline_text": pl.Utf8,
        "target_text": pl.Utf8,
        "baseline_value": pl.Float64,
        "target_value": pl.Float64,
        "comparator": pl.Utf8,
        "binding": pl.Utf8,
        "baseline_year": pl.Int64,
        "target_year": pl.Int64,
        "unit_mixed": pl.Boolean,
        "doc_no": pl.Utf8,
        "source_line": pl.Int64,
    },
    "plan_investment": {
        "issue": pl.Utf8,
        "column_no": pl.Int64,
        "year": pl.Int64,
        "period_start": pl.Int64,
        "period_end": pl.Int64,
        "category_no": pl.Int64,
        "category": pl.Utf8,
        "source": pl.Utf8,
        "amount_wan": pl.Float64,
        "amount_text": pl.Utf8,
        "doc_no": pl.Utf8,
        "source_line": pl.Int64,
    },
    "plan_project": {
        "issue": pl.Utf8,
        "column_no": pl.Int64,
        "group_name": pl.Utf8,
        "subgroup": pl.Utf8,
        "item": pl.Utf8,
        "count": pl.Float64,
        "unit": pl.Utf8,
        "scale_text": pl.Utf8,
        "year": pl.Int64,
        "printed": pl.Utf8,
        "doc_no": pl.Utf8,
        "source_line": pl.Int64,
    },
    "hotline_line": {
        "issue": pl.Utf8,
        "group_seq": pl.Int64,
        "name": pl.Utf8,
        "numbers": pl.List(pl.Utf8),
        "numbers_text": pl.Utf8,
        "department": pl.Utf8,
        "merge_type": pl.Utf8,
        "note": pl.Utf8,
        "note_printed": pl.Boolean,
        "group_note": pl.Utf8,
        "doc_no": pl.Utf8,
        "source_line": pl.Int64,
    },
    "personnel_change": {
        "issue": pl.Utf8,
        "doc_no": pl.Utf8,
        "name": pl.Utf8,
        "action": pl.Utf8,
        "post": pl.Utf8,
        "text": pl.Utf8,
        "source_line": pl.Int64,
    },
    "chronicle_event": {
        "event_id": pl.Utf8,
        "issue": pl.Utf8,
        "date_start": pl.Date,
        "date_end": pl.Date,
        "text": pl.Utf8,
        "event_type": pl.Utf8,
        "pieces": pl.UInt32,
        "source_line": pl.Int64,
    },
    "chronicle_event_leader": {"event_id": pl.Utf8, "issue": pl.Utf8, "leader": pl.Utf8},
    "chronicle_event_county": {"event_id": pl.Utf8, "issue": pl.Utf8, "county": pl.Utf8, "county_key": pl.Utf8},
    "chronicle_leader": {"issue": pl.Utf8, "leader": pl.Utf8, "title": pl.Utf8, "mentions": pl.UInt32, "events": pl.UInt32},
    "dq_finding": {"issue": pl.Utf8, **checks.FINDING_SCHEMA},
}


def is_gazette(path: Path) -> bool:
    if path.suffix.lower() != ".txt":
        return False
    with open(path, "rb") as fh:  # the first bytes only: an inbox file can be huge or hostile
        head = fh.read(4000)
    return any("公报" in compact(head.decode(enc, errors="ignore")) for enc in ENCODINGS)


def decode(data: bytes, source: str) -> str:
    """The whole issue as text (etl.sources.encoding); an undecodable issue is a format error."""
    try:
        return decode_text(data, source)
    except Undecodable as e:
        raise GazetteFormatError(str(e)) from e


def parse_gazette(path: Path, known_leaders: pl.DataFrame | None = None) -> Extraction:
    """known_leaders (leader, title): the roster learnt from issues loaded before; an event that names one of them
    anywhere in its text is attributed to that leader, whatever the word order."""
    source = path.name
    raw = decode(path.read_bytes(), source)
    lines = read_lines(raw)
    year, month = find_issue(lines, source)
    issue = f"{year:04d}-{month:02d}"
    findings: list[dict] = []

    def unread(domain, items, reason):
        for item in items:
            no, text = item[0], item[1]
            findings.append(checks.unread_finding(source, domain, no, text, item[2] if len(item) > 2 else reason))

    chron_at = chronicle.chronicle_start(lines)
    body_end = chron_at if chron_at is not None else len(lines)
    docs = find_documents(lines, body_end)

    def doc_no(index: int) -> str | None:
        d = document_at(docs, index)
        return d.doc_no if d else None

    tables: dict[str, list[dict] | pl.DataFrame] = {}
    tables["gazette_document"] = [
        {"doc_no": d.doc_no, "doc_type": d.doc_type, "title": d.title, "issued_on": d.issued_on, "source_line": d.line_no} for d in docs
    ]

    # --- plan columns
    cols = plan.column_starts(lines, 0, body_end)
    indicators, projects, investment, text_figures = [], [], [], []
    for no, at in sorted(cols.items()):
        before = len(indicators) + len(projects) + len(investment)
        title = plan.column_title(lines[at])
        if "指标" in title and no == min(cols):
            rows, bad = plan.parse_indicators(lines, at)
            indicators += [{**r, "doc_no": doc_no(at)} for r in rows]
            unread("plan", bad, "专栏1 指标行无法解析")
        elif plan.investment_year(title):
            rows, bad = plan.parse_investment_table(lines, at, no)
            investment += [{**r, "doc_no": doc_no(at)} for r in rows]
            unread("plan", bad, "投资表行无法解析")
            fig = plan.investment_text_figures(lines, at)
            if fig:
                text_figures.append({"column_no": no, "line": fig[0], **fig[1]})
        elif "\t" in "".join(ln.text for ln in lines[at + 1 : at + 4]):
            projects += [{**r, "doc_no": doc_no(at)} for r in plan.parse_yearly_targets(lines, at, no)]
        else:
            projects += [{**r, "doc_no": doc_no(at)} for r in plan.parse_project_column(lines, at, no)]
        if len(indicators) + len(projects) + len(investment) == before:
            findings.append(_empty_section(source, "plan", lines[at], f"专栏{no}"))
    tables["plan_indicator"], tables["plan_project"], tables["plan_investment"] = indicators, projects, investment
    if indicators:
        findings += _indicator_count_findings(lines, cols, indicators, source)

    # --- hotline registry (附件1 of the hotline work plan)
    hl_rows, hl_findings, hl_bad = hotline_registry.parse_hotline_lines(lines[:body_end], source)
    tables["hotline_line"] = [{**r, "doc_no": doc_no(r["source_line"] - 1)} for r in hl_rows]
    findings += hl_findings
    unread("hotline", hl_bad, "归并清单行缺少名称、号码或责任单位")

    # --- personnel
    p_rows, p_bad, p_nopost = personnel.parse_personnel(lines, docs, source)
    tables["personnel_change"] = p_rows
    unread("personnel", p_bad, "任免行无法解析")
    findings += [checks.warning_finding(source, "personnel", no, text, "personnel_no_post", "任免行未写明职务") for no, text in p_nopost]
    for d in docs:
        if d.doc_type == "曲政任" and not any(r["doc_no"] == d.doc_no for r in p_rows):
            findings.append(_empty_section(source, "personnel", lines[d.start], f"人事任免 {d.doc_no}"))

    # --- chronicle
    frames = {k: _frame(k, v, issue) for k, v in tables.items()}
    if chron_at is not None:
        events, bad = chronicle.parse_events(lines, chron_at, issue, year, month)
        unread("chronicle", [(no, text) for no, text in bad], "大事记中不属于任何日期条目的行")
        events, chronicle_findings = chronicle.drop_repeats(events, source)
        chronicle_findings = pl.concat([chronicle_findings, chronicle.backwards_dates(events, source)])
        roster = chronicle.derive_roster(events["text"].to_list())
        if known_leaders is not None and known_leaders.height:
            learnt = known_leaders.select("leader", "title").unique("leader").filter(~pl.col("leader").is_in(roster["leader"].implode()))
            roster = pl.concat([roster, learnt.with_columns(mentions=pl.lit(0, pl.UInt32))])
        events, leaders, counties, roster = chronicle.event_links(events, roster)
        roster = roster.filter((pl.col("mentions") > 0) | (pl.col("events").fill_null(0) > 0))  # a learnt leader this issue never names
        chronicle_findings = pl.concat([chronicle_findings, chronicle.without_leader(events, leaders, source)])
        if events.is_empty():
            findings.append(_empty_section(source, "chronicle", lines[chron_at], "大事记"))
        frames["chronicle_event"] = _frame("chronicle_event", events, issue)
        frames["chronicle_event_leader"] = _frame("chronicle_event_leader", leaders, issue)
        frames["chronicle_event_county"] = _frame("chronicle_event_county", counties, issue)
        frames["chronicle_leader"] = _frame("chronicle_leader", roster, issue)
    else:
        chronicle_findings = pl.DataFrame(schema=checks.FINDING_SCHEMA)
        for k in ("chronicle_event", "chronicle_event_leader", "chronicle_event_county", "chronicle_leader"):
            frames[k] = _frame(k, [], issue)

    inv = frames["plan_investment"]
    finding_frames = [
        checks.investment_findings(inv, source),
        checks.text_figure_findings(text_figures, inv, source),
        pl.DataFrame(findings, schema=checks.FINDING_SCHEMA),
        checks.yearly_target_findings(frames["plan_project"], source),
        chronicle_findings,
    ]
    found = _frame("dq_finding", pl.concat(finding_frames, how="vertical_relaxed"), issue)
    frames["dq_finding"] = found
    return Extraction(
        source,
        "gazette",
        f"issue={issue}",
        frames,
        rows_in=len(lines),
        rows_loaded=sum(df.height for name, df in frames.items() if name != "dq_finding"),
        rows_rejected=found.filter(pl.col("severity") == "unparsed").height,
        summary=(
            f"公报 {issue}：{frames['gazette_document'].height} 份文件、{frames['plan_indicator'].height} 项指标、"
            f"{frames['chronicle_event'].height} 条大事记、{frames['hotline_line'].height} 条热线、{found.height} 条数据质量发现"
        ),
        issue=issue,
    )


def _frame(name: str, data: list[dict] | pl.DataFrame, issue: str) -> pl.DataFrame:
    """Rows or a frame -> exactly the columns and types of SCHEMAS[name], stamped with the issue."""
    schema = SCHEMAS[name]
    if not isinstance(data, pl.DataFrame):
        data = pl.DataFrame(data, infer_schema_length=None) if data else pl.DataFrame()
    df = data.with_columns(issue=pl.lit(issue))
    return df.select(pl.col(c).cast(t) if c in df.columns else pl.lit(None, dtype=t).alias(c) for c, t in schema.items())


def _empty_section(source: str, domain: str, heading, what: str) -> dict:
    """A section whose heading was found but which yields no rows: never a silent loss."""
    return checks.warning_finding(
        source, domain, heading.no, heading.text.strip(), "section_empty", f"找到“{what}”标题，但该部分没有解析出任何条目"
    )


_COUNTS = re.compile(r"指标(\d+)个[，,]其中[，,]?约束性指标(\d+)个[、，,]预期性指标(\d+)个")


def _indicator_count_findings(lines, cols, indicators, source) -> list[dict]:
    """'明确主要发展指标20个，其中，约束性指标13个、预期性指标7个' against the rows of 专栏1."""
    at = cols[min(cols)]
    text = compact("".join(ln.text for ln in lines[max(0, at - 10) : at]))
    m = _COUNTS.search(text)
    where = f"专栏{min(cols)} 上方正文"
    if not m:
        return [checks.unread_finding(source, "plan", lines[at].no, lines[at].text, "未找到指标个数的正文说明")]
    out = []
    stated = {"合计": int(m.group(1)), "约束性": int(m.group(2)), "预期性": int(m.group(3))}
    counted = {
        "合计": len(indicators),
        "约束性": sum(r["binding"] == "约束性" for r in indicators),
        "预期性": sum(r["binding"] == "预期性" for r in indicators),
    }
    for k in stated:
        if stated[k] != counted[k]:
            out.append(
                checks.count_finding(
                    source, "plan", where, stated[k], counted[k], f"正文所述{k}指标个数与专栏行数不一致", "indicator_count"
                )
            )
    return out
