"""The ``process_inbox`` flow: inbox -> archive -> extraction -> DuckDB, with
quarantine for files that cannot be read, then indicator mapping, the
analysts' read-only copy and the recap files.

One run writes at a time (the data home's writer lock, held for the whole
flow). Extraction runs on the task runner: by default each of its threads
hands one document at a time to a worker process (:mod:`pipeline.workers`),
so both cores run our own Python work while this process loads; with
``worker_processes`` 0 the threads extract themselves; with ``--dask`` a Dask
cluster does. Loading is serial in this process, one transaction per document
on the batch's one warehouse connection (:meth:`Warehouse.session`); it is a
plain call, not a Prefect task: on a held connection nothing transient can
happen to it, and a task run per document only cost time (Prefect walked the
whole document looking for futures, and its API server recorded each run).
Retries are only for transient failures (:class:`TransientError`: a killed OCR
process, a locked file); a file that fails for good is quarantined at once.
"""
from __future__ import annotations

import gc
import time
import traceback
from collections import deque
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.task_runners import ThreadPoolTaskRunner

from flows import batch
from flows.batch import FileOutcome, Pending, RunSummary, UnexpectedError
from flows.consolidate import consolidate
from flows.runners import task_runner
from pipeline.catalogue import build_catalogue, map_report_lines
from pipeline.config import Settings
from pipeline.crash_points import crash_point
from pipeline.errors import InputFileError, KinerjaError, TransientError
from pipeline.events import JsonLog, emit, subscribe
from pipeline.models import DocumentResult
from pipeline.process import make_ocr, process_file
from pipeline.workers import ExtractionPool
from pipeline.writer_lock import writer_lock
from warehouse import publish
from warehouse.store import Warehouse


def _is_transient(task, task_run, state) -> bool:
    """Retry condition: only a :class:`TransientError` is worth another try."""
    try:
        state.result()
    except TransientError:
        return True
    except Exception:
        return False
    return False


@task(name="extract-document", retries=2, retry_delay_seconds=3, retry_condition_fn=_is_transient,
      cache_policy=NO_CACHE)
def extract_document(path: Path, sha256: str, name: str, settings: Settings,
                     pool: ExtractionPool | None = None) -> DocumentResult | InputFileError:
    """Pages, OCR, classification and parsing of one file, in a worker process
    of ``pool`` or else here (retried only when OCR died). A file that can
    never be read is an expected outcome, returned as its
    :class:`InputFileError` rather than raised, so Prefect does not log it as a crash."""
    try:
        if pool is not None:
            return pool.extract(path, sha256, name, settings)
        return process_file(path, sha256, name, settings, make_ocr(settings))
    except InputFileError as err:
        return err


def refresh_indicators(db: Path, run_id: str) -> tuple[int, int]:
    """Rebuild the indicator catalogue from PKs, Rencana Aksi and the indicator
    file, then map every report line to it. Returns ``(catalogue entries,
    report lines matched)``."""
    wh = Warehouse(db)
    with wh.session():      # four reads and writes on one connection
        entries = build_catalogue(wh.catalogue_sources())
        wh.save_catalogue(entries, run_id)
        matches = map_report_lines(entries, wh.report_lines())
        wh.save_matches(run_id, matches)
    return len(entries), sum(1 for *_x, m in matches if m.mapped)


@task(name="map-indicators", retries=2, retry_delay_seconds=2, retry_condition_fn=_is_transient,
      cache_policy=NO_CACHE)
def map_indicators(db: Path, run_id: str) -> tuple[int, int]:
    """:func:`refresh_indicators` as a task."""
    return refresh_indicators(db, run_id)


@task(name="publish-readonly-copy", retries=2, retry_delay_seconds=2, retry_condition_fn=_is_transient,
      cache_policy=NO_CACHE)
def publish_copy(db: Path) -> Path:
    """:func:`warehouse.publish.publish` as a task."""
    return publish.publish(db)


def _extract_outcome(fut) -> DocumentResult:
    doc = fut.result()
    if isinstance(doc, InputFileError):
        raise doc
    return doc


def _load_all(pending: list[Pending], settings: Settings, summary: RunSummary, wh: Warehouse, log,
              pool: ExtractionPool | None = None) -> None:
    """Extract on the task runner (through ``pool`` when given) and load in
    order, inside the warehouse session the caller holds. At most ``4 *
    workers`` documents are submitted ahead of the loader: enough that a long
    document at the head does not leave the other workers idle, few enough
    that finished results never pile up in memory."""
    window = deque()
    todo = deque(pending)
    ahead = max(4, 4 * settings.workers)
    marked = False
    while todo or window:
        while todo and len(window) < ahead:
            p = todo.popleft()
            emit("file_started", run_id=summary.run_id, name=p.item.name, sha256=p.sha256, size=p.item.size)
            window.append((p, extract_document.submit(p.item.path, p.sha256, p.item.name, settings, pool)))
        p, fut = window.popleft()
        try:
            doc = _extract_outcome(fut)
            if not marked:      # before the first write: a crash from here on is finished by the next run
                publish.mark_todo(settings.database, *publish.STEPS)
                marked = True
            doc_id = wh.load_document(doc, p.archived, p.received_at, summary.run_id)
        except KinerjaError as err:
            if err.transient:
                summary.add(FileOutcome(p.item.name, "waiting", f"{err.message} (will retry next run)"))
            else:
                batch.quarantine_file(wh, p.item, err, p.sha256, p.archived, settings, summary)
            continue
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
            log.error("unexpected error on %s: %s", p.item.name, traceback.format_exc())
            err = UnexpectedError(f"'{p.item.name}' could not be processed because of an unexpected error.",
                                  detail=f"{type(exc).__name__}: {exc}")
            batch.quarantine_file(wh, p.item, err, p.sha256, p.archived, settings, summary)
            continue
        batch.processed(p, doc, doc_id, summary)


