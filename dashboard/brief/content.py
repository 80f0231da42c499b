"""What a 月度简报 says, for one month and one scope (the city, one county, or the app's filter): gathered through the
app's own queries (dashboard.queries), so the user's scope narrows it exactly as it narrows the pages, and each figure
is labelled, rounded and judged against its target by the metric layer (dashboard.metrics) as the cards are.

The narrative is template sentences filled from the figures; a section with nothing to say says why."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard import metrics, queries
from dashboard.brief import charts
from dashboard.brief.model import FIGURE_COLUMNS, Briefing, Section, Table, scope_text
from dashboard.filters import HotlineFilter, Scope
from dashboard.views import alerts as alert_view
from dashboard.views import overview, plan
from warehouse import reference

HOTLINE_FIGURES = ("volume", "close_rate", "on_time_rate", "satisfaction_rate", "overdue_open", "mean_workdays")
TREND_MONTHS = 13  # the month and the twelve before it: the same month a year ago is on the chart
LIST_ROWS = 10  # rows of a ticket, problem or warning list; the rest are counted, never dropped in silence
EVENT_ROWS = 20
EVENT_TEXT = 80  # characters of a chronicle entry in the list (the full text is on 大事记)
STATUSES = tuple(plan.STATUS_COLORS)  # 已达标, 按进度, 滞后, 未报送
SINCE_EVER = dt.date(2000, 1, 1)  # overdue tickets: every month up to the briefing's


def month_start(text: str) -> dt.date:
    """'2025-12' -> 2025-12-01; ValueError names what was expected."""
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError as e:
        raise ValueError(f"月份应为 YYYY-MM（例如 2025-12），收到 {text!r}") from e


def zh_count(n: int) -> str:
    """两 and 三 for the small counts a sentence names (低于目标的有 A、B 两个县（市、区））."""
    return "一两三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)


def change_pct(now: float | None, before: float | None, label: str) -> str:
    """环比增长 3.2% / 环比下降 1.0% / 环比持平 / 环比 —（上月无数据）."""
    if now is None or not before:
        return f"{label} —（{'上月' if label == '环比' else '去年同月'}无数据）"
    d = round(100.0 * (now - before) / before, 1)
    if d == 0:
        return f"{label}{metrics.FLAT}"
    return f"{label}{'增长' if d > 0 else '下降'} {abs(d):.1f}%"


def gather(month: dt.date, counties=(), departments=(), generated_at: dt.datetime | None = None) -> Briefing:
    """The briefing of one month (its first day) for the counties (none: the whole city) and departments."""
    month = month.replace(day=1)
    scope = Scope(month, month, tuple(counties), tuple(departments))
    info = queries.warehouse_info()
    sections = [s for s in (hotline(scope), indicators(scope), concessions(scope), chronicle(scope)) if s is not None]
    demo = any(getattr(s, "demo", False) for s in sections)
    return Briefing(
        month=month,
        scope=scope_text(scope.counties, scope.departments),
        counties=scope.counties,
        departments=scope.departments,
        cut_off=info.get("hotline_as_of") or info.get("run_at", "—"),
        built_at=info.get("built_at", "—").replace("T", " "),
        generated_at=generated_at or dt.datetime.now(),
        demo=demo,
        sections=sections,
        notes=explanations(scope, info, demo),
        rules=rule_tables(),
    )


# ---------------------------------------------------------------- 12345 热线
def _kpis(scope: Scope) -> dict:
    k = queries.hotline_kpis(HotlineFilter.within(scope))
    return k.row(0, named=True) if k.height and k["volume"][0] else {}


def hotline(scope: Scope) -> Section | None:
    if not queries.allowed("hotline_kpis") or queries.hotline_options().filter(pl.col("kind") == "month").is_empty():
        return None
    section = Section("12345 热线")
    now, before, last_year = _kpis(scope), _kpis(overview.previous(scope)), _kpis(overview.year_ago(scope))
    if not now:
        section.narrative.append(f"本月{scope_text(scope.counties, scope.departments)}没有受理 12345 工单的数据。")
        return section
    section.demo = bool(now.get("has_demo"))
    settings = queries.hotline_settings()
    section.figures = _figures(HOTLINE_FIGURES, now, before, last_year, settings)
    rates = [metrics.metric(k) for k in metrics.with_targets("hotline")]
    missed = [m.label for m in rates if m.meets(now[m.key], settings) is False]
    volume = metrics.metric("volume")
    first = (
        f"本月受理工单 {volume.show(now['volume'])}，{change_pct(now['volume'], before.get('volume'), '环比')}，"
        f"{change_pct(now['volume'], last_year.get('volume'), '同比')}"
    )
    first += "；" + "、".join(f"{m.label} {m.show(now[m.key])}" for m in rates)
    first += f"，{'、'.join(missed)}未达到附件3目标。" if missed else "，均达到附件3目标。"
    section.narrative.append(first)
    by_county = queries.hotline_kpis(HotlineFilter.within(scope), "county").filter(pl.col("dim").is_not_null())
    if not scope.counties:
        on_time = metrics.metric("on_time_rate")
        below = [r["dim"] for r in by_county.iter_rows(named=True) if on_time.meets(r["on_time_rate"], settings) is False]
        section.narrative.append(
            f"{on_time.label}低于目标的有{'、'.join(below)}{zh_count(len(below))}个县（市、区）。"
            if below
            else f"各县（市、区）{on_time.label}均达到目标。"
        )
    trend = queries.hotline_kpis(HotlineFilter.within(Scope(_shift(scope.month_from, TREND_MONTHS - 1), *_rest(scope))), "month")
    section.charts.append(charts.hotline_trend(trend, metrics.metric("on_time_rate").target(settings)))
    section.tables += _rankings(scope, by_county, section.narrative)
    section.tables.append(_overdue(scope, section.narrative))
    hot = _hot(scope, section.narrative)
    if hot is not None:
        section.tables.append(hot)
    section.tables.append(_alerts(scope, section.narrative))
    return section


def _shift(month: dt.date, back: int) -> dt.date:
    k = month.year * 12 + month.month - 1 - back
    return dt.date(k // 12, k % 12 + 1, 1)


def _rest(scope: Scope) -> tuple:
    return scope.month_to, scope.counties, scope.departments


def _figures(keys, now: dict, before: dict, last_year: dict, settings: dict) -> Table:
    rows = []
    for key in keys:
        m = metrics.metric(key)
        target = m.target(settings)
        met = m.meets(now.get(key), settings)
        mom, yoy = m.delta(now.get(key), before.get(key)), m.delta(now.get(key), last_year.get(key))
        rows.append(
            (
                m.label + (f"（{m.unit}）" if m.format == "number" else ""),
                m.show(now.get(key)),
                f"{'≥' if m.higher_is_better else '≤'}{target:g}{m.unit}" if target is not None else "—",
                "—" if met is None else ("达标" if met else "未达标"),
                mom or ("—（上月无数据）" if not before else "—"),
                yoy or ("—（去年同月无数据）" if not last_year else "—"),
            )
        )
    return Table("主要指标", pl.DataFrame(rows, schema=list(FIGURE_COLUMNS), orient="row"), (3, 2, 1.6, 1.2, 2, 2))


def _rankings(scope: Scope, by_county: pl.DataFrame, narrative: list[str]) -> list[Table]:
    """红黑榜 of the month: every county (the city's briefing) or the county's own place, and the 承办单位's boards."""
    period = f"{scope.month_to:%Y-%m}"
    composite = metrics.label("composite")
    measure = composite.split("(")[0]  # 三率综合, as a sentence says it
    out = []
    minimum = f"{queries.hotline_settings()['ranking_min_volume']:g}"
    due = metrics.metric("due").label
    if scope.departments:  # a 承办单位's briefing: its own place among the 承办单位 (county figures would be its share)
        ranked = queries.hotline_ranking("月度", period, "department", "composite", scope)
        for r in ranked.iter_rows(named=True):
            board = f"，列入{r['board']}" if r["board"] else ""
            narrative.append(f"{r['unit']}在全市 {r['ranked']} 个参评承办单位中{measure}排第 {r['rank']} 位（{r['value']:.1f}）{board}。")
        if ranked.is_empty():
            narrative.append(f"本月{'、'.join(scope.departments)}{due}不足 {minimum} 件，未参加承办单位排名。")
        return out
    ranked = queries.hotline_ranking("月度", period, "county", "composite", scope)
    rates = metrics.with_targets("hotline")
    if scope.counties:
        for r in ranked.iter_rows(named=True):
            board = f"，列入{r['board']}" if r["board"] else ""
            narrative.append(
                f"{r['unit']}在全市 {r['ranked']} 个参评县（市、区）中{measure}排第 {r['rank']} 位（{r['value']:.1f}）{board}。"
            )
        if ranked.is_empty():
            narrative.append(f"本月{'、'.join(scope.counties)}{due}不足 {minimum} 件，未参加县（市、区）排名。")
    else:
        table = by_county.join(ranked.select(pl.col("unit").alias("dim"), "rank", "value", "board"), on="dim", how="left").sort(
            "rank", "dim", nulls_last=True
        )
        if table.height:
            shown = table.select(
                pl.col("rank").cast(pl.Utf8).fill_null("—").alias(metrics.label("rank")),
                pl.col("dim").alias(metrics.label("county")),
                pl.col("volume").map_elements(lambda v: f"{v:,}", return_dtype=pl.Utf8).alias(metrics.metric("volume").label),
                *[_pct(k) for k in rates],
                pl.col("value").round(1).cast(pl.Utf8).fill_null("—").alias(composite),
                pl.col("board").fill_null("").alias(metrics.label("board", "ranking")),
            )
            out.append(
                Table(
                    f"各县（市、区）情况与红黑榜（{period}，按{measure}排名）",
                    shown,
                    (1, 2.2, 1.6, 1.5, 1.7, 1.5, 1.6, 1.2),
                    f"未排名的县（市、区）当月{due}不足 {minimum} 件，不参加排名。",
                )
            )
    if scope.counties:  # the 承办单位 boards are the city's
        return out
    departments = queries.hotline_ranking("月度", period, "department", "composite", scope).filter(pl.col("board").is_not_null())
    if departments.height:
        out.append(
            Table(
                f"承办单位红黑榜（{period}，按{measure}排名）",
                departments.select(
                    pl.col("board").alias(metrics.label("board", "ranking")),
                    pl.col("rank").cast(pl.Utf8).alias(metrics.label("rank")),
                    pl.col("unit").alias(metrics.label("department")),
                    pl.col("value").round(1).cast(pl.Utf8).alias(composite),
                    pl.col("due").cast(pl.Utf8).alias(metrics.metric("due").label),
                ),
                (1.2, 1, 4.5, 1.6, 1.6),
            )
        )
        black = departments.filter(pl.col("board") == "黑榜")["unit"].to_list()
        if black:
            narrative.append(f"承办单位黑榜：{'、'.join(black)}。")
    return out


def _pct(key: str) -> pl.Expr:
    m = metrics.metric(key)
    return pl.col(key).map_elements(m.show, return_dtype=pl.Utf8).fill_null("—").alias(m.label)


def _overdue(scope: Scope, narrative: list[str]) -> Table:
    """Tickets received up to the month and still open past their deadline at the data cut-off."""
    f = HotlineFilter(SINCE_EVER, scope.month_to, scope.counties, scope.departments)
    found = queries.hotline_overdue(f, LIST_ROWS)
    rows = found.shown  # longest overdue first
    overdue = metrics.metric("overdue_open").label
    narrative.append(
        f"截至数据截止时刻，{overdue}工单 {found.total} 件"
        + (f"，超期最长的 {rows['workdays_overdue'][0]:g} 个工作日。" if found.total else "。")
    )
    shown = rows.select(
        pl.col("ticket_id").alias(metrics.label("ticket_id")),
        pl.col("received_at").dt.strftime("%Y-%m-%d").alias(metrics.label("received_at")),
        pl.col("county").fill_null("—").alias(metrics.label("county")),
        pl.col("department").fill_null("—").alias(metrics.label("department")),
        pl.col("topic").fill_null("—").alias(metrics.label("topic")),
        pl.col("workdays_overdue").round(1).cast(pl.Utf8).alias(metrics.label("workdays_overdue")),
    )
    more = found.total - shown.height
    return Table(
        f"{overdue}工单（超期最长的在前）",
        shown,
        (2.4, 1.7, 1.5, 3.4, 1.6, 1.4),
        (f"另有 {more} 件未列出，见 12345 热线页“{overdue}”清单。" if more > 0 else None) if found.total else f"没有{overdue}的工单。",
    )


def _hot(scope: Scope, narrative: list[str]) -> Table | None:
    if len(scope.counties) > 1 or not queries.allowed("hot_problems"):
        return None  # 热点诉求 are counted for the city and for one county
    county = scope.counties[0] if scope.counties else None
    found = queries.hot_problems(scope.month_to, county)
    if found.is_empty():
        return Table("热点诉求", pl.DataFrame(), note="本月没有可归类的热点诉求。")
    rising = found.filter(pl.col("rising"))["term"].to_list()
    top = found.head(3)["term"].to_list()
    narrative.append(f"热点诉求前三：{'、'.join(top)}" + (f"；上升明显：{'、'.join(rising)}。" if rising else "。"))
    shown = found.head(LIST_ROWS).select(
        pl.col("rank").cast(pl.Utf8).alias(metrics.label("rank")),
        pl.col("term").alias(metrics.label("term", "hot")),
        pl.col("tickets").cast(pl.Utf8).alias(metrics.label("tickets", "hot")),
        pl.col("share").round(1).cast(pl.Utf8).alias(metrics.label("share", "hot")),
        pl.col("prev3_share").round(1).cast(pl.Utf8).fill_null("—").alias(metrics.label("prev3_share", "hot")),
        pl.when(pl.col("rising")).then(pl.lit("上升")).otherwise(pl.lit("")).alias(metrics.label("rising", "hot")),
    )
    return Table("热点诉求", shown, (1, 3, 1.4, 1.4, 2, 1.2))


def _alerts(scope: Scope, narrative: list[str]) -> Table:
    if not queries.allowed("alerts"):
        return Table("预警", pl.DataFrame(), note="当前账号不查看预警。")
    found = queries.alerts(scope)
    counts = {s: found.filter(pl.col("severity") == s).height for s in alert_view.SEVERITIES}
    narrative.append(
        f"本月预警 {found.height} 条（" + "、".join(f"{s} {n} 条" for s, n in counts.items()) + "）。" if found.height else "本月没有预警。"
    )
    shown = found.head(LIST_ROWS).select(
        pl.col("severity").alias(metrics.label("severity")),
        pl.col("label").alias(metrics.label("label", "alerts")),
        pl.col("message").alias(metrics.label("message", "alerts")),
    )
    more = found.height - shown.height
    return Table(
        "预警（严重的在前）",
        shown,
        (1, 1.8, 8),
        (f"另有 {more} 条未列出，见预警中心。" if more > 0 else None) if found.height else "本月没有预警。",
    )


# ---------------------------------------------------------------- 规划指标
def indicators(scope: Scope) -> Section | None:
    if not queries.allowed("indicator_progress"):
        return None
    periods = queries.indicator_periods(scope.counties)
    within = periods.filter(pl.col("period_end") <= scope.date_to) if periods.height else periods
    if within.is_empty():
        return None
    period = within["period"][0]
    counties = list(scope.counties) or ["全市"]
    p = queries.indicator_progress(period, counties)
    n = dict(p.group_by("status").len().iter_rows())
    earlier = within["period"][1] if within.height > 1 else None
    before = dict(queries.indicator_progress(earlier, counties).group_by("status").len().iter_rows()) if earlier else {}
    section = Section(f"规划指标监测（{period}）")
    section.narrative.append(
        f"截至 {period} 监测期，{'、'.join(counties)}共 {p.height} 项指标中" + "、".join(f"{s} {n.get(s, 0)} 项" for s in STATUSES) + "。"
    )
    rows = [
        (s, f"{n.get(s, 0)} 项", f"{n.get(s, 0) - before.get(s, 0):+d} 项（较 {earlier}）" if earlier else "—（此前没有报送期）")
        for s in STATUSES
    ]
    section.figures = Table("指标状态", pl.DataFrame(rows, schema=["状态", "项数", "较上期"], orient="row"), (2, 2, 4))
    lagging = p.filter(pl.col("status") == "滞后").sort("sort_order", "seq")
    if lagging.height:
        section.narrative.append(
            "滞后的有：" + "；".join(f"{r['seq']} {r['name']}（{r['county']}）" for r in lagging.iter_rows(named=True)) + "。"
        )
        section.tables.append(
            Table(
                "滞后指标",
                lagging.select(
                    pl.col("seq").cast(pl.Utf8).alias(metrics.label("seq")),
                    pl.col("name").alias(metrics.label("name")),
                    pl.col("county").alias(metrics.label("county")),
                    pl.col("actual_text").fill_null("—").alias(metrics.label("actual_text")),
                    pl.col("expected").round(2).cast(pl.Utf8).fill_null("—").alias(metrics.label("expected")),
                    pl.col("target_text").fill_null("—").alias(f"{p['target_year'].max()}年目标"),
                ),
                (0.8, 5, 1.5, 1.5, 1.6, 1.6),
            )
        )
    else:
        section.narrative.append("没有滞后的指标。")
    base, target = plan.plan_years(p)
    section.tables.append(Table("判断规则", pl.DataFrame(), note=plan.status_rule(base, target)))
    return section


# ---------------------------------------------------------------- 燃气特许经营
def concessions(scope: Scope) -> Section | None:
    if not queries.allowed("concession_results"):
        return None
    periods = queries.concession_periods(scope.counties).filter(pl.col("annual"))
    years = [p for p in periods["period"].to_list() if int(p) <= scope.month_to.year]
    if not years:
        return None
    r = queries.concession_results(years[0], ["年度考评"], list(scope.counties))
    rp = queries.concession_results(years[1], ["年度考评"], list(scope.counties)) if len(years) > 1 else None
    section = Section(f"燃气特许经营（{years[0]} 年度考评）")
    if r.is_empty():
        section.narrative.append("所选范围没有年度考评结果。")
        return section
    section.demo = bool(r["is_demo"].any())
    settings = queries.concession_settings()

    def counted(df, cond) -> int | None:
        return None if df is None or df.is_empty() else df.filter(cond).height

    measures = (
        ("参评企业", pl.lit(True), " 家"),
        ("合格", pl.col("verdict") == "合格", " 家"),
        ("不合格", pl.col("verdict") == "不合格", " 家"),
        ("一票否决", pl.col("veto"), " 家"),
    )
    rows = []
    for label, cond, unit in measures:
        now, then = counted(r, cond), counted(rp, cond)
        rows.append((label, f"{now}{unit}", "—（上年度无考评）" if then is None else _signed(now - then, unit)))
    mean, mean_before = r["total_score"].mean(), rp["total_score"].mean() if rp is not None and rp.height else None
    rows.append(
        ("平均得分", f"{mean:.1f} 分", "—（上年度无考评）" if mean_before is None else _signed(round(mean - mean_before, 1), " 分"))
    )
    section.figures = Table("考评结果", pl.DataFrame(rows, schema=["项目", "本年度", "较上年度"], orient="row"), (2, 2, 3))
    failed = r.filter(pl.col("verdict") == "不合格")["enterprise"].to_list()
    vetoed = r.filter(pl.col("veto"))["enterprise"].to_list()
    text = f"{years[0]} 年度考评 {r.height} 家企业，合格（{settings['pass_mark']:g} 分及以上）{counted(r, pl.col('verdict') == '合格')} 家"
    text += f"，不合格 {len(failed)} 家（{'、'.join(failed)}）" if failed else "，没有不合格企业"
    text += f"，一票否决 {len(vetoed)} 家（{'、'.join(vetoed)}）。" if vetoed else "，没有一票否决。"
    section.narrative.append(text)
    due = r.filter(pl.col("rectify_by").is_not_null()).sort("rectify_by")
    if due.height:
        late = due.filter(pl.col("rectify_status") == "已逾期")["enterprise"].to_list()
        section.narrative.append(
            f"整改期限最近的是{due['enterprise'][0]}（{due['rectify_by'][0]:%Y-%m-%d}）"
            + (f"；整改已逾期：{'、'.join(late)}。" if late else "。")
        )
    section.tables.append(
        Table(
            "得分排名",
            r.sort("rank").select(
                pl.col("rank").cast(pl.Utf8).alias(metrics.label("rank")),
                pl.col("enterprise").alias(metrics.label("enterprise")),
                pl.col("county").fill_null("—").alias(metrics.label("county", "concession")),
                pl.col("total_score").round(1).cast(pl.Utf8).fill_null("—").alias(metrics.label("total_score")),
                pl.col("verdict").alias(metrics.label("verdict")),
                pl.col("veto_nos").fill_null("").alias(metrics.label("veto_nos")),
                pl.col("rectify_by").dt.strftime("%Y-%m-%d").fill_null("").alias(metrics.label("rectify_by")),
                pl.col("rectify_status").fill_null("").alias(metrics.label("rectify_status")),
            ),
            (0.8, 4.2, 1.5, 1.1, 1.6, 1.2, 1.8, 1.4),
        )
    )
    return section


def _signed(d: float, unit: str) -> str:
    return metrics.FLAT if d == 0 else f"{d:+g}{unit}"


# ---------------------------------------------------------------- 大事记
def chronicle(scope: Scope) -> Section | None:
    if not queries.allowed("chronicle_events"):
        return None
    span = queries.chronicle_span()
    if not span["events"]:
        return None
    section = Section("大事记")
    why = overview.chronicle_gap(scope, overview.previous(scope), span["first_date"], span["last_date"])
    now = queries.chronicle_events(scope.month_from, scope.date_to, counties=scope.counties)
    if scope.month_from > span["last_date"] or scope.date_to < span["first_date"]:
        section.narrative.append(f"大事记资料覆盖 {span['first_date']:%Y-%m} 至 {span['last_date']:%Y-%m}，本月不在其中。")
        return section
    before = (
        None
        if why
        else queries.chronicle_events(overview.previous(scope).month_from, overview.previous(scope).date_to, counties=scope.counties)
    )
    leader, county = metrics.label("leaders"), metrics.label("county")
    by_leader = queries.count_by(now, "leaders", leader)
    by_county = queries.count_by(now, "counties", county)
    where = f"提及{'、'.join(scope.counties)}的" if scope.counties else ""
    text = f"本月{where}大事记 {now.height} 条" + (f"（上月 {before.height} 条）" if before is not None else f"（环比 —：{why}）")
    text += f"，涉及市领导 {by_leader.height} 位" if by_leader.height else ""
    text += f"，提及 {by_county.height} 个县（市、区）。" if by_county.height and not scope.counties else "。"
    section.narrative.append(text)
    if now.is_empty():
        return section
    n = metrics.label("events")
    if by_leader.height:
        section.tables.append(Table("各位领导的活动", by_leader.with_columns(pl.col(n).cast(pl.Utf8)), (3, 1)))
    if by_county.height and not scope.counties:
        section.charts.append(charts.county_mentions(by_county, county, n))
    events = now.head(EVENT_ROWS).select(
        pl.col("date_start").dt.strftime("%m-%d").alias(metrics.label("date_start")),
        pl.col("event_type").alias(metrics.label("event_type")),
        pl.col("leaders").list.join("、").fill_null("").alias(leader),
        pl.when(pl.col("text").str.len_chars() > EVENT_TEXT)
        .then(pl.col("text").str.slice(0, EVENT_TEXT) + "……")
        .otherwise(pl.col("text"))
        .alias(metrics.label("text")),
    )
    more = now.height - events.height
    section.tables.append(
        Table(
            "本月大事记",
            events,
            (1, 1.3, 2, 7),
            f"较长的记录只列前 {EVENT_TEXT} 字" + (f"；另有 {more} 条未列出" if more > 0 else "") + "，全文见大事记页面。",
        )
    )
    return section


# ---------------------------------------------------------------- 数据说明
def explanations(scope: Scope, info: dict, demo: bool) -> list[tuple[str, str]]:
    settings = queries.hotline_settings()
    concession = queries.concession_settings()
    setting_meanings = reference.load("hotline_settings")
    ranking = "；".join(
        setting_meanings.filter(pl.col("key").str.starts_with("ranking_") | pl.col("key").str.starts_with("hot_"))["meaning"]
    )
    out = [
        ("数据范围", f"{scope_text(scope.counties, scope.departments)}，{scope.month_from.year}年{scope.month_from.month}月。"),
        (
            "数据截止",
            f"12345 工单数据截至 {info.get('hotline_as_of', '—')}；数据仓库生成于 {info.get('built_at', '—').replace('T', ' ')}。",
        ),
        ("环比与同比", "环比与上一个月相比，同比与去年同月相比；比较期没有数据时标“—”并注明原因，不与空期间相比。"),
        ("12345 指标口径", "；".join(metrics.metric(k).help(settings) for k in HOTLINE_FIGURES)),
        (
            "红黑榜与热点诉求",
            f"{metrics.label('composite')}为{'、'.join(metrics.metric(k).label for k in metrics.with_targets('hotline'))}的平均值。{ranking}。",
        ),
        (
            "燃气特许经营",
            f"满分 {concession['full_marks']:g} 分，{concession['pass_mark']:g} 分及以上为合格；不合格的应在 {concession['rectify_months']:g} 个月内整改到位；"
            "一票否决项见《曲靖市城镇管道燃气特许经营评估管理办法》评分细则。",
        ),
        (
            "来源文件",
            "；".join(
                f"{r['issue']} {r['doc_no'] or ''}《{r['title']}》".replace("  ", " ") for r in queries.documents().iter_rows(named=True)
            ),
        ),
    ]
    if demo:
        out.insert(0, ("演示数据", "本简报中的 12345 工单、燃气考评与指标监测数据为系统生成的演示数据，不代表真实情况。"))
    return out


def rule_tables() -> list[Table]:
    rules = queries.hotline_rules()
    out = [
        Table(
            "12345 办理时限（工作日）",
            rules.select(
                pl.col("category").alias(metrics.label("category")),
                pl.col("standard_days").cast(pl.Utf8).fill_null("—").alias(metrics.label("standard_days")),
                pl.col("max_days").cast(pl.Utf8).fill_null("—").alias(metrics.label("max_days")),
                pl.col("extension_days").cast(pl.Utf8).fill_null("—").alias(metrics.label("extension_days")),
                pl.col("max_extensions").cast(pl.Utf8).fill_null("—").alias(metrics.label("max_extensions")),
            ),
            (3, 1.5, 1.5, 1.5, 1.5),
        )
    ]
    if queries.allowed("alert_rules"):
        r = queries.alert_rules().filter(pl.col("enabled"))
        out.append(
            Table(
                "预警规则",
                r.select(
                    pl.col("label").alias(metrics.label("label", "alerts")),
                    pl.col("severity").alias(metrics.label("severity")),
                    pl.col("rule").alias(metrics.label("rule", "alerts")),
                    pl.col("source").alias(metrics.label("source", "alerts")),
                ),
                (1.6, 0.8, 6, 2.4),
            )
        )
    return out
