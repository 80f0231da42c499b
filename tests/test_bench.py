"""A smoke run of the benchmark on a tiny size: every measure is produced and the report is written."""

import json


def test_bench_smoke(tmp_path):
    from bench.__main__ import main

    out = tmp_path / "PERFORMANCE.md"
    assert main(["--tickets", "2000", "--repeat", "2", "--out", str(out)]) == 0
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))[0]
    assert data["tickets"] == 2000 and data["ingest"]["utf8_rows_per_s"] > 0 and data["publish_s"] > 0
    assert {"overview", "hotline"} == set(data["render_s"])
    assert any(k.endswith("hotline_kpis:all") and "floor_ratio" in v for k, v in data["queries"].items())
    assert "| ingest UTF-8 CSV" in out.read_text(encoding="utf-8")