def follow_up(settings: Settings, summary: RunSummary, log) -> None:
    """The steps still to do after the warehouse changed (in this run or in a
    run that was killed): map report rows to indicators, publish the analysts'
    copy, write the recap files. Each step's marker is removed only once it is done."""
    db = settings.database
    steps = publish.todo(db)
    if "map" in steps:
        entries, mapped = map_indicators(db, summary.run_id)
        log.info("indicator catalogue: %d entries; %d report rows mapped", entries, mapped)
        emit("step", run_id=summary.run_id, step="map", detail=f"{entries} indicators, {mapped} rows mapped")
        crash_point("mapped")
        publish.done(db, "map")
    if "publish" in steps:
        publish.mark_todo(db, "consolidate")
        dest = publish_copy(db)
        emit("step", run_id=summary.run_id, step="publish", detail=str(dest))
        publish.done(db, "publish")
    if "consolidate" in steps or "publish" in steps:
        summary.outputs = consolidate(str(settings.home))
        emit("step", run_id=summary.run_id, step="consolidate", detail=f"{len(summary.outputs)} files")
        publish.done(db, "consolidate")


def _extraction_pool(settings: Settings):
    """The worker processes for this run's extraction, or a null context when
    ``settings`` extract in threads or the flow runs on a Dask cluster (whose
    workers extract)."""
    ctx = FlowRunContext.get()
    local = ctx is None or isinstance(ctx.task_runner, ThreadPoolTaskRunner)
    if settings.extraction_processes and local:
        return ExtractionPool(settings, settings.extraction_processes)
    return nullcontext()


def run_batch(settings: Settings, log) -> RunSummary:
    """The body of :func:`process_inbox` (writer lock held by the caller)."""
    t0, started = time.perf_counter(), datetime.now()
    wh = batch.open_warehouse(settings)
    summary = RunSummary(batch.new_run_id())
    emit("run_started", run_id=summary.run_id, inbox=str(settings.inbox), home=str(settings.home))
    with _extraction_pool(settings) as pool:    # its processes start while the inbox is triaged
        pending = batch.triage(settings, wh, summary)
        emit("batch_ready", run_id=summary.run_id, files=len(pending))
        if pending:
            with wh.session():
                _load_all(pending, settings, summary, wh, log, pool)
    follow_up(settings, summary, log)
    summary.seconds = round(time.perf_counter() - t0, 2)
    batch.record_run(wh, settings, summary, started)
    return summary


@flow(name="process_inbox", task_runner=task_runner(Settings()), log_prints=True)
def process_inbox(home: str, inbox: str | None = None, lock_wait: float = 600.0) -> RunSummary:
    """Process every ready file of the inbox. Files are hashed and archived first;
    already-processed hashes are skipped (and removed from the inbox, their bytes
    being archived); extraction runs on the task runner; loads are serial (one
    DuckDB writer); failures go to quarantine with a reason and the batch goes on.
    Waits up to ``lock_wait`` seconds for another writer; raises
    :class:`pipeline.writer_lock.WarehouseBusyError` after that."""
    settings = Settings(home=Path(home), inbox_override=Path(inbox) if inbox else None)
    settings.ensure_dirs()
    log = get_run_logger()
    unsubscribe = subscribe(JsonLog(settings.logs))
    # What is loaded by now (Prefect, DuckDB, the pipeline) lives for the whole run: frozen
    # out of the garbage collector, it is not walked by every collection. Undone at the end,
    # so that it can be freed (DuckDB's bindings report frozen objects as leaks at exit).
    gc.freeze()
    try:
        with writer_lock(settings.home, "process_inbox", wait=lock_wait,
                         on_wait=lambda who: log.warning("waiting for the writer lock held by %s", who)):
            return run_batch(settings, log)
    finally:
        gc.unfreeze()
        unsubscribe()


def configured(settings: Settings):
    """:func:`process_inbox` with the task runner ``settings`` ask for (threads
    or Dask). The module's own flow takes its runner from the environment
    (``KINERJA_DASK_ADDRESS``, ``KINERJA_WORKERS``) when first imported, which is
    what the served deployment's run processes see."""
    return process_inbox.with_options(task_runner=task_runner(settings))
