"""Fictional 12345 work-order exports in the real export format, for demos and `make run`.

Monthly files (some GB18030, some XLSX, the rest UTF-8 with or without BOM), one update file carrying
the later states of tickets that moved on after their monthly export, and a handful of bad rows, so
demo data goes through the same ingestion path as real data. Deterministic for a seed; vectorised
with numpy. Everything is invented: callers are 演示来电人N with numbers starting 100 (no Chinese
mobile number does), ID numbers start 000000 (no such area code).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import numpy as np
import polars as pl

from etl.sources.hotline import HEADERS
from warehouse import reference

log = logging.getLogger(__name__)

# rough shares of the 2020 census population; the development zone is carved out of 麒麟区
COUNTY_WEIGHTS = {
    "麒麟区": 0.17,
    "沾益区": 0.07,
    "马龙区": 0.035,
    "陆良县": 0.105,
    "师宗县": 0.065,
    "罗平县": 0.09,
    "富源县": 0.12,
    "会泽县": 0.14,
    "宣威市": 0.175,
    "曲靖经开区": 0.03,
}
# names as clerks type them: old and short forms go through the county alias table
COUNTY_VARIANTS = {"沾益区": "沾益县", "马龙区": "马龙县", "麒麟区": "麒麟", "曲靖经开区": "经开区", "宣威市": "宣威"}
CATEGORIES = {"咨询": 0.38, "求助": 0.2, "意见建议": 0.08, "投诉": 0.25, "举报": 0.06, "表扬": 0.03}
DIRECT_SHARE = {"咨询": 0.55, "求助": 0.1, "意见建议": 0.05, "投诉": 0.01, "举报": 0.0, "表扬": 0.5}
LIMITS = {"咨询": (1, 3), "求助": (3, 5), "意见建议": (3, 5), "投诉": (15, 15), "举报": (15, 15), "表扬": (3, 5)}
CHANNELS = {"电话": 0.58, "微信": 0.13, "网站": 0.08, "小程序": 0.09, "APP": 0.06, "短信": 0.03, "其他": 0.03}
# topic -> (weight, 市直部门 that usually handle it); ~40% of dispatched tickets go to the county government instead
TOPICS = {
    "城乡建设": (0.16, ["市住房和城乡建设局", "市城市综合管理局"]),
    "社会保障": (0.12, ["市人力资源和社会保障局", "市医保局", "市住房公积金中心"]),
    "交通出行": (0.1, ["市交通运输局", "市公安局"]),
    "市场监管": (0.1, ["市市场监管局"]),
    "教育": (0.08, ["市教育体育局"]),
    "医疗卫生": (0.08, ["市卫生健康委", "市医保局"]),
    "生态环境": (0.06, ["市生态环境局"]),
    "农业农村": (0.06, ["市农业农村局", "市乡村振兴局"]),
    "水电气": (0.08, ["市供电局", "市住房和城乡建设局"]),
    "治安": (0.05, ["市公安局"]),
    "文化旅游": (0.04, ["市文化和旅游局"]),
    "民政服务": (0.04, ["市民政局", "市残联"]),
    "自然资源": (0.03, ["市自然资源和规划局"]),
}
SATISFACTION = {"满意": 0.80, "基本满意": 0.147, "不满意": 0.003, "未回访": 0.05}
# streets and towns a caller names (the real ones of each county): the segmenter's place list (etl/hot_topics.py)
PLACES = {county: group["place"].to_list() for (county,), group in reference.load("place_name").group_by("county", maintain_order=True)}
COMPLAINTS = Path(__file__).with_name("demo_complaints.csv")  # topic, problem, template with {place}
# Events planted in the last months of every demo, for the 预警 rules and 热点诉求 to find (tests/test_alerts.py works
# their figures out from these): a water outage in 会泽县 in the last month (the tickets of 水电气 there ≈ 2.5 times
# as many as usual), a department closing 40% of its tickets late in the two months before it, and one caller
# raising the same 物业 problem in 麒麟区 four times in the last month.
PLANTED = {
    "surge": {"county": "会泽县", "topic": "水电气", "problem": "停水", "extra_share": 1.5, "min_extra": 30},
    "failing_department": {"department": "市住房和城乡建设局", "late_share": 0.4, "months": 2},
    "repeat_caller": {"county": "麒麟区", "topic": "城乡建设", "problem": "物业纠纷", "tickets": 4, "days": (3, 9, 15, 21)},
}


def _month_starts(first: str, last: str) -> list[dt.date]:
    y, m = map(int, first.split("-"))
    y2, m2 = map(int, last.split("-"))
    out = []
    while (y, m) <= (y2, m2):
        out.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _draw(rng, options: dict, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(index into options, the chosen keys) for n draws weighted by the options' values (or their first item)."""
    keys = list(options)
    p = np.array([options[k] if not isinstance(options[k], tuple) else options[k][0] for k in keys], dtype=float)
    idx = rng.choice(len(keys), size=n, p=p / p.sum())
    return idx, np.array(keys, dtype=object)[idx]


