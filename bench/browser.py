"""python -m bench.browser --db PATH [--repeat 10] — the latency a leader feels: the app served by `streamlit run` on a
warehouse, driven by headless Chromium (Playwright, Debian's /usr/bin/chromium), timed from the action until Streamlit
has finished its run and every visible chart has drawn, for each interaction; and the server's CPU time for each
(from /proc/<pid>/stat of the server process, not the browser), which says how many interactions one core sustains.

"Settled" is read in the page (SETTLED): Streamlit's run has ended, nothing waits for its first draw, and every chart in
the viewport has drawn, held for HOLD_MS; the latency is the moment that began minus the moment of the action (for a
new tab, its navigation start). Prints one JSON line."""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1440, "height": 900}
COUNTIES = ("宣威市", "会泽县")
MONTH_BUTTONS = ("近三月", "本年")
HOTLINE_TABS = ("月度趋势", "区县")
TICK = os.sysconf("SC_CLK_TCK")

# Installed in every document before its own scripts. Streamlit marks its root with data-test-script-state (running
# while the script runs); __sawRun says a run began since the action. performance.now() counts from the document's
# navigation start, so a new tab's figure is from the moment it was asked for.
OBSERVE = """
window.__t0 = 0; window.__sawRun = false; window.__doneAt = null;
new MutationObserver(() => {
  const app = document.querySelector('[data-testid=stApp]');
  if (app && app.getAttribute('data-test-script-state') === 'running') window.__sawRun = true;
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state'], childList: true});
"""
ARM = "() => { window.__t0 = performance.now(); window.__sawRun = false; window.__doneAt = null; return window.__t0; }"
# Settled: the run has ended (or none began within RUN_WAIT_MS: a click that changes nothing), nothing is waiting for
# its first draw, and every chart in the viewport has drawn (a plotly chart its SVG, a map its canvas); held for
# HOLD_MS, the latency is the moment it began to hold.
SETTLED = """([wait, hold]) => {
  const now = performance.now();
  const app = document.querySelector('[data-testid=stApp]');
  const state = app && app.getAttribute('data-test-script-state');
  // in view: at least 100 px of it on screen (a chart whose top edge just shows at the foot is drawn when scrolled to)
  const inView = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && Math.min(r.bottom, innerHeight) - Math.max(r.top, 0) >= 100; };
  let ok = !!app && state !== 'running' && state !== 'rerunRequested' && state !== 'initial' && (window.__sawRun || now - window.__t0 > wait)
    && !document.querySelector('[data-testid=stSkeleton]');
  for (const c of document.querySelectorAll('[data-testid=stPlotlyChart]')) if (ok && inView(c) && !c.querySelector('svg.main-svg')) ok = false;
  for (const c of document.querySelectorAll('[data-testid=stDeckGlJsonChart]')) {
    const canvas = c.querySelector('canvas');
    if (ok && inView(c) && !(canvas && canvas.width > 0)) ok = false;
  }
  if (!ok) { window.__doneAt = null; return false; }
  if (window.__doneAt === null) window.__doneAt = now;
  return now - window.__doneAt >= hold;
}"""
RUN_WAIT_MS, HOLD_MS = 1500, 300
PENDING = """() => ({
  state: (document.querySelector('[data-testid=stApp]') || {getAttribute: () => null}).getAttribute('data-test-script-state'),
  skeletons: document.querySelectorAll('[data-testid=stSkeleton]').length,
  plots: [...document.querySelectorAll('[data-testid=stPlotlyChart]')].map(c => !!c.querySelector('svg.main-svg')),
  maps: [...document.querySelectorAll('[data-testid=stDeckGlJsonChart]')].map(c => { const v = c.querySelector('canvas'); return v ? v.width : -1; }),
})"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(env: dict[str, str], port: int | None = None, args: tuple[str, ...] = ()):
    """`streamlit run dashboard/server.py` (the app with its session routes) on 127.0.0.1, as `make app` starts it, with
    these environment variables; yields (url, server pid) once healthy. The browser tests start theirs here too."""
    port = port or _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "server.py"), "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false", *args],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise TimeoutError("the app did not start within 60 s")
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the server process (its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


class Timer:
    def __init__(self, page, pid: int):
        self.page, self.pid = page, pid
        self.samples: dict[str, list[tuple[float, float]]] = {}

    def measure(self, name: str, action) -> float:
        """Run the action; record (seconds until settled, server CPU seconds)."""
        cpu = cpu_seconds(self.pid)
        start = self.page.evaluate(ARM)
        action()
        self.wait(name)
        took = (self.page.evaluate("() => window.__doneAt") - start) / 1000
        self.samples.setdefault(name, []).append((took, cpu_seconds(self.pid) - cpu))
        return took

    def wait(self, name: str = "settle") -> None:
        try:
            self.page.wait_for_function(SETTLED, arg=[RUN_WAIT_MS, HOLD_MS], timeout=60_000, polling="raf")
        except Exception as e:  # say which interaction never settled, and what the page showed
            shot = Path(os.environ.get("TMPDIR", "/tmp")) / "bench-browser-timeout.png"
            self.page.screenshot(path=str(shot))
            state = self.page.evaluate(PENDING)
            raise RuntimeError(f"{name}: the page did not settle within 60 s ({state}; screenshot {shot}) at {self.page.url}") from e

    def settle(self) -> None:
        self.page.evaluate(ARM)
        self.wait()


def _nav(page, title: str):
    return page.locator("[data-testid=stSidebarNav] a", has_text=title).first


def _county_box(page):
    return page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").filter(has_text="区县")


def _set_county(page, county: str | None) -> None:
    """One change of the sidebar's county: choose one (from the whole city), or clear it back to the whole city."""
    box = _county_box(page)
    if county is None:
        box.locator("[data-testid=stMultiSelectClearAll], [aria-label='Clear all']").first.click()
        return
    box.locator("input").click()
    page.get_by_role("option", name=county, exact=True).click()
    page.keyboard.press("Escape")


