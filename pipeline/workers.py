"""Documents extracted in worker processes, so that both cores run our own
Python work (text layers, tables, ink, parsing), not only Tesseract.

A run's extraction threads each hand one document at a time to an
:class:`ExtractionPool`: ``processes`` worker processes forked from a
fork server that has imported the pipeline and loaded its word lists once
(``multiprocessing`` "forkserver": the run's own process is multi-threaded,
and forking it directly is unsafe). Inside a worker a document's pages are
still read ``workers`` at a time (:mod:`pipeline.parallel`).

- **Tesseract slots** are one semaphore shared by every worker: at most
  ``settings.workers`` Tesseract processes run at once, whichever document
  they belong to (the machine has that many cores).
- **Events** a worker emits (``file_opened``, ``page_done``) go through a queue
  and are emitted again in the run's process, for the progress bars and the
  JSON log; :meth:`ExtractionPool.extract` returns only once a document's
  events are all through, so they never come after its ``file_done``.
- **Crash isolation:** a worker that dies (a segmentation fault in a PDF
  library, the kernel's out-of-memory killer) breaks the pool. The pool is
  renewed, and every document that was in flight is read once more alone, in
  a process of its own: one that brings that process down too is the culprit
  and raises :class:`ReaderCrashedError` (quarantined with its reason); the
  others, which only shared the broken pool, come back as if nothing happened.
- Errors raised by :func:`pipeline.process.process_file` (input errors,
  :class:`TransientError`) come back as they were raised.

A worker process costs about 150 MB besides its pages (Python, OpenCV,
PDFium, pdfplumber, spaCy). As with any "forkserver" or "spawn" process, a
worker imports the main module of the process that made it (the ``kinerja``
script: cheap; a flow run started by ``kinerja serve``: Prefect's engine,
about 2 s once per run), so a script using this pool needs the
``if __name__ == "__main__":`` guard.
"""
from __future__ import annotations

import itertools
import logging
import multiprocessing
import multiprocessing.forkserver
import queue
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from .config import Settings
from .crash_points import crash_point
from .errors import ReaderCrashedError
from .events import emit, subscribe
from .models import DocumentResult

log = logging.getLogger(__name__)

#: Modules the fork server imports before it forks any worker (see :mod:`pipeline.worker_preload`).
PRELOAD = ["pipeline.worker_preload"]
#: Event kind a worker sends after a document's last event (not re-emitted).
_FLUSHED = "_flushed"
#: Longest wait (seconds) for a document's events after its result came back.
FLUSH_TIMEOUT = 10.0


# -- in the worker process ------------------------------------------------------
_slots = None
_events = None


def _init_worker(events, slots) -> None:
    """Worker start: forward this process's events to ``events``; share the
    Tesseract ``slots``; OpenCV on one thread (the workers already keep the
    cores busy, and OpenCV's own threads only added CPU time: 7.0 against
    5.5 CPU-s for the benchmark's 13 scanned pages, OCR aside)."""
    global _slots, _events
    import cv2

    cv2.setNumThreads(1)
    _slots, _events = slots, events
    subscribe(lambda kind, fields: events.put((kind, fields)))


def _extract(path: Path, sha256: str, name: str, settings: Settings, token: int) -> DocumentResult:
    """:func:`pipeline.process.process_file` in a worker, then the flush marker ``token``."""
    from .process import make_ocr, process_file

    try:
        crash_point(f"worker:{name}")
        return process_file(path, sha256, name, settings, make_ocr(settings, slots=_slots))
    finally:
        _events.put((_FLUSHED, {"token": token}))