def _pick(rng, options: dict, n: int) -> np.ndarray:
    return _draw(rng, options, n)[1]


def generate(n: int = 300_000, seed: int = 2022, first: str = "2022-01", last: str = "2025-12") -> tuple[pl.DataFrame, dt.datetime]:
    """Final states of n fictional tickets, and the export cut-off."""
    rng = np.random.default_rng(seed)
    months = _month_starts(first, last)
    idx = np.arange(len(months))
    # seasonality (summer rain and heat peak, Spring Festival dip) and slow growth
    weight = (1 + 0.18 * np.sin(2 * np.pi * (np.array([m.month for m in months]) - 4) / 12)) * (1 + 0.06 * idx / 12)
    weight *= np.where(np.array([m.month for m in months]) == 2, 0.75, 1.0)
    month_of = rng.choice(len(months), size=n, p=weight / weight.sum())
    month_of.sort()
    starts = np.array([np.datetime64(m, "s") for m in months])
    next_starts = np.array(
        [np.datetime64(_month_starts(f"{m:%Y-%m}", f"{m:%Y-%m}")[0] + dt.timedelta(days=32), "M").astype("datetime64[s]") for m in months]
    )
    span = (next_starts - starts).astype(np.int64)
    hour_p = np.array([1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 12, 9, 10, 12, 12, 11, 10, 8, 7, 6, 4, 3, 2], dtype=float)
    day = (rng.random(n) * (span[month_of] // 86400)).astype(np.int64)
    secs = rng.choice(24, size=n, p=hour_p / hour_p.sum()) * 3600 + rng.integers(0, 3600, n)
    received = starts[month_of] + (day * 86400 + secs).astype("timedelta64[s]")

    cat_idx, category = _draw(rng, CATEGORIES, n)
    direct = rng.random(n) < np.array([DIRECT_SHARE[c] for c in CATEGORIES])[cat_idx]
    county_idx, county = _draw(rng, COUNTY_WEIGHTS, n)
    topic_idx, topic = _draw(rng, TOPICS, n)
    to_county_gov = rng.random(n) < 0.4
    dept_choice = rng.random(n)
    # each topic's departments laid end to end: offset + a uniform pick among that topic's entries
    n_depts = np.array([len(v[1]) for v in TOPICS.values()])
    offsets = np.concatenate([[0], np.cumsum(n_depts)[:-1]])
    flat = np.array([d for v in TOPICS.values() for d in v[1]], dtype=object)
    city_dept = flat[offsets[topic_idx] + (dept_choice * n_depts[topic_idx]).astype(np.int64)]
    department = np.where(direct, "", np.where(to_county_gov, np.char.add(county.astype(str), "人民政府"), city_dept.astype(str)))

    minutes = lambda x: (x * 60).astype("timedelta64[s]")  # noqa: E731
    dispatched = received + minutes(rng.lognormal(3.6, 0.8, n))  # median ≈ 37 min
    late_sign = rng.random(n) < 0.07
    signed = dispatched + minutes(np.where(late_sign, rng.uniform(121, 600, n), rng.exponential(35, n).clip(1, 119)))
    returned = np.where(
        rng.random(n) < 0.03,
        signed + minutes(np.where(rng.random(n) < 0.85, rng.uniform(30, 1400, n), rng.uniform(1441, 4000, n))),
        np.datetime64("NaT", "s"),
    )

    std = np.array([LIMITS[c][0] for c in CATEGORIES], dtype=float)[cat_idx]
    mx = np.array([LIMITS[c][1] for c in CATEGORIES], dtype=float)[cat_idx]
    complaint = np.isin(category, ["投诉", "举报"])
    ext = np.where(complaint, rng.choice(3, size=n, p=[0.87, 0.1, 0.03]), 0)
    limit = mx + 10 * ext
    # working days to close: most well inside the standard limit, a tail past the maximum
    # some counties and departments are slower than others
    county_factor = rng.uniform(0.3, 3.0, len(COUNTY_WEIGHTS))
    late_p = 0.002 * county_factor[county_idx] * np.where(to_county_gov, 1.5, 0.7)
    frac = np.where(rng.random(n) < late_p, rng.uniform(1.05, 1.8, n), rng.beta(2.2, 2.5, n))
    # on time: within 80% of the limit, so that a holiday or a late-evening receipt never tips one past its deadline
    wd = np.maximum(0.2, frac * np.where(frac > 1, limit, 0.8 * np.minimum(limit, std + 10 * ext)))
    closed = signed + (wd * 1.42 * 86400).astype("timedelta64[s]")
    never = rng.random(n) < 0.0004  # lost in a department's drawer: open long past the deadline
    satisfaction = _pick(rng, SATISFACTION, n)

    cutoff = np.datetime64(months[-1], "s") + np.timedelta64(int(span[-1]), "s") + np.timedelta64(5 * 86400, "s")
    received_cut = received <= cutoff
    closed = np.where(direct, received, closed)
    open_ = (~direct) & (never | (closed > cutoff))
    pool = max(1, int(n * 0.8))
    caller = (pool * rng.random(n) ** 1.15).astype(np.int64)

    us = lambda a: a.astype("datetime64[us]")  # noqa: E731
    df = pl.DataFrame(
        {
            "received_at": us(received),
            "category": category.astype(str),
            "direct": direct,
            "county": county.astype(str),
            "topic": topic.astype(str),
            "department": department,
            "dispatched_at": us(dispatched),
            "signed_at": us(signed),
            "returned_at": us(returned),
            "closed_at": us(closed),
            "extensions": ext.astype(np.int32),
            "satisfaction": satisfaction.astype(str),
            "open": open_,
            "caller": caller,
            "channel": _pick(rng, CHANNELS, n).astype(str),
            "variant": rng.random(n) < 0.04,
            "extra": rng.random(n),
            "pick": rng.random(n),
            "problem": pl.Series([None] * n, dtype=pl.Utf8),
        }
    ).filter(pl.lit(received_cut))
    df = df.with_columns(
        pl.col("received_at", "dispatched_at", "signed_at", "closed_at").cast(pl.Datetime("us")),
        pl.col("returned_at").cast(pl.Datetime("us")),
    )
    df = _plant(df, rng, months, pool, cutoff.astype("datetime64[us]").astype(dt.datetime))
    df = _with_complaint(df.sort("received_at", maintain_order=True)).with_columns(
        ticket_id=pl.format(
            "QJ{}{}",
            pl.col("received_at").dt.strftime("%Y%m"),
            (pl.int_range(pl.len()).over(pl.col("received_at").dt.strftime("%Y%m")) + 1).cast(pl.Utf8).str.zfill(6),
        ),
        county=pl.when(pl.col("variant")).then(pl.col("county").replace(COUNTY_VARIANTS)).otherwise(pl.col("county")),
        handling=pl.when(pl.col("direct")).then(pl.lit("当场答复")).otherwise(pl.lit("派单")),
        caller_name=pl.format("演示来电人{}", pl.col("caller")),
        caller_phone=pl.format("100{}", pl.col("caller").cast(pl.Utf8).str.zfill(8)),
        content=pl.col("complaint")
        + pl.when(pl.col("extra") < 0.01)
        .then(pl.format("，回电10{}", pl.col("caller").cast(pl.Utf8).str.zfill(9)))
        .when(pl.col("extra") < 0.013)
        .then(pl.lit("，身份证号00000019900101123X"))
        .otherwise(pl.lit("")),
    )
    direct_cols = ["dispatched_at", "signed_at", "returned_at"]
    df = df.with_columns(
        *(pl.when(pl.col("direct")).then(None).otherwise(pl.col(c)).alias(c) for c in direct_cols),
        extensions=pl.when(pl.col("direct")).then(0).otherwise(pl.col("extensions")),
        closed_at=pl.when(pl.col("open")).then(None).otherwise(pl.col("closed_at")),
        satisfaction=pl.when(pl.col("open") | (pl.col("category") == "表扬")).then(None).otherwise(pl.col("satisfaction")),
    )
    return df, cutoff.astype(dt.datetime)


def _plant(df: pl.DataFrame, rng, months: list[dt.date], pool: int, cutoff: dt.datetime) -> pl.DataFrame:
    """The PLANTED events added to the generated tickets (only where the demo's months reach them)."""
    month = pl.col("received_at").dt.truncate("1mo").cast(pl.Date)
    last = months[-1]
    carriers = df.filter(month == last)
    if carriers.height < 10 or len(months) < 4:
        return df
    s, f, r = PLANTED["surge"], PLANTED["failing_department"], PLANTED["repeat_caller"]

    # a water outage: extra tickets of one problem in one county in the last month, handled by the county government
    usual = df.filter((month == last) & (pl.col("county") == s["county"]) & (pl.col("topic") == s["topic"])).height
    extra = max(s["min_extra"], round(s["extra_share"] * usual))
    surge = carriers.sample(extra, with_replacement=True, seed=int(rng.integers(1 << 31))).with_columns(
        county=pl.lit(s["county"]),
        topic=pl.lit(s["topic"]),
        problem=pl.lit(s["problem"]),
        variant=pl.lit(False),
        department=pl.when(pl.col("direct")).then(pl.lit("")).otherwise(pl.lit(f"{s['county']}人民政府")),
        caller=pl.int_range(pl.len()) + pool + 10,  # each a different caller
    )

    # one caller, the same problem, four times in a month
    days = r["days"]
    repeat = carriers.head(len(days)).with_columns(
        county=pl.lit(r["county"]),
        topic=pl.lit(r["topic"]),
        problem=pl.lit(r["problem"]),
        variant=pl.lit(False),
        caller=pl.lit(pool + 1, dtype=pl.Int64),
        received_at=pl.Series([dt.datetime(last.year, last.month, d, 10) for d in days]).cast(pl.Datetime("us")),
    )
    shift = pl.col("received_at") - carriers.head(len(days))["received_at"]
    repeat = repeat.with_columns(
        *(pl.col(c) + shift for c in ("dispatched_at", "signed_at", "returned_at", "closed_at")),
    )

    # a department closing a share of its tickets late (well past the maximum) in the two months before the last
    late_months = months[-1 - f["months"] : -1]
    limit_days = pl.col("category").replace_strict({c: v[1] for c, v in LIMITS.items()}) + 10 * pl.col("extensions")
    chosen = (pl.col("department") == f["department"]) & month.is_in(late_months) & pl.Series(rng.random(df.height) < f["late_share"])
    late_at = pl.col("signed_at") + pl.duration(days=limit_days * 1.6 + 7)
    df = df.with_columns(
        closed_at=pl.when(chosen).then(late_at).otherwise(pl.col("closed_at")),
        open=pl.when(chosen).then(late_at > cutoff).otherwise(pl.col("open")),
    )
    return pl.concat([df, surge.select(df.columns), repeat.select(df.columns)])


def _with_complaint(df: pl.DataFrame) -> pl.DataFrame:
    """诉求内容 from the templates of each topic (of the planted problem where there is one), naming a place of the
    ticket's county."""
    t = pl.read_csv(COMPLAINTS).with_columns(
        k=pl.int_range(pl.len()).over("topic"),
        n=pl.len().over("topic"),
        kp=pl.int_range(pl.len()).over("topic", "problem"),
        np_=pl.len().over("topic", "problem"),
    )
    places = pl.DataFrame({"county": list(PLACES), "places": list(PLACES.values())})
    out = (
        df.with_row_index("_row")
        .join(t.group_by("topic").agg(pl.col("n").first()), on="topic", how="left")
        .join(t.group_by("topic", "problem").agg(pl.col("np_").first()), on=["topic", "problem"], how="left")
        .with_columns(
            k=(pl.col("pick") * pl.col("n")).floor().cast(pl.Int64),
            kp=(pl.col("pick") * pl.col("np_")).floor().cast(pl.Int64),
        )
        .join(t.select("topic", "k", pl.col("problem").alias("_p"), pl.col("template").alias("_t1")), on=["topic", "k"], how="left")
        .join(t.select("topic", "problem", "kp", pl.col("template").alias("_t2")), on=["topic", "problem", "kp"], how="left")
        .join(places, on="county", how="left")
        .with_columns(
            place=pl.col("places").list.get((pl.col("extra") * 1000).cast(pl.Int64) % pl.col("places").list.len(), null_on_oob=True),
            problem=pl.coalesce("problem", "_p"),
        )
        .with_columns(complaint=pl.coalesce("_t2", "_t1").str.replace("{place}", pl.coalesce("place", pl.lit("本地")), literal=True))
        .sort("_row")
    )
    return out.drop("_row", "n", "np_", "k", "kp", "_p", "_t1", "_t2", "places", "place")


def _state_as_of(df: pl.DataFrame, when: pl.Expr) -> pl.DataFrame:
    """The export as the hotline system would show it at `when`: later events blank, no visit before closing."""
    out = df.with_columns(
        *(
            pl.when(pl.col(c) <= when).then(pl.col(c)).otherwise(None).alias(c)
            for c in ("dispatched_at", "signed_at", "returned_at", "closed_at")
        )
    )
    return out.with_columns(
        satisfaction=pl.when(pl.col("closed_at").is_not_null() & (pl.col("closed_at") + pl.duration(days=3) <= when))
        .then(pl.col("satisfaction"))
        .otherwise(None),
        extensions=pl.when(pl.col("closed_at").is_not_null())
        .then(pl.col("extensions"))
        .otherwise(pl.min_horizontal(pl.col("extensions"), 1)),
    )


def _export(df: pl.DataFrame, slash_dates: bool = False) -> pl.DataFrame:
    fmt = "%Y/%m/%d %H:%M" if slash_dates else "%Y-%m-%d %H:%M:%S"
    times = ["received_at", "dispatched_at", "signed_at", "returned_at", "closed_at"]
    cols = [c for c in HEADERS if c in df.columns or c in times]
    return df.select(
        *(pl.col(c).dt.strftime(fmt).alias(HEADERS[c]) if c in times else pl.col(c).cast(pl.Utf8).alias(HEADERS[c]) for c in cols)
    )


BAD_ROWS = [  # (column, value, what the ETL must say)
    ("received_at", "2024-13-45 10:00", "时间无法解析"),
    ("closed_at", "2020-01-01 08:00:00", "办结时间早于受理时间"),
    ("extensions", "3", "延期次数应为 0、1 或 2"),
    ("category", "其它诉求", "未知诉求类型"),
    ("county", "外省某县", "未知区县"),
    ("satisfaction", "非常好", "未知回访结果"),
]


def write_files(inbox: Path, n: int = 300_000, seed: int = 2022, first: str = "2022-01", last: str = "2025-12") -> list[Path]:
    inbox.mkdir(parents=True, exist_ok=True)
    df, cutoff = generate(n, seed, first, last)
    df = df.with_columns(month=pl.col("received_at").dt.strftime("%Y-%m"))
    written: list[Path] = []
    months = df["month"].unique().sort().to_list()
    changed_later = []
    for i, month in enumerate(months):
        part = df.filter(pl.col("month") == month)
        export_at = pl.col("received_at").dt.month_end().dt.date().cast(pl.Datetime("us")).max() + pl.duration(days=6)
        state = _state_as_of(part, export_at)
        changed_later.append(
            part.join(state.select("ticket_id", pl.col("closed_at").alias("c0"), pl.col("satisfaction").alias("s0")), on="ticket_id")
            .filter(
                (pl.col("closed_at").is_not_null() & pl.col("c0").is_null())
                | (pl.col("satisfaction").is_not_null() & pl.col("s0").is_null())
            )
            .drop("c0", "s0")
        )
        out = _export(state, slash_dates=(i % 6 == 2))
        if i % 12 == 7:  # a few bad rows in some months, after the good ones
            out = pl.concat([out, _bad_rows(out, i)])
        name = f"12345工单_演示_{month}"
        kind = i % 6
        if kind == 5:
            path = inbox / f"{name}.xlsx"
            out.write_excel(path, worksheet="工单")
        else:
            path = inbox / f"{name}.csv"
            text = out.write_csv()
            if kind == 2:
                path.write_bytes(text.encode("gb18030"))
            else:
                path.write_bytes((b"\xef\xbb\xbf" if kind == 1 else b"") + text.encode("utf-8"))
        written.append(path)
    updates = pl.concat(changed_later)
    path = inbox / f"12345工单_演示_更新导出_{last}.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _export(updates.drop("month")).write_csv().encode("utf-8"))
    written.append(path)
    log.info(
        "demo: %d tickets in %d files (+%d later states) to %s, cut-off %s", df.height, len(written) - 1, updates.height, inbox, cutoff
    )
    return written


def _bad_rows(out: pl.DataFrame, i: int) -> pl.DataFrame:
    base = out.head(len(BAD_ROWS) + 1)
    rows = []
    for k, (col, value, _) in enumerate(BAD_ROWS):
        r = base.row(k, named=True)
        r[HEADERS["ticket_id"]] = f"QJBAD{i:02d}{k:02d}"
        r[HEADERS[col]] = value
        rows.append(r)
    # the same ticket twice with different content
    dup = base.row(len(BAD_ROWS), named=True)
    dup[HEADERS["ticket_id"]] = f"QJDUP{i:02d}"
    rows.append(dup)
    rows.append({**dup, HEADERS["topic"]: "另一事项"})
    return pl.DataFrame(rows, schema=out.schema)


# ---------------------------------------------------------------- concession score sheets
ENTERPRISES = [  # fictional enterprise, counties served, quality (share of the maximum it usually earns)
    ("演示燃气公司A", "麒麟区、曲靖经开区", 0.93),
    ("演示燃气公司B", "沾益区", 0.9),
    ("演示燃气公司C", "马龙区", 0.88),
    ("演示燃气公司D", "陆良县", 0.86),
    ("演示燃气公司E", "师宗县", 0.83),
    ("演示燃气公司F", "罗平县", 0.9),
    ("演示燃气公司G", "富源县", 0.8),
    ("演示燃气公司H", "会泽县", 0.74),
    ("演示燃气公司I", "宣威市", 0.91),
    ("演示燃气公司J", "宣威市", 0.85),
    ("演示燃气公司K", "麒麟区", 0.87),
    ("演示燃气公司L", "陆良县、师宗县", 0.71),
]


def write_concession_files(inbox: Path, seed: int = 2022, years: range = range(2022, 2026)) -> list[Path]:
    """Annual 年度考评 as wide XLSX (one file per year) and quarterly 自评 as long CSV (one per year)."""
    from warehouse import reference

    rng = np.random.default_rng(seed + 1)
    rubric = reference.load("concession_rubric").with_columns(pl.col("max_points").cast(pl.Float64))
    codes, maxima = rubric["item_code"].to_list(), rubric["max_points"].to_numpy()
    names = dict(rubric.select("item_code", "item_name").iter_rows())
    written = []
    for year in years:
        quality = np.array([q for _, _, q in ENTERPRISES]) + (year - 2022) * 0.01
        # annual: item share ~ quality, rounded to half points, within [0, max]
        share = np.clip(rng.normal(quality[:, None], 0.08, (len(ENTERPRISES), len(codes))), 0, 1)
        scores = np.clip(np.round(share * maxima * 2) / 2, 0, maxima)
        wide = pl.DataFrame(
            {
                "企业名称": [e for e, _, _ in ENTERPRISES],
                "区县": [c for _, c, _ in ENTERPRISES],
                "考核期间": [str(year)] * len(ENTERPRISES),
                "考核类型": ["年度考评"] * len(ENTERPRISES),
                **{f"{c} {names[c]}（{m:g}分）": scores[:, i] for i, (c, m) in enumerate(zip(codes, maxima, strict=True))},
                "一票否决": ["8" if (e == "演示燃气公司L" and year == 2024) else "" for e, _, _ in ENTERPRISES],
                "备注": ["" for _ in ENTERPRISES],
            }
        )
        if year == 2023:  # one sheet with a bad cell: more than the item's maximum
            wide = wide.with_columns(
                pl.when(pl.col("企业名称") == "演示燃气公司C").then(pl.lit(9.0)).otherwise(pl.col(wide.columns[4])).alias(wide.columns[4])
            )
        path = inbox / f"燃气特许经营年度考评_演示_{year}.xlsx"
        wide.write_excel(path, worksheet="年度考评")
        written.append(path)
        # quarterly self-assessment: a little kinder than the official score
        rows = []
        for q in range(1, 5):
            self_share = np.clip(share + rng.normal(0.04, 0.03, share.shape), 0, 1)
            s = np.clip(np.round(self_share * maxima * 2) / 2, 0, maxima)
            for k, (ent, counties, _) in enumerate(ENTERPRISES):
                rows += [(ent, counties, f"{year}Q{q}", "自评", code, float(s[k, i]), "") for i, code in enumerate(codes)]
        long = pl.DataFrame(rows, schema=["企业名称", "区县", "考核期间", "考核类型", "指标编号", "得分", "扣分说明"], orient="row")
        path = inbox / f"燃气特许经营季度自评_演示_{year}.csv"
        path.write_bytes(b"\xef\xbb\xbf" + long.write_csv().encode("utf-8"))
        written.append(path)
    return written


# ---------------------------------------------------------------- plan-indicator actuals
def write_indicator_files(inbox: Path, seed: int = 2022, years: range = range(2021, 2026)) -> list[Path]:
    """Every county (and 全市) × indicator × year on a plausible path from the 2020 baseline to the target."""
    from etl.sources.gazette import parse_gazette
    from warehouse.paths import SHIPPED_SOURCES

    rng = np.random.default_rng(seed + 2)
    gazettes = sorted(SHIPPED_SOURCES.glob("*.txt"))
    plan = parse_gazette(gazettes[0]).tables["plan_indicator"] if gazettes else pl.DataFrame()
    if plan.is_empty():
        return []
    counties = list(COUNTY_WEIGHTS) + ["全市"]
    grid = (
        plan.select("seq", "unit", "baseline_value", "target_value", "target_text", "unit_mixed")
        .join(pl.DataFrame({"county": counties, "pace": rng.uniform(0.8, 1.35, len(counties))}), how="cross")
        .join(pl.DataFrame({"year": list(years)}), how="cross")
    )
    n = grid.height
    qual = grid["target_value"].is_null() & grid["baseline_value"].is_null() & ~grid["target_text"].is_in(["—"])
    start = np.where(
        grid["baseline_value"].is_null() | grid["unit_mixed"],
        grid["target_value"].fill_null(0).to_numpy() * 0.8,
        grid["baseline_value"].fill_null(0).to_numpy(),
    )
    target = grid["target_value"].fill_null(0).to_numpy()
    progress = np.clip((grid["year"].to_numpy() - 2020) / 5 * grid["pace"].to_numpy() + rng.normal(0, 0.04, n), 0, 1.1)
    value = start + (target - start) * progress
    value = np.where(grid["unit"].to_numpy() == "%", np.clip(value, 0, 100), value)
    out = grid.with_columns(
        数值=pl.when(pl.Series(qual))
        .then(pl.when(pl.Series(rng.random(n) < 0.93)).then(pl.lit("是")).otherwise(pl.lit("否")))
        .otherwise(pl.Series(np.round(value, 2)).cast(pl.Utf8)),
        keep=pl.Series(rng.random(n) >= 0.03),  # a few gaps: not reported
    ).filter(pl.col("keep"))
    table = out.select(
        pl.col("seq").alias("指标序号"),
        pl.col("county").alias("区县"),
        pl.col("year").cast(pl.Utf8).alias("期间"),
        "数值",
        pl.lit("").alias("备注"),
    )
    path = inbox / f"规划指标监测_演示_{years.start}-{years.stop - 1}.csv"
    path.write_bytes(b"\xef\xbb\xbf" + table.write_csv().encode("utf-8"))
    return [path]
