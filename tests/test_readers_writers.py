"""Readers and writers as separate real processes (DuckDB allows one writer and
no reader beside it, ../shared/STACK.md): an analyst who keeps the published
copy open never blocks a run, a run never blocks an analyst, a second run
waits for (or names) the one holding the writer lock, and a program holding
the working file gets a clear, retryable message."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from .unattended import fill_inbox, kinerja, kinerja_env

ANALYST = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro')
    print(con.execute('select count(*) from rpt_documents').fetchone()[0], flush=True)
    sys.stdin.readline()                      # keep the file open until told
    print(con.execute('select count(*) from rpt_documents').fetchone()[0], flush=True)
""")


def _analyst(path, mode: str) -> subprocess.Popen:
    p = subprocess.Popen([sys.executable, "-c", ANALYST, str(path), mode], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return p


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, prefect_api):
    """A data home after one run; the runs of these tests report to the shared
    Prefect server (this first one starts the temporary API of its own)."""
    base = tmp_path_factory.mktemp("rw")
    home = base / "home"
    fill_inbox(home / "inbox", ["sop-pelaporan-kinerja-digital.pdf"])
    r = kinerja(["run", "--home", str(home)], kinerja_env(base / "prefect"))
    assert r.returncode == 0, r.stdout + r.stderr
    return base, home, prefect_api


@pytest.mark.parametrize("mode", ["ro", "rw"])     # DBeaver opens read-write unless told otherwise
def test_analyst_with_the_copy_open_does_not_block_a_run(first_run, mode):
    base, home, api = first_run
    copy = home / "kinerja-readonly.duckdb"
    analyst = _analyst(copy, mode)
    try:
        before = int(analyst.stdout.readline())
        fill_inbox(home / "inbox", ["sop-pengelolaan-arsip-digital.pdf"] if mode == "ro" else ["pk-2024-ikp.pdf"])
        r = kinerja(["run", "--home", str(home), "--wait", "0"], kinerja_env(base / "prefect", api))
        assert r.returncode == 0, r.stdout + r.stderr
        assert "processed" in r.stdout
        out, err = analyst.communicate("\n", timeout=30)
        assert analyst.returncode == 0, err
        assert int(out.strip()) == before          # the open connection still reads its snapshot
    finally:
        analyst.kill()
    con = duckdb.connect(str(copy), read_only=True)     # opened again: the new document is there
    try:
        assert con.execute("select count(*) from rpt_documents").fetchone()[0] == before + 1
    finally:
        con.close()


def test_run_holding_the_lock_blocks_neither_analysts_nor_says_nothing(first_run):
    base, home, api = first_run
    # a run in progress: it holds the writer lock and has the working file open read-write
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, duckdb
        from pathlib import Path
        from pipeline.writer_lock import writer_lock
        with writer_lock(Path({str(home)!r}), 'kinerja run (test)'):
            con = duckdb.connect({str(home / 'kinerja.duckdb')!r})
            print('holding', flush=True)
            sys.stdin.readline()
            con.close()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        analyst = _analyst(home / "kinerja-readonly.duckdb", "ro")      # the analyst reads meanwhile
        assert int(analyst.stdout.readline()) >= 1
        analyst.communicate("\n", timeout=30)
        assert analyst.returncode == 0
        t0 = time.monotonic()
        second = kinerja(["run", "--home", str(home), "--wait", "2"], kinerja_env(base / "prefect", api))
        assert second.returncode == 75, second.stdout + second.stderr
        assert time.monotonic() - t0 >= 2
        assert f"pid {holder.pid}" in second.stdout and "kinerja run (test)" in second.stdout
    finally:
        holder.communicate("\n", timeout=30)


def test_program_holding_the_working_file_gets_a_clear_message(first_run):
    base, home, api = first_run
    fill_inbox(home / "inbox", ["renaksi-2024-ikp.pdf"])
    squatter = _analyst(home / "kinerja.duckdb", "rw")      # someone opened the working file itself
    try:
        squatter.stdout.readline()
        r = kinerja(["run", "--home", str(home), "--wait", "0"], kinerja_env(base / "prefect", api))
        assert r.returncode == 75, r.stdout + r.stderr
        assert "kinerja-readonly.duckdb" in r.stdout
    finally:
        squatter.communicate("\n", timeout=30)
    assert (home / "inbox" / "renaksi-2024-ikp.pdf").exists()      # left for the next run
    r = kinerja(["run", "--home", str(home)], kinerja_env(base / "prefect", api))
    assert r.returncode == 0 and not (home / "inbox" / "renaksi-2024-ikp.pdf").exists(), r.stdout + r.stderr


def test_status_shows_backlog_runs_quarantine_and_review(first_run):
    base, home, api = first_run
    fill_inbox(home / "inbox", ["renaksi-2024-ikp.pdf"])           # backlog: one ready file
    (home / "inbox" / "baru.pdf").write_bytes(b"%PDF-1.4 still copying")      # young: still being copied
    r = kinerja(["status", "--home", str(home)], kinerja_env(base / "prefect"), timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    assert "1 file(s) ready, 1 still being copied" in out
    assert "Scheduler: not running" in out and "Writer: idle" in out
    assert "Last runs" in out and "Quarantine" in out and "Values needing review" in out
    (home / "inbox" / "baru.pdf").unlink()
    (home / "inbox" / "renaksi-2024-ikp.pdf").unlink()
