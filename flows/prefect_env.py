"""Prefect settings for local, offline runs; must run before ``import prefect``."""
from __future__ import annotations

import os
from pathlib import Path


def configure(home: Path, verbose: bool = False) -> None:
    """Keep Prefect's state under the data home, turn analytics off (no network),
    and use the ephemeral local API unless ``kinerja serve`` runs a server for
    this data home or the user points ``PREFECT_API_URL`` at one (see
    ../shared/STACK.md)."""
    prefect_home = (Path(home) / "prefect").resolve()
    prefect_home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(prefect_home))
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    os.environ["DO_NOT_TRACK"] = "1"
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from flows.serve import running_server   # no Prefect import there

    served = running_server(Path(home).resolve())
    if served and "PREFECT_API_URL" not in os.environ:
        os.environ["PREFECT_API_URL"] = served   # manual runs show in the served UI and history
