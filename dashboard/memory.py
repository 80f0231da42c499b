"""The server's garbage collection. Streamlit collects every generation after each script run (runner.postScriptGC),
which walks every object the process holds: plotly's and pandas' modules and the rest of what the first run imported,
tens of milliseconds a rerun, every rerun. Frozen after the first run (gc.freeze), those objects are left out of every
collection; the objects of later runs are still collected after each. On the 10 M warehouse a county change cost
190 ms of server CPU before, 110 ms after (docs/PERFORMANCE.md)."""

import gc
from functools import cache


@cache
def freeze_once() -> None:
    """Once per process: what is alive now (the modules, the first run's objects) moves out of the collector's sight."""
    gc.collect()
    gc.freeze()
