"""Run the ``kinerja`` command line in this process and print its peak
resident memory to stderr as ``MAXRSS_KB <n>`` (even when it fails).

Run: ``python -m bench.peak_memory run --home DIR`` (any kinerja arguments).
Tesseract runs as separate processes and is not counted.
"""
from __future__ import annotations

import resource
import sys


def peak_kb(stderr_text: str) -> int:
    """The figure printed by this module, read back from a captured stderr."""
    return int(stderr_text.rsplit("MAXRSS_KB", 1)[1].split()[0])


def main() -> None:
    from flows.cli import app

    sys.argv = ["kinerja", *sys.argv[1:]]
    try:
        app()
    finally:
        print("MAXRSS_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)


if __name__ == "__main__":
    main()
