"""ETL for the Qujing operations dashboard: inbox -> lake (Parquet) -> DuckDB warehouse."""

import os

# Before numpy loads OpenBLAS: the forecasts fit series of a few dozen months, where OpenBLAS's second thread only spins.
# It took a core from DuckDB while an incremental publish builds its models beside the fits (docs/PERFORMANCE.md).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