def run(url: str, pid: int, repeat: int) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
        context.add_init_script(OBSERVE)
        page = context.new_page()
        t = Timer(page, pid)
        page.goto(f"{url}/")
        page.wait_for_selector("h1", timeout=60_000)
        t.settle()
        for k in range(repeat):  # 总览: a county and back to the whole city (each one rerun), then the month range
            t.measure("change county", lambda k=k: _set_county(page, COUNTIES[k // 2 % 2] if k % 2 == 0 else None))
        for k in range(repeat):
            t.measure(
                "change month range",
                lambda k=k: page.locator("[data-testid=stSidebar]").get_by_text(MONTH_BUTTONS[k % 2], exact=True).click(),
            )
        page.locator("[data-testid=stSidebar]").get_by_text("全部", exact=True).click()  # every month: the pages have data
        t.settle()
        if repeat % 2:  # the county loop ended on a county: back to the whole city first
            _set_county(page, None)
            t.settle()
        _set_county(page, COUNTIES[0])  # the rest with one county: 区县画像 shows its whole profile
        t.settle()
        t.measure("switch page", lambda: _nav(page, "12345热线").click())
        for k in range(repeat):
            name = HOTLINE_TABS[(k + 1) % 2]
            t.measure("switch tab on 12345热线", lambda name=name: page.get_by_role("tab", name=name, exact=True).click())
        for k in range(repeat - 1):
            t.measure("switch page", lambda k=k: _nav(page, ("总览", "12345热线")[k % 2]).click())
        for _ in range(repeat):
            _nav(page, "总览").click()
            t.settle()
            t.measure("open 区县画像", lambda: _nav(page, "区县画像").click())
        query = page.url.split("?", 1)[1] if "?" in page.url else ""
        for _ in range(repeat):
            fresh = context.new_page()
            cpu = cpu_seconds(pid)
            fresh.goto(f"{url}/hotline?{query}")
            Timer(fresh, pid).wait()
            took = fresh.evaluate("() => window.__doneAt") / 1000  # from the new document's navigation start
            t.samples.setdefault("open a page in a new tab", []).append((took, cpu_seconds(pid) - cpu))
            fresh.close()
        browser.close()
    out = {}
    for name, samples in t.samples.items():
        secs = sorted(s for s, _ in samples)
        cpu_ms = statistics.median(c for _, c in samples) * 1000
        out[name] = {
            "n": len(secs),
            "median_s": round(statistics.median(secs), 2),
            "p95_s": round(secs[min(len(secs) - 1, round(0.95 * (len(secs) - 1)))], 2),
            "max_s": round(secs[-1], 2),
            "server_cpu_ms": round(cpu_ms),
            "per_core_per_s": round(1000 / cpu_ms, 1) if cpu_ms else None,
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.browser")
    ap.add_argument("--db", required=True)
    ap.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args(argv)
    if not CHROMIUM.exists():
        print(json.dumps({"skipped": "Chromium is not installed (apt-get install chromium fonts-noto-cjk)"}))
        return 0
    with serve({"DASHBOARD_DB": str(Path(args.db).resolve())}) as (url, pid):
        result = run(url, pid, args.repeat)
    print(json.dumps({"browser": result}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
