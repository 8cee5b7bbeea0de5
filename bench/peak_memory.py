"""Run the ``kinerja`` command line in this process and print its peak memory
to stderr (even when it fails), two figures:

- ``MAXRSS_KB <n>``: the peak resident memory of this process alone;
- ``TREE_PSS_KB <n>``: the peak, sampled every :data:`SAMPLE_SECONDS`, of the
  proportional set size summed over this process and all its descendants (the
  extraction workers, their fork server, Tesseract, Prefect's temporary API
  server). PSS splits a page shared by several processes between them, so the
  memory a fork server shares with its workers is counted once.

Run: ``python -m bench.peak_memory run --home DIR`` (any kinerja arguments).
"""
from __future__ import annotations

import resource
import sys
import threading

import psutil

SAMPLE_SECONDS = 0.2


def peak_kb(stderr_text: str, figure: str = "MAXRSS_KB") -> int:
    """A figure printed by this module (``MAXRSS_KB`` or ``TREE_PSS_KB``), read back from a captured stderr."""
    return int(stderr_text.rsplit(figure, 1)[1].split()[0])


def tree_pss_kb() -> int:
    """PSS of this process and its descendants now, in KB (processes that end while being read are skipped)."""
    me = psutil.Process()
    total = 0
    for p in [me, *me.children(recursive=True)]:
        try:
            total += p.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return total // 1024


class TreeSampler(threading.Thread):
    """Samples :func:`tree_pss_kb` until stopped; ``peak`` holds the largest value."""

    def __init__(self):
        super().__init__(name="peak-memory", daemon=True)
        self.peak = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak = max(self.peak, tree_pss_kb())
            self._stop_event.wait(SAMPLE_SECONDS)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


def main() -> None:
    from flows.cli import app

    sys.argv = ["kinerja", *sys.argv[1:]]
    sampler = TreeSampler()
    sampler.start()
    try:
        app()
    finally:
        print("MAXRSS_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
        print("TREE_PSS_KB", sampler.stop(), file=sys.stderr)


if __name__ == "__main__":
    main()
