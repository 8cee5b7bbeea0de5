"""Documents extracted in worker processes (pipeline.workers): the same result
as in the run's own process, the workers' events re-emitted here before the
result comes back, and a file that crashes its reader quarantined while the
rest of the batch goes on."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import duckdb
import pytest

from pipeline.events import subscribe
from pipeline.inbox import sha256_file
from pipeline.process import process_file
from pipeline.workers import ExtractionPool

from .conftest import REPO, SAMPLES
from .unattended import fill_inbox, kinerja, kinerja_env

DIGITAL = SAMPLES / "inbox" / "sop-pelaporan-kinerja-digital.pdf"
SCANNED = SAMPLES / "inbox" / "lapkin-tw2-2024-ikp-scan.pdf"


def _same(a, b) -> bool:
    return a.model_copy(update={"seconds": 0}) == b.model_copy(update={"seconds": 0})


def test_workers_give_the_same_result_and_forward_events(settings):
    events: list[tuple[str, dict]] = []
    unsubscribe = subscribe(lambda kind, fields: events.append((kind, fields)))
    try:
        with ExtractionPool(settings, 2) as pool, ThreadPoolExecutor(2) as threads:
            futures = {p: threads.submit(pool.extract, p, sha256_file(p), p.name, settings) for p in (DIGITAL, SCANNED)}
            docs = {p: f.result() for p, f in futures.items()}
            seen = list(events)        # what had arrived when extract() returned
    finally:
        unsubscribe()
    for path, doc in docs.items():
        here = process_file(path, sha256_file(path), path.name, settings)
        assert _same(doc, here), path.name
        pages = [f["page_no"] for k, f in seen if k == "page_done" and f["name"] == path.name]
        assert sorted(pages) == list(range(1, len(doc.pages) + 1)), path.name
        assert ("file_opened", {"name": path.name, "pages": len(doc.pages)}) in seen
    assert docs[SCANNED].pages[0].text_source == "ocr" and docs[DIGITAL].classification.doc_type == "sop"


def test_a_file_that_crashes_its_reader_is_told_from_the_one_beside_it(tmp_path):
    """Two documents in flight when one of them kills its worker (SIGKILL, as a
    segmentation fault would): the pool is renewed, each is read again alone;
    the culprit kills that process too and is reported, the other comes back.
    Run in a fresh interpreter: the crash point is read from the environment
    the workers inherit."""
    good, bad = tmp_path / "baik.pdf", tmp_path / "mogok.pdf"
    good.write_bytes((SAMPLES / "inbox" / "pk-2024-ikp.pdf").read_bytes())
    bad.write_bytes((SAMPLES / "inbox" / "renaksi-2024-ikp.pdf").read_bytes())
    code = textwrap.dedent(f"""
        import json
        from concurrent.futures import ThreadPoolExecutor
        from pathlib import Path
        from pipeline.config import Settings
        from pipeline.workers import ExtractionPool
        s = Settings(home=Path({str(tmp_path / 'home')!r}), workers=2)
        s.ensure_dirs()
        def one(pool, p):
            try:
                return ["ok", pool.extract(p, "x" * 64, p.name, s).classification.doc_type]
            except Exception as e:
                return [type(e).__name__, getattr(e, "code", "")]
        with ExtractionPool(s, 2) as pool, ThreadPoolExecutor(2) as threads:
            out = list(threads.map(lambda p: one(pool, p), [Path({str(good)!r}), Path({str(bad)!r})]))
            out.append(["after", pool.extract(Path({str(good)!r}), "x" * 64, "baik.pdf", s).classification.doc_type])
        print(json.dumps(out))
    """)
    env = kinerja_env(tmp_path / "prefect", KINERJA_CRASH_AT="worker:mogok.pdf")
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert json.loads(r.stdout.strip().splitlines()[-1]) == [
        ["ok", "perjanjian_kinerja"], ["ReaderCrashedError", "reader_crashed"], ["after", "perjanjian_kinerja"]]


def test_run_quarantines_the_crashing_file_and_loads_the_rest(tmp_path):
    home = tmp_path / "home"
    fill_inbox(home / "inbox", ["pk-2024-ikp.pdf", "renaksi-2024-ikp.pdf", "lapkin-tw1-2024-ikp.pdf"])
    r = kinerja(["run", "--home", str(home)],
                kinerja_env(tmp_path / "prefect", KINERJA_CRASH_AT="worker:renaksi-2024-ikp.pdf"))
    assert r.returncode == 0, r.stdout + r.stderr
    con = duckdb.connect(str(home / "kinerja.duckdb"), read_only=True)
    try:
        loaded = sorted(n for (n,) in con.execute("select original_name from raw_documents").fetchall())
        errors = con.execute("select original_name, error_code from raw_errors").fetchall()
    finally:
        con.close()
    assert loaded == ["lapkin-tw1-2024-ikp.pdf", "pk-2024-ikp.pdf"]
    assert errors == [("renaksi-2024-ikp.pdf", "reader_crashed")]
    reason = next((home / "quarantine").glob("*renaksi-2024-ikp.pdf.reason.txt")).read_text()
    assert "crash" in reason and "save or print it to a new PDF" in reason
    assert list((home / "inbox").iterdir()) == []


@pytest.mark.parametrize("processes", [0, 2])
def test_setting_chooses_threads_or_processes(processes, monkeypatch):
    from pipeline.config import Settings

    monkeypatch.setenv("KINERJA_WORKERS", "2")
    monkeypatch.setenv("KINERJA_WORKER_PROCESSES", str(processes))
    assert Settings().extraction_processes == processes
    monkeypatch.delenv("KINERJA_WORKER_PROCESSES")
    assert Settings().extraction_processes == 2
    assert Settings(workers=1).extraction_processes == 0
