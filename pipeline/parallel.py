"""Ordered, bounded parallel map over pages.

Tesseract runs as a subprocess and OpenCV releases the GIL, so a thread pool
keeps both cores busy on one document (a process pool costs a temporary
Prefect API per worker in ephemeral mode, ../shared/STACK.md). The producer
(rendering, which PDFium allows on one thread at a time) runs in the caller's
thread; at most ``workers + 1`` jobs, each holding one page image, exist at
once, so memory stays bounded whatever the page count.
"""
from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")


def ordered(jobs: Iterable[Callable[[], T]], workers: int) -> Iterator[T]:
    """Run zero-argument ``jobs`` on ``workers`` threads and yield their results
    in input order. The job iterator is advanced only when fewer than
    ``workers + 1`` jobs are in flight. An exception of a job is raised at its
    turn; jobs not yet started are then cancelled. ``workers <= 1`` runs
    everything in the caller's thread."""
    if workers <= 1:
        for job in jobs:
            yield job()
        return
    window: deque = deque()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kinerja-page") as pool:
        try:
            for job in jobs:
                window.append(pool.submit(job))
                while len(window) > workers:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
        finally:
            for fut in window:
                fut.cancel()
