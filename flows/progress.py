"""Terminal progress for ``kinerja run`` (rich): one bar for the run's files and
one per large document's pages, fed by :mod:`pipeline.events`."""
from __future__ import annotations

import threading

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

#: Documents with at least this many pages get their own bar.
LARGE_DOCUMENT_PAGES = 10


class RunProgress:
    """A context manager showing the bars while the ``with`` block runs; an event
    sink (``progress(kind, fields)``). Shows nothing when output is not a terminal."""

    def __init__(self, console: Console):
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=console, transient=True,
                                 disable=not console.is_terminal)
        self.files = None
        self.docs: dict[str, object] = {}
        self.started: set[str] = set()
        self._lock = threading.Lock()

    def __enter__(self) -> "RunProgress":
        self.progress.__enter__()
        self.files = self.progress.add_task("files", total=None)
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def __call__(self, kind: str, f: dict) -> None:
        with self._lock:
            p = self.progress
            if kind == "batch_ready":
                p.update(self.files, total=f["files"], description=f"{f['files']} new file(s)")
            elif kind == "file_started":
                self.started.add(f["name"])
            elif kind == "file_opened" and (f.get("pages") or 0) >= LARGE_DOCUMENT_PAGES:
                self.docs[f["name"]] = p.add_task(f"  {f['name'][:40]}", total=f["pages"])
            elif kind == "page_done" and f["name"] in self.docs:
                p.advance(self.docs[f["name"]])
            elif kind == "file_done":
                if f["name"] in self.docs:
                    p.remove_task(self.docs.pop(f["name"]))
                if f["name"] in self.started:
                    self.started.discard(f["name"])
                    p.advance(self.files)
