"""The felt-latency stage of the benchmark (bench.browser) runs end to end on the demo warehouse: every interaction
is timed in Chromium, with the server's CPU time, and each one really happened (the URL, the tab, the page)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.browser.test_browser import missing
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(missing is not None, reason=f"browser tests skipped: {missing}")


def test_the_felt_latency_stage_times_every_interaction(demo_db):
    # in its own process, as make bench runs it (Playwright's sync API runs one driver per process: the session's own
    # Chromium is one already)
    proc = subprocess.run(
        [sys.executable, "-m", "bench.browser", "--db", str(demo_db), "--repeat", "2"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])["browser"]
    assert set(result) == {
        "change county",
        "change month range",
        "switch page",
        "switch tab on 12345热线",
        "open 区县画像",
        "open a page in a new tab",
    }
    for name, r in result.items():
        assert r["n"] >= 2 and 0 < r["median_s"] <= r["p95_s"] <= r["max_s"] < 30, name
        assert r["server_cpu_ms"] > 0, name  # every interaction made the server run the page
