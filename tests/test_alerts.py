"""预警 (issue 15): the rules of warehouse/reference/alert_rules.csv find what etl/demo.py PLANTED, with the figures
known from the generated tickets, and little else.

Accepted false positives on this demo (3,000 tickets, 2024-01 to 2024-06, seed 5), and why:
- two 诉求激增 outside the plant (宣威市 医疗卫生 2024-04, 麒麟区 城乡建设 2024-05): the forecast rests on three to
  five months of history, whose spread is itself uncertain; at 3.29 standard deviations one series-month in a few
  hundred still crosses (390 series-months are judged here);
- county rates below target in the months of the plant (师宗县, 沾益区): the late tickets are the planted department's
  own, handled in those counties (checked below: without them every county meets 95%);
- 办结率 below 100% and 逾期未办结 where the demo's never-closed tickets lie (0.04% of tickets, planted as "lost in a
  drawer": 附件3 counts one such ticket against 办结率)."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pytest

from etl.demo import PLANTED, write_files
from etl.pipeline import run
from tests.conftest import PLANTED_DEMO

DEMO = PLANTED_DEMO


@pytest.fixture(scope="module")
def demo(planted_demo):
    return planted_demo


def alerts(root, where: str = "true") -> pl.DataFrame:
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        return con.sql(f"SELECT * FROM alert WHERE {where} ORDER BY kind, period, county, department").pl()


def test_the_planted_surge_is_found_with_its_count(demo):
    root, tickets = demo
    s = PLANTED["surge"]
    found = alerts(root, "kind = 'surge'")
    planted = found.filter((pl.col("county") == s["county"]) & (pl.col("topic") == s["topic"]) & (pl.col("period") == "2024-06"))
    # the generated tickets of 会泽县 · 水电气 in June, the planted outage included (none of 会泽县's is a variant name)
    count = tickets.filter(
        (pl.col("county") == s["county"]) & (pl.col("topic") == s["topic"]) & (pl.col("received_at").dt.strftime("%Y-%m") == "2024-06")
    ).height
    assert planted.height == 1 and planted["figure"][0] == count
    assert count - s["min_extra"] < planted["threshold"][0] < count  # without the 30 planted tickets it would not cross
    assert "高于预测上限" in planted["message"][0] and planted["link"][0].startswith(f"county={s['county']}&from=2024-06")
    assert found.height - 1 <= 2  # the accepted false positives (module docstring)


def test_the_planted_failing_department_is_found_two_months_running(demo):
    root, _ = demo
    dept = PLANTED["failing_department"]["department"]
    below = alerts(root, "kind = 'on_time_rate_below' AND department IS NOT NULL")
    assert below["department"].unique().to_list() == [dept]  # no other department is below 95%
    assert below["period"].to_list() == ["2024-04", "2024-05"]
    # 40% of its tickets closed late by construction: well under 95% in both months
    assert all(60 <= v <= 80 for v in below["figure"]) and set(below["threshold"]) == {95.0}
    run_ = alerts(root, f"kind = 'rate_below_run' AND department = '{dept}'")
    assert run_.height == 1 and run_["figure"][0] == 2 and run_["severity"][0] == "严重"
    overdue = alerts(root, "kind = 'overdue_run'")
    assert overdue["department"].to_list() == [dept] and overdue["period"].to_list() == ["2024-05"]


def test_county_rates_below_target_come_from_the_planted_department(demo):
    root, _ = demo
    dept = PLANTED["failing_department"]["department"]
    counties = alerts(root, "kind = 'on_time_rate_below' AND county IS NOT NULL")["county"].unique().to_list()
    assert counties  # the plant drags some counties under 95%
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        rates = con.sql(
            """SELECT county, month, 100.0 * count(*) FILTER (WHERE closed_on_time) / count(closed_at) AS rate
               FROM hotline_ticket WHERE list_contains($counties, county) AND department IS DISTINCT FROM $dept AND closed_at IS NOT NULL
               GROUP BY ALL""",
            params={"counties": counties, "dept": dept},
        ).pl()
    assert rates["rate"].min() >= 95.0, rates.filter(pl.col("rate") < 95)


def test_the_planted_repeat_caller_is_counted_never_named(demo):
    root, _ = demo
    r = PLANTED["repeat_caller"]
    found = alerts(root, "kind = 'repeat_demand'")
    assert found.select("county", "topic", "period", "figure").rows() == [(r["county"], r["topic"], "2024-06", 1.0)]
    assert "1 位来电人" in found["message"][0]
    assert "caller" not in " ".join(alerts(root).columns)  # the table holds no caller column, hashed or not


def test_concession_plan_and_data_warnings(demo):
    root, _ = demo
    veto = alerts(root, "kind = 'concession_veto'")
    assert veto["enterprise"].to_list() == ["演示燃气公司L"] and veto["counties"][0].to_list() == ["陆良县", "师宗县"]
    # 演示燃气公司H failed 2024 with 73.5 (< 75): rectify by 2025-03-31, long past at the run
    overdue = alerts(root, "kind = 'rectify_overdue' AND enterprise = '演示燃气公司H' AND period = '2024'")
    assert overdue.height == 1 and "2025-03-31" in overdue["message"][0]
    rejected = alerts(root, "kind = 'sheet_rejected'")
    assert rejected["figure"].to_list() == [1.0] and "得分应在 0 到 6 之间" in rejected["message"][0]
    stale = alerts(root, "kind = 'data_stale'")  # the demo ends 2024-06; the run is now
    assert "12345 工单" in " ".join(stale["message"]) and stale["month"].is_null().all()
    lagging = alerts(root, "kind = 'indicator_lagging'")
    assert lagging.height > 0 and (lagging["figure"] < lagging["threshold"]).all()  # actual below the straight line


def test_a_warning_keeps_its_first_seen_and_only_new_ones_are_marked(tmp_path):
    """Two publishes over the same data: the second has no 新增 and the first's first_seen; a ticket file added later
    brings its own warnings as 新增."""
    inbox = tmp_path / "inbox"
    write_files(inbox, **DEMO)
    db, lake = tmp_path / "warehouse.duckdb", tmp_path / "lake"
    first_run = dt.datetime(2024, 7, 6)
    run(inbox, db, lake, as_of=first_run)
    first = alerts(tmp_path)
    assert first["is_new"].all() and (first["first_seen"] == first_run).all()
    run(inbox, db, lake, as_of=dt.datetime(2024, 7, 7))
    second = alerts(tmp_path)
    kept = second.join(first.select("alert_key", pl.col("first_seen").alias("before")), on="alert_key")
    assert kept.height > 0 and (kept["first_seen"] == kept["before"]).all() and not kept["is_new"].any()
    new = second.join(first.select("alert_key"), on="alert_key", how="anti")
    assert new["is_new"].all() and (new["first_seen"] == dt.datetime(2024, 7, 7)).all()


# ---------------------------------------------------------------- 红黑榜
def ranking(root, where: str) -> pl.DataFrame:
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        return con.sql(f"SELECT * FROM hotline_ranking WHERE {where} ORDER BY rank, unit").pl()


def test_the_planted_department_is_last_on_the_black_board(demo):
    """市住房和城乡建设局 closed 40% of its April tickets late: last of the 承办单位 on 按期办结率, 黑榜. Nine 承办单位
    had 20 tickets due (ranking_min_volume): a third each way, three 红榜 and three 黑榜 (ranking_board_size 5 needs 15)."""
    root, _ = demo
    dept = PLANTED["failing_department"]["department"]
    april = ranking(root, "period = '2024-04' AND unit_kind = 'department' AND measure = 'on_time_rate'")
    assert april["ranked"][0] == april.height == 9
    last = april.filter(pl.col("unit") == dept).row(0, named=True)
    assert last["rank"] == april.height and last["board"] == "黑榜" and last["value"] < 80
    assert april.filter(pl.col("board") == "红榜")["rank"].max() <= 3  # ties at the top share rank 1
    assert april.filter(pl.col("board") == "黑榜")["rank"].min() > 6
    assert (april["due"] >= 20).all()  # ranking_min_volume


def test_ranks_follow_the_values_and_the_change_the_previous_month(demo):
    root, _ = demo
    may = ranking(root, "period = '2024-05' AND unit_kind = 'county' AND measure = 'composite'")
    april = ranking(root, "period = '2024-04' AND unit_kind = 'county' AND measure = 'composite'")
    values = may["value"].round(1).to_list()
    assert values == sorted(values, reverse=True)
    # a rank is 1 + the number of units strictly better (ties share)
    assert may["rank"].to_list() == [1 + sum(v > x for v in values) for x in values]
    # ten counties, a third each way: three 红榜 and three 黑榜 (ties included)
    assert may.filter(pl.col("board") == "红榜")["rank"].max() <= 3 and may.filter(pl.col("board") == "黑榜")["rank"].min() > may.height - 3
    joined = may.join(april.select("unit", pl.col("rank").alias("before")), on="unit")
    assert (joined["rank_change"] == joined["before"] - joined["rank"]).all()
    # composite = the mean of the three rates
    rates = {
        m: dict(ranking(root, f"period = '2024-05' AND unit_kind = 'county' AND measure = '{m}'").select("unit", "value").rows())
        for m in ("close_rate", "on_time_rate", "satisfaction_rate")
    }
    for unit, value in may.select("unit", "value").rows():
        assert abs(value - sum(rates[m][unit] for m in rates) / 3) < 1e-9


def test_department_score_ranking_is_the_annex3_score(demo):
    root, _ = demo
    scored = ranking(root, "period = '2024' AND measure = 'dept_score'")
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        score = dict(con.sql("SELECT department, score FROM hotline_dept_score WHERE year = 2024").fetchall())
    assert all(score[u] == v for u, v in scored.select("unit", "value").rows())


# ---------------------------------------------------------------- forecasts
def test_the_demo_gets_a_forecast_for_the_city_and_every_county(demo):
    """Six full months (2024-01 to 2024-06, the cut-off on 6 July): the naive method, 2024-07 to 2024-09."""
    root, tickets = demo
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        fc = con.sql("SELECT * FROM hotline_forecast ORDER BY county NULLS FIRST, month").pl()
    assert fc["county"].n_unique() == 11 and set(fc["method"]) == {"朴素（上月）"}  # 全市 and ten counties
    assert fc["month"].unique().sort().to_list() == [dt.date(2024, 7, 1), dt.date(2024, 8, 1), dt.date(2024, 9, 1)]
    june = tickets.filter(pl.col("received_at").dt.strftime("%Y-%m") == "2024-06").height
    assert fc.filter(pl.col("county").is_null())["forecast"].to_list() == [june] * 3  # the last month's volume


# ---------------------------------------------------------------- 热点诉求
def test_segmentation_names_one_problem_per_content():
    from etl.hot_topics import candidates, segment

    text = "古城街道小区从昨天开始停水，至今未恢复供水"
    words = candidates(text)
    assert {"停水", "供水"} <= set(words)
    assert not {"古城街道", "小区", "昨天", "开始", "至今"} & set(words)  # a place and stop words (reference files)
    # 停水 is a problem term (priority 1 in hotline_terms.csv); identical contents are cut once; no content, no problem
    assert segment(pl.Series([text, None, text, "楼下新开的奶茶店排队太长"])).to_list()[:3] == ["停水", None, "停水"]
    assert segment(pl.Series(["楼下新开的奶茶店排队太长"]))[0] in candidates("楼下新开的奶茶店排队太长")  # the rarest word


def test_the_planted_outage_is_the_rising_problem(demo):
    """会泽县 June: every ticket whose content says 停水 has 停水 as its problem (priority 1 in hotline_terms.csv)."""
    root, tickets = demo
    june = pl.col("received_at").dt.strftime("%Y-%m") == "2024-06"
    outage = tickets.filter(june & (pl.col("county") == "会泽县") & pl.col("content").str.contains("停水")).height
    city = tickets.filter(june & pl.col("content").str.contains("停水")).height
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        hot = con.sql("SELECT * FROM hot_problem WHERE month = DATE '2024-06-01'").pl()
        rising = con.sql("SELECT month, county, term FROM hot_problem WHERE rising ORDER BY month, county NULLS FIRST, term").fetchall()
    huize = hot.filter((pl.col("county") == "会泽县") & (pl.col("term") == "停水")).row(0, named=True)
    assert huize["tickets"] == outage and huize["rising"] and huize["rank"] == 1
    whole = hot.filter(pl.col("county").is_null() & (pl.col("term") == "停水")).row(0, named=True)
    assert whole["tickets"] == city and whole["rising"] and whole["rank"] == 1
    planted = [(dt.date(2024, 6, 1), None, "停水"), (dt.date(2024, 6, 1), "会泽县", "停水")]
    assert set(planted) <= set(rising)
    # accepted: three city-wide problems of 10–13 tickets whose share doubled by chance in April and May (hot_min_tickets
    # 10 and a doubled share still let a small problem cross); none in a county
    others = [r for r in rising if r not in planted]
    assert len(others) <= 3 and all(county is None for _, county, _ in others), others


def test_a_problems_ticket_list_is_cut_short_and_downloads_whole(demo, monkeypatch):
    """会泽县 June, 停水, capped at 2 rows: the two received first are listed, the count is every ticket whose content
    says 停水 (counted from the export here), and the download's fetch gives them all in order of receipt. At 100 M
    tickets one problem's month held 127,300 tickets, all sent to the page before the cap."""
    from dashboard import queries
    from dashboard.filters import Scope
    from tests.conftest import serving

    root, tickets = demo
    expected = (
        tickets.filter(
            (pl.col("received_at").dt.strftime("%Y-%m") == "2024-06")
            & (pl.col("county") == "会泽县")
            & pl.col("content").str.contains("停水")
        )
        .sort("received_at", "ticket_id")["ticket_id"]
        .to_list()
    )
    assert len(expected) > 2
    scope = Scope(dt.date(2024, 1, 1), dt.date(2024, 6, 1))
    with serving(root / "warehouse.duckdb", monkeypatch):
        found = queries.hot_problem_tickets("停水", dt.date(2024, 6, 1), "会泽县", scope, 2)
        assert found.shown["ticket_id"].to_list() == expected[:2] and found.total == len(expected)
        assert found.fetch_all()["ticket_id"].to_list() == expected


def test_terms_are_cached_per_export_file(demo, tmp_path, monkeypatch):
    """A second pass segments nothing; a changed lexicon segments every file again; a file gone takes its problems."""
    import shutil as sh

    from etl import hot_topics

    root, _ = demo
    lake = tmp_path / "lake"
    sh.copytree(root / "lake", lake)
    files = len(list((lake / "hotline").glob("*/tickets.parquet")))
    assert hot_topics.refresh(lake) == (0, files)
    monkeypatch.setattr(hot_topics, "lexicon_hash", lambda: "changed")
    assert hot_topics.refresh(lake) == (files, 0)
    assert all(len(list(p.glob("terms-*.parquet"))) == 1 for p in (lake / hot_topics.DATASET).iterdir())
    # a run rewrites every ticket file of the lake: the same contents stay cached (once keyed by file time, it
    # segmented every file on every run)
    import os

    for f in (lake / "hotline").glob("*/tickets.parquet"):
        os.utime(f)
    assert hot_topics.refresh(lake) == (0, files)
    gone = next((lake / "hotline").iterdir())
    sh.rmtree(gone)
    hot_topics.refresh(lake)
    assert not (lake / hot_topics.DATASET / gone.name).exists()