# -- in the run's process -------------------------------------------------------
class _Generation:
    """One process pool with its event queue, Tesseract slots and the thread
    that re-emits the workers' events; replaced as a whole when a worker dies."""

    def __init__(self, ctx, processes: int, ocr_slots: int, flushed):
        self.events = ctx.Queue()
        self.slots = ctx.BoundedSemaphore(ocr_slots)
        self.executor = ProcessPoolExecutor(processes, mp_context=ctx, initializer=_init_worker,
                                            initargs=(self.events, self.slots))
        self._stop = threading.Event()
        self._flushed = flushed
        self._pump = threading.Thread(target=self._forward, name="kinerja-worker-events", daemon=True)
        self._pump.start()

    def _forward(self) -> None:
        while not self._stop.is_set():
            try:
                kind, fields = self.events.get(timeout=0.2)
            except queue.Empty:
                continue
            except Exception:  # noqa: BLE001 - queue closed, or a message cut short by a dying worker
                return
            if kind == _FLUSHED:
                self._flushed(fields["token"])
            else:
                emit(kind, **fields)

    def close(self, wait: bool = True) -> None:
        try:
            self.executor.shutdown(wait=wait, cancel_futures=True)
        finally:
            self._stop.set()
            self._pump.join(timeout=FLUSH_TIMEOUT if wait else 1.0)
            self.events.close()


def warm_up() -> None:
    """Start the fork server now (it imports :data:`PRELOAD` in the background),
    so that a pool created later starts its workers at once. Idempotent."""
    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
    multiprocessing.forkserver.ensure_running()


class ExtractionPool:
    """``processes`` worker processes extracting whole documents; a context
    manager (the workers stop when the ``with`` block ends). Thread-safe:
    call :meth:`extract` from as many threads as there are processes."""

    def __init__(self, settings: Settings, processes: int):
        self._ctx = multiprocessing.get_context("forkserver")
        warm_up()       # its imports run while the caller goes on
        self._processes, self._ocr_slots = processes, settings.workers
        self._lock = threading.Lock()
        self._tokens = itertools.count()
        self._waiting: dict[int, threading.Event] = {}
        self._gen = _Generation(self._ctx, processes, self._ocr_slots, self._flushed)

    def __enter__(self) -> "ExtractionPool":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self._gen.close(wait=exc_type is None)      # interrupted: do not wait for documents in flight

    def _flushed(self, token: int) -> None:
        with self._lock:
            done = self._waiting.get(token)
        if done is not None:
            done.set()

    def _renew(self, broken: _Generation) -> None:
        """Replace the pool once, whichever thread saw it break first."""
        with self._lock:
            if self._gen is not broken:
                return
            log.warning("an extraction process died; starting new ones")
            self._gen = _Generation(self._ctx, self._processes, self._ocr_slots, self._flushed)
        broken.close(wait=False)

    def _run(self, gen: _Generation, path: Path, sha256: str, name: str, settings: Settings) -> DocumentResult:
        token = next(self._tokens)
        done = threading.Event()
        with self._lock:
            self._waiting[token] = done
        try:
            future = gen.executor.submit(_extract, path, sha256, name, settings, token)
            try:
                return future.result()
            finally:        # the worker's events, unless it died
                if future.done() and not future.cancelled() and not isinstance(future.exception(), BrokenProcessPool) \
                        and not done.wait(FLUSH_TIMEOUT):
                    log.warning("events of %s did not all arrive", name)
        finally:
            with self._lock:
                self._waiting.pop(token, None)

    def extract(self, path: Path, sha256: str, name: str, settings: Settings) -> DocumentResult:
        """:func:`pipeline.process.process_file` of one file in a worker
        process. Raises what it raises, and :class:`ReaderCrashedError` when
        the file brings a worker down even when read alone."""
        gen = self._gen
        try:
            return self._run(gen, path, sha256, name, settings)
        except BrokenProcessPool:
            self._renew(gen)
        alone = _Generation(self._ctx, 1, self._ocr_slots, self._flushed)
        try:
            return self._run(alone, path, sha256, name, settings)
        except BrokenProcessPool as e:
            raise ReaderCrashedError(f"'{name}' makes the reading software crash (twice, the second time "
                                     "read on its own).", detail=str(e)) from e
        finally:
            alone.close(wait=False)
