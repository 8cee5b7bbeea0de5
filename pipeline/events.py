"""Run events: what a run is doing, for the terminal's progress bars and the
structured log (``<home>/logs/kinerja-YYYY-MM-DD.jsonl``, one JSON object per
line). Stages call :func:`emit`; front ends :func:`subscribe` a sink.

Events (``kind`` and fields): ``run_started`` (run_id, inbox, home),
``batch_ready`` (run_id, files: new files to extract), ``file_started``
(run_id, name, sha256, size), ``file_opened`` (name, pages), ``page_done``
(name, page_no, text_source), ``file_done`` (run_id, name, status, message,
pages, document_id, doc_type; sha256 and seconds when processed, error_code
when quarantined), ``step`` (run_id, step: map | publish | consolidate,
detail), ``run_finished`` (run_id, counts, pages, seconds). ``file_opened``
and ``page_done`` come from the process that extracts (not seen from Dask
workers).
"""
from __future__ import annotations

import json
import threading
from datetime import datetime
from pathlib import Path
from typing import Callable

Sink = Callable[[str, dict], None]
_sinks: list[Sink] = []
_lock = threading.Lock()


def subscribe(sink: Sink) -> Callable[[], None]:
    """Register ``sink(kind, fields)``; returns a function that unregisters it."""
    with _lock:
        _sinks.append(sink)

    def unsubscribe() -> None:
        with _lock:
            if sink in _sinks:
                _sinks.remove(sink)
    return unsubscribe


def emit(kind: str, **fields) -> None:
    """Send an event to every sink; a failing sink never stops the run."""
    with _lock:
        sinks = list(_sinks)
    for sink in sinks:
        try:
            sink(kind, fields)
        except Exception:  # noqa: BLE001 - progress and logs are best effort
            pass


class JsonLog:
    """A sink appending events as JSON lines to ``<folder>/kinerja-<date>.jsonl``
    (``ts`` in local ISO time, ``event``, then the fields)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def __call__(self, kind: str, fields: dict) -> None:
        now = datetime.now()
        line = json.dumps({"ts": now.isoformat(timespec="milliseconds"), "event": kind, **fields},
                          ensure_ascii=False, default=str)
        with self._lock, open(self.folder / f"kinerja-{now:%Y-%m-%d}.jsonl", "a", encoding="utf-8") as fh:
            fh.write(line + "\n")


def recent(folder: Path, kind: str, limit: int = 5) -> list[dict]:
    """The newest ``limit`` events of ``kind`` from the JSON logs in ``folder``, newest first."""
    found: list[dict] = []
    for log in sorted(Path(folder).glob("kinerja-*.jsonl"), reverse=True):
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        for line in reversed(lines):
            try:
                ev = json.loads(line)
            except ValueError:
                continue        # a line cut short by a crash
            if ev.get("event") == kind:
                found.append(ev)
                if len(found) >= limit:
                    return found
    return found
