"""Helpers for the tests that run ``kinerja`` as real processes (crash safety,
readers and writers, serve, hostile inputs)."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb

from .conftest import REPO, SAMPLES

#: Columns that differ between two runs of the same inputs (times, run ids, paths with a timestamp).
VOLATILE = {"run_id", "build_id", "processed_at", "received_at", "occurred_at", "built_at", "matched_at",
            "processing_seconds", "seconds", "quarantine_path", "imported_at", "recorded_at", "applied_at"}


def kinerja_env(prefect_home: Path, api_url: str | None = None, **extra: str) -> dict[str, str]:
    """Environment of a ``kinerja`` process: Prefect's state in ``prefect_home``;
    with ``api_url``, its flow runs go to that running Prefect server (as
    under ``kinerja serve``, see :func:`shared_prefect_server`), else to the
    temporary API each run starts for itself (the default). ``extra`` adds
    variables (``KINERJA_CRASH_AT``...)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "KINERJA_"))}
    env.update(PREFECT_HOME=str(prefect_home), OMP_THREAD_LIMIT="1", PYTHONUNBUFFERED="1", COLUMNS="200",
               PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1", **extra)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def shared_prefect_server(home: Path):
    """A Prefect server on a free local port (``kinerja serve``'s own
    :class:`flows.serve.PrefectServer`), state under ``home``; yields its API
    URL. Runs pointed at it skip the temporary API that a run starts for
    itself, about 8 s a run here: the tests that start ``kinerja run`` a
    dozen times share one (the crash-safety property does not depend on
    where Prefect records the runs; some runs of those tests still use the
    temporary API)."""
    from flows.serve import PrefectServer

    with PrefectServer(home, port=free_port()) as server:
        yield server.api_url


def kinerja(args: list[str], env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``python -m flows.cli <args>`` in the repo in its own process group and
    return it completed. Output goes through files, not pipes, and the group is
    killed afterwards: a run killed with SIGKILL leaves Prefect's temporary API
    server behind, which would hold pipes open."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, "-m", "flows.cli", *args], cwd=REPO, env=env, stdout=out,
                                stderr=err, text=True, start_new_session=True)
        try:
            rc = proc.wait(timeout)
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(proc.args, rc, out.read(), err.read())


def age(folder: Path, seconds: float = 60) -> None:
    """Make every file in ``folder`` look settled (older than the settle time)."""
    old = time.time() - seconds
    for p in folder.rglob("*"):
        if p.is_file() and not p.is_symlink():
            os.utime(p, (old, old))


def fill_inbox(inbox: Path, names: list[str]) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    for n in names:
        shutil.copy(SAMPLES / "inbox" / n, inbox / n)
    age(inbox)


def file_hashes(folder: Path) -> set[str]:
    return {hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*")
            if p.is_file() and not p.is_symlink() and not p.name.endswith(".reason.txt")}


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every raw table's rows (sorted, volatile columns left out, the data home
    written as ``<home>``), except the run log."""
    home = str(db.parent)

    def norm(v):
        return v.replace(home, "<home>") if isinstance(v, str) else v

    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_type = "
                                            "'BASE TABLE' AND table_name LIKE 'raw_%' ORDER BY 1").fetchall()]
        for t in tables:
            if t == "raw_runs":
                continue
            cols = [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                                              "ORDER BY ordinal_position", [t]).fetchall() if c not in VOLATILE]
            out[t] = sorted((tuple(map(norm, r)) for r in con.execute(f"SELECT {', '.join(cols)} FROM {t}").fetchall()),
                            key=repr)
        return out
    finally:
        con.close()
