"""A smoke run of the benchmark on a tiny size: every measure is produced and the report is written into
the measured section of the file, keeping the text around it."""

import json

from bench.__main__ import MARK_END, MARK_START


def test_bench_smoke(tmp_path, monkeypatch):
    import bench.__main__ as bench
    from bench.__main__ import main

    monkeypatch.setattr(bench, "FILE_TICKETS", 1000)  # two export files, so the one-file stage runs too

    out = tmp_path / "PERFORMANCE.md"
    out.write_text(
        f"# Performance\n\nHand-written analysis.\n\n{MARK_START}\nold figures\n{MARK_END}\n\nTrailing notes.\n", encoding="utf-8"
    )
    assert main(["--tickets", "2000", "--repeat", "2", "--browser-repeat", "0", "--out", str(out)]) == 0  # Chromium: tests/browser
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))[0]
    assert data["tickets"] == 2000 and data["ingest"]["utf8_rows_per_s"] > 0 and data["publish_s"] > 0
    assert data["ingest"]["etl_peak_rss_mb"] > 0 and data["app_rss_mb"] > 0 and "gb18030_ratio" in data["ingest"]
    # both pages, for the whole city and for one county over 6 months
    assert {k.split(" · ")[0] for k in data["render_s"]} == {"overview", "hotline"} and len(data["render_s"]) == 4
    # the queries are the ones the renders issued: the hotline KPIs and the overview's headline counts among them
    assert any("overview_counts" in k for k in data["queries"]) and any("hotline_overdue" in k for k in data["queries"])
    # every query has its floor; the KPI queries also the count over the ticket table
    assert all("floor_ratio" in v for v in data["queries"].values())
    # the 月度简报 of the city and of one county, each by `python -m etl brief` in a fresh process
    assert set(data["brief_s"]) == {"全市", "宣威市"} and all(v > 0 for v in data["brief_s"].values())
    assert any("hotline_kpis (by all" in k and "ticket_scan_median_ms" in v for k, v in data["queries"].items())
    text = out.read_text(encoding="utf-8")
    assert "| ingest UTF-8 CSV" in text and "| 月度简报 2025-12" in text and "Hand-written analysis." in text and "Trailing notes." in text
    assert "old figures" not in text
    # a new month (2000 / 40 = 50 tickets) read alone and published incrementally; one file of both exports, both encodings
    assert data["incremental"]["mode"] == "incremental" and data["incremental"]["touched_tickets"] >= 50
    assert data["one_file"]["utf8"]["rows"] == data["one_file"]["gb18030"]["rows"] >= 2000
    assert "新" not in data["one_file"]["utf8"]["summary"] and "gb18030" in data["one_file"]["gb18030"]["summary"]
    assert "publishes incrementally" in text and "-row gb18030 file ingests in ≤ 2 GB" in text


def test_bench_at_province_scale_keeps_to_the_disk(tmp_path, monkeypatch):
    """python -m bench --tickets 100000000: no GB18030 copy and no one-file stage (their targets are set at 10 M and
    their CSVs would need about 80 GB), the exports deleted once the lake holds them, the 100 M targets applied (full
    rebuild ≤ 600 s, one month ≤ 30 s), the ETL's memory cap raised and the disk footprint reported. Scaled down: 2,000 tickets play 100 M."""
    import bench.__main__ as bench
    from bench.__main__ import main

    monkeypatch.setattr(bench, "FILE_TICKETS", 1000)
    monkeypatch.setattr(bench, "SINGLE_MACHINE_MAX", 1000)
    monkeypatch.setattr(bench, "PROVINCE", 2000)
    monkeypatch.setattr(bench, "MONTH_EXPORT", 20)
    monkeypatch.delenv("DASHBOARD_ETL_MEMORY", raising=False)
    deleted, unlink = [], bench.Path.unlink
    monkeypatch.setattr(bench.Path, "unlink", lambda self, missing_ok=False: (deleted.append(self.name), unlink(self, missing_ok))[1])
    out = tmp_path / "PERFORMANCE.md"
    assert main(["--tickets", "2000", "--repeat", "1", "--browser-repeat", "0", "--out", str(out)]) == 0
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))[0]
    assert "gb18030_ratio" not in data["ingest"] and "one_file" not in data
    assert {"工单_bench_00.csv", "工单_bench_01.csv", "floor.parquet"} <= set(deleted)
    # the new month still publishes incrementally without the exports it was loaded from
    assert data["incremental"]["mode"] == "incremental" and data["incremental"]["touched_tickets"] >= 50
    # then one export of the monthly size (250,000 played by 20), the month after, with the run's plan reported
    # (in a file this small the first increment can leave over 25 % of it free; this one then compacts: a full rebuild)
    e = data["incremental_export"]
    assert data["incremental"]["plan"] == "incremental: 1 new export file(s)"
    assert e["tickets"] == 20 and e["plan"].startswith(e["mode"] + ": ")
    assert data["disk_mb"]["lake"] > 0 and data["disk_mb"]["warehouse"] > 0 and data["disk_mb"]["spare"] > 0
    # each incremental publish patched the spare copy the run before it left
    assert data["incremental"]["from_spare"] and e["from_spare"] == (e["mode"] == "incremental")
    # no cap given: half the machine's memory, not the 2 GB under which 100 M tickets spill for 20 minutes
    assert data["etl_memory"] == f"{int(bench.machine_gib() / 2)}GB" != bench.ETL_MEMORY_LIMIT
    text = out.read_text(encoding="utf-8")
    assert "publish ≤ 600 s (" in text and "incrementally in ≤ 30 s (" in text
    assert "1/40 of the history: beyond issue 17's monthly export; for reference] (" in text
    assert (
        f"one export of 20 tickets (issue 17's monthly export) publishes incrementally in ≤ 30 s ({e['mode']}," in text
        and "every query p95 ≤ 150 ms (" in text
    )
    assert "render ≤ 1.5 s [target set at 10 M; for reference]" in text
